"""The corpus store: one SQLite file of documents, provenance and tags.

The schema is versioned by named forward migrations (recorded in the
``schema_migrations`` table, each applied in its own transaction). Writes happen
in transactions, so an interrupted import or scrape loses nothing already
stored and leaves no half-written document; adding a document that is already
stored is a no-op, and a changed text for the same document is kept as a new
version beside the old one.

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> with Corpus.open(":memory:") as corpus:
    ...     corpus.add(Document(text="Power to the people.", speaker="Tony Blair", date="1998"))
    ...     corpus.count()
    <AddOutcome.ADDED: 'added'>
    1
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import IO, Any

from policytext._text import count_tokens, normalise_text, sha256_hex
from policytext.errors import MetadataError, SchemaError, StoreError
from policytext.people import PartialDate, default_registry, normalise_party, parse_date

__all__ = [
    "DOC_TYPES",
    "EXPORT_FIELDS",
    "IMPORT_FIELDS",
    "AddOutcome",
    "AddSummary",
    "Corpus",
    "Document",
    "StoredDocument",
    "default_db_path",
]

logger = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------
# Schema migrations: append only; never edit one that has shipped.

_MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_documents",
        """
        CREATE TABLE documents (
            pk INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            is_current INTEGER NOT NULL DEFAULT 1,
            source TEXT,
            url TEXT,
            speaker TEXT,
            party TEXT,
            date TEXT,
            date_precision TEXT,
            date_start TEXT,
            date_end TEXT,
            year INTEGER,
            government TEXT,
            title TEXT,
            doc_type TEXT NOT NULL DEFAULT 'other',
            venue TEXT,
            text TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            sha256 TEXT,
            retrieved_at TEXT,
            extractor_version TEXT,
            imported_at TEXT NOT NULL,
            tokens INTEGER NOT NULL DEFAULT 0,
            UNIQUE (id, version)
        );
        CREATE UNIQUE INDEX documents_one_current ON documents (id) WHERE is_current = 1;
        CREATE INDEX documents_source_url ON documents (source, url);
        CREATE INDEX documents_speaker ON documents (speaker);
        CREATE INDEX documents_year ON documents (year);
        """,
    ),
    (
        "0002_provenance",
        """
        ALTER TABLE documents ADD COLUMN status TEXT NOT NULL DEFAULT 'ok';
        ALTER TABLE documents ADD COLUMN warc_file TEXT;
        ALTER TABLE documents ADD COLUMN warc_offset INTEGER;
        CREATE TABLE failures (
            pk INTEGER PRIMARY KEY,
            source TEXT,
            url TEXT NOT NULL,
            reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX failures_url ON failures (url);
        """,
    ),
    (
        "0003_tags",
        """
        CREATE TABLE codebooks (
            hash TEXT PRIMARY KEY,
            name TEXT,
            version TEXT,
            content TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE tagged_documents (
            doc_pk INTEGER PRIMARY KEY REFERENCES documents (pk) ON DELETE CASCADE,
            codebook_hash TEXT NOT NULL,
            sentences INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            tagged_at TEXT NOT NULL
        );
        CREATE TABLE matches (
            pk INTEGER PRIMARY KEY,
            doc_pk INTEGER NOT NULL REFERENCES documents (pk) ON DELETE CASCADE,
            codebook_hash TEXT NOT NULL,
            sentence INTEGER NOT NULL,
            sent_start INTEGER NOT NULL,
            sent_end INTEGER NOT NULL,
            start_char INTEGER NOT NULL,
            end_char INTEGER NOT NULL,
            frame TEXT NOT NULL,
            pattern_id TEXT NOT NULL,
            text TEXT NOT NULL,
            negated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX matches_doc ON matches (doc_pk);
        CREATE INDEX matches_frame ON matches (frame, doc_pk);
        """,
    ),
    (
        "0004_fulltext",
        """
        CREATE VIRTUAL TABLE documents_fts USING fts5 (
            title, text, content='documents', content_rowid='pk', tokenize='porter unicode61'
        );
        INSERT INTO documents_fts (rowid, title, text) SELECT pk, title, text FROM documents;
        CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.pk, new.title, new.text);
        END;
        CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text)
            VALUES ('delete', old.pk, old.title, old.text);
        END;
        CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN
            INSERT INTO documents_fts (documents_fts, rowid, title, text)
            VALUES ('delete', old.pk, old.title, old.text);
            INSERT INTO documents_fts (rowid, title, text) VALUES (new.pk, new.title, new.text);
        END;
        """,
    ),
    (
        "0005_http_cache",
        """
        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            source TEXT,
            status INTEGER NOT NULL,
            etag TEXT,
            last_modified TEXT,
            sha256 TEXT,
            fetched_at TEXT NOT NULL
        );
        """,
    ),
    (
        "0006_document_attributes",
        """
        CREATE TABLE document_attributes (
            doc_pk INTEGER NOT NULL REFERENCES documents (pk) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (doc_pk, key)
        );
        """,
    ),
    (
        "0007_evaluations",
        """
        CREATE TABLE evaluations (
            pk INTEGER PRIMARY KEY,
            codebook_hash TEXT NOT NULL,
            gold TEXT NOT NULL,
            scores TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX evaluations_codebook ON evaluations (codebook_hash);
        """,
    ),
    (
        # Tags of several codebooks side by side: a document is tagged once per codebook.
        "0008_tags_per_codebook",
        """
        CREATE TABLE tagged_documents_new (
            doc_pk INTEGER NOT NULL REFERENCES documents (pk) ON DELETE CASCADE,
            codebook_hash TEXT NOT NULL,
            sentences INTEGER NOT NULL,
            tokens INTEGER NOT NULL,
            tagged_at TEXT NOT NULL,
            PRIMARY KEY (doc_pk, codebook_hash)
        );
        INSERT INTO tagged_documents_new (doc_pk, codebook_hash, sentences, tokens, tagged_at)
            SELECT doc_pk, codebook_hash, sentences, tokens, tagged_at FROM tagged_documents;
        DROP TABLE tagged_documents;
        ALTER TABLE tagged_documents_new RENAME TO tagged_documents;
        CREATE INDEX tagged_documents_codebook ON tagged_documents (codebook_hash);
        CREATE INDEX matches_codebook_doc ON matches (codebook_hash, doc_pk);
        """,
    ),
]

SCHEMA_VERSION = len(_MIGRATIONS)

_COLUMNS = (
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
_METADATA_FIELDS = (
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

_DESCRIPTIVE_FIELDS = ("source", "url", "speaker", "party", "date", "title", "doc_type", "venue")


def _now() -> str:
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
    doc_id = _clean(doc.id) or _automatic_id(_clean(doc.source), _clean(doc.url), text)
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


def _automatic_id(source: str | None, url: str | None, text: str) -> str:
    """The id of a document that does not state one: from its source and URL, else its text."""
    basis = f"{source or ''}\n{url}" if url else text
    prefix = (source or "doc").replace(" ", "-").lower()
    return f"{prefix}-{sha256_hex(basis)[:12]}"


class Corpus:
    """A corpus database (SQLite, WAL mode).

    Parameters
    ----------
    path:
        The database file; created with its folder when missing. ``":memory:"``
        gives a throw-away store.

    Example::

        >>> with Corpus.open(":memory:") as corpus:
        ...     _ = corpus.add(Document(text="Localism matters.", id="d1"))
        ...     corpus.get("d1").tokens
        2
    """

    def __init__(self, path: str | Path, *, migrate: bool = True) -> None:
        self.path = Path(path) if str(path) != ":memory:" else Path(":memory:")
        if str(path) != ":memory:":
            if self.path.is_dir():
                raise StoreError(f"{self.path}: is a folder, not a database file")
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if str(path) != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a policytext database ({exc})") from None
        self._depth = 0
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self.conn.close()
                raise

    @classmethod
    def open(cls, path: str | Path | None = None) -> Corpus:
        """Open (creating and migrating as needed) the store at ``path`` or the default."""
        return cls(default_db_path() if path is None else path)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The number of migrations applied."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, *, target: int | None = None) -> list[str]:
        """Apply the pending migrations (up to ``target``); return their names."""
        current = self.schema_version
        target = SCHEMA_VERSION if target is None else target
        if current > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: schema version {current} is newer than this policytext "
                f"understands ({SCHEMA_VERSION}); upgrade policytext"
            )
        if current == 0 and self._has_foreign_tables():
            raise SchemaError(f"{self.path}: an SQLite database that is not a policytext corpus")
        applied = []
        for number, (name, script) in enumerate(_MIGRATIONS[current:target], start=current + 1):
            statements = [s for s in _split_sql(script) if s.strip()]
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                if self.schema_version >= number:
                    # Another process applied it while we waited for the lock.
                    self.conn.execute("COMMIT")
                    continue
                if number == 1:
                    self.conn.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                for statement in statements:
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, _now()),
                )
                self.conn.execute(f"PRAGMA user_version = {number}")
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise SchemaError(f"{self.path}: migration {name} failed ({exc})") from None
            logger.info("applied migration %s to %s", name, self.path)
            applied.append(name)
        return applied

    def _has_foreign_tables(self) -> bool:
        names = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return bool(names - {"schema_migrations"})

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing block; nests (inner blocks join the outer one)."""
        if self._depth == 0:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(f"{self.path}: {exc}") from None
        self._depth += 1
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self._depth -= 1
            if self._depth == 0 and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: {exc}") from exc
        except BaseException:
            self._depth -= 1
            if self._depth == 0 and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: {exc}") from None

    # -- writing ------------------------------------------------------------

    def add(self, doc: Document, *, where: str | None = None) -> AddOutcome:
        """Store one document (validated and normalised) in its own transaction.

        Same id (or same source and URL) with the same text: nothing is written,
        except that metadata the store lacks or that changed is updated. A
        changed text: stored as a new version, the old one kept.
        """
        doc = normalise_document(doc, where=where)
        with self.transaction():
            return self._write(doc)

    def add_many(
        self,
        docs: Iterable[Document],
        *,
        batch_size: int = 200,
        on_progress: Callable[[AddOutcome, Document], None] | None = None,
    ) -> AddSummary:
        """Store documents in batches of ``batch_size`` per transaction.

        If the iterable or a document fails, every earlier document is kept,
        whole, and the error is raised; nothing is half-written.
        """
        summary = AddSummary()
        batch: list[Document] = []

        def flush() -> None:
            try:
                with self.transaction():
                    for item in batch:
                        outcome = self._write(item)
                        summary.record(outcome, item.id or "")
                        if on_progress:
                            on_progress(outcome, item)
            finally:
                batch.clear()

        iterator = iter(docs)
        while True:
            try:
                doc = next(iterator, None)
                if doc is None:
                    break
                batch.append(normalise_document(doc))
            except BaseException:
                # The source or a document failed: keep the whole documents read before it.
                if batch:
                    flush()
                raise
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        return summary

    def add_all(self, docs: Iterable[Document], *, where: str | None = None) -> AddSummary:
        """Store documents all-or-nothing: one transaction, rolled back on any error."""
        summary = AddSummary()
        with self.transaction():
            for doc in docs:
                doc = normalise_document(doc, where=where)
                summary.record(self._write(doc), doc.id or "")
        return summary

    def _write(self, doc: Document) -> AddOutcome:
        assert doc.id is not None
        text_hash = sha256_hex(doc.text)
        row = self.conn.execute(
            "SELECT * FROM documents WHERE id = ? AND is_current = 1", (doc.id,)
        ).fetchone()
        if row is None and doc.url and doc.id == _automatic_id(doc.source, doc.url, doc.text):
            # No id given: a document stored before under its own id is found by source and URL.
            row = self.conn.execute(
                "SELECT * FROM documents WHERE source IS ? AND url = ? AND is_current = 1 "
                "ORDER BY pk DESC LIMIT 1",
                (doc.source, doc.url),
            ).fetchone()
            if row is not None:
                doc = replace(doc, id=row["id"])
        if row is None and doc.url:
            twin = self.conn.execute(
                "SELECT * FROM documents WHERE source IS ? AND url = ? AND text_sha256 = ? "
                "AND is_current = 1 LIMIT 1",
                (doc.source, doc.url, text_hash),
            ).fetchone()
            if twin is not None:
                # Same source, URL and content under another id: the same document.
                row = twin
                doc = replace(doc, id=row["id"])
        if row is not None and row["text_sha256"] == text_hash:
            changes = {
                name: getattr(doc, name)
                for name in _METADATA_FIELDS
                if getattr(doc, name) is not None and getattr(doc, name) != row[name]
            }
            if not changes:
                return AddOutcome.UNCHANGED
            merged = {name: row[name] for name in _METADATA_FIELDS} | changes
            derived = _derived(merged["date"])
            assignments = ", ".join(f"{name} = ?" for name in [*merged, *derived])
            self.conn.execute(
                f"UPDATE documents SET {assignments} WHERE pk = ?",
                (*merged.values(), *derived.values(), row["pk"]),
            )
            return AddOutcome.UPDATED
        version = 1
        if row is not None:
            # A new version keeps what the old one knew unless the new source says otherwise.
            doc = replace(
                doc, **{name: row[name] for name in _DESCRIPTIVE_FIELDS if getattr(doc, name) is None}
            )
            version = (
                int(
                    self.conn.execute(
                        "SELECT max(version) FROM documents WHERE id = ?", (doc.id,)
                    ).fetchone()[0]
                )
                + 1
            )
            self.conn.execute("UPDATE documents SET is_current = 0 WHERE id = ?", (doc.id,))
        values = {name: getattr(doc, name) for name in _METADATA_FIELDS}
        values["doc_type"] = doc.doc_type or "other"
        values["status"] = doc.status or "ok"
        values |= _derived(doc.date)
        values |= {
            "id": doc.id,
            "version": version,
            "is_current": 1,
            "text": doc.text,
            "text_sha256": text_hash,
            "sha256": doc.sha256 or text_hash,
            "imported_at": _now(),
            "tokens": count_tokens(doc.text),
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self.conn.execute(f"INSERT INTO documents ({columns}) VALUES ({marks})", tuple(values.values()))
        return AddOutcome.ADDED if version == 1 else AddOutcome.NEW_VERSION

    def record_failure(self, url: str, reason: str, *, source: str | None = None) -> None:
        """Record a document that could not be fetched or extracted."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO failures (source, url, reason, recorded_at) VALUES (?, ?, ?, ?)",
                (source, url, reason, _now()),
            )

    def failures(self) -> list[dict[str, Any]]:
        """Recorded failures, newest first."""
        rows = self.conn.execute("SELECT source, url, reason, recorded_at FROM failures ORDER BY pk DESC")
        return [dict(row) for row in rows]

    # -- reading ------------------------------------------------------------

    def get(self, doc_id: str, *, version: int | None = None) -> StoredDocument | None:
        """The current (or the given) version of a document, or None."""
        if version is None:
            row = self.conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE id = ? AND is_current = 1",
                (doc_id,),
            ).fetchone()
        else:
            row = self.conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE id = ? AND version = ?",
                (doc_id, version),
            ).fetchone()
        return _from_row(row) if row else None

    def versions(self, doc_id: str) -> list[StoredDocument]:
        """Every stored version of a document, oldest first."""
        rows = self.conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM documents WHERE id = ? ORDER BY version", (doc_id,)
        )
        return [_from_row(row) for row in rows]

    def query(
        self,
        *,
        speaker: str | Sequence[str] | None = None,
        party: str | Sequence[str] | None = None,
        since: str | PartialDate | None = None,
        until: str | PartialDate | None = None,
        doc_type: str | Sequence[str] | None = None,
        source: str | Sequence[str] | None = None,
        government: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        text: str | None = None,
        all_versions: bool = False,
        include_text: bool = True,
    ) -> Iterator[StoredDocument]:
        """Stream documents matching every filter given, ordered by date then id.

        ``since``/``until`` keep documents whose whole (possibly partial) date
        lies in the range: a document dated only ``2010`` is inside
        ``since=2010`` but not inside ``since=2010-06``. ``text`` is a full-text
        query (SQLite FTS5 syntax, stemmed: ``localism``, ``"big society"``,
        ``devolve AND city``). Rows are fetched lazily, so the corpus is never
        loaded into memory.
        """
        where, params = self.filter_sql(
            speaker=speaker,
            party=party,
            since=since,
            until=until,
            doc_type=doc_type,
            source=source,
            government=government,
            year=year,
            text=text,
            all_versions=all_versions,
        )
        columns = [c for c in _COLUMNS if include_text or c != "text"]
        sql = (
            f"SELECT {', '.join('d.' + c for c in columns)} FROM documents d {where} "
            "ORDER BY d.date_start IS NULL, d.date_start, d.id, d.version"
        )
        cursor = self._execute(sql, params)
        for row in cursor:
            yield _from_row(row)

    def iter_texts(self, **filters: Any) -> Iterator[tuple[int, str]]:
        """Stream ``(pk, text)`` pairs of the documents matching ``filters``."""
        where, params = self.filter_sql(**filters)
        cursor = self._execute(f"SELECT d.pk, d.text FROM documents d {where} ORDER BY d.pk", params)
        yield from ((pk, text) for pk, text in cursor)

    def count(self, **filters: Any) -> int:
        """Number of documents matching ``filters`` (see :meth:`query`)."""
        where, params = self.filter_sql(**filters)
        return int(self._execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0])

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"query: {exc}") from None

    def filter_sql(
        self,
        *,
        speaker: str | Sequence[str] | None = None,
        party: str | Sequence[str] | None = None,
        since: str | PartialDate | None = None,
        until: str | PartialDate | None = None,
        doc_type: str | Sequence[str] | None = None,
        source: str | Sequence[str] | None = None,
        government: str | Sequence[str] | None = None,
        year: int | Sequence[int] | None = None,
        text: str | None = None,
        all_versions: bool = False,
    ) -> tuple[str, list[Any]]:
        """The ``WHERE`` clause (over ``documents d``) and parameters that select what
        :meth:`query` selects with the same filters; for callers that aggregate in SQL."""
        clauses: list[str] = []
        params: list[Any] = []
        if not all_versions:
            clauses.append("d.is_current = 1")
        for column, value in (
            ("speaker", speaker),
            ("party", party),
            ("doc_type", doc_type),
            ("source", source),
            ("government", government),
            ("year", year),
        ):
            if value is None:
                continue
            values: list[Any] = [value] if isinstance(value, (str, int)) else list(value)
            if column == "speaker":
                values = [default_registry().resolve(str(v)) for v in values]
            if column == "party":
                values = [normalise_party(str(v)) for v in values]
            clauses.append(f"d.{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
        if since is not None:
            clauses.append("d.date_start >= ?")
            params.append(parse_date(since, where="since").first_day.isoformat())
        if until is not None:
            clauses.append("d.date_end <= ?")
            params.append(parse_date(until, where="until").last_day.isoformat())
        if text:
            clauses.append("d.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            params.append(text)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, params

    # -- summaries and export --------------------------------------------------

    def summary(self, by: str) -> list[dict[str, Any]]:
        """Documents and tokens per value of ``by`` (source, speaker, year, party,
        government, doc_type) over current documents, largest first."""
        allowed = ("source", "speaker", "year", "party", "government", "doc_type")
        if by not in allowed:
            raise MetadataError(f"summary: cannot group by {by!r}; use one of {', '.join(allowed)}")
        order = "value IS NULL, value" if by == "year" else "tokens DESC, value IS NULL, value"
        rows = self.conn.execute(
            f"SELECT {by} AS value, count(*) AS documents, coalesce(sum(tokens), 0) AS tokens "
            f"FROM documents WHERE is_current = 1 GROUP BY {by} ORDER BY {order}"
        )
        return [dict(row) for row in rows]

    def export(self, out: IO[str], *, fmt: str = "jsonl", **filters: Any) -> int:
        """Write current documents as JSON Lines or CSV; return how many were written.

        Each record has the import fields (so the output imports back) plus
        provenance: version, derived fields, status, sha256, retrieved_at, ...
        """
        if fmt not in ("jsonl", "csv"):
            raise MetadataError(f"export: format {fmt!r} is not one of jsonl, csv")
        count = 0
        writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS)) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for doc in self.query(**filters):
            record = doc.to_record()
            if writer:
                writer.writerow({k: "" if v is None else v for k, v in record.items()})
            else:
                line = json.dumps(record, ensure_ascii=False)
                # U+2028/U+2029/U+0085 are line breaks to many readers: keep them escaped.
                line = (
                    line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
                )
                out.write(line + "\n")
            count += 1
        return count

    def export_text(self, *, fmt: str = "jsonl", **filters: Any) -> str:
        """:meth:`export` into a string."""
        buffer = io.StringIO()
        self.export(buffer, fmt=fmt, **filters)
        return buffer.getvalue()


def _derived(date: str | None) -> dict[str, Any]:
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


def _from_row(row: sqlite3.Row) -> StoredDocument:
    keys = set(row.keys())
    values = {name: row[name] for name in keys}
    values.setdefault("text", "")
    values["is_current"] = bool(values.get("is_current", 1))
    allowed = {f.name for f in fields(StoredDocument)}
    return StoredDocument(**{k: v for k, v in values.items() if k in allowed})


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
