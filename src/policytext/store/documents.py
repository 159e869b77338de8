"""Documents as the store takes and gives them: the records, their validation and ids.

A :class:`Document` is what a reader or scraper hands the store; a
:class:`StoredDocument` is what the store gives back, with its version and the
fields derived when it was stored (year, government, tokens, ...).

Identity rules (see docs/corpus.md): a document's given ``id`` is its identity.
A document without one gets an automatic id from its source and URL (or from its
text when it has no URL), so a page scraped again is found again.

Example::

    >>> doc = normalise_document(Document(text="Power to the people.", speaker="Mr Blair", date="1998"))
    >>> doc.speaker, doc.date, doc.id.startswith("doc-")
    ('Tony Blair', '1998', True)
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import sqlite3
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from policytext._text import normalise_text, sha256_hex
from policytext.errors import MetadataError
from policytext.people import default_registry, normalise_party, parse_date

__all__ = [
    "DOC_TYPES",
    "EXPORT_FIELDS",
    "IMPORT_FIELDS",
    "AddOutcome",
    "AddSummary",
    "Document",
    "StoredDocument",
    "default_db_path",
    "normalise_document",
]

DOC_TYPES = ("speech", "white_paper", "lecture", "pamphlet", "manifesto", "debate", "other")
STATUSES = ("ok", "withdrawn")
IMPORT_FIELDS = ("id", "text", "speaker", "party", "date", "title", "doc_type", "source", "url", "venue")
EXPORT_FIELDS = (
    *IMPORT_FIELDS,
    "version",
    "date_precision",
    "year",
    "government",
    "tokens",
    "status",
    "sha256",
    "retrieved_at",
    "extractor_version",
    "imported_at",
    "warc_file",
    "warc_offset",
)


def default_db_path() -> Path:
    """``$POLICYTEXT_DB`` when set, else ``corpus/policytext.db``."""
    return Path(os.environ.get("POLICYTEXT_DB") or "corpus/policytext.db")


@dataclass(frozen=True)
class Document:
    """A document to store: its text and what is known about it.

    ``date`` may be partial (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``). ``sha256``
    is the hash of the raw bytes the text was extracted from (of the text when
    there were none). ``warc_file`` and ``warc_offset`` link a scraped document
    to its raw response in the archive.
    """

    text: str
    id: str | None = None
    source: str | None = None
    url: str | None = None
    speaker: str | None = None
    party: str | None = None
    date: str | None = None
    title: str | None = None
    doc_type: str | None = None
    venue: str | None = None
    sha256: str | None = None
    retrieved_at: str | None = None
    extractor_version: str | None = None
    status: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None


@dataclass(frozen=True)
class StoredDocument(Document):
    """A document as stored, with its version and the derived fields."""

    pk: int = 0
    version: int = 1
    is_current: bool = True
    date_precision: str | None = None
    year: int | None = None
    government: str | None = None
    tokens: int = 0
    imported_at: str = ""

    def to_record(self, *, include_text: bool = True) -> dict[str, Any]:
        """The export record: import fields plus provenance."""
        record = {name: getattr(self, name) for name in EXPORT_FIELDS}
        if not include_text:
            record.pop("text")
        return record


class AddOutcome(enum.Enum):
    """What :meth:`Corpus.add` did with a document."""

    ADDED = "added"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"
    UPDATED = "updated"  # same text, metadata filled in or corrected


@dataclass
class AddSummary:
    """Counts of outcomes over several adds."""

    added: int = 0
    new_version: int = 0
    unchanged: int = 0
    updated: int = 0
    ids: list[str] = field(default_factory=list)

    def record(self, outcome: AddOutcome, doc_id: str) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)
        self.ids.append(doc_id)

    @property
    def total(self) -> int:
        return self.added + self.new_version + self.unchanged + self.updated

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.new_version} new versions, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )


COLUMNS = (
    "pk",
    "id",
    "version",
    "is_current",
    "source",
    "url",
    "speaker",
    "party",
    "date",
    "date_precision",
    "year",
    "government",
    "title",
    "doc_type",
    "venue",
    "text",
    "sha256",
    "retrieved_at",
    "extractor_version",
    "imported_at",
    "tokens",
    "status",
    "warc_file",
    "warc_offset",
)
METADATA_FIELDS = (
    "source",
    "url",
    "speaker",
    "party",
    "date",
    "title",
    "doc_type",
    "venue",
    "sha256",
    "retrieved_at",
    "extractor_version",
    "status",
    "warc_file",
    "warc_offset",
)

DESCRIPTIVE_FIELDS = ("source", "url", "speaker", "party", "date", "title", "doc_type", "venue")


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def normalise_document(doc: Document, *, where: str | None = None) -> Document:
    """Validate and normalise a document's fields.

    The text is normalised (NFC, line ends); the speaker resolves through the
    people registry (the party is filled from it when missing); the date is
    checked and kept at its precision; ``doc_type`` must be one of
    :data:`DOC_TYPES`.

    Raises
    ------
    MetadataError
        Naming ``where`` (or the document id) and the bad field.
    """
    label = where or (f"document {doc.id!r}" if doc.id else "document")
    if not isinstance(doc.text, str):
        raise MetadataError(f"{label}: 'text' must be a string")
    if "\x00" in doc.text:
        # As a .txt file with a NUL byte is refused: it is binary data, not a transcript.
        raise MetadataError(f"{label}: 'text' contains a NUL character (U+0000)")
    text = normalise_text(doc.text)
    if not text:
        raise MetadataError(f"{label}: 'text' is empty")
    date = None
    if doc.date not in (None, ""):
        date = parse_date(doc.date, where=f"{label}: date").iso
    doc_type = _clean(doc.doc_type)
    if doc_type is not None:
        doc_type = doc_type.lower().replace(" ", "_").replace("-", "_")
        if doc_type not in DOC_TYPES:
            raise MetadataError(f"{label}: doc_type {doc.doc_type!r} is not one of {', '.join(DOC_TYPES)}")
    status = _clean(doc.status)
    if status is not None and status.lower() not in STATUSES:
        raise MetadataError(f"{label}: status {doc.status!r} is not one of {', '.join(STATUSES)}")
    registry = default_registry()
    speaker = _clean(doc.speaker)
    if speaker:
        speaker = registry.resolve(speaker, date=date) or None
    party = normalise_party(_clean(doc.party))
    if not party and speaker:
        party = registry.party_of(speaker)
    doc_id = _clean(doc.id) or automatic_id(_clean(doc.source), _clean(doc.url), text)
    return replace(
        doc,
        text=text,
        id=doc_id,
        source=_clean(doc.source),
        url=_clean(doc.url),
        speaker=speaker,
        party=party,
        date=date,
        title=_clean(doc.title),
        doc_type=doc_type,
        venue=_clean(doc.venue),
        status=status.lower() if status else None,
    )


def automatic_id(source: str | None, url: str | None, text: str) -> str:
    """The id of a document that does not state one: from its source and URL, else its text."""
    basis = f"{source or ''}\n{url}" if url else text
    prefix = (source or "doc").replace(" ", "-").lower()
    return f"{prefix}-{sha256_hex(basis)[:12]}"


def derived_fields(date: str | None) -> dict[str, Any]:
    if not date:
        return {
            "date_precision": None,
            "date_start": None,
            "date_end": None,
            "year": None,
            "government": None,
        }
    parsed = parse_date(date)
    return {
        "date_precision": parsed.precision,
        "date_start": parsed.first_day.isoformat(),
        "date_end": parsed.last_day.isoformat(),
        "year": parsed.year,
        "government": default_registry().government_on(parsed),
    }


def from_row(row: sqlite3.Row) -> StoredDocument:
    keys = set(row.keys())
    values = {name: row[name] for name in keys}
    values.setdefault("text", "")
    values["is_current"] = bool(values.get("is_current", 1))
    allowed = {f.name for f in fields(StoredDocument)}
    return StoredDocument(**{k: v for k, v in values.items() if k in allowed})


def is_automatic_id(doc: Document) -> bool:
    """True when ``doc.id`` is the one :func:`normalise_document` derives for a document
    that gives none (so the store may find it again by source and URL)."""
    return doc.id == automatic_id(doc.source, doc.url, doc.text)
