"""The statistics of keyness: log-likelihood G2 with Williams' correction, Hardie's log
ratio, p-values exact far into the tail, and corrections for multiple comparisons.

Example::

    >>> round(g2_williams(10, 0, 1000, 1000)[0], 3)
    13.913
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import log_ndtr

from policytext.errors import InputError

__all__ = ["P_FLOOR", "adjust_p_values", "g2_williams", "log_p_value", "log_ratio"]


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
    x = np.maximum(np.asarray(g2, dtype=np.float64), 0.0)
    return np.asarray(math.log(2.0) + log_ndtr(-np.sqrt(x)))
