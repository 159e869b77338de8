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

import json
import logging
import shutil
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


def _stored_settings(folder: Path, fingerprint: str) -> dict[str, Any] | None:
    """The settings of complete topic outputs in ``folder`` made with ``fingerprint``, or None."""
    try:
        settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(settings, dict) or settings.get("fingerprint") != fingerprint:
        return None
    files = settings.get("files")
    if not isinstance(files, list) or not all(
        isinstance(name, str) and "/" not in name and (folder / name).is_file() for name in files
    ):
        return None
    if not set(SECTION_FILES) <= set(files):
        return None
    return settings


def _fit_or_reuse(corpus: Corpus, out: Path, options: dict[str, Any]) -> bool:
    """Fill ``out`` with topic outputs; True when those of the topic stage were reused."""
    source = topics.default_topics_dir(corpus)
    fingerprint = topics.topics_fingerprint(corpus, **options)["fingerprint"]
    stored = _stored_settings(source, fingerprint)
    out.mkdir(parents=True, exist_ok=True)
    if stored is not None:
        logger.info("report: topics section from %s (same corpus and settings)", source)
        if source.resolve() != out.resolve():
            for name in [*stored["files"], "settings.json"]:
                shutil.copyfile(source / name, out / name)
        return True
    analysis = topics.analyse_topics(corpus, **options)
    topics.write_topic_outputs(analysis, out)
    return False


def topics_section(corpus: Corpus, out: Path, *, documents: DocumentFilter | None = None) -> TopicsSection:
    """The topics section for the report written beside ``out`` (``report/topics``).

    Never raises for a corpus the model cannot fit: the section then carries the reason.
    """
    options = documents.as_kwargs() if documents is not None else {}
    try:
        reused = _fit_or_reuse(corpus, out, options)
    except (PolicytextError, ValueError) as exc:
        # ModelError for too little text or k larger than the data (a ValueError too).
        reason = " ".join(str(exc).split()) or type(exc).__name__
        logger.warning("report: no topics section: %s", reason)
        return TopicsSection(available=False, reason=reason, folder=out.name)
    settings = json.loads((out / "settings.json").read_text(encoding="utf-8"))
    records = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    rows = [
        {
            "id": str(t["id"]),
            "coherence": ""
            if t.get("coherence") is None
            else format_number(float(t["coherence"]), decimals=3),
            "terms": ", ".join(str(term) for term, _ in t["terms"]),
        }
        for t in records
    ]
    by = str(settings.get("by", "year"))
    charts = [
        {"file": f"{out.name}/prevalence_heatmap.svg", "title": f"Topic prevalence by {by} (heatmap)"},
        {"file": f"{out.name}/prevalence_area.svg", "title": f"Topic prevalence by {by} (stacked shares)"},
    ]
    labels = {t["id"]: f"{t['id']}: " + ", ".join(str(term) for term, _ in t["terms"][:3]) for t in records}
    figure = _prevalence_figure(out / "prevalence.csv", by, labels)
    return TopicsSection(
        available=True,
        folder=out.name,
        settings=settings,
        topics=rows,
        charts=charts,
        figure=figure,
        reused=reused,
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
