"""Import of existing dictionaries (quanteda YAML, LIWC ``.dic``) as codebooks.

Dictionary entries are glob patterns on word forms (``empower*``), matched
case-insensitively, possibly several words long (``people power``). They become
phrase patterns whose terms keep those semantics: a term with ``*`` or ``?``
is a glob on the lower-case word, any other term is taken literally (``=term``),
not lemmatised, as quanteda and LIWC do. Each dictionary key or category
becomes a frame.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from policytext.codebook.build import codebook_from_dict
from policytext.codebook.model import Codebook
from policytext.errors import CodebookError


def _frame_id(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = f"f_{cleaned}"
    return cleaned


def _terms(entry: str) -> str:
    words = entry.lower().split()
    return " ".join(w if ("*" in w or "?" in w) else f"={w}" for w in words)


def _build(categories: list[tuple[str, int, list[tuple[str, int]]]], *, source: str, name: str) -> Codebook:
    frames: list[dict[str, Any]] = []
    patterns: list[dict[str, Any]] = []
    lines: list[int] = []
    seen: set[str] = set()
    for label, line, entries in categories:
        frame = _frame_id(label)
        if frame in seen:
            raise CodebookError(f"{source}:{line}: category {label!r} appears twice (as {frame!r})")
        seen.add(frame)
        if not entries:
            raise CodebookError(f"{source}:{line}: category {label!r} has no entries")
        frames.append({"id": frame, "label": label})
        for number, (entry, entry_line) in enumerate(entries, start=1):
            if not entry.split():
                raise CodebookError(f"{source}:{entry_line}: empty entry in category {label!r}")
            patterns.append(
                {
                    "id": f"{frame}-{number}",
                    "frame": frame,
                    "phrase": _terms(entry),
                    "note": f"{entry} (line {entry_line})",
                }
            )
            lines.append(entry_line)
    if not frames:
        raise CodebookError(f"{source}:1: the dictionary defines no categories")
    codebook = codebook_from_dict(
        {"codebook": {"name": name, "version": "imported"}, "frames": frames, "patterns": patterns},
        source=source,
    )
    # Each pattern keeps the line of its dictionary entry, so `codebook check` can say FILE:LINE.
    return replace(
        codebook,
        patterns=tuple(
            replace(pattern, line=line) for pattern, line in zip(codebook.patterns, lines, strict=True)
        ),
    )


def parse_quanteda_yaml(text: str, *, source: str = "<dictionary>") -> Codebook:
    """Read a quanteda dictionary in YAML (keys to lists of glob entries; nested keys join with ``_``).

    Example::

        >>> cb = parse_quanteda_yaml("devolution:\\n  - devol*\\n  - city deal*\\n")
        >>> [p.terms for p in cb.patterns]
        [('devol*',), ('=city', 'deal*')]
    """
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{source}:{line}: invalid YAML ({problem})") from None
    if root is None:
        raise CodebookError(f"{source}:1: the dictionary is empty")
    if not isinstance(root, yaml.MappingNode):
        raise CodebookError(
            f"{source}:{root.start_mark.line + 1}: a quanteda dictionary must be a mapping of keys"
        )
    categories: list[tuple[str, int, list[tuple[str, int]]]] = []

    def walk(node: yaml.MappingNode, prefix: str) -> None:
        for key_node, value_node in node.value:
            key = f"{prefix}_{key_node.value}" if prefix else str(key_node.value)
            line = key_node.start_mark.line + 1
            if isinstance(value_node, yaml.MappingNode):
                walk(value_node, key)
            elif isinstance(value_node, yaml.SequenceNode):
                entries: list[tuple[str, int]] = []
                for item in value_node.value:
                    if not isinstance(item, yaml.ScalarNode):
                        raise CodebookError(
                            f"{source}:{item.start_mark.line + 1}: "
                            f"entries of {key!r} must be words or phrases"
                        )
                    entries.append((str(item.value), item.start_mark.line + 1))
                categories.append((key, line, entries))
            elif isinstance(value_node, yaml.ScalarNode) and value_node.value:
                categories.append((key, line, [(str(value_node.value), value_node.start_mark.line + 1)]))
            else:
                raise CodebookError(f"{source}:{line}: key {key!r} has no entries")

    walk(root, "")
    return _build(categories, source=source, name=source.rsplit("/", 1)[-1])


def parse_liwc_dic(text: str, *, source: str = "<dictionary>") -> Codebook:
    r"""Read a LIWC ``.dic`` dictionary: categories between ``%`` lines, then entries with category numbers.

    Example::

        >>> cb = parse_liwc_dic("%\n1\tdevolution\n%\ndevol*\t1\n")
        >>> cb.frames
        ('devolution',)
    """
    lines = text.splitlines()
    markers = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(markers) < 2:
        raise CodebookError(f"{source}:1: a LIWC dictionary starts with categories between two '%' lines")
    names: dict[str, tuple[str, int]] = {}
    for index in range(markers[0] + 1, markers[1]):
        line = lines[index].strip()
        if not line:
            continue
        parts = line.split(None, 1)
        if len(parts) != 2:
            raise CodebookError(f"{source}:{index + 1}: a category line is 'NUMBER<TAB>name', not {line!r}")
        names[parts[0]] = (parts[1].strip(), index + 1)
    entries: dict[str, list[tuple[str, int]]] = {number: [] for number in names}
    for index in range(markers[1] + 1, len(lines)):
        raw = lines[index].strip()
        if not raw:
            continue
        if "\t" in raw:
            word, _, rest = raw.partition("\t")
            numbers = rest.split()
        else:
            # No tab: the trailing numeric fields are categories, the rest is the entry.
            parts = raw.split()
            split = len(parts)
            while split > 1 and parts[split - 1].isdigit():
                split -= 1
            word, numbers = " ".join(parts[:split]), parts[split:]
        if not numbers:
            raise CodebookError(f"{source}:{index + 1}: entry {word.strip()!r} has no category number")
        for number in numbers:
            if number not in names:
                raise CodebookError(
                    f"{source}:{index + 1}: entry {word.strip()!r} names unknown category {number}"
                )
            entries[number].append((word.strip(), index + 1))
    categories = [(label, line, entries[number]) for number, (label, line) in names.items()]
    return _build(categories, source=source, name=source.rsplit("/", 1)[-1])
