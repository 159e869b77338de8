"""Every query the tables (frequency, keyness, concordance) run against the store.

Plain functions taking an open :class:`~policytext.store.corpus.Corpus` and a
:class:`~policytext.store.filters.DocumentFilter`: the selection of documents is always
the store's own filter (:meth:`Corpus.filter_sql`), so a table selects exactly what
``Corpus.query`` selects with the same filter. With ``codebook_hash``, only documents
tagged with that codebook count.

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> from policytext.store.filters import DocumentFilter
    >>> store = Corpus.open(":memory:")
    >>> _ = store.add(Document(text="Power to the people.", id="a", speaker="Tony Blair", date="1999"))
    >>> document_groups(store, DocumentFilter(), ["year"])[["year", "tokens"]].values.tolist()
    [[1999, 4]]
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from policytext.errors import InputError
from policytext.store.corpus import Corpus
from policytext.store.filters import GROUP_FIELDS, DocumentFilter

__all__ = [
    "DOCUMENT_FIELDS",
    "Side",
    "document_groups",
    "frame_counts_by_document",
    "frame_match_rows",
    "government_order",
    "side_frame_counts",
    "side_size",
    "side_texts",
    "term_documents",
    "untagged_count",
]

#: Document metadata columns a concordance line may carry.
DOCUMENT_FIELDS = (
    "speaker",
    "party",
    "date",
    "year",
    "government",
    "doc_type",
    "source",
    "title",
    "url",
    "venue",
)


def _where(corpus: Corpus, flt: DocumentFilter, *, codebook_hash: str | None = None) -> tuple[str, list[Any]]:
    """WHERE clause over ``documents d`` (never empty: current versions at least)."""
    where, params = corpus.filter_sql(flt)
    where = where or "WHERE 1 = 1"
    if codebook_hash is not None:
        where += " AND d.pk IN (SELECT doc_pk FROM tagged_documents WHERE codebook_hash = ?)"
        params = [*params, codebook_hash]
    return where, list(params)


def _meta_columns(fields: Sequence[str]) -> str:
    bad = [f for f in fields if f not in DOCUMENT_FIELDS]
    if bad:
        raise InputError(f"fields: {bad[0]!r} is not a document field; use {', '.join(DOCUMENT_FIELDS)}")
    return ", ".join(f"d.{f} AS {f}" for f in fields)


# -- frequency tables -------------------------------------------------------------------


def government_order(corpus: Corpus) -> list[str]:
    """Governments of the current documents in the order they held office (earliest document)."""
    rows = corpus.conn.execute(
        "SELECT government FROM documents WHERE is_current = 1 AND government IS NOT NULL "
        "GROUP BY government ORDER BY min(date_start), government"
    )
    return [r[0] for r in rows]


def untagged_count(corpus: Corpus, flt: DocumentFilter, codebook_hash: str) -> int:
    """Selected current documents that are not tagged with ``codebook_hash``."""
    where, params = _where(corpus, flt)
    row = corpus.conn.execute(
        f"SELECT count(*) FROM documents d {where} AND d.pk NOT IN "
        "(SELECT doc_pk FROM tagged_documents WHERE codebook_hash = ?)",
        [*params, codebook_hash],
    ).fetchone()
    return int(row[0])


def document_groups(
    corpus: Corpus, flt: DocumentFilter, group_fields: Sequence[str], *, codebook_hash: str | None = None
) -> pd.DataFrame:
    """One row per selected document: ``doc_pk``, ``tokens`` and its value of each grouping field."""
    bad = [g for g in group_fields if g not in GROUP_FIELDS]
    if bad:
        raise InputError(f"by: cannot group by {bad[0]!r}; use one of {', '.join(GROUP_FIELDS)}")
    where, params = _where(corpus, flt, codebook_hash=codebook_hash)
    group_sql = "".join(f", {GROUP_FIELDS[g]} AS {g}" for g in group_fields)
    return pd.read_sql_query(
        f"SELECT d.pk AS doc_pk, d.tokens AS tokens{group_sql} FROM documents d {where} ORDER BY d.pk",
        corpus.conn,
        params=params,
    )


def frame_counts_by_document(
    corpus: Corpus,
    flt: DocumentFilter,
    codebook_hash: str,
    frames: Sequence[str],
    *,
    include_negated: bool = False,
) -> pd.DataFrame:
    """Mentions and frame-bearing sentences per selected document and frame
    (``doc_pk``, ``frame``, ``mentions``, ``sentences``), aggregated in SQL."""
    where, params = _where(corpus, flt, codebook_hash=codebook_hash)
    negated = "" if include_negated else " AND m.negated = 0"
    marks = ", ".join("?" for _ in frames)
    return pd.read_sql_query(
        "SELECT m.doc_pk AS doc_pk, m.frame AS frame, count(*) AS mentions, "
        "count(DISTINCT m.sentence) AS sentences FROM matches m "
        f"WHERE m.codebook_hash = ?{negated} AND m.frame IN ({marks}) "
        f"AND m.doc_pk IN (SELECT d.pk FROM documents d {where}) "
        "GROUP BY m.doc_pk, m.frame",
        corpus.conn,
        params=[codebook_hash, *frames, *params],
    )


# -- concordance --------------------------------------------------------------------------

_ORDER = "ORDER BY d.date_start IS NULL, d.date_start, d.id"


def term_documents(
    corpus: Corpus,
    flt: DocumentFilter,
    fts_query: str,
    *,
    fields: Sequence[str] = (),
    codebook_hash: str | None = None,
    ordered: bool = True,
) -> Iterator[sqlite3.Row]:
    """Selected documents the full-text index finds for ``fts_query`` (a superset of the
    documents a term occurs in): ``doc_pk``, ``doc_id``, ``text`` and ``fields``, by date
    (``ordered=False``: in storage order, which spares sorting the texts)."""
    where, params = _where(corpus, flt, codebook_hash=codebook_hash)
    meta = "".join(", " + c for c in [_meta_columns(fields)] if c)
    order = _ORDER if ordered else ""
    sql = (
        f"SELECT d.pk AS doc_pk, d.id AS doc_id, d.text AS text{meta} FROM documents d {where} "
        f"AND d.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?) {order}"
    )
    try:
        yield from corpus.conn.execute(sql, [*params, fts_query])
    except sqlite3.OperationalError as exc:
        raise InputError(f"term: cannot search for {fts_query!r} ({exc})") from None


def frame_match_rows(
    corpus: Corpus,
    flt: DocumentFilter,
    codebook_hash: str,
    frame: str,
    *,
    fields: Sequence[str] = (),
    include_negated: bool = False,
) -> Iterator[sqlite3.Row]:
    """The stored matches of ``frame`` in the selected tagged documents, with the document's
    ``doc_id``, ``text`` and ``fields``, ordered by date, document and position."""
    where, params = _where(corpus, flt, codebook_hash=codebook_hash)
    meta = "".join(", " + c for c in [_meta_columns(fields)] if c)
    negated = "" if include_negated else " AND m.negated = 0"
    sql = (
        f"SELECT d.id AS doc_id, d.text AS text{meta}, m.frame, m.pattern_id, m.sentence, "
        "m.sent_start, m.sent_end, m.start_char, m.end_char, m.negated "
        f"FROM matches m JOIN documents d ON d.pk = m.doc_pk {where} "
        f"AND m.codebook_hash = ? AND m.frame = ?{negated} {_ORDER}, m.start_char, m.pk"
    )
    yield from corpus.conn.execute(sql, [*params, codebook_hash, frame])


# -- keyness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a keyness comparison: documents whose ``field`` equals ``value``
    (or, with ``complement``, every selected document whose ``field`` is not ``value``)."""

    field: str
    value: Any
    complement: bool = False

    def sql(self) -> str:
        if self.field not in GROUP_FIELDS:
            raise InputError(f"by: cannot compare by {self.field!r}; use one of {', '.join(GROUP_FIELDS)}")
        return f" AND {GROUP_FIELDS[self.field]} {'IS NOT' if self.complement else '='} ?"


def _side_where(
    corpus: Corpus, flt: DocumentFilter, side: Side, codebook_hash: str | None
) -> tuple[str, list[Any]]:
    where, params = _where(corpus, flt, codebook_hash=codebook_hash)
    return where + side.sql(), [*params, side.value]


def side_size(
    corpus: Corpus, flt: DocumentFilter, side: Side, *, codebook_hash: str | None = None
) -> tuple[int, int]:
    """Documents and tokens of one side."""
    where, params = _side_where(corpus, flt, side, codebook_hash)
    n_docs, n_tokens = corpus.conn.execute(
        f"SELECT count(*), coalesce(sum(d.tokens), 0) FROM documents d {where}", params
    ).fetchone()
    return int(n_docs), int(n_tokens)


def side_frame_counts(
    corpus: Corpus, flt: DocumentFilter, side: Side, codebook_hash: str, *, include_negated: bool = False
) -> Counter[str]:
    """Frame mentions in one side's documents."""
    where, params = _side_where(corpus, flt, side, codebook_hash)
    negated = "" if include_negated else " AND m.negated = 0"
    rows = corpus.conn.execute(
        f"SELECT m.frame, count(*) FROM matches m WHERE m.codebook_hash = ?{negated} "
        f"AND m.doc_pk IN (SELECT d.pk FROM documents d {where}) GROUP BY m.frame",
        [codebook_hash, *params],
    )
    return Counter({frame: int(n) for frame, n in rows})


def side_texts(
    corpus: Corpus, flt: DocumentFilter, side: Side, *, codebook_hash: str | None = None
) -> Iterator[str]:
    """The texts of one side's documents, streamed."""
    where, params = _side_where(corpus, flt, side, codebook_hash)
    for (text,) in corpus.conn.execute(f"SELECT d.text FROM documents d {where} ORDER BY d.pk", params):
        yield text
