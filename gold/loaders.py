"""Deterministic document loaders for the gold-set pointers (issue 13).

Every pointer in ``gold/pointers.jsonl`` names a document (``path`` relative to
the shared data folder, plus ``row`` for CSV documents) and a character span
``[start, end)`` into the *document text* returned by :func:`load_text`. That
text is built here, the same way every time, from the files in
``../shared/data``; nothing from those files is copied into the repository.

The document text is a list of paragraphs joined by ``"\\n"``; inside a
paragraph all whitespace is collapsed to single spaces. Sentences are split
inside paragraphs only (see ``sample.py``), so a sentence never crosses a
paragraph boundary and ``text[start:end]`` is the sentence exactly as coders
see it.

How each source becomes paragraphs:

- ``ukpol_speeches/data/**.json``: the ``content`` list (one item per scraped
  paragraph), in order. Cleaning, in this order: (1) in every item, drop the
  html2text abbreviation lines (a line that, stripped, matches
  ``*[ABBR]: expansion``); (2) drop leading image links (``[![alt](src)](href)``
  or ``![alt](src)``) at the start of the first non-empty items, and the items
  that are then empty; (3) the light markdown clean-up below. The ``title``,
  ``summary`` and other fields are not part of the text.
- ``quanteda_ukmanifestos/texts/*.txt``, ``democracyclub_manifestos`` markdown
  and ``manifestos_2015`` markdown: the file as UTF-8 (BOM dropped, ``\\r\\n``
  as ``\\n``); blocks separated by blank lines; then the light markdown
  clean-up. For democracyclub the one file used per manifesto is
  ``markdown.mkd``/``markdown.mdown``; three of those are HTML in fact (first
  non-blank character ``<``), and are read as HTML (below).
- ``manifesto_forewords/manifestos.csv``: the ``foreword`` field of data row
  ``row`` (0-based, header excluded; file read as UTF-8 with BOM), blocks as
  for plain text.
- ``govuk-content-api/*/*.json``: the HTML string ``details.body`` only (not
  title, description or other fields), read as HTML (below).

Light markdown clean-up (applied to every block of a text/markdown source):
each line loses heading marks (``#``), list marks (``*``, ``+``, ``-``,
``1.``), quote marks (``>``) and the backslash of ``12\\.``; a new paragraph
starts at each heading, list item or quote line, at each HTML-only line
(e.g. ``<br class="page-break" />``, which is dropped), and after a line that
looks like an unpunctuated heading (shorter than 50 characters, not ending in
punctuation or a joining word, and followed by a line that starts with a
capital, digit or quote); other lines of a block are joined by one space
(undoing hard wrapping). Inside a paragraph, markdown links ``[text](url)``
become ``text``, images are dropped, and the emphasis marks ``**``, ``__``
and a ``_`` or ``*`` that opens or closes a word are removed.

HTML (GOV.UK bodies, three democracyclub files): parsed with BeautifulSoup
(``html.parser``); script/style/head content is dropped; every text node
belongs to its nearest block-level ancestor (p, li, h1-h6, td, th, dt, dd,
blockquote, figcaption, caption, pre, div, section, ...), and consecutive
text nodes with the same block ancestor form one paragraph (joined as they
stand, then whitespace collapsed); a ``<br>`` also starts a new paragraph.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DocRef",
    "default_shared",
    "doc_key",
    "eligible_documents",
    "load_text",
    "paragraphs_of",
]

# -- where the data is ------------------------------------------------------------------


def default_shared() -> Path:
    """``../shared/data`` next to the repository root (the folder holding gold/)."""
    return Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def doc_key(path: str, row: int | None = None) -> str:
    """One string per document: the path, plus ``#row=N`` for a CSV row."""
    return path if row is None else f"{path}#row={row}"


@dataclass(frozen=True)
class DocRef:
    """A document that may be sampled: where it is, its genre and its metadata."""

    path: str  # relative to the shared data folder, with "/" separators
    genre: str  # "ukpol" | "manifesto" | "govuk"
    meta: dict = field(default_factory=dict, compare=False, hash=False)
    row: int | None = None

    @property
    def key(self) -> str:
        return doc_key(self.path, self.row)


# -- markdown / plain text ------------------------------------------------------------------

_ABBR_LINE = re.compile(r"^\s*\*\[[^\]\n]*\]:.*$")
_IMAGE_LINK = re.compile(r"^\s*(?:\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\))\s*")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_LIST = re.compile(r"^\s*(?:[*+\-•]\s+|\d{1,3}\\?[.)]\s+)")
_QUOTE = re.compile(r"^\s*>\s?")
_HTML_ONLY = re.compile(r"^\s*(?:<[^>]*>\s*)+$")
_ESCAPED_NUMBER = re.compile(r"^(\s*\d{1,3})\\\.")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"\*\*|__")
_EMPH = re.compile(r"(?<![\w*])[_*](?=[^\s_*])|(?<=[^\s_*])[_*](?![\w*])")
_JOINING_END = re.compile(
    r"(?:[,;:\-–—(/&]|\b(?:and|or|but|the|a|an|of|to|in|for|with|by|on|our|their|we|is|are|that|which|as|at|from))$",
    re.IGNORECASE,
)
_STARTS_CAPITAL = re.compile(r"^[\"'“‘(\[]?[A-Z0-9]")
_WS = re.compile(r"\s+")


def _collapse(s: str) -> str:
    return _WS.sub(" ", s).strip()


def _inline_clean(s: str) -> str:
    s = _MD_IMAGE.sub("", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _STRONG.sub("", s)
    s = _EMPH.sub("", s)
    return _collapse(s)


def _looks_like_heading(line: str, next_line: str) -> bool:
    line = line.strip()
    return (
        0 < len(line) < 50
        and not re.search(r"[.!?:;,]['\"”’)]*$", line)
        and not _JOINING_END.search(line)
        and bool(_STARTS_CAPITAL.match(next_line.strip()))
    )


def paragraphs_of(block: str) -> list[str]:
    """Paragraphs of one markdown/plain-text block (no blank lines inside a block
    matter: they also separate paragraphs). Deterministic; see the module doc."""
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            p = _inline_clean(" ".join(current))
            if p:
                out.append(p)
            current.clear()

    lines = block.split("\n")
    for i, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if _HTML_ONLY.match(line):
            flush()
            continue
        starts_new = False
        if _HEADING.match(line) and line.lstrip().startswith("#"):
            line = _HEADING.sub("", line)
            starts_new = True
        elif _QUOTE.match(line):
            line = _QUOTE.sub("", line)
            starts_new = True
        else:
            line = _ESCAPED_NUMBER.sub(r"\1.", line)
            if _LIST.match(line):
                line = _LIST.sub("", line)
                starts_new = True
        if starts_new:
            flush()
        current.append(line.strip())
        if starts_new and raw.lstrip().startswith("#"):
            flush()  # a heading is a paragraph of its own
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt.strip() and _looks_like_heading(line, nxt):
            flush()
    flush()
    return out


def _text_paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return paragraphs_of(text)


# -- HTML -----------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "dt",
        "dd",
        "blockquote",
        "figcaption",
        "caption",
        "pre",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "tbody",
        "thead",
        "tfoot",
        "address",
        "figure",
        "main",
        "body",
        "html",
        "details",
        "summary",
        "hr",
        "br",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript"})


def _html_paragraphs(html: str) -> list[str]:
    from bs4 import BeautifulSoup, Comment, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    current: list[str] = []
    current_block = None

    for node in soup.descendants:
        if not isinstance(node, NavigableString) or isinstance(node, Comment):
            continue
        if type(node) is not NavigableString:  # CData, Doctype, Declaration, ...
            continue
        block = None
        skip = False
        for parent in node.parents:
            if parent.name in _SKIP_TAGS:
                skip = True
                break
            if parent.name in _BLOCK_TAGS and block is None:
                block = parent
        if skip:
            continue
        # a <br> sibling before this node also breaks the paragraph
        prev = node.previous_sibling
        broke = prev is not None and getattr(prev, "name", None) == "br"
        if block is not current_block or broke:
            p = _collapse("".join(current))
            if p:
                out.append(p)
            current = []
            current_block = block
        current.append(str(node))
    p = _collapse("".join(current))
    if p:
        out.append(p)
    return out


# -- per source -------------------------------------------------------------------------


def _ukpol_paragraphs(data: dict) -> list[str]:
    items: list[str] = []
    for item in data.get("content", []):
        lines = [ln for ln in str(item).replace("\r\n", "\n").split("\n") if not _ABBR_LINE.match(ln)]
        items.append("\n".join(lines))
    # leading image links: strip them from the first non-empty items
    i = 0
    while i < len(items):
        if not items[i].strip():
            i += 1
            continue
        stripped = items[i]
        while True:
            m = _IMAGE_LINK.match(stripped)
            if not m or m.end() == 0:
                break
            stripped = stripped[m.end() :]
        if stripped == items[i]:
            break
        items[i] = stripped
        if stripped.strip():
            break
        i += 1
    out: list[str] = []
    for item in items:
        out.extend(paragraphs_of(item))
    return out


def _forewords_rows(shared: Path) -> list[dict]:
    with open(shared / "manifesto_forewords" / "manifestos.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_paragraphs(shared: Path, path: str, row: int | None = None) -> list[str]:
    """The paragraphs of one document (see the module doc for each source)."""
    shared = Path(shared)
    file = shared / path
    top = path.split("/", 1)[0]
    if top == "ukpol_speeches":
        with open(file, encoding="utf-8") as fh:
            return _ukpol_paragraphs(json.load(fh))
    if top == "govuk-content-api":
        with open(file, encoding="utf-8") as fh:
            data = json.load(fh)
        body = (data.get("details") or {}).get("body") or ""
        return _html_paragraphs(body) if isinstance(body, str) else []
    if top == "manifesto_forewords":
        if row is None:
            raise ValueError(f"{path}: a CSV document needs a row")
        return _text_paragraphs(_forewords_rows(shared)[row]["foreword"])
    if top in ("quanteda_ukmanifestos", "democracyclub_manifestos", "manifestos_2015"):
        text = file.read_text(encoding="utf-8")
        if text.lstrip("\ufeff \t\r\n").startswith("<"):
            return _html_paragraphs(text)
        return _text_paragraphs(text)
    raise ValueError(f"no loader for {path}")


def load_text(shared: Path, path: str, row: int | None = None) -> str:
    """The document text that pointer offsets refer to: paragraphs joined by ``\\n``."""
    return "\n".join(load_paragraphs(shared, path, row))


# -- which documents are eligible ---------------------------------------------------------

UKPOL_YEARS = range(1998, 2015, 2)  # even years 1998-2014 only
# Leaders' party-conference speeches are left out (the genre the existing sets come from).
_PARTY_CONFERENCE = re.compile(
    r"(Party Conference|Liberal Democrat (Spring )?Conference|Labour’s Youth Conference|"
    r"Conservative Conference|Labour Conference)",
    re.IGNORECASE,
)

_DC_DOCS = [
    # path, speaker, date
    ("democracyclub_manifestos/manifestos/2005/tory/markdown.mkd", "Conservative Party", "2005-05-05"),
    ("democracyclub_manifestos/manifestos/2010/labour/markdown.mkd", "Labour Party", "2010-05-06"),
    ("democracyclub_manifestos/manifestos/2010/tory/markdown.mkd", "Conservative Party", "2010-05-06"),
    ("democracyclub_manifestos/manifestos/2010/libdem/markdown.mkd", "Liberal Democrats", "2010-05-06"),
    ("democracyclub_manifestos/manifestos/2010/green/markdown.mdown", "Green Party", "2010-05-06"),
    (
        "democracyclub_manifestos/manifestos/2010/coalition/markdown.mkd",
        "Conservative-Liberal Democrat coalition",
        "2010-05-11",
    ),
    (
        "democracyclub_manifestos/manifestos/2010/coalition_final/markdown.mkd",
        "Conservative-Liberal Democrat coalition",
        "2010-05-20",
    ),
]


def _ukpol_docs(shared: Path) -> list[DocRef]:
    docs = []
    with open(shared / "ukpol_speeches" / "index.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            year = int(r["year"])
            if year not in UKPOL_YEARS or _PARTY_CONFERENCE.search(r["title"]):
                continue
            date = r["date_from_summary"] or ""
            if not date.startswith(str(year)):
                date = str(year)  # no delivery date, or one contradicting the file-name year
            title = r["title"]
            speaker = title.split(" – ", 1)[0] if " – " in title else r["speaker_slug"]
            docs.append(
                DocRef(
                    path="ukpol_speeches/" + r["path"],
                    genre="ukpol",
                    meta={"speaker": speaker, "date": date},
                )
            )
    return docs


def _manifesto_docs(shared: Path) -> list[DocRef]:
    docs = []
    with open(shared / "quanteda_ukmanifestos" / "metadata.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if 1997 <= int(r["year"]) <= 2005:
                docs.append(
                    DocRef(
                        path="quanteda_ukmanifestos/" + r["file"],
                        genre="manifesto",
                        meta={"speaker": r["party"], "date": r["year"]},
                    )
                )
    for path, speaker, date in _DC_DOCS:
        docs.append(DocRef(path=path, genre="manifesto", meta={"speaker": speaker, "date": date}))
    election = (shared / "manifestos_2015" / "manifestos" / "2015" / "2015-election.yaml").read_text(
        encoding="utf-8"
    )
    m = re.search(r"^date:\s*(\d{4}-\d{2}-\d{2})", election, re.MULTILINE)
    date2015 = m.group(1) if m else "2015"
    for party, speaker in (("labour", "Labour Party"), ("conservative", "Conservative Party")):
        docs.append(
            DocRef(
                path=f"manifestos_2015/manifestos/2015/{party}/2015-{party}-manifesto.md",
                genre="manifesto",
                meta={"speaker": speaker, "date": date2015},
            )
        )
    for i, r in enumerate(_forewords_rows(shared)):
        d, mth, y = r["year"].split("/")
        if 1997 <= int(y) <= 2015:
            docs.append(
                DocRef(
                    path="manifesto_forewords/manifestos.csv",
                    row=i,
                    genre="manifesto",
                    meta={"speaker": f"{r['leader_name']} ({r['party']})", "date": f"{y}-{mth}-{d}"},
                )
            )
    return docs


def _govuk_docs(shared: Path) -> list[DocRef]:
    docs = []
    base = shared / "govuk-content-api"
    for sub in ("speech", "publication", "html_publication"):
        for file in sorted((base / sub).glob("*.json")):
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
            if data.get("locale", "en") != "en":
                continue  # translations (Arabic) are out
            details = data.get("details") or {}
            links = data.get("links") or {}
            speaker = ""
            if links.get("speaker"):
                speaker = links["speaker"][0].get("title", "")
            speaker = speaker or details.get("speaker_without_profile") or ""
            if not speaker:
                orgs = links.get("organisations") or links.get("primary_publishing_organisation") or []
                speaker = "; ".join(o.get("title", "") for o in orgs)
            date = (
                details.get("delivered_on")
                or data.get("first_public_at")
                or data.get("public_updated_at")
                or ""
            )[:10]
            docs.append(
                DocRef(
                    path=f"govuk-content-api/{sub}/{file.name}",
                    genre="govuk",
                    meta={"speaker": speaker, "date": date, "document_type": data.get("document_type", "")},
                )
            )
    return docs


def eligible_documents(shared: Path) -> list[DocRef]:
    """All documents the sample may draw from, in a fixed order."""
    shared = Path(shared)
    return _ukpol_docs(shared) + _manifesto_docs(shared) + _govuk_docs(shared)
