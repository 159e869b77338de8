"""The queries the report needs: totals, the latest evaluation, and the evidence behind counts.

Plain functions over an open :class:`~policytext.store.corpus.Corpus`, so the report
package holds no SQL. The evidence rows are the stored matches a frequency table counts
(one row per mention, negated matches left out unless asked), each with its sentence and
the document's metadata, so a reader can open the mentions behind any cell.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> current_totals(Corpus.open(":memory:"))
    (0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from policytext.store.filters import GROUP_FIELDS, DocumentFilter

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = [
    "EVIDENCE_FIELDS",
    "current_totals",
    "evidence_rows",
    "has_table",
    "latest_evaluation_row",
]

#: Document metadata each evidence row carries (besides its group fields).
EVIDENCE_FIELDS = ("doc_id", "date", "title", "url", "doc_type", "source")


def has_table(corpus: Corpus, name: str) -> bool:
    """True when the store has a table called ``name``."""
    row = corpus.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def latest_evaluation_row(corpus: Corpus, codebook_hash: str) -> dict[str, Any] | None:
    """The latest row of ``evaluations`` for the codebook (``gold``, raw ``scores``, ``created_at``)."""
    if not has_table(corpus, "evaluations"):
        return None
    row = corpus.conn.execute(
        "SELECT gold, scores, created_at FROM evaluations WHERE codebook_hash = ? "
        "ORDER BY created_at DESC, pk DESC LIMIT 1",
        (codebook_hash,),
    ).fetchone()
    if row is None:
        return None
    return {"gold": row["gold"], "scores": row["scores"], "created_at": row["created_at"]}


def _where(corpus: Corpus, documents: DocumentFilter | None) -> tuple[str, list[Any]]:
    kwargs = documents.as_kwargs() if documents is not None else {}
    return corpus.filter_sql(**kwargs)


def current_totals(corpus: Corpus, documents: DocumentFilter | None = None) -> tuple[int, int]:
    """Current documents (of the filter) and the sum of their tokens."""
    where, params = _where(corpus, documents)
    n, tokens = corpus.conn.execute(
        f"SELECT count(*), coalesce(sum(d.tokens), 0) FROM documents d {where}", params
    ).fetchone()
    return int(n), int(tokens)


def evidence_rows(
    corpus: Corpus,
    codebook_hash: str,
    frames: Sequence[str],
    *,
    documents: DocumentFilter | None = None,
    group_fields: Sequence[str] = ("year", "party", "speaker", "government"),
    include_negated: bool = False,
) -> list[dict[str, Any]]:
    """Every mention a frequency table with the same filter counts, with its sentence.

    Rows hold ``frame``, ``pattern_id``, ``match`` (the matched words), ``sentence``
    (the text of the sentence), ``offset`` (where the match starts in it), the group
    fields (values as the table groups them, by
    :data:`~policytext.store.filters.GROUP_FIELDS`) and :data:`EVIDENCE_FIELDS`; ordered by
    date, document and position.
    """
    if not frames:
        return []
    where, params = _where(corpus, documents)
    groups = ", ".join(f"{GROUP_FIELDS[g]} AS {g}" for g in group_fields)
    negated = "" if include_negated else " AND m.negated = 0"
    marks = ", ".join("?" for _ in frames)
    sql = (
        "SELECT d.pk AS doc_pk, m.frame AS frame, m.pattern_id AS pattern_id, m.start_char AS start_char, "
        "m.end_char AS end_char, m.sent_start AS sent_start, m.sent_end AS sent_end, "
        "d.id AS doc_id, d.date AS date, d.title AS title, d.url AS url, d.doc_type AS doc_type, "
        f"d.source AS source{', ' + groups if groups else ''} "
        f"FROM matches m JOIN documents d ON d.pk = m.doc_pk {where} "
        "AND d.pk IN (SELECT doc_pk FROM tagged_documents WHERE codebook_hash = ?) "
        f"AND m.codebook_hash = ? AND m.frame IN ({marks}){negated} "
        "ORDER BY d.date_start IS NULL, d.date_start, d.id, m.start_char, m.pk"
    )
    cursor = corpus.conn.execute(sql, [*params, codebook_hash, codebook_hash, *frames])
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor]
    # Each document's text is read once (slicing it in SQL per match reads it per match).
    texts: dict[int, str] = {}
    pks = sorted({row["doc_pk"] for row in rows})
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        texts.update(corpus.conn.execute(f"SELECT pk, text FROM documents WHERE pk IN ({marks})", chunk))
    for row in rows:
        text = texts[row.pop("doc_pk")]
        start, end = row.pop("start_char"), row.pop("end_char")
        sent_start, sent_end = row.pop("sent_start"), row.pop("sent_end")
        row["match"] = text[start:end]
        row["sentence"] = text[sent_start:sent_end]
        row["offset"] = start - sent_start
    return rows
