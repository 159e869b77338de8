"""Records (a JSON object, a CSV row, front matter) to documents: the field mapping.

Every structured format (JSON Lines, JSON, CSV/TSV, Markdown front matter, TEI)
ends here, so all of them map fields, refuse NUL characters and report bad
values the same way: ``FILE:LINE: problem``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from policytext.errors import ImportFormatError, MetadataError
from policytext.store.corpus import IMPORT_FIELDS, Document, normalise_document

__all__ = ["FieldMap", "ReadOptions", "document_from_record", "finish", "refuse_nul"]

DOC_FIELDS = frozenset(f.name for f in fields(Document))
# Other names a source may use for a field.
ALIASES = {"location": "venue"}
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class FieldMap:
    """Which key of a record (column of a CSV, key of a JSON object) fills which field.

    ``fields`` maps a document field (``text``, ``speaker``, ``date``, ...) to a
    key; a dotted key (``meta.speaker``) reaches into nested JSON objects. Fields
    not mapped are read from a key of their own name. A list of strings under a
    mapped key is joined with blank lines (paragraphs into a text).

    Example::

        >>> FieldMap.parse(["text=paragraphs", "speaker=Speaker"]).key_for("text")
        'paragraphs'
    """

    fields: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, specs: list[str] | tuple[str, ...], *, text_column: str | None = None) -> FieldMap:
        """Read ``FIELD=KEY`` specifications (the CLI's ``--field``).

        Raises
        ------
        ImportFormatError
            For a malformed specification or a field that does not exist.
        """
        mapping: dict[str, str] = {}
        for spec in specs:
            name, sep, key = spec.partition("=")
            name, key = name.strip().lower(), key.strip()
            if not sep or not name or not key:
                raise ImportFormatError(f"--field {spec!r}: expected FIELD=KEY, e.g. speaker=Speaker")
            if name not in IMPORT_FIELDS:
                raise ImportFormatError(
                    f"--field {spec!r}: {name!r} is not a field; fields are {', '.join(IMPORT_FIELDS)}"
                )
            if name in mapping:
                raise ImportFormatError(f"--field {spec!r}: {name!r} is mapped twice")
            mapping[name] = key
        if text_column:
            if "text" in mapping and mapping["text"] != text_column:
                raise ImportFormatError(
                    f"--text-column {text_column!r} and --field text={mapping['text']} disagree"
                )
            mapping["text"] = text_column
        return cls(mapping)

    def key_for(self, name: str) -> str:
        """The key read for field ``name``."""
        return self.fields.get(name, name)


@dataclass(frozen=True)
class ReadOptions:
    """How files are read: the field mapping, defaults, and a named preset."""

    field_map: FieldMap = field(default_factory=FieldMap)
    source: str | None = None
    doc_type: str | None = None
    preset: str | None = None


def refuse_nul(value: str, where: str, name: str) -> None:
    """A NUL character means binary data, as a .txt file with NUL bytes is refused."""
    if "\x00" in value:
        raise ImportFormatError(f"{where}: field {name!r} contains a NUL character (binary data, not text)")


def lookup(record: Mapping[str, Any], key: str) -> Any:
    """The value at ``key`` (dotted for nested objects), or None when absent."""
    if key in record:
        return record[key]
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _as_text(value: Any, where: str, name: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ImportFormatError(f"{where}: field {name!r} (key {key!r}) must be a string, got bool")
    if isinstance(value, str):
        text = value
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()[:10]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = PARAGRAPH_SEPARATOR.join(v.strip() for v in value if v.strip())
    else:
        kind = "list with non-string items" if isinstance(value, list) else type(value).__name__
        raise ImportFormatError(f"{where}: field {name!r} (key {key!r}) must be a string, got {kind}")
    refuse_nul(text, where, name)
    return text


def document_from_record(
    record: Mapping[str, Any],
    *,
    where: str,
    field_map: FieldMap,
    defaults: Mapping[str, str | None] | None = None,
) -> Document:
    """Build and validate one document from a record.

    ``defaults`` fill fields the record leaves empty (an id derived from the file,
    ``source``, ``doc_type``). A ``year`` stands in for a missing date.

    Raises
    ------
    ImportFormatError
        ``where: problem`` for missing text, a value of the wrong type, a NUL
        character, or a bad date, doc_type or other field.
    """
    values: dict[str, str] = {}
    for name in IMPORT_FIELDS:
        key = field_map.key_for(name)
        value = lookup(record, key)
        if value is None and name not in field_map.fields:
            alias = next((a for a, target in ALIASES.items() if target == name and a in record), None)
            value = record.get(alias) if alias else None
        text = _as_text(value, where, name, key)
        if text is not None and (text.strip() or name == "text"):
            values[name] = text
    if "date" not in values and "date" not in field_map.fields:
        year = _as_text(record.get("year"), where, "year", "year")
        if year:
            values["date"] = year
    if "text" not in values:
        raise ImportFormatError(f"{where}: missing 'text' (key {field_map.key_for('text')!r})")
    for name, default in (defaults or {}).items():
        if default and not values.get(name):
            values[name] = default
    return finish(Document(**values), where)  # type: ignore[arg-type]


def finish(doc: Document, where: str) -> Document:
    """Normalise a document, turning a metadata problem into an import error at ``where``."""
    try:
        return normalise_document(doc, where=where)
    except MetadataError as exc:
        raise ImportFormatError(str(exc)) from None


def with_defaults(doc: Document, *, source: str | None, doc_type: str | None, where: str) -> Document:
    """Fill ``source`` and ``doc_type`` where the document gives none."""
    if (source and not doc.source) or (doc_type and not doc.doc_type):
        return finish(replace(doc, source=doc.source or source, doc_type=doc.doc_type or doc_type), where)
    return doc
