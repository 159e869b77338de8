"""Reading a coding sheet's file: strict CSV and JSON Lines rows with the line each starts on.

The checks of the rows themselves (strata, labels, the design) are in
:mod:`policytext.validation`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from policytext.collect.readers.table import csv_problem
from policytext.errors import GoldFileError

__all__ = ["SHEET_FIELDS", "csv_records", "jsonl_records", "shown", "whole_number"]

#: The columns of a coding sheet, in order (``policytext sample`` writes them).
SHEET_FIELDS = (
    "id",
    "frame",
    "stratum",
    "stratum_size",
    "stratum_sample",
    "predicted",
    "label",
    "text",
    "doc_id",
    "sentence",
    "speaker",
    "date",
    "title",
    "codebook_hash",
    "seed",
    "drawn_at",
)

# Sheet columns that may run over several lines in a CSV sheet (the others never do).
_MULTILINE = frozenset({"title", "speaker"})
_WHOLE = re.compile(r"\s*([+-]?\d{1,18})(?:\.0*)?\s*")


def csv_records(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV sheet as ``(start line, {column: value})``, read strictly.

    As the CSV importer (``policytext.collect.readers.table``) does: a quoted field
    never closed, a row with more fields than the header or a sheet value running
    over several lines (a quote left open that a later quote closed) is an error
    naming the line where the row starts, so a broken quote cannot swallow rows.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise GoldFileError(f"{path}:1: {csv_problem(exc)}") from None
    if not header or not any(cell.strip() for cell in header):
        raise GoldFileError(f"{path}:1: the coding sheet has no header row")
    columns = [cell.strip().lower() for cell in header]
    for index, column in enumerate(columns):
        if column in SHEET_FIELDS and column in columns[:index]:
            raise GoldFileError(f"{path}:1: column {column!r} appears twice")
    records: list[tuple[int, dict[str, str]]] = []
    line = 1
    while True:
        start = line + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise GoldFileError(f"{path}:{start}: {csv_problem(exc)}") from None
        if row is None:
            return records
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            raise GoldFileError(
                f"{path}:{start}: {len(row)} fields, more than the header's {len(columns)} columns "
                "(a quote opened and not closed, or a comma in an unquoted value?)"
            )
        values = {column: value for column, value in zip(columns, row, strict=False) if column}
        for column, value in values.items():
            if ("\n" in value or "\r" in value) and column in SHEET_FIELDS and column not in _MULTILINE:
                raise GoldFileError(
                    f"{path}:{start}: column {column!r} runs over several lines "
                    "(a quote opened and not closed?)"
                )
        records.append((start, values))


def jsonl_records(path: Path, text: str) -> list[tuple[int, Any]]:
    """The rows of a JSON Lines sheet as ``(line, record)``; lines end at ``\\n`` only."""
    records = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise GoldFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
    return records


def whole_number(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (``12``, ``"12"``, ``12.0``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and (match := _WHOLE.fullmatch(value)):
        return int(match.group(1))
    return None


def shown(value: Any) -> str:
    """A value for a message: a whole number as it is (``-5``), anything else quoted (``'x'``)."""
    number = whole_number(value)
    return str(number) if number is not None else repr(value)
