"""Recipes: loading and checking the TOML files, --base-url, and shipping them in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from policytext.collect.recipes import load_recipe, load_recipes, parse_base_urls, recipe_for_url
from policytext.collect.sources import adapter_for
from policytext.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def test_recipes_shipped_load_and_build_adapters() -> None:
    recipes = load_recipes()
    assert set(recipes) == {"govuk", "ukgwa", "bps", "hansard", "sayit", "pdf", "ukpol", "wayback"}
    for recipe in recipes.values():
        assert recipe.hosts and recipe.delay > 0
        assert adapter_for(recipe).recipe is recipe
    assert recipes["govuk"].delay <= 0.5  # under the documented 10 requests per second


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.gov.uk/government/speeches/pms-speech-on-big-society", "govuk"),
        ("https://assets.publishing.service.gov.uk/media/x.pdf", "govuk"),
        ("http://www.britishpoliticalspeech.org/speech-archive.htm?speech=203", "bps"),
        (
            "https://webarchive.nationalarchives.gov.uk/20070601/http://www.number10.gov.uk/output/Page1.asp",
            "ukgwa",
        ),
        ("https://labour-speeches.sayit.mysociety.org/speech/1", "sayit"),
        ("https://hansard-api.parliament.uk/search/contributions/Spoken.json", "hansard"),
        ("https://www.ukpol.co.uk/tony-blair-2002-speech/", "ukpol"),
    ],
)
def test_recipes_chosen_by_host(url: str, name: str) -> None:
    assert recipe_for_url(url, load_recipes()).name == name


def test_recipes_unknown_host_is_an_error_naming_it() -> None:
    with pytest.raises(InputError, match="no recipe handles host 'example.org'"):
        recipe_for_url("https://example.org/x", load_recipes())


def test_recipes_base_url_moves_every_host_paths_unchanged() -> None:
    govuk = load_recipes()["govuk"].with_base_url("http://127.0.0.1:8080/")
    assert govuk.hosts == ("127.0.0.1:8080",)
    assert govuk.rewrite("https://www.gov.uk/api/content/a?b=1") == "http://127.0.0.1:8080/api/content/a?b=1"
    assert (
        govuk.rewrite("https://assets.publishing.service.gov.uk/m/x.pdf") == "http://127.0.0.1:8080/m/x.pdf"
    )
    assert govuk.rewrite("https://elsewhere.org/x") == "https://elsewhere.org/x"
    assert govuk.home == "https://www.gov.uk"
    assert govuk.handles("https://www.gov.uk/x") and not govuk.handles("http://127.0.0.1:8080/x")


def test_recipes_parse_base_urls_errors() -> None:
    recipes = load_recipes()
    assert parse_base_urls(["govuk=http://127.0.0.1:1"], recipes) == {"govuk": "http://127.0.0.1:1"}
    with pytest.raises(InputError, match="expected SOURCE=URL"):
        parse_base_urls(["govuk"], recipes)
    with pytest.raises(InputError, match="unknown source 'nope'"):
        parse_base_urls(["nope=http://x"], recipes)
    with pytest.raises(InputError, match="not an http"):
        recipes["govuk"].with_base_url("ftp://x")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "x"\nadapter = "html"\nbase_url = "https://a.org"\nhosts = ["a.org"]\nspeed = 1\n',
            "unknown key 'speed'",
        ),
        (
            'name = "x"\nadapter = "html"\nbase_url = "https://a.org"\n',
            "missing required key 'hosts'",
        ),
        (
            'name = "x"\nadapter = "magic"\nbase_url = "https://a.org"\nhosts = ["a.org"]\n',
            "adapter 'magic'",
        ),
        (
            'name = "x"\nadapter = "html"\nbase_url = "https://b.org"\nhosts = ["a.org"]\n',
            "must be http",
        ),
        (
            'name = "x"\nadapter = "html"\nbase_url = "https://a.org"\nhosts = ["a.org"]\ndelay = -1\n',
            "'delay'",
        ),
        ('name = "x\n', "not valid TOML"),
    ],
)
def test_recipes_bad_recipe_errors_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        load_recipe(path)
    assert str(path) in str(info.value)


def test_recipes_duplicate_names_rejected(tmp_path: Path) -> None:
    text = 'name = "x"\nadapter = "html"\nbase_url = "https://a.org"\nhosts = ["a.org"]\n'
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    (tmp_path / "b.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="already used"):
        load_recipes(tmp_path)


def test_recipes_ship_in_the_wheel(tmp_path: Path) -> None:
    """Build the wheel offline, install it into a folder and load the recipes from there."""
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--disable-pip-version-check",
            "--no-index",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("policytext-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "scrapers").glob("*.toml")}
    assert {f"policytext/scrapers/{n}" for n in shipped} <= names
    # Every package of the source tree is in the wheel (the package list is explicit).
    for init in (ROOT / "src" / "policytext").rglob("__init__.py"):
        assert init.relative_to(ROOT / "src").as_posix() in names
    target = tmp_path / "site"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert install.returncode == 0, install.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import policytext.collect.recipes as r, sys; rs = r.load_recipes(); "
            "assert r.__file__.startswith(sys.argv[1]), r.__file__; print(','.join(sorted(rs)))",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(target), "PATH": ""},
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == ",".join(sorted(n.removesuffix(".toml") for n in shipped))


def test_recipes_api_queries_get_full_days_for_partial_dates() -> None:
    """--since 2011 / --until 2011-05 become whole days: the GOV.UK Search API rejects
    "from:2011" (422) and Hansard reads endDate=2012 as 1 January."""
    from urllib.parse import parse_qs, urlsplit

    recipes = load_recipes()
    seeds = adapter_for(recipes["govuk"]).seeds(since="2011", until="2012-05")
    windows = [parse_qs(urlsplit(s.url).query)["filter_public_timestamp"][0] for s in seeds]
    # public_timestamp is the last update: year slices from the start, the last open-ended.
    assert windows[:2] == ["from:2011-01-01,to:2011-12-31", "from:2012-01-01,to:2012-12-31"]
    assert windows[-1].startswith("from:") and ",to:" not in windows[-1]
    from dataclasses import replace
    from types import MappingProxyType

    by_id = replace(recipes["hansard"], discover=MappingProxyType({"member_id": 1510}))
    (seed,) = adapter_for(by_id).seeds(since="2012", until="2012")
    query = parse_qs(urlsplit(seed.url).query)
    assert query["queryParameters.startDate"] == ["2012-01-01"]
    assert query["queryParameters.endDate"] == ["2012-12-31"]
    assert query["queryParameters.memberId"] == ["1510"]
    assert seed.metadata == {"from": "2012-01-01", "to": "2012-12-31", "member_id": "1510"}
    (lookup,) = adapter_for(recipes["hansard"]).seeds(since="2012", until="2012")
    assert lookup.url.startswith("https://members-api.parliament.uk/api/Members/Search?Name=Ed+Miliband")
