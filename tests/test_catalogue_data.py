"""Checks on the curated catalogue data in corpus/catalogue.toml.

Every entry must be something `policytext scrape --catalogue` can use: an http(s)
URL, a unique id, a document type from the contract, a date that parses and is
no more precise than its evidence, and a speaker written as the registry's
canonical name. The checker is exercised on bad entries too, so it can fail.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from policytext.errors import MetadataError
from policytext.people import default_registry, normalise_party, parse_date, resolve_speaker

CATALOGUE = Path(__file__).resolve().parent.parent / "corpus" / "catalogue.toml"

DOC_TYPES = {"speech", "white_paper", "lecture", "pamphlet", "manifesto", "debate", "other"}
DOCUMENT_KEYS = {"url", "id", "speaker", "party", "date", "title", "type", "venue"}
EVIDENCE_KEYS = {"url_status", "alt_url", "alt_url_status", "date_basis", "note"}
# How an entry is fetched: archived = true reads the nearest web-archive capture of its url.
ROUTE_KEYS = {"archived"}
URL_STATUSES = {"seen", "guessed"}
DATE_BASES = {"seen", "memory", "month only"}
FIRST_YEAR, LAST_YEAR = 1997, 2015
# Government papers of 2010-2015 are filed under the coalition rather than one party.
COALITION = "Conservative/Liberal Democrat coalition"
COALITION_PARTIES = {"Conservative", "Liberal Democrat"}


def _load_documents(path: Path = CATALOGUE) -> list[dict[str, Any]]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    documents = data.get("document", [])
    assert isinstance(documents, list)
    return documents


def _is_http_url(value: object) -> bool:
    if not isinstance(value, str) or value != value.strip():
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _duplicates(values: list[Any]) -> list[Any]:
    """Values that occur more than once, sorted."""
    return sorted({value for value in values if values.count(value) > 1})


def _problems(entry: dict[str, Any]) -> list[str]:
    """Every way one catalogue entry breaks the rules (empty when it is valid)."""
    problems: list[str] = []
    unknown = set(entry) - DOCUMENT_KEYS - EVIDENCE_KEYS - ROUTE_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    for key, value in entry.items():
        if key in ROUTE_KEYS:
            if not isinstance(value, bool):
                problems.append(f"{key}: expected true or false, got {value!r}")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: expected non-empty text, got {value!r}")
    if "url" not in entry:
        problems.append("url: missing")
    elif not _is_http_url(entry["url"]):
        problems.append(f"url: not an http(s) URL: {entry['url']!r}")
    if entry.get("url_status") not in URL_STATUSES:
        problems.append(f"url_status: {entry.get('url_status')!r} is not one of {sorted(URL_STATUSES)}")
    if "alt_url" in entry:
        if not _is_http_url(entry["alt_url"]):
            problems.append(f"alt_url: not an http(s) URL: {entry['alt_url']!r}")
        if entry["alt_url"] == entry.get("url"):
            problems.append("alt_url: same as url")
        if entry.get("alt_url_status") not in URL_STATUSES:
            status = entry.get("alt_url_status")
            problems.append(f"alt_url_status: {status!r} is not one of {sorted(URL_STATUSES)}")
    elif "alt_url_status" in entry:
        problems.append("alt_url_status: given without alt_url")
    if entry.get("type") not in DOC_TYPES:
        problems.append(f"type: {entry.get('type')!r} is not one of {sorted(DOC_TYPES)}")
    if "date" in entry:
        try:
            date = parse_date(entry["date"], where="date")
        except MetadataError as exc:
            problems.append(str(exc))
        else:
            if date.iso != entry["date"]:
                problems.append(f"date: write {entry['date']!r} as {date.iso!r}")
            if not FIRST_YEAR <= date.year <= LAST_YEAR:
                problems.append(f"date: {date.iso} is outside {FIRST_YEAR}-{LAST_YEAR}")
            basis = entry.get("date_basis")
            if basis is not None and basis not in DATE_BASES:
                problems.append(f"date_basis: {basis!r} is not one of {sorted(DATE_BASES)}")
            if basis == "month only" and date.precision != "month":
                problems.append(f"date: {date.iso} has a day but date_basis says month only")
    elif "date_basis" in entry:
        problems.append("date_basis: given without date")
    speaker = entry.get("speaker")
    if isinstance(speaker, str) and speaker.strip():
        resolved = resolve_speaker(speaker)
        if resolved != speaker:
            problems.append(f"speaker: {speaker!r} is not canonical (the registry says {resolved!r})")
        known = default_registry().person(speaker)
        party = entry.get("party")
        if (
            known is not None
            and known.party
            and party is not None
            and party != known.party
            and not (party == COALITION and known.party in COALITION_PARTIES)
        ):
            problems.append(f"party: {party!r} but the registry has {known.name} as {known.party!r}")
    party = entry.get("party")
    if isinstance(party, str) and normalise_party(party) != party:
        problems.append(f"party: write {party!r} as {normalise_party(party)!r}")
    return problems


DOCUMENTS = _load_documents()


def test_catalogue_parses_with_enough_documents() -> None:
    assert 40 <= len(DOCUMENTS) <= 80


def test_catalogue_has_ten_white_and_green_papers_1998_2015() -> None:
    papers = [e for e in DOCUMENTS if e["type"] == "white_paper" and 1998 <= int(e["date"][:4]) <= 2015]
    assert len(papers) >= 10, [e["id"] for e in papers]
    assert all(isinstance(e.get("archived", False), bool) for e in DOCUMENTS)


@pytest.mark.parametrize("entry", DOCUMENTS, ids=[str(d.get("id", i)) for i, d in enumerate(DOCUMENTS)])
def test_catalogue_entry_is_valid(entry: dict[str, Any]) -> None:
    assert _problems(entry) == []


def test_catalogue_ids_are_present_and_unique() -> None:
    ids = [entry.get("id") for entry in DOCUMENTS]
    assert all(isinstance(i, str) and i == i.lower() and " " not in i for i in ids), ids
    assert _duplicates(ids) == []


def test_catalogue_urls_are_unique() -> None:
    urls = [entry["url"] for entry in DOCUMENTS]
    assert _duplicates(urls) == []


def test_catalogue_registry_speakers_are_canonical() -> None:
    registry = default_registry()
    in_registry = [e["speaker"] for e in DOCUMENTS if registry.person(e.get("speaker", ""))]
    # The arc of the catalogue: these people must be present, each under the registry's own name.
    for name in (
        "Tony Blair",
        "Gordon Brown",
        "David Cameron",
        "Nick Clegg",
        "Ed Miliband",
        "David Miliband",
        "Jon Cruddas",
        "Hazel Blears",
        "Eric Pickles",
        "Francis Maude",
    ):
        assert name in in_registry, name
    assert all(resolve_speaker(name) == name for name in in_registry)


def test_catalogue_guessed_urls_are_marked_in_notes() -> None:
    guessed = [e for e in DOCUMENTS if e["url_status"] == "guessed"]
    assert guessed, "the draft's guessed URLs must stay visible"
    for entry in guessed:
        note = entry.get("note", "").lower()
        assert "guess" in note or "extrapolated" in note, entry["id"]


GOOD = {
    "id": "x-2010-speech",
    "speaker": "David Cameron",
    "party": "Conservative",
    "date": "2010-07",
    "date_basis": "month only",
    "title": "A speech",
    "type": "speech",
    "url": "https://www.gov.uk/government/speeches/x",
    "url_status": "seen",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"url": "ftp://example.org/x"}, "url: not an http(s) URL"),
        ({"url": "www.gov.uk/government/speeches/x"}, "url: not an http(s) URL"),
        ({"url": None}, "url: missing"),
        ({"type": "white paper"}, "type: 'white paper' is not one of"),
        ({"date": "2010-07-32"}, "is not a calendar date"),
        ({"date": "19 July 2010", "date_basis": "seen"}, "write '19 July 2010' as '2010-07-19'"),
        ({"date": "2010-07-01"}, "has a day but date_basis says month only"),
        ({"date": "1990"}, "outside 1997-2015"),
        ({"speaker": "Mr Cameron"}, "is not canonical (the registry says 'David Cameron')"),
        ({"speaker": "The Rt Hon David Cameron MP"}, "is not canonical"),
        ({"party": "Tories"}, "party: 'Tories' but the registry"),
        (
            {"party": "Labour"},
            "party: 'Labour' but the registry has David Cameron as 'Conservative'",
        ),
        (
            {"speaker": "Ed Miliband", "party": COALITION},
            "party: 'Conservative/Liberal Democrat coalition'",
        ),
        ({"url_status": "evidence seen"}, "url_status: 'evidence seen'"),
        ({"shared_text": "data/x.txt"}, "unknown keys ['shared_text']"),
        ({"alt_url_status": "seen"}, "alt_url_status: given without alt_url"),
        (
            {"alt_url": "https://www.gov.uk/government/speeches/x", "alt_url_status": "seen"},
            "same as url",
        ),
        ({"title": ""}, "title: expected non-empty text"),
    ],
)
def test_catalogue_checker_reports_bad_entries(change: dict[str, Any], expected: str) -> None:
    assert _problems(GOOD) == []
    entry = {key: value for key, value in {**GOOD, **change}.items() if value is not None}
    problems = _problems(entry)
    assert any(expected in problem for problem in problems), problems


def test_catalogue_duplicate_ids_are_caught(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    path.write_text(
        '[[document]]\nid = "a"\nurl = "https://a.example/1"\n'
        '[[document]]\nid = "a"\nurl = "https://a.example/2"\n',
        encoding="utf-8",
    )
    ids = [entry["id"] for entry in _load_documents(path)]
    assert _duplicates(ids) == ["a"]


DOCS_PAGE = CATALOGUE.parent.parent / "docs" / "catalogue.md"


def _plan_recipes() -> dict[str, str]:
    """The recipe column of the docs table: what the scraper's own plan picks for each
    entry (``generic`` where no site recipe covers the host)."""
    from policytext.collect.recipes import load_recipes
    from policytext.collect.scrape import plan_catalogue

    return {
        row["id"]: row["recipe"] if not row["check"].startswith("no recipe") else "generic"
        for row in plan_catalogue(CATALOGUE, recipes=load_recipes())
    }


def test_catalogue_docs_table_matches_the_data() -> None:
    rows: dict[str, list[str]] = {}
    for line in DOCS_PAGE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 6:
            rows[cells[0].strip("`")] = cells[1:]
    recipes = _plan_recipes()
    expected = {
        e["id"]: [
            e.get("speaker", ""),
            e.get("date", ""),
            e["type"],
            e["url_status"],
            recipes[e["id"]],
        ]
        for e in DOCUMENTS
    }
    assert rows == expected


def test_catalogue_loads_with_the_scraper_loader_and_every_entry_has_a_plan() -> None:
    """The shipped catalogue is read by the same loader `policytext run` uses, and the
    dry-run plan gives every entry a recipe (a site's own, or the generic page/PDF reader)."""
    from policytext.collect.catalogue import load_catalogue
    from policytext.collect.recipes import load_recipes
    from policytext.collect.scrape import plan_catalogue

    entries = load_catalogue(CATALOGUE)
    assert len(entries) == len(DOCUMENTS)
    plan = plan_catalogue(CATALOGUE, recipes=load_recipes())
    assert [row["id"] for row in plan] == [entry["id"] for entry in DOCUMENTS]
    assert all(row["recipe"] for row in plan)
    assert sum(row["check"] == "ok" for row in plan) >= 30
