"""The report: one folder with ``index.html`` and its assets, opened from ``file://`` offline.

The page starts with a one-screen summary (corpus, codebook with its validation
scores, the headline chart); its tables are sortable and collapsible and every count
and rate, in a table or a chart, opens the sentences behind it (searchable, filterable
by speaker, each with speaker, date, title and a link to the source). Charts are
Plotly figures drawn by the plotly.js copied from the ``plotly`` wheel. Beside the page:
``tables/*.csv`` (every column, with the manifest), ``charts/*.png|svg`` (static charts
for papers), ``topics/`` and ``manifest.json``. All HTML comes from the Jinja2
templates in ``policytext/data/templates``.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> write_report(Corpus.open("corpus/policytext.db"), "corpus/report")  # doctest: +SKIP
    PosixPath('corpus/report/index.html')
"""

from __future__ import annotations

import json
import logging
import shutil
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import jinja2
import pandas as pd

import policytext.report.interactive as ia
from policytext.errors import InputError, PolicytextError
from policytext.report.charts import plot_frame_heatmap, plot_government_shares, plot_rates_over_time
from policytext.report.formats import corpus_summary, format_number, write_atomic, write_table
from policytext.report.manifest import RATE_NOTE, RunManifest, heldout_line, run_manifest
from policytext.report.topics_section import topics_section
from policytext.store.filters import DocumentFilter, FilterOptions, resolve_filter
from policytext.tables import current_tagging, frequency_table
from policytext.validation import NOT_VALIDATED, estimate_interval, estimate_source

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus
    from policytext.tables import Tagging

__all__ = ["write_report"]

logger = logging.getLogger(__name__)

#: Static assets copied from ``policytext/data/assets`` into ``<report>/assets``.
ASSETS = ("report.js", "report.css")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policytext", "data/templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = lambda value, decimals=1: format_number(value, decimals=decimals)
    return env


def _frequency(
    corpus: Corpus, by: list[str], documents: DocumentFilter, tagging: Tagging, options: dict[str, Any]
) -> pd.DataFrame:
    """The one call of the tables stage, on the report's tagging (codebook)."""
    return frequency_table(
        corpus,
        by=by,
        bootstrap=options["bootstrap"],
        random_state=options["random_state"],
        codebook=tagging.codebook_hash,
        documents=documents,
    )


def _codebook_rows(tagging: Tagging) -> list[dict[str, Any]]:
    """Frame, label, definition and pattern count of the stored codebook (frames only when unreadable)."""
    try:
        codebook = tagging.codebook
    except PolicytextError as exc:
        logger.info(
            "report: stored codebook %s not readable as a codebook (%s)", tagging.codebook_hash[:12], exc
        )
        return [{"frame": f, "label": "", "definition": "", "patterns": None} for f in tagging.frames]
    known = {f.id: f for f in codebook.frame_defs}
    rows = []
    for frame in tagging.frames:
        entry = known.get(frame)
        rows.append(
            {
                "frame": frame,
                "label": entry.label if entry else "",
                "definition": entry.definition if entry else "",
                "patterns": sum(1 for p in codebook.patterns if p.frame == frame),
            }
        )
    return rows


def _validation_rows(manifest: RunManifest) -> list[dict[str, str]]:
    validation = manifest.validation
    if not validation or not isinstance(validation.get("frames"), dict):
        return []
    entries = [(f, s) for f, s in validation["frames"].items() if isinstance(s, dict)]
    entries += [(avg, validation.get(avg) or {}) for avg in ("micro", "macro")]
    rows = []
    for name, scores in entries:
        support = scores.get("support")
        rows.append(
            {
                "frame": str(name),
                **{k: format_number(scores.get(k), decimals=3) for k in ("precision", "recall", "f1")},
                "support": format_number(int(support)) if isinstance(support, (int, float)) else "",
            }
        )
    return rows


def _estimate_rows(manifest: RunManifest) -> list[dict[str, str]]:
    """Corpus-level estimates per frame of the codebook (empty: not validated on this corpus)."""
    estimates = manifest.corpus_estimates or {}
    if not estimates:
        return []
    frames = [*manifest.frames, *sorted(f for f in estimates if f not in manifest.frames)]
    rows = []
    for frame in frames:
        estimate = estimates.get(frame)
        rows.append(
            {
                "frame": frame,
                "precision": estimate_interval(estimate.get("precision")) if estimate else "",
                "recall": estimate_interval(estimate.get("recall")) if estimate else "",
                "source": estimate_source(estimate) if estimate else "not validated on this corpus",
                "sheet": str(estimate.get("sheet") or "") if estimate else "",
            }
        )
    return rows


def _frame_outputs(
    corpus: Corpus,
    out: Path,
    tagging: Tagging,
    manifest: RunManifest,
    documents: DocumentFilter,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Tables (CSV beside the page, models for the template), interactive and static charts."""
    frames = list(tagging.frames)
    static_charts = options["static"]
    tables, figures = [], {}
    by_one: dict[str, pd.DataFrame] = {}
    for by in ia.REPORT_GROUPS:
        table = _frequency(corpus, [by], documents, tagging, options)
        by_one[by] = table
        name = f"tables/by_{by}.csv"
        write_table(table, out / name, fmt="csv", manifest=manifest, caption=f"Frame frequencies by {by}")
        tables.append(
            {"id": f"by-{by}", "title": f"By {by}", "file": name, **ia.table_model(table, [by], frames)}
        )
    figures["headline"] = ia.lines_over_time_figure(by_one["year"], frames, title="Frame rates by year")
    figures["party"] = ia.bar_figure(by_one["party"], "party", frames, title="Frame rates by party")
    figures["government"] = ia.bar_figure(
        by_one["government"], "government", frames, title="Frame rates by government"
    )
    figures["speaker"] = ia.heatmap_figure(
        by_one["speaker"], "speaker", frames, title="Frame rates by speaker"
    )
    party_year = _frequency(corpus, ["party", "year"], documents, tagging, options)
    if not party_year.empty and party_year["year"].notna().any():
        figures["party_year"] = ia.lines_over_time_figure(
            party_year, frames, group="party", title="Frame rates over time by party (pick the frame)"
        )
    static = _static_charts(out, frames, by_one, party_year) if static_charts else []
    return {"tables": tables, "figures": figures, "static_charts": static}


def _static_charts(
    out: Path, frames: list[str], by_one: dict[str, pd.DataFrame], party_year: pd.DataFrame
) -> list[dict[str, str]]:
    """The matplotlib PNG and SVG charts for papers (the slowest part of the report)."""
    static = []
    if not party_year.empty and party_year["year"].notna().any():
        plot_rates_over_time(party_year, out / "charts" / "rates_party_year", group="party", frames=frames)
        static.append({"title": "Frame rates over time by party", "base": "charts/rates_party_year"})
    plot_frame_heatmap(by_one["speaker"], out / "charts" / "heatmap_speaker", frames=frames)
    static.append({"title": "Frame x speaker heatmap", "base": "charts/heatmap_speaker"})
    government = by_one["government"]
    plot_government_shares(
        government,
        out / "charts" / "shares_government",
        frames=frames,
        order=list(government["government"].dropna()),
    )
    static.append({"title": "Frame shares by government", "base": "charts/shares_government"})
    return static


def _summary(corpus: Corpus) -> dict[str, Any]:
    """The corpus tables (by source, speaker, year) and the date range for the summary."""
    frames = corpus_summary(corpus)
    years = frames["year"]["year"].dropna()
    tables = []
    for by, frame in frames.items():
        rows = [
            {"label": "(none)" if pd.isna(value) else str(value), "documents": int(n), "tokens": int(tokens)}
            for value, n, tokens in zip(frame[by], frame["documents"], frame["tokens"], strict=True)
        ]
        tables.append({"id": f"corpus-{by}", "by": by, "rows": rows})
    return {
        "tables": tables,
        "first_year": int(years.min()) if len(years) else None,
        "last_year": int(years.max()) if len(years) else None,
        "sources": len(frames["source"]),
        "speakers": len(frames["speaker"]),
    }


def _prepare_folder(out_dir: str | Path) -> Path:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file; the report needs a folder")
    (out / "assets").mkdir(parents=True, exist_ok=True)
    assets = resources.files("policytext").joinpath("data", "assets")
    for name in ASSETS:
        with resources.as_file(assets.joinpath(name)) as path:
            shutil.copyfile(path, out / "assets" / name)
    ia.copy_plotly_js(out / "assets" / "plotly.min.js")
    return out


def write_report(
    corpus: Corpus,
    out_dir: str | Path,
    *,
    command: str = "policytext report",
    bootstrap: int = 1000,
    random_state: int = 0,
    topics: bool = True,
    static_charts: bool = True,
    codebook: str | Path | None = None,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> Path:
    """Write the interactive report folder (``index.html``, ``assets/``, ``tables/``, ``charts/``).

    Parameters
    ----------
    corpus:
        An open store.
    out_dir:
        The report folder (created).
    command:
        Recorded in the manifest.
    bootstrap, random_state:
        Resamples and seed of the rate intervals.
    static_charts:
        Also write the matplotlib PNG and SVG charts for papers into ``charts/`` (the
        interactive charts are always there; these take most of the report's time).
    topics:
        Include the topics section (reusing the outputs of ``policytext run`` when their
        fingerprint matches; fitting the default model otherwise). When no model can be
        fitted the section says why; the report is written in any case.
    documents, **filters:
        Which documents to report on (:class:`~policytext.store.filters.DocumentFilter`).

    Returns
    -------
    Path
        The ``index.html`` written. Without tagged documents the page holds the corpus
        summary and says how to tag.
    """
    flt = resolve_filter(documents, filters)
    out = _prepare_folder(out_dir)
    tagging = current_tagging(corpus, codebook)
    parameters = {"bootstrap": bootstrap, "random_state": random_state}
    manifest = run_manifest(corpus, command=command, tagging=tagging, parameters=parameters, documents=flt)
    context: dict[str, Any] = {
        "manifest": manifest,
        "manifest_json": manifest.to_json(),
        "summary": _summary(corpus),
        "tagging": tagging,
        "tables": [],
        "figures": {},
        "static_charts": [],
        "codebook": [],
        "validation": _validation_rows(manifest),
        "estimates": _estimate_rows(manifest),
        "not_validated": NOT_VALIDATED,
        "heldout": heldout_line(manifest.heldout) if manifest.heldout else "",
        "rate_note": RATE_NOTE,
        "bootstrap": bootstrap,
    }
    evidence: dict[str, Any] = {
        "frames": [],
        "doc_fields": list(ia.DOC_FIELDS),
        "docs": [],
        "sentences": [],
        "mentions": [],
    }
    if tagging is not None:
        options = {"bootstrap": bootstrap, "random_state": random_state, "static": static_charts}
        context.update(_frame_outputs(corpus, out, tagging, manifest, flt, options))
        context["codebook"] = _codebook_rows(tagging)
        evidence = ia.evidence_payload(corpus, tagging.codebook_hash, list(tagging.frames), documents=flt)
    section = topics_section(corpus, out / "topics", documents=flt) if topics else None
    context["topics"] = section
    if section is not None and section.figure is not None:
        context["figures"]["topics"] = section.figure
    payload = {"evidence": evidence, "figures": context["figures"]}
    # A script file, not JSON fetched at run time: browsers refuse fetch() from file://.
    data_js = "window.POLICYTEXT = " + json.dumps(payload, ensure_ascii=True, separators=(",", ":")) + ";\n"
    write_atomic(out / "assets" / "data.js", data_js)
    html = _environment().get_template("report.html.j2").render(**context)
    write_atomic(out / "manifest.json", manifest.to_json())
    index = out / "index.html"
    write_atomic(index, html)
    return index
