"""The data of the interactive report: evidence behind every count, tables and Plotly charts.

Everything here is plain data (dicts and lists ready for JSON); the page's script
(``data/assets/report.js``) draws the charts with the plotly.js copied from the
``plotly`` wheel and opens the mentions behind a cell or a point. Each count is keyed
by its frame, the grouping fields and the group's values, and the evidence rows carry
the same values (from :func:`policytext.store.reporting.evidence_rows`), so a cell
opens exactly the mentions it counts.

Example::

    >>> key_of(pd.Series({"year": 1997.0, "party": None}), ["year", "party"])
    [1997, None]
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from policytext.report.charts import PALETTE
from policytext.report.formats import format_number
from policytext.store.filters import DocumentFilter
from policytext.store.reporting import EVIDENCE_FIELDS, evidence_rows

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = [
    "DOC_FIELDS",
    "bar_figure",
    "copy_plotly_js",
    "evidence_payload",
    "heatmap_figure",
    "key_of",
    "lines_over_time_figure",
    "table_model",
]

#: The grouping fields the report's tables and charts use (all in ``GROUP_FIELDS``).
REPORT_GROUPS = ("year", "party", "speaker", "government")

#: The fields of each document record of the evidence (``docs`` rows, in this order).
DOC_FIELDS = (*EVIDENCE_FIELDS, *REPORT_GROUPS)

RATE_AXIS = "mentions per 10,000 tokens"


def _plain(value: Any) -> Any:
    """A cell as a JSON value: missing -> None, numpy scalars -> Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


#: Grouping fields whose values are whole numbers (a row of floats would give 1997.0).
_WHOLE = frozenset({"year", "decade"})


def key_of(row: pd.Series, by: Sequence[str]) -> list[Any]:
    """The group values of a table row, as the evidence rows carry them (years as integers)."""
    key = [_plain(row[field]) for field in by]
    return [int(v) if f in _WHOLE and isinstance(v, float) else v for f, v in zip(by, key, strict=True)]


def _label(value: Any) -> str:
    return "(none)" if value is None else str(value)


def evidence_payload(
    corpus: Corpus,
    codebook_hash: str,
    frames: Sequence[str],
    *,
    documents: DocumentFilter | None = None,
    include_negated: bool = False,
) -> dict[str, Any]:
    """Every mention the tables count, compactly: documents, sentences and mention rows.

    ``docs`` is a list of records in :data:`DOC_FIELDS` order; ``sentences`` the distinct
    sentence texts; ``mentions`` rows of ``[doc index, frame index, sentence index, match,
    pattern id, offset of the match in the sentence]``.
    """
    rows = evidence_rows(
        corpus,
        codebook_hash,
        frames,
        documents=documents,
        group_fields=REPORT_GROUPS,
        include_negated=include_negated,
    )
    frame_index = {f: i for i, f in enumerate(frames)}
    doc_index: dict[str, int] = {}
    sentence_index: dict[str, int] = {}
    docs: list[list[Any]] = []
    mentions: list[list[Any]] = []
    for row in rows:
        d = doc_index.get(row["doc_id"])
        if d is None:
            d = doc_index[row["doc_id"]] = len(docs)
            docs.append([_plain(row[f]) for f in DOC_FIELDS])
        s = sentence_index.setdefault(str(row["sentence"]), len(sentence_index))
        match = [d, frame_index[row["frame"]], s, str(row["match"]), row["pattern_id"], int(row["offset"])]
        mentions.append(match)
    return {
        "frames": list(frames),
        "doc_fields": list(DOC_FIELDS),
        "docs": docs,
        "sentences": list(sentence_index),
        "mentions": mentions,
    }


def _interval_text(low: Any, high: Any, documents: Any) -> str:
    if _plain(documents) == 1:
        return "1 doc"
    if _plain(low) is None or _plain(high) is None:
        return ""
    return f"[{format_number(float(low))}, {format_number(float(high))}]"


def table_model(table: pd.DataFrame, by: Sequence[str], frames: Sequence[str]) -> dict[str, Any]:
    """A frequency table as rows of cells for the HTML template (one cell per frame)."""
    rows = []
    for _, row in table.iterrows():
        key = key_of(row, by)
        cells = []
        for f in frames:
            rate = _plain(row[f"{f}_per_10k"])
            cells.append(
                {
                    "frame": f,
                    "count": int(_plain(row[f"{f}_count"]) or 0),
                    "rate": rate,
                    "rate_text": format_number(rate) if rate is not None else "",
                    "interval": _interval_text(
                        row.get(f"{f}_per_10k_low"), row.get(f"{f}_per_10k_high"), row["documents"]
                    ),
                }
            )
        rows.append(
            {
                "labels": [_label(v) for v in key],
                "key": key,
                "documents": int(row["documents"]),
                "tokens": int(row["tokens"]),
                "cells": cells,
            }
        )
    return {"by": list(by), "frames": list(frames), "rows": rows}


def _custom(row: pd.Series, frame: str, key: list[Any]) -> list[Any]:
    return [
        int(_plain(row[f"{frame}_count"]) or 0),
        _plain(row.get(f"{frame}_per_10k_low")),
        _plain(row.get(f"{frame}_per_10k_high")),
        int(row["documents"]),
        key,
        frame,
    ]


_HOVER = (
    "%{fullData.name}<br>%{x}: <b>%{y:.2f}</b> " + "per 10k tokens<br>"
    "95% interval %{customdata[1]:.2f} to %{customdata[2]:.2f}<br>"
    "%{customdata[0]} mentions in %{customdata[3]} documents<br><i>click for the sentences</i><extra></extra>"
)


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 15}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "hovermode": "closest",
        "legend": {"title": {"text": "click to hide or show"}},
        "font": {"family": "system-ui, sans-serif"},
    }
    layout.update(extra)
    return layout


def lines_over_time_figure(
    table: pd.DataFrame,
    frames: Sequence[str],
    *,
    group: str | None = None,
    max_groups: int = 6,
    title: str,
) -> dict[str, Any]:
    """Rates by year: one line per frame (``group=None``) or, per frame, one line per group
    with a menu that picks the frame. Years keep their real spacing; a range slider zooms."""
    data = table[table["year"].notna()].sort_values("year")
    traces: list[dict[str, Any]] = []
    if group is None:
        for i, f in enumerate(frames):
            traces.append(_line_trace(data, f, f.replace("_", " "), ["year"], PALETTE[i % len(PALETTE)]))
        menus: list[dict[str, Any]] = []
    else:
        totals = data.groupby(group, dropna=True)["tokens"].sum().sort_values(ascending=False)
        groups = list(totals.index[:max_groups])
        for f in frames:
            for i, name in enumerate(groups):
                rows = data[data[group] == name]
                trace = _line_trace(rows, f, str(name), [group, "year"], PALETTE[i % len(PALETTE)])
                trace["visible"] = f == frames[0]
                trace["legendgroup"] = str(name)
                traces.append(trace)
        n = len(groups)
        buttons = [
            {
                "label": f.replace("_", " "),
                "method": "update",
                "args": [{"visible": [j // max(n, 1) == k for j in range(len(traces))]}],
            }
            for k, f in enumerate(frames)
        ]
        menus = [{"buttons": buttons, "x": 0, "y": 1.18, "xanchor": "left", "showactive": True}]
    layout = _layout(
        title,
        xaxis={"title": {"text": "year"}, "rangeslider": {"visible": True}, "tickformat": "d"},
        yaxis={"title": {"text": RATE_AXIS}, "rangemode": "tozero"},
        updatemenus=menus,
    )
    return {"data": traces, "layout": layout}


def _line_trace(rows: pd.DataFrame, frame: str, name: str, by: list[str], colour: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "x": [int(y) for y in rows["year"]],
        "y": [_plain(v) for v in rows[f"{frame}_per_10k"]],
        "customdata": [_custom(r, frame, key_of(r, by)) for _, r in rows.iterrows()],
        "hovertemplate": _HOVER,
        "line": {"color": colour},
        "meta": {"frame": frame, "by": by},
    }


def bar_figure(
    table: pd.DataFrame, by: str, frames: Sequence[str], *, title: str, max_groups: int = 10
) -> dict[str, Any]:
    """Grouped bars: frames on the x axis, one bar per group (legend toggles groups), 95% intervals."""
    data = table[table[by].notna()]
    if len(data) > max_groups:
        data = data.sort_values("tokens", ascending=False).head(max_groups)
    labels = [f.replace("_", " ") for f in frames]
    traces = []
    for i, (_, row) in enumerate(data.iterrows()):
        key = key_of(row, [by])
        rates = [_plain(row[f"{f}_per_10k"]) for f in frames]
        lows = [_plain(row.get(f"{f}_per_10k_low")) for f in frames]
        highs = [_plain(row.get(f"{f}_per_10k_high")) for f in frames]
        traces.append(
            {
                "type": "bar",
                "name": _label(key[0]),
                "x": labels,
                "y": rates,
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if h is None or r is None else h - r for h, r in zip(highs, rates, strict=True)
                    ],
                    "arrayminus": [
                        None if lo is None or r is None else r - lo for lo, r in zip(lows, rates, strict=True)
                    ],
                    "thickness": 1,
                },
                "customdata": [_custom(row, f, key) for f in frames],
                "hovertemplate": _HOVER,
                "marker": {"color": PALETTE[i % len(PALETTE)]},
                "meta": {"by": [by]},
            }
        )
    layout = _layout(title, barmode="group", yaxis={"title": {"text": RATE_AXIS}, "rangemode": "tozero"})
    return {"data": traces, "layout": layout}


def heatmap_figure(
    table: pd.DataFrame, by: str, frames: Sequence[str], *, title: str, max_groups: int = 25
) -> dict[str, Any]:
    """Groups x frames heatmap of rates (cividis), the groups with the most tokens."""
    data = table[table[by].notna()].sort_values("tokens", ascending=False).head(max_groups)
    labels = [f.replace("_", " ") for f in frames]
    z, custom = [], []
    for _, row in data.iterrows():
        key = key_of(row, [by])
        z.append([_plain(row[f"{f}_per_10k"]) for f in frames])
        custom.append([_custom(row, f, key) for f in frames])
    trace = {
        "type": "heatmap",
        "x": labels,
        "y": [_label(v) for v in data[by]],
        "z": z,
        "customdata": custom,
        "colorscale": "Cividis",
        "colorbar": {"title": {"text": "per 10k"}},
        "hovertemplate": "%{y}, %{x}: <b>%{z:.2f}</b> per 10k tokens<br>"
        "%{customdata[0]} mentions in %{customdata[3]} documents<br><i>click for the sentences</i>"
        "<extra></extra>",
        "meta": {"by": [by]},
    }
    height = max(320, 90 + 24 * len(z))
    layout = _layout(title, height=height, yaxis={"autorange": "reversed", "automargin": True})
    return {"data": [trace], "layout": layout}


def copy_plotly_js(dest: Path) -> Path:
    """Copy ``plotly.min.js`` from the installed ``plotly`` wheel to ``dest`` (no network)."""
    source = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with resources.as_file(source) as path:
        if not dest.exists() or dest.stat().st_size != Path(path).stat().st_size:
            shutil.copyfile(path, dest)
    return dest
