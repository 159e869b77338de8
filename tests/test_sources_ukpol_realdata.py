"""The ukpol recipe on the real ukpol.co.uk records of ../shared/data/ukpol_speeches
(realdata: skipped when absent). Each record's post is rebuilt as a page in the site's
shape (h1 title, WordPress "admin" byline, the archive's note, then the speech) and
served locally: the speaker comes from the note, never from the byline."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from policytext.collect.fetch import FetchSettings
from policytext.collect.scrape import scrape
from policytext.store.corpus import Corpus
from site_server import Reply, SiteServer

pytestmark = pytest.mark.realdata


def _page(record: dict) -> bytes:  # type: ignore[type-arg]
    paragraphs = [record.get("summary") or ""] + [
        p for p in record.get("content", []) if p.strip() and not p.lstrip().startswith("[![")
    ]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><body><article><h1>{html.escape(record['title'])}</h1>"
        '<div class="cm-below-entry-meta"><span class="cm-author">'
        f'<a href="/author/{record["author"]}/">{html.escape(record["author"])}</a></span></div>'
        f'<div class="cm-entry-summary">{body}</div></article></body></html>'
    ).encode()


def test_sources_ukpol_real_records_speaker_never_the_site_account(
    shared_data: Path, site_server: SiteServer, tmp_path: Path
) -> None:
    files = sorted((shared_data / "ukpol_speeches" / "data").rglob("*.json"))[::5]
    records = {}
    for path in files:
        record = json.loads(path.read_text("utf-8"))
        record["content"] = eval_list(record["content"])
        if not any(p.strip() for p in record["content"]):
            continue
        slug = path.stem
        site_server.routes[f"/{slug}/"] = Reply(body=_page(record))
        records[slug] = record
    assert len(records) >= 80
    assert {r["author"] for r in records.values()} == {"admin"}  # the site's poster, not a speaker
    catalogue = tmp_path / "c.toml"
    catalogue.write_text(
        "".join(
            f'[[document]]\nid = "{slug}"\nurl = "https://www.ukpol.co.uk/{slug}/"\n\n' for slug in records
        ),
        encoding="utf-8",
    )
    with Corpus.open(tmp_path / "c.db") as corpus:
        summary = scrape(
            corpus,
            catalogue=catalogue,
            base_urls={"ukpol": site_server.url},
            settings=FetchSettings(delay=0, retries=0),
        )
        docs = {d.id: d for d in corpus.query()}
    assert not summary.failed, summary.report()
    assert len(docs) == len(records)
    named = 0
    for slug, doc in docs.items():
        assert doc.speaker is None or doc.speaker.lower() != "admin", slug
        if doc.speaker:
            named += 1
            # The file name starts with the speaker's surname; the Queen's Speeches are hers
            # (the canonical name, not "HM Queen Elizabeth II"), read by Prince Charles in 2022.
            if slug.startswith("queen-elizabeth-ii"):
                assert doc.speaker in {"Queen Elizabeth II", "Prince Charles"}, (slug, doc.speaker)
            else:
                assert slug.split("-")[0] in doc.speaker.lower(), (slug, doc.speaker)
        # The archive's note is not part of the speech text.
        assert not re.match(r"Below is the (?:full )?(?:text|copy|transcript) of", doc.text), slug
    print(f"ukpol: {named} of {len(docs)} documents have a speaker from the note")
    assert named >= 0.85 * len(docs)


def eval_list(value: object) -> list[str]:
    """The records store ``content`` as the text of a Python list of strings."""
    import ast

    if isinstance(value, list):
        return [str(v) for v in value]
    parsed = ast.literal_eval(str(value))
    return [str(v) for v in parsed]
