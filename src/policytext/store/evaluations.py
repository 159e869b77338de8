"""Every query of validation: stored evaluations, corpus-level estimates, sampling frames.

Evaluations live in the ``evaluations`` table (migration 0007): one row per run of
``policytext evaluate`` with the codebook hash, the gold file and the scores as JSON.
Corpus-level estimates from a filled coding sheet are stored in the same table, their
scores carrying a ``"corpus_estimates"`` key (``{FRAME: {...}}``), so no migration is
needed and every reader of the table keeps working.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> with Corpus.open(":memory:") as corpus:  # doctest: +SKIP
    ...     corpus_estimates(corpus, "abc")
    {}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from policytext.codebook import Codebook
    from policytext.store.corpus import Corpus
    from policytext.store.filters import DocumentFilter

__all__ = [
    "corpus_estimates",
    "document_texts",
    "frame_match_spans",
    "frame_sentences",
    "latest_evaluation",
    "latest_gold_evaluation_row",
    "record_evaluation",
    "tagged_codebook_hash",
    "tagged_sentence_counts",
]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _where(corpus: Corpus, documents: DocumentFilter | None) -> tuple[str, list[Any]]:
    if documents is None:
        return corpus.filter_sql()
    return corpus.filter_sql(**documents.as_kwargs())


def record_evaluation(corpus: Corpus, codebook: Codebook, gold: str, scores: dict[str, Any]) -> None:
    """Store scores (and the codebook they belong to) in the corpus.

    Example::

        >>> record_evaluation(corpus, codebook, "dev.jsonl", {"frames": {}})  # doctest: +SKIP
    """
    now = _now()
    with corpus.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO codebooks (hash, name, version, content, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (codebook.hash, codebook.name, codebook.version, codebook.to_json(), now),
        )
        conn.execute(
            "INSERT INTO evaluations (codebook_hash, gold, scores, created_at) VALUES (?, ?, ?, ?)",
            (codebook.hash, gold, json.dumps(scores), now),
        )


def latest_evaluation(corpus: Corpus, codebook_hash: str) -> dict[str, Any] | None:
    """The newest recorded evaluation of a codebook: ``{"gold", "scores", "created_at"}`` or None.

    Example::

        >>> latest_evaluation(corpus, codebook.hash)  # doctest: +SKIP
    """
    row = corpus.conn.execute(
        "SELECT gold, scores, created_at FROM evaluations WHERE codebook_hash = ? ORDER BY pk DESC LIMIT 1",
        (codebook_hash,),
    ).fetchone()
    if row is None:
        return None
    return {"gold": row["gold"], "scores": json.loads(row["scores"]), "created_at": row["created_at"]}


def latest_gold_evaluation_row(corpus: Corpus, codebook_hash: str) -> dict[str, Any] | None:
    """The newest evaluation of the codebook on a gold file (coding sheets left out), raw scores.

    Returns ``{"gold", "scores" (the JSON text), "created_at"}`` or ``None``. A coding
    sheet's evaluation carries ``corpus_estimates``; those are read with
    :func:`corpus_estimates` instead, so the gold-set scores of a manifest stay gold-set scores.
    """
    rows = corpus.conn.execute(
        "SELECT gold, scores, created_at FROM evaluations WHERE codebook_hash = ? "
        "ORDER BY created_at DESC, pk DESC",
        (codebook_hash,),
    )
    for row in rows:
        try:
            scores = json.loads(row["scores"])
        except (TypeError, ValueError):
            scores = None
        if isinstance(scores, dict) and "corpus_estimates" in scores:
            continue
        return {"gold": row["gold"], "scores": row["scores"], "created_at": row["created_at"]}
    return None


def corpus_estimates(corpus: Corpus, codebook_hash: str) -> dict[str, dict[str, Any]]:
    """The newest corpus-level precision and recall estimate of each frame of a codebook.

    Returns ``{FRAME: {"precision": [est, low, high], "recall": [est, low, high] or None,
    "prevalence": ..., "sheet", "created_at", "design": {...}}}`` (empty when no coding
    sheet was evaluated). Tables and the report print these next to the rates.

    Example::

        >>> corpus_estimates(corpus, codebook.hash)["devolution"]["precision"]  # doctest: +SKIP
        [0.86, 0.78, 0.92]
    """
    rows = corpus.conn.execute(
        "SELECT gold, scores, created_at FROM evaluations WHERE codebook_hash = ? ORDER BY pk",
        (codebook_hash,),
    ).fetchall()
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        try:
            scores = json.loads(row["scores"])
        except json.JSONDecodeError:
            continue
        for frame, estimate in (scores.get("corpus_estimates") or {}).items():
            found[frame] = {**estimate, "sheet": row["gold"], "created_at": row["created_at"]}
    return found


def tagged_codebook_hash(corpus: Corpus) -> str | None:
    """The codebook most current documents were tagged with, or None when nothing is tagged."""
    row = corpus.conn.execute(
        "SELECT t.codebook_hash, count(*) AS n FROM tagged_documents t JOIN documents d ON d.pk = t.doc_pk "
        "WHERE d.is_current = 1 GROUP BY t.codebook_hash ORDER BY n DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row["codebook_hash"])


def tagged_sentence_counts(
    corpus: Corpus, codebook_hash: str, documents: DocumentFilter | None = None
) -> list[tuple[int, int]]:
    """``(doc_pk, sentences)`` of every document tagged with the codebook that the filter selects."""
    where, params = _where(corpus, documents)
    rows = corpus.conn.execute(
        f"SELECT d.pk, t.sentences FROM documents d JOIN tagged_documents t ON t.doc_pk = d.pk "
        f"{where} {'AND' if where else 'WHERE'} t.codebook_hash = ? ORDER BY d.pk",
        [*params, codebook_hash],
    ).fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


def frame_sentences(
    corpus: Corpus,
    codebook_hash: str,
    frame: str,
    documents: DocumentFilter | None = None,
    *,
    include_negated: bool = True,
) -> list[tuple[int, int, int, int]]:
    """Distinct sentences with a match of ``frame``: ``(doc_pk, sentence, sent_start, sent_end)``."""
    where, params = _where(corpus, documents)
    negated = "" if include_negated else "AND m.negated = 0"
    rows = corpus.conn.execute(
        f"SELECT DISTINCT m.doc_pk, m.sentence, m.sent_start, m.sent_end FROM matches m "
        f"JOIN documents d ON d.pk = m.doc_pk {where} {'AND' if where else 'WHERE'} "
        f"m.codebook_hash = ? AND m.frame = ? {negated} ORDER BY m.doc_pk, m.sentence",
        [*params, codebook_hash, frame],
    ).fetchall()
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]


def frame_match_spans(
    corpus: Corpus, codebook_hash: str, frame: str, documents: DocumentFilter | None = None
) -> list[tuple[int, int, int, str]]:
    """Every match of ``frame``, negated ones too: ``(doc_pk, start_char, end_char, pattern_id)``.

    In text order (by document, then start).
    """
    where, params = _where(corpus, documents)
    rows = corpus.conn.execute(
        f"SELECT m.doc_pk, m.start_char, m.end_char, m.pattern_id FROM matches m "
        f"JOIN documents d ON d.pk = m.doc_pk {where} {'AND' if where else 'WHERE'} "
        f"m.codebook_hash = ? AND m.frame = ? ORDER BY m.doc_pk, m.start_char, m.end_char",
        [*params, codebook_hash, frame],
    ).fetchall()
    return [(int(r[0]), int(r[1]), int(r[2]), str(r[3])) for r in rows]


def document_texts(corpus: Corpus, pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """``{pk: {"id", "text", "speaker", "date", "title", "source"}}`` for the given documents."""
    wanted = sorted(set(pks))
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = corpus.conn.execute(
            f"SELECT pk, id, text, speaker, date, title, source FROM documents "
            f"WHERE pk IN ({', '.join('?' for _ in chunk)})",
            chunk,
        ).fetchall()
        for r in rows:
            out[int(r["pk"])] = {k: r[k] for k in ("id", "text", "speaker", "date", "title", "source")}
    return out
