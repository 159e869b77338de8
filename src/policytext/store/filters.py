"""Which documents an analysis reads: one :class:`DocumentFilter`, and the grouping fields.

Every analysis (tables, keyness, kwic, topics, the report and the main job) selects its
documents with a :class:`DocumentFilter`, and the command line generates its filter options
from the dataclass's fields, so every command takes the same filters. The SQL that applies a
filter lives in the store (:meth:`policytext.store.corpus.Corpus.filter_sql`).

Example::

    >>> f = DocumentFilter(speaker=("David Cameron",), since="2009", until="2013")
    >>> f.is_empty()
    False
    >>> DocumentFilter().is_empty()
    True
    >>> DocumentFilter.from_options(speaker=["Gordon Brown"], year=[2008], until=None).year
    (2008,)
"""

from __future__ import annotations

import dataclasses
import difflib
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any, TypedDict

from policytext.errors import InputError
from policytext.people import default_registry, normalise_party, parse_date

__all__ = [
    "DocumentFilter",
    "FilterOptions",
    "GROUP_FIELDS",
    "FILTER_FIELDS",
    "filter_clauses",
    "no_match_message",
    "resolve_filter",
]


#: Fields a table, keyness, topic prevalence or report can group documents by, and the SQL
#: expression of each over ``documents d``. The one definition of the grouping fields.
GROUP_FIELDS: dict[str, str] = {
    "speaker": "d.speaker",
    "party": "d.party",
    "government": "d.government",
    "year": "d.year",
    "decade": "(d.year / 10) * 10",
    "doc_type": "d.doc_type",
    "source": "d.source",
    "venue": "d.venue",
}


def _as_tuple(value: Any, kind: type) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, int)):
        value = (value,)
    try:
        return tuple(kind(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(f"filter: expected {kind.__name__} values, got {value!r}") from None


@dataclass(frozen=True)
class DocumentFilter:
    """Which documents to read. Empty fields select everything; several values of one
    field are alternatives (OR); different fields must all hold (AND).

    Attributes
    ----------
    speaker, party, doc_type, source, government:
        Metadata values to keep (speakers and parties are resolved through the people
        registry, so "Mr Cameron" finds "David Cameron").
    year:
        Years to keep.
    since, until:
        Keep documents whose whole (possibly partial) date lies in the range,
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    text:
        A full-text query (SQLite FTS5 syntax, stemmed): ``localism``, ``"big society"``.
    keep_duplicates:
        Read every copy of a duplicated document. By default an analysis reads each
        duplicate cluster once, through its best-ranked selected member (see
        :mod:`policytext.store.duplicates`).
    """

    speaker: tuple[str, ...] = field(default=(), metadata={"help": "Only this speaker (repeatable)."})
    party: tuple[str, ...] = field(default=(), metadata={"help": "Only this party (repeatable)."})
    doc_type: tuple[str, ...] = field(default=(), metadata={"help": "Only this doc_type (repeatable)."})
    source: tuple[str, ...] = field(default=(), metadata={"help": "Only this source (repeatable)."})
    government: tuple[str, ...] = field(default=(), metadata={"help": "Only this government (repeatable)."})
    year: tuple[int, ...] = field(default=(), metadata={"help": "Only this year (repeatable)."})
    since: str | None = field(
        default=None, metadata={"help": "Only documents dated on or after (YYYY[-MM[-DD]])."}
    )
    until: str | None = field(
        default=None, metadata={"help": "Only documents dated on or before (YYYY[-MM[-DD]])."}
    )
    text: str | None = field(
        default=None,
        metadata={"help": "Only documents matching this full-text query (e.g. '\"big society\"')."},
    )
    keep_duplicates: bool = field(
        default=False,
        metadata={"help": "Count every copy of a duplicated document (default: each cluster once)."},
    )

    def __post_init__(self) -> None:
        for name in ("speaker", "party", "doc_type", "source", "government"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name), str))
        object.__setattr__(self, "year", _as_tuple(self.year, int))
        for name in ("since", "until", "text"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, str(value) or None)
        object.__setattr__(self, "keep_duplicates", bool(self.keep_duplicates))
        if self.since is not None and self.until is not None:
            since, until = parse_date(self.since, where="since"), parse_date(self.until, where="until")
            if since.first_day > until.last_day:
                raise InputError(f"since: {self.since} is after --until {self.until}; no document can match")
        if self.text:
            _check_text_query(self.text)

    @classmethod
    def from_options(cls, **options: Any) -> DocumentFilter:
        """A filter from keyword options (as the CLI or ``**filters`` give them); options that
        are ``None`` or empty are left out; an unknown name is an :class:`InputError`."""
        unknown = set(options) - set(FILTER_FIELDS)
        if unknown:
            raise InputError(f"filter: unknown filter {sorted(unknown)[0]!r}; use {', '.join(FILTER_FIELDS)}")
        given = {k: v for k, v in options.items() if v not in (None, (), [])}
        return cls(**given)

    def is_empty(self) -> bool:
        """True when the filter selects every document."""
        return all(not getattr(self, f.name) for f in dataclasses.fields(self))

    def as_kwargs(self) -> dict[str, Any]:
        """The fields that are set, as keyword arguments (for manifests and messages)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            if value:
                out[f.name] = value
        return out


#: The filter fields, in the order the command line lists them.
FILTER_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(DocumentFilter))


class FilterOptions(TypedDict, total=False):
    """The document filters as keyword arguments (``**filters: Unpack[FilterOptions]``), so
    ``help()`` and completion show them; see :class:`DocumentFilter` for their meaning."""

    speaker: str | Sequence[str]
    party: str | Sequence[str]
    doc_type: str | Sequence[str]
    source: str | Sequence[str]
    government: str | Sequence[str]
    year: int | Sequence[int]
    since: str
    until: str
    text: str
    keep_duplicates: bool


def _check_text_query(query: str) -> None:
    """Raise a one-line error when ``query`` is not valid SQLite FTS5 syntax (an unclosed quote).

    Checked on an empty in-memory index when the filter is made, so the error names the
    option rather than surfacing later as a database error.

    Example::

        >>> _check_text_query('"big society"')
        >>> _check_text_query('"big society')
        Traceback (most recent call last):
        ...
        policytext.errors.InputError: text: '"big society' is not a full-text query (unterminated string)
    """
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE VIRTUAL TABLE q USING fts5 (x, tokenize = 'porter unicode61')")
        try:
            conn.execute("SELECT rowid FROM q WHERE q MATCH ?", (query,)).fetchall()
        except sqlite3.OperationalError as exc:
            why = str(exc).removeprefix("fts5: ")
            raise InputError(f"text: {query!r} is not a full-text query ({why})") from None


def resolve_filter(
    documents: DocumentFilter | None = None, filters: Mapping[str, Any] | None = None
) -> DocumentFilter:
    """One filter from a :class:`DocumentFilter` and/or keyword filters (not both for one field).

    Example::

        >>> f = resolve_filter(DocumentFilter(party="Labour"), {"year": 2010})
        >>> f.party, f.year
        (('Labour',), (2010,))
    """
    extra = DocumentFilter.from_options(**dict(filters or {}))
    if documents is None:
        return extra
    clash = [f for f in FILTER_FIELDS if getattr(documents, f) and getattr(extra, f)]
    if clash:
        raise InputError(f"filter: {clash[0]!r} given both in documents= and as a keyword")
    merged = {f: getattr(documents, f) or getattr(extra, f) for f in FILTER_FIELDS}
    return DocumentFilter(**merged)


def filter_clauses(flt: DocumentFilter, *, alias: str = "d") -> tuple[list[str], list[Any]]:
    """SQL conditions (over ``documents {alias}``) and parameters that select what ``flt``
    selects; the store's :meth:`~policytext.store.corpus.Corpus.filter_sql` joins them.

    Speakers and parties resolve through the people registry, as when documents are stored.
    """
    clauses: list[str] = []
    params: list[Any] = []
    registry = default_registry()
    for column in ("speaker", "party", "doc_type", "source", "government", "year"):
        values: list[Any] = list(getattr(flt, column))
        if not values:
            continue
        if column == "speaker":
            values = [registry.resolve(str(v)) for v in values]
        elif column == "party":
            values = [normalise_party(str(v)) for v in values]
        clauses.append(f"{alias}.{column} IN ({', '.join('?' for _ in values)})")
        params.extend(values)
    if flt.since is not None:
        clauses.append(f"{alias}.date_start >= ?")
        params.append(parse_date(flt.since, where="since").first_day.isoformat())
    if flt.until is not None:
        clauses.append(f"{alias}.date_end <= ?")
        params.append(parse_date(flt.until, where="until").last_day.isoformat())
    if flt.text:
        clauses.append(f"{alias}.pk IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
        params.append(flt.text)
    return clauses, params


def no_match_message(conn: sqlite3.Connection, name: str, value: object) -> str:
    """``NAME: no document has 'VALUE'; closest: ...``: the stored values of the field
    ``name`` closest to ``value`` (years by distance; text by difflib, then values containing
    it), at most three; when none is close, how many values the store holds, with examples."""
    stored = [
        row[0]
        for row in conn.execute(
            f"SELECT DISTINCT {name} FROM documents WHERE is_current = 1 AND {name} IS NOT NULL"
        )
    ]
    if name == "year":
        hints = [str(y) for y in sorted(stored, key=lambda y: (abs(int(y) - int(str(value))), y))[:3]]
    else:
        lowered = {str(s).lower(): str(s) for s in stored}
        close = difflib.get_close_matches(str(value).lower(), list(lowered), n=3, cutoff=0.5)
        contains = [k for k in lowered if str(value).lower() in k and k not in close]
        hints = [lowered[k] for k in [*close, *contains][:3]]
    if hints:
        tail = f"closest: {', '.join(repr(h) for h in hints)}"
    else:
        examples = ", ".join(repr(str(s)) for s in sorted(stored, key=str)[:3])
        tail = f"the store holds {len(stored)} {name} values" + (f", e.g. {examples}" if stored else "")
    return f"{name}: no document has {str(value)!r}; {tail}"
