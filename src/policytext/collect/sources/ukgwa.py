"""UK Government Web Archive: archived Number 10 pages (Blair and Brown years).

Replay links (``/ukgwa/<timestamp>/<url>``, the older form without ``/ukgwa/``,
or ``mp_``-modified ones) are fetched in their raw ``id_`` form, so the
archive's banner and rewritten links are not in the bytes; any banner that is
left is removed by the recipe's ``drop`` selectors.

Discovery is a CDX query (``matchType=prefix``) over the recipe's ``prefixes``
(:mod:`policytext.collect.sources.cdx`). pywb answers one JSON object per line
with the original URL under ``url``, and pages large answers: the first query
asks ``showNumPages=true`` and every page ``0..N-1`` is then fetched; a server
that ignores ``showNumPages`` (and answers with captures) is paged with
``page=1, 2, ...`` until a page brings no new capture or is refused. Captures
are kept when their URL matches ``link_pattern`` (case-insensitive: IIS served
``Page1234.asp`` and ``page1234.asp`` alike), one per page URL (the first, i.e.
earliest, capture).

Example::

    >>> to_raw_memento("https://webarchive.nationalarchives.gov.uk/20070601000000/http://www.number10.gov.uk/output/Page1.asp")
    'https://webarchive.nationalarchives.gov.uk/ukgwa/20070601000000id_/http://www.number10.gov.uk/output/Page1.asp'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from policytext.collect.fetch import Response
from policytext.collect.recipes import Recipe
from policytext.collect.sources import Extraction, Target
from policytext.collect.sources.cdx import Capture, capture_key, parse_cdx, raw_capture_url, raw_replay_url
from policytext.collect.sources.html import HtmlAdapter

__all__ = ["CdxListing", "UkgwaAdapter", "to_raw_memento"]

_MEMENTO = re.compile(r"^/(?:ukgwa/)?(\d{8,14})(?:[a-z]{2}_)?/(.+)$")


def to_raw_memento(url: str) -> str:
    """An archive replay URL in its raw ``<timestamp>id_`` form (others unchanged)."""
    return raw_replay_url(url, _MEMENTO, "ukgwa")


def _stamp(date: str | None, *, end: bool) -> str | None:
    """A ``--since``/``--until`` date as a CDX ``from``/``to`` timestamp prefix."""
    if not date:
        return None
    from policytext.people import parse_date

    parsed = parse_date(date, where="--until" if end else "--since")
    day = parsed.last_day if end else parsed.first_day
    return day.strftime("%Y%m%d")


class CdxListing:
    """Keeps the captures already queued, so pages and prefixes give each page once."""

    def __init__(self, pattern: str | None) -> None:
        self.pattern = re.compile(pattern, re.IGNORECASE) if pattern else None
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def new(self, captures: tuple[Capture, ...]) -> list[Capture]:
        """The captures worth fetching that were not seen before (in answer order)."""
        out = []
        for capture in captures:
            if capture.status and capture.status not in ("200", "-"):
                continue
            if capture.mime and "html" not in capture.mime and capture.mime != "-":
                continue
            if self.pattern and not self.pattern.search(capture.url):
                continue
            key = capture_key(capture)
            with self._lock:
                if key in self._seen:
                    continue
                self._seen.add(key)
            out.append(capture)
        return out


class UkgwaAdapter(HtmlAdapter):
    """Number 10 pages in the UK Government Web Archive."""

    def __init__(self, recipe: Recipe) -> None:
        super().__init__(recipe)
        self.listing = CdxListing(self.recipe.discover.get("link_pattern"))

    def _query(self, prefix: str, since: str | None, until: str | None, **extra: Any) -> str:
        params: list[tuple[str, str]] = [
            ("url", prefix),
            ("matchType", "prefix"),
            ("output", "json"),
            ("filter", "status:200"),
            ("filter", "mimetype:text/html"),
        ]
        low, high = _stamp(since, end=False), _stamp(until, end=True)
        if low:
            params.append(("from", low))
        if high:
            params.append(("to", high))
        params += [(k, str(v)) for k, v in extra.items()]
        return f"{self.recipe.base_url}/ukgwa/cdx?{urlencode(params)}"

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """One page-count query per host prefix in the recipe."""
        seeds = []
        for prefix in self.recipe.discover.get("prefixes", []):
            metadata = {"cdx": "count", "prefix": str(prefix), "since": since or "", "until": until or ""}
            url = self._query(str(prefix), since, until, showNumPages="true")
            seeds.append(Target(url=url, kind="listing", metadata=metadata))
        return seeds

    def resolve(self, url: str, *, metadata: Mapping[str, str] | None = None) -> Target:
        """The raw (``id_``) memento of an archive link."""
        return Target(url=to_raw_memento(url), metadata=dict(metadata or {}))

    def extract(self, response: Response, target: Target) -> Extraction:
        """A CDX answer gives mementos to fetch (and more pages); a memento gives the speech."""
        if target.kind == "listing":
            return self._cdx(response, target)
        return super().extract(response, target)

    def _page_target(self, target: Target, page: int, *, probe: bool) -> Target:
        meta = dict(target.metadata)
        since, until = meta.get("since") or None, meta.get("until") or None
        meta.update(cdx="probe" if probe else "page", page=str(page))
        if probe:
            meta["optional"] = "1"  # a refused page past the end is the end, not a failure
        url = self._query(meta["prefix"], since, until, page=page)
        return Target(url=url, kind="listing", metadata=meta)

    def _cdx(self, response: Response, target: Target) -> Extraction:
        answer = parse_cdx(response.body, where=target.url)
        mode = target.metadata.get("cdx", "")
        follow: list[Target] = []
        if answer.pages is not None:
            if mode == "count":
                follow += [self._page_target(target, page, probe=False) for page in range(answer.pages)]
            return Extraction(follow=tuple(follow))
        fresh = self.listing.new(answer.captures)
        root = f"{self.recipe.base_url}/ukgwa"
        follow += [Target(url=raw_capture_url(root, c), origin_url=None) for c in fresh]
        if mode in ("count", "probe") and "prefix" in target.metadata:
            # The server ignored showNumPages (or pages by itself): ask for the next page
            # while pages bring captures not seen before.
            page = int(target.metadata.get("page", "0")) + 1
            if answer.captures and (fresh or mode == "count"):
                follow.append(self._page_target(target, page, probe=True))
        return Extraction(follow=tuple(follow))


ADAPTER = UkgwaAdapter
