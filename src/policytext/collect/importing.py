"""Import local files into the corpus.

Formats (one reader each, in :mod:`policytext.collect.readers`): .txt, .html,
.pdf, .jsonl, .json, .csv/.tsv, Markdown and ParlaMint/Hansard TEI .xml; docs/import.md
describes them. A JSON Lines file holds one document a line with the fields of
:data:`~policytext.store.corpus.IMPORT_FIELDS` (``text`` required); .json and
.csv files map their keys with ``--field``; .txt/.html/.pdf files take their
metadata from a CSV keyed by file name (column ``file``).

Every file is read and validated before anything is written, and so is the
whole metadata CSV: a bad file given by name stores nothing at all, and a file
found in a folder that cannot be read is skipped and reported (with
``strict=True`` it stops the import, still before anything is written).

Example::

    >>> from policytext.store.corpus import Corpus
    >>> corpus = Corpus.open(":memory:")
    >>> import_paths(corpus, ["speeches.jsonl"])  # doctest: +SKIP
    ImportSummary(added=12, ...)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from policytext.collect.readers import (
    SUPPORTED_SUFFIXES,
    FieldMap,
    ReadOptions,
    get_preset,
    is_metadata_file,
    read_file,
    read_json,
    read_jsonl,
    read_path,
    read_rows,
)
from policytext.collect.readers._records import finish
from policytext.errors import ImportFormatError
from policytext.store.corpus import IMPORT_FIELDS, AddSummary, Corpus, Document

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ImportSummary",
    "collect_files",
    "import_paths",
    "read_file",
    "read_json",
    "read_jsonl",
    "read_meta_csv",
]

logger = logging.getLogger(__name__)

# Columns of a metadata CSV that name the file, and accepted other names of fields.
_FILE_COLUMNS = ("file", "filename", "file_name", "path")
_ALIASES = {"location": "venue"}
T = TypeVar("T")


@dataclass
class ImportSummary(AddSummary):
    """What an import stored, and the files it skipped with the reason for each."""

    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        counts = super().__str__()
        if not self.skipped:
            return counts
        files = "file" if len(self.skipped) == 1 else "files"
        return f"{counts}; {len(self.skipped)} {files} skipped (listed above)"


@dataclass(frozen=True)
class _Found:
    path: Path
    relative: str  # relative to the folder given: the file's id without the suffix
    named: bool  # given by name, not found in a folder


def collect_files(paths: Iterable[str | Path]) -> list[Path]:
    """The importable files under ``paths`` (folders searched recursively), sorted.

    Raises
    ------
    ImportFormatError
        For a path that does not exist or a file named that is of an unsupported type.
    """
    return [found.path for found in _collect(paths, set(), [])]


def _collect(paths: Iterable[str | Path], exclude: set[Path], skipped: list[tuple[str, str]]) -> list[_Found]:
    """Files to read; unsupported files and READMEs in folders go to ``skipped``. Hidden
    files and folders (names starting with '.') and metadata files are left out."""
    found: list[_Found] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                relative = candidate.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if candidate.is_symlink() and not candidate.exists():
                    skipped.append((str(candidate), f"{candidate}: cannot read (a broken symbolic link)"))
                    continue
                if not candidate.is_file():
                    continue
                if candidate.resolve() in exclude:
                    continue
                if is_metadata_file(candidate):
                    logger.info("%s: read as metadata, not as documents", candidate)
                    continue
                if candidate.stem.upper() == "README":
                    # A data folder's description, not one of its documents: name it to import it.
                    skipped.append((str(candidate), f"{candidate}: a folder's README, not a document"))
                    continue
                if candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                    skipped.append(
                        (
                            str(candidate),
                            f"{candidate}: unsupported file type {candidate.suffix or '(none)'!r}",
                        )
                    )
                    continue
                found.append(_Found(candidate, relative.as_posix(), named=False))
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise ImportFormatError(
                    f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                    f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
                )
            found.append(_Found(path, _named_relative(path), named=True))
        else:
            raise ImportFormatError(f"{path}: no such file or folder")
    return found


def _named_relative(path: Path) -> str:
    """A file named on the command line is known by its path as given when that is relative
    (``2010/labour/html.html``: files of one name in two folders stay two documents), by its
    name when the path is absolute or climbs out of the current folder."""
    parts = [part for part in path.parts if part != "."]
    if path.is_absolute() or ".." in parts or not parts:
        return path.name
    return Path(*parts).as_posix()


def read_meta_csv(path: str | Path) -> dict[str, dict[str, str]]:
    """Metadata rows keyed by file name (and by path as written in the CSV), all validated.

    The key column is ``file`` (or ``filename``, ``path``); other columns named
    like import fields are used, ``location`` is read as ``venue``, ``year`` is
    used as the date when ``date`` is empty, and unknown columns are ignored.
    Every row is checked (dates, doc_type, quoting) before any is returned.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for a missing key column, a repeated file name,
        an unbalanced quote, an extra field, or a bad date or doc_type.
    """
    path = Path(path)
    if not path.is_file():
        raise ImportFormatError(f"{path}: no such metadata file")
    columns, rows = read_rows(path)
    key_column = next((c for c in _FILE_COLUMNS if c in columns), None)
    if key_column is None:
        raise ImportFormatError(f"{path}:1: no 'file' column naming the files the metadata is for")
    records: dict[str, dict[str, str]] = {}
    for line, clean in rows:
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
        if key in records:
            raise ImportFormatError(f"{path}:{line}: file {key!r} is listed twice")
        finish(Document(text="metadata", **record), f"{path}:{line}")  # type: ignore[arg-type]  # validate now
        records[key] = record
    return records


def _meta_for(metadata: dict[str, dict[str, str]], path: Path, relative: str) -> dict[str, str] | None:
    """The CSV row for a file: by its path relative to the folder imported, by a path
    written in the CSV that ends with it, or by its file name when that is unique."""
    if relative in metadata:
        return metadata[relative]
    matches = [row for key, row in metadata.items() if key.endswith("/" + relative) or key == path.name]
    if not matches:
        matches = [row for key, row in metadata.items() if Path(key).name == path.name]
    return matches[0] if len(matches) == 1 else None


def import_paths(
    corpus: Corpus,
    paths: Sequence[str | Path],
    *,
    meta: str | Path | None = None,
    source: str | None = None,
    doc_type: str | None = None,
    text_column: str | None = None,
    fields: Sequence[str] = (),
    preset: str | None = None,
    strict: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Import files and folders into ``corpus``.

    All files are read and validated first, then written, so a bad file given
    by name, a bad ``meta`` row or two files giving the same id store nothing.
    A file found in a folder that cannot be read, or is of an unknown type, is
    skipped and listed (a warning each, and in :attr:`ImportSummary.skipped`);
    with ``strict`` it is an error. Re-importing the same files stores nothing twice.

    Parameters
    ----------
    corpus:
        The open store.
    paths:
        Files (see :data:`SUPPORTED_SUFFIXES`) and folders of them.
    meta:
        A CSV of metadata keyed by file name for .txt/.html/.pdf/Markdown files.
    source, doc_type:
        Defaults for documents that do not state them.
    text_column, fields:
        The field mapping for .csv/.tsv/.json/.jsonl files: the text column,
        and ``FIELD=KEY`` pairs (``speaker=Speaker``, ``text=paragraphs``).
    preset:
        A named way of reading a known dump (``ukpol``).
    strict:
        Refuse the whole import when any file would be skipped.
    progress:
        Show a progress bar on stderr.

    Returns
    -------
    ImportSummary
        Counts of added, new-version, updated and unchanged documents, and the skipped files.
    """
    options = _options(source, doc_type, text_column, fields, preset)
    exclude = {Path(meta).resolve()} if meta else set()
    if str(corpus.path) != ":memory:":  # the store itself, when it sits in a folder imported
        exclude |= {Path(f"{corpus.path}{end}").resolve() for end in ("", "-wal", "-shm", "-journal")}
    summary = ImportSummary()
    files = _collect(paths, exclude, summary.skipped)
    if not files and not summary.skipped:
        raise ImportFormatError(
            f"{', '.join(str(p) for p in paths)}: no {', '.join(SUPPORTED_SUFFIXES)} files found"
        )
    metadata = read_meta_csv(meta) if meta else {}
    batches: list[tuple[Path, list[Document]]] = []
    for found in _progress(files, "read", progress):
        try:
            documents = read_path(
                found.path,
                relative=found.relative,
                options=options,
                meta=_meta_for(metadata, found.path, found.relative),
            )
        except ImportFormatError as exc:
            if found.named:
                raise
            if strict:
                raise ImportFormatError(f"{exc} (--strict: nothing imported)") from None
            summary.skipped.append((str(found.path), str(exc)))
            continue
        batches.append((found.path, documents))
    for _, reason in summary.skipped:
        logger.warning("skipped %s", reason)
    if strict and summary.skipped:
        raise ImportFormatError(
            f"{summary.skipped[0][1]} (--strict: nothing imported; "
            f"{len(summary.skipped)} files cannot be read)"
        )
    if not batches:
        raise ImportFormatError(
            f"{', '.join(str(p) for p in paths)}: nothing to import; all {len(summary.skipped)} files "
            f"were skipped, e.g. {summary.skipped[0][1]}"
        )
    _check_ids(batches)
    for path, documents in _progress(batches, "store", progress):
        added = corpus.add_all(documents, where=str(path))
        for name in ("added", "new_version", "unchanged", "updated"):
            setattr(summary, name, getattr(summary, name) + getattr(added, name))
        summary.ids.extend(added.ids)
        logger.info("imported %s (%d documents)", path, len(documents))
    if metadata:
        _warn_about_meta(meta, metadata, files)
    return summary


def _options(
    source: str | None,
    doc_type: str | None,
    text_column: str | None,
    fields: Sequence[str],
    preset: str | None,
) -> ReadOptions:
    field_map = FieldMap.parse(tuple(fields), text_column=text_column)
    if preset is None:
        return ReadOptions(field_map=field_map, source=source, doc_type=doc_type)
    chosen = get_preset(preset)
    merged = FieldMap({**chosen.field_map.fields, **field_map.fields})
    return ReadOptions(
        field_map=merged, source=source or chosen.source, doc_type=doc_type or chosen.doc_type, preset=preset
    )


def _check_ids(batches: list[tuple[Path, list[Document]]]) -> None:
    """Two files giving the same id would make one a version of the other: refuse it."""
    owners: dict[str, Path] = {}
    for path, documents in batches:
        for doc in documents:
            assert doc.id is not None
            other = owners.setdefault(doc.id, path)
            if other != path:
                raise ImportFormatError(
                    f"{path}: document id {doc.id!r} is also the id of a document in {other}; "
                    "give the documents distinct ids (nothing was imported)"
                )


def _warn_about_meta(
    meta: str | Path | None, metadata: dict[str, dict[str, str]], files: list[_Found]
) -> None:
    used = {f.relative for f in files} | {f.path.name for f in files}
    unused = sorted(key for key in metadata if key not in used and Path(key).name not in used)
    if unused:
        logger.warning("%s: %d rows name files that were not imported, e.g. %s", meta, len(unused), unused[0])
    # Files the CSV has no (or no unambiguous) row for are imported without metadata:
    # say so, or a missing row silently leaves documents without speaker and date.
    bare = [
        f.relative
        for f in files
        if f.path.suffix.lower() in (".txt", ".html", ".htm", ".pdf")
        and _meta_for(metadata, f.path, f.relative) is None
    ]
    if bare:
        logger.warning(
            "%s: %d imported files have no row in it (imported without its metadata), e.g. %s",
            meta,
            len(bare),
            bare[0],
        )


def _progress(items: list[T], label: str, enabled: bool) -> Iterator[T]:
    if not enabled:
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=len(items), unit="file", desc=label, dynamic_ncols=True) as bar:
        for item in items:
            yield item
            bar.update(1)
