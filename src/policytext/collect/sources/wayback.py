"""The Internet Archive's Wayback Machine: discovery through its CDX API and raw captures.

``[discover]``: ``prefixes`` (URL prefixes to list, e.g. a gone site's
``labour-speeches.sayit.mysociety.org/speech/``), ``link_pattern`` (a regular
expression the original URL must match), ``from`` / ``to`` (capture dates,
``YYYY[MMDD...]``) and ``limit`` (rows per CDX page). The query asks for
``matchType=prefix``, ``collapse=urlkey`` (one row per page), only ``200``
HTML captures, and ``showResumeKey=true``: an answer that ends with a resume
key is continued with ``resumeKey=`` until none is left.

Captures are fetched raw (``/web/<timestamp>id_/<original-url>``: the original
bytes, without the toolbar or rewritten links) and extracted by the recipe of
the original URL's host (SayIt's selectors for a SayIt page) or, for a host no
recipe knows, as a generic page. The stored URL is the original one.

The archive asks crawlers to go slowly: the recipe's delay holds one request at
a time to ``web.archive.org``, and the fetcher backs off on 429 (honouring
``Retry-After``).

Example::

    >>> to_raw_capture("https://web.archive.org/web/20130101000000/http://example.org/a")
    'https://web.archive.org/web/20130101000000id_/http://example.org/a'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from policytext.collect.extract import extract_html
from policytext.collect.fetch import Response
from policytext.collect.recipes import Recipe, load_recipes
from policytext.collect.sources import Adapter, Extraction, Page, Target, adapter_for
from policytext.collect.sources.cdx import parse_cdx, raw_capture_url, raw_replay_url
from policytext.collect.sources.ukgwa import CdxListing

__all__ = ["WaybackAdapter", "original_of", "to_raw_capture"]

_CAPTURE = re.compile(r"^/web/(\d{1,14})(?:[a-z]{2}_|\*)?/(https?://.+|[^/].+)$")


def to_raw_capture(url: str) -> str:
    """A Wayback replay URL in its raw ``<timestamp>id_`` form (others unchanged)."""
    return raw_replay_url(url, _CAPTURE, "web")


def original_of(url: str) -> str | None:
    """The original URL inside a Wayback capture URL, or None."""
    parts = urlsplit(url)
    match = _CAPTURE.match(parts.path + (f"?{parts.query}" if parts.query else ""))
    if not match:
        return None
    original = match.group(2)
    return original if "://" in original else f"http://{original}"


class WaybackAdapter(Adapter):
    """CDX discovery and raw captures from the Wayback Machine."""

    def __init__(self, recipe: Recipe) -> None:
        super().__init__(recipe)
        self.listing = CdxListing(self.recipe.discover.get("link_pattern"))
        self._recipes: dict[str, Recipe] | None = None

    # -- discovery -----------------------------------------------------------------

    def _query(self, prefix: str, resume_key: str | None = None) -> str:
        discover = self.recipe.discover
        params: list[tuple[str, str]] = [
            ("url", prefix),
            ("matchType", "prefix"),
            ("output", "json"),
            ("collapse", "urlkey"),
            ("filter", "statuscode:200"),
            ("filter", "mimetype:text/html"),
            ("showResumeKey", "true"),
            ("limit", str(discover.get("limit", 1000))),
        ]
        for key in ("from", "to"):
            if discover.get(key):
                params.append((key, str(discover[key])))
        if resume_key:
            params.append(("resumeKey", resume_key))
        return f"{self.recipe.base_url}/cdx/search/cdx?{urlencode(params)}"

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """One CDX query per prefix (the dates are applied to the documents found)."""
        prefixes = self.recipe.discover.get("prefixes") or []
        if not prefixes:
            return super().seeds(since=since, until=until)
        return [
            Target(url=self._query(str(p)), kind="listing", metadata={"prefix": str(p)}) for p in prefixes
        ]

    def resolve(self, url: str, *, metadata: Mapping[str, str] | None = None) -> Target:
        """A capture link becomes its raw form; the original URL is kept as the public one."""
        raw = to_raw_capture(url)
        return Target(url=raw, metadata=dict(metadata or {}), origin_url=original_of(raw))

    # -- extraction --------------------------------------------------------------------

    def extract(self, response: Response, target: Target) -> Extraction:
        """A CDX answer gives captures (and the next page); a capture gives the document."""
        if target.kind == "listing":
            return self._cdx(response, target)
        return self._capture(response, target)

    def _cdx(self, response: Response, target: Target) -> Extraction:
        answer = parse_cdx(response.body, where=target.url)
        root = f"{self.recipe.base_url}{self.recipe.replay_path or '/web'}"
        follow = [
            Target(url=raw_capture_url(root, c), origin_url=c.url) for c in self.listing.new(answer.captures)
        ]
        if answer.resume_key and "prefix" in target.metadata:
            follow.append(
                Target(
                    url=self._query(target.metadata["prefix"], answer.resume_key),
                    kind="listing",
                    metadata=target.metadata,
                )
            )
        return Extraction(follow=tuple(follow))

    def _recipe_for(self, url: str) -> Recipe | None:
        if self._recipes is None:
            self._recipes = load_recipes()
        host = urlsplit(url).netloc.lower()
        for recipe in self._recipes.values():
            if recipe.adapter not in ("wayback", "pdf") and host in recipe.hosts:
                return recipe
        return None

    def _capture(self, response: Response, target: Target) -> Extraction:
        original = target.origin_url or original_of(target.url) or target.url
        target = Target(
            url=target.url,
            kind=target.kind,
            metadata=target.metadata,
            catalogue_id=target.catalogue_id,
            origin_url=original,
        )
        recipe = self._recipe_for(original)
        if recipe is not None:
            return adapter_for(recipe).extract(response, target)
        extracted = extract_html(response.body, where=target.url, declared=response.charset)
        return Extraction(pages=(Page(url=original, text=extracted.text, title=extracted.title),))


ADAPTER = WaybackAdapter
