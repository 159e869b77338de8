"""Plain text, HTML and PDF files: one document each, metadata from a ``--meta`` CSV row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policytext._text import sha256_hex
from policytext.collect.extract import EXTRACTOR_VERSION, extract_html, extract_pdf, extract_text_file
from policytext.collect.readers._records import DOC_FIELDS, finish
from policytext.errors import ExtractionError, ImportFormatError
from policytext.store.corpus import Document

__all__ = ["PLAIN_SUFFIXES", "read_file"]

PLAIN_SUFFIXES = (".txt", ".html", ".htm", ".pdf")


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
    if "\x00" in extracted.text:  # the extractor looks at the first 4 KiB only
        raise ImportFormatError(f"{path}: binary data, not text (a NUL character in the text)")
    values: dict[str, Any] = {"id": doc_id or path.stem, "title": extracted.title}
    values |= meta or {}
    values.setdefault("source", source or "local")
    if doc_type and not values.get("doc_type"):
        values["doc_type"] = doc_type
    return finish(
        Document(
            text=extracted.text,
            sha256=sha256_hex(raw),
            extractor_version=f"{suffix.lstrip('.')}/{EXTRACTOR_VERSION}",
            **{k: v for k, v in values.items() if k in DOC_FIELDS and k != "text"},
        ),
        str(path),
    )
