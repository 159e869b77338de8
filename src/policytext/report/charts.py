"""Static charts for papers: matplotlib figures saved as PNG and SVG.

The Okabe-Ito colour-blind-safe palette; the object-oriented API (no pyplot, no
global state). The interactive charts of the HTML report are in
:mod:`policytext.report.interactive`.

Example::

    >>> from policytext.report.charts import PALETTE
    >>> len(PALETTE)
    8
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext.errors import InputError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "PALETTE",
    "RATE_LABEL",
    "plot_frame_heatmap",
    "plot_government_shares",
    "plot_rates_over_time",
]

#: Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

RATE_LABEL = "mentions per 10,000 tokens"


def _figure(width: float, height: float) -> Figure:
    # The object-oriented API: no pyplot, no global backend or state is touched.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _save(fig: Figure, out_base: Path) -> list[Path]:
    import matplotlib

    out_base.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    # SVG text stays text (editable, searchable); the setting is restored afterwards.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        for suffix, extra in ((".png", {"dpi": 150}), (".svg", {"metadata": {"Date": None}})):
            path = out_base.with_suffix(suffix)
            tmp = path.with_name(path.stem + ".part" + suffix)
            fig.savefig(tmp, format=suffix[1:], **extra)
            os.replace(tmp, path)
            paths.append(path)
            # The layout is computed once (the costliest step); the SVG reuses it.
            fig.set_layout_engine("none")
    return paths


def _top_groups(table: pd.DataFrame, field_: str, limit: int) -> list[Any]:
    totals = table.groupby(field_, dropna=True)["tokens"].sum().sort_values(ascending=False)
    return list(totals.index[:limit])


def plot_rates_over_time(
    table: pd.DataFrame,
    out_base: str | Path,
    *,
    group: str = "party",
    frames: Sequence[str] | None = None,
    max_groups: int = 6,
) -> list[Path]:
    """Frame rates by year, one line per group with its bootstrap band; PNG and SVG.

    Parameters
    ----------
    table:
        A :func:`~policytext.tables.frequency_table` grouped by ``[group, "year"]``.
    out_base:
        Path without suffix; ``.png`` and ``.svg`` are written.
    group:
        The line grouping field (``party`` or ``speaker``).
    frames:
        One panel per frame (default: the table's frames).
    max_groups:
        The groups with the most tokens get a line; the rest are left out (and said so).

    Returns
    -------
    list of Path
        The files written.

    Example::

        >>> plot_rates_over_time(frequency_table(c, by="party,year"), "out/rates")  # doctest: +SKIP
    """
    frames = list(frames or table.attrs.get("frames", ()))
    if not frames:
        raise InputError("chart: no frames to plot")
    data = table[table["year"].notna()]
    # Frames never mentioned would only add empty panels.
    used = [f for f in frames if data[f"{f}_count"].sum() > 0]
    frames = used or frames
    groups = _top_groups(data, group, max_groups)
    shown = data[data[group].isin(groups)]
    years_shown = shown["year"].dropna().astype(int) if groups else pd.Series([], dtype=int)
    first_year = int(years_shown.min()) if len(years_shown) else 0
    last_year = int(years_shown.max()) if len(years_shown) else 1
    rate_columns = [f"{f}_per_10k_high" for f in frames] + [f"{f}_per_10k" for f in frames]
    has_rates = bool((shown[rate_columns].astype(float).fillna(0) > 0).any().any())
    ncols = 2 if len(frames) > 1 else 1
    nrows = math.ceil(len(frames) / ncols)
    fig = _figure(5.2 * ncols, 2.6 * nrows + 0.8)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    for k, frame in enumerate(frames):
        _rate_panel(axes[k // ncols][k % ncols], data, group, groups, frame, has_rates=has_rates)
    _year_axes(axes, len(frames), ncols, first_year, last_year)
    left_out = data[group].nunique(dropna=True) - len(groups)
    note = f" ({left_out} smaller groups not shown)" if left_out > 0 else ""
    fig.suptitle(f"Frame rates by {group} and year, 95% bootstrap bands{note}", fontsize=10)
    if groups:
        fig.legend(
            *axes[0][0].get_legend_handles_labels(),
            loc="outside lower center",
            ncols=min(len(groups), 6),
        )
    return _save(fig, Path(out_base))


def _rate_panel(
    ax: Any, data: pd.DataFrame, group: str, groups: Sequence[Any], frame: str, *, has_rates: bool
) -> None:
    """One frame's panel: a line and a bootstrap band per group."""
    for i, name in enumerate(groups):
        rows = data[data[group] == name].set_index("year").sort_index()
        # Years without documents become gaps, not straight lines across them.
        span = range(int(rows.index.min()), int(rows.index.max()) + 1)
        rows = rows.reindex(pd.Index(span, dtype="Int64"))
        years = np.asarray(span)
        colour = PALETTE[i % len(PALETTE)]
        rates = rows[f"{frame}_per_10k"].astype(float)
        ax.plot(years, rates, marker="o", ms=3, color=colour, label=str(name))
        low, high = rows[f"{frame}_per_10k_low"], rows[f"{frame}_per_10k_high"]
        if low.notna().any():
            ax.fill_between(years, low.astype(float), high.astype(float), color=colour, alpha=0.18, lw=0)
    ax.set_title(frame.replace("_", " "))
    ax.set_ylabel(RATE_LABEL, fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_ylim(bottom=0)
    if not has_rates:
        ax.set_ylim(0, 1)  # nothing to show: a plain 0-1 scale, not 0-0.05


def _year_axes(axes: Any, panels: int, ncols: int, first_year: int, last_year: int) -> None:
    """One shared year axis, labelled under the lowest visible panel of each column."""
    # Half a year of margin each side: with a single year matplotlib would span 1900-2100.
    axes[0][0].set_xlim(first_year - 0.5, last_year + 0.5)
    if last_year - first_year < 8:
        # The integer locator falls back to fractions when few years fit.
        axes[0][0].set_xticks(range(first_year, last_year + 1))
    else:
        axes[0][0].xaxis.get_major_locator().set_params(integer=True)
    nrows = len(axes)
    for k in range(panels, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    for column in range(ncols):
        last = max(k for k in range(panels) if k % ncols == column) if column < panels else None
        if last is not None:
            ax = axes[last // ncols][column]
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel("year")


def plot_frame_heatmap(
    table: pd.DataFrame,
    out_base: str | Path,
    *,
    group: str = "speaker",
    frames: Sequence[str] | None = None,
    max_groups: int = 20,
) -> list[Path]:
    """A frame x group heatmap of rates per 10,000 tokens (cividis scale); PNG and SVG.

    Parameters
    ----------
    table:
        A frequency table grouped by ``group`` alone.
    out_base:
        Path without suffix.
    group:
        The row field (``speaker``).
    frames:
        Columns (default: the table's frames).
    max_groups:
        Rows for the groups with the most tokens.

    Example::

        >>> plot_frame_heatmap(frequency_table(c, by="speaker"), "out/heatmap")  # doctest: +SKIP
    """
    frames = list(frames or table.attrs.get("frames", ()))
    data = table[table[group].notna()].sort_values("tokens", ascending=False).head(max_groups)
    values = data[[f"{f}_per_10k" for f in frames]].to_numpy(dtype=float)
    labels = [str(v) for v in data[group]]
    fig = _figure(2.5 + 0.9 * len(frames), max(3.4, 1.6 + 0.32 * len(labels)))
    ax = fig.subplots()
    image = ax.imshow(values if len(labels) else np.zeros((1, len(frames))), cmap="cividis", aspect="auto")
    ax.set_xticks(range(len(frames)), [f.replace("_", " ") for f in frames], rotation=35, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    finite = values[np.isfinite(values)]
    middle = (finite.max() + finite.min()) / 2 if finite.size else 0
    for i in range(len(labels)):
        for j in range(len(frames)):
            v = values[i, j]
            if np.isfinite(v):
                ax.text(
                    j,
                    i,
                    f"{v:.1f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v < middle else "black",
                )
    ax.set_xlabel("frame")
    ax.set_ylabel(group)
    fig.colorbar(image, ax=ax, label="mentions per\n10,000 tokens")
    ax.set_title(f"Frame rates by {group}", fontsize=10)
    return _save(fig, Path(out_base))


def plot_government_shares(
    table: pd.DataFrame,
    out_base: str | Path,
    *,
    frames: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
) -> list[Path]:
    """Stacked bars: each government's frame mentions split by frame (percent); PNG and SVG.

    Parameters
    ----------
    table:
        A frequency table grouped by ``government``.
    out_base:
        Path without suffix.
    frames:
        Frames to show (default: the table's frames).
    order:
        Governments top to bottom (default: as in the table).

    Example::

        >>> table = frequency_table(c, by="government")        # doctest: +SKIP
        >>> plot_government_shares(table, "out/shares")        # doctest: +SKIP
    """
    frames = list(frames or table.attrs.get("frames", ()))
    data = table[table["government"].notna()].set_index("government")
    names = [g for g in (order or list(data.index)) if g in data.index]
    counts = data.loc[names, [f"{f}_count" for f in frames]].to_numpy(dtype=float)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, 100 * counts / totals, 0.0)
    fig = _figure(8.5, 1.6 + 0.45 * max(len(names), 1))
    ax = fig.subplots()
    left = np.zeros(len(names))
    for j, frame in enumerate(frames):
        ax.barh(
            range(len(names)),
            shares[:, j],
            left=left,
            color=PALETTE[j % len(PALETTE)],
            label=frame.replace("_", " "),
            edgecolor="white",
            linewidth=0.5,
        )
        left += shares[:, j]
    ax.set_yticks(
        range(len(names)),
        [f"{n} ({int(t)} mentions)" for n, t in zip(names, totals[:, 0], strict=True)],
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of the government's frame mentions (%)")
    ax.set_title("Frame shares by government", fontsize=10)
    fig.legend(loc="outside lower center", ncols=4, fontsize=8)
    return _save(fig, Path(out_base))
