"""Hansard: a member's spoken Commons contributions through the Hansard API.

``[discover]`` gives ``member_id`` (from members-api.parliament.uk), ``house``
and ``take`` (page size). Each search answer holds whole contributions, so the
documents come straight from the listing; the next page is followed until
``TotalResultCount``. A contribution's URL is the API's permalink for its
``ContributionExtId``.

Example::

    >>> from policytext.collect.recipes import load_recipes
    >>> HansardAdapter(load_recipes()["hansard"]).seeds(since="2012-01-01", until="2012-12-31")[0].kind
    'listing'
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from policytext.collect.extract import html_to_text
from policytext.collect.fetch import Response
from policytext.collect.sources import Adapter, Extraction, Page, Target, date_window
from policytext.errors import ExtractionError, InputError

__all__ = ["HansardAdapter"]


class HansardAdapter(Adapter):
    """Hansard API ``search/contributions/Spoken.json`` for one member."""

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """The first search page for the member and window."""
        member = self.recipe.discover.get("member_id")
        if not member:
            raise InputError(f"{self.recipe.path}: [discover] member_id is needed to crawl Hansard")
        # startDate / endDate are full days: "--until 2012" means to 31 December 2012.
        low, high = date_window(
            since,
            until,
            default_since=str(self.recipe.discover.get("since", "1997-01-01")),
            default_until=str(self.recipe.discover.get("until", "2015-12-31")),
        )
        return [Target(url=self._url(low, high, 0), kind="listing", metadata={"from": low, "to": high})]

    def _url(self, low: str, high: str, skip: int) -> str:
        discover = self.recipe.discover
        params = {
            "queryParameters.memberId": str(discover.get("member_id")),
            "queryParameters.startDate": low,
            "queryParameters.endDate": high,
            "queryParameters.take": str(discover.get("take", 50)),
            "queryParameters.skip": str(skip),
            "queryParameters.orderBy": "SittingDateAsc",
            "queryParameters.house": str(discover.get("house", "Commons")),
        }
        return f"{self.recipe.base_url}/search/contributions/Spoken.json?{urlencode(params)}"

    def extract(self, response: Response, target: Target) -> Extraction:
        """Every contribution on the page, and the next page."""
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ExtractionError(f"{target.url}: not Hansard API JSON ({exc})") from None
        results = data.get("Results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise ExtractionError(f"{target.url}: Hansard answer without a 'Results' list")
        pages: list[Page | None] = []
        failures: list[tuple[str, str]] = []
        for item in results:
            if not isinstance(item, dict):
                continue
            try:
                pages.append(self._page(item, target))
            except ExtractionError as exc:
                # One contribution without text must not cost the page's others or the paging.
                failures.append((self._url_of(item), str(exc)))
        follow: list[Target] = []
        skip = int(_param(target.url, "queryParameters.skip") or 0)
        total = int(data.get("TotalResultCount") or 0)
        if results and skip + len(results) < total and "from" in target.metadata:
            follow.append(
                Target(
                    url=self._url(target.metadata["from"], target.metadata["to"], skip + len(results)),
                    kind="listing",
                    metadata=target.metadata,
                )
            )
        return Extraction(
            pages=tuple(p for p in pages if p is not None),
            follow=tuple(follow),
            failures=tuple(failures),
        )

    def _url_of(self, item: dict[str, Any]) -> str:
        ext_id = item.get("ContributionExtId")
        return f"{self.recipe.home}/search/parlisearchredirect.json?externalId={ext_id}"

    def _page(self, item: dict[str, Any], target: Target) -> Page | None:
        html = item.get("ContributionTextFull") or item.get("ContributionText")
        ext_id = item.get("ContributionExtId")
        if not html or not ext_id:
            return None
        text = html_to_text(f"<div>{html}</div>", where=self._url_of(item)).text
        return Page(
            url=self._url_of(item),
            text=text,
            title=item.get("DebateSection"),
            speaker=item.get("MemberName") or item.get("AttributedTo"),
            date=str(item.get("SittingDate") or "")[:10] or None,
            doc_type="debate",
            venue=f"House of {item['House']}" if item.get("House") else None,
        )


def _param(url: str, name: str) -> str | None:
    from urllib.parse import parse_qs, urlsplit

    values = parse_qs(urlsplit(url).query).get(name)
    return values[0] if values else None


ADAPTER = HansardAdapter
