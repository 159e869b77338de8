"""The Wayback Machine source: CDX discovery with resume keys, raw captures, a gone site
(SayIt) routed through the archive, and catalogue entries with ``archived = true``.
Everything is served by a local server standing in for web.archive.org."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from policytext.collect.fetch import FetchSettings
from policytext.collect.plan import plan_catalogue
from policytext.collect.scrape import scrape
from policytext.store.corpus import Corpus
from site_server import Reply, Request, SiteServer

FIXTURES = Path(__file__).parent / "fixtures"
FAST = FetchSettings(delay=0.0, backoff=0.02, retries=2, connect_timeout=2, read_timeout=2)
SAYIT = "https://labour-speeches.sayit.mysociety.org"
HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def fixture(*parts: str) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()


def _row(n: int, stamp: str) -> list[str]:
    key = f"org,mysociety,sayit,labour-speeches)/speech/{n}"
    return [key, stamp, f"{SAYIT}/speech/{n}", "text/html", "200", f"D{n}", "9000"]


def test_wayback_cdx_resume_key_paging_and_raw_captures(site_server: SiteServer, corpus: Corpus) -> None:
    asked: list[dict[str, list[str]]] = []
    throttled = [Reply(429, b"slow down", headers={"Retry-After": "0"}, content_type="text/plain")]

    def cdx(request: Request) -> Reply:
        query = parse_qs(urlsplit(request.path).query)
        if throttled:
            return throttled.pop()
        asked.append(query)
        if "conservative" in query["url"][0]:
            return Reply(body=json.dumps([HEADER]).encode(), content_type="application/json")
        if "resumeKey" not in query:
            rows = [HEADER, _row(101, "20150101000000"), _row(102, "20150102000000"), [], ["RK 102"]]
        else:
            rows = [HEADER, _row(103, "20160101000000")]
        return Reply(body=json.dumps(rows).encode(), content_type="application/json")

    site_server.routes["/cdx/search/cdx"] = cdx
    for n, stamp in ((101, "20150101000000"), (102, "20150102000000"), (103, "20160101000000")):
        site_server.routes[f"/web/{stamp}id_/{SAYIT}/speech/{n}"] = Reply(
            body=fixture("sayit", f"speech-{n}.html")
        )
    summary = scrape(corpus, sources=["wayback"], base_urls={"wayback": site_server.url}, settings=FAST)
    assert summary.failed == [] and corpus.count() == 3, summary.report()
    docs = {d.url: d for d in corpus.query()}
    # Stored under the original URL, extracted with SayIt's own selectors.
    assert {u: (d.title, d.speaker, d.date) for u, d in docs.items()} == {
        f"{SAYIT}/speech/101": ("One Nation speech", "Ed Miliband", "2012-10-02"),
        f"{SAYIT}/speech/102": ("Hugo Young lecture", "Ed Miliband", "2014-02-07"),
        f"{SAYIT}/speech/103": ("Speech on markets", "Ed Miliband", "2013-05-22"),
    }
    labour = [q for q in asked if "labour" in q["url"][0]]
    assert labour[0]["collapse"] == ["urlkey"] and labour[0]["matchType"] == ["prefix"]
    assert labour[0]["showResumeKey"] == ["true"] and labour[0]["from"] == ["2013"]
    assert labour[1]["resumeKey"] == ["RK 102"]
    assert not throttled  # the 429 was retried


def test_wayback_route_for_a_gone_site(site_server: SiteServer, corpus: Corpus) -> None:
    """--source sayit with no mirror of its own goes through the archive: raw captures of
    the speaker pages and speeches, the archive's redirect to its nearest capture followed."""
    base = "/web/2020id_/" + SAYIT
    site_server.routes[f"{base}/speaker/ed-miliband"] = Reply(body=fixture("sayit", "speaker.html"))
    site_server.routes[f"{base}/speaker/ed-miliband?page=2"] = Reply(body=fixture("sayit", "speaker-2.html"))
    site_server.routes[f"{base}/speaker/jon-cruddas"] = Reply(
        body=b"<html><body><h1>Jon Cruddas</h1></body></html>"
    )
    site_server.routes[f"{base}/speech/101"] = Reply(
        302, b"", headers={"Location": f"/web/20200315000000id_/{SAYIT}/speech/101"}
    )
    site_server.routes[f"/web/20200315000000id_/{SAYIT}/speech/101"] = Reply(
        body=fixture("sayit", "speech-101.html")
    )
    for n in (102, 103):
        site_server.routes[f"{base}/speech/{n}"] = Reply(body=fixture("sayit", f"speech-{n}.html"))
    summary = scrape(corpus, sources=["sayit"], base_urls={"wayback": site_server.url}, settings=FAST)
    assert summary.failed == [] and corpus.count() == 3, summary.report()
    assert {d.url for d in corpus.query()} == {f"{SAYIT}/speech/{n}" for n in (101, 102, 103)}
    assert all(d.speaker == "Ed Miliband" and d.title for d in corpus.query())


def test_wayback_catalogue_archived_entry_and_capture_link(
    site_server: SiteServer, corpus: Corpus, tmp_path: Path
) -> None:
    page = (
        b"<html><head><title>Gone site - Speech on power</title></head><body><nav>Home</nav>"
        b"<article><h1>Speech on power</h1><p>Power should sit with people and places.</p>"
        b"<p>That is the whole of the argument.</p></article></body></html>"
    )
    site_server.routes["/web/20100719id_/http://www.conservatives.example/News/Big_Society.aspx"] = Reply(
        body=page
    )
    site_server.routes["/web/20140207000000id_/http://press.labour.example/post/1/speech"] = Reply(body=page)
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(
        '[[document]]\nid = "big-society"\ndate = "2010-07-19"\narchived = true\n'
        'speaker = "David Cameron"\n'
        'url = "http://www.conservatives.example/News/Big_Society.aspx"\n\n'
        '[[document]]\nid = "press"\n'
        'url = "https://web.archive.org/web/20140207000000/http://press.labour.example/post/1/speech"\n',
        encoding="utf-8",
    )
    plan = {row["id"]: row for row in plan_catalogue(catalogue)}
    assert plan["big-society"]["recipe"] == "wayback"
    assert plan["big-society"]["fetch_url"] == (
        "https://web.archive.org/web/20100719id_/http://www.conservatives.example/News/Big_Society.aspx"
    )
    assert "archived" in plan["big-society"]["check"]
    assert plan["press"]["fetch_url"] == (
        "https://web.archive.org/web/20140207000000id_/http://press.labour.example/post/1/speech"
    )
    summary = scrape(corpus, catalogue=catalogue, base_urls={"wayback": site_server.url}, settings=FAST)
    assert summary.failed == [] and corpus.count() == 2, summary.report()
    doc = corpus.get("big-society")
    assert doc is not None and doc.url == "http://www.conservatives.example/News/Big_Society.aspx"
    assert doc.speaker == "David Cameron" and doc.date == "2010-07-19"
    assert "Power should sit with people and places." in doc.text and "Home" not in doc.text
    press = corpus.get("press")
    assert press is not None and press.url == "http://press.labour.example/post/1/speech"


def test_plan_catalogue_shows_the_archive_route_for_a_gone_site(tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(f'[[document]]\nid = "s"\nurl = "{SAYIT}/speech/101"\n', encoding="utf-8")
    (row,) = plan_catalogue(catalogue)
    assert row["recipe"] == "sayit"
    assert row["fetch_url"] == f"https://web.archive.org/web/2020id_/{SAYIT}/speech/101"
    assert row["check"].startswith("site gone: fetched through the archive")
