"""The GOV.UK recipe on the real Content API JSON of ../shared/data/govuk-content-api,
replayed by a local server at /api/content/<base_path> (realdata: skipped when absent)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from policytext.cli import main
from policytext.people import resolve_speaker
from policytext.store.corpus import Corpus
from site_server import Reply, SiteServer

pytestmark = pytest.mark.realdata


def _speeches(shared_data: Path) -> list[dict]:  # type: ignore[type-arg]
    folder = shared_data / "govuk-content-api" / "speech"
    by_path: dict[str, dict] = {}  # type: ignore[type-arg]
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        data["_raw"] = path.read_bytes()
        # Some example files share a base_path (one URL, one response): keep the withdrawn one.
        if data["base_path"] not in by_path or data.get("withdrawn_notice"):
            by_path[data["base_path"]] = data
    return list(by_path.values())


def test_sources_govuk_real_content_api_json(
    shared_data: Path, site_server: SiteServer, tmp_path: Path, runner: CliRunner
) -> None:
    speeches = _speeches(shared_data)
    assert len(speeches) >= 10
    for data in speeches:
        site_server.routes["/api/content" + data["base_path"]] = Reply(
            body=data["_raw"], content_type="application/json"
        )
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        "".join(f'[[document]]\nurl = "https://www.gov.uk{d["base_path"]}"\n\n' for d in speeches),
        encoding="utf-8",
    )
    db = tmp_path / "c.db"
    result = runner.invoke(
        main,
        [
            "scrape",
            "--catalogue",
            str(catalogue),
            "--base-url",
            f"govuk={site_server.url}",
            "--db",
            str(db),
            "--delay",
            "0",
            "--archive",
            str(tmp_path / "a.warc.gz"),
        ],
    )
    assert result.exit_code == 0, result.output
    with Corpus.open(db) as corpus:
        docs = {d.url: d for d in corpus.query()}
    assert len(docs) == len(speeches)
    for data in speeches:
        doc = docs[f"https://www.gov.uk{data['base_path']}"]
        details, links = data["details"], data.get("links", {})
        # The local date GOV.UK states (2014-04-30T00:00:00+01:00 is the 30th, not the UTC 29th).
        assert doc.date == details["delivered_on"][:10]
        assert doc.title == " ".join(data["title"].split())
        assert doc.status == ("withdrawn" if data.get("withdrawn_notice") else "ok")
        assert "<" not in doc.text and "</" not in doc.text and len(doc.text) > 20
        raw_speaker = (links.get("speaker") or [{}])[0].get("title") or details.get("speaker_without_profile")
        assert doc.speaker and raw_speaker
        assert "Rt Hon" not in doc.speaker and not doc.speaker.endswith(" MP")
        # The canonical name the people registry gives for the speaker GOV.UK names.
        assert doc.speaker == resolve_speaker(raw_speaker, date=doc.date)
        # The body's own text, nothing more or less: no markup, no page furniture.
        body_text = BeautifulSoup(details["body"], "lxml").get_text()
        assert re.sub(r"\s+", "", doc.text) == re.sub(r"\s+", "", body_text), doc.url
        assert "&amp;" not in doc.text and "&nbsp;" not in doc.text
    by_base = {d.url.removeprefix("https://www.gov.uk"): d for d in docs.values()}
    assert (
        by_base["/government/speeches/anti-corruption-summit-2016-pms-closing-remarks"].speaker
        == "David Cameron"
    )
    oral = by_base[
        "/government/speeches/stop-and-search-comprehensive-package-of-reform-for-police-stop-and-search-powers"
    ]
    assert oral.date == "2014-04-30" and oral.speaker == "Theresa May"
    assert "withdrawn" in {d.status for d in docs.values()}
    from policytext.collect.scrape import document_attributes

    with Corpus.open(db) as corpus:
        speech_types = {document_attributes(corpus, d.id or "").get("speech_type") for d in docs.values()}
    assert "Original script, may differ from delivered version" in speech_types


def test_sources_govuk_real_publications(shared_data: Path, site_server: SiteServer, tmp_path: Path) -> None:
    from policytext.collect.fetch import FetchSettings
    from policytext.collect.scrape import scrape
    from site_server import make_pdf

    folder = shared_data / "govuk-content-api"
    for path in [
        *folder.joinpath("publication").glob("*.json"),
        *folder.joinpath("html_publication").glob("*.json"),
    ]:
        data = json.loads(path.read_text(encoding="utf-8"))
        site_server.routes["/api/content" + data["base_path"]] = Reply(
            body=path.read_bytes(), content_type="application/json"
        )
    featured = json.loads((folder / "publication" / "publication-with-featured-attachments.json").read_text())
    # Another example file shares its base_path; serve the one with the attachment.
    site_server.routes["/api/content" + featured["base_path"]] = Reply(
        body=(folder / "publication" / "publication-with-featured-attachments.json").read_bytes(),
        content_type="application/json",
    )
    pdf_path = featured["details"]["attachments"][0]["url"].removeprefix(
        "https://assets.publishing.service.gov.uk"
    )
    site_server.routes[pdf_path] = Reply(
        body=make_pdf([["A paper about local power and choice."]]), content_type="application/pdf"
    )
    names = [
        "best-practice-cmd-list",
        "publication-with-featured-attachments",
        "political_publication",
        "withdrawn_publication",
    ]
    bases = {n: json.loads((folder / "publication" / f"{n}.json").read_text())["base_path"] for n in names}
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        "".join(f'[[document]]\nid = "{n}"\nurl = "https://www.gov.uk{b}"\n\n' for n, b in bases.items()),
        encoding="utf-8",
    )
    with Corpus.open(tmp_path / "c.db") as corpus:
        summary = scrape(
            corpus,
            catalogue=catalogue,
            base_urls={"govuk": site_server.url},
            settings=FetchSettings(delay=0, retries=0),
        )
        assert summary.failed == [], summary.report()
        rail = corpus.get("best-practice-cmd-list")
        assert rail is not None and rail.url.startswith(
            "https://www.gov.uk/government/publications/a-strategic-vision"
        )
        assert rail.url.endswith("/connecting-people-a-strategic-vision-for-rail")  # the HTML child
        assert len(rail.text) > 5000 and "<" not in rail.text
        pdf = corpus.get("publication-with-featured-attachments")
        assert pdf is not None and pdf.text == "A paper about local power and choice."
        assert pdf.url.startswith("https://assets.publishing.service.gov.uk/government/uploads/")
        withdrawn = corpus.get("withdrawn_publication")
        assert withdrawn is not None and withdrawn.status == "withdrawn"
