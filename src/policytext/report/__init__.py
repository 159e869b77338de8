"""Writers for tables, charts and the interactive report.

- :mod:`~policytext.report.formats`: tables as CSV, Markdown, LaTeX or JSON with the
  run manifest (:func:`format_table`, :func:`write_table`); Markdown and LaTeX show a
  frequency table compactly (``rate [low, high]`` per frame) unless ``columns="all"``.
- :mod:`~policytext.report.manifest`: how an output was made (:func:`run_manifest`).
- :mod:`~policytext.report.charts`: static matplotlib charts (PNG and SVG) for papers.
- :mod:`~policytext.report.html`: :func:`write_report`, one folder with ``index.html``
  that opens offline, where every count opens the sentences behind it
  (:mod:`~policytext.report.interactive` holds its data and Plotly charts,
  :mod:`~policytext.report.topics_section` its topics section).

Example::

    >>> from policytext.store.corpus import Corpus
    >>> from policytext.report import write_report
    >>> write_report(Corpus.open("corpus/policytext.db"), "corpus/report")  # doctest: +SKIP
    PosixPath('corpus/report/index.html')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from policytext.report.charts import (
    PALETTE,
    plot_frame_heatmap,
    plot_government_shares,
    plot_rates_over_time,
)
from policytext.report.formats import (
    TABLE_FORMATS,
    compact_view,
    corpus_summary,
    format_summary,
    format_table,
    latex_escape,
    write_table,
)
from policytext.report.manifest import RATE_NOTE, RunManifest, run_manifest, validation_scores
from policytext.tables import corpus_hash

if TYPE_CHECKING:
    from policytext.report.html import write_report
    from policytext.report.topics_section import TopicsSection, topics_section

#: Loaded on first use: the report page needs the topic stage (scikit-learn), the table
#: writers that every command uses do not.
_LAZY = {
    "write_report": "policytext.report.html",
    "TopicsSection": "policytext.report.topics_section",
    "topics_section": "policytext.report.topics_section",
}

__all__ = [
    "PALETTE",
    "RATE_NOTE",
    "TABLE_FORMATS",
    "RunManifest",
    "TopicsSection",
    "compact_view",
    "corpus_hash",
    "corpus_summary",
    "format_summary",
    "format_table",
    "latex_escape",
    "plot_frame_heatmap",
    "plot_government_shares",
    "plot_rates_over_time",
    "run_manifest",
    "topics_section",
    "validation_scores",
    "write_report",
    "write_table",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
