"""Speakers, parties, governments and partial dates.

Historians' sources are often dated only to a year or a month, so dates are
:class:`PartialDate` values that keep their precision: ``2010``, ``2010-07`` and
``2010-07-19`` are all valid, a year grouping works for all three, and nothing
invents a missing month or day.

Example::

    >>> from policytext.people import parse_date, resolve_speaker, government_on
    >>> parse_date("2010-07").precision
    'month'
    >>> resolve_speaker("The Rt Hon David Cameron MP")
    'David Cameron'
    >>> resolve_speaker("Prime Minister", date="2009-03-01")
    'Gordon Brown'
    >>> government_on("2010-05-12")
    'Cameron-Clegg coalition'
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache, total_ordering
from importlib import resources
from pathlib import Path
from typing import Literal

from policytext.errors import MetadataError

__all__ = [
    "Government",
    "Office",
    "PartialDate",
    "Person",
    "Registry",
    "default_registry",
    "government_on",
    "load_registry",
    "normalise_party",
    "parse_date",
    "resolve_speaker",
]

Precision = Literal["year", "month", "day"]

_ISO_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# An ISO timestamp such as GOV.UK's "2010-07-19T11:30:00+01:00": the date part is
# the local date the source states; it is never shifted by converting to UTC.
_TIMESTAMP_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "19 July 2010", "19th July 2010", "Monday 19 July 2010"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_MONTH_YEAR_RE = re.compile(
    rf"^(?:({'|'.join(_WEEKDAYS)}),?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_ALT})\.?,?\s+(\d{{4}})$"
)
# "July 19, 2010"
_MONTH_DAY_YEAR_RE = re.compile(rf"^({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})$")
# "July 2010"
_MONTH_YEAR_RE = re.compile(rf"^({_MONTH_ALT})\.?,?\s+(\d{{4}})$")


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to a year, a month or a day.

    Parameters
    ----------
    year, month, day:
        ``month`` and ``day`` are ``None`` when the source does not give them.

    Example::

        >>> PartialDate(2008, 7).iso
        '2008-07'
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise MetadataError(f"date: a day needs a month (got year={self.year}, day={self.day})")
        if self.month is not None and not 1 <= self.month <= 12:
            raise MetadataError(f"date: month {self.month} is not between 1 and 12")
        if self.day is not None and self.month is not None:
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError as exc:
                raise MetadataError(f"date: {self.iso!r} is not a calendar date ({exc})") from None

    @property
    def precision(self) -> Precision:
        """``"year"``, ``"month"`` or ``"day"``."""
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @property
    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, as precise as the source."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @property
    def first_day(self) -> dt.date:
        """The earliest day the date can stand for."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """The latest day the date can stand for."""
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            following = dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(self.year, 12, 31)

    def __str__(self) -> str:
        return self.iso

    def __lt__(self, other: object) -> bool:
        """Earlier first; a coarser date sorts before the finer dates it contains."""
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.first_day, self.last_day) < (other.first_day, other.last_day)


def parse_date(value: str | dt.date | PartialDate | int, *, where: str = "date") -> PartialDate:
    """Parse a full or partial date strictly.

    Accepts ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, an ISO timestamp (its local
    date is kept, never shifted to UTC), and English forms such as
    ``19 July 2010``, ``19th July 2010``, ``July 19, 2010`` and ``July 2010``.

    Parameters
    ----------
    value:
        The text (or date) to parse.
    where:
        What the value belongs to, named in the error message
        (e.g. ``"speech.txt: date"``).

    Returns
    -------
    PartialDate

    Raises
    ------
    MetadataError
        When the value is not one of the accepted forms or not a calendar date;
        nothing is guessed.

    Example::

        >>> parse_date("19th July 2010").iso
        '2010-07-19'
    """
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise MetadataError(f"{where}: expected a date string, got {type(value).__name__}")
    text = value.strip()
    try:
        return _parse_date_text(text)
    except MetadataError as exc:
        raise MetadataError(f"{where}: {exc.args[0]}") from None


def _parse_date_text(text: str) -> PartialDate:
    problem = (
        f"cannot read {text!r} as a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
        if text
        else "empty date (leave the field out instead)"
    )
    timestamp = _TIMESTAMP_RE.match(text)
    if timestamp:
        text = timestamp.group(1)
    match = _ISO_RE.match(text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        return _checked(year, month, day, text)
    lowered = " ".join(text.lower().split())
    if match := _DAY_MONTH_YEAR_RE.match(lowered):
        weekday, day_text, month_name, year_text = match.groups()
        parsed = _checked(int(year_text), _MONTHS[month_name], int(day_text), text)
        if weekday and _WEEKDAYS[parsed.first_day.weekday()] != weekday:
            actual = _WEEKDAYS[parsed.first_day.weekday()].capitalize()
            raise MetadataError(f"{text!r}: {parsed.iso} was a {actual}, not a {weekday.capitalize()}")
        return parsed
    if match := _MONTH_DAY_YEAR_RE.match(lowered):
        return _checked(int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2)), text)
    if match := _MONTH_YEAR_RE.match(lowered):
        return _checked(int(match.group(2)), _MONTHS[match.group(1)], None, text)
    raise MetadataError(problem)


def _checked(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    if not 1000 <= year <= 2999:
        raise MetadataError(f"year {year} in {text!r} is out of range")
    try:
        return PartialDate(year, month, day)
    except MetadataError:
        raise MetadataError(f"{text!r} is not a calendar date") from None


# --------------------------------------------------------------------------
# Registry of people, offices and governments


@dataclass(frozen=True)
class Office:
    """An office held from ``start`` (inclusive) to ``end`` (exclusive, None if current)."""

    title: str
    start: dt.date
    end: dt.date | None = None

    def covers(self, date: PartialDate) -> bool:
        """True when the office was held on every day ``date`` can stand for."""
        return self.start <= date.first_day and (self.end is None or date.last_day < self.end)


@dataclass(frozen=True)
class Person:
    """A speaker with a canonical name, a party, other spellings and offices."""

    name: str
    party: str = ""
    aliases: tuple[str, ...] = ()
    offices: tuple[Office, ...] = ()


@dataclass(frozen=True)
class Government:
    """A government of the day, from ``start`` (inclusive) to ``end`` (exclusive)."""

    name: str
    start: dt.date
    end: dt.date | None = None

    def covers(self, date: PartialDate) -> bool:
        """True when the government was in office on every day ``date`` can stand for."""
        return self.start <= date.first_day and (self.end is None or date.last_day < self.end)


_HONORIFIC_RE = re.compile(
    r"^(?:the\s+)?(?:(?:rt\.?|right)\s+hon(?:\.|ourable)?|hon\.?|hm\.?|mr\.?|mrs\.?|ms\.?|miss|dr\.?|"
    r"sir|dame|professor|prof\.?)\s+",
    re.IGNORECASE,
)
_SUFFIX_RE = re.compile(r"(?:,?\s+(?:mp|msp|mep|am|qc|kc|pc|cbe|obe|mbe|kbe|frs))+\.?$", re.IGNORECASE)
_PARTIES = {
    "labour": "Labour",
    "labour party": "Labour",
    "lab": "Labour",
    "new labour": "Labour",
    "labour co-operative": "Labour",
    "labour/co-operative": "Labour",
    "conservative": "Conservative",
    "conservatives": "Conservative",
    "conservative party": "Conservative",
    "con": "Conservative",
    "tory": "Conservative",
    "tories": "Conservative",
    "liberal democrat": "Liberal Democrat",
    "liberal democrats": "Liberal Democrat",
    "lib dem": "Liberal Democrat",
    "lib dems": "Liberal Democrat",
    "libdem": "Liberal Democrat",
    "ld": "Liberal Democrat",
    "lib": "Liberal",
    "liberal": "Liberal",
    "liberal party": "Liberal",
    "pcy": "Plaid Cymru",
    "pc": "Plaid Cymru",
    "snp": "SNP",
    "scottish national party": "SNP",
    "plaid cymru": "Plaid Cymru",
    "green": "Green",
    "green party": "Green",
    "ukip": "UKIP",
}


def _key(text: str) -> str:
    return " ".join(text.casefold().replace(".", " ").split())


def normalise_party(party: str | None) -> str | None:
    """Canonical party name: ``"Lab"``, ``"Labour Party"`` -> ``"Labour"``; unknown kept as given.

    Example::

        >>> normalise_party("Lib Dems")
        'Liberal Democrat'
    """
    if party is None:
        return None
    cleaned = " ".join(party.split())
    if not cleaned:
        return None
    return _PARTIES.get(cleaned.casefold(), cleaned)


def _clean_name(raw: str) -> str:
    name = " ".join(raw.replace("\u00a0", " ").split())
    previous = None
    while previous != name:
        previous = name
        name = _HONORIFIC_RE.sub("", name)
        name = _SUFFIX_RE.sub("", name).strip(" ,")
    return name


class Registry:
    """People and governments, with name and role resolution.

    Example::

        >>> registry = default_registry()
        >>> registry.resolve("Mr Cameron")
        'David Cameron'
    """

    def __init__(self, people: list[Person], governments: list[Government]) -> None:
        self.people = tuple(people)
        self.governments = tuple(sorted(governments, key=lambda g: g.start))
        self._by_name: dict[str, Person] = {}
        surnames: dict[str, list[Person]] = {}
        for person in self.people:
            for name in (person.name, *person.aliases):
                self._by_name[_key(_clean_name(name))] = person
                self._by_name[_key(name)] = person
            surnames.setdefault(_key(" ".join(person.name.split()[1:])), []).append(person)
        self._by_surname = surnames
        self._titles = sorted(
            {_key(office.title) for person in self.people for office in person.offices},
            key=len,
            reverse=True,
        )

    def person(self, name: str) -> Person | None:
        """The registry entry for a canonical name or alias, or None."""
        return self._by_name.get(_key(_clean_name(name))) or self._by_name.get(_key(name))

    def holder(self, title: str, date: PartialDate) -> Person | None:
        """Who held the office ``title`` on ``date`` (None if unknown or ambiguous)."""
        wanted = _key(title)
        holders = {
            person.name: person
            for person in self.people
            for office in person.offices
            if _key(office.title) == wanted and office.covers(date)
        }
        return next(iter(holders.values())) if len(holders) == 1 else None

    def resolve(self, raw: str, *, date: str | PartialDate | None = None) -> str:
        """Canonical name for a speaker as a source writes it.

        Honorifics and post-nominals are removed; aliases, a unique surname
        ("Mr Cameron") and a role title with a date ("Prime Minister",
        2009-03-01) resolve to the registry's name. An unknown speaker is
        returned cleaned but otherwise as given.
        """
        cleaned = _clean_name(raw)
        if not cleaned:
            return cleaned
        person = self.person(cleaned)
        if person:
            return person.name
        when = parse_date(date) if date is not None and date != "" else None
        key = _key(cleaned)
        key = re.sub(r"^the\s+", "", key)
        for title in self._titles:
            if key == title:
                if when is not None:
                    holder = self.holder(title, when)
                    if holder:
                        return holder.name
                return cleaned
            if key.startswith(title + " "):
                # "Prime Minister David Cameron"
                rest = self.person(cleaned[len(title) :].strip(" ,"))
                if rest:
                    return rest.name
        candidates = self._by_surname.get(key, [])
        if when is not None:
            # With a date, a bare surname is someone who held an office then.
            candidates = [p for p in candidates if any(o.covers(when) for o in p.offices)]
        if len(candidates) == 1:
            return candidates[0].name
        return cleaned

    def party_of(self, name: str) -> str | None:
        """The registry's party for a canonical name, or None."""
        person = self.person(name)
        return person.party or None if person else None

    def government_on(self, date: str | PartialDate) -> str | None:
        """The government in office for the whole of ``date``; None when unknown or when a
        partial date spans a change of government."""
        when = parse_date(date)
        for government in self.governments:
            if government.covers(when):
                return government.name
        return None


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value), where=where)
    if parsed.precision != "day":
        raise MetadataError(f"{where}: office dates need a day, got {parsed.iso!r}")
    return parsed.first_day


def load_registry(path: str | Path | None = None) -> Registry:
    """Load a registry TOML file (the shipped one when ``path`` is None).

    Raises
    ------
    MetadataError
        Naming the file and entry when a field is missing or a date is bad.
    """
    if path is None:
        text = resources.files("policytext").joinpath("data/people.toml").read_text("utf-8")
        name = "people.toml"
    else:
        text = Path(path).read_text("utf-8")
        name = str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MetadataError(f"{name}: not valid TOML ({exc})") from None
    people = []
    for index, entry in enumerate(data.get("person", []), start=1):
        where = f"{name}: person {index}"
        if "name" not in entry:
            raise MetadataError(f"{where}: missing 'name'")
        offices = tuple(
            Office(
                title=office["title"],
                start=_date(office["start"], f"{where} office start"),
                end=_date(office["end"], f"{where} office end") if "end" in office else None,
            )
            for office in entry.get("offices", [])
        )
        people.append(
            Person(
                name=entry["name"],
                party=entry.get("party", ""),
                aliases=tuple(entry.get("aliases", [])),
                offices=offices,
            )
        )
    governments = [
        Government(
            name=entry["name"],
            start=_date(entry["start"], f"{name}: government {entry.get('name')} start"),
            end=_date(entry["end"], f"{name}: government {entry.get('name')} end")
            if "end" in entry
            else None,
        )
        for entry in data.get("government", [])
    ]
    return Registry(people, governments)


@cache
def default_registry() -> Registry:
    """The registry shipped with policytext (loaded once)."""
    return load_registry()


def resolve_speaker(raw: str, *, date: str | PartialDate | None = None) -> str:
    """Canonical speaker name using the shipped registry; see :meth:`Registry.resolve`."""
    return default_registry().resolve(raw, date=date)


def government_on(date: str | PartialDate) -> str | None:
    """The government of the day for ``date`` using the shipped registry."""
    return default_registry().government_on(date)
