"""Writing documents: how a document finds the stored one it is a version of.

The identity rules (docs/corpus.md): a given id is the identity. A document without
an id has an automatic one from its source and URL (or its text); it is also found
by source and URL when a document stored under another id has the same text, and
two different texts are never merged. The functions here run inside a transaction
opened by :class:`~policytext.store.corpus.Corpus`; token counting
(:func:`tokens_needed`) runs before it, as spaCy tokenising is the slow part.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from policytext._text import count_tokens, sha256_hex
from policytext.store.documents import (
    DESCRIPTIVE_FIELDS,
    METADATA_FIELDS,
    AddOutcome,
    Document,
    derived_fields,
    is_automatic_id,
    now,
)

__all__ = ["tokens_needed", "write_document"]


def tokens_needed(conn: sqlite3.Connection, docs: Sequence[Document]) -> dict[str, int]:
    """Token counts (by text hash) of the texts the store does not hold yet: counted
    outside any transaction, as spaCy tokenising is the slow part of a write."""
    hashes = {sha256_hex(doc.text): doc.text for doc in docs}
    known: set[str] = set()
    items = list(hashes)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        rows = conn.execute(f"SELECT text_sha256 FROM documents WHERE text_sha256 IN ({marks})", chunk)
        known.update(row[0] for row in rows)
    return {h: count_tokens(text) for h, text in hashes.items() if h not in known}


def _find(conn: sqlite3.Connection, doc: Document, text_hash: str) -> tuple[sqlite3.Row | None, Document]:
    """The stored document ``doc`` is a version of (and ``doc`` under its id), or None.

    A given id is the identity. A document without one is also found by source and URL,
    but only when the stored text is the same: two different texts never merge.
    """
    assert doc.id is not None
    row = conn.execute("SELECT * FROM documents WHERE id = ? AND is_current = 1", (doc.id,)).fetchone()
    if row is None and doc.url and is_automatic_id(doc):
        row = conn.execute(
            "SELECT * FROM documents WHERE source IS ? AND url = ? AND text_sha256 = ? "
            "AND is_current = 1 ORDER BY pk LIMIT 1",
            (doc.source, doc.url, text_hash),
        ).fetchone()
        if row is not None:
            doc = replace(doc, id=row["id"])
    return row, doc


def write_document(
    conn: sqlite3.Connection, doc: Document, tokens: dict[str, int] | None = None
) -> AddOutcome:
    text_hash = sha256_hex(doc.text)
    row, doc = _find(conn, doc, text_hash)
    if row is not None and row["text_sha256"] == text_hash:
        changes = {
            name: getattr(doc, name)
            for name in METADATA_FIELDS
            if getattr(doc, name) is not None and getattr(doc, name) != row[name]
        }
        if not changes:
            return AddOutcome.UNCHANGED
        merged = {name: row[name] for name in METADATA_FIELDS} | changes
        derived = derived_fields(merged["date"])
        assignments = ", ".join(f"{name} = ?" for name in [*merged, *derived])
        conn.execute(
            f"UPDATE documents SET {assignments} WHERE pk = ?",
            (*merged.values(), *derived.values(), row["pk"]),
        )
        return AddOutcome.UPDATED
    version = 1
    if row is not None:
        # A new version keeps what the old one knew unless the new source says otherwise.
        doc = replace(doc, **{name: row[name] for name in DESCRIPTIVE_FIELDS if getattr(doc, name) is None})
        version = int(
            conn.execute("SELECT max(version) FROM documents WHERE id = ?", (doc.id,)).fetchone()[0]
        )
        version += 1
        conn.execute("UPDATE documents SET is_current = 0 WHERE id = ?", (doc.id,))
    count = (tokens or {}).get(text_hash)
    if count is None:
        count = _stored_tokens(conn, text_hash)
    values = {name: getattr(doc, name) for name in METADATA_FIELDS}
    values["doc_type"] = doc.doc_type or "other"
    values["status"] = doc.status or "ok"
    values |= derived_fields(doc.date)
    values |= {
        "id": doc.id,
        "version": version,
        "is_current": 1,
        "text": doc.text,
        "text_sha256": text_hash,
        "sha256": doc.sha256 or text_hash,
        "imported_at": now(),
        "tokens": count if count is not None else count_tokens(doc.text),
    }
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO documents ({columns}) VALUES ({marks})", tuple(values.values()))
    return AddOutcome.ADDED if version == 1 else AddOutcome.NEW_VERSION


def _stored_tokens(conn: sqlite3.Connection, text_hash: str) -> int | None:
    row = conn.execute("SELECT tokens FROM documents WHERE text_sha256 = ? LIMIT 1", (text_hash,))
    found = row.fetchone()
    return int(found[0]) if found else None
