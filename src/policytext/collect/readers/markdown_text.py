"""Markdown files (``.md``, ``.markdown``, ``.mkd``, ``.mdown``) to text.

The Markdown is parsed by markdown-it-py (CommonMark with tables), and the text
is taken from its tokens: one paragraph per block (paragraph, heading, list
item, table row, code block), emphasis and links reduced to their words,
images and HTML tags dropped (the text inside an HTML block is kept). A YAML
front matter block (between ``---`` lines at the top) gives the metadata,
through the same field mapping as JSON; the title is otherwise the first
heading. YAML timestamps are kept as text and read as dates by the project's own
date parsing, so an impossible ``date: 2012-13-45`` is a bad field, reported at
its line like any other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext._text import sha256_hex
from policytext.collect.extract import EXTRACTOR_VERSION
from policytext.collect.readers._records import ReadOptions, document_from_record
from policytext.collect.readers.table import decode
from policytext.errors import ImportFormatError
from policytext.store.corpus import Document

if TYPE_CHECKING:
    import yaml
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["MARKDOWN_SUFFIXES", "markdown_to_text", "read_markdown"]

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
_FENCES = ("---", "...")
_SPACES = re.compile(r"[ \t]{2,}")
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# A YAML 1.1 timestamp with a time ("2010-07-19 11:30:00 +01:00"), exactly as PyYAML
# recognises one: front matter keeps it as text, and its date is read from it here.
_YAML_DATETIME = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.\d*)?"
    r"(?:[ \t]*(?:Z|[-+](\d{1,2})(?::(\d{2}))?))?"
)


def read_markdown(
    path: Path, *, relative: str, options: ReadOptions, meta: dict[str, str] | None = None
) -> Document:
    """One Markdown file as a document; front matter keys are fields.

    A ``--meta`` CSV row (``meta``) fills the fields the front matter leaves empty.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for bad UTF-8, invalid YAML front matter, a
        front matter that is not a mapping, a bad field value, or no text.
    """
    raw = path.read_bytes()
    text = decode(raw, path)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFormatError(f"{path}:{line}: NUL character (binary data, not text)")
    front, key_lines, body, body_line = split_front_matter(text, path)
    blocks = markdown_blocks(body)
    record: dict[str, Any] = dict(front)
    text_key = options.field_map.key_for("text")
    if text_key in record and text_key != "text":
        raise ImportFormatError(
            f"{path}:{key_lines.get(text_key, 1)}: front matter key {text_key!r} "
            "would replace the Markdown text"
        )
    record[text_key] = "\n\n".join(text for _, text in blocks)
    if not record[text_key].strip():
        raise ImportFormatError(f"{path}:{body_line}: no text (the Markdown is empty)")
    date_key = options.field_map.key_for("date")
    if date_key in record:
        record[date_key] = _timestamp_date(record[date_key], f"{path}:{key_lines.get(date_key, 1)}")
    first_heading = next((text for kind, text in blocks if kind == "heading"), None)
    defaults = {
        "id": str(Path(relative).with_suffix("").as_posix()),
        "title": first_heading,
        "source": options.source or "local",
        "doc_type": options.doc_type,
    } | {k: v for k, v in (meta or {}).items() if k not in record}

    def build(fields: dict[str, Any], where: str) -> Document:
        return document_from_record(fields, where=where, field_map=options.field_map, defaults=defaults)

    where = f"{path}:1" if front else str(path)
    try:
        doc = build(record, where)
    except ImportFormatError as exc:
        # Report a bad front matter value at its key's line: the key at fault is the one
        # without which the error is no longer the same.
        for key, line in key_lines.items():
            if key == text_key:
                continue
            try:
                build({k: v for k, v in record.items() if k != key}, where)
            except ImportFormatError as other:
                if str(other) == str(exc):
                    continue
            build(record, f"{path}:{line}")  # raises, now naming the key's line
        raise
    return replace(doc, sha256=sha256_hex(raw), extractor_version=f"md/{EXTRACTOR_VERSION}")


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """The YAML front matter (empty when there is none), the line of each of its keys, the
    body, and the body's first line.

    Keys are lower-cased; timestamps stay text (see :func:`_timestamp_date`).

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for front matter that is not valid YAML (including a
        value its tag cannot make, such as ``!!int abc``) or not a mapping.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, {}, text, 1
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in _FENCES), None)
    if end is None:
        return {}, {}, text, 1  # a thematic break, not front matter
    import yaml  # loaded on first use: `import policytext` stays fast

    loader = _front_matter_loader()("\n".join(lines[1:end]))
    key_lines: dict[str, int] = {}
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else None
        if isinstance(meta, dict):
            for key_node, _ in node.value:  # merge keys (<<) already flattened into the mapping
                key = str(loader.construct_object(key_node, deep=True)).strip().lower()
                key_lines[key] = key_node.start_mark.line + 2
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise ImportFormatError(f"{path}:{line}: front matter is not valid YAML ({problem})") from None
    except RecursionError:
        raise ImportFormatError(f"{path}:1: front matter nested too deeply to read") from None
    finally:
        loader.dispose()
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ImportFormatError(
            f"{path}:2: front matter must be a mapping of fields, got {type(meta).__name__}"
        )
    front = {str(k).strip().lower(): v for k, v in meta.items()}
    return front, key_lines, "\n".join(lines[end + 1 :]), end + 2


@functools.cache
def _front_matter_loader() -> type[yaml.SafeLoader]:
    """PyYAML's SafeLoader, keeping timestamps as text and failing only with YAML errors.

    Built on first use, as PyYAML is imported then.
    """
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):  # type: ignore[misc]
        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except (yaml.YAMLError, RecursionError):
                raise
            except Exception:  # a constructor's own error: int() of `!!int abc`, `!!bool maybe`
                tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
                problem = (
                    f"cannot read {node.value!r} as {tag}"
                    if isinstance(node, yaml.ScalarNode)
                    else f"cannot make a {tag}"
                )
                raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    # No implicit timestamps (a copy, not the lists SafeLoader shares), and an explicit
    # !!timestamp is text too: the date is read by parse_date, not by datetime().
    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    FrontMatterLoader.add_constructor(_TIMESTAMP_TAG, FrontMatterLoader.construct_yaml_str)
    return FrontMatterLoader


def _timestamp_date(value: Any, where: str) -> Any:
    """The date (``YYYY-MM-DD``) of a YAML timestamp with a time, as stated, never shifted to UTC.

    Other values are returned unchanged, for the record's date parsing to read.

    Raises
    ------
    ImportFormatError
        ``where: date: ...`` for a time of day or UTC offset out of range.
    """
    match = _YAML_DATETIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        return value
    year, month, day, hour, minute, second, offset_hours, offset_minutes = (
        int(group or 0) for group in match.groups()
    )
    if hour > 23 or minute > 59 or second > 59:
        raise ImportFormatError(f"{where}: date: {value.strip()!r} is not a valid time of day")
    if offset_hours > 23 or offset_minutes > 59:
        raise ImportFormatError(f"{where}: date: {value.strip()!r} has an impossible UTC offset")
    return f"{year:04d}-{month:02d}-{day:02d}"


def markdown_to_text(markdown: str) -> str:
    """Markdown rendered to plain text, one paragraph per block.

    Example::

        >>> markdown_to_text("# Title\\n\\nSome *big* [society](http://x).\\n\\n  - one\\n  - two")
        'Title\\n\\nSome big society.\\n\\none\\n\\ntwo'
    """
    return "\n\n".join(text for _, text in markdown_blocks(markdown))


def markdown_blocks(markdown: str) -> list[tuple[str, str]]:
    """The text blocks of a Markdown document as ``(kind, text)``, kind ``heading`` or ``block``."""
    parser = _parser()
    blocks: list[tuple[str, str]] = []
    row: list[str] | None = None
    kind = "block"
    for token in parser.parse(markdown):
        if token.type == "heading_open":
            kind = "heading"
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            if any(row):
                blocks.append(("block", " | ".join(row)))
            row = None
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if row is not None:
                row.append(text)
            elif text:
                blocks.append((kind, text))
            kind = "block"
        elif token.type in ("fence", "code_block"):
            if token.content.strip():
                blocks.append(("block", token.content.strip("\n")))
        elif token.type == "html_block":
            text = _html_text(token.content)
            if text:
                blocks.append(("block", text))
    return blocks


@functools.cache
def _parser() -> MarkdownIt:
    # Built once, on first use (so `import policytext` stays fast): building it costs more
    # than parsing a paragraph.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "html_inline":
            parts.append(_html_text(child.content))
    return _SPACES.sub(" ", "".join(parts)).strip()


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
