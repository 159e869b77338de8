"""The scrape: catalogue entries or whole sources -> fetched, extracted, stored.

Work is queued per host: each host is drained by its own thread, one request
at a time with the recipe's delay, while different hosts run in parallel. The
main thread stores each document as soon as it is extracted, in its own
transaction, so a scrape killed mid-run keeps everything stored and a re-run
skips it: a URL already stored is fetched again only conditionally (ETag /
Last-Modified, from the ``http_cache`` table) or, when the server gave no
validators, not at all unless ``refresh`` asks (then a body with the stored
sha256 counts as unchanged). Every response goes to the WARC archive with a note of what it
was for, so :func:`scrape_archive` replays the extraction with no network.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> with Corpus.open("corpus/policytext.db") as corpus:              # doctest: +SKIP
    ...     summary = scrape(corpus, catalogue="corpus/catalogue.toml")
    ...     print(summary.report())
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from policytext.collect._scraper import Job as _Job
from policytext.collect._scraper import Scraper as _Scraper
from policytext.collect.catalogue import CatalogueEntry, load_catalogue
from policytext.collect.fetch import (
    Fetcher,
    FetchSettings,
    WarcArchive,
)
from policytext.collect.plan import plan_catalogue, route_entry
from policytext.collect.recipes import Recipe, load_recipes, with_archive_routes
from policytext.collect.replay import scrape_archive
from policytext.collect.summary import ScrapeSummary
from policytext.errors import (
    InputError,
)
from policytext.store import scrape_state
from policytext.store.corpus import Corpus

__all__ = [
    "ScrapeSummary",
    "default_archive_path",
    "document_attributes",
    "plan_catalogue",
    "scrape",
    "scrape_archive",
]

logger = logging.getLogger(__name__)


def default_archive_path(db: str | Path) -> Path:
    """``archive/scrape-<UTC time>.warc.gz`` beside the corpus database."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(db).parent / "archive" / f"scrape-{stamp}.warc.gz"


def _with_overrides(recipes: Mapping[str, Recipe], base_urls: Mapping[str, str]) -> dict[str, Recipe]:
    out = dict(recipes)
    for name, url in base_urls.items():
        if name not in out:
            raise InputError(
                f"--base-url {name}={url}: unknown source {name!r} (sources: {', '.join(sorted(out))})"
            )
        out[name] = out[name].with_base_url(url)
    return out


def _with_member(recipes: Mapping[str, Recipe], member: str) -> dict[str, Recipe]:
    """The Hansard recipes crawling ``member`` (by name) instead of their own member."""
    if not member.strip():
        raise InputError("--member: give a member's name, e.g. --member 'Ed Miliband'")
    out = dict(recipes)
    for name, recipe in recipes.items():
        if recipe.adapter == "hansard":
            discover = {k: v for k, v in recipe.discover.items() if k != "member_id"}
            discover["member"] = member.strip()
            out[name] = replace(recipe, discover=MappingProxyType(discover))
    return out


def _catalogue_jobs(
    entries: Iterable[CatalogueEntry], recipes: Mapping[str, Recipe], scraper: _Scraper
) -> list[_Job]:
    jobs = []
    for entry in entries:
        recipe, target, _doubts = route_entry(entry, recipes, scraper.adapter)
        jobs.append(_Job(recipe, target, recipe.name, from_catalogue=True))
    return jobs


def document_attributes(corpus: Corpus, doc_id: str) -> dict[str, str]:
    """Source facts stored beside a document (e.g. GOV.UK ``speech_type``).

    Example::

        >>> document_attributes(corpus, "cameron-2011-big-society")["speech_type"]  # doctest: +SKIP
        'Transcript of the speech, exactly as it was delivered'
    """
    return scrape_state.document_attributes(corpus, doc_id)


def scrape(
    corpus: Corpus,
    *,
    catalogue: str | Path | None = None,
    sources: Sequence[str] = (),
    base_urls: Mapping[str, str] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    archive: str | Path | None = None,
    settings: FetchSettings | None = None,
    recipes: Mapping[str, Recipe] | None = None,
    progress: bool = False,
    refresh: bool = False,
    member: str | None = None,
) -> ScrapeSummary:
    """Fetch, extract and store the catalogue's documents or whole sources.

    Parameters
    ----------
    corpus:
        The store documents, failures and HTTP validators are written to.
    catalogue:
        A catalogue file (``corpus/catalogue.toml``); exclusive with ``sources``.
    sources:
        Recipe names to crawl through their discovery (API, listings, CDX).
    base_urls:
        Source name -> origin, pointing a recipe elsewhere with paths unchanged.
    since, until:
        Inclusive date window (partial dates allowed) for discovery and storing.
    limit:
        Stop after this many documents have been stored.
    archive:
        The WARC file every response is appended to (none when omitted).
    settings:
        Politeness settings (:class:`~policytext.collect.fetch.FetchSettings`).
    recipes:
        Recipes by name (default: the shipped ones).
    progress:
        A progress bar per source on stderr.
    member:
        The Hansard member to crawl, by name (looked up through the Parliament
        Members API), instead of the recipe's.
    refresh:
        Also re-fetch stored URLs whose server gave no ETag/Last-Modified
        (by default they are not downloaded again); a response byte for byte
        the same as the stored one (sha256) counts as unchanged, a changed one
        is extracted and stored as a new version.

    Returns
    -------
    ScrapeSummary
        Counts and every failure with its reason.

    Raises
    ------
    InputError
        A bad catalogue, an unknown source, both or neither of catalogue and sources.

    Example::

        >>> with Corpus.open(":memory:") as corpus:                          # doctest: +SKIP
        ...     scrape(corpus, sources=["govuk"], since="2011", until="2011", limit=20).stored
        20
    """
    if bool(catalogue) == bool(sources):
        raise InputError(
            "give either a catalogue (--catalogue PATH) or sources (--source NAME), not both or neither"
        )
    if limit is not None and limit < 1:
        raise InputError(f"--limit {limit}: must be at least 1")
    all_recipes = _with_overrides(recipes if recipes is not None else load_recipes(), base_urls or {})
    if member is not None:
        all_recipes = _with_member(all_recipes, member)
    all_recipes = with_archive_routes(all_recipes)
    for name in sources:
        if name not in all_recipes:
            raise InputError(f"--source {name}: unknown source (sources: {', '.join(sorted(all_recipes))})")
    entries = load_catalogue(catalogue) if catalogue else []
    settings = settings or FetchSettings()
    warc = WarcArchive(archive) if archive else None
    with Fetcher(settings, archive=warc) as fetcher:
        for name in base_urls or {}:
            # A --base-url mirror was named by the user: it may be on a private address.
            for host in all_recipes[name].hosts:
                fetcher.allow_private_host(host)
        scraper = _Scraper(
            corpus,
            fetcher,
            since=since,
            until=until,
            limit=limit,
            progress=progress,
            refresh=refresh,
        )
        try:
            if catalogue:
                jobs = _catalogue_jobs(entries, all_recipes, scraper)
            else:
                jobs = []
                for name in sources:
                    recipe = all_recipes[name]
                    adapter = scraper.adapter(recipe)
                    jobs += [_Job(recipe, t, name) for t in adapter.seeds(since=since, until=until)]
            for job in jobs:
                scraper.submit(job)
            scraper.consume()
        finally:
            scraper.stop.set()
            scraper.close()
    return scraper.summary
