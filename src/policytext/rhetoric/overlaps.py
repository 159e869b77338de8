"""From raw hits to matches: proximity pairs and overlapping matches of one frame."""

from __future__ import annotations

from typing import Any

import numpy as np

from policytext.codebook import Pattern

__all__ = ["pair_hits", "resolve_overlaps"]


def _longest(starts: list[int], ends: list[int], bounds: Any) -> tuple[list[int], list[int], list[int]]:
    """Of hits starting at the same token, the longest: starts, ends and sentences, by start."""
    start_array, end_array = np.array(starts, dtype="int64"), np.array(ends, dtype="int64")
    order = np.lexsort((end_array, start_array))
    start_array, end_array = start_array[order], end_array[order]
    last = np.append(start_array[1:] != start_array[:-1], True)
    start_array, end_array = start_array[last], end_array[last]
    sentences = np.searchsorted(bounds, start_array, side="right") - 1
    return start_array.tolist(), end_array.tolist(), sentences.tolist()


def pair_hits(
    pattern: Pattern,
    left: tuple[list[int], list[int]],
    right: tuple[list[int], list[int]],
    bounds: Any,
) -> list[tuple[int, int, Pattern]]:
    """The matches of proximity rule ``pattern``: each left hit with its nearest right hit in reach.

    ``left`` and ``right`` are the starts and ends of either side's hits; ``bounds`` the
    sentence starts (an array).
    """
    # The right-hand hits grouped by sentence once, so each left hit looks only at its own
    # sentence's (a proximity rule's words may occur thousands of times in a long text).
    by_sentence: dict[int, list[tuple[int, int]]] = {}
    for b_start, b_end, sentence in zip(*_longest(*right, bounds), strict=True):
        by_sentence.setdefault(sentence, []).append((b_start, b_end))
    pairs = []
    for a_start, a_end, sentence in zip(*_longest(*left, bounds), strict=True):
        in_reach = by_sentence.get(sentence)
        if in_reach is None:
            continue
        best: tuple[int, int, int] | None = None
        for b_start, b_end in in_reach:
            if b_start >= a_end:
                distance = b_start - a_end
            elif a_start >= b_end and not pattern.ordered:
                distance = a_start - b_end
            else:
                continue
            if distance <= pattern.window and (best is None or distance < best[0]):
                best = (distance, min(a_start, b_start), max(a_end, b_end))
        if best is not None:
            pairs.append((best[1], best[2], pattern))
    return pairs


def resolve_overlaps(found: list[tuple[int, int, Pattern]]) -> list[tuple[int, int, Pattern]]:
    """Per frame, keep non-overlapping matches, longest first (then earliest, then codebook order)."""
    kept: list[tuple[int, int, Pattern]] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    order = {id(p): i for i, (_, _, p) in enumerate(found)}
    for start, end, pattern in sorted(found, key=lambda m: (m[0] - m[1], m[0], order[id(m[2])])):
        spans = taken.setdefault(pattern.frame, [])
        if any(s < end and start < e for s, e in spans):
            continue
        spans.append((start, end))
        kept.append((start, end, pattern))
    kept.sort(key=lambda m: (m[0], m[1], m[2].frame))
    return kept
