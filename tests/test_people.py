"""Partial dates, the people registry and governments."""

from __future__ import annotations

import datetime as dt

import pytest

from policytext.errors import MetadataError
from policytext.people import (
    PartialDate,
    government_on,
    load_registry,
    normalise_party,
    parse_date,
    resolve_speaker,
)


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("2010", "2010", "year"),
        ("2010-07", "2010-07", "month"),
        ("2010-07-19", "2010-07-19", "day"),
        ("19 July 2010", "2010-07-19", "day"),
        ("19th July 2010", "2010-07-19", "day"),
        ("Monday 19th July 2010", "2010-07-19", "day"),
        ("July 19, 2010", "2010-07-19", "day"),
        ("July 2010", "2010-07", "month"),
        ("Sept 2008", "2008-09", "month"),
        ("  2008-02-29 ", "2008-02-29", "day"),
    ],
)
def test_people_parse_date_keeps_precision(text: str, iso: str, precision: str) -> None:
    parsed = parse_date(text)
    assert parsed.iso == iso
    assert parsed.precision == precision


def test_people_parse_date_timestamp_keeps_local_date() -> None:
    # 23:30 in London on 19 July is 22:30 UTC the same day; 00:30 BST on 20 July is 23:30 UTC on the 19th.
    assert parse_date("2010-07-20T00:30:00+01:00").iso == "2010-07-20"
    assert parse_date("2010-07-19T11:00:00Z").iso == "2010-07-19"


@pytest.mark.parametrize(
    "text", ["", "2010-13", "2010-02-30", "2009-02-29", "19/07/2010", "last Tuesday", "20100719", "0999"]
)
def test_people_parse_date_rejects_with_location(text: str) -> None:
    with pytest.raises(MetadataError) as info:
        parse_date(text, where="speech.txt: date")
    message = str(info.value)
    assert message.startswith("speech.txt: date: ")
    assert "\n" not in message


def test_people_partial_date_bounds() -> None:
    assert PartialDate(2008).first_day == dt.date(2008, 1, 1)
    assert PartialDate(2008).last_day == dt.date(2008, 12, 31)
    assert PartialDate(2008, 2).last_day == dt.date(2008, 2, 29)
    assert PartialDate(2008, 12).last_day == dt.date(2008, 12, 31)
    with pytest.raises(MetadataError):
        PartialDate(2008, None, 3)


@pytest.mark.parametrize(
    ("raw", "date", "expected"),
    [
        ("The Rt Hon David Cameron MP", None, "David Cameron"),
        ("HM Queen Elizabeth II", None, "Queen Elizabeth II"),
        ("Rt. Hon. Gordon Brown MP", None, "Gordon Brown"),
        ("Mr Cameron", None, "David Cameron"),
        ("Mr Blair", None, "Tony Blair"),
        ("Prime Minister", "2009-03-01", "Gordon Brown"),
        ("Prime Minister", "2005-03-01", "Tony Blair"),
        ("Prime Minister", "2012", "David Cameron"),
        ("The Prime Minister", "2010-05-12", "David Cameron"),
        ("Deputy Prime Minister", "2011-02", "Nick Clegg"),
        ("Communities Secretary", "2008-07-09", "Hazel Blears"),
        ("Prime Minister David Cameron", None, "David Cameron"),
        ("Mr Miliband", "2013-09-24", "Ed Miliband"),
        ("Mr Miliband", "2006-01-10", "David Miliband"),
        ("Edward Miliband", None, "Ed Miliband"),
        ("Sir Eric Pickles", None, "Eric Pickles"),
        ("Jon Cruddas MP", None, "Jon Cruddas"),
        ("Francis Maude", None, "Francis Maude"),
        ("Nick Clegg", None, "Nick Clegg"),
    ],
)
def test_people_resolve_speaker(raw: str, date: str | None, expected: str) -> None:
    assert resolve_speaker(raw, date=date) == expected


def test_people_resolve_keeps_unknown_and_ambiguous() -> None:
    assert resolve_speaker("Mr Miliband") == "Miliband"  # two Milibands, no date: no guess
    assert resolve_speaker("Prime Minister") == "Prime Minister"  # no date: no guess
    assert resolve_speaker("The Rt Hon Jane Example MP") == "Jane Example"
    # Brown became PM on 27 June 2007: a month-only date spanning the handover is ambiguous.
    assert resolve_speaker("Prime Minister", date="2007-06") == "Prime Minister"


@pytest.mark.parametrize(
    ("date", "government"),
    [
        ("1997-05-01", "Major"),
        ("1997-05-02", "Blair"),
        ("2007-06-26", "Blair"),
        ("2007-06-27", "Brown"),
        ("2010-05-10", "Brown"),
        ("2010-05-11", "Cameron-Clegg coalition"),
        ("2015-05-07", "Cameron-Clegg coalition"),
        ("2015-05-08", "Cameron majority"),
        ("2016-07-12", "Cameron majority"),
        ("2003", "Blair"),
        ("2012-03", "Cameron-Clegg coalition"),
        ("2010", None),  # spans Brown and the coalition: not guessed
        ("2007-06", None),
    ],
)
def test_people_government_on(date: str, government: str | None) -> None:
    assert government_on(date) == government


def test_people_normalise_party() -> None:
    assert normalise_party("Lab") == "Labour"
    assert normalise_party("Conservatives") == "Conservative"
    assert normalise_party("Lib Dems") == "Liberal Democrat"
    assert normalise_party("Scottish Green") == "Scottish Green"
    assert normalise_party("  ") is None


def test_people_custom_registry_errors_name_file(tmp_path) -> None:
    path = tmp_path / "people.toml"
    path.write_text('[[person]]\nname = "A B"\noffices = [{ title = "X", start = "2010" }]\n')
    with pytest.raises(MetadataError, match=r"people.toml: person 1 office start: office dates need a day"):
        load_registry(path)
    path.write_text("[[person]\n")
    with pytest.raises(MetadataError, match="not valid TOML"):
        load_registry(path)


def test_people_partial_dates_sort_coarse_before_fine() -> None:
    dates = [PartialDate(2010, 5, 2), PartialDate(2010, 5), PartialDate(2010), PartialDate(2009, 12, 31)]
    assert sorted(dates) == [
        PartialDate(2009, 12, 31),
        PartialDate(2010),
        PartialDate(2010, 5),
        PartialDate(2010, 5, 2),
    ]


def test_people_weekday_must_match_the_date() -> None:
    assert parse_date("Monday 19 July 2010").iso == "2010-07-19"
    with pytest.raises(MetadataError, match="2010-07-19 was a Monday, not a Friday"):
        parse_date("Friday 19 July 2010")
    with pytest.raises(MetadataError, match="cannot read"):
        parse_date("Someday 19 July 2010")


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("Mr Smith", "1993-05-01"),
        ("Ms Smith", "2008-01-01"),
        ("Mr Benn", "1985"),
        ("Mr Hurd", "1992"),
        ("Mr Cameron", "2003"),
    ],
)
def test_people_common_surnames_are_not_guessed(raw: str, date: str) -> None:
    assert resolve_speaker(raw, date=date) == raw.split()[-1]


def test_people_full_surname_resolves() -> None:
    assert resolve_speaker("Mr Duncan Smith") == "Iain Duncan Smith"
