"""JSON Lines (one document a line) and JSON files (one object, or an array of objects).

A JSON Lines file without a field mapping is read strictly: its keys must be
the import fields (a typo is an error), as an ``export`` writes them. With a
mapping (``--field``) or for a ``.json`` file, keys are read through the
:class:`~policytext.collect.readers._records.FieldMap` and other keys are
ignored. Errors name the line where the bad line or object starts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from policytext.collect.extract import EXTRACTOR_VERSION
from policytext.collect.readers._records import (
    DOC_FIELDS,
    ReadOptions,
    document_from_record,
    finish,
    refuse_nul,
    with_defaults,
)
from policytext.collect.readers.table import decode
from policytext.errors import ImportFormatError
from policytext.store.corpus import EXPORT_FIELDS, IMPORT_FIELDS, Document

__all__ = ["read_json", "read_jsonl"]

_DERIVED_FIELDS = set(EXPORT_FIELDS) - set(IMPORT_FIELDS) - DOC_FIELDS
_WHITESPACE = " \t\n\r"
# A record turned into another by a preset (e.g. ukpol: speaker from the file name).
RecordHook = Callable[[dict[str, Any], Path], dict[str, Any]]


def _loads(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{where}: invalid JSON ({_why(exc)})") from None
    except RecursionError:
        raise ImportFormatError(f"{where}: JSON nested too deeply to read") from None


def read_jsonl(path: str | Path, *, options: ReadOptions | None = None) -> list[Document]:
    """Read and validate every line of a JSON Lines file.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for the first bad line (invalid JSON, too deeply
        nested, not an object, missing or empty text, a NUL character, a bad
        date or doc_type, an unknown field).
    """
    path = Path(path)
    options = options or ReadOptions()
    text = decode(path.read_bytes(), path)
    documents = []
    seen: dict[str, int] = {}
    # Split on "\n" only: U+2028 and friends may appear inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        record = _loads(line, where)
        if not isinstance(record, dict):
            raise ImportFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
        if options.field_map.fields:
            doc = document_from_record(
                record,
                where=where,
                field_map=options.field_map,
                defaults={"source": options.source, "doc_type": options.doc_type},
            )
        else:
            doc = with_defaults(
                _strict_document(record, where), source=options.source, doc_type=options.doc_type, where=where
            )
        assert doc.id is not None
        if doc.id in seen:
            raise ImportFormatError(f"{where}: id {doc.id!r} already used on line {seen[doc.id]}")
        seen[doc.id] = number
        if doc.extractor_version is None:
            doc = replace(doc, extractor_version=f"jsonl/{EXTRACTOR_VERSION}")
        documents.append(doc)
    if not documents:
        raise ImportFormatError(f"{path}: no documents (the file is empty)")
    return documents


def _strict_document(record: dict[str, Any], where: str) -> Document:
    # Derived fields of an export are recomputed on import, so exports import back;
    # a year stands in for a missing date, as in a metadata CSV.
    if record.get("date") in (None, "") and record.get("year") not in (None, ""):
        record["date"] = str(record["year"])
    record = {k: v for k, v in record.items() if k not in _DERIVED_FIELDS}
    if record.get("warc_offset") is not None and not isinstance(record["warc_offset"], int):
        raise ImportFormatError(f"{where}: field 'warc_offset' must be an integer")
    unknown = sorted(set(record) - set(IMPORT_FIELDS) - DOC_FIELDS)
    if unknown:
        raise ImportFormatError(
            f"{where}: unknown field {unknown[0]!r}; fields are {', '.join(IMPORT_FIELDS)}"
        )
    if "text" not in record or record["text"] is None:
        raise ImportFormatError(f"{where}: missing 'text'")
    for name, value in record.items():
        if value is not None and not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ImportFormatError(f"{where}: field {name!r} must be a string, got {type(value).__name__}")
        if isinstance(value, str):
            refuse_nul(value, where, name)
    values: dict[str, Any] = {
        k: (str(v) if v is not None and k != "warc_offset" else v) for k, v in record.items()
    }
    return finish(Document(**values), where)


def json_values(text: str, path: Path) -> list[tuple[int, Any]]:
    """The top-level value of a JSON text, or each item of a top-level array,
    with the line each starts on (so errors can name it)."""
    decoder = json.JSONDecoder()
    lines = _LineCounter(text)
    index = _skip(text, 0)
    if index == len(text):
        raise ImportFormatError(f"{path}: no documents (the file is empty)")
    if text[index] != "[":
        value, end = _decode_at(decoder, text, index, path, lines)
        _expect_end(text, end, path, lines)
        return [(lines.line_at(index), value)]
    items: list[tuple[int, Any]] = []
    index = _skip(text, index + 1)
    if text[index : index + 1] == "]":
        _expect_end(text, index + 1, path, lines)
        return items
    while True:
        value, end = _decode_at(decoder, text, index, path, lines)
        items.append((lines.line_at(index), value))
        index = _skip(text, end)
        char = text[index : index + 1]
        if char == "]":
            _expect_end(text, index + 1, path, lines)
            return items
        if char != ",":
            raise ImportFormatError(f"{path}:{lines.line_at(index)}: invalid JSON (expected ',' or ']')")
        index = _skip(text, index + 1)


def _decode_at(
    decoder: json.JSONDecoder, text: str, index: int, path: Path, lines: _LineCounter
) -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, index)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{path}:{exc.lineno}: invalid JSON ({_why(exc)})") from None
    except RecursionError:
        raise ImportFormatError(f"{path}:{lines.line_at(index)}: JSON nested too deeply to read") from None


def _expect_end(text: str, index: int, path: Path, lines: _LineCounter) -> None:
    index = _skip(text, index)
    if index != len(text):
        raise ImportFormatError(f"{path}:{lines.line_at(index)}: invalid JSON (extra data after the value)")


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


class _LineCounter:
    """Line numbers of increasing offsets, counted once."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def line_at(self, index: int) -> int:
        if index < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, index)
        self.offset = index
        return self.line


def _looks_like_ukpol(record: Mapping[str, Any], options: ReadOptions) -> bool:
    return (
        "text" not in options.field_map.fields
        and "text" not in record
        and {"content", "summary", "tags"} <= set(record)
    )


def read_json(
    path: str | Path, *, relative: str, options: ReadOptions, hook: RecordHook | None = None
) -> list[Document]:
    """A JSON file of one object or an array of objects, each a document.

    The id of an object without one is the file's id (its path relative to the
    folder imported, without the suffix), with ``/N`` for the N-th object of an
    array.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` naming where the bad object starts.
    """
    path = Path(path)
    text = decode(path.read_bytes(), path)
    values = json_values(text, path)
    if not values:
        raise ImportFormatError(f"{path}: no documents (an empty array)")
    stem = str(Path(relative).with_suffix("").as_posix())
    single = len(values) == 1 and not text.lstrip().startswith("[")
    documents = []
    seen: dict[str, int] = {}
    for number, (line, record) in enumerate(values, start=1):
        where = f"{path}:{line}"
        if not isinstance(record, Mapping):
            raise ImportFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
        record = dict(record)
        if hook is not None:
            record = hook(record, path)
        elif _looks_like_ukpol(record, options):
            raise ImportFormatError(
                f"{where}: missing 'text'; this looks like the ukpol dump: use --preset ukpol"
            )
        doc = document_from_record(
            record,
            where=where,
            field_map=options.field_map,
            defaults={
                "id": stem if single else f"{stem}/{number}",
                "source": options.source or "local",
                "doc_type": options.doc_type,
            },
        )
        assert doc.id is not None
        if doc.id in seen:
            raise ImportFormatError(f"{where}: id {doc.id!r} already used on line {seen[doc.id]}")
        seen[doc.id] = line
        documents.append(replace(doc, extractor_version=f"json/{EXTRACTOR_VERSION}"))
    return documents


def _why(exc: json.JSONDecodeError) -> str:
    """What the JSON parser found wrong and where on the line ("... starting at" has its "at")."""
    return f"{exc.msg.removesuffix(' at')} at column {exc.colno}"
