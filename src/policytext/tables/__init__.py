"""Frequency tables, keyness and concordance over the tagger's stored matches.

Everything here reads the store: ``documents`` (metadata and the token count
``documents.tokens``, the denominator of every rate), ``tagged_documents`` and
``matches`` of the latest tagging run (the codebook whose hash is in
``tagged_documents`` with the most recent ``tagged_at``). Only current document
versions (``is_current = 1``) tagged with that codebook count; matches flagged
``negated`` are left out unless asked for.

Rates are mentions per 10,000 tokens. Confidence intervals come from a seeded
bootstrap over documents: the documents of a group are resampled with
replacement and the rate recomputed, so a speaker whose rate rests on one long
speech gets a wide interval.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> from policytext.tables import frequency_table
    >>> corpus = Corpus.open("corpus/policytext.db")          # doctest: +SKIP
    >>> frequency_table(corpus, by=["speaker", "year"])      # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from policytext.errors import InputError, StoreError
from policytext.people import default_registry, normalise_party
from policytext.store.tags import Tagging, corpus_hash, current_tagging

if TYPE_CHECKING:
    from spacy.language import Language

    from policytext.store.corpus import Corpus

__all__ = [
    "DEFAULT_FRAMES",  # noqa: F822 - provided by the module __getattr__ below
    "GROUP_FIELDS",
    "KWIC_FIELDS",
    "P_FLOOR",
    "Tagging",
    "adjust_p_values",
    "concordance",
    "corpus_hash",
    "current_tagging",
    "default_frames",
    "frame_columns",
    "government_order",
    "frequency_table",
    "g2_williams",
    "is_word_like",
    "keyness",
    "log_p_value",
    "log_ratio",
]

logger = logging.getLogger(__name__)


@cache
def default_frames() -> tuple[str, ...]:
    """The frame ids of the default codebook, in its order (read on first use).

    Used when a stored codebook names no frames; ``DEFAULT_FRAMES`` is the same
    tuple, so the two can never drift apart.

    Example::

        >>> default_frames()[:2]
        ('empowerment', 'devolution')
    """
    from policytext.codebook import load_codebook

    return load_codebook().frames


def __getattr__(name: str) -> Any:
    # DEFAULT_FRAMES is computed from the default codebook when first asked for,
    # so importing this module reads no codebook.
    if name == "DEFAULT_FRAMES":
        return default_frames()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Fields a table can be grouped by, and the SQL expression of each over ``documents d``.
GROUP_FIELDS: dict[str, str] = {
    "speaker": "d.speaker",
    "party": "d.party",
    "government": "d.government",
    "year": "d.year",
    "decade": "(d.year / 10) * 10",
    "doc_type": "d.doc_type",
    "source": "d.source",
    "venue": "d.venue",
}

#: Document metadata carried by every concordance line.
KWIC_FIELDS = (
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

RATE_BASE = 10_000
Filters = dict[str, Any]


# -- the tagging run ------------------------------------------------------------
# Tagging, current_tagging and corpus_hash live in the store (policytext.store.tags).


def _require_tagging(corpus: Corpus) -> Tagging:
    tagging = current_tagging(corpus)
    if tagging is None:
        raise StoreError(f"{corpus.path}: no tagged documents; run 'policytext tag' first")
    return tagging


def _check_frames(frames: Sequence[str] | None, tagging: Tagging) -> list[str]:
    if not frames:
        return list(tagging.frames)
    unknown = [f for f in frames if f not in tagging.frames]
    if unknown:
        raise InputError(
            f"frames: {', '.join(map(repr, unknown))} not in the codebook ({', '.join(tagging.frames)})"
        )
    return list(dict.fromkeys(frames))


def _check_by(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    given = [by] if isinstance(by, str) else list(by)
    fields_ = [name.strip() for item in given for name in item.split(",") if name.strip()]
    bad = [f for f in fields_ if f not in GROUP_FIELDS]
    if bad:
        raise InputError(f"by: cannot group by {bad[0]!r}; use one of {', '.join(GROUP_FIELDS)}")
    if len(set(fields_)) != len(fields_):
        raise InputError(f"by: a field is named twice ({', '.join(fields_)})")
    return fields_


def _document_where(corpus: Corpus, filters: Filters) -> tuple[str, list[Any]]:
    """WHERE clause over ``documents d`` for the store's standard filters."""
    allowed = {"speaker", "party", "since", "until", "doc_type", "source", "government", "year"}
    bad = set(filters) - allowed
    if bad:
        raise InputError(f"filters: unknown filter {sorted(bad)[0]!r}; use {', '.join(sorted(allowed))}")
    given = {k: v for k, v in filters.items() if v not in (None, (), [])}
    # The store's own filter builder, so tables select exactly what `query` selects.
    return corpus.filter_sql(**given)


def _tagged_where(corpus: Corpus, tagging: Tagging, filters: Filters) -> tuple[str, list[Any]]:
    where, params = _document_where(corpus, filters)
    where += " AND d.pk IN (SELECT doc_pk FROM tagged_documents WHERE codebook_hash = ?)"
    return where, [*params, tagging.codebook_hash]


def _warn_untagged(corpus: Corpus, tagging: Tagging, filters: Filters) -> None:
    where, params = _document_where(corpus, filters)
    left_out = corpus.conn.execute(
        f"SELECT count(*) FROM documents d {where} AND d.pk NOT IN "
        "(SELECT doc_pk FROM tagged_documents WHERE codebook_hash = ?)",
        [*params, tagging.codebook_hash],
    ).fetchone()[0]
    if left_out:
        logger.warning(
            "%d current documents are not tagged with codebook %s and are left out; "
            "run 'policytext tag' to include them",
            left_out,
            tagging.codebook_hash[:12],
        )


# -- frequency tables --------------------------------------------------------------


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
    rows = corpus.conn.execute(
        "SELECT government FROM documents WHERE is_current = 1 AND government IS NOT NULL "
        "GROUP BY government ORDER BY min(date_start), government"
    )
    return [r[0] for r in rows]


def frequency_table(
    corpus: Corpus,
    by: str | Sequence[str] | None = None,
    *,
    frames: Sequence[str] | None = None,
    include_negated: bool = False,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    **filters: Any,
) -> pd.DataFrame:
    """Frame frequencies per group of documents, one row per group.

    Parameters
    ----------
    corpus:
        An open, tagged store.
    by:
        Grouping fields (see :data:`GROUP_FIELDS`), a list or ``"speaker,year"``;
        none gives one row for the whole selection.
    frames:
        Frames to report (default: every frame of the codebook).
    include_negated:
        Count matches the tagger flagged as negated (default: leave them out).
    bootstrap:
        Bootstrap resamples for the rate intervals (0: no intervals).
    seed:
        Seed of the bootstrap; the same seed and data give the same intervals.
    confidence:
        Coverage of the intervals (percentile bootstrap).
    **filters:
        ``speaker``, ``party``, ``since``, ``until``, ``doc_type``, ``source``,
        ``government``, ``year``, as in :meth:`Corpus.query`.

    Returns
    -------
    pandas.DataFrame
        The grouping fields, ``documents``, ``tokens`` (sum of ``documents.tokens``)
        and per frame ``F_count`` (mentions), ``F_sentences`` (frame-bearing
        sentences), ``F_documents`` (documents with at least one mention),
        ``F_share`` (``F_documents / documents``), ``F_per_10k`` (``10000 *
        F_count / tokens``) and its interval ``F_per_10k_low``/``_high``. Rows are
        sorted by the grouping fields; a filter that selects nothing gives no rows.

    Example::

        >>> table = frequency_table(corpus, by="year", frames=["devolution"])  # doctest: +SKIP
        >>> table[["year", "tokens", "devolution_per_10k"]]                     # doctest: +SKIP
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence: {confidence} is not between 0 and 1")
    if bootstrap < 0:
        raise InputError(f"bootstrap: {bootstrap} resamples; give 0 or more")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed: {seed!r} is not an integer >= 0")
    tagging = _require_tagging(corpus)
    group_fields = _check_by(by)
    selected = _check_frames(frames, tagging)
    _warn_untagged(corpus, tagging, filters)
    where, params = _tagged_where(corpus, tagging, filters)
    group_sql = ", ".join(f"{GROUP_FIELDS[g]} AS {g}" for g in group_fields)
    keys = [f"g{i}" for i in range(len(group_fields))]

    # Documents of the selection with their group (one row each).
    docs = pd.read_sql_query(
        f"SELECT d.pk AS doc_pk, d.tokens AS tokens{', ' + group_sql if group_sql else ''} "
        f"FROM documents d {where} ORDER BY d.pk",
        corpus.conn,
        params=params,
    )
    # Mentions and frame-bearing sentences per document and frame, aggregated in SQL.
    negated = "" if include_negated else " AND m.negated = 0"
    marks = ", ".join("?" for _ in selected)
    per_doc = pd.read_sql_query(
        "SELECT m.doc_pk AS doc_pk, m.frame AS frame, count(*) AS mentions, "
        "count(DISTINCT m.sentence) AS sentences FROM matches m "
        f"WHERE m.codebook_hash = ?{negated} AND m.frame IN ({marks}) "
        f"AND m.doc_pk IN (SELECT d.pk FROM documents d {where}) "
        "GROUP BY m.doc_pk, m.frame",
        corpus.conn,
        params=[tagging.codebook_hash, *selected, *params],
    )
    columns = [
        *group_fields,
        "documents",
        "tokens",
        *(c for f in selected for c in frame_columns(f)),
    ]
    if docs.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})

    for g in group_fields:
        if g in ("year", "decade"):
            docs[g] = docs[g].astype("Int64")
    docs = docs.rename(columns=dict(zip(group_fields, keys, strict=True)))
    if not keys:
        docs["g_all"] = "all"
        keys = ["g_all"]
    # Groups sort by their values, governments in the order they held office.
    order = docs[keys].copy()
    if "government" in group_fields:
        k = keys[group_fields.index("government")]
        rank = {name: i for i, name in enumerate(government_order(corpus))}
        order[k] = order[k].map(rank)
    docs["group"] = order.groupby(keys, dropna=False, sort=True).ngroup()
    groups = (
        docs.groupby("group", sort=True)
        .agg(
            **{k: (k, "first") for k in keys},
            documents=("doc_pk", "size"),
            tokens=("tokens", "sum"),
        )
        .reset_index()
    )
    n_groups = len(groups)
    # Per-document matrices (documents x frames) for group sums and the bootstrap.
    doc_index = pd.Index(docs["doc_pk"])
    mentions = np.zeros((len(docs), len(selected)), dtype=np.int64)
    sentences = np.zeros_like(mentions)
    if not per_doc.empty:
        rows = doc_index.get_indexer(pd.Index(per_doc["doc_pk"]))
        cols = pd.Index(selected).get_indexer(pd.Index(per_doc["frame"]))
        mentions[rows, cols] = per_doc["mentions"].to_numpy()
        sentences[rows, cols] = per_doc["sentences"].to_numpy()
    group_of = docs["group"].to_numpy()
    tokens = docs["tokens"].to_numpy(dtype=np.float64)

    def group_sum(values: np.ndarray) -> np.ndarray:
        out = np.zeros((n_groups, values.shape[1]), dtype=np.int64)
        np.add.at(out, group_of, values)
        return out

    count_g = group_sum(mentions)
    sent_g = group_sum(sentences)
    docs_g = group_sum((mentions > 0).astype(np.int64))
    tokens_g = groups["tokens"].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_g = np.where(tokens_g[:, None] > 0, RATE_BASE * count_g / tokens_g[:, None], np.nan)
    group_keys = [
        _group_key(group_fields, values) for values in groups[keys].itertuples(index=False, name=None)
    ]
    low, high = _bootstrap_rates(
        mentions,
        tokens,
        group_of,
        group_keys,
        resamples=bootstrap,
        seed=seed,
        confidence=confidence,
    )

    out = groups.rename(columns=dict(zip(keys, group_fields, strict=False)))
    out = out[[*group_fields, "documents", "tokens"]].copy()
    out["documents"] = out["documents"].astype(np.int64)
    out["tokens"] = out["tokens"].astype(np.int64)
    data: dict[str, Any] = {}
    documents_g = out["documents"].to_numpy(dtype=np.float64)
    for j, frame in enumerate(selected):
        data[f"{frame}_count"] = count_g[:, j]
        data[f"{frame}_sentences"] = sent_g[:, j]
        data[f"{frame}_documents"] = docs_g[:, j]
        data[f"{frame}_share"] = docs_g[:, j] / documents_g
        data[f"{frame}_per_10k"] = rate_g[:, j]
        data[f"{frame}_per_10k_low"] = low[:, j]
        data[f"{frame}_per_10k_high"] = high[:, j]
    out = pd.concat([out.reset_index(drop=True), pd.DataFrame(data)], axis=1)
    out.attrs["frames"] = tuple(selected)
    out.attrs["codebook_hash"] = tagging.codebook_hash
    out.attrs["bootstrap"] = bootstrap
    out.attrs["seed"] = seed
    out.attrs["confidence"] = confidence
    return out[columns]


def _group_key(fields_: Sequence[str], values: Sequence[Any]) -> str:
    """A canonical text for one group (field names and values), stable across runs and tables."""
    canonical = [
        None
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
        else (int(v) if isinstance(v, (int, np.integer)) else str(v))
        for v in values
    ]
    return json.dumps([list(fields_), canonical], ensure_ascii=False)


def _group_rng(seed: int, key: str) -> np.random.Generator:
    """The bootstrap stream of one group: a function of ``seed`` and the group key only.

    Each group draws from its own stream, so its interval does not change when
    other groups are added, filtered out or sorted differently.
    """
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng(np.random.SeedSequence([seed, *words]))


def _bootstrap_rates(
    mentions: np.ndarray,
    tokens: np.ndarray,
    group_of: np.ndarray,
    group_keys: Sequence[str],
    *,
    resamples: int,
    seed: int,
    confidence: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of each group's rate, resampling its documents with replacement.

    Group ``g`` (key ``group_keys[g]``) resamples with :func:`_group_rng`, so its
    interval depends only on the seed, its key and its own documents.
    """
    n_groups = len(group_keys)
    shape = (n_groups, mentions.shape[1])
    low = np.full(shape, np.nan)
    high = np.full(shape, np.nan)
    if resamples == 0:
        return low, high
    alpha = (1 - confidence) / 2
    order = np.argsort(group_of, kind="stable")
    bounds = np.searchsorted(group_of[order], np.arange(n_groups + 1))
    counts = mentions.astype(np.float64)
    for g in range(n_groups):  # one vectorised draw per group, not per document
        members = order[bounds[g] : bounds[g + 1]]
        n = len(members)
        if n == 0:
            continue
        rng = _group_rng(seed, group_keys[g])
        m, t = counts[members], tokens[members]
        rates = np.empty((resamples, m.shape[1]))
        chunk = max(1, min(resamples, 2_000_000 // max(n, 1)))
        for start in range(0, resamples, chunk):
            size = min(chunk, resamples - start)
            # Multinomial weights = how often each document is drawn in a resample.
            weights = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(np.float64)
            total = weights @ t
            with np.errstate(divide="ignore", invalid="ignore"):
                rates[start : start + size] = RATE_BASE * (weights @ m) / total[:, None]
        low[g] = np.nanquantile(rates, alpha, axis=0) if np.isfinite(rates).any() else np.nan
        high[g] = np.nanquantile(rates, 1 - alpha, axis=0) if np.isfinite(rates).any() else np.nan
    return low, high


# -- keyness ---------------------------------------------------------------------------


def g2_williams(a: float, b: float, c: float, d: float) -> tuple[float, float]:
    """Log-likelihood G2 of a 2x2 table, and the same with Williams' correction.

    Parameters
    ----------
    a, b:
        The item's frequency in the target and in the reference.
    c, d:
        The sizes (tokens) of the target and of the reference.

    Returns
    -------
    (g2, g2_corrected)
        ``G2 = 2 * sum(O * ln(O / E))`` over the four cells (item / other
        tokens x target / reference), and ``G2 / q`` with Williams' ``q``.

    Example::

        >>> round(g2_williams(10, 0, 1000, 1000)[0], 3)
        13.913
    """
    n = c + d
    observed = (a, b, c - a, d - b)
    row_item, row_other = a + b, n - a - b
    expected = (c * row_item / n, d * row_item / n, c * row_other / n, d * row_other / n)
    g2 = 2.0 * sum(o * math.log(o / e) for o, e in zip(observed, expected, strict=True) if o > 0)
    if row_item <= 0 or row_other <= 0 or c <= 0 or d <= 0:
        return g2, g2
    # Williams (1976) for an r x c table with r = c = 2.
    q = 1 + (n * (1 / row_item + 1 / row_other) - 1) * (n * (1 / c + 1 / d) - 1) / (6 * n)
    return g2, g2 / q


def log_ratio(a: float, b: float, c: float, d: float) -> float:
    """Hardie's log ratio: ``log2((a / c) / (b / d))``, a zero frequency counted as 0.5.

    Example::

        >>> log_ratio(20, 10, 1000, 1000)
        1.0
    """
    return math.log2((max(a, 0.5) / c) / (max(b, 0.5) / d))


def adjust_p_values(
    p: Sequence[float] | np.ndarray, *, method: str = "fdr_bh", log: bool = False
) -> np.ndarray:
    """P-values corrected for multiple comparisons.

    The correction is computed on natural logarithms, so p-values far below
    the smallest double (G2 in the thousands) are corrected exactly.

    Parameters
    ----------
    p:
        Raw p-values (with ``log``: their natural logarithms).
    method:
        ``fdr_bh`` (Benjamini-Hochberg false discovery rate), ``holm``,
        ``bonferroni`` or ``none``.
    log:
        Take and return natural logarithms of p-values.

    Example::

        >>> adjust_p_values([0.01, 0.04], method="bonferroni").tolist()
        [0.02, 0.08]
    """
    if method not in ("fdr_bh", "holm", "bonferroni", "none"):
        raise InputError(f"correction: {method!r} is not one of fdr_bh, holm, bonferroni, none")
    values = np.asarray(p, dtype=np.float64)

    def times(v: np.ndarray, factor: float | np.ndarray) -> np.ndarray:
        # Multiplication of p-values, or addition of their logarithms.
        return v + np.log(factor) if log else v * factor

    m = len(values)
    out = values.copy()
    if m and method == "bonferroni":
        out = times(values, float(m))
    elif m and method == "holm":
        # Holm: the i-th smallest (i from 1) times m - i + 1, made non-decreasing.
        order = np.argsort(values, kind="stable")
        out[order] = np.maximum.accumulate(times(values[order], m - np.arange(m, dtype=float)))
    elif m and method == "fdr_bh":
        # Benjamini-Hochberg: the i-th smallest times m / i, made non-increasing from the top.
        order = np.argsort(values, kind="stable")
        scaled = times(values[order], m / np.arange(1, m + 1, dtype=float))
        out[order] = np.minimum.accumulate(scaled[::-1])[::-1]
    return np.minimum(out, 0.0 if log else 1.0)


#: Smallest p-value reported: anything smaller is given as this and shown as ``<1e-300``.
P_FLOOR = 1e-300


def log_p_value(g2: float | np.ndarray) -> np.ndarray:
    """Natural log of the chi-square (1 df) upper tail of ``g2``, exact far into the tail.

    ``P(chi2_1 > x) = 2 * Phi(-sqrt(x))``, computed with ``log_ndtr`` so a G2
    of a million gives a finite log p where ``chi2.sf`` underflows to 0.

    Example::

        >>> round(float(log_p_value(3.841459)), 4) == round(math.log(0.05), 4)
        True
    """
    from scipy.special import log_ndtr

    x = np.maximum(np.asarray(g2, dtype=np.float64), 0.0)
    return np.asarray(math.log(2.0) + log_ndtr(-np.sqrt(x)))


KeynessUnit = Literal["frame", "word", "lemma", "phrase"]


def keyness(
    corpus: Corpus,
    by: str,
    target: str,
    *,
    reference: str | None = None,
    unit: KeynessUnit = "frame",
    min_freq: int = 5,
    correction: str = "fdr_bh",
    include_negated: bool = False,
    top: int | None = None,
    words_only: bool = True,
    **filters: Any,
) -> pd.DataFrame:
    """Items used more (or less) by one group than by another: G2, p-values, log ratio.

    Parameters
    ----------
    corpus:
        An open store (tagged, for ``unit="frame"``).
    by:
        The field that defines the groups (see :data:`GROUP_FIELDS`).
    target:
        The target group's value of ``by`` (``"David Cameron"``, ``"2010"``).
    reference:
        The reference group's value; default: every other document.
    unit:
        ``frame`` (frame mentions), ``word`` (lower-cased tokens), ``lemma``
        or ``phrase`` (2- and 3-word sequences not crossing punctuation, not
        starting or ending with a stop word).
    min_freq:
        Leave out items seen fewer times in target and reference together.
    correction:
        Multiple-comparison correction of the p-values (see :func:`adjust_p_values`).
    include_negated:
        For frames, count matches flagged as negated.
    top:
        Keep only the ``top`` rows of each direction.
    words_only:
        For words, lemmas and phrases, keep only word-like items (see
        :func:`is_word_like`: no clitics such as "’ve" or "n't", numbers or
        symbols); every token still counts in the denominators.
    **filters:
        Restrict both groups (``since``, ``until``, ``doc_type``, ...).

    Returns
    -------
    pandas.DataFrame
        ``item``, ``target_count``, ``reference_count``, ``target_per_10k``,
        ``reference_per_10k``, ``g2`` (Williams-corrected), ``log_ratio``,
        ``direction`` (``over``/``under``: used more/less in the target), ``p``
        and ``p_adjusted`` (never 0: values below :data:`P_FLOOR` are given as
        ``P_FLOOR``); over-used items first, strongest first, then
        under-used ones, weakest first.

    Example::

        >>> keyness(corpus, "speaker", "David Cameron", unit="word")  # doctest: +SKIP
    """
    if by not in GROUP_FIELDS:
        raise InputError(f"by: cannot compare by {by!r}; use one of {', '.join(GROUP_FIELDS)}")
    if unit not in ("frame", "word", "lemma", "phrase"):
        raise InputError(f"unit: {unit!r} is not one of frame, word, lemma, phrase")
    if min_freq < 0:
        raise InputError(f"min_freq: {min_freq} is negative")
    adjust_p_values([], method=correction)  # validates the name before any work
    if unit == "frame":
        tagging = _require_tagging(corpus)
        where, params = _tagged_where(corpus, tagging, filters)
    else:
        tagging = None
        where, params = _document_where(corpus, filters)
    expr = GROUP_FIELDS[by]
    value_t = _group_value(by, target, "target")
    target_sql = f"{where} AND {expr} = ?"
    if reference is None:
        reference_sql, value_r = f"{where} AND {expr} IS NOT ?", value_t
    else:
        value_r = _group_value(by, reference, "reference")
        if value_r == value_t:
            raise InputError(f"reference: {reference!r} is the same group as the target")
        reference_sql = f"{where} AND {expr} = ?"
    sides = {}
    for side, side_where, value, label in (
        ("target", target_sql, value_t, target),
        ("reference", reference_sql, value_r, reference or f"not {target}"),
    ):
        side_params = [*params, value]
        n_docs, n_tokens = corpus.conn.execute(
            f"SELECT count(*), coalesce(sum(d.tokens), 0) FROM documents d {side_where}",
            side_params,
        ).fetchone()
        if n_docs == 0:
            raise InputError(f"{side}: no {'tagged ' if tagging else ''}documents with {by} = {label!r}")
        if unit == "frame":
            assert tagging is not None
            counts, total = (
                _frame_counts(corpus, tagging, side_where, side_params, include_negated),
                n_tokens,
            )
        else:
            counts, total = _term_counts(corpus, side_where, side_params, unit, words_only=words_only)
        if total <= 0:
            raise InputError(f"{side}: documents with {by} = {label!r} have no tokens")
        sides[side] = (counts, float(total))
    (count_t, size_t), (count_r, size_r) = sides["target"], sides["reference"]
    items = [item for item in (count_t.keys() | count_r.keys()) if count_t[item] + count_r[item] >= min_freq]
    if unit == "frame":
        assert tagging is not None
        items = [f for f in tagging.frames if count_t[f] + count_r[f] >= min_freq]
    records = []
    for item in items:
        a, b = count_t[item], count_r[item]
        _, g2 = g2_williams(a, b, size_t, size_r)
        over = a / size_t >= b / size_r
        records.append(
            {
                "item": item,
                "target_count": a,
                "reference_count": b,
                "target_per_10k": RATE_BASE * a / size_t,
                "reference_per_10k": RATE_BASE * b / size_r,
                "g2": g2,
                "log_ratio": log_ratio(a, b, size_t, size_r),
                "direction": "over" if over else "under",
                "log_p": float(log_p_value(g2)),
            }
        )
    columns = [
        "item",
        "target_count",
        "reference_count",
        "target_per_10k",
        "reference_per_10k",
        "g2",
        "log_ratio",
        "direction",
        "p",
        "p_adjusted",
    ]
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    table = pd.DataFrame(records)
    # Corrected on logs, then floored: a p below P_FLOOR is reported as P_FLOOR, never 0.
    log_p = table["log_p"].to_numpy()
    table["p"] = np.maximum(np.exp(log_p), P_FLOOR)
    table["p_adjusted"] = np.maximum(np.exp(adjust_p_values(log_p, method=correction, log=True)), P_FLOOR)
    table["signed"] = np.where(table["direction"] == "over", table["g2"], -table["g2"])
    table = table.sort_values(["signed", "item"], ascending=[False, True], kind="stable")
    if top is not None:
        table = pd.concat(
            [
                table[table["direction"] == "over"].head(top),
                table[table["direction"] == "under"].tail(top),
            ]
        )
    table = table[columns].reset_index(drop=True)
    table.attrs.update(
        by=by,
        target=target,
        reference=reference,
        unit=unit,
        target_tokens=size_t,
        reference_tokens=size_r,
        correction=correction,
        min_freq=min_freq,
        words_only=words_only if unit != "frame" else None,
    )
    return table


def _group_value(by: str, value: str, where: str) -> Any:
    if by in ("year", "decade"):
        try:
            return int(value)
        except ValueError:
            raise InputError(f"{where}: {by} must be a year, got {value!r}") from None
    if by == "speaker":
        return default_registry().resolve(value)
    if by == "party":
        return normalise_party(value)
    return value


def _frame_counts(
    corpus: Corpus, tagging: Tagging, where: str, params: list[Any], include_negated: bool
) -> Counter[str]:
    negated = "" if include_negated else " AND m.negated = 0"
    rows = corpus.conn.execute(
        f"SELECT m.frame, count(*) FROM matches m WHERE m.codebook_hash = ?{negated} "
        f"AND m.doc_pk IN (SELECT d.pk FROM documents d {where}) GROUP BY m.frame",
        [tagging.codebook_hash, *params],
    )
    return Counter({frame: int(n) for frame, n in rows})


@cache
def _lemmatizer() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def is_word_like(text: str) -> bool:
    """Whether a token is a word for keyness: letters only, full stops allowed.

    "society", "Whitehall" and "U.S." are words; clitics split off by the
    tokenizer ("’ve", "’re", "’s", "n't"), numbers ("2010", "5"), symbols
    ("£", "%", "--") and mixtures ("10am") are not.

    Example::

        >>> [is_word_like(t) for t in ("society", "U.S.", "’ve", "n't", "2010", "£")]
        [True, True, False, False, False, False]
    """
    letters = text.replace(".", "")
    return letters.isalpha()


def _term_counts(
    corpus: Corpus, where: str, params: list[Any], unit: str, *, words_only: bool = True
) -> tuple[Counter[str], int]:
    """Counts of words, lemmas or phrases over the selected documents, and the token total.

    The total counts every token that is not punctuation or space (the
    ``documents.tokens`` definition); with ``words_only`` only word-like
    tokens are counted as items, and any other token breaks a phrase.
    """
    from policytext._text import blank_english, split_for_spacy

    nlp = _lemmatizer() if unit == "lemma" else blank_english()
    texts = (
        piece
        for (text,) in corpus.conn.execute(f"SELECT d.text FROM documents d {where} ORDER BY d.pk", params)
        for piece in split_for_spacy(text, nlp.max_length // 2)
    )
    counts: Counter[str] = Counter()
    total = 0
    docs = nlp.pipe(texts, batch_size=64) if unit == "lemma" else (nlp.make_doc(t) for t in texts)
    for doc in docs:
        run: list[Any] = []
        for token in doc:
            if token.is_punct or token.is_space:
                if unit == "phrase":
                    _count_phrases(run, counts)
                run = []
                continue
            total += 1
            if words_only and not is_word_like(token.text):
                if unit == "phrase":
                    _count_phrases(run, counts)
                    run = []
                continue
            if unit == "word":
                counts[token.lower_] += 1
            elif unit == "lemma":
                counts[(token.lemma_ or token.text).lower()] += 1
            else:
                run.append(token)
        if unit == "phrase":
            _count_phrases(run, counts)
    return counts, total


def _count_phrases(run: list[Any], counts: Counter[str]) -> None:
    for n in (2, 3):
        for i in range(len(run) - n + 1):
            gram = run[i : i + n]
            if gram[0].is_stop or gram[-1].is_stop or gram[0].like_num or gram[-1].like_num:
                continue
            counts[" ".join(t.lower_ for t in gram)] += 1


# -- concordance ---------------------------------------------------------------------


def concordance(
    corpus: Corpus,
    term: str | None = None,
    *,
    frame: str | None = None,
    window: int = 10,
    sentence: bool = False,
    include_negated: bool = False,
    limit: int | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """Keyword-in-context lines for a frame's stored matches or for a term.

    With ``frame``, the lines are exactly the matches that a frequency table
    with the same filters counts in ``F_count`` (one line per mention). With
    ``term``, every case-insensitive occurrence of the words (a trailing ``*``
    matches any ending: ``empower*``) in the current documents.

    Parameters
    ----------
    corpus:
        An open store.
    term:
        Words to find (ignored when ``frame`` is given).
    frame:
        A frame id of the latest tagging run.
    window:
        Words of context each side (whitespace-separated words).
    sentence:
        Give the whole sentence as context instead of a word window.
    include_negated:
        With ``frame``, include matches flagged as negated.
    limit:
        At most this many lines.
    **filters:
        ``speaker``, ``since``, ``until``, ``doc_type``, ... as for tables.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``left``, ``match``, ``right``, the metadata of
        :data:`KWIC_FIELDS`, and ``frame``, ``pattern_id``, ``sentence``,
        ``start_char``, ``end_char`` (``frame`` and ``pattern_id`` empty for terms),
        ordered by date, document and position.

    Example::

        >>> concordance(corpus, frame="devolution", window=8)  # doctest: +SKIP
    """
    if window < 0:
        raise InputError(f"window: {window} is negative")
    if frame is None and not (term and term.strip()):
        raise InputError("kwic: give a TERM or --frame F")
    meta = ", ".join(f"d.{f}" for f in KWIC_FIELDS)
    lines: list[dict[str, Any]] = []
    if frame is not None:
        tagging = _require_tagging(corpus)
        _check_frames([frame], tagging)
        where, params = _tagged_where(corpus, tagging, filters)
        negated = "" if include_negated else " AND m.negated = 0"
        sql = (
            f"SELECT d.id AS doc_id, d.text AS text, {meta}, m.frame, m.pattern_id, m.sentence, "
            "m.sent_start, m.sent_end, m.start_char, m.end_char, m.negated "
            f"FROM matches m JOIN documents d ON d.pk = m.doc_pk {where} "
            f"AND m.codebook_hash = ? AND m.frame = ?{negated} "
            "ORDER BY d.date_start IS NULL, d.date_start, d.id, m.start_char, m.pk"
        )
        rows: Iterable[Any] = corpus.conn.execute(sql, [*params, tagging.codebook_hash, frame])
        for row in rows:
            text = row["text"]
            start, end = int(row["start_char"]), int(row["end_char"])
            bounds = (int(row["sent_start"]), int(row["sent_end"]))
            lines.append(
                _line(row, text, start, end, window=window, sentence=sentence, sent_bounds=bounds)
                | {
                    "frame": row["frame"],
                    "pattern_id": row["pattern_id"],
                    "sentence": row["sentence"],
                }
            )
            if limit is not None and len(lines) >= limit:
                break
    else:
        assert term is not None
        pattern, fts = _term_pattern(term)
        where, params = _document_where(corpus, filters)
        sql = (
            f"SELECT d.id AS doc_id, d.text AS text, {meta} FROM documents d {where} "
            "AND d.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?) "
            "ORDER BY d.date_start IS NULL, d.date_start, d.id"
        )
        for row in _fts_rows(corpus, sql, [*params, fts], term):
            for found in pattern.finditer(row["text"]):
                lines.append(
                    _line(
                        row,
                        row["text"],
                        found.start(),
                        found.end(),
                        window=window,
                        sentence=sentence,
                    )
                    | {"frame": None, "pattern_id": None, "sentence": None}
                )
                if limit is not None and len(lines) >= limit:
                    break
            if limit is not None and len(lines) >= limit:
                break
    columns = [
        "doc_id",
        "left",
        "match",
        "right",
        *KWIC_FIELDS,
        "frame",
        "pattern_id",
        "sentence",
        "start_char",
        "end_char",
    ]
    table = pd.DataFrame(lines, columns=columns)
    # An undated document would turn the year column into floats (1997.0).
    table["year"] = table["year"].astype("Int64")
    return table


def _fts_rows(corpus: Corpus, sql: str, params: list[Any], term: str) -> Iterator[Any]:
    import sqlite3

    try:
        yield from corpus.conn.execute(sql, params)
    except sqlite3.OperationalError as exc:
        raise InputError(f"kwic: cannot search for {term!r} ({exc})") from None


def _term_pattern(term: str) -> tuple[re.Pattern[str], str]:
    """A regex for the words of ``term`` and an FTS5 query that finds a superset of documents."""
    words = term.strip().split()
    prefix = words[-1].endswith("*")
    if prefix:
        words[-1] = words[-1].rstrip("*")
    words = [w for w in words if w]
    if not words or any("*" in w for w in words):
        raise InputError(f"kwic: term {term!r} must be words, optionally ending in '*'")
    body = r"\s+".join(re.escape(w) for w in words)
    ending = r"\w*" if prefix else r"(?!\w)"
    pattern = re.compile(r"(?<!\w)" + body + ending, re.IGNORECASE)
    tokens = [t for w in words for t in re.findall(r"\w+", w)]
    if not tokens:
        raise InputError(f"kwic: term {term!r} has no word characters")
    phrase = '"' + " ".join(tokens) + '"'
    return pattern, phrase + ("*" if prefix else "")


_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*\s+|\n\s*\n")


def _line(
    row: Any,
    text: str,
    start: int,
    end: int,
    *,
    window: int,
    sentence: bool,
    sent_bounds: tuple[int, int] | None = None,
) -> dict[str, Any]:
    if sentence:
        if sent_bounds and 0 <= sent_bounds[0] <= start and end <= sent_bounds[1] <= len(text):
            s_start, s_end = sent_bounds
        else:
            s_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
            after = _SENTENCE_END.search(text, end)
            s_end = after.start() + 1 if after else len(text)
        left, right = text[s_start:start], text[end:s_end]
    else:
        before = text[max(0, start - 40 * (window + 1)) : start].split()
        after_words = text[end : end + 40 * (window + 1)].split()
        left = " ".join(before[-window:]) if window else ""
        right = " ".join(after_words[:window]) if window else ""
    record = {
        "doc_id": row["doc_id"],
        "left": " ".join(left.split()),
        "match": " ".join(text[start:end].split()),
        "right": " ".join(right.split()),
    }
    record |= {f: row[f] for f in KWIC_FIELDS}
    record |= {"start_char": start, "end_char": end}
    return record
