"""Writers for tables, charts and the HTML report.

Tables are written as CSV, Markdown, LaTeX (booktabs) or JSON, each with the run
manifest that says how it was made (corpus content hash, codebook version and
hash, policytext and spaCy versions, the command, and the validation scores of
the codebook when known): a ``#`` comment header in CSV, an HTML comment in
Markdown, ``%`` comments in LaTeX, and a sidecar ``<file>.manifest.json`` beside
every file written (the JSON table itself stays a plain list of rows).

Charts are matplotlib figures saved as PNG and SVG with the Okabe-Ito
colour-blind-safe palette; :func:`write_report` puts tables, charts, the
codebook summary and validation scores in one static HTML page.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> from policytext.report import write_report
    >>> write_report(Corpus.open("corpus/policytext.db"), "corpus/report")  # doctest: +SKIP
    PosixPath('corpus/report/index.html')
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext.errors import InputError
from policytext.tables import P_FLOOR, corpus_hash

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from policytext.store.corpus import Corpus
    from policytext.tables import Tagging

__all__ = [
    "PALETTE",
    "RATE_NOTE",
    "ReportSection",
    "RunManifest",
    "corpus_hash",
    "corpus_summary",
    "format_summary",
    "format_table",
    "latex_escape",
    "plot_frame_heatmap",
    "plot_government_shares",
    "plot_rates_over_time",
    "run_manifest",
    "validation_scores",
    "write_report",
    "write_table",
]

logger = logging.getLogger(__name__)

#: Okabe & Ito (2008) colours, distinguishable with the common colour-vision deficiencies.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")

#: What every rate in a table is a rate of.
RATE_NOTE = (
    "F_per_10k = 10,000 x F_count / tokens; tokens = sum of documents.tokens "
    "(spaCy English tokens that are not punctuation or space) of the row's documents"
)

TABLE_FORMATS = ("csv", "md", "latex", "json")


# -- the run manifest ----------------------------------------------------------------


@dataclass(frozen=True)
class RunManifest:
    """How an output was made, so a number in a paper can be traced and reproduced.

    Attributes
    ----------
    command:
        The command line (or library call) that made the output.
    created_at:
        UTC time, ISO 8601.
    policytext_version, spacy_version:
        Installed versions.
    corpus_hash:
        SHA-256 over the ids, versions and text hashes of the current documents.
    documents, tokens:
        Current documents in the store and their tokens.
    codebook_name, codebook_version, codebook_hash:
        The codebook of the latest tagging run (``None`` when nothing is tagged).
    validation:
        The latest evaluation scores stored for that codebook
        (``{"gold", "created_at", "frames", "micro", "macro"}``), or ``None``.
    rate:
        What the rates are per (:data:`RATE_NOTE`).
    parameters:
        Options of the output (bootstrap resamples, seed, filters...).
    """

    command: str
    created_at: str
    policytext_version: str
    spacy_version: str | None
    corpus_hash: str
    documents: int
    tokens: int
    codebook_name: str | None = None
    codebook_version: str | None = None
    codebook_hash: str | None = None
    validation: dict[str, Any] | None = None
    rate: str = RATE_NOTE
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as a JSON-ready dict."""
        return asdict(self)

    def to_json(self) -> str:
        """The manifest as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"

    def comment_lines(self) -> list[str]:
        """The manifest as short ``key: value`` lines for a comment header."""
        codebook = (
            f"{self.codebook_name or '(unnamed)'} version {self.codebook_version or '?'} "
            f"hash {self.codebook_hash}"
            if self.codebook_hash
            else "(none: corpus not tagged)"
        )
        lines = [
            "policytext run manifest",
            f"command: {self.command}",
            f"created_at: {self.created_at}",
            f"policytext: {self.policytext_version}; spacy: {self.spacy_version or '(not installed)'}",
            f"corpus: {self.documents} documents, {self.tokens} tokens, hash {self.corpus_hash}",
            f"codebook: {codebook}",
            f"validated_with: {_validation_line(self.validation)}",
            f"rates: {self.rate}",
        ]
        if self.parameters:
            lines.append(
                "parameters: " + json.dumps(self.parameters, ensure_ascii=False, default=str, sort_keys=True)
            )
        return lines


def _validation_line(validation: dict[str, Any] | None) -> str:
    if not validation:
        return "(no evaluation stored for this codebook)"
    parts = [f"gold {validation.get('gold')}"]
    for average in ("micro", "macro"):
        scores = validation.get(average) or {}
        if scores:
            parts.append(
                f"{average} P={_num(scores.get('precision'))} R={_num(scores.get('recall'))} "
                f"F1={_num(scores.get('f1'))}"
            )
    return "; ".join(parts)


def _num(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "?"


def _has_table(corpus: Corpus, name: str) -> bool:
    row = corpus.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def validation_scores(corpus: Corpus, codebook_hash: str | None) -> dict[str, Any] | None:
    """The latest stored evaluation of the codebook, or ``None``.

    Reads the ``evaluations`` table (written by ``policytext evaluate``) when it exists.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> validation_scores(Corpus.open(":memory:"), "abc") is None
        True
    """
    if codebook_hash is None or not _has_table(corpus, "evaluations"):
        return None
    row = corpus.conn.execute(
        "SELECT gold, scores, created_at FROM evaluations WHERE codebook_hash = ? "
        "ORDER BY created_at DESC, pk DESC LIMIT 1",
        (codebook_hash,),
    ).fetchone()
    if row is None:
        return None
    try:
        scores = json.loads(row["scores"])
    except (TypeError, ValueError):
        logger.warning("evaluation of codebook %s has unreadable scores; left out", codebook_hash[:12])
        return None
    if not isinstance(scores, dict):
        return None
    return {"gold": row["gold"], "created_at": row["created_at"], **scores}


def run_manifest(
    corpus: Corpus,
    *,
    command: str,
    tagging: Tagging | None = None,
    parameters: dict[str, Any] | None = None,
) -> RunManifest:
    """The manifest of an output made from ``corpus`` now.

    Parameters
    ----------
    corpus:
        The store the output was computed from.
    command:
        The command line or call that made it (``"policytext table --by year"``).
    tagging:
        The tagging run used (default: the latest, if any).
    parameters:
        Options worth recording (seed, resamples, filters).

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> run_manifest(Corpus.open(":memory:"), command="test").documents
        0
    """
    from policytext import __version__
    from policytext.tables import current_tagging

    if tagging is None:
        tagging = current_tagging(corpus)
    try:
        spacy_version: str | None = metadata.version("spacy")
    except metadata.PackageNotFoundError:
        spacy_version = None
    documents, tokens = corpus.conn.execute(
        "SELECT count(*), coalesce(sum(tokens), 0) FROM documents WHERE is_current = 1"
    ).fetchone()
    codebook_hash = tagging.codebook_hash if tagging else None
    return RunManifest(
        command=command,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        policytext_version=__version__,
        spacy_version=spacy_version,
        corpus_hash=corpus_hash(corpus),
        documents=int(documents),
        tokens=int(tokens),
        codebook_name=tagging.codebook_name if tagging else None,
        codebook_version=tagging.codebook_version if tagging else None,
        codebook_hash=codebook_hash,
        validation=validation_scores(corpus, codebook_hash),
        parameters=dict(parameters or {}),
    )


# -- table writers -----------------------------------------------------------------------


def format_table(
    frame: pd.DataFrame,
    *,
    fmt: str,
    manifest: RunManifest | None = None,
    caption: str | None = None,
) -> str:
    """A DataFrame as Markdown (``md``), CSV, LaTeX or JSON (a list of row objects).

    Parameters
    ----------
    frame:
        The table.
    fmt:
        ``md``, ``csv``, ``latex`` or ``json``.
    manifest:
        Written as a comment header in CSV (``#``), Markdown (``<!-- -->``) and
        LaTeX (``%``); JSON stays a bare list (use :func:`write_table` for its sidecar).
    caption:
        A line saying what the table shows (comment in CSV/LaTeX, text in Markdown).

    Example::

        >>> print(format_table(pd.DataFrame({"a": [1]}), fmt="csv"), end="")
        a
        1
    """
    lines = manifest.comment_lines() if manifest else []
    if caption:
        caption = _one_line(caption)
        lines = [*lines, caption] if fmt != "md" else lines
    # A line break in a comment (a command argument, a caption) would end the comment.
    lines = [_one_line(line) for line in lines]
    if fmt == "csv":
        header = "".join(f"# {line}\n" for line in lines)
        # The manifest is read past with pandas.read_csv(comment="#"), which cuts a line at
        # an unquoted "#" ("#bigsociety" in a kwic line): then quote every text field.
        has_hash = any(
            frame[c].map(lambda v: isinstance(v, str) and "#" in v).any()
            for c in frame.columns
            if not pd.api.types.is_numeric_dtype(frame[c])
        )
        if not has_hash:
            return header + frame.to_csv(index=False)
        names = frame.iloc[:0].to_csv(index=False)  # the column names as usual (unquoted)
        return header + names + frame.to_csv(index=False, header=False, quoting=csv.QUOTE_NONNUMERIC)
    if fmt == "json":
        records = [
            {str(k): _json_value(v) for k, v in record.items()} for record in frame.to_dict(orient="records")
        ]
        return json.dumps(records, indent=2, ensure_ascii=False, default=str) + "\n"
    if fmt == "md":
        header = ""
        if lines:
            header = "<!--\n" + "\n".join(line.replace("-->", "-- >") for line in lines) + "\n-->\n\n"
        if caption:
            header += caption + "\n\n"
        return header + _markdown(frame)
    if fmt == "latex":
        return "".join(f"% {line}\n" for line in lines) + _latex(frame)
    raise InputError(f"format: {fmt!r} is not one of {', '.join(TABLE_FORMATS)}")


def _json_value(value: Any) -> Any:
    """A cell as a JSON value at full precision (pandas' ``to_json`` keeps 10 decimals)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    return value


def _is_p_column(name: Any) -> bool:
    text = str(name)
    return text == "p" or text.startswith("p_") or text.endswith("_p")


def _number(value: float, *, column: Any, thousands: bool) -> str:
    """A float for a Markdown or LaTeX cell: never a non-zero value printed as 0.

    P-value columns (``p``, ``p_*``, ``*_p``) get three digits, scientific
    notation below 0.001 and ``<1e-300`` at the floor; other columns two
    decimals, scientific notation for non-zero values that would round to 0.
    """
    if _is_p_column(column):
        if value <= P_FLOOR:
            return "<1e-300"
        return f"{value:.2e}" if value < 0.001 else f"{value:.3f}"
    if value != 0 and abs(value) < 0.005:
        return f"{value:.2e}"
    return f"{value:,.2f}" if thousands else f"{value:.2f}"


def write_table(
    frame: pd.DataFrame,
    out: str | Path,
    *,
    fmt: str,
    manifest: RunManifest | None = None,
    caption: str | None = None,
) -> Path:
    """Write a table to ``out`` (atomically) and its manifest to ``<out>.manifest.json``.

    Example::

        >>> write_table(table, "tables/by_year.csv", fmt="csv", manifest=m)  # doctest: +SKIP
        PosixPath('tables/by_year.csv')
    """
    path = Path(out)
    text = format_table(frame, fmt=fmt, manifest=manifest, caption=caption)
    _write_atomic(path, text)
    if manifest is not None:
        _write_atomic(path.with_name(path.name + ".manifest.json"), manifest.to_json())
    return path


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Outside T1 font encoding these print as other glyphs (| as an em dash).
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def _one_line(text: str) -> str:
    """``text`` with every line break (and the blank space around it) turned into one space.

    A table cell must sit on one line: a newline ends a Markdown table row, and
    a blank line inside a LaTeX tabular is an error.
    """
    if not any(ch in text for ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        return text
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters in ``text`` and put it on one line.

    Example::

        >>> print(latex_escape("R&D: 5% of gdp_growth"))
        R\\&D: 5\\% of gdp\\_growth
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in _one_line(str(text)))


def _latex(frame: pd.DataFrame) -> str:
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    spec = "".join("r" if is_num else "l" for is_num in numeric)

    def cell(value: Any, column: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return "--"
        if isinstance(value, (float, np.floating)):
            return _number(float(value), column=column, thousands=False).replace("<", "$<$")
        return latex_escape(str(value))

    lines = [
        "% requires \\usepackage{booktabs}",
        f"\\begin{{tabular}}{{{spec}}}",
        "\\toprule",
        " & ".join(latex_escape(str(c)) for c in frame.columns) + r" \\",
        "\\midrule",
    ]
    for row in frame.itertuples(index=False):
        lines.append(" & ".join(cell(v, c) for v, c in zip(row, frame.columns, strict=True)) + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    return "\n".join(lines) + "\n"


def corpus_summary(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """Documents and tokens by source, speaker and year, as DataFrames.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> corpus_summary(Corpus.open(":memory:"))["source"].empty
        True
    """
    frames = {}
    for by in ("source", "speaker", "year"):
        rows = corpus.summary(by)
        frame = pd.DataFrame(rows, columns=["value", "documents", "tokens"]).rename(columns={"value": by})
        if by == "year":
            frame[by] = frame[by].astype("Int64")
        frames[by] = frame
    return frames


def _markdown_text(value: Any) -> str:
    """A text cell of a GFM table: on one line, backslashes and pipes escaped."""
    return _one_line(str(value)).replace("\\", "\\\\").replace("|", "\\|")


#: Columns that hold years (or periods named by a year): printed as ``1997``, never ``1,997``.
_YEAR_COLUMNS = frozenset({"year", "decade", "from", "to", "window"})


def _markdown(frame: pd.DataFrame) -> str:
    # A missing label (a group without a speaker, an undated year) reads "(none)"; a missing
    # number (no rate for a group without tokens, intervals skipped by --bootstrap 0) is empty.
    labels = {c for c in frame.columns if c in _YEAR_COLUMNS or not pd.api.types.is_numeric_dtype(frame[c])}

    def cell(value: Any, column: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            return "(none)" if column in labels else ""
        whole = isinstance(value, (int, float, np.number)) and float(value).is_integer()
        if column in _YEAR_COLUMNS and whole:
            return str(int(value))
        if isinstance(value, float):
            return _number(value, column=column, thousands=True)
        if isinstance(value, int):
            return f"{value:,}"
        return _markdown_text(value)

    header = "| " + " | ".join(_markdown_text(c) for c in frame.columns) + " |"
    rule = (
        "|"
        + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns)
        + "|"
    )
    lines = [header, rule]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v, c) for v, c in zip(row, frame.columns, strict=True)) + " |")
    return "\n".join(lines) + "\n"


def format_summary(corpus: Corpus, *, fmt: str = "md") -> str:
    """The corpus summary (documents and tokens by source, speaker, year) as text."""
    frames = corpus_summary(corpus)
    total_docs = corpus.count()
    total_tokens = int(frames["source"]["tokens"].sum()) if not frames["source"].empty else 0
    if fmt == "json":
        payload = {
            "documents": total_docs,
            "tokens": total_tokens,
            **{by: json.loads(frame.to_json(orient="records")) for by, frame in frames.items()},
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        for by, frame in frames.items():
            long = frame.rename(columns={by: "value"})
            long.insert(0, "by", by)
            out.write(long.to_csv(index=False, header=(by == "source")))
        return out.getvalue().rstrip("\n")
    parts = [f"# Corpus: {total_docs:,} documents, {total_tokens:,} tokens", ""]
    for by, frame in frames.items():
        parts += [f"## By {by}", "", format_table(frame, fmt="md")]
    return "\n".join(parts).rstrip("\n")


# -- charts ----------------------------------------------------------------------------------

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
        ax = axes[k // ncols][k % ncols]
        for i, name in enumerate(groups):
            rows = data[data[group] == name].set_index("year").sort_index()
            # Years without documents become gaps, not straight lines across them.
            span = range(int(rows.index.min()), int(rows.index.max()) + 1)
            rows = rows.reindex(pd.Index(span, dtype="Int64"))
            years = np.asarray(span)
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(
                years,
                rows[f"{frame}_per_10k"].astype(float),
                marker="o",
                ms=3,
                color=colour,
                label=str(name),
            )
            low, high = rows[f"{frame}_per_10k_low"], rows[f"{frame}_per_10k_high"]
            if low.notna().any():
                ax.fill_between(years, low.astype(float), high.astype(float), color=colour, alpha=0.18, lw=0)
        ax.set_title(frame.replace("_", " "))
        ax.set_ylabel(RATE_LABEL, fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
        if not has_rates:
            ax.set_ylim(0, 1)  # nothing to show: a plain 0-1 scale, not 0-0.05
    # The panels share one x axis. Half a year of margin each side: with a
    # single year matplotlib would span 1900-2100.
    axes[0][0].set_xlim(first_year - 0.5, last_year + 0.5)
    if last_year - first_year < 8:
        # The integer locator falls back to fractions when few years fit.
        axes[0][0].set_xticks(range(first_year, last_year + 1))
    else:
        axes[0][0].xaxis.get_major_locator().set_params(integer=True)
    for k in range(len(frames), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    for column in range(ncols):
        # The lowest visible panel of each column carries the year axis.
        last = max(k for k in range(len(frames)) if k % ncols == column) if column < len(frames) else None
        if last is not None:
            ax = axes[last // ncols][column]
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel("year")
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


# -- the HTML report --------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSection:
    """A section another stage adds to the HTML report.

    Attributes
    ----------
    title:
        The section heading.
    html:
        An HTML fragment (trusted; image paths relative to the report folder).
    """

    title: str
    html: str


def _rate_view(table: pd.DataFrame, group_fields: Sequence[str], frames: Sequence[str]) -> pd.DataFrame:
    """A readable table: groups, documents, tokens and per frame 'rate [low, high]'."""
    view = table[[*group_fields, "documents", "tokens"]].copy()
    for f in frames:
        rate, low, high = (
            table[f"{f}_per_10k"],
            table[f"{f}_per_10k_low"],
            table[f"{f}_per_10k_high"],
        )
        view[f.replace("_", " ")] = [
            "" if pd.isna(r) else (f"{r:.1f}" if pd.isna(lo) else f"{r:.1f} [{lo:.1f}, {hi:.1f}]")
            for r, lo, hi in zip(rate, low, high, strict=True)
        ]
    return view


def _html_table(frame: pd.DataFrame) -> str:
    # Nullable integer columns (years) ignore na_rep, so missing values are replaced first.
    shown = frame.astype(object).where(frame.notna(), "(none)")
    # Counts read as 1,656,062; years stay 1997.
    for column in frame.columns:
        if column not in _YEAR_COLUMNS and pd.api.types.is_integer_dtype(frame[column]):
            shown[column] = [v if isinstance(v, str) else f"{int(v):,}" for v in shown[column]]
    return shown.to_html(index=False, border=0, classes="data", escape=True)


def _codebook_summary(tagging: Tagging) -> list[dict[str, Any]]:
    from policytext.tables import parse_codebook_content

    data = parse_codebook_content(tagging.content)
    entries: dict[str, Any] = {}
    if isinstance(data, dict):
        # "frame_defs" + top-level "patterns" (each naming its frame) is the layout the
        # tagger stores (Codebook.to_json); "frames" holding the patterns, older layouts.
        raw = data.get("frames", data.get("frame_defs"))
        if isinstance(raw, dict):
            entries = {str(k): v for k, v in raw.items()}
        elif isinstance(raw, list):
            entries = {
                str(item.get("id") or item.get("name")): dict(item) for item in raw if isinstance(item, dict)
            }
        patterns = data.get("patterns")
        if isinstance(patterns, list) and "frame_defs" in data:
            for frame_id, entry in entries.items():
                if isinstance(entry, dict):
                    entry["patterns"] = [
                        p for p in patterns if isinstance(p, dict) and p.get("frame") == frame_id
                    ]
    rows = []
    for frame in tagging.frames:
        entry = entries.get(frame)
        entry = entry if isinstance(entry, dict) else {}
        patterns = entry.get("patterns")
        description = entry.get("definition") or entry.get("description") or entry.get("label") or ""
        rows.append(
            {
                "frame": frame,
                "description": str(description),
                "patterns": len(patterns) if isinstance(patterns, (list, dict)) else None,
            }
        )
    return rows


def _extra_sections(corpus: Corpus, out_dir: Path) -> list[ReportSection]:
    from policytext.topics import topics_section

    # The topic outputs go in their own folder; the section links to them from the page.
    section = topics_section(corpus, out_dir / "topics")
    if section.reason is not None:
        return [ReportSection("Topics", f"<p>Topic section not built: {_escape(section.reason)}</p>")]
    folder, settings = section.folder.name, section.settings
    rows = "".join(
        f"<tr><td>{_escape(str(t['id']))}</td>"
        f"<td>{'' if t.get('coherence') is None else format(float(t['coherence']), '.3f')}</td>"
        f"<td>{_escape(', '.join(str(term) for term, _ in t['terms']))}</td></tr>"
        for t in section.topics
    )
    charts = "".join(
        f'<figure><img src="{_escape(folder)}/{_escape(name)}" alt="{_escape(alt)}">'
        f"<figcaption>{_escape(alt)}</figcaption></figure>"
        for name, alt in section.charts
    )
    body = (
        f"<p>{_escape(str(settings['method']).upper())} topic model, k={settings['k']}, "
        f"{settings['documents']} documents; {_escape(str(settings['unit_description']))}. "
        f"Coherence is {_escape(str(settings['coherence']))}. Prevalence is a share: "
        f"{_escape(str(settings['prevalence']))}.</p>"
        "<table><thead><tr><th>topic</th><th>NPMI</th><th>top terms</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{charts}"
    )
    return [ReportSection(title="Topics over time", html=body)]


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def write_report(
    corpus: Corpus,
    out_dir: str | Path,
    *,
    command: str = "policytext report",
    bootstrap: int = 1000,
    seed: int = 0,
) -> Path:
    """Write the static HTML report (``index.html``, ``charts/``, ``tables/``) to ``out_dir``.

    The page has the corpus summary, frequency tables by year, party, speaker
    and government with bootstrap intervals, the charts, the codebook summary,
    the validation scores and any section the topic stage provides; it needs
    no network to open. Without tagged documents it holds the corpus summary
    and says how to tag.

    Parameters
    ----------
    corpus:
        An open store.
    out_dir:
        The report folder (created).
    command:
        Recorded in the manifest.
    bootstrap, seed:
        Resamples and seed of the rate intervals.

    Returns
    -------
    Path
        The ``index.html`` written.

    Example::

        >>> write_report(corpus, "corpus/report")  # doctest: +SKIP
        PosixPath('corpus/report/index.html')
    """
    import jinja2
    from markupsafe import Markup

    from policytext.tables import current_tagging, frequency_table

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: is a file; the report needs a folder")
    out.mkdir(parents=True, exist_ok=True)
    tagging = current_tagging(corpus)
    manifest = run_manifest(
        corpus, command=command, tagging=tagging, parameters={"bootstrap": bootstrap, "seed": seed}
    )
    summary = corpus_summary(corpus)
    context: dict[str, Any] = {
        "manifest": manifest,
        "manifest_lines": manifest.comment_lines(),
        "summary_tables": {by: Markup(_html_table(frame)) for by, frame in summary.items()},
        "tagging": tagging,
        "tables": [],
        "charts": [],
        "codebook": [],
        "validation": None,
        "sections": [],
        "rate_note": RATE_NOTE,
    }
    if tagging is not None:
        frames = list(tagging.frames)
        for by in ("year", "party", "speaker", "government"):
            table = frequency_table(corpus, by=by, bootstrap=bootstrap, seed=seed)
            name = f"tables/by_{by}.csv"
            write_table(
                table,
                out / name,
                fmt="csv",
                manifest=manifest,
                caption=f"Frame frequencies by {by}",
            )
            context["tables"].append(
                {
                    "by": by,
                    "file": name,
                    "html": Markup(_html_table(_rate_view(table, [by], frames))),
                }
            )
            if by == "speaker":
                plot_frame_heatmap(table, out / "charts" / "heatmap_speaker", frames=frames)
                context["charts"].append(
                    {"title": "Frame x speaker heatmap", "base": "charts/heatmap_speaker"}
                )
            if by == "government":
                plot_government_shares(
                    table,
                    out / "charts" / "shares_government",
                    frames=frames,
                    order=list(table["government"].dropna()),
                )
                context["charts"].append(
                    {"title": "Frame shares by government", "base": "charts/shares_government"}
                )
        for group in ("party", "speaker"):
            over_time = frequency_table(corpus, by=[group, "year"], bootstrap=bootstrap, seed=seed)
            if over_time.empty or over_time["year"].isna().all():
                continue
            base = f"charts/rates_{group}_year"
            plot_rates_over_time(over_time, out / base, group=group, frames=frames)
            context["charts"].insert(
                0 if group == "party" else 1,
                {"title": f"Frame rates over time by {group}", "base": base},
            )
        context["codebook"] = _codebook_summary(tagging)
        validation = manifest.validation
        if validation and isinstance(validation.get("frames"), dict):
            rows = [
                {"frame": f, **{k: s.get(k) for k in ("precision", "recall", "f1", "support")}}
                for f, s in validation["frames"].items()
                if isinstance(s, dict)
            ]
            rows += [
                {
                    "frame": avg,
                    **{
                        k: (validation.get(avg) or {}).get(k)
                        for k in ("precision", "recall", "f1", "support")
                    },
                }
                for avg in ("micro", "macro")
            ]
            scores = pd.DataFrame(rows).round(3)
            scores["support"] = scores["support"].astype("Int64")  # a count, not 32.0
            context["validation"] = Markup(_html_table(scores))
    context["sections"] = [{"title": s.title, "html": Markup(s.html)} for s in _extra_sections(corpus, out)]
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policytext", "data/templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["thousands"] = lambda n: f"{int(n):,}"
    html = env.get_template("report.html.j2").render(**context)
    _write_atomic(out / "manifest.json", manifest.to_json())
    index = out / "index.html"
    _write_atomic(index, html)
    return index
