"""Topic prevalence per period or group, with bootstrap intervals."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from policytext.errors import ModelError
from policytext.store.filters import GROUP_FIELDS
from policytext.tables.bootstrap import group_rng
from policytext.topics._validation import is_int
from policytext.topics.prepare import TopicCorpus

logger = logging.getLogger(__name__)

#: Grouping fields that are periods (ordered in time): smoothing and drift apply to them.
PERIOD_FIELDS: tuple[str, ...] = ("year", "government")


@dataclass(frozen=True)
class Prevalence:
    """Topic shares per group with bootstrap intervals.

    ``shares``, ``low`` and ``high`` have one row per group (periods in
    chronological order) and one column per topic; each row of ``shares``
    sums to 1. A document's share is the term-weighted mean of its units'
    shares; a group's share is the mean over its documents, so every
    document weighs the same. ``documents`` counts documents per group.
    """

    by: str
    shares: pd.DataFrame
    low: pd.DataFrame
    high: pd.DataFrame
    documents: pd.Series
    level: float
    bootstrap: int
    unit: str = ""
    weighting: str = "each document weighs the same (mean of document shares)"
    smoothing: str = "none"

    def long(self) -> pd.DataFrame:
        """One row per group and topic: share, low, high, documents."""
        rows = []
        for group in self.shares.index:
            for topic in self.shares.columns:
                rows.append(
                    {
                        self.by: group,
                        "topic": topic,
                        "share": float(self.shares.at[group, topic]),  # type: ignore[arg-type]
                        "low": float(self.low.at[group, topic]),  # type: ignore[arg-type]
                        "high": float(self.high.at[group, topic]),  # type: ignore[arg-type]
                        "documents": int(self.documents[group]),
                    }
                )
        return pd.DataFrame(rows)


def document_topics(prepared: TopicCorpus, unit_topics: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's topic shares from its units' shares, weighted by unit length.

    Returns the shares (documents x topics) and a mask of documents that had
    any modelled text.

    Example::

        shares, has_text = document_topics(prepared, model.unit_topics_)
    """
    n_docs = len(prepared.documents)
    lengths = np.array([len(p.tokens) for p in prepared.passages], dtype=float)
    known = (unit_topics.sum(axis=1) > 0).astype(float)
    docs = np.array([p.doc for p in prepared.passages], dtype=np.int64)
    weights = sparse.csr_matrix((lengths * known, (docs, np.arange(len(docs)))), shape=(n_docs, len(docs)))
    totals = weights @ unit_topics
    sums = totals.sum(axis=1, keepdims=True)
    shares = np.divide(totals, sums, out=np.zeros_like(totals), where=sums > 0)
    return shares, sums.ravel() > 0


def _group_order(values: pd.Series, by: str, dates: pd.Series) -> list[Any]:
    present = values.dropna().unique().tolist()
    if by == "year":
        return sorted(present)
    if by == "government":
        first = {g: dates[values.eq(g).fillna(False).to_numpy(dtype=bool)].dropna().min() for g in present}
        return sorted(present, key=lambda g: (str(first[g]), str(g)))
    return sorted(present, key=str)


def _group_rng(random_state: int | None, by: str, group: Any) -> np.random.Generator:
    """The bootstrap stream of one group: a function of the seed, ``by`` and the group only,
    so a group's interval does not move when other groups are added or left out
    (:func:`policytext.tables.bootstrap.group_rng`, the tables' streams, keyed by ``[by, group]``)."""
    if random_state is None:
        return np.random.default_rng()
    is_whole = isinstance(group, (int, np.integer)) or (
        isinstance(group, (float, np.floating)) and float(group).is_integer()
    )
    key = json.dumps([by, int(group) if is_whole else str(group)], ensure_ascii=False)
    return group_rng(int(random_state), key)


def _check_options(by: str, bootstrap: int, level: float, smooth: int, random_state: int | None) -> None:
    if by not in GROUP_FIELDS:
        raise ModelError(f"prevalence: cannot group by {by!r}; use one of {', '.join(GROUP_FIELDS)}")
    if not is_int(smooth) or smooth < 1 or (smooth > 1 and by not in PERIOD_FIELDS):
        raise ModelError(
            f"prevalence: smooth must be an integer >= 1, and 1 unless grouping by a period "
            f"(year, government); got smooth={smooth!r} with by={by!r}"
        )
    if bootstrap < 0 or not 0 < level < 1:
        raise ModelError(
            f"prevalence: need bootstrap >= 0 and 0 < level < 1; got bootstrap={bootstrap}, level={level}"
        )
    if random_state is not None and not (is_int(random_state) and 0 <= random_state < 2**32):
        raise ModelError(
            f"prevalence: random_state must be None or an integer from 0 to 2**32 - 1; got {random_state!r}"
        )


def _resampled_means(members: np.ndarray, bootstrap: int, rng: np.random.Generator) -> np.ndarray:
    """``bootstrap`` means (resamples x topics) of ``members`` drawn with replacement, in
    chunks of about 2 million cells."""
    k = members.shape[1]
    boots = np.empty((bootstrap, k))
    step = max(1, 2_000_000 // max(1, len(members) * k))
    for start in range(0, bootstrap, step):
        stop = min(bootstrap, start + step)
        draw = rng.integers(0, len(members), size=(stop - start, len(members)))
        boots[start:stop] = members[draw].mean(axis=1)
    return boots


def topic_prevalence(
    prepared: TopicCorpus,
    unit_topics: np.ndarray,
    topic_ids: Sequence[str],
    *,
    by: str = "year",
    bootstrap: int = 200,
    level: float = 0.95,
    smooth: int = 1,
    random_state: int | None = 0,
) -> Prevalence:
    """Topic shares per value of ``by`` with percentile bootstrap intervals.

    Documents are resampled with replacement within each group ``bootstrap``
    times, each group from its own random stream (seeded by ``random_state``
    and the group), so a group's interval does not depend on the other groups;
    ``low``/``high`` are the (1-level)/2 and (1+level)/2 quantiles of
    the resampled group means. Documents without a value for ``by`` or
    without modelled text are left out. ``smooth`` > 1 (periods only, opt-in)
    replaces each period's shares and bounds by a centred moving average over
    that many periods; ``Prevalence.smoothing`` says so.

    Example::

        >>> from policytext.topics.prepare import prepare_texts
        >>> prepared = prepare_texts(["power people"] * 2, metadata=[{"year": 1997}, {"year": 2010}])
        >>> shares = np.array([[1.0, 0.0], [0.25, 0.75]])
        >>> topic_prevalence(prepared, shares, ["a", "b"], bootstrap=10).shares.loc[2010, "b"]
        np.float64(0.75)
    """
    _check_options(by, bootstrap, level, smooth, random_state)
    doc_shares, has_text = document_topics(prepared, unit_topics)
    values = prepared.documents[by].reset_index(drop=True)
    dates = prepared.documents["date"].reset_index(drop=True)
    keep = has_text & values.notna().to_numpy()
    groups = _group_order(values[keep], by, dates[keep])
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    k = unit_topics.shape[1]
    share_rows, low_rows, high_rows, counts = [], [], [], []
    for group in groups:
        members = doc_shares[keep & values.eq(group).fillna(False).to_numpy(dtype=bool)]
        mean = members.mean(axis=0)
        share_rows.append(mean)
        counts.append(len(members))
        if bootstrap == 0:
            low_rows.append(np.full(k, np.nan))
            high_rows.append(np.full(k, np.nan))
            continue
        boots = _resampled_means(members, bootstrap, _group_rng(random_state, by, group))
        low_rows.append(np.quantile(boots, lo_q, axis=0))
        high_rows.append(np.quantile(boots, hi_q, axis=0))
    index = pd.Index(groups, name=by)
    columns = list(topic_ids)
    tables = [
        pd.DataFrame(np.array(rows).reshape(len(groups), k), index=index, columns=columns)
        for rows in (share_rows, low_rows, high_rows)
    ]
    smoothing = "none"
    if smooth > 1:
        tables = [t.rolling(smooth, center=True, min_periods=1).mean() for t in tables]
        smoothing = f"centred moving average over {smooth} periods (opt-in)"
    return Prevalence(
        by=by,
        shares=tables[0],
        low=tables[1],
        high=tables[2],
        documents=pd.Series(counts, index=index, dtype=int),
        level=level,
        bootstrap=bootstrap,
        unit=prepared.describe_unit(),
        smoothing=smoothing,
    )
