"""The report's topics section, built from the topic stage's outputs.

The model is fitted once per corpus and settings: when the folder where
``policytext run`` writes its topics (:func:`policytext.topics.default_topics_dir`)
holds outputs whose ``settings.json`` fingerprint equals
:func:`policytext.topics.topics_fingerprint` for this corpus, they are copied into
the report; otherwise the default model is fitted and written there. When no model
can be fitted (too little text, k larger than the data) the section says why and the
rest of the report is written as usual.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> section = topics_section(Corpus.open(":memory:"), Path("/tmp/unused-topics"))
    >>> section.available, section.reason is not None
    (False, True)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from policytext import topics
from policytext.errors import PolicytextError
from policytext.report.charts import PALETTE
from policytext.report.formats import format_number
from policytext.store.filters import DocumentFilter

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = ["TopicsSection", "topics_section"]

logger = logging.getLogger(__name__)

#: Files the section shows; outputs without them (written with charts=False) are refitted.
SECTION_FILES = ("topics.json", "prevalence.csv", "prevalence_heatmap.svg", "prevalence_area.svg")


@dataclass(frozen=True)
class TopicsSection:
    """What the report shows about topics: the fitted topics, or why there are none.

    Attributes
    ----------
    available:
        True when a topic model was fitted (or reused).
    reason:
        Why there is no model (``None`` when there is one).
    folder:
        The outputs' folder, relative to the report.
    settings:
        The topic stage's ``settings.json``.
    topics:
        Rows of ``id``, ``coherence`` (text), ``terms`` (text).
    charts:
        Static charts: ``{"file": relative path, "title": ...}``.
    figure:
        The interactive prevalence chart (a Plotly figure as plain data), or ``None``.
    reused:
        True when the outputs of ``policytext run`` were reused.
    """

    available: bool
    reason: str | None = None
    folder: str = "topics"
    settings: dict[str, Any] = field(default_factory=dict)
    topics: list[dict[str, str]] = field(default_factory=list)
    charts: list[dict[str, str]] = field(default_factory=list)
    figure: dict[str, Any] | None = None
    reused: bool = False


def topics_section(corpus: Corpus, out: Path, *, documents: DocumentFilter | None = None) -> TopicsSection:
    """The topics section for the report written beside ``out`` (``report/topics``): the
    topic stage's outputs (fitted once per corpus and settings, see
    :func:`policytext.topics.topics_section`) made ready for the page.

    Never raises for a corpus the model cannot fit: the section then carries the reason.
    """
    try:
        stage = topics.topics_section(corpus, out, documents=documents)
    except (PolicytextError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        stage = topics.TopicsSection(folder=out, reason=reason)
    if stage.reason is not None:
        reason = " ".join(stage.reason.split())
        logger.warning("report: no topics section: %s", reason)
        return TopicsSection(available=False, reason=reason, folder=out.name)
    rows = [
        {
            "id": str(t["id"]),
            "coherence": ""
            if t.get("coherence") is None
            else format_number(float(t["coherence"]), decimals=3),
            "terms": ", ".join(str(term) for term, _ in t["terms"]),
        }
        for t in stage.topics
    ]
    by = str(stage.settings.get("by", "year"))
    charts = [{"file": f"{out.name}/{name}", "title": caption} for name, caption in stage.charts]
    labels = {
        str(t["id"]): f"{t['id']}: " + ", ".join(str(w) for w, _ in t["terms"][:3]) for t in stage.topics
    }
    figure = _prevalence_figure(out / "prevalence.csv", by, labels)
    return TopicsSection(
        available=True,
        folder=out.name,
        settings=dict(stage.settings),
        topics=rows,
        charts=charts,
        figure=figure,
        reused=stage.reused,
    )


def _prevalence_figure(path: Path, by: str, labels: dict[str, str]) -> dict[str, Any] | None:
    """Stacked topic shares by period (real year spacing), one legend entry per topic."""
    try:
        shares = pd.read_csv(path, index_col=0)
    except (OSError, ValueError):
        return None
    numeric = by == "year" and pd.api.types.is_numeric_dtype(shares.index)
    x = [int(v) if numeric else str(v) for v in shares.index]
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "stackgroup": "one",
            "name": labels.get(str(column), str(column)),
            "x": x,
            "y": [round(float(v), 4) for v in shares[column]],
            "line": {"width": 0.5, "color": PALETTE[i % len(PALETTE)]},
            "hovertemplate": "%{fullData.name}<br>%{x}: %{y:.1%}<extra></extra>",
        }
        for i, column in enumerate(shares.columns)
    ]
    xaxis: dict[str, Any] = {"title": {"text": by}}
    if numeric:
        xaxis.update({"tickformat": "d", "rangeslider": {"visible": True}})
    layout = {
        "title": {"text": f"Topic prevalence by {by} (shares of each period)", "font": {"size": 15}},
        "xaxis": xaxis,
        "yaxis": {"title": {"text": "share"}, "tickformat": ".0%", "range": [0, 1]},
        "legend": {"title": {"text": "click to hide or show"}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "font": {"family": "system-ui, sans-serif"},
    }
    return {"data": traces, "layout": layout}
