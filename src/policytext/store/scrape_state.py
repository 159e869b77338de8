"""What the scraper keeps in the store besides documents: the HTTP cache of
validators, the source facts stored beside a document, and failures.

Plain functions taking a :class:`~policytext.store.corpus.Corpus`; the scraper
(:mod:`policytext.collect.scrape`) calls them and executes no SQL itself.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> with Corpus.open(":memory:") as corpus:
    ...     load_http_cache(corpus)
    {}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policytext.store.corpus import Corpus

__all__ = [
    "CachedResponse",
    "document_attributes",
    "load_http_cache",
    "record_failure",
    "remember_response",
    "write_document_attributes",
]


@dataclass(frozen=True)
class CachedResponse:
    """What was fetched for a URL: status, validators and the body's sha256."""

    url: str
    source: str | None
    status: int
    etag: str | None
    last_modified: str | None
    sha256: str | None
    fetched_at: str


def load_http_cache(corpus: Corpus) -> dict[str, dict[str, Any]]:
    """Every cached URL -> ``{url, status, etag, last_modified, sha256}``."""
    rows = corpus.conn.execute("SELECT url, status, etag, last_modified, sha256 FROM http_cache")
    return {row["url"]: dict(row) for row in rows}


def remember_response(corpus: Corpus, entry: CachedResponse) -> None:
    """Insert or update the cache row of ``entry.url`` (inside the caller's transaction)."""
    corpus.conn.execute(
        "INSERT INTO http_cache (url, source, status, etag, last_modified, sha256, fetched_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET source = excluded.source, "
        "status = excluded.status, etag = excluded.etag, last_modified = excluded.last_modified, "
        "sha256 = excluded.sha256, fetched_at = excluded.fetched_at",
        (
            entry.url,
            entry.source,
            entry.status,
            entry.etag,
            entry.last_modified,
            entry.sha256,
            entry.fetched_at,
        ),
    )


def write_document_attributes(
    corpus: Corpus, *, source: str | None, url: str, attributes: Mapping[str, str]
) -> None:
    """Store source facts beside the current document of ``source`` at ``url``."""
    row = corpus.conn.execute(
        "SELECT pk FROM documents WHERE source IS ? AND url = ? AND is_current = 1 ORDER BY pk DESC LIMIT 1",
        (source, url),
    ).fetchone()
    if row is None:
        return
    corpus.conn.executemany(
        "INSERT INTO document_attributes (doc_pk, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (doc_pk, key) DO UPDATE SET value = excluded.value",
        [(row["pk"], key, value) for key, value in sorted(attributes.items())],
    )


def document_attributes(corpus: Corpus, doc_id: str) -> dict[str, str]:
    """Source facts stored beside a document (e.g. GOV.UK ``speech_type``)."""
    rows = corpus.conn.execute(
        "SELECT a.key, a.value FROM document_attributes a JOIN documents d ON d.pk = a.doc_pk "
        "WHERE d.id = ? AND d.is_current = 1 ORDER BY a.key",
        (doc_id,),
    )
    return {row["key"]: row["value"] for row in rows}


def record_failure(corpus: Corpus, url: str, reason: str, *, source: str | None = None) -> None:
    """Record a document that could not be fetched or extracted (in its own transaction)."""
    corpus.record_failure(url, reason, source=source)
