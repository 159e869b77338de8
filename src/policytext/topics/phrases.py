"""Two-word phrases for topic models: collocations found by NPMI, joined in runs of words."""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Iterable, Sequence

import numpy as np


def find_phrases(
    runs: Iterable[Sequence[str]], *, min_count: int = 5, threshold: float = 0.3
) -> frozenset[tuple[str, str]]:
    """Two-word collocations: bigrams seen ``min_count`` times with NPMI >= ``threshold``.

    Words and adjacent pairs are counted in runs of two or more adjacent kept words (as
    NLTK's :class:`~nltk.collocations.BigramCollocationFinder` counts documents); the score
    is normalised pointwise mutual information, log(p(xy) / p(x)p(y)) / -log p(xy), in
    [-1, 1]. Pairs are counted as 64-bit codes in numpy, chunk by chunk, so memory grows
    with the distinct pairs (16 bytes each), not with the corpus.

    Example::

        >>> sorted(find_phrases([["big", "society"]] * 5 + [["big", "idea"]], min_count=3))
        [('big', 'society')]
    """
    ids: dict[str, int] = {}
    word_ids = array("I")
    codes = array("Q")
    pair_codes = np.zeros(0, dtype=np.uint64)
    pair_counts = np.zeros(0, dtype=np.int64)

    def merge() -> None:
        nonlocal codes, pair_codes, pair_counts
        if codes:
            pair_codes, inverse = np.unique(
                np.concatenate([pair_codes, np.frombuffer(codes, dtype=np.uint64)]), return_inverse=True
            )
            weights = np.concatenate([pair_counts, np.ones(len(codes), dtype=np.int64)])
            pair_counts = np.bincount(inverse, weights=weights, minlength=len(pair_codes)).astype(np.int64)
        codes = array("Q")

    for run in runs:
        if len(run) < 2:
            continue
        run_ids = [ids.setdefault(w, len(ids)) for w in run]
        word_ids.extend(run_ids)
        codes.extend((a << 32) | b for a, b in zip(run_ids, run_ids[1:], strict=False))
        if len(codes) >= _PAIR_CHUNK:
            merge()
    merge()
    words = list(ids)
    word_counts = np.bincount(np.frombuffer(word_ids, dtype=np.uint32), minlength=len(words)).tolist()
    del word_ids
    total_words = sum(word_counts)
    total_pairs = int(pair_counts.sum())
    found = set()
    frequent = pair_counts >= min_count
    for code, count in zip(pair_codes[frequent].tolist(), pair_counts[frequent].tolist(), strict=True):
        a, b = code >> 32, code & 0xFFFFFFFF
        if a == b:
            continue
        p_ab = count / total_pairs
        if p_ab >= 1.0:
            found.add((words[a], words[b]))
            continue
        pmi = math.log(p_ab / ((word_counts[a] / total_words) * (word_counts[b] / total_words)))
        if pmi / -math.log(p_ab) >= threshold:
            found.add((words[a], words[b]))
    return frozenset(found)


#: Pair codes gathered before they are merged into the counts in :func:`find_phrases`.
_PAIR_CHUNK = 2_000_000


def join_phrases(run: Sequence[str], phrases: frozenset[tuple[str, str]]) -> list[str]:
    """``run`` with each phrase's two words joined by a space, left to right.

    Example::

        >>> join_phrases(["big", "society", "work"], frozenset({("big", "society")}))
        ['big society', 'work']
    """
    out: list[str] = []
    i = 0
    while i < len(run):
        if i + 1 < len(run) and (run[i], run[i + 1]) in phrases:
            out.append(sys.intern(f"{run[i]} {run[i + 1]}"))
            i += 2
        else:
            out.append(run[i])
            i += 1
    return out
