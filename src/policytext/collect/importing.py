"""Import local files into the corpus: .txt, .html, .pdf and .jsonl.

A JSON Lines file holds one document a line with the fields of
:data:`~policytext.store.corpus.IMPORT_FIELDS` (``text`` required). Other files take
their metadata from a CSV keyed by file name (column ``file``). Each file is
read and validated whole before anything is written, then stored in one
transaction: a bad line means nothing from that file is imported.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> corpus = Corpus.open(":memory:")
    >>> import_paths(corpus, ["speeches.jsonl"])  # doctest: +SKIP
    AddSummary(added=12, ...)
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from policytext.collect.extract import EXTRACTOR_VERSION, extract_html, extract_pdf, extract_text_file
from policytext.errors import ExtractionError, ImportFormatError, MetadataError
from policytext.store.corpus import (
    EXPORT_FIELDS,
    IMPORT_FIELDS,
    AddSummary,
    Corpus,
    Document,
    normalise_document,
)

__all__ = ["SUPPORTED_SUFFIXES", "collect_files", "import_paths", "read_file", "read_jsonl", "read_meta_csv"]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".jsonl")
_DOC_FIELDS = {f.name for f in fields(Document)}
# Columns of a metadata CSV that name the file, and accepted other names of fields.
_FILE_COLUMNS = ("file", "filename", "file_name", "path")
_ALIASES = {"location": "venue"}
_DERIVED_FIELDS = set(EXPORT_FIELDS) - set(IMPORT_FIELDS) - _DOC_FIELDS


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The importable files under ``paths`` (folders searched recursively), sorted.

    Raises
    ------
    ImportFormatError
        For a path that does not exist or a file of an unsupported type.
    """
    return [path for path, _ in _collect(paths)]


def _collect(paths: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """Files with their names relative to the folder given (the file name for a file given)."""
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                (p, p.relative_to(path).as_posix())
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise ImportFormatError(
                    f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                    f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
                )
            found.append((path, _as_given(path)))
        else:
            raise ImportFormatError(f"{path}: no such file or folder")
    return found


def _as_given(path: Path) -> str:
    """A file named on its own: its path relative to the current folder (its file name when
    it lies outside), so ``2010/labour/html.html`` and ``2010/tory/html.html`` get distinct ids."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.name


def _check_distinct_ids(files: list[tuple[Path, str]], metadata: dict[str, dict[str, str]]) -> None:
    """Two files whose ids would be the same are an error before anything is written."""
    owners: dict[str, str] = {}
    for path, relative in files:
        if path.suffix.lower() == ".jsonl":
            continue
        row = _meta_for(metadata, path, relative) or {}
        doc_id = row.get("id") or Path(relative).with_suffix("").as_posix()
        other = owners.setdefault(doc_id, str(path))
        if other != str(path):
            raise ImportFormatError(
                f"{path}: would get the document id {doc_id!r} of {other}; nothing imported "
                "(import the folders from a common parent, or give ids in a --meta CSV)"
            )


def read_meta_csv(path: str | Path) -> dict[str, dict[str, str]]:
    """Metadata rows keyed by file name (and by path as written in the CSV).

    The key column is ``file`` (or ``filename``, ``path``); other columns named
    like import fields are used, ``location`` is read as ``venue``, ``year`` is
    used as the date when ``date`` is empty, and unknown columns are ignored.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for a missing key column or a repeated file name.
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not valid UTF-8 (offset {exc.start})") from None
    except FileNotFoundError:
        raise ImportFormatError(f"{path}: no such metadata file") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    key_column = next((c for c in _FILE_COLUMNS if c in columns), None)
    if key_column is None:
        raise ImportFormatError(f"{path}:1: no 'file' column naming the files the metadata is for")
    rows: dict[str, dict[str, str]] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise ImportFormatError(f"{path}:{line}: more fields than the header has columns")
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        name = clean.pop(key_column, "")
        if not name:
            raise ImportFormatError(f"{path}:{line}: empty '{key_column}'")
        record: dict[str, str] = {}
        for column, value in clean.items():
            column = _ALIASES.get(column, column)
            if column in IMPORT_FIELDS and column != "text" and value and column not in record:
                record[column] = value
        if "date" not in record and clean.get("year"):
            record["date"] = clean["year"]
        key = Path(name).as_posix()
        if key in rows:
            raise ImportFormatError(f"{path}:{line}: file {key!r} is listed twice")
        rows[key] = record
    return rows


def _meta_for(metadata: dict[str, dict[str, str]], path: Path, relative: str) -> dict[str, str] | None:
    """The CSV row for a file: by its path relative to the folder imported, by a path
    written in the CSV that ends with it, or by its file name when that is unique."""
    if relative in metadata:
        return metadata[relative]
    matches = [row for key, row in metadata.items() if key.endswith("/" + relative) or key == path.name]
    if not matches:
        matches = [row for key, row in metadata.items() if Path(key).name == path.name]
    return matches[0] if len(matches) == 1 else None


def read_jsonl(path: str | Path) -> list[Document]:
    """Read and validate every line of a JSON Lines file.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for the first bad line (invalid JSON, not an
        object, missing or empty text, a bad date or doc_type, an unknown field).
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw[: exc.start].count(b"\n") + 1
        raise ImportFormatError(f"{path}:{bad_line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    documents = []
    seen: dict[str, int] = {}
    # Split on "\n" only: U+2028 and friends may appear inside JSON strings.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(f"{where}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(record, dict):
            raise ImportFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
        # Derived fields of an export are recomputed on import, so exports import back;
        # a year stands in for a missing date, as in a metadata CSV.
        if record.get("date") in (None, "") and record.get("year") not in (None, ""):
            record["date"] = str(record["year"])
        record = {k: v for k, v in record.items() if k not in _DERIVED_FIELDS}
        if record.get("warc_offset") is not None and not isinstance(record["warc_offset"], int):
            raise ImportFormatError(f"{where}: field 'warc_offset' must be an integer")
        unknown = sorted(set(record) - set(IMPORT_FIELDS) - _DOC_FIELDS)
        if unknown:
            raise ImportFormatError(
                f"{where}: unknown field {unknown[0]!r}; fields are {', '.join(IMPORT_FIELDS)}"
            )
        if "text" not in record or record["text"] is None:
            raise ImportFormatError(f"{where}: missing 'text'")
        for name, value in record.items():
            if value is not None and not isinstance(value, (str, int)) or isinstance(value, bool):
                raise ImportFormatError(
                    f"{where}: field {name!r} must be a string, got {type(value).__name__}"
                )
        values: dict[str, Any] = {
            k: (str(v) if v is not None and k != "warc_offset" else v) for k, v in record.items()
        }
        try:
            doc = normalise_document(Document(**values), where=where)
        except MetadataError as exc:
            raise ImportFormatError(str(exc)) from None
        assert doc.id is not None
        if doc.id in seen:
            raise ImportFormatError(f"{where}: id {doc.id!r} already used on line {seen[doc.id]}")
        seen[doc.id] = number
        if doc.extractor_version is None:
            doc = _with(doc, extractor_version=f"jsonl/{EXTRACTOR_VERSION}")
        documents.append(doc)
    if not documents:
        raise ImportFormatError(f"{path}: no documents (the file is empty)")
    return documents


def read_file(
    path: str | Path,
    *,
    meta: dict[str, str] | None = None,
    source: str | None = None,
    doc_type: str | None = None,
    doc_id: str | None = None,
) -> Document:
    """Read one .txt, .html or .pdf file as a document (metadata from ``meta``).

    The document id is ``doc_id``, else an ``id`` column of ``meta``, else the
    file's stem; the source is ``source`` or ``"local"``.

    Raises
    ------
    ImportFormatError
        ``FILE: problem`` for an unreadable file (invalid UTF-8, broken PDF,
        no text) or bad metadata.
    """
    path = Path(path)
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            extracted = extract_pdf(raw, where=str(path))
        elif suffix in (".html", ".htm"):
            extracted = extract_html(raw, where=str(path))
        else:
            extracted = extract_text_file(raw, where=str(path))
    except ExtractionError as exc:
        raise ImportFormatError(str(exc)) from None
    values: dict[str, Any] = {"id": doc_id or path.stem, "title": extracted.title}
    values |= meta or {}
    values.setdefault("source", source or "local")
    if doc_type and not values.get("doc_type"):
        values["doc_type"] = doc_type
    from policytext._text import sha256_hex

    try:
        return normalise_document(
            Document(
                text=extracted.text,
                sha256=sha256_hex(raw),
                extractor_version=f"{suffix.lstrip('.')}/{EXTRACTOR_VERSION}",
                **{k: v for k, v in values.items() if k in _DOC_FIELDS and k != "text"},
            ),
            where=str(path),
        )
    except MetadataError as exc:
        raise ImportFormatError(str(exc)) from None


def _with(doc: Document, **changes: Any) -> Document:
    from dataclasses import replace

    return replace(doc, **changes)


def import_paths(
    corpus: Corpus,
    paths: Sequence[str | Path],
    *,
    meta: str | Path | None = None,
    source: str | None = None,
    doc_type: str | None = None,
    progress: bool = False,
) -> AddSummary:
    """Import files and folders into ``corpus``.

    Each file is read and validated whole, then written in one transaction, so
    a bad file stores nothing and files before it stay stored. Re-importing the
    same files stores nothing twice.

    Parameters
    ----------
    corpus:
        The open store.
    paths:
        Files (.txt .html .pdf .jsonl) and folders of them.
    meta:
        A CSV of metadata keyed by file name for .txt/.html/.pdf files.
    source, doc_type:
        Defaults for documents that do not state them.
    progress:
        Show a progress bar on stderr.

    Returns
    -------
    AddSummary
        Counts of added, new-version, updated and unchanged documents.
    """
    files = _collect(paths)
    if not files:
        raise ImportFormatError(
            f"{', '.join(str(p) for p in paths)}: no {', '.join(SUPPORTED_SUFFIXES)} files found"
        )
    metadata = read_meta_csv(meta) if meta else {}
    _check_distinct_ids(files, metadata)
    summary = AddSummary()
    owners: dict[str, Path] = {}
    for path, documents in _progress(_read_all(files, metadata, source, doc_type), len(files), progress):
        for doc in documents:
            assert doc.id is not None
            other = owners.setdefault(doc.id, path)
            if other != path:
                raise ImportFormatError(
                    f"{path}: document id {doc.id!r} is also the id of a document in {other}; "
                    "give the documents distinct ids"
                )
        added = corpus.add_all(documents, where=str(path))
        for name in ("added", "new_version", "unchanged", "updated"):
            setattr(summary, name, getattr(summary, name) + getattr(added, name))
        summary.ids.extend(added.ids)
        logger.info("imported %s (%d documents)", path, len(documents))
    if metadata:
        used = {relative for _, relative in files} | {path.name for path, _ in files}
        unused = sorted(key for key in metadata if key not in used and Path(key).name not in used)
        if unused:
            logger.warning(
                "%s: %d rows name files that were not imported, e.g. %s", meta, len(unused), unused[0]
            )
        # Files the CSV has no (or no unambiguous) row for are imported without metadata:
        # say so, or a missing row silently leaves documents without speaker and date.
        bare = [
            relative
            for path, relative in files
            if path.suffix.lower() != ".jsonl" and _meta_for(metadata, path, relative) is None
        ]
        if bare:
            logger.warning(
                "%s: %d imported files have no row in it (imported without its metadata), e.g. %s",
                meta,
                len(bare),
                bare[0],
            )
    return summary


def _read_all(
    files: list[tuple[Path, str]],
    metadata: dict[str, dict[str, str]],
    source: str | None,
    doc_type: str | None,
) -> Iterator[tuple[Path, list[Document]]]:
    for path, relative in files:
        if path.suffix.lower() == ".jsonl":
            documents = read_jsonl(path)
            if source or doc_type:
                documents = [
                    _with(
                        d,
                        source=d.source or source,
                        doc_type=d.doc_type or doc_type,
                    )
                    for d in documents
                ]
                documents = [normalise_document(d, where=str(path)) for d in documents]
        else:
            documents = [
                read_file(
                    path,
                    meta=_meta_for(metadata, path, relative),
                    source=source,
                    doc_type=doc_type,
                    doc_id=str(Path(relative).with_suffix("").as_posix()),
                )
            ]
        yield path, documents


def _progress(
    items: Iterator[tuple[Path, list[Document]]], total: int, enabled: bool
) -> Iterator[tuple[Path, list[Document]]]:
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="file", desc="import", dynamic_ncols=True) as bar:
        for item in items:
            yield item
            bar.update(1)
