"""The corpus store: one SQLite file of documents, provenance and tags.

The schema is versioned by named forward migrations (:mod:`policytext.store.schema`).
Writes happen in short transactions, so an interrupted import or scrape loses
nothing already stored and leaves no half-written document, and several
processes can write to one store. Adding a document that is already stored is
a no-op, and a changed text for the same document is kept as a new version
beside the old one. A store that cannot be written (a read-only file or folder)
is opened read-only and serves every reading method.

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
import io
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Unpack

from policytext._io import atomic_write
from policytext.errors import InputError, MetadataError, SchemaError, StoreError
from policytext.store import duplicates as _duplicates
from policytext.store.documents import (
    COLUMNS,
    DOC_TYPES,
    EXPORT_FIELDS,
    IMPORT_FIELDS,
    AddOutcome,
    AddSummary,
    Document,
    StoredDocument,
    automatic_id,
    default_db_path,
    from_row,
    normalise_document,
    now,
)
from policytext.store.filters import (
    DocumentFilter,
    FilterOptions,
    filter_clauses,
    no_match_message,
    resolve_filter,
)
from policytext.store.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,  # noqa: F401  (importable from here)
    apply_migrations,
    connect,
    integrity_problem,
    schema_version,
    split_sql,
    unknown_migration,
)
from policytext.store.writes import tokens_needed, write_document

if TYPE_CHECKING:
    import pandas as pd

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
    "normalise_document",
]

# Names kept importable from here for callers of the old single-module store.
_MIGRATIONS = MIGRATIONS
_split_sql = split_sql
_automatic_id = automatic_id

logger = logging.getLogger(__name__)

#: Seconds a writer waits for another process's write lock before giving up.
BUSY_TIMEOUT = 60.0
_SUMMARY_FIELDS = ("source", "speaker", "year", "party", "government", "doc_type")
_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))
_CHECKED_FIELDS = ("speaker", "party", "doc_type", "source", "government", "year")


def _busy_timeout() -> float:
    try:
        return float(os.environ.get("POLICYTEXT_BUSY_TIMEOUT", BUSY_TIMEOUT))
    except ValueError:
        return BUSY_TIMEOUT


class Corpus:
    """A corpus database (SQLite, WAL mode).

    Parameters
    ----------
    path:
        The database file; created with its folder when missing. ``":memory:"``
        gives a throw-away store.
    migrate:
        Apply pending migrations when opening (writable stores only).
    read_only:
        Open without writing anything; ``None`` (the default) opens read-only when
        the file or its folder is not writable.

    Example::

        >>> with Corpus.open(":memory:") as corpus:
        ...     _ = corpus.add(Document(text="Localism matters.", id="d1"))
        ...     corpus.get("d1").tokens
        2
    """

    def __init__(self, path: str | Path, *, migrate: bool = True, read_only: bool | None = None) -> None:
        memory = str(path) == ":memory:"
        self.path = Path(":memory:") if memory else Path(path)
        if not memory and self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        if read_only is None:
            read_only = not memory and self.path.exists() and not _is_writable(self.path)
        self.read_only = read_only
        self.timeout = _busy_timeout()
        self._depth = 0
        self._refusal: str | None = None  # why writes are refused, once known
        self._refusal_error: type[StoreError] = SchemaError
        self._checked = False
        try:
            self.conn = connect(self.path, read_only=read_only, memory=memory, timeout=self.timeout)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a policytext database ({' '.join(str(exc).split())})") from None
        if read_only or not migrate:
            return
        unknown = unknown_migration(self.conn)
        if unknown:
            self._refusal = _unknown_message(self.path, unknown)
            logger.warning("%s; opened for reading only", self._refusal)
            return
        try:
            self.migrate()
        except BaseException:
            self.conn.close()
            raise

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool | None = None) -> Corpus:
        """Open (creating and migrating as needed) the store at ``path`` or the default."""
        return cls(default_db_path() if path is None else path, read_only=read_only)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema and integrity -------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The number of migrations applied."""
        return schema_version(self.conn)

    def migrate(self, *, target: int | None = None) -> list[str]:
        """Apply the pending migrations (up to ``target``); return their names."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; cannot migrate")
        return apply_migrations(self.conn, self.path, target=target)

    def check_writable(self) -> None:
        """Raise unless the store may be written: not read-only, no migration this code does
        not know, and ``PRAGMA quick_check`` passes (checked once per connection)."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is read-only (file or folder not writable)")
        if self._refusal is None and not self._checked:
            self._checked = True
            unknown = unknown_migration(self.conn)
            if unknown:
                self._refusal = _unknown_message(self.path, unknown)
            else:
                problem = integrity_problem(self.conn)
                if problem:
                    self._refusal = f"{self.path}: the store is damaged (quick_check: {problem}); not writing"
                    self._refusal_error = StoreError
        if self._refusal:
            raise self._refusal_error(self._refusal)

    def has_table(self, name: str) -> bool:
        """True when the store has the table ``name`` (an older read-only store may not)."""
        row = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return row.fetchone() is not None

    # -- transactions -------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All-or-nothing block; nests (inner blocks join the outer one).

        Waits up to :data:`BUSY_TIMEOUT` seconds (``$POLICYTEXT_BUSY_TIMEOUT``) for another
        writer; keep the work inside short, as other processes wait for it.
        """
        if self._depth == 0:
            self.check_writable()
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(self._lock_message(exc)) from None
        self._depth += 1
        try:
            yield self.conn
        except sqlite3.Error as exc:
            self._depth -= 1
            if self._depth == 0 and self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(self._lock_message(exc)) from exc
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
                raise StoreError(self._lock_message(exc)) from None

    def _lock_message(self, exc: sqlite3.Error) -> str:
        message = " ".join(str(exc).split())
        if "locked" in message or "busy" in message:
            return (
                f"{self.path}: {message}: another process held the write lock for more than "
                f"{self.timeout:g} s; nothing of this step was written, run it again"
            )
        return f"{self.path}: {message}"

    # -- writing ------------------------------------------------------------

    def add(self, doc: Document, *, where: str | None = None) -> AddOutcome:
        """Store one document (validated and normalised) in its own transaction.

        Same id (or, for a document without one, same source, URL and text): nothing is
        written, except that metadata the store lacks or that changed is updated. A changed
        text: stored as a new version, the old one kept.
        """
        doc = normalise_document(doc, where=where)
        tokens = self._tokens_needed([doc])
        with self.transaction():
            return write_document(self.conn, doc, tokens)

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
                tokens = self._tokens_needed(batch)
                with self.transaction():
                    for item in batch:
                        outcome = write_document(self.conn, item, tokens)
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
        """Store documents all-or-nothing: one transaction, rolled back on any error.

        Validation and token counting happen before the transaction starts, so the write
        lock is held only for the writes themselves.
        """
        summary = AddSummary()
        normalised = [normalise_document(doc, where=where) for doc in docs]
        tokens = self._tokens_needed(normalised)
        with self.transaction():
            outcomes = [(write_document(self.conn, doc, tokens), doc) for doc in normalised]
        for outcome, doc in outcomes:
            summary.record(outcome, doc.id or "")
        return summary

    def _tokens_needed(self, docs: Sequence[Document]) -> dict[str, int]:
        self.check_writable()  # before the slow part, not after it
        return tokens_needed(self.conn, docs)

    def _write(self, doc: Document) -> AddOutcome:
        """Write one normalised document (inside :meth:`transaction`)."""
        return write_document(self.conn, doc)

    def record_failure(self, url: str, reason: str, *, source: str | None = None) -> None:
        """Record a document that could not be fetched or extracted."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO failures (source, url, reason, recorded_at) VALUES (?, ?, ?, ?)",
                (source, url, reason, now()),
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
                f"SELECT {', '.join(COLUMNS)} FROM documents WHERE id = ? AND is_current = 1",
                (doc_id,),
            ).fetchone()
        else:
            row = self.conn.execute(
                f"SELECT {', '.join(COLUMNS)} FROM documents WHERE id = ? AND version = ?",
                (doc_id, version),
            ).fetchone()
        return from_row(row) if row else None

    def versions(self, doc_id: str) -> list[StoredDocument]:
        """Every stored version of a document, oldest first."""
        rows = self.conn.execute(
            f"SELECT {', '.join(COLUMNS)} FROM documents WHERE id = ? ORDER BY version", (doc_id,)
        )
        return [from_row(row) for row in rows]

    def query(
        self,
        documents: DocumentFilter | None = None,
        /,
        *,
        all_versions: bool = False,
        include_text: bool = True,
        fold_duplicates: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> Iterator[StoredDocument]:
        """Stream documents matching a :class:`DocumentFilter` and/or keyword filters,
        ordered by date then id.

        ``since``/``until`` keep documents whose whole (possibly partial) date
        lies in the range: a document dated only ``2010`` is inside
        ``since=2010`` but not inside ``since=2010-06``. ``text`` is a full-text
        query (SQLite FTS5 syntax, stemmed: ``localism``, ``"big society"``,
        ``devolve AND city``). ``fold_duplicates`` keeps one member of each duplicate
        cluster (see :meth:`filter_sql`). Rows are fetched lazily, so the corpus is never
        loaded into memory.
        """
        where, params = self.filter_sql(
            resolve_filter(documents, filters), all_versions=all_versions, fold_duplicates=fold_duplicates
        )
        columns = [c for c in COLUMNS if include_text or c != "text"]
        sql = (
            f"SELECT {', '.join('d.' + c for c in columns)} FROM documents d {where} "
            "ORDER BY d.date_start IS NULL, d.date_start, d.id, d.version"
        )
        for row in self._execute(sql, params):
            yield from_row(row)

    def iter_texts(
        self,
        documents: DocumentFilter | None = None,
        /,
        *,
        fold_duplicates: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> Iterator[tuple[int, str]]:
        """Stream ``(pk, text)`` pairs of the documents selected (see :meth:`query`)."""
        flt = resolve_filter(documents, filters)
        where, params = self.filter_sql(flt, fold_duplicates=fold_duplicates)
        cursor = self._execute(f"SELECT d.pk, d.text FROM documents d {where} ORDER BY d.pk", params)
        yield from ((pk, text) for pk, text in cursor)

    def count(
        self,
        documents: DocumentFilter | None = None,
        /,
        *,
        all_versions: bool = False,
        fold_duplicates: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> int:
        """Number of documents selected (see :meth:`query`)."""
        where, params = self.filter_sql(
            resolve_filter(documents, filters), all_versions=all_versions, fold_duplicates=fold_duplicates
        )
        return int(self._execute(f"SELECT count(*) FROM documents d {where}", params).fetchone()[0])

    def folded_count(
        self, documents: DocumentFilter | None = None, /, **filters: Unpack[FilterOptions]
    ) -> int:
        """How many of the selected documents folding duplicates leaves out (for messages
        and run manifests: "N duplicate documents folded")."""
        flt = resolve_filter(documents, filters)
        return self.count(flt) - self.count(flt, fold_duplicates=True)

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"query: {exc}") from None

    def filter_sql(
        self,
        documents: DocumentFilter | None = None,
        /,
        *,
        fold_duplicates: bool = True,
        all_versions: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> tuple[str, list[Any]]:
        """The ``WHERE`` clause (over ``documents d``) and parameters that select the documents
        of a filter; for callers that aggregate in SQL.

        With ``fold_duplicates`` (the default, for analyses) a member of a duplicate cluster
        is left out when a better-ranked member of its cluster is selected too, so each
        speech counts once; see :meth:`refresh_duplicates`.
        """
        flt = resolve_filter(documents, filters)
        clauses, params = filter_clauses(flt)
        if not all_versions:
            clauses.insert(0, "d.is_current = 1")
        if fold_duplicates and not flt.keep_duplicates and self.has_table("duplicate_clusters"):
            inner, inner_params = filter_clauses(flt, alias="d2")
            inner_where = "".join(f" AND {c}" for c in inner)
            clauses.append(
                "NOT EXISTS (SELECT 1 FROM duplicate_clusters dm "
                "JOIN duplicate_clusters dc ON dc.cluster = dm.cluster AND dc.rank < dm.rank "
                "JOIN documents d2 ON d2.id = dc.doc_id AND d2.is_current = 1 "
                f"WHERE dm.doc_id = d.id{inner_where})"
            )
            params.extend(inner_params)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, params

    def check_filter(
        self, documents: DocumentFilter | None = None, /, **filters: Unpack[FilterOptions]
    ) -> None:
        """Raise :class:`InputError` when a filter value matches no stored document, naming
        the closest stored values (``government: no document has 'Coalition'; closest:
        'Cameron-Clegg coalition'``)."""
        flt = resolve_filter(documents, filters)
        for name in _CHECKED_FIELDS:
            for value in getattr(flt, name):
                probe = DocumentFilter(**{name: (value,)})  # type: ignore[arg-type]
                if self.count(probe) == 0:
                    raise InputError(no_match_message(self.conn, name, value))

    # -- summaries and frames -------------------------------------------------

    def summary(self, by: str, documents: DocumentFilter | None = None, /) -> list[dict[str, Any]]:
        """Documents and tokens per value of ``by`` (source, speaker, year, party,
        government, doc_type) over current documents, largest first."""
        if by not in _SUMMARY_FIELDS:
            raise MetadataError(f"summary: cannot group by {by!r}; use one of {', '.join(_SUMMARY_FIELDS)}")
        order = "value IS NULL, value" if by == "year" else "tokens DESC, value IS NULL, value"
        where, params = self.filter_sql(documents, fold_duplicates=False)
        rows = self._execute(
            f"SELECT d.{by} AS value, count(*) AS documents, coalesce(sum(d.tokens), 0) AS tokens "
            f"FROM documents d {where} GROUP BY d.{by} ORDER BY {order}",
            params,
        )
        return [dict(row) for row in rows]

    def summary_frame(self, by: str, documents: DocumentFilter | None = None, /) -> pd.DataFrame:
        """:meth:`summary` as a DataFrame with the columns ``by``, ``documents``, ``tokens``."""
        import pandas as pd

        frame = pd.DataFrame(self.summary(by, documents), columns=["value", "documents", "tokens"])
        frame = frame.rename(columns={"value": by})
        if by == "year":
            frame[by] = frame[by].astype("Int64")
        return frame

    def to_frame(
        self,
        documents: DocumentFilter | None = None,
        /,
        *,
        include_text: bool = False,
        fold_duplicates: bool = False,
        **filters: Unpack[FilterOptions],
    ) -> pd.DataFrame:
        """The selected documents as a DataFrame, one row per document with the export
        fields (the text only with ``include_text``).

        Example::

            >>> with Corpus.open(":memory:") as corpus:
            ...     _ = corpus.add(Document(text="Localism.", id="d1", date="2011"))
            ...     corpus.to_frame()[["id", "year"]].to_dict("records")
            [{'id': 'd1', 'year': 2011}]
        """
        import pandas as pd

        columns = [f for f in EXPORT_FIELDS if include_text or f != "text"]
        docs = self.query(
            resolve_filter(documents, filters), include_text=include_text, fold_duplicates=fold_duplicates
        )
        frame = pd.DataFrame([doc.to_record(include_text=include_text) for doc in docs], columns=columns)
        for name in ("year", "warc_offset"):
            frame[name] = frame[name].astype("Int64")
        return frame

    # -- duplicates ---------------------------------------------------------------

    def refresh_duplicates(self, *, threshold: float | None = None, force: bool = False) -> bool:
        """Recompute the duplicate clusters when documents changed since the last time (or
        ``threshold`` differs, or ``force``); return True when they were recomputed.
        See :mod:`policytext.store.duplicates` for the method and the canonical member."""
        return _duplicates.refresh(self, threshold=threshold, force=force)

    def duplicate_clusters(self) -> list[_duplicates.DuplicateCluster]:
        """The stored duplicate clusters, largest first (see :meth:`refresh_duplicates`)."""
        return _duplicates.stored_clusters(self)

    # -- export ------------------------------------------------------------------

    def export(
        self,
        out: IO[str],
        documents: DocumentFilter | None = None,
        /,
        *,
        fmt: str = "jsonl",
        **filters: Unpack[FilterOptions],
    ) -> int:
        """Write current documents as JSON Lines or CSV; return how many were written.

        Each record has the import fields (so the output imports back) plus
        provenance: version, derived fields, status, sha256, retrieved_at, ...
        Duplicates are all written (nothing is ever folded away in an export).
        """
        if fmt not in ("jsonl", "csv"):
            raise MetadataError(f"export: format {fmt!r} is not one of jsonl, csv")
        count = 0
        writer = csv.DictWriter(out, fieldnames=list(EXPORT_FIELDS)) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for doc in self.query(resolve_filter(documents, filters)):
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

    def export_text(
        self,
        documents: DocumentFilter | None = None,
        /,
        *,
        fmt: str = "jsonl",
        **filters: Unpack[FilterOptions],
    ) -> str:
        """:meth:`export` into a string."""
        buffer = io.StringIO()
        self.export(buffer, resolve_filter(documents, filters), fmt=fmt)
        return buffer.getvalue()

    def export_to(
        self,
        path: str | Path,
        documents: DocumentFilter | None = None,
        /,
        *,
        fmt: str = "jsonl",
        **filters: Unpack[FilterOptions],
    ) -> int:
        """:meth:`export` into the file ``path``, written whole or not at all; the store
        itself, its side files and any other SQLite database are refused as ``path``."""
        with atomic_write(path, newline="", protect=[self.path]) as handle:
            return self.export(handle, resolve_filter(documents, filters), fmt=fmt)


def _unknown_message(path: Path, unknown: str) -> str:
    return f"{path}: carries {unknown} unknown to this policytext; not writing (upgrade policytext)"


def _is_writable(path: Path) -> bool:
    """True when the store file and its folder can be written (WAL needs both)."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
