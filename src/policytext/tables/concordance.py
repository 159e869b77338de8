"""Keyword in context: the lines behind every count.

With a frame, the lines are exactly the stored matches a frequency table counts; with a
term, every case-insensitive occurrence of its words, found the way a table's ``terms``
counts them (:class:`TermPattern`), so a kwic line count equals the table's count.

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> store = Corpus.open(":memory:")
    >>> _ = store.add(Document(text="We will build the Big Society together.", id="a"))
    >>> concordance(store, "big society", window=2)[["left", "match", "right"]].values.tolist()
    [['build the', 'Big Society', 'together.']]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import pandas as pd

from policytext.errors import InputError
from policytext.store.analysis import (
    DOCUMENT_FIELDS,
    frame_match_rows,
    term_documents,
)
from policytext.store.corpus import Corpus
from policytext.store.filters import DocumentFilter, FilterOptions, resolve_filter
from policytext.tables._select import check_frames, require_tagging

__all__ = ["KWIC_FIELDS", "TermPattern", "concordance", "term_slug"]

#: Document metadata carried by every concordance line.
KWIC_FIELDS: tuple[str, ...] = DOCUMENT_FIELDS

_COLUMNS = [
    "doc_id",
    "left",
    "match",
    "right",
    *KWIC_FIELDS,
    "frame",
    "pattern_id",
    "sentence",
    "start_char",
    "end_char",
]


def term_slug(term: str) -> str:
    """The column name of a term: lower-cased, every run of other characters as ``_``.

    Example::

        >>> [term_slug(t) for t in ("big society", "localis*", "people-powered")]
        ['big_society', 'localis', 'people_powered']
    """
    return re.sub(r"[^0-9a-z]+", "_", term.lower()).strip("_")


@dataclass(frozen=True)
class TermPattern:
    """How a term is found: words separated by white space, case-insensitive, whole words
    (a final ``*`` matches any ending: ``localis*``).

    ``regex`` finds the occurrences in a text; ``fts`` is a full-text query that finds a
    superset of the documents holding one.
    """

    term: str
    regex: re.Pattern[str]
    fts: str

    @classmethod
    def parse(cls, term: str, *, where: str = "term") -> TermPattern:
        """The pattern of ``term``; ``where`` names the option in error messages."""
        words = term.strip().split()
        prefix = bool(words) and words[-1].endswith("*")
        if prefix:
            words[-1] = words[-1].rstrip("*")
        words = [w for w in words if w]
        if not words or any("*" in w for w in words):
            raise InputError(f"{where}: term {term!r} must be words, optionally ending in '*'")
        body = r"\s+".join(re.escape(w) for w in words)
        ending = r"\w*" if prefix else r"(?!\w)"
        regex = re.compile(r"(?<!\w)" + body + ending, re.IGNORECASE)
        tokens = [t for w in words for t in re.findall(r"\w+", w)]
        if not tokens:
            raise InputError(f"{where}: term {term!r} has no word characters")
        phrase = '"' + " ".join(tokens) + '"'
        return cls(term=term.strip(), regex=regex, fts=phrase + ("*" if prefix else ""))


def concordance(
    corpus: Corpus,
    term: str | None = None,
    *,
    frame: str | None = None,
    window: int = 10,
    sentence: bool = False,
    include_negated: bool = False,
    codebook: str | Path | None = None,
    limit: int | None = None,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> pd.DataFrame:
    """Keyword-in-context lines for a frame's stored matches or for a term.

    With ``frame``, the lines are exactly the matches that a frequency table
    with the same filters counts in ``F_count`` (one line per mention). With
    ``term``, every case-insensitive occurrence of the words (a trailing ``*``
    matches any ending: ``empower*``) in the current documents: as many lines as
    ``frequency_table(..., terms=[term])`` counts.

    Parameters
    ----------
    corpus:
        An open store.
    term:
        Words to find (ignored when ``frame`` is given).
    frame:
        A frame id of the latest tagging run.
    window:
        Words of context each side (whitespace-separated words).
    sentence:
        Give the whole sentence as context instead of a word window.
    include_negated:
        With ``frame``, include matches flagged as negated.
    limit:
        At most this many lines.
    documents, **filters:
        Which documents to read: a :class:`DocumentFilter` and/or its fields as
        keywords (``speaker``, ``year``, ``since``, ...). A value that matches no
        document is an :class:`InputError` naming the closest values.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``left``, ``match``, ``right``, the metadata of
        :data:`KWIC_FIELDS` (``None`` where a document has none), and ``frame``,
        ``pattern_id``, ``sentence``, ``start_char``, ``end_char`` (``frame`` and
        ``pattern_id`` empty for terms), ordered by date, document and position.

    Example::

        >>> concordance(corpus, frame="devolution", window=8)  # doctest: +SKIP
    """
    if window < 0:
        raise InputError(f"window: {window} is negative")
    if frame is None and not (term and term.strip()):
        raise InputError("kwic: give a TERM or --frame F")
    flt = resolve_filter(documents, filters)
    corpus.check_filter(flt)
    if frame is not None:
        lines = _frame_lines(
            corpus,
            flt,
            frame,
            include_negated=include_negated,
            limit=limit,
            window=window,
            sentence=sentence,
            codebook=codebook,
        )
    else:
        assert term is not None
        pattern = TermPattern.parse(term, where="kwic")
        lines = _term_lines(corpus, flt, pattern, limit=limit, window=window, sentence=sentence)
    table = pd.DataFrame(lines, columns=_COLUMNS)
    # Missing metadata stays None (pandas makes it NaN, printed "nan"); an undated
    # document would turn the year column into floats (1997.0).
    text_columns = [c for c in _COLUMNS if c not in ("year", "start_char", "end_char")]
    table[text_columns] = table[text_columns].astype(object).where(table[text_columns].notna(), None)
    table["year"] = table["year"].astype("Int64")
    return table


def _frame_lines(
    corpus: Corpus,
    flt: DocumentFilter,
    frame: str,
    *,
    include_negated: bool,
    limit: int | None,
    window: int,
    sentence: bool,
    codebook: str | Path | None = None,
) -> list[dict[str, Any]]:
    tagging = require_tagging(corpus, codebook)
    check_frames([frame], tagging)
    lines: list[dict[str, Any]] = []
    rows = frame_match_rows(
        corpus, flt, tagging.codebook_hash, frame, fields=KWIC_FIELDS, include_negated=include_negated
    )
    for row in rows:
        start, end = int(row["start_char"]), int(row["end_char"])
        bounds = (int(row["sent_start"]), int(row["sent_end"]))
        found = _line(row, start, end, window=window, sentence=sentence, sent_bounds=bounds)
        lines.append(
            found | {"frame": row["frame"], "pattern_id": row["pattern_id"], "sentence": row["sentence"]}
        )
        if limit is not None and len(lines) >= limit:
            break
    return lines


def _term_lines(
    corpus: Corpus,
    flt: DocumentFilter,
    pattern: TermPattern,
    *,
    limit: int | None,
    window: int,
    sentence: bool,
) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for row in term_documents(corpus, flt, pattern.fts, fields=KWIC_FIELDS):
        for found in pattern.regex.finditer(row["text"]):
            line = _line(row, found.start(), found.end(), window=window, sentence=sentence)
            lines.append(line | {"frame": None, "pattern_id": None, "sentence": None})
            if limit is not None and len(lines) >= limit:
                return lines
    return lines


_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*\s+|\n\s*\n")


def _context(text: str, start: int, end: int, *, window: int) -> tuple[str, str]:
    before = text[max(0, start - 40 * (window + 1)) : start].split()
    after = text[end : end + 40 * (window + 1)].split()
    left = " ".join(before[-window:]) if window else ""
    right = " ".join(after[:window]) if window else ""
    return left, right


def _sentence_context(text: str, start: int, end: int, sent_bounds: Sequence[int] | None) -> tuple[str, str]:
    if sent_bounds and 0 <= sent_bounds[0] <= start and end <= sent_bounds[1] <= len(text):
        s_start, s_end = sent_bounds
    else:
        s_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
        after = _SENTENCE_END.search(text, end)
        s_end = after.start() + 1 if after else len(text)
    return text[s_start:start], text[end:s_end]


def _line(
    row: Any,
    start: int,
    end: int,
    *,
    window: int,
    sentence: bool,
    sent_bounds: tuple[int, int] | None = None,
) -> dict[str, Any]:
    text = row["text"]
    if sentence:
        left, right = _sentence_context(text, start, end, sent_bounds)
    else:
        left, right = _context(text, start, end, window=window)
    record = {
        "doc_id": row["doc_id"],
        "left": " ".join(left.split()),
        "match": " ".join(text[start:end].split()),
        "right": " ".join(right.split()),
    }
    record |= {f: row[f] for f in KWIC_FIELDS}
    record |= {"start_char": start, "end_char": end}
    return record
