"""Readers, one module per file format, each giving validated documents.

:func:`read_path` picks the reader by the file's suffix. Every reader reads
and validates a whole file before returning, and names ``FILE:LINE`` in its
errors, so an import can refuse a bad file before anything is written.
"""

from __future__ import annotations

from pathlib import Path

from policytext.collect.readers._records import FieldMap, ReadOptions
from policytext.collect.readers.jsonfiles import read_json, read_jsonl
from policytext.collect.readers.markdown_text import MARKDOWN_SUFFIXES, markdown_to_text, read_markdown
from policytext.collect.readers.plain import PLAIN_SUFFIXES, read_file
from policytext.collect.readers.presets import PRESETS, get_preset
from policytext.collect.readers.table import read_rows, read_table
from policytext.collect.readers.tei import is_corpus_root, is_tei_list_file, is_tei_sidecar, read_tei
from policytext.errors import ImportFormatError
from policytext.store.corpus import Document

__all__ = [
    "PRESETS",
    "SUPPORTED_SUFFIXES",
    "FieldMap",
    "get_preset",
    "ReadOptions",
    "is_metadata_file",
    "markdown_to_text",
    "read_file",
    "read_json",
    "read_jsonl",
    "read_path",
    "read_rows",
]

SUPPORTED_SUFFIXES = (*PLAIN_SUFFIXES, ".jsonl", ".json", ".csv", ".tsv", *MARKDOWN_SUFFIXES, ".xml")


def is_metadata_file(path: Path) -> bool:
    """Files that describe other files (ParlaMint speaker lists, corpus roots and ``-meta.tsv``),
    not documents."""
    if path.suffix.lower() == ".xml":
        return is_tei_list_file(path) or is_corpus_root(path)
    return is_tei_sidecar(path)


def read_path(
    path: Path, *, relative: str, options: ReadOptions, meta: dict[str, str] | None = None
) -> list[Document]:
    """The documents of one file, read by its suffix.

    ``relative`` is the file's path relative to the folder imported (its id
    without the suffix); ``meta`` a ``--meta`` CSV row for .txt, .html, .pdf
    and Markdown files.

    Raises
    ------
    ImportFormatError
        ``FILE[:LINE]: problem`` for anything that cannot be read.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            return read_jsonl(path, options=options)
        if suffix == ".json":
            hook = get_preset(options.preset).hook if options.preset else None
            return read_json(path, relative=relative, options=options, hook=hook)
        if suffix in (".csv", ".tsv"):
            return read_table(path, relative=relative, options=options)
        if suffix in MARKDOWN_SUFFIXES:
            return [read_markdown(path, relative=relative, options=options, meta=meta)]
        if suffix == ".xml":
            return read_tei(path, relative=relative, options=options)
        if suffix in PLAIN_SUFFIXES:
            doc_id = str(Path(relative).with_suffix("").as_posix())
            return [
                read_file(path, meta=meta, source=options.source, doc_type=options.doc_type, doc_id=doc_id)
            ]
    except PermissionError:
        raise ImportFormatError(f"{path}: cannot read (permission denied)") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    raise ImportFormatError(
        f"{path}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
    )
