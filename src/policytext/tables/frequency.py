"""Frequency tables: frame mentions and term occurrences per group of documents.

Rates are mentions per 10,000 tokens (``documents.tokens``, the denominator of every
rate); intervals come from the bootstrap over documents (:mod:`policytext.tables.bootstrap`).

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> store = Corpus.open(":memory:")
    >>> _ = store.add(Document(text="The Big Society is here.", id="a", date="2010"))
    >>> t = frequency_table(store, by="year", terms=["big society"], bootstrap=0)
    >>> t[["year", "tokens", "big_society_count", "big_society_per_10k"]].values.tolist()
    [[2010, 5, 1, 2000.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pandas as pd

from policytext.errors import InputError
from policytext.store import analysis as store
from policytext.store.corpus import Corpus
from policytext.store.filters import DocumentFilter, FilterOptions, resolve_filter
from policytext.tables._select import check_by, check_frames, require_tagging, warn_untagged
from policytext.tables._tagging import Tagging
from policytext.tables.bootstrap import RATE_BASE, bootstrap_rates, check_bootstrap, group_key
from policytext.tables.concordance import TermPattern, term_slug

__all__ = ["frame_columns", "frequency_table", "government_order", "term_columns"]


def frame_columns(frame: str) -> list[str]:
    """The columns a frequency table has for ``frame``, in order."""
    return [
        f"{frame}_count",
        f"{frame}_sentences",
        f"{frame}_documents",
        f"{frame}_share",
        f"{frame}_per_10k",
        f"{frame}_per_10k_low",
        f"{frame}_per_10k_high",
    ]


def term_columns(term: str) -> list[str]:
    """The columns a frequency table has for ``term`` (named by its :func:`term_slug`).

    Example::

        >>> term_columns("big society")[:2]
        ['big_society_count', 'big_society_documents']
    """
    slug = term_slug(term)
    return [c for c in frame_columns(slug) if c != f"{slug}_sentences"]


def government_order(corpus: Corpus) -> list[str]:
    """The governments of the current documents in the order they held office
    (by their earliest document), so any registry's names sort right.

    Example::

        >>> from policytext.store.corpus import Corpus, Document
        >>> store = Corpus.open(":memory:")
        >>> _ = store.add(Document(text="x", id="a", date="2011-01-01"))
        >>> _ = store.add(Document(text="y", id="b", date="1999-01-01"))
        >>> government_order(store)
        ['Blair', 'Cameron-Clegg coalition']
    """
    return store.government_order(corpus)


@dataclass
class _Measures:
    """Per-document counts of the items of a table (documents x items)."""

    names: list[str]
    mentions: np.ndarray
    sentences: np.ndarray | None  # frames only


def _check_terms(terms: Sequence[str] | None, frames: Sequence[str]) -> list[TermPattern]:
    if terms is None:
        return []
    given = [terms] if isinstance(terms, str) else list(terms)
    patterns = [TermPattern.parse(t, where="terms") for t in given]
    seen: dict[str, str] = {}
    for pattern in patterns:
        slug = term_slug(pattern.term)
        if not slug:
            raise InputError(f"terms: {pattern.term!r} gives no column name")
        if slug in seen or slug in frames:
            other = f"term {seen[slug]!r}" if slug in seen else "a frame"
            raise InputError(f"terms: {pattern.term!r} and {other} share the column name {slug!r}")
        seen[slug] = pattern.term
    if not patterns:
        raise InputError("terms: give at least one term")
    return patterns


def _frame_measures(
    corpus: Corpus,
    flt: DocumentFilter,
    tagging: Tagging,
    frames: list[str],
    doc_index: pd.Index,
    include_negated: bool,
) -> _Measures:
    per_doc = store.frame_counts_by_document(
        corpus, flt, tagging.codebook_hash, frames, include_negated=include_negated
    )
    mentions = np.zeros((len(doc_index), len(frames)), dtype=np.int64)
    sentences = np.zeros_like(mentions)
    if not per_doc.empty:
        rows = doc_index.get_indexer(pd.Index(per_doc["doc_pk"]))
        cols = pd.Index(frames).get_indexer(pd.Index(per_doc["frame"]))
        mentions[rows, cols] = per_doc["mentions"].to_numpy()
        sentences[rows, cols] = per_doc["sentences"].to_numpy()
    return _Measures(frames, mentions, sentences)


def _term_measures(
    corpus: Corpus,
    flt: DocumentFilter,
    patterns: list[TermPattern],
    doc_index: pd.Index,
    codebook_hash: str | None,
) -> _Measures:
    """Occurrences per document, found exactly as :func:`concordance` finds a term's lines."""
    mentions = np.zeros((len(doc_index), len(patterns)), dtype=np.int64)
    for j, pattern in enumerate(patterns):
        for row in store.term_documents(corpus, flt, pattern.fts, codebook_hash=codebook_hash, ordered=False):
            found = sum(1 for _ in pattern.regex.finditer(row["text"]))
            i = doc_index.get_loc(row["doc_pk"])
            mentions[i, j] = found
    return _Measures([term_slug(p.term) for p in patterns], mentions, None)


def _assign_groups(corpus: Corpus, docs: pd.DataFrame, group_fields: list[str]) -> pd.DataFrame:
    """Number the groups of ``docs`` (column ``group``), sorted by their values, governments
    in the order they held office; return one row per group with documents and tokens."""
    for g in group_fields:
        if g in ("year", "decade"):
            docs[g] = docs[g].astype("Int64")
    keys = list(group_fields)
    if not keys:
        docs["g_all"] = "all"
        keys = ["g_all"]
    order = docs[keys].copy()
    if "government" in group_fields:
        rank = {name: i for i, name in enumerate(store.government_order(corpus))}
        order["government"] = order["government"].map(rank)
    docs["group"] = order.groupby(keys, dropna=False, sort=True).ngroup()
    return (
        docs.groupby("group", sort=True)
        .agg(**{k: (k, "first") for k in keys}, documents=("doc_pk", "size"), tokens=("tokens", "sum"))
        .reset_index()
    )


def _measure_columns(
    measures: _Measures,
    docs: pd.DataFrame,
    groups: pd.DataFrame,
    intervals: tuple[np.ndarray, np.ndarray],
) -> dict[str, Any]:
    group_of = docs["group"].to_numpy()

    def group_sum(values: np.ndarray) -> np.ndarray:
        out = np.zeros((len(groups), values.shape[1]), dtype=np.int64)
        np.add.at(out, group_of, values)
        return out

    count_g = group_sum(measures.mentions)
    docs_g = group_sum((measures.mentions > 0).astype(np.int64))
    sent_g = group_sum(measures.sentences) if measures.sentences is not None else None
    tokens_g = groups["tokens"].to_numpy(dtype=np.float64)
    documents_g = groups["documents"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_g = np.where(tokens_g[:, None] > 0, RATE_BASE * count_g / tokens_g[:, None], np.nan)
    low, high = intervals
    data: dict[str, Any] = {}
    for j, name in enumerate(measures.names):
        data[f"{name}_count"] = count_g[:, j]
        if sent_g is not None:
            data[f"{name}_sentences"] = sent_g[:, j]
        data[f"{name}_documents"] = docs_g[:, j]
        data[f"{name}_share"] = docs_g[:, j] / documents_g
        data[f"{name}_per_10k"] = rate_g[:, j]
        data[f"{name}_per_10k_low"] = low[:, j]
        data[f"{name}_per_10k_high"] = high[:, j]
    return data


def frequency_table(
    corpus: Corpus,
    by: str | Sequence[str] | None = None,
    *,
    frames: Sequence[str] | None = None,
    terms: Sequence[str] | None = None,
    include_negated: bool = False,
    codebook: str | Path | None = None,
    bootstrap: int = 1000,
    random_state: int = 0,
    confidence: float = 0.95,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> pd.DataFrame:
    """Frame and term frequencies per group of documents, one row per group.

    Parameters
    ----------
    corpus:
        An open store (tagged, unless only ``terms`` are asked for).
    by:
        Grouping fields (see :data:`~policytext.store.filters.GROUP_FIELDS`), a list or
        ``"speaker,year"``; none gives one row for the whole selection.
    frames:
        Frames to report (default: every frame of the codebook; with ``terms`` and no
        ``frames``, no frame).
    terms:
        Words or phrases to count, matched as :func:`concordance` matches a term
        (case-insensitive whole words, a final ``*`` for any ending). Terms alone need
        no tagging and read every selected document; with frames, the tagged ones.
    include_negated:
        Count matches the tagger flagged as negated (default: leave them out).
    bootstrap:
        Bootstrap resamples for the rate intervals (0: no intervals).
    random_state:
        Seed of the bootstrap; the same seed and data give the same intervals.
    confidence:
        Coverage of the intervals (percentile bootstrap).
    documents, **filters:
        Which documents to read: a :class:`DocumentFilter` and/or its fields as keywords
        (``speaker``, ``party``, ``since``, ``until``, ``doc_type``, ``source``,
        ``government``, ``year``, ``text``). A value that matches no document is an
        :class:`InputError` naming the closest values.

    Returns
    -------
    pandas.DataFrame
        The grouping fields, ``documents``, ``tokens`` (sum of ``documents.tokens``);
        per frame ``F_count`` (mentions), ``F_sentences`` (frame-bearing sentences),
        ``F_documents`` (documents with at least one mention), ``F_share``
        (``F_documents / documents``), ``F_per_10k`` (``10000 * F_count / tokens``) and
        its interval ``F_per_10k_low``/``_high``; per term the same columns but
        sentences, named by :func:`term_slug` (``big_society_count``). Rows are sorted
        by the grouping fields; a filter that selects nothing gives no rows.

    Example::

        >>> table = frequency_table(corpus, by="year", frames=["devolution"])  # doctest: +SKIP
        >>> frequency_table(corpus, by="year", terms=["big society", "localis*"])  # doctest: +SKIP
    """
    check_bootstrap(bootstrap, random_state, confidence)
    flt = resolve_filter(documents, filters)
    group_fields = check_by(by)
    tagging: Tagging | None = None
    selected: list[str] = []
    if frames is not None or terms is None:
        tagging = require_tagging(corpus, codebook)
        selected = check_frames(frames, tagging)
    patterns = _check_terms(terms, selected)
    corpus.check_filter(flt)
    codebook_hash = tagging.codebook_hash if tagging else None
    if tagging is not None:
        warn_untagged(corpus, tagging, flt)
    docs = store.document_groups(corpus, flt, group_fields, codebook_hash=codebook_hash)
    columns = [
        *group_fields,
        "documents",
        "tokens",
        *(c for f in selected for c in frame_columns(f)),
        *(c for p in patterns for c in term_columns(p.term)),
    ]
    if docs.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    doc_index = pd.Index(docs["doc_pk"])
    measures = []
    if tagging is not None:
        measures.append(_frame_measures(corpus, flt, tagging, selected, doc_index, include_negated))
    if patterns:
        measures.append(_term_measures(corpus, flt, patterns, doc_index, codebook_hash))
    groups = _assign_groups(corpus, docs, group_fields)
    out = _group_table(docs, groups, group_fields, measures, bootstrap, random_state, confidence)
    out.attrs.update(
        frames=tuple(selected),
        terms=tuple(p.term for p in patterns),
        codebook_hash=codebook_hash,
        bootstrap=bootstrap,
        random_state=random_state,
        confidence=confidence,
    )
    return out[columns]


def _group_table(
    docs: pd.DataFrame,
    groups: pd.DataFrame,
    group_fields: list[str],
    measures: list[_Measures],
    bootstrap: int,
    random_state: int,
    confidence: float,
) -> pd.DataFrame:
    keys = group_fields or ["g_all"]
    group_keys = [
        group_key(group_fields, values) for values in groups[keys].itertuples(index=False, name=None)
    ]
    tokens = docs["tokens"].to_numpy(dtype=np.float64)
    out = groups[[*group_fields, "documents", "tokens"]].astype({"documents": np.int64, "tokens": np.int64})
    data: dict[str, Any] = {}
    for measure in measures:
        intervals = bootstrap_rates(
            measure.mentions,
            tokens,
            docs["group"].to_numpy(),
            group_keys,
            bootstrap=bootstrap,
            random_state=random_state,
            confidence=confidence,
        )
        data |= _measure_columns(measure, docs, groups, intervals)
    return pd.concat([out.reset_index(drop=True), pd.DataFrame(data)], axis=1)
