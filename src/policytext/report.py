"""Writers for tables and summaries: Markdown, CSV, JSON (and, later, charts and HTML)."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from policytext.corpus import Corpus

__all__ = ["corpus_summary", "format_summary", "format_table"]


def corpus_summary(corpus: Corpus) -> dict[str, pd.DataFrame]:
    """Documents and tokens by source, speaker and year, as DataFrames.

    Example::

        >>> from policytext.corpus import Corpus
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


def format_table(frame: pd.DataFrame, *, fmt: str) -> str:
    """A DataFrame as Markdown (``md``), CSV or JSON (a list of row objects)."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records"))
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return _markdown(frame)
    raise ValueError(f"unknown format {fmt!r}")


def _markdown(frame: pd.DataFrame) -> str:
    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            return "(none)"
        if isinstance(value, float):
            return f"{value:,.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value).replace("|", "\\|")

    header = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join(
        "---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns
    ) + "|"
    lines = [header, rule]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v) for v in row) + " |")
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
