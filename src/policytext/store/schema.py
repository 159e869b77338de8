"""The schema of the store: how it is opened, named forward migrations, and the checks
made before writing.

Migrations are recorded in the ``schema_migrations`` table (and counted in
``PRAGMA user_version``), each applied in its own transaction. A store that
carries a migration this code does not know (a newer policytext wrote it, or
someone recorded one by hand) or that fails ``PRAGMA quick_check`` is refused
for writing; reading it may go on.
"""

from __future__ import annotations

import logging
import sqlite3
import urllib.parse
from pathlib import Path

from policytext.errors import SchemaError, StoreError
from policytext.store.documents import now

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "apply_migrations",
    "connect",
    "integrity_problem",
    "unknown_migration",
]

logger = logging.getLogger(__name__)

# Append only; never edit one that has shipped.
MIGRATIONS: list[tuple[str, str]] = [
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
        "0008_duplicates",
        """
        CREATE TABLE document_signatures (
            doc_pk INTEGER PRIMARY KEY REFERENCES documents (pk) ON DELETE CASCADE,
            norm_sha256 TEXT NOT NULL,
            words INTEGER NOT NULL,
            minhash BLOB NOT NULL
        );
        CREATE INDEX document_signatures_hash ON document_signatures (norm_sha256);
        CREATE TABLE duplicate_clusters (
            cluster INTEGER NOT NULL,
            doc_id TEXT NOT NULL PRIMARY KEY,
            rank INTEGER NOT NULL,
            similarity REAL NOT NULL
        );
        CREATE INDEX duplicate_clusters_cluster ON duplicate_clusters (cluster, rank);
        CREATE TABLE duplicate_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
    ),
    (
        # Tags of several codebooks side by side: a document is tagged once per codebook.
        "0009_tags_per_codebook",
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


SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path, *, read_only: bool, memory: bool, timeout: float) -> sqlite3.Connection:
    """A connection to the store at ``path``: WAL mode for writing, or read-only.

    A read-only store is opened with ``mode=ro``; a WAL store in a folder where its
    ``-shm`` file cannot be created is opened ``immutable=1``.

    Raises
    ------
    sqlite3.DatabaseError
        When the file is not an SQLite database (the caller names it).
    """
    if read_only:
        if not path.exists():
            raise StoreError(f"{path}: no corpus database here")
        conn = _connect_read_only(path, timeout)
    else:
        if not memory:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=timeout)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _connect_read_only(path: Path, timeout: float) -> sqlite3.Connection:
    base = "file:" + urllib.parse.quote(str(path.resolve()))
    last: sqlite3.DatabaseError | None = None
    for query in ("?mode=ro", "?immutable=1"):
        conn = sqlite3.connect(base + query, uri=True, isolation_level=None, timeout=timeout)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "not a database" in str(exc) or "malformed" in str(exc):
                raise
            last = exc
    assert last is not None
    raise last


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of migrations applied (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def unknown_migration(conn: sqlite3.Connection) -> str | None:
    """The first migration the store carries that this code does not know, or None.

    Both the version counter and the ``schema_migrations`` table are read, so a
    migration recorded only in the table is found too.
    """
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        return f"schema version {version} (this policytext knows {SCHEMA_VERSION})"
    try:
        rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    except sqlite3.OperationalError:
        return None  # no table yet: a new store
    for number, name in rows:
        known = MIGRATIONS[number - 1][0] if 1 <= int(number) <= SCHEMA_VERSION else None
        if known != name:
            return f"migration {number} {name!r}"
    return None


def integrity_problem(conn: sqlite3.Connection) -> str | None:
    """What ``PRAGMA quick_check`` reports (its first line), or None for a sound store."""
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        return " ".join(str(exc).split())
    result = str(rows[0][0]) if rows else "no answer"
    return None if result == "ok" else " ".join(result.split())


def has_foreign_tables(conn: sqlite3.Connection) -> bool:
    """True when a store with no migrations applied holds tables of something else."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return bool(names - {"schema_migrations"})


def apply_migrations(conn: sqlite3.Connection, path: Path, *, target: int | None = None) -> list[str]:
    """Apply the pending migrations (up to ``target``) to ``conn``; return their names.

    Raises
    ------
    SchemaError
        For a store of a newer or unknown schema, a database that is not a
        policytext corpus, or a migration that fails (it is rolled back).
    """
    current = schema_version(conn)
    target = SCHEMA_VERSION if target is None else target
    unknown = unknown_migration(conn)
    if unknown:
        raise SchemaError(f"{path}: carries {unknown} unknown to this policytext; upgrade policytext")
    if current == 0 and has_foreign_tables(conn):
        raise SchemaError(f"{path}: an SQLite database that is not a policytext corpus")
    applied = []
    for number, (name, script) in enumerate(MIGRATIONS[current:target], start=current + 1):
        statements = [s for s in split_sql(script) if s.strip()]
        try:
            conn.execute("BEGIN IMMEDIATE")
            if schema_version(conn) >= number:
                # Another process applied it while we waited for the lock.
                conn.execute("COMMIT")
                continue
            if number == 1:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (number, name, now()),
            )
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise SchemaError(f"{path}: migration {name} failed ({' '.join(str(exc).split())})") from None
        logger.info("applied migration %s to %s", name, path)
        applied.append(name)
    return applied


def split_sql(script: str) -> list[str]:
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
