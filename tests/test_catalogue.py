"""The catalogue loader: fields, notes keys ignored, every bad entry named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policytext.collect.catalogue import load_catalogue
from policytext.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "catalogue"


def test_catalogue_loads_fields_and_ignores_notes() -> None:
    entries = load_catalogue(FIXTURES / "small.toml")
    assert [e.id for e in entries] == [
        "cameron-2012-local-power",
        "clegg-2011-community-rights",
        "ops-white-paper",
        "blair-1997-conference",
    ]
    first = entries[0]
    assert first.url == "https://www.gov.uk/government/speeches/pm-speech-on-local-power"
    assert first.metadata() == {
        "speaker": "David Cameron",
        "date": "2012-06-03",
        "doc_type": "speech",
        "venue": "Catalogue venue that the page overrides",
    }
    assert entries[2].doc_type == "white_paper"


def test_catalogue_unknown_key_names_file_and_entry() -> None:
    with pytest.raises(InputError) as info:
        load_catalogue(FIXTURES / "bad-key.toml")
    message = str(info.value)
    assert "bad-key.toml: document 2 (bad): unknown key 'speakr'" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[document]]\nid = "a"\n', "document 1 (a): missing required key 'url'"),
        ('[[document]]\nurl = "ftp://x/y"\n', "not an http(s) URL"),
        ('[[document]]\nurl = "https://a.org/1"\ndate = "2012-13-01"\n', "document 1: date"),
        ('[[document]]\nurl = "https://a.org/1"\ntype = "essay"\n', "type 'essay' is not one of"),
        ('[[document]]\nurl = "https://a.org/1"\ndate = 2012\n', "'date' must be a string"),
        (
            '[[document]]\nid = "a"\nurl = "https://a.org/1"\n[[document]]\nid = "a"\nurl = "https://a.org/2"\n',
            "document 2 (a): id 'a' already used",
        ),
        (
            '[[document]]\nurl = "https://a.org/1"\n[[document]]\nurl = "https://a.org/1"\n',
            "already listed",
        ),
        ('title = "x"\n', "unknown top-level key 'title'"),
        ("[[document]\n", "not valid TOML"),
    ],
)
def test_catalogue_bad_entries(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cat.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as info:
        load_catalogue(path)
    assert str(path) in str(info.value)


def test_catalogue_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such catalogue file"):
        load_catalogue(tmp_path / "nope.toml")


def test_catalogue_partial_dates_kept(tmp_path: Path) -> None:
    path = tmp_path / "cat.toml"
    path.write_text('[[document]]\nurl = "https://a.org/1"\ndate = "1998-09"\n', encoding="utf-8")
    assert load_catalogue(path)[0].date == "1998-09"


def test_catalogue_shared_draft_loads() -> None:
    draft = Path(__file__).resolve().parent.parent.parent / "shared" / "catalogue-draft.toml"
    if not draft.is_file():
        pytest.skip(f"{draft} not present")
    entries = load_catalogue(draft)
    assert len(entries) >= 40 and all(e.url.startswith("http") for e in entries)
