"""Re-run the extraction of a scrape from its WARC archive, with no network."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from policytext.collect._scraper import Job as _Job
from policytext.collect._scraper import Scraper as _Scraper
from policytext.collect.fetch import (
    Fetcher,
    FetchSettings,
    read_archive,
)
from policytext.collect.recipes import Recipe, load_recipes
from policytext.collect.sources import Target
from policytext.collect.summary import ScrapeSummary
from policytext.store.corpus import Corpus

__all__ = ["scrape_archive"]


def _succeeded(record: Any) -> bool:
    return bool(200 <= record.status < 300)


def scrape_archive(
    corpus: Corpus,
    archive: str | Path,
    *,
    recipes: Mapping[str, Recipe] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    progress: bool = False,
) -> ScrapeSummary:
    """Re-run extraction from a WARC archive written by :func:`scrape`; no network.

    The latest successful response of each URL is extracted with the recipe
    that fetched it and stored with the same provenance as the live run.

    Example::

        >>> with Corpus.open(":memory:") as corpus:                          # doctest: +SKIP
        ...     scrape_archive(corpus, "corpus/archive/scrape.warc.gz").stored
        12
    """
    all_recipes = dict(recipes if recipes is not None else load_recipes())
    latest: dict[str, Any] = {}
    for record in read_archive(archive):
        source = record.extra.get("WARC-Policytext-Source")
        if not source or record.status == 304 or 300 <= record.status < 400 or record.truncated:
            continue
        earlier = latest.get(record.url)
        if earlier is not None and _succeeded(earlier) and not _succeeded(record):
            # A later error (a retried 5xx, a failed re-run appending to the same file)
            # does not hide the response the document was extracted from.
            continue
        latest[record.url] = record
    fetcher = Fetcher(FetchSettings(obey_robots=False))
    scraper = _Scraper(corpus, fetcher, since=since, until=until, limit=limit, progress=progress)
    scraper.cache = {}
    try:
        for record in latest.values():
            if scraper.stop.is_set():
                break
            name = record.extra["WARC-Policytext-Source"]
            if name not in all_recipes:
                scraper.summary.failed.append(
                    (record.url, f"{record.url}: archived by unknown recipe {name!r}")
                )
                continue
            recipe = all_recipes[name]
            if record.extra.get("WARC-Policytext-Base-URL"):
                recipe = recipe.with_base_url(record.extra["WARC-Policytext-Base-URL"])
            try:
                info = json.loads(record.extra.get("WARC-Policytext-Target") or "{}")
            except json.JSONDecodeError:
                info = {}
            target = Target(
                url=str(info.get("url") or record.url),
                kind=record.extra.get("WARC-Policytext-Kind", "document"),
                metadata=info.get("metadata") or {},
                catalogue_id=info.get("catalogue_id"),
                origin_url=info.get("origin_url"),
            )
            job = _Job(
                recipe,
                target,
                str(info.get("label") or name),
                from_catalogue=bool(info.get("from_catalogue")),
            )
            scraper.summary.fetched += 1
            scraper.handle_response(job, record.as_response(), follow=False)
            while not scraper.results.empty():
                scraper.store(scraper.results.get())
    finally:
        scraper.close()
    return scraper.summary
