"""Charts of topics over time: prevalence heatmap, stacked area, term-rank bump chart, effects.

Figures are drawn with matplotlib's object API (no pyplot, no global backend
change) and saved as PNG and SVG side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from policytext.topics.effects import TopicEffects
    from policytext.topics.prevalence import Prevalence


def _save(fig: Figure, stem: Path) -> list[Path]:
    from matplotlib import rc_context

    paths = []
    for suffix in (".png", ".svg"):
        path = stem.with_suffix(suffix)
        tmp = path.with_name(path.stem + ".part" + suffix)
        # SVG text stays text (searchable, editable for a paper), not glyph outlines.
        with rc_context({"svg.fonttype": "none"}):
            fig.savefig(tmp, dpi=150, bbox_inches="tight")
        tmp.replace(path)
        paths.append(path)
    return paths


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _names(columns: Sequence[object], labels: Mapping[str, str] | None) -> list[str]:
    return [(labels or {}).get(str(c), str(c)) for c in columns]


def _nothing_to_show(prevalence: Prevalence, stem: Path, subtitle: str) -> list[Path]:
    """A chart that says there is no group to show, instead of an empty or broken plot."""
    fig = _new_figure(6.0, 3.0)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        f"no documents with a {prevalence.by}: no prevalence to show",
        ha="center",
        va="center",
    )
    ax.set_title(f"Topic prevalence (share) by {prevalence.by}\n{subtitle}", fontsize=9)
    return _save(fig, stem)


def prevalence_heatmap(
    prevalence: Prevalence,
    stem: Path,
    *,
    subtitle: str = "",
    labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Heatmap of topic shares: groups down, topics across; saved as ``stem``.png/.svg.

    ``labels`` maps topic ids to the names shown (default: the ids).
    """
    shares = prevalence.shares
    if shares.empty:
        return _nothing_to_show(prevalence, stem, subtitle)
    fig = _new_figure(max(6.0, 0.6 * shares.shape[1] + 3), max(3.0, 0.3 * shares.shape[0] + 2))
    ax = fig.add_subplot()
    image = ax.imshow(shares.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0)
    ax.set_xticks(range(shares.shape[1]), _names(list(shares.columns), labels), rotation=60, ha="right")
    step = max(1, int(np.ceil(shares.shape[0] / 40)))
    ax.set_yticks(range(0, shares.shape[0], step), [str(i) for i in shares.index][::step])
    ax.set_ylabel(prevalence.by)
    ax.set_title(f"Topic prevalence (share) by {prevalence.by}\n{subtitle}", fontsize=9)
    fig.colorbar(image, ax=ax, label="share of documents' text")
    return _save(fig, stem)


def prevalence_area(
    prevalence: Prevalence,
    stem: Path,
    *,
    subtitle: str = "",
    labels: Mapping[str, str] | None = None,
) -> list[Path]:
    """Stacked area of topic shares across groups (periods in order); saved as ``stem``.png/.svg."""
    shares = prevalence.shares
    if shares.empty:
        return _nothing_to_show(prevalence, stem, subtitle)
    fig = _new_figure(9.0, 4.5)
    ax = fig.add_subplot()
    # Years are drawn at their real spacing (1945 to 1950 is five times 1950 to 1951);
    # other groups (governments, parties) evenly, in their order.
    timed = prevalence.by in ("year", "decade")
    x = shares.index.to_numpy(dtype=float) if timed else np.arange(len(shares), dtype=float)
    from matplotlib import colormaps

    # tab10 repeats after ten topics; tab20 keeps up to twenty distinct.
    palette = colormaps["tab10" if shares.shape[1] <= 10 else "tab20"]
    colors = [palette(i % palette.N) for i in range(shares.shape[1])]
    values = shares.to_numpy(dtype=float).T
    x_drawn, left, right = x, float(x[0]), float(x[-1]) if len(x) > 1 else float(x[0]) + 1
    if len(shares) == 1:
        # One period: a band of width 0.8 around it; a single point has no area to draw.
        x_drawn, values = np.array([x[0] - 0.4, x[0] + 0.4]), np.repeat(values, 2, axis=1)
        left, right = x[0] - 0.5, x[0] + 0.5
    ax.stackplot(x_drawn, values, labels=_names(list(shares.columns), labels), colors=colors)
    _period_axis(ax, x, [str(i) for i in shares.index], timed=timed)
    ax.set_xlim(left, right)
    ax.set_ylim(0, 1)
    ax.set_xlabel(prevalence.by)
    ax.set_ylabel("share")
    ax.set_title(f"Topic prevalence (share) by {prevalence.by}\n{subtitle}", fontsize=9)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    return _save(fig, stem)


#: At most this many tick labels on a period axis; the rest are thinned out.
MAX_TICK_LABELS = 12


def _period_axis(ax: Axes, x: np.ndarray, names: Sequence[str], *, timed: bool) -> None:
    """Ticks at no more than :data:`MAX_TICK_LABELS` periods: whole years on a time axis
    (matplotlib picks round steps), every n-th group otherwise."""
    from matplotlib.ticker import MaxNLocator

    if timed and len(x) > MAX_TICK_LABELS:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=MAX_TICK_LABELS, integer=True))
        ax.ticklabel_format(axis="x", style="plain", useOffset=False)
        return
    if timed:
        ax.set_xticks(x, list(names))
        return
    step = max(1, int(np.ceil(len(x) / MAX_TICK_LABELS)))
    ax.set_xticks(x[::step], list(names)[::step], rotation=45, ha="right")


def effects_by_year(
    effects: TopicEffects, stem: Path, *, labels: Mapping[str, str] | None = None
) -> list[Path]:
    """Expected topic share against year, one line and 95% band per level (party), a panel per topic."""
    frame = effects.by_year
    if frame.empty:
        return _message_chart(stem, "effects: no year and categorical covariate together; nothing to draw")
    level = next(c for c in frame.columns if c not in ("topic", "year", "estimate", "low", "high"))
    topics = list(dict.fromkeys(frame["topic"]))
    columns = min(3, len(topics))
    rows = int(np.ceil(len(topics) / columns))
    fig = _new_figure(4.0 * columns, 2.6 * rows + 0.6)
    axes = fig.subplots(rows, columns, squeeze=False, sharex=True)
    for ax, topic in zip(axes.ravel(), topics, strict=False):
        mine = frame[frame["topic"] == topic]
        for value, group in mine.groupby(level, sort=True):
            ax.plot(group["year"], group["estimate"], label=str(value))
            ax.fill_between(group["year"], group["low"], group["high"], alpha=0.2)
        ax.set_title(_names([topic], labels)[0], fontsize=8)
        ax.xaxis.set_major_locator(_year_locator())
    for ax in axes.ravel()[len(topics) :]:
        ax.set_axis_off()
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"Expected topic share by year and {level} ({effects.describe()})", fontsize=8)
    return _save(fig, stem)


def effects_difference(
    effects: TopicEffects, stem: Path, *, labels: Mapping[str, str] | None = None
) -> list[Path]:
    """Per topic, the difference in expected share between the contrast's two levels, with intervals."""
    rows = effects.table[effects.table["covariate"] == "difference"]
    if rows.empty or effects.contrast is None:
        return _message_chart(
            stem, "effects: no categorical covariate with two levels; no difference to draw"
        )
    fig = _new_figure(7.0, 0.35 * len(rows) + 1.5)
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    estimate = rows["estimate"].to_numpy(dtype=float)
    errors = np.vstack(
        [estimate - rows["low"].to_numpy(dtype=float), rows["high"].to_numpy(dtype=float) - estimate]
    )
    ax.errorbar(estimate, y, xerr=np.nan_to_num(errors), fmt="o", capsize=3)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_yticks(y, _names(list(rows["topic"]), labels), fontsize=7)
    ax.invert_yaxis()
    first, second = effects.contrast
    ax.set_xlabel(f"difference in expected share ({first} - {second}); more {first} to the right")
    ax.set_title(effects.describe(), fontsize=7)
    return _save(fig, stem)


def _year_locator() -> MaxNLocator:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(nbins=6, integer=True)


def _message_chart(stem: Path, message: str) -> list[Path]:
    fig = _new_figure(6.0, 2.0)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center")
    return _save(fig, stem)


def bump_chart(
    terms: pd.DataFrame, windows: Sequence[str], stem: Path, *, title: str, n_terms: int = 8
) -> list[Path]:
    """Term-rank bump chart of one dynamic topic across windows.

    ``terms`` has columns window, rank, term (one dynamic topic). The terms
    drawn are the ``n_terms`` that rank best on average where present; a
    missing point means the term is not in that window's top list.
    """
    present = [w for w in windows if (terms["window"] == w).any()]
    best = (
        terms.groupby("term")["rank"]
        .agg(["mean", "count"])
        .sort_values(["count", "mean"], ascending=[False, True])
    )
    chosen = list(best.index[:n_terms])
    max_rank = int(terms["rank"].max()) if not terms.empty else 1
    fig = _new_figure(max(6.0, 0.9 * len(present) + 2), 4.5)
    ax = fig.add_subplot()
    for term in chosen:
        ranks = []
        for window in present:
            row = terms[(terms["window"] == window) & (terms["term"] == term)]
            ranks.append(float(row["rank"].iloc[0]) if not row.empty else np.nan)
        ax.plot(range(len(present)), ranks, marker="o", label=term)
    ax.set_xticks(range(len(present)), present, rotation=60, ha="right")
    ax.set_ylim(max_rank + 0.5, 0.5)
    ax.set_ylabel("rank in the window's top terms")
    ax.set_title(f"{title}: term ranks by window (terms from each window's own model)", fontsize=9)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    return _save(fig, stem)
