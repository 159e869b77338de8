"""The bootstrap over documents: one helper for every interval of a rate.

A group's documents are resampled with replacement and its rate recomputed; the
percentile interval of those rates is reported. Each group draws from its own random
stream, a function of ``random_state`` and the group's key only, so a group's interval
does not move when other groups are added, filtered out or sorted differently.

Example::

    >>> import numpy as np
    >>> counts = np.array([[3.0], [0.0]])            # two documents, one item
    >>> tokens = np.array([40.0, 60.0])
    >>> low, high = bootstrap_rates(counts, tokens, np.array([0, 0]), ["all"], bootstrap=500)
    >>> float(low[0, 0]), float(high[0, 0])
    (0.0, 750.0)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from policytext.errors import InputError

__all__ = ["RATE_BASE", "bootstrap_rates", "check_bootstrap", "group_key", "group_rng"]

#: Rates are per this many tokens.
RATE_BASE = 10_000


def check_bootstrap(bootstrap: int, random_state: Any, confidence: float) -> None:
    """Raise :class:`InputError` for a bad number of resamples, random state or coverage."""
    if not 0 < confidence < 1:
        raise InputError(f"confidence: {confidence} is not between 0 and 1")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, (int, np.integer)) or bootstrap < 0:
        raise InputError(f"bootstrap: {bootstrap!r} resamples; give 0 or more")
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)) or random_state < 0:
        raise InputError(f"random_state: {random_state!r} is not an integer >= 0")


def group_key(fields: Sequence[str], values: Sequence[Any]) -> str:
    """A canonical text for one group (field names and values), stable across runs and tables.

    Example::

        >>> group_key(["speaker", "year"], ["Tony Blair", 1999])
        '[["speaker", "year"], ["Tony Blair", 1999]]'
    """
    canonical = [
        None
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))
        else (int(v) if isinstance(v, (int, np.integer)) else str(v))
        for v in values
    ]
    return json.dumps([list(fields), canonical], ensure_ascii=False)


def group_rng(random_state: int, key: str) -> np.random.Generator:
    """The random stream of one group: a function of ``random_state`` and ``key`` only."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng(np.random.SeedSequence([int(random_state), *words]))


def _group_rates(
    rng: np.random.Generator, counts: np.ndarray, tokens: np.ndarray, bootstrap: int
) -> np.ndarray:
    """``bootstrap`` resampled rates (resamples x items) of one group's documents."""
    n = len(tokens)
    rates = np.empty((bootstrap, counts.shape[1]))
    chunk = max(1, min(bootstrap, 2_000_000 // max(n, 1)))
    for start in range(0, bootstrap, chunk):
        size = min(chunk, bootstrap - start)
        # Multinomial weights = how often each document is drawn in a resample.
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(np.float64)
        total = weights @ tokens
        with np.errstate(divide="ignore", invalid="ignore"):
            rates[start : start + size] = RATE_BASE * (weights @ counts) / total[:, None]
    return rates


def bootstrap_rates(
    counts: np.ndarray,
    tokens: np.ndarray,
    group_of: np.ndarray,
    group_keys: Sequence[str],
    *,
    bootstrap: int,
    random_state: int = 0,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of each group's rate per :data:`RATE_BASE` tokens.

    Parameters
    ----------
    counts:
        Documents x items: the mentions of each item in each document.
    tokens:
        The tokens of each document (the rate's denominator).
    group_of:
        The group number (0 .. len(group_keys) - 1) of each document.
    group_keys:
        A stable key per group (see :func:`group_key`); with ``random_state`` it fixes
        the group's random stream.
    bootstrap:
        Resamples (0: no intervals, every bound NaN).
    random_state:
        The seed; the same seed and data give the same intervals.
    confidence:
        Coverage of the intervals.

    Returns
    -------
    (low, high)
        Groups x items arrays; NaN where a group has no documents or no tokens.
    """
    check_bootstrap(bootstrap, random_state, confidence)
    shape = (len(group_keys), counts.shape[1])
    low, high = np.full(shape, np.nan), np.full(shape, np.nan)
    if bootstrap == 0:
        return low, high
    alpha = (1 - confidence) / 2
    order = np.argsort(group_of, kind="stable")
    bounds = np.searchsorted(group_of[order], np.arange(len(group_keys) + 1))
    values = counts.astype(np.float64)
    for g, key in enumerate(group_keys):  # one vectorised draw per group, not per document
        members = order[bounds[g] : bounds[g + 1]]
        if len(members) == 0:
            continue
        rates = _group_rates(group_rng(random_state, key), values[members], tokens[members], bootstrap)
        if np.isfinite(rates).any():
            low[g] = np.nanquantile(rates, alpha, axis=0)
            high[g] = np.nanquantile(rates, 1 - alpha, axis=0)
    return low, high
