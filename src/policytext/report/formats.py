"""Tables as CSV, Markdown, LaTeX (booktabs) or JSON, each carrying the run manifest.

The manifest is a ``#`` comment header in CSV, an HTML comment in Markdown, ``%``
comments in LaTeX, and a sidecar ``<file>.manifest.json`` beside every file written
(the JSON table itself stays a plain list of rows).

Markdown and LaTeX show a frequency table in its compact view by default: the groups,
``documents``, ``tokens`` and per frame (or term) one ``rate [low, high]`` cell, so a
table by government with eight frames fits a terminal; ``columns="all"`` (or a list of
column names) gives the rest. CSV and JSON always keep every column.

Example::

    >>> print(format_table(pd.DataFrame({"a": [1]}), fmt="csv"), end="")
    a
    1
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from policytext._io import atomic_write
from policytext.errors import InputError
from policytext.tables import P_FLOOR

if TYPE_CHECKING:
    from policytext.report.manifest import RunManifest
    from policytext.store.corpus import Corpus

__all__ = [
    "TABLE_FORMATS",
    "compact_view",
    "corpus_summary",
    "format_number",
    "format_summary",
    "format_table",
    "latex_escape",
    "rate_cell",
    "rate_prefixes",
    "write_atomic",
    "write_table",
]

TABLE_FORMATS = ("csv", "md", "latex", "json")

#: The columns a frequency table has per frame or term ``F`` (after ``F_``).
RATE_SUFFIXES = ("count", "sentences", "documents", "share", "per_10k", "per_10k_low", "per_10k_high")

#: Columns that hold years (or periods named by a year): printed as ``1997``, never ``1,997``.
_YEAR_COLUMNS = frozenset({"year", "decade", "from", "to", "window"})


# -- the compact view --------------------------------------------------------------------


def rate_prefixes(frame: pd.DataFrame) -> list[str]:
    """The frames (or term slugs) ``F`` of a frequency table: those with ``F_count`` and ``F_per_10k``.

    Example::

        >>> rate_prefixes(pd.DataFrame(columns=["year", "tokens", "devolution_count", "devolution_per_10k"]))
        ['devolution']
    """
    names = [str(c) for c in frame.columns]
    present = set(names)
    return [n[: -len("_per_10k")] for n in names if n.endswith("_per_10k") and n[:-8] + "_count" in present]


def format_number(value: Any, *, decimals: int = 1) -> str:
    """One number format for every view: integers with thousands separators, other numbers
    with ``decimals`` places, scientific notation only for a non-zero value that would print as 0.

    Example::

        >>> format_number(1656062), format_number(9.44), format_number(0.004)
        ('1,656,062', '9.4', '4.0e-03')
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    number = float(value)
    if number != 0 and abs(number) < 0.5 * 10**-decimals:
        return f"{number:.1e}"
    return f"{number:,.{decimals}f}"


def rate_cell(rate: Any, low: Any, high: Any, documents: Any = None) -> str:
    """``rate [low, high]``; a group of one document has no interval and says so.

    Example::

        >>> rate_cell(9.44, 9.44, 9.44, documents=1)
        '9.4 (1 document)'
        >>> rate_cell(3.0, 1.25, 4.5, documents=12)
        '3.0 [1.2, 4.5]'
    """
    if rate is None or rate is pd.NA or (isinstance(rate, float) and math.isnan(rate)):
        return ""
    text = format_number(float(rate))
    if documents is not None and not pd.isna(documents) and int(documents) == 1:
        return f"{text} (1 document)"
    if low is None or low is pd.NA or pd.isna(low) or high is None or pd.isna(high):
        return text
    return f"{text} [{format_number(float(low))}, {format_number(float(high))}]"


def compact_view(frame: pd.DataFrame) -> pd.DataFrame:
    """A frequency table with one ``rate [low, high]`` column per frame or term instead of seven.

    Every other column (the groups, ``documents``, ``tokens``) is kept; a table that is not a
    frequency table comes back unchanged.
    """
    prefixes = rate_prefixes(frame)
    if not prefixes:
        return frame
    per_frame = {f"{p}_{s}" for p in prefixes for s in RATE_SUFFIXES}
    view = frame[[c for c in frame.columns if str(c) not in per_frame]].copy()
    documents = frame["documents"] if "documents" in frame.columns else pd.Series([None] * len(frame))
    for p in prefixes:
        low = frame.get(f"{p}_per_10k_low", pd.Series([None] * len(frame), index=frame.index))
        high = frame.get(f"{p}_per_10k_high", pd.Series([None] * len(frame), index=frame.index))
        view[p] = [
            rate_cell(r, lo, hi, n)
            for r, lo, hi, n in zip(frame[f"{p}_per_10k"], low, high, documents, strict=True)
        ]
    view.attrs = dict(frame.attrs)
    return view


def _select_columns(frame: pd.DataFrame, columns: str | Sequence[str]) -> pd.DataFrame:
    if isinstance(columns, str):
        if columns == "all":
            return frame
        if columns == "compact":
            return compact_view(frame)
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"columns: no column {missing[0]!r}; use 'compact', 'all' or names from "
            f"{', '.join(str(c) for c in frame.columns)}"
        )
    return frame[list(columns)]


# -- table writers -----------------------------------------------------------------------


def format_table(
    frame: pd.DataFrame,
    *,
    fmt: str,
    manifest: RunManifest | None = None,
    caption: str | None = None,
    columns: str | Sequence[str] | None = None,
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
    columns:
        ``"compact"`` (the default for Markdown and LaTeX: per frame or term one
        ``rate [low, high]`` cell, see :func:`compact_view`), ``"all"`` (the default for
        CSV and JSON, which always keep every column unless given a list), or a list of
        column names (also ``"a,b,c"``).

    Example::

        >>> print(format_table(pd.DataFrame({"a": [1]}), fmt="csv"), end="")
        a
        1
    """
    if fmt not in TABLE_FORMATS:
        raise InputError(f"format: {fmt!r} is not one of {', '.join(TABLE_FORMATS)}")
    if columns is None:
        columns = "compact" if fmt in ("md", "latex") else "all"
    if fmt in ("csv", "json") and columns == "compact":
        columns = "all"
    frame = _select_columns(frame, columns)
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
        # The comment keeps the manifest for the record; the corpus estimates are for the
        # reader, so they are also printed where a rendered page shows them.
        shown = (
            [line.removeprefix("corpus_estimate: ") for line in manifest.estimate_lines()] if manifest else []
        )
        footer = ""
        if shown:
            items = "".join(f"- {_markdown_text(line)}\n" for line in shown)
            footer = "\nValidation on this corpus:\n\n" + items
        if manifest is not None and manifest.heldout:  # the default codebook's, on other texts
            from policytext.report.manifest import heldout_line

            footer += f"\nOn held-out gold: {_markdown_text(heldout_line(manifest.heldout))}\n"
        return header + _markdown(frame) + footer
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
    columns: str | Sequence[str] | None = None,
) -> Path:
    """Write a table to ``out`` (atomically) and its manifest to ``<out>.manifest.json``.

    Example::

        >>> write_table(table, "tables/by_year.csv", fmt="csv", manifest=m)  # doctest: +SKIP
        PosixPath('tables/by_year.csv')
    """
    path = Path(out)
    text = format_table(frame, fmt=fmt, manifest=manifest, caption=caption, columns=columns)
    write_atomic(path, text)
    if manifest is not None:
        write_atomic(path.with_name(path.name + ".manifest.json"), manifest.to_json())
    return path


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, never onto an SQLite database
    (:func:`policytext._io.atomic_write`)."""
    with atomic_write(path) as handle:
        handle.write(text)


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
