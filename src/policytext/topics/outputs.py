"""Topic outputs: tables as text, the files of a topic run, and the report's topic section data."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext.errors import ModelError
from policytext.store.filters import DocumentFilter
from policytext.topics.analysis import TopicAnalysis, analyse_topics, default_topics_dir, topics_fingerprint
from policytext.topics.dynamic import DynamicTopicModel
from policytext.topics.effects import TopicEffects

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

logger = logging.getLogger(__name__)


def topics_table(analysis: TopicAnalysis, *, n: int | None = None) -> pd.DataFrame:
    """One row per topic: id, coherence, seeded (no, or yes with seed retention), terms (best first).

    Example::

        topics_table(analyse_topics(corpus, k=8)).to_csv("topics.csv", index=False)
    """
    rows = []
    for topic in analysis.topics:
        terms = topic.terms[:n] if n else topic.terms
        rows.append(
            {
                "id": topic.id,
                "coherence": None if topic.coherence is None else round(topic.coherence, 3),
                "seeded": f"yes, {topic.seed_retention or 0:.0%} of seeds in top terms"
                if topic.seeded
                else "no",
                "terms": ", ".join(t for t, _ in terms),
            }
        )
    return pd.DataFrame(rows, columns=["id", "coherence", "seeded", "terms"])


def _cell(value: Any, column: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "(none)" if column in _LABEL_COLUMNS else ""
    if column in _LABEL_COLUMNS and isinstance(value, (int, float, np.number)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.3f}"
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|")


#: Columns that hold labels or periods: printed as they are ("1997", never "1,997.000").
_LABEL_COLUMNS = frozenset({"year", "decade", "from", "to", "window", "id", "topic", "term", "level"})


def markdown_table(frame: pd.DataFrame) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table (numbers right-aligned, 3 decimals).

    Example::

        >>> print(markdown_table(pd.DataFrame({"id": ["a"], "share": [0.5]})), end="")
        | id | share |
        |---|---:|
        | a | 0.500 |
    """
    columns = [str(c) for c in frame.columns]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and c not in _LABEL_COLUMNS for c in frame.columns]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v, c) for v, c in zip(row, columns, strict=True)) + " |")
    return "\n".join(lines) + "\n"


def format_topics(analysis: TopicAnalysis, *, fmt: str) -> str:
    """The topics as text: ``json`` (the topics.json list), ``csv`` or ``md``.

    Markdown adds the settings line, the prevalence table, the effects table (with
    ``effects``) and, with dynamic topics, each dynamic topic's terms per window.

    Example::

        print(format_topics(analyse_topics(corpus, k=8), fmt="md"))
    """
    if fmt == "json":
        unit = analysis.prepared.describe_unit()
        records = [{**t.to_record(), "unit": unit} for t in analysis.topics]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    table = topics_table(analysis)
    if fmt == "csv":
        table.insert(len(table.columns), "unit", analysis.prepared.describe_unit())
        return str(table.to_csv(index=False))
    if fmt != "md":
        raise ModelError(f"topics: format {fmt!r} is not one of json, md, csv")
    s = analysis.settings
    parts = [
        f"# Topics: {s['method'].upper()}, k={s['k']}, {s['documents']} documents, {s['units']} units",
        "",
        f"{analysis.prepared.describe_unit()}; coherence: {s['coherence']}.",
        *[f"Note: {note}." for note in analysis.notes[1:]],
        "",
        markdown_table(table),
        f"## Prevalence by {s['by']} (shares; {s['prevalence']}; smoothing: {s['smoothing']})",
        "",
        markdown_table(analysis.prevalence.shares.round(3).reset_index()),
    ]
    if not analysis.drift.empty:
        parts += ["## Drift (Jensen-Shannon divergence between consecutive periods)", ""]
        parts.append(markdown_table(analysis.drift.round(4)))
    if analysis.effects is not None:
        parts += [f"## Effects on topic prevalence ({analysis.effects.describe()})", ""]
        parts.append(markdown_table(analysis.effects.table.round(4)))
    if analysis.dynamic is not None:
        terms = analysis.dynamic.window_terms(6)
        parts += ["## Dynamic topics (terms of each window's own model)", ""]
        rows = [
            {"dynamic_topic": dyn, "window": window, "terms": ", ".join(group["term"])}
            for (dyn, window), group in terms.groupby(["dynamic_topic", "window"], sort=False)
        ]
        parts.append(markdown_table(pd.DataFrame(rows, columns=["dynamic_topic", "window", "terms"])))
    return "\n".join(parts)


def effects_texts(effects: TopicEffects) -> dict[str, str]:
    """The effects table in every table format: ``effects.csv``, ``.json``, ``.md`` and ``.tex``.

    Columns: topic, covariate, level, estimate, low, high, documents (one row per topic and
    covariate level, plus the difference rows of the contrast).
    """
    table = effects.table
    caption = effects.describe()
    records = json.loads(table.to_json(orient="records", double_precision=6))
    return {
        "effects.csv": table.to_csv(index=False, float_format="%.6f"),
        "effects.json": json.dumps({"model": caption, "rows": records}, indent=2) + "\n",
        "effects.md": f"{caption}\n\n" + markdown_table(table),
        "effects.tex": f"% {caption}\n" + table.to_latex(index=False, float_format="%.4f", na_rep=""),
    }


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_topic_outputs(analysis: TopicAnalysis, out_dir: str | Path, *, charts: bool = True) -> list[Path]:
    """Write topic tables, prevalence tables and charts into ``out_dir``; return the paths.

    Files: ``topics.json`` (list of topics: id, terms as [term, weight] pairs
    best first, coherence), ``prevalence.csv`` (one row per group, one column
    per topic, rows sum to 1), ``prevalence_intervals.csv``, ``drift.csv``,
    ``settings.json`` (the unit, weighting and every setting), charts
    ``prevalence_heatmap`` and ``prevalence_area`` (.png and .svg); with
    dynamic topics also ``dynamic_topics.json``, ``dynamic_terms.csv``,
    ``dynamic_changes.csv``, ``dynamic_events.csv`` and ``dynamic_bump_<id>``
    charts. ``charts=False`` skips the figures.

    Example::

        write_topic_outputs(analyse_topics(corpus, k=8, dynamic=True), "results/topics")
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # settings.json is written last: while it is missing the folder is incomplete,
    # and the report will not reuse it.
    (out / "settings.json").unlink(missing_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        _write_text(out / name, text)
        written.append(out / name)

    unit = analysis.prepared.describe_unit()
    records = [{**t.to_record(), "unit": unit} for t in analysis.topics]
    put("topics.json", json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    # prevalence.csv keeps the contract (group column + one column per topic);
    # the unit is said in every other file.
    put("prevalence.csv", analysis.prevalence.shares.to_csv(float_format="%.6f"))
    intervals = analysis.prevalence.long()
    intervals["unit"] = unit
    put("prevalence_intervals.csv", intervals.to_csv(index=False, float_format="%.6f"))
    put("drift.csv", analysis.drift.to_csv(index=False, float_format="%.6f"))
    if analysis.dynamic is not None:
        for name, text in _dynamic_texts(analysis.dynamic).items():
            put(name, text)
    if analysis.effects is not None:
        for name, text in effects_texts(analysis.effects).items():
            put(name, text)
    if charts:
        written += _write_charts(analysis, out)
    settings = {
        **analysis.settings,
        "unit_description": unit,
        "notes": list(analysis.notes),
        "files": sorted(p.name for p in written),
    }
    put("settings.json", json.dumps(settings, indent=2) + "\n")
    return written


def _dynamic_texts(dyn: DynamicTopicModel) -> dict[str, str]:
    """The dynamic-topic files: topics with their terms per window, terms, changes, events."""
    records = []
    terms = dyn.window_terms(10)
    for topic in dyn.topics(10):
        mine = terms[terms["dynamic_topic"] == topic.id]
        records.append(
            {
                **topic.to_record(),
                "windows": {
                    str(w): [[t, round(float(x), 6)] for t, x in zip(g["term"], g["weight"], strict=True)]
                    for w, g in mine.groupby("window", sort=False)
                },
            }
        )
    return {
        "dynamic_topics.json": json.dumps(records, indent=2, ensure_ascii=False) + "\n",
        "dynamic_terms.csv": terms.to_csv(index=False, float_format="%.6f"),
        "dynamic_changes.csv": dyn.term_changes(10).to_csv(index=False),
        "dynamic_events.csv": dyn.events().to_csv(index=False),
    }


def _write_charts(analysis: TopicAnalysis, out: Path) -> list[Path]:
    """Prevalence heatmap and area, bump charts per dynamic topic, effects charts."""
    from policytext.topics.charts import (
        bump_chart,
        effects_by_year,
        effects_difference,
        prevalence_area,
        prevalence_heatmap,
    )

    settings = analysis.settings
    label = f"{settings['method'].upper()}, k={settings['k']}; {analysis.prepared.describe_unit()}"
    if settings["smoothing"] != "none":
        label += f"; smoothed: {settings['smoothing']}"
    # A seeded topic that kept none of its seed terms still carries the
    # frame id; the charts flag it so the label is not read at face value.
    # Each topic is named with its three top terms, so a chart reads on its own.
    flagged = {t.id for t in analysis.topics if t.seeded and not t.seed_retention}
    labels = {
        t.id: f"{t.id}{' (!)' if t.id in flagged else ''}: " + ", ".join(term for term, _ in t.terms[:3])
        for t in analysis.topics
    }
    if flagged:
        label += "\n(!) seeded topic that kept none of its seed terms among its top terms"
    written = prevalence_heatmap(
        analysis.prevalence, out / "prevalence_heatmap", subtitle=label, labels=labels
    )
    written += prevalence_area(analysis.prevalence, out / "prevalence_area", subtitle=label, labels=labels)
    dyn = analysis.dynamic
    if dyn is not None:
        terms = dyn.window_terms(10)
        for topic_id in dyn.dynamic_ids_:
            mine = terms[terms["dynamic_topic"] == topic_id]
            if mine["window"].nunique() >= 2:
                written += bump_chart(mine, dyn.windows_, out / f"dynamic_bump_{topic_id}", title=topic_id)
    if analysis.effects is not None:
        written += effects_by_year(analysis.effects, out / "effects_by_year", labels=labels)
        written += effects_difference(analysis.effects, out / "effects_difference", labels=labels)
    return written


@dataclass(frozen=True)
class TopicsSection:
    """What a report shows of the topics: read from a topic run's outputs, never re-rendered here.

    ``reason`` is None when the section is there; otherwise it says in one line why the
    topics could not be fitted (too little text, k larger than the data), and the other
    fields are empty. ``folder`` holds the outputs; ``charts`` are (file name, caption)
    pairs of SVG charts in it; ``topics`` the records of ``topics.json``; ``settings``
    those of ``settings.json`` (method, k, documents, unit_description, coherence, ...);
    ``reused`` is True when the outputs of the topic stage were copied, not refitted.
    """

    folder: Path
    reason: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    topics: tuple[Mapping[str, Any], ...] = ()
    charts: tuple[tuple[str, str], ...] = ()
    effects: pd.DataFrame | None = None
    reused: bool = False

    @property
    def available(self) -> bool:
        """True when the topics were fitted and the outputs are in ``folder``."""
        return self.reason is None


def topics_section(
    corpus: Corpus,
    out_dir: str | Path,
    *,
    source_dir: str | Path | None = None,
    documents: DocumentFilter | None = None,
    **options: Any,
) -> TopicsSection:
    """The topic outputs a report shows, fitted once per corpus and settings.

    When ``source_dir`` (default :func:`default_topics_dir`, where ``policytext run``'s
    topics stage writes) holds outputs whose ``settings.json`` fingerprint
    (:func:`topics_fingerprint`) matches this corpus and ``options``, they are copied into
    ``out_dir``; otherwise the model is fitted and written there. When the corpus cannot be
    modelled the section carries the one-line ``reason`` instead (never an exception).
    ``options`` go to :func:`analyse_topics` (its defaults: k=10, NMF, by year).

    Example::

        section = topics_section(corpus, "report/topics")
        print(section.reason or [t["id"] for t in section.topics])
    """
    out = Path(out_dir)
    source = Path(source_dir) if source_dir is not None else default_topics_dir(corpus)
    stored = _stored_outputs(
        source, topics_fingerprint(corpus, documents=documents, **options)["fingerprint"]
    )
    if stored is not None:
        logger.info("report: topics section from %s (same corpus and settings)", source)
        out.mkdir(parents=True, exist_ok=True)
        if source.resolve() != out.resolve():
            for name in [*stored["files"], "settings.json"]:
                shutil.copyfile(source / name, out / name)
    else:
        try:
            analysis = analyse_topics(corpus, documents=documents, **options)
        except ModelError as exc:
            logger.info("report: no topics section: %s", exc)
            return TopicsSection(folder=out, reason=str(exc))
        write_topic_outputs(analysis, out)
    settings = json.loads((out / "settings.json").read_text(encoding="utf-8"))
    records = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    by = settings["by"]
    charts = [
        ("prevalence_heatmap.svg", f"Topic prevalence by {by} (heatmap)"),
        ("prevalence_area.svg", f"Topic prevalence by {by} (stacked shares)"),
    ]
    charts += [(name, caption) for name, caption in _EFFECT_CHARTS if name in settings["files"]]
    effects = pd.read_csv(out / "effects.csv") if "effects.csv" in settings["files"] else None
    return TopicsSection(
        folder=out,
        settings=settings,
        topics=tuple(records),
        charts=tuple(charts),
        effects=effects,
        reused=stored is not None,
    )


_EFFECT_CHARTS = (
    ("effects_by_year.svg", "Topic prevalence against year, by party (95% bands)"),
    ("effects_difference.svg", "Difference in topic prevalence between two parties (95% intervals)"),
)


def _stored_outputs(folder: Path, fingerprint: str) -> dict[str, Any] | None:
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
    # The section shows these; outputs written with charts=False cannot be reused.
    if not set(files) >= _SECTION_FILES:
        return None
    return settings


_SECTION_FILES = frozenset({"topics.json", "prevalence_heatmap.svg", "prevalence_area.svg"})


def run_topics_stage(corpus: Corpus, out_dir: str | Path | None = None, **options: Any) -> str:
    """The topics stage of ``policytext run``: default model, outputs in ``out_dir``; a one-line message.

    ``out_dir`` defaults to :func:`default_topics_dir`. Its ``settings.json``
    carries the fingerprint that lets the report reuse the fit. Too little
    text is not an error here: the stage says it was skipped and why.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> run_topics_stage(Corpus.open(":memory:"), "unused")
        'topics: skipped (topics: the corpus has no documents with text to model; import documents first)'
    """
    try:
        analysis = analyse_topics(corpus, **options)
    except ModelError as exc:
        return f"topics: skipped ({exc})"
    if out_dir is None:
        out_dir = default_topics_dir(corpus)
    written = write_topic_outputs(analysis, out_dir)
    s = analysis.settings
    return (
        f"topics: {s['method'].upper()} k={s['k']} on {s['units']} {s['unit']}s "
        f"of {s['documents']} documents; "
        f"{len(written)} files in {out_dir}"
    )
