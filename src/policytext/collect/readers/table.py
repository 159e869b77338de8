"""CSV and TSV files: one document a row, or the rows of a ``--meta`` CSV.

Rows are read strictly: an unbalanced quote, a row longer than the header or a
short value that runs over several lines (a quote left open) is an error naming
the line where the row starts. ``.csv`` is comma-separated, ``.tsv``
tab-separated; both take standard CSV quoting.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from policytext.collect.extract import EXTRACTOR_VERSION
from policytext.collect.readers._records import FieldMap, ReadOptions, document_from_record
from policytext.errors import ImportFormatError
from policytext.store.corpus import Document

__all__ = ["csv_problem", "read_rows", "read_table"]

# A speech in one cell can be far longer than the csv module's default 128 KiB limit.
_FIELD_LIMIT = 256 * 1024 * 1024
# Columns whose values may span lines; any other value that does is a quote left open.
_MULTILINE = frozenset({"text", "title"})


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text (a byte-order mark allowed), or an error naming the line of the bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(f"{path}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None


def read_rows(
    path: Path, *, delimiter: str = ",", multiline: frozenset[str] = _MULTILINE
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header (stripped, lower-case) and the rows as ``(start line, {column: value})``.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for a missing file, bad UTF-8, an empty or
        repeated header, an unbalanced quote or a row with more fields than
        the header has columns (raised while iterating, for the rows).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror})") from None
    text = decode(raw, path)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ImportFormatError(f"{path}:{line}: NUL character (binary data, not text)")
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportFormatError(f"{path}:1: {csv_problem(exc)}") from None
    if not header:
        raise ImportFormatError(f"{path}:1: no header row")
    columns = [c.strip().lower() for c in header]
    seen = set()
    for column in columns:
        if column and column in seen:
            raise ImportFormatError(f"{path}:1: column {column!r} appears twice")
        seen.add(column)
    return columns, _rows(reader, columns, path, multiline)


def _rows(
    reader: Iterator[list[str]], columns: list[str], path: Path, multiline: frozenset[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    line_num = 1
    while True:
        start = line_num + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise ImportFormatError(f"{path}:{start}: {csv_problem(exc)}") from None
        if row is None:
            return
        line_num = reader.line_num  # type: ignore[attr-defined]
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            raise ImportFormatError(f"{path}:{start}: more fields than the header has columns")
        values = {c: v.strip() for c, v in zip(columns, row, strict=False) if c}
        for column, value in values.items():
            if "\n" in value and column not in multiline:
                raise ImportFormatError(
                    f"{path}:{start}: column {column!r} runs over several lines "
                    "(a quote opened and not closed?)"
                )
        yield start, values


def csv_problem(exc: csv.Error) -> str:
    """What a strict csv reader's error means for the person who wrote the file."""
    message = str(exc)
    if "unexpected end of data" in message or "EOF" in message:
        return "unbalanced quote: a quoted field opened on this row is never closed"
    if "expected after" in message:
        return f"unbalanced quote ({message})"
    return message


def read_table(path: Path, *, relative: str, options: ReadOptions) -> list[Document]:
    """Every row of a CSV/TSV file as a document (text from the text column).

    A row's id is its ``id`` column, else ``<file id>/<row number>``.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for the first bad row, or a text column or
        mapped column the header lacks.
    """
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    field_map = options.field_map
    columns, rows = read_rows(
        path, delimiter=delimiter, multiline=frozenset({field_map.key_for("text").lower()}) | _MULTILINE
    )
    text_column = field_map.key_for("text").lower()
    if text_column not in columns:
        hint = "" if "text" in field_map.fields else " (name it with --text-column)"
        raise ImportFormatError(f"{path}:1: no text column {text_column!r}{hint}")
    lowered = {name: key.lower() for name, key in field_map.fields.items()}
    for name, key in lowered.items():
        if key not in columns:
            raise ImportFormatError(f"{path}:1: --field {name}={key}: no column {key!r}")
    row_map = FieldMap(lowered)
    stem = str(Path(relative).with_suffix("").as_posix())
    documents = []
    seen: dict[str, int] = {}
    for number, (line, values) in enumerate(rows, start=1):
        where = f"{path}:{line}"
        doc = document_from_record(
            values,
            where=where,
            field_map=row_map,
            defaults={
                "id": f"{stem}/{number}",
                "source": options.source or "local",
                "doc_type": options.doc_type,
            },
        )
        assert doc.id is not None
        if doc.id in seen:
            raise ImportFormatError(f"{where}: id {doc.id!r} already used on line {seen[doc.id]}")
        seen[doc.id] = line
        documents.append(_versioned(doc, path))
    if not documents:
        raise ImportFormatError(f"{path}: no documents (no rows under the header)")
    return documents


def _versioned(doc: Document, path: Path) -> Document:
    return replace(doc, extractor_version=f"{path.suffix.lower().lstrip('.')}/{EXTRACTOR_VERSION}")
