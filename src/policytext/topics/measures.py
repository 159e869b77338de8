"""Measures for topic models: NPMI coherence, stability, Jensen-Shannon drift.

Every measure is linear in corpus length and never builds a vocabulary by
vocabulary matrix: co-occurrence is counted only for the terms being scored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import jensenshannon

from policytext.errors import ModelError


def npmi_coherence(
    topics: Sequence[Sequence[str]], texts: Sequence[Sequence[str]], *, window: int = 10
) -> list[float]:
    """Mean pairwise NPMI of each topic's terms, counted in sliding windows of ``texts``.

    Probabilities are shares of windows: a window is ``window`` consecutive
    tokens of one text (a text shorter than that is one window). For terms
    i, j: NPMI = log(p(i, j) / (p(i) p(j))) / -log p(i, j), and -1 when the two
    never share a window. A topic scores the mean over its term pairs (NaN
    with fewer than two terms).

    Parameters
    ----------
    topics:
        Each topic's top terms.
    texts:
        The reference corpus as token sequences (usually the modelled passages).
    window:
        Window length in tokens (10, as in Palmetto's C_NPMI).

    Returns
    -------
    One score per topic, in [-1, 1].

    Example::

        >>> npmi_coherence([["a", "b"]], [["a", "b"], ["c", "d"]], window=2)
        [1.0]
    """
    if window < 1:
        raise ModelError(f"npmi_coherence: window must be >= 1; got {window}")
    terms = sorted({t for topic in topics for t in topic})
    if not terms:
        return [float("nan") for _ in topics]
    index = {t: i for i, t in enumerate(terms)}
    counts, pair_counts, n_windows = _window_counts(texts, index, window)
    scores = []
    for topic in topics:
        ids = [index[t] for t in dict.fromkeys(topic)]
        if len(ids) < 2 or n_windows == 0:
            scores.append(float("nan"))
            continue
        values = []
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                values.append(_npmi(counts[ids[a]], counts[ids[b]], pair_counts[ids[a], ids[b]], n_windows))
        scores.append(float(np.mean(values)))
    return scores


def _npmi(count_a: float, count_b: float, count_ab: float, n: int) -> float:
    if count_ab <= 0:
        return -1.0
    p_ab = count_ab / n
    if p_ab >= 1.0:
        return 1.0
    return float(np.log(p_ab / ((count_a / n) * (count_b / n))) / -np.log(p_ab))


#: Window-term entries gathered before they are added into the counts: bounds the memory of
#: :func:`_window_counts` whatever the corpus size (16 bytes an entry, a few times over
#: while a chunk is added up: some 20 MB).
_CHUNK_ENTRIES = 250_000


def _window_counts(
    texts: Sequence[Sequence[str]], index: dict[str, int], window: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Windows containing each term, and each pair of terms, over all texts.

    Texts are counted in chunks of about :data:`_CHUNK_ENTRIES` window-term entries,
    each chunk's counts added into the totals, so memory does not grow with the corpus.
    """
    size = len(index)
    counts = np.zeros(size)
    pairs = np.zeros((size, size))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    pending = 0
    n_windows = chunk_start = 0
    offsets = np.arange(window, dtype=np.int64)

    def flush() -> None:
        nonlocal rows, cols, pending, chunk_start
        if rows:
            r = np.concatenate(rows) - chunk_start
            c = np.concatenate(cols)
            shape = (n_windows - chunk_start, size)
            contains = sparse.csr_matrix((np.ones(len(r), dtype=np.float64), (r, c)), shape=shape)
            contains.sum_duplicates()
            contains.data[:] = 1.0
            counts[:] += np.asarray(contains.sum(axis=0)).ravel()
            pairs[:] += (contains.T @ contains).toarray()
        rows, cols, pending, chunk_start = [], [], 0, n_windows

    for text in texts:
        length = len(text)
        if length == 0:
            continue
        last_start = max(0, length - window)
        positions = [(p, index[t]) for p, t in enumerate(text) if t in index]
        if positions:
            pos = np.fromiter((p for p, _ in positions), dtype=np.int64, count=len(positions))
            term = np.fromiter((i for _, i in positions), dtype=np.int64, count=len(positions))
            # Windows starting at p-window+1 .. p contain position p.
            starts = pos[:, None] - offsets[None, :]
            valid = (starts >= 0) & (starts <= last_start)
            rows.append(starts[valid] + n_windows)
            cols.append(np.broadcast_to(term[:, None], starts.shape)[valid])
            pending += len(rows[-1])
        n_windows += last_start + 1
        if pending >= _CHUNK_ENTRIES:
            flush()
    flush()
    return counts, pairs, n_windows


def topic_agreement(first: Sequence[Sequence[str]], second: Sequence[Sequence[str]]) -> float:
    """Mean Jaccard similarity of two topic sets' term lists, topics matched one to one.

    The matching maximises total similarity (Hungarian algorithm), as in
    Greene, O'Callaghan and Cunningham (2014), "How many topics? Stability
    analysis for topic models". 1.0 means the same topics.

    Example::

        >>> topic_agreement([["a", "b"], ["c", "d"]], [["c", "d"], ["a", "x"]])
        0.6666666666666666
    """
    if not first or not second:
        return float("nan")
    sim = np.zeros((len(first), len(second)))
    for i, a in enumerate(first):
        set_a = set(a)
        for j, b in enumerate(second):
            set_b = set(b)
            union = set_a | set_b
            sim[i, j] = len(set_a & set_b) / len(union) if union else 0.0
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].sum() / max(len(first), len(second)))


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence (base 2, in [0, 1]) of two distributions.

    Example::

        >>> jensen_shannon(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
        1.0
    """
    # scipy gives the Jensen-Shannon *distance*, the square root of the divergence.
    distance = jensenshannon(np.asarray(p, dtype=float), np.asarray(q, dtype=float), base=2)
    return float(distance) ** 2


def prevalence_drift(shares: pd.DataFrame) -> pd.DataFrame:
    """Jensen-Shannon divergence between each period's topic distribution and the next.

    ``shares`` has one row per period (in order) and one column per topic.
    Returns columns ``from``, ``to``, ``jsd``.

    Example::

        >>> frame = pd.DataFrame([[1.0, 0.0], [0.5, 0.5]], index=[2001, 2002])
        >>> round(float(prevalence_drift(frame)["jsd"][0]), 3)
        0.311
    """
    rows = []
    values = shares.to_numpy(dtype=float)
    for i in range(1, len(shares)):
        rows.append(
            {
                "from": shares.index[i - 1],
                "to": shares.index[i],
                "jsd": jensen_shannon(values[i - 1], values[i]),
            }
        )
    return pd.DataFrame(rows, columns=["from", "to", "jsd"])
