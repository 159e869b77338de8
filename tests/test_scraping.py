"""End-to-end scrapes of every recipe against a real server on 127.0.0.1, with faults."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from policytext.collect.fetch import FetchSettings, read_archive
from policytext.collect.scrape import scrape, scrape_archive
from policytext.errors import InputError
from policytext.store.corpus import Corpus
from site_server import Reply, SiteServer, make_pdf

FIXTURES = Path(__file__).parent / "fixtures"
FAST = FetchSettings(delay=0.0, backoff=0.02, retries=1, connect_timeout=2, read_timeout=1)
JSON = "application/json"


def fixture(*parts: str) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()


def white_paper_pdf() -> bytes:
    pages = [
        ["Open Public Services", "The state will decentral-", "ise power to citizens.", "1"],
        ["Open Public Services", "Every parent will have a choice.", "2"],
        ["Open Public Services", "Communities will run services.", "3"],
    ]
    return make_pdf(pages)


def serve_govuk(server: SiteServer) -> None:
    routes = {
        "/api/content/government/speeches/pm-speech-on-local-power": "speech-bst.json",
        "/api/content/government/speeches/deputy-pm-on-community-rights": "speech-withdrawn.json",
        "/api/content/government/speeches/queens-speech-2013": "speech-no-profile.json",
        "/api/content/government/speeches/empty-speech": "speech-empty.json",
        "/api/content/government/publications/open-public-services-white-paper": "publication-pdf.json",
        "/api/content/government/publications/communities-in-control": "publication-html.json",
        "/api/content/government/publications/communities-in-control/communities-in-control-html": "html-publication.json",
    }
    for path, name in routes.items():
        server.routes[path] = Reply(body=fixture("govuk", name), content_type=JSON)
    server.routes["/media/ops-white-paper.pdf"] = Reply(
        body=white_paper_pdf(), content_type="application/pdf"
    )
    server.routes["/api/content/government/speeches/removed"] = Reply(
        410, b'{"schema_name": "gone"}', content_type=JSON
    )


def serve_bps(server: SiteServer) -> None:
    server.routes["/speech-archive.htm"] = Reply(body=fixture("bps", "index.html"))
    for number in (203, 310, 999):
        server.routes[f"/speech-archive.htm?speech={number}"] = Reply(
            body=fixture("bps", f"speech-{number}.html")
        )


def write_catalogue(tmp_path: Path, entries: list[dict[str, str]]) -> Path:
    lines = []
    for entry in entries:
        lines.append("[[document]]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in entry.items()]
        lines.append("")
    path = tmp_path / "catalogue.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_scraping_catalogue_govuk_and_bps(site_server: SiteServer, corpus: Corpus, tmp_path: Path) -> None:
    serve_govuk(site_server)
    serve_bps(site_server)
    summary = scrape(
        corpus,
        catalogue=FIXTURES / "catalogue" / "small.toml",
        base_urls={"govuk": site_server.url, "bps": site_server.url},
        archive=tmp_path / "a.warc.gz",
        settings=FAST,
    )
    assert summary.failed == [] and summary.stored == 4, summary.report()
    speech = corpus.get("cameron-2012-local-power")
    assert speech is not None
    assert speech.speaker == "David Cameron"
    assert speech.date == "2012-06-04"  # the local date GOV.UK states, not the UTC 3rd
    assert speech.venue == "Town Hall, Leeds"  # the page wins over the catalogue
    assert speech.url == "https://www.gov.uk/government/speeches/pm-speech-on-local-power"
    assert speech.source == "govuk" and speech.status == "ok" and speech.doc_type == "speech"
    assert speech.text.startswith("Good morning. Power should sit with people")
    assert "<" not in speech.text and "\n\nWhat comes next\n\n" in speech.text
    assert speech.warc_file == str(tmp_path / "a.warc.gz") and speech.warc_offset is not None
    assert speech.sha256 == __import__("hashlib").sha256(fixture("govuk", "speech-bst.json")).hexdigest()
    from policytext.collect.scrape import document_attributes

    attributes = document_attributes(corpus, "cameron-2012-local-power")
    assert attributes["speech_type"] == "Transcript of the speech, exactly as it was delivered"
    assert attributes["government"] == "2010-to-2015-conservative-and-liberal-democrat-coalition-government"
    assert attributes["delivered_on"] == "2012-06-04T00:00:00+01:00"
    withdrawn = corpus.get("clegg-2011-community-rights")
    assert withdrawn is not None and withdrawn.status == "withdrawn" and withdrawn.speaker == "Nick Clegg"
    assert withdrawn.party == "Liberal Democrat"
    paper = corpus.get("ops-white-paper")
    assert paper is not None and paper.doc_type == "white_paper"
    assert (
        paper.text == "The state will decentralise power to citizens.\nEvery parent will have a choice.\n"
        "Communities will run services."
    )
    assert paper.title == "Open Public Services White Paper" and paper.date == "2011-07-11"
    blair = corpus.get("blair-1997-conference")
    assert blair is not None and blair.speaker == "Tony Blair" and blair.party == "Labour"
    assert blair.date == "1997-09-30"  # the page states only 1997: the catalogue's exact day fills it
    assert blair.venue == "Brighton"
    assert "archive's own" not in blair.text and "cookies" not in blair.text and "Share" not in blair.text
    assert blair.text.startswith("Today I want to talk about a modern country")


def test_scraping_archive_replay_gives_same_documents(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    serve_govuk(site_server)
    serve_bps(site_server)
    archive = tmp_path / "a.warc.gz"
    scrape(
        corpus,
        catalogue=FIXTURES / "catalogue" / "small.toml",
        base_urls={"govuk": site_server.url, "bps": site_server.url},
        archive=archive,
        settings=FAST,
    )
    live = {d.id: d.to_record() for d in corpus.query()}
    site_server.stop()  # no network from here on
    with Corpus.open(tmp_path / "replay.db") as replay:
        summary = scrape_archive(replay, archive)
        replayed = {d.id: d.to_record() for d in replay.query()}
    assert summary.failed == []
    assert set(replayed) == set(live) and len(live) == 4
    for doc_id, record in live.items():
        other = replayed[doc_id]
        for key in (
            "text",
            "speaker",
            "party",
            "date",
            "title",
            "doc_type",
            "venue",
            "url",
            "status",
            "sha256",
            "retrieved_at",
            "warc_file",
            "warc_offset",
            "source",
        ):
            assert other[key] == record[key], (doc_id, key)


def test_scraping_faults_reported_and_nothing_stored_for_them(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    serve_govuk(site_server)
    base = site_server.url
    site_server.routes["/robots.txt"] = Reply(
        body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    site_server.routes["/private/a.pdf"] = Reply(body=white_paper_pdf(), content_type="application/pdf")
    site_server.routes["/gone.pdf"] = Reply(404, b"no")
    site_server.routes["/flaky.pdf"] = [
        Reply(500, b"oops"),
        Reply(body=white_paper_pdf(), content_type="application/pdf"),
    ]
    site_server.routes["/busy.pdf"] = [
        Reply(429, b"", headers={"Retry-After": "1"}),
        Reply(body=white_paper_pdf(), content_type="application/pdf"),
    ]
    site_server.routes["/stall.pdf"] = Reply(body=white_paper_pdf(), delay=3, content_type="application/pdf")
    site_server.routes["/away.pdf"] = Reply(
        302, b"", headers={"Location": "http://elsewhere.example.org/x.pdf"}
    )
    site_server.routes["/huge.pdf"] = Reply(
        body=b"%PDF-1.4\n" + b"0" * 3_000_000, content_type="application/pdf"
    )
    site_server.routes["/truncated.pdf"] = Reply(body=white_paper_pdf()[:300], content_type="application/pdf")
    catalogue = write_catalogue(
        tmp_path,
        [
            {"id": name, "url": f"{base}/{path}", "title": name}
            for name, path in [
                ("robots", "private/a.pdf"),
                ("missing", "gone.pdf"),
                ("flaky", "flaky.pdf"),
                ("busy", "busy.pdf"),
                ("stall", "stall.pdf"),
                ("away", "away.pdf"),
                ("huge", "huge.pdf"),
                ("truncated", "truncated.pdf"),
            ]
        ]
        + [
            {"id": "removed", "url": "https://www.gov.uk/government/speeches/removed"},
            {"id": "empty", "url": "https://www.gov.uk/government/speeches/empty-speech"},
        ],
    )
    settings = FetchSettings(delay=0, backoff=0.02, retries=1, read_timeout=0.5, max_bytes=1_000_000)
    summary = scrape(
        corpus,
        catalogue=catalogue,
        base_urls={"govuk": base},
        archive=tmp_path / "f.warc.gz",
        settings=settings,
    )
    stored = {d.id for d in corpus.query()}
    assert stored == {"flaky", "busy"}, summary.report()
    failures = {f["url"]: f["reason"] for f in corpus.failures()}
    report = summary.report()
    assert [url for url, _ in summary.robots] == [f"{base}/private/a.pdf"]
    assert "disallowed by robots.txt" in failures[f"{base}/private/a.pdf"]
    assert failures[f"{base}/gone.pdf"].endswith("HTTP 404")
    assert "time-out" in failures[f"{base}/stall.pdf"]
    assert (
        "elsewhere.example.org" in failures[f"{base}/away.pdf"]
        and "not a host" in failures[f"{base}/away.pdf"]
    )
    assert "byte cap" in failures[f"{base}/huge.pdf"]
    assert "broken PDF" in failures[f"{base}/truncated.pdf"]
    assert (
        "gone from GOV.UK (HTTP 410)"
        in failures["https://www.gov.uk/api/content/government/speeches/removed"]
    )
    assert "no details.body" in failures["https://www.gov.uk/api/content/government/speeches/empty-speech"]
    assert len(summary.failed) == 6 and len(summary.gone) == 1
    assert "1 skipped by robots.txt" in report and "6 failed" in report and "failed: " in report
    busy_times = [r.at for r in site_server.requests if r.path == "/busy.pdf"]
    assert busy_times[1] - busy_times[0] >= 0.95  # Retry-After honoured
    # What is reported, fault by fault: every failure on its own line with its URL and reason;
    # the retried ones (500 then 200, 429 then 200) are counted as stored, not as failures.
    lines = report.splitlines()
    assert lines[0].startswith("fetched ") and "stored 2 new" in lines[0], report
    assert f"robots.txt: {base}/private/a.pdf" in lines
    for path, reason in [
        ("gone.pdf", "HTTP 404"),
        ("stall.pdf", "time-out"),
        ("away.pdf", "elsewhere.example.org"),
        ("huge.pdf", "byte cap"),
        ("truncated.pdf", "broken PDF"),
    ]:
        assert any(
            line.startswith("failed: ") and f"{base}/{path}" in line and reason in line for line in lines
        ), (path, report)
    assert any(line.startswith("gone: ") and "/government/speeches/removed" in line for line in lines), report
    assert not any("flaky" in line or "busy" in line for line in lines), report
    assert site_server.paths().count("/flaky.pdf") == 2  # the 500, then the 200
    assert site_server.paths().count("/busy.pdf") == 2  # the 429, then the 200
    assert all(d.text != "" for d in corpus.query())


def test_scraping_cp1252_page_declared_utf8_and_malformed_html(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    page = (
        "<html><body><h3>Leader's speech, Bournemouth 1999</h3>"
        "<p class='speech-speaker'>Tony Blair (Labour)"
        "<div class='speech-content'><p>The forces of conservatism \u2013 we\u2019ll take them on"
        "<p>Power to the people \u00a3 <b>unclosed"
    ).encode("cp1252")
    site_server.routes["/speech-archive.htm?speech=205"] = Reply(
        body=page, content_type="text/html; charset=utf-8"
    )
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": "b99",
                "url": "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=205",
            }
        ],
    )
    summary = scrape(corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST)
    assert summary.failed == []
    doc = corpus.get("b99")
    assert doc is not None
    assert (
        doc.text
        == "The forces of conservatism \u2013 we\u2019ll take them on\n\nPower to the people \u00a3 unclosed"
    )
    assert doc.speaker == "Tony Blair" and doc.date == "1999"


def test_scraping_utf8_page_declared_iso_8859_1(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    """Many servers label every page ISO-8859-1 by default: a UTF-8 page must not be stored
    as mojibake ("It\u00e2\u20ac\u2122s")."""
    page = (
        "<html><body><div class='speech-content'><p>It\u2019s about \u00a35 and "
        "\u2018people power\u2019.</p></div></body></html>"
    ).encode()
    site_server.routes["/speech-archive.htm?speech=206"] = Reply(
        body=page, content_type="text/html; charset=ISO-8859-1"
    )
    catalogue = write_catalogue(
        tmp_path,
        [{"id": "u8", "url": "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=206"}],
    )
    summary = scrape(corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST)
    assert summary.failed == [] and summary.stored == 1, summary.report()
    doc = corpus.get("u8")
    assert doc is not None and doc.text == "It\u2019s about \u00a35 and \u2018people power\u2019."


def test_scraping_killed_mid_run_and_rerun(site_server: SiteServer, db_path: Path, tmp_path: Path) -> None:
    pages = {}
    for i in range(6):
        body = f"<html><body><h1>Speech {i}</h1><div class='speech-content'><p>Text of speech {i}.</p></div></body></html>"
        pages[i] = body.encode()
        site_server.routes[f"/speech-archive.htm?speech={i}"] = Reply(body=pages[i])
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": f"s{i}",
                "url": f"http://www.britishpoliticalspeech.org/speech-archive.htm?speech={i}",
            }
            for i in range(6)
        ],
    )
    # First run "killed" after three documents: --limit stops it the way an interrupt would,
    # between two stored documents.
    with Corpus.open(db_path) as corpus:
        first = scrape(
            corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST, limit=3
        )
        assert first.stored == 3 and corpus.count() == 3
    site_server.clear()
    with Corpus.open(db_path) as corpus:
        second = scrape(corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST)
        assert corpus.count() == 6
        ids = [row[0] for row in corpus.conn.execute("SELECT id FROM documents")]
    assert sorted(ids) == [f"s{i}" for i in range(6)]  # no duplicates
    assert second.stored == 3 and second.unchanged == 3
    fetched = [p for p in site_server.paths() if p.startswith("/speech-archive")]
    assert len(fetched) == 3  # what was stored is not downloaded again


def test_scraping_interrupted_by_an_exception_keeps_what_was_stored(
    site_server: SiteServer, db_path: Path, tmp_path: Path
) -> None:
    for i in range(4):
        site_server.routes[f"/speech-archive.htm?speech={i}"] = Reply(
            body=f"<html><body><div class='speech-content'><p>Speech {i}.</p></div></body></html>".encode()
        )
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": f"s{i}",
                "url": f"http://www.britishpoliticalspeech.org/speech-archive.htm?speech={i}",
            }
            for i in range(4)
        ],
    )
    import policytext.collect.scrape as scraping

    original = scraping._Scraper._store_pages
    calls = {"n": 0}

    def dying(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    with Corpus.open(db_path) as corpus:
        scraping._Scraper._store_pages = dying  # type: ignore[method-assign]
        try:
            with pytest.raises(KeyboardInterrupt):
                scrape(corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST)
        finally:
            scraping._Scraper._store_pages = original  # type: ignore[method-assign]
        assert corpus.count() == 2
    site_server.clear()
    with Corpus.open(db_path) as corpus:
        summary = scrape(corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST)
        assert corpus.count() == 4 and summary.stored == 2
    assert len([p for p in site_server.paths() if p.startswith("/speech-archive")]) == 2


def test_scraping_conditional_refetch_downloads_nothing_unchanged(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    from site_server import Request

    body = fixture("govuk", "speech-bst.json")

    def speech(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"abc"':
            return Reply(304, b"", content_type=JSON)
        return Reply(body=body, headers={"ETag": '"abc"'}, content_type=JSON)

    site_server.routes["/api/content/government/speeches/pm-speech-on-local-power"] = speech
    catalogue = write_catalogue(
        tmp_path, [{"url": "https://www.gov.uk/government/speeches/pm-speech-on-local-power"}]
    )
    first = scrape(corpus, catalogue=catalogue, base_urls={"govuk": site_server.url}, settings=FAST)
    second = scrape(corpus, catalogue=catalogue, base_urls={"govuk": site_server.url}, settings=FAST)
    assert first.stored == 1 and second.stored == 0 and second.unchanged == 1
    conditional = [r for r in site_server.requests if r.path.startswith("/api/")][1]
    assert conditional.headers["if-none-match"] == '"abc"'
    assert corpus.count() == 1


def test_scraping_govuk_source_discovery_with_paging(site_server: SiteServer, corpus: Corpus) -> None:
    serve_govuk(site_server)

    def search(request):  # type: ignore[no-untyped-def]
        start = "start=2" in request.path
        return Reply(body=fixture("govuk", "search-2.json" if start else "search-1.json"), content_type=JSON)

    site_server.routes["/api/search.json"] = search
    summary = scrape(
        corpus,
        sources=["govuk"],
        base_urls={"govuk": site_server.url},
        since="2011-01-01",
        until="2013-12-31",
        settings=FAST,
    )
    assert summary.failed == [] and corpus.count() == 3, summary.report()
    speakers = sorted(d.speaker or "" for d in corpus.query())
    # The registry gives the canonical name for "Her Majesty the Queen".
    assert speakers == ["David Cameron", "Nick Clegg", "Queen Elizabeth II"]
    searches = [p for p in site_server.paths() if p.startswith("/api/search.json")]
    assert any("filter_people=david-cameron" in p for p in searches)
    assert any("from%3A2011-01-01" in p for p in searches)


def test_scraping_govuk_html_publication_preferred(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    serve_govuk(site_server)
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": "cic",
                "url": "https://www.gov.uk/government/publications/communities-in-control",
                "speaker": "Hazel Blears",
            }
        ],
    )
    summary = scrape(corpus, catalogue=catalogue, base_urls={"govuk": site_server.url}, settings=FAST)
    doc = corpus.get("cic")
    assert doc is not None, summary.report()
    assert (
        doc.doc_type == "white_paper"
        and doc.text == "Foreword\n\nWe want to pass power into the hands of local communities."
    )
    assert doc.speaker == "Hazel Blears" and doc.date == "2008-07-09"


def test_scraping_bps_source_listing_and_withheld(site_server: SiteServer, corpus: Corpus) -> None:
    serve_bps(site_server)
    summary = scrape(corpus, sources=["bps"], base_urls={"bps": site_server.url}, settings=FAST)
    assert corpus.count() == 2 and summary.failed == []
    assert len(summary.gone) == 1 and "copyright issue" in summary.gone[0]
    assert sorted(d.speaker or "" for d in corpus.query()) == ["David Cameron", "Tony Blair"]
    # The page gives only the year; the index row's dd/mm/yyyy date is kept.
    assert sorted(d.date or "" for d in corpus.query()) == ["1997-09-30", "2010-10-06"]
    assert {d.url for d in corpus.query()} == {
        "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=203",
        "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=310",
    }


def test_scraping_since_until_filter(site_server: SiteServer, corpus: Corpus) -> None:
    serve_bps(site_server)
    summary = scrape(
        corpus,
        sources=["bps"],
        base_urls={"bps": site_server.url},
        since="2000",
        until="2011",
        settings=FAST,
    )
    assert [d.speaker for d in corpus.query()] == ["David Cameron"] and summary.outside_dates == 1


def test_scraping_sayit_speaker_pages(site_server: SiteServer, corpus: Corpus) -> None:
    # Pages written from SayIt's own templates: the banner and instance <h1>s come before
    # the speech's title; "Previous", page numbers and "Next" are all ?page=N links.
    site_server.routes["/speaker/ed-miliband"] = Reply(body=fixture("sayit", "speaker.html"))
    site_server.routes["/speaker/ed-miliband?page=2"] = Reply(body=fixture("sayit", "speaker-2.html"))
    site_server.routes["/speaker/jon-cruddas"] = Reply(body=b"<html><body><h1>Jon Cruddas</h1></body></html>")
    for n in (101, 102, 103):
        site_server.routes[f"/speech/{n}"] = Reply(body=fixture("sayit", f"speech-{n}.html"))
    summary = scrape(corpus, sources=["sayit"], base_urls={"sayit": site_server.url}, settings=FAST)
    assert summary.failed == [] and corpus.count() == 3, summary.report()
    docs = {d.url.rsplit("/", 1)[1]: d for d in corpus.query()}
    assert {n: (d.title, d.speaker, d.date) for n, d in docs.items()} == {
        "101": ("One Nation speech", "Ed Miliband", "2012-10-02"),
        "102": ("Hugo Young lecture", "Ed Miliband", "2014-02-07"),
        "103": ("Speech on markets", "Ed Miliband", "2013-05-22"),
    }
    one_nation = docs["101"]
    assert one_nation.party == "Labour"
    assert (
        one_nation.text
        == "One Nation: a country where everyone has a stake.\n\nWhere power is spread, not hoarded."
    )
    assert one_nation.url == "https://labour-speeches.sayit.mysociety.org/speech/101"
    paths = site_server.paths()
    assert paths.count("/speaker/ed-miliband?page=2") == 1  # page 2 followed, once
    assert "/speaker/ed-miliband?page=1" not in paths  # page 2's "Previous" is page 1 itself
    assert all(paths.count(f"/speech/{n}") == 1 for n in (101, 102, 103))


def _ukgwa_pages(site_server: SiteServer) -> None:
    site_server.routes["/ukgwa/20070601120000id_/http://www.number10.gov.uk/output/Page1.asp"] = Reply(
        body=fixture("ukgwa", "page1.html")
    )
    site_server.routes["/ukgwa/20080301120000id_/http://www.number10.gov.uk/output/page2.asp"] = Reply(
        body=fixture("ukgwa", "page2.html")
    )
    site_server.routes[
        "/ukgwa/20100511090500id_/http://www.number10.gov.uk/news/speeches-and-transcripts/"
        "2010/05/statement-on-the-election-12345"
    ] = Reply(body=fixture("ukgwa", "brown-speech.html"))


def _ukgwa_check(corpus: Corpus, summary: object) -> None:
    assert corpus.count() == 3, summary.report()  # type: ignore[attr-defined]
    docs = {d.date: d for d in corpus.query()}
    assert {date: (d.title, d.speaker) for date, d in docs.items()} == {
        "2007-01-23": ("PM's speech on public service reform", "Tony Blair"),
        "2007-07-03": ("PM speech on the constitution", "Gordon Brown"),
        "2010-05-10": ("Statement on the election", "Gordon Brown"),
    }
    assert docs["2007-01-23"].text == (
        "PM's speech on public service reform\n\n23 January 2007\n\n"
        "Public services must be shaped around the people who use them.\n\n"
        "That means choice, and a voice, for every patient and parent."
    )
    assert "archived" not in docs["2007-01-23"].text and "Crown copyright" not in docs["2007-01-23"].text
    assert "Related links" not in docs["2007-01-23"].text
    assert docs["2010-05-10"].text == (
        "Statement on the election\n\n"
        "The country has spoken, and every voice deserves to be heard.\n\n"
        "Power belongs with the people and their Parliament."
    )


def test_scraping_ukgwa_cdx_raw_mementos_banner_stripped(site_server: SiteServer, corpus: Corpus) -> None:
    """pywb's NDJSON answer (``url`` key), a server that ignores showNumPages and page=N."""

    def cdx(request):  # type: ignore[no-untyped-def]
        if "speeches-and-transcripts" in request.path and "topics" not in request.path:
            return Reply(body=fixture("ukgwa", "cdx-brown.ndjson"), content_type="text/x-ndjson")
        if "www.number10.gov.uk%2Foutput" in request.path:
            return Reply(body=fixture("ukgwa", "cdx.ndjson"), content_type="text/x-ndjson")
        return Reply(body=b"", content_type="text/x-ndjson")

    site_server.routes["/ukgwa/cdx"] = cdx
    _ukgwa_pages(site_server)
    summary = scrape(corpus, sources=["ukgwa"], base_urls={"ukgwa": site_server.url}, settings=FAST)
    assert summary.failed == [], summary.report()
    _ukgwa_check(corpus, summary)
    mementos = [p for p in site_server.paths() if "id_/" in p]
    assert len(mementos) == 3  # Page1.asp and page1.asp (two captures) fetched once; no index, no css


def test_scraping_ukgwa_cdx_paged(site_server: SiteServer, corpus: Corpus) -> None:
    """A server that pages: showNumPages gives the count, then every page is fetched."""
    from urllib.parse import parse_qs, urlsplit

    lines = fixture("ukgwa", "cdx.ndjson").splitlines(keepends=True)
    pages = {"0": b"".join(lines[:2]), "1": b"".join(lines[2:])}

    def cdx(request):  # type: ignore[no-untyped-def]
        query = parse_qs(urlsplit(request.path).query)
        prefix = query["url"][0]
        if prefix == "www.number10.gov.uk/news/speeches-and-transcripts/":
            body = (
                b'{"pages": 1, "pageSize": 5, "blocks": 1}'
                if "showNumPages" in query
                else fixture("ukgwa", "cdx-brown.ndjson")
            )
            return Reply(body=body, content_type="text/x-ndjson")
        if prefix != "www.number10.gov.uk/output/":
            return Reply(body=b'{"pages": 0}', content_type="text/x-ndjson")
        if "showNumPages" in query:
            return Reply(body=b'{"pages": 2, "pageSize": 5, "blocks": 2}', content_type="text/x-ndjson")
        return Reply(body=pages[query["page"][0]], content_type="text/x-ndjson")

    site_server.routes["/ukgwa/cdx"] = cdx
    _ukgwa_pages(site_server)
    summary = scrape(corpus, sources=["ukgwa"], base_urls={"ukgwa": site_server.url}, settings=FAST)
    assert summary.failed == [], summary.report()
    _ukgwa_check(corpus, summary)
    asked = [p for p in site_server.paths() if p.startswith("/ukgwa/cdx") and "number10.gov.uk%2Foutput" in p]
    assert sum("page=" in p for p in asked) == 2, asked


def test_cdx_parses_both_archive_formats() -> None:
    from policytext.collect.sources.cdx import parse_cdx

    ndjson = parse_cdx(fixture("ukgwa", "cdx.ndjson"), where="u")
    assert [c.url for c in ndjson.captures][:2] == [
        "http://www.number10.gov.uk/output/Page1.asp",
        "http://www.number10.gov.uk/output/page1.asp",
    ]
    wayback = parse_cdx(
        b'[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],'
        b'["org,x)/a","20120101000000","http://x.org/a","text/html","200","D","1"],[],["KEY 1"]]',
        where="u",
    )
    assert wayback.captures[0].url == "http://x.org/a" and wayback.resume_key == "KEY 1"
    with pytest.raises(InputError.__mro__[1], match="u: CDX answer line 2 is not JSON"):
        parse_cdx(b'{"url": "http://a", "timestamp": "2007"}\n{oops', where="u")


def test_scraping_hansard_member_contributions(site_server: SiteServer, corpus: Corpus) -> None:
    def spoken(request):  # type: ignore[no-untyped-def]
        assert "queryParameters.memberId=1510" in request.path  # looked up by name
        page = "spoken-2.json" if "skip=2" in request.path else "spoken-1.json"
        return Reply(body=fixture("hansard", page), content_type=JSON)

    site_server.routes["/search/contributions/Spoken.json"] = spoken
    site_server.routes["/api/Members/Search"] = Reply(
        body=fixture("hansard", "members-search.json"), content_type=JSON
    )
    summary = scrape(
        corpus,
        sources=["hansard"],
        base_urls={"hansard": site_server.url},
        since="2012-01-01",
        until="2012-12-31",
        settings=FAST,
    )
    assert summary.failed == [] and corpus.count() == 3
    docs = sorted(corpus.query(), key=lambda d: d.date or "")
    assert [d.date for d in docs] == ["2012-01-11", "2012-01-18", "2012-02-01"]
    assert (
        docs[0].speaker == "Ed Miliband"
        and docs[0].doc_type == "debate"
        and docs[0].venue == "House of Commons"
    )
    assert docs[0].url == "https://hansard-api.parliament.uk/search/parlisearchredirect.json?externalId=C1"


def test_scraping_hosts_run_in_parallel(tmp_path: Path, corpus: Corpus) -> None:
    # Two hosts on 127.0.0.1 (a host is host:port): no traffic to any other address.
    servers = [SiteServer("127.0.0.1").start() for _ in range(2)]
    try:
        entries = []
        for n, server in enumerate(servers):
            for i in range(4):
                server.routes[f"/d{i}.pdf"] = Reply(body=white_paper_pdf(), content_type="application/pdf")
                entries.append({"id": f"h{n}-{i}", "url": f"{server.url}/d{i}.pdf"})
        catalogue = write_catalogue(tmp_path, entries)
        summary = scrape(
            corpus,
            catalogue=catalogue,
            settings=FetchSettings(delay=0.2, retries=0, private_hosts=frozenset({"127.0.0.1"})),
        )
    finally:
        for server in servers:
            server.stop()
    assert summary.stored == 8
    # The hosts' request spans overlap: each host's queue ran while the other's did.
    first, second = ([r.at for r in server.requests] for server in servers)
    assert second[0] < first[-1] and first[0] < second[-1]
    for server in servers:
        times = [r.at for r in server.requests]
        assert all(b - a >= 0.19 for a, b in zip(times, times[1:], strict=False))


def test_scraping_rejects_bad_arguments(corpus: Corpus, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="either a catalogue"):
        scrape(corpus)
    with pytest.raises(InputError, match="--source nope: unknown source"):
        scrape(corpus, sources=["nope"])
    with pytest.raises(InputError, match="unknown source 'zzz'"):
        scrape(corpus, sources=["bps"], base_urls={"zzz": "http://127.0.0.1:1"})
    assert corpus.count() == 0


def test_scraping_archive_written_for_every_response(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    serve_bps(site_server)
    archive = tmp_path / "x.warc.gz"
    scrape(corpus, sources=["bps"], base_urls={"bps": site_server.url}, archive=archive, settings=FAST)
    urls = [r.url for r in read_archive(archive)]
    assert len(urls) == len(site_server.requests)  # robots.txt, the listing and three pages
    assert any(u.endswith("/robots.txt") for u in urls)
    assert threading.active_count() < 50


def test_scraping_ukpol_editorial_note_dropped(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    site_server.routes["/gordon-brown-2008-speech/"] = Reply(body=fixture("ukpol", "speech.html"))
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": "gb",
                "url": "https://www.ukpol.co.uk/gordon-brown-2008-speech/",
                "speaker": "Gordon Brown",
            }
        ],
    )
    summary = scrape(corpus, catalogue=catalogue, base_urls={"ukpol": site_server.url}, settings=FAST)
    doc = corpus.get("gb")
    assert doc is not None, summary.report()
    assert (
        doc.text == "Communities should be in control of the services they rely on.\n\nThat is our mission."
    )
    assert doc.date == "2008-07-09" and doc.speaker == "Gordon Brown"
    assert doc.url == "https://www.ukpol.co.uk/gordon-brown-2008-speech/"


def test_scraping_ukpol_speaker_from_note_never_the_site_account(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    """The post's byline names the account that posted it ("admin"), not the speaker: the
    speaker comes from the archive's note, else stays empty (or the catalogue's)."""
    from dataclasses import replace

    from policytext.collect.recipes import load_recipes

    page = fixture("ukpol", "speech.html")
    site_server.routes["/gordon-brown-2008-speech/"] = Reply(body=page)
    site_server.routes["/a-speech-by-the-chancellor/"] = Reply(
        body=page.replace(
            b"made by Gordon Brown, the then Prime Minister,",
            b"made by the Chancellor of the Exchequer, Alistair Darling,",
        )
    )
    site_server.routes["/no-name/"] = Reply(
        body=page.replace(b"made by Gordon Brown, the then Prime Minister,", b"made")
    )
    site_server.routes["/tony-blair-2004-speech/"] = Reply(
        body=page.replace(
            b"Below is the text of the speech made by Gordon Brown, the then Prime Minister, "
            b"in London on 9 July 2008.",
            b"The speech made by the then Prime Minister, Tony Blair, in Sedgefield on 5 March 2004.",
        )
    )
    catalogue = write_catalogue(
        tmp_path,
        [
            {"id": "gb", "url": "https://www.ukpol.co.uk/gordon-brown-2008-speech/"},
            {"id": "ad", "url": "https://www.ukpol.co.uk/a-speech-by-the-chancellor/"},
            {"id": "anon", "url": "https://www.ukpol.co.uk/no-name/"},
            {"id": "tb", "url": "https://www.ukpol.co.uk/tony-blair-2004-speech/"},
        ],
    )
    recipes = load_recipes()
    # Even a recipe that reads the byline as the speaker does not store the site account.
    recipes["ukpol"] = replace(
        recipes["ukpol"], extract={**recipes["ukpol"].extract, "speaker": ".cm-author"}
    )
    summary = scrape(
        corpus,
        catalogue=catalogue,
        base_urls={"ukpol": site_server.url},
        settings=FAST,
        recipes=recipes,
    )
    assert summary.failed == [] and summary.stored == 4, summary.report()
    speakers = {d.id: d.speaker for d in corpus.query()}
    assert speakers == {"gb": "Gordon Brown", "ad": "Alistair Darling", "anon": None, "tb": "Tony Blair"}
    blair = corpus.get("tb")
    assert blair is not None and blair.date == "2004-03-05"
    assert blair.text.startswith("Communities should be in control")  # the note is not the speech
    assert "admin" not in {str(d.speaker).lower() for d in corpus.query()}


def test_scraping_process_killed_mid_run_and_rerun(site_server: SiteServer, tmp_path: Path) -> None:
    """A real `policytext scrape` process killed with SIGKILL, then run again."""
    import os
    import signal
    import subprocess
    import sys
    import time

    # Speeches 0 and 1 are answered at once; the others are held until the process is
    # killed, so the kill always lands mid-run (no race with a timer on a loaded machine).
    release = threading.Event()

    def held(i: int):  # type: ignore[no-untyped-def]
        def reply(request):  # type: ignore[no-untyped-def]
            if i >= 2:
                release.wait(60)
            body = f"<html><body><div class='speech-content'><p>Speech {i}.</p></div></body></html>"
            return Reply(body=body.encode())

        return reply

    for i in range(8):
        site_server.routes[f"/speech-archive.htm?speech={i}"] = held(i)
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": f"s{i}",
                "url": f"http://www.britishpoliticalspeech.org/speech-archive.htm?speech={i}",
            }
            for i in range(8)
        ],
    )
    db = tmp_path / "c.db"
    command = [
        sys.executable,
        "-m",
        "policytext.cli",
        "scrape",
        "--catalogue",
        str(catalogue),
        "--base-url",
        f"bps={site_server.url}",
        "--db",
        str(db),
        "--delay",
        "0.4",
        "--quiet",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and stored < 2:
            time.sleep(0.1)
            if db.exists():
                with Corpus.open(db) as corpus:
                    stored = corpus.count()
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        release.set()
    with Corpus.open(db) as corpus:
        kept = {d.id for d in corpus.query()}
    assert len(kept) == 2
    site_server.clear()
    with Corpus.open(db) as corpus:
        summary = scrape(corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST)
        ids = [row[0] for row in corpus.conn.execute("SELECT id FROM documents")]
    assert sorted(ids) == [f"s{i}" for i in range(8)]
    assert summary.stored == 8 - len(kept)
    # Reported: the rest fetched and stored, what survived the kill unchanged, nothing failed.
    assert summary.unchanged == len(kept) and summary.failed == [], summary.report()
    assert f"stored {8 - len(kept)} new" in summary.report()
    refetched = {p.rsplit("=", 1)[1] for p in site_server.paths() if p.startswith("/speech-archive")}
    assert not refetched & {k.removeprefix("s") for k in kept}


def test_scraping_redirects_live_and_from_archive(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    serve_govuk(site_server)
    site_server.routes["/speech-archive.htm?speech=1"] = Reply(
        301, b"", headers={"Location": "/speech-archive.htm?speech=203"}
    )
    serve_bps(site_server)
    site_server.routes["/api/content/government/speeches/old-slug"] = Reply(
        body=b'{"schema_name": "redirect", "base_path": "/government/speeches/old-slug", "redirects": '
        b'[{"path": "/government/speeches/old-slug", "destination": '
        b'"/government/speeches/pm-speech-on-local-power"}]}',
        content_type=JSON,
    )
    catalogue = write_catalogue(
        tmp_path,
        [
            {
                "id": "moved",
                "url": "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=1",
            },
            {"id": "renamed", "url": "https://www.gov.uk/government/speeches/old-slug"},
        ],
    )
    archive = tmp_path / "r.warc.gz"
    summary = scrape(
        corpus,
        catalogue=catalogue,
        base_urls={"bps": site_server.url, "govuk": site_server.url},
        archive=archive,
        settings=FAST,
    )
    assert summary.failed == [] and summary.stored == 2, summary.report()
    moved, renamed = corpus.get("moved"), corpus.get("renamed")
    assert moved is not None and moved.speaker == "Tony Blair"
    assert moved.url == "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=203"
    assert renamed is not None and renamed.url.endswith("/government/speeches/pm-speech-on-local-power")
    with Corpus.open(tmp_path / "replay.db") as replay:
        again = scrape_archive(replay, archive)
        assert again.failed == [] and {d.id for d in replay.query()} == {"moved", "renamed"}
        assert replay.get("moved").url == moved.url  # type: ignore[union-attr]
    site_server.clear()
    rerun = scrape(
        corpus,
        catalogue=catalogue,
        base_urls={"bps": site_server.url, "govuk": site_server.url},
        settings=FAST,
    )
    assert rerun.stored == 0 and rerun.unchanged == 2
    assert not any("speech=" in p for p in site_server.paths())  # the redirected page is not fetched again


def test_scraping_refresh_refetches_pages_without_validators(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    """A server that sends no ETag/Last-Modified: a plain re-run downloads nothing; --refresh
    downloads again and stores a new version only when the content changed."""
    page = "<html><body><div class='speech-content'><p>{}</p></div></body></html>"
    path = "/speech-archive.htm?speech=7"
    site_server.routes[path] = Reply(body=page.format("Power to the people.").encode())
    catalogue = write_catalogue(
        tmp_path,
        [{"id": "s7", "url": "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=7"}],
    )

    def run(**kwargs: bool) -> object:
        return scrape(
            corpus, catalogue=catalogue, base_urls={"bps": site_server.url}, settings=FAST, **kwargs
        )

    first = run()
    assert first.stored == 1  # type: ignore[attr-defined]
    site_server.routes[path] = Reply(body=page.format("Power to the councils.").encode())
    site_server.clear()
    plain = run()
    assert plain.fetched == 0 and plain.unchanged == 1  # type: ignore[attr-defined]
    assert site_server.paths().count(path) == 0
    assert corpus.get("s7").text == "Power to the people."  # type: ignore[union-attr]
    refreshed = run(refresh=True)
    assert site_server.paths().count(path) == 1
    assert refreshed.stored == 1 and refreshed.unchanged == 0  # type: ignore[attr-defined]
    assert corpus.get("s7").text == "Power to the councils."  # type: ignore[union-attr]
    assert corpus.count(all_versions=True) == 2
    again = run(refresh=True)
    assert site_server.paths().count(path) == 2
    assert again.stored == 0 and again.unchanged == 1 and again.updated == 0  # type: ignore[attr-defined]
    assert "1 unchanged" in again.report()  # type: ignore[attr-defined]
    assert corpus.count(all_versions=True) == 2  # nothing stored twice


def test_scraping_archive_replay_prefers_the_success_over_a_later_error(
    site_server: SiteServer, tmp_path: Path
) -> None:
    """Two runs append to one archive; the second meets a server error for a page the first
    stored. The replay extracts the stored page, not the error."""
    path = "/speech-archive.htm?speech=8"
    site_server.routes[path] = Reply(
        body=b"<html><body><div class='speech-content'><p>Kept words.</p></div></body></html>"
    )
    catalogue = write_catalogue(
        tmp_path,
        [{"id": "s8", "url": "http://www.britishpoliticalspeech.org/speech-archive.htm?speech=8"}],
    )
    archive = tmp_path / "both.warc.gz"
    base_urls = {"bps": site_server.url}
    with Corpus.open(tmp_path / "live.db") as live:
        first = scrape(live, catalogue=catalogue, base_urls=base_urls, settings=FAST, archive=archive)
        assert first.stored == 1
    site_server.routes[path] = Reply(503, b"down for maintenance")
    with Corpus.open(tmp_path / "other.db") as other:
        second = scrape(other, catalogue=catalogue, base_urls=base_urls, settings=FAST, archive=archive)
        assert len(second.failed) == 1 and "HTTP 503" in second.failed[0][1]
    assert [r.status for r in read_archive(archive) if r.url.endswith("speech=8")][-1] == 503
    with Corpus.open(tmp_path / "replay.db") as replay:
        summary = scrape_archive(replay, archive)
        assert summary.failed == [] and summary.stored == 1, summary.report()
        doc = replay.get("s8")
        assert doc is not None and doc.text == "Kept words."


def test_scraping_hansard_contribution_without_text_fails_alone(
    site_server: SiteServer, corpus: Corpus
) -> None:
    """One contribution with no text is a failure of its own; the page's other
    contributions and the next page are still stored."""
    first = json.loads(fixture("hansard", "spoken-1.json"))
    empty = dict(first["Results"][0], ContributionExtId="C-EMPTY", ContributionTextFull="<p> </p>")
    empty["ContributionText"] = ""
    first["Results"].insert(0, empty)
    first["TotalResultCount"] += 1

    def spoken(request):  # type: ignore[no-untyped-def]
        if "skip=2" in request.path or "skip=3" in request.path:
            body = fixture("hansard", "spoken-2.json")
        else:
            body = json.dumps(first).encode()
        return Reply(body=body, content_type=JSON)

    site_server.routes["/search/contributions/Spoken.json"] = spoken
    site_server.routes["/api/Members/Search"] = Reply(
        body=fixture("hansard", "members-search.json"), content_type=JSON
    )
    summary = scrape(
        corpus,
        sources=["hansard"],
        base_urls={"hansard": site_server.url},
        since="2012-01-01",
        until="2012-12-31",
        settings=FAST,
    )
    assert corpus.count() == 3, summary.report()
    bad = "https://hansard-api.parliament.uk/search/parlisearchredirect.json?externalId=C-EMPTY"
    assert [url for url, _ in summary.failed] == [bad]
    assert "no text" in summary.failed[0][1]
    assert any(line.startswith("failed: ") and bad in line for line in summary.report().splitlines())
    assert "no text" in {f["url"]: f["reason"] for f in corpus.failures()}[bad]


def test_scraping_new_validators_for_same_content_are_kept(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    """A server that answers 200 with a new ETag but the same bytes: counted unchanged, and
    the new ETag is what the next run sends, so it can get a 304."""
    from site_server import Request

    body = fixture("govuk", "speech-bst.json")
    etags = iter(['"v1"', '"v2"', '"v2"'])

    def speech(request: Request) -> Reply:
        current = next(etags)
        if request.headers.get("if-none-match") == current:
            return Reply(304, b"", headers={"ETag": current}, content_type=JSON)
        return Reply(body=body, headers={"ETag": current}, content_type=JSON)

    site_server.routes["/api/content/government/speeches/pm-speech-on-local-power"] = speech
    catalogue = write_catalogue(
        tmp_path, [{"url": "https://www.gov.uk/government/speeches/pm-speech-on-local-power"}]
    )
    runs = [
        scrape(corpus, catalogue=catalogue, base_urls={"govuk": site_server.url}, settings=FAST)
        for _ in range(3)
    ]
    assert [r.stored for r in runs] == [1, 0, 0] and [r.unchanged for r in runs] == [0, 1, 1]
    sent = [r.headers.get("if-none-match") for r in site_server.requests if "/api/" in r.path]
    assert sent == [None, '"v1"', '"v2"']
    assert corpus.count(all_versions=True) == 1


def test_scraping_hansard_repeated_contribution_stored_once_and_member_by_name(
    site_server: SiteServer, corpus: Corpus
) -> None:
    """Order by date is not stable within a day: a contribution on two pages is stored once;
    --member picks another member by name through the Members API."""
    first = json.loads(fixture("hansard", "spoken-1.json"))
    second = json.loads(fixture("hansard", "spoken-2.json"))
    second["Results"].insert(0, dict(first["Results"][1]))  # C2 again on page 2
    second["TotalResultCount"] = first["TotalResultCount"] = 4
    asked: list[str] = []

    def spoken(request):  # type: ignore[no-untyped-def]
        asked.append(request.path)
        body = second if "skip=2" in request.path else first
        return Reply(body=json.dumps(body).encode(), content_type=JSON)

    site_server.routes["/search/contributions/Spoken.json"] = spoken
    site_server.routes["/api/Members/Search"] = Reply(
        body=fixture("hansard", "members-search.json"), content_type=JSON
    )
    summary = scrape(
        corpus,
        sources=["hansard"],
        base_urls={"hansard": site_server.url},
        since="2012",
        until="2012",
        member="Edwina Miliband-Example",
        settings=FAST,
    )
    assert summary.failed == [] and corpus.count() == 3, summary.report()
    assert sorted(d.url.rsplit("=", 1)[1] for d in corpus.query()) == ["C1", "C2", "C3"]
    assert all("queryParameters.memberId=90001" in path for path in asked)
    assert any("Name=Edwina+Miliband-Example" in p for p in site_server.paths())


def test_scraping_hansard_member_not_found_is_a_clear_failure(
    site_server: SiteServer, corpus: Corpus
) -> None:
    site_server.routes["/api/Members/Search"] = Reply(
        body=b'{"items": [], "totalResults": 0}', content_type=JSON
    )
    summary = scrape(
        corpus,
        sources=["hansard"],
        base_urls={"hansard": site_server.url},
        member="Nobody Atall",
        settings=FAST,
    )
    assert corpus.count() == 0
    assert "member 'Nobody Atall' is not one person in the Members API (found: none)" in summary.failed[0][1]


@pytest.mark.realdata
def test_hansard_query_parameters_are_in_the_real_swagger_spec() -> None:
    """Every parameter the adapter sends is one the API's own Swagger spec declares."""
    from urllib.parse import parse_qsl, urlsplit

    from policytext.collect.recipes import load_recipes
    from policytext.collect.sources.hansard import HansardAdapter

    spec_path = (
        Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "hansard-api" / "swagger.json"
    )
    if not spec_path.is_file():
        pytest.skip(f"{spec_path}: the Hansard Swagger spec is not here")
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    operation = spec["paths"]["/search/contributions/{contributionType}.{format}"]["get"]
    declared = {p["name"]: p for p in operation["parameters"]}
    adapter = HansardAdapter(load_recipes()["hansard"])
    url = adapter._url("2012-01-01", "2012-12-31", 0, "1510")
    params = parse_qsl(urlsplit(url).query)
    assert params, url
    for name, value in params:
        assert name in declared, name
        if declared[name].get("enum"):
            assert value in declared[name]["enum"]


def test_scraping_govuk_window_on_delivered_on_not_public_timestamp(
    site_server: SiteServer, corpus: Corpus
) -> None:
    """A 2012 speech updated in 2016 is found by --since 2012 --until 2012 (the search runs
    open-ended, the window is applied to delivered_on); a 2011 speech is not stored; the
    Arabic translation (<slug>.ar) is skipped."""
    serve_govuk(site_server)
    results = {
        "2016": [
            {
                "title": "PM speech on local power",
                "link": "/government/speeches/pm-speech-on-local-power",
                "public_timestamp": "2016-03-01T10:00:00+00:00",
            },
            {
                "title": "PM speech on local power (Arabic)",
                "link": "/government/speeches/pm-speech-on-local-power.ar",
                "public_timestamp": "2016-03-01T10:00:00+00:00",
            },
        ],
        "2012": [
            {
                "title": "Deputy PM on community rights",
                "link": "/government/speeches/deputy-pm-on-community-rights",
                "public_timestamp": "2012-01-10T10:00:00+00:00",
            }
        ],
    }

    def search(request):  # type: ignore[no-untyped-def]
        from urllib.parse import parse_qs, urlsplit

        window = parse_qs(urlsplit(request.path).query)["filter_public_timestamp"][0]
        found = results.get(window[5:9], [])
        return Reply(
            body=json.dumps({"results": found, "total": len(found), "start": 0}).encode(), content_type=JSON
        )

    site_server.routes["/api/search.json"] = search
    summary = scrape(
        corpus,
        sources=["govuk"],
        base_urls={"govuk": site_server.url},
        since="2012",
        until="2012",
        settings=FAST,
    )
    assert summary.failed == [] and [d.date for d in corpus.query()] == ["2012-06-04"], summary.report()
    assert summary.outside_dates == 1  # the speech delivered in 2011
    windows = [p for p in site_server.paths() if p.startswith("/api/search.json")]
    assert any("to%3A" not in p for p in windows)  # the last slice is open-ended
    assert "/api/content/government/speeches/pm-speech-on-local-power.ar" not in site_server.paths()


def test_sayit_older_speech_template_still_gives_speaker_and_date() -> None:
    """SayIt's earlier speech_detail.html put speaker and date in the page header's lead
    paragraph ("Statement made by <a>Name</a> on 2 Oct 2012"); the recipe reads that too."""
    from policytext.collect.fetch import Response
    from policytext.collect.recipes import load_recipes
    from policytext.collect.sources import Target, adapter_for

    page = (
        b"<!-- Written by hand after mysociety/sayit speeches/templates/speeches/speech_detail.html "
        b"(an earlier version); invented words. -->"
        b"<html><head><title>Fair shares :: SayIt</title></head><body><header><h1><a href='/'>SayIt</a></h1>"
        b"</header><div class='page-header'><h1>Fair shares</h1><p class='lead muted'>Statement made by "
        b"<a href='/speaker/7'>Ed Miliband</a> on 2 Oct 2012</p></div><div class='page-content__row'>"
        b"<div class='primary-content__unit'><div class='speech__content'><p>Everyone gets a fair share.</p>"
        b"</div></div></div></body></html>"
    )
    url = "https://labour-speeches.sayit.mysociety.org/speech/9"
    response = Response(url=url, final_url=url, status=200, headers={"content-type": "text/html"}, body=page)
    (doc,) = adapter_for(load_recipes()["sayit"]).extract(response, Target(url=url)).pages
    assert (doc.title, doc.speaker, doc.date, doc.text) == (
        "Fair shares",
        "Ed Miliband",
        "2012-10-02",
        "Everyone gets a fair share.",
    )
