"""Hansard: a member's spoken Commons contributions through the Hansard API.

``[discover]`` gives the ``member`` by name (looked up through the Parliament
Members API, ``/api/Members/Search?Name=``; ``scrape --member NAME`` overrides
it) or a ``member_id``, and ``house`` and ``take`` (page size). The query
parameters are those of the API's Swagger spec (``queryParameters.memberId``,
``startDate``, ``endDate``, ``take``, ``skip``, ``house``, ``orderBy``). Each
search answer holds whole contributions, so the documents come straight from the
listing; the next page is followed until ``TotalResultCount``. Ordering by
sitting date is not stable within a day, so a contribution seen on an earlier
page is skipped (by ``ContributionExtId``). A contribution's URL is the API's
permalink for its ``ContributionExtId``.

Example::

    >>> from policytext.collect.recipes import load_recipes
    >>> HansardAdapter(load_recipes()["hansard"]).seeds(since="2012-01-01", until="2012-12-31")[0].kind
    'listing'
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import urlencode, urlsplit

from policytext.collect.extract import html_to_text
from policytext.collect.fetch import Response
from policytext.collect.sources import Adapter, Extraction, Page, Target, date_window
from policytext.errors import ExtractionError, InputError

__all__ = ["HansardAdapter", "MEMBERS_HOST"]

MEMBERS_HOST = "members-api.parliament.uk"


class HansardAdapter(Adapter):
    """Hansard API ``search/contributions/Spoken.json`` for one member."""

    def __init__(self, recipe: Any) -> None:
        super().__init__(recipe)
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """The member lookup (by name) or the first search page (by id) for the window."""
        discover = self.recipe.discover
        member = discover.get("member")
        member_id = discover.get("member_id")
        if not member and not member_id:
            raise InputError(
                f"{self.recipe.path}: [discover] member (a name) or member_id is needed to crawl Hansard"
            )
        # startDate / endDate are full days: "--until 2012" means to 31 December 2012.
        low, high = date_window(
            since,
            until,
            default_since=str(discover.get("since", "1997-01-01")),
            default_until=str(discover.get("until", "2015-12-31")),
        )
        window = {"from": low, "to": high}
        if member:
            return [
                Target(
                    url=self._lookup_url(str(member)),
                    kind="listing",
                    metadata={**window, "member": str(member)},
                )
            ]
        return [
            Target(
                url=self._url(low, high, 0, str(member_id)),
                kind="listing",
                metadata={**window, "member_id": str(member_id)},
            )
        ]

    def _lookup_url(self, name: str) -> str:
        origin = self.recipe.rewrite(f"https://{MEMBERS_HOST}")
        return f"{origin}/api/Members/Search?{urlencode({'Name': name, 'skip': 0, 'take': 20})}"

    def _member(self, response: Response, target: Target) -> Extraction:
        """The Members API answer: the member whose name matches, then the first search page."""
        name = target.metadata.get("member", "")
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ExtractionError(f"{target.url}: not Members API JSON ({exc})") from None
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ExtractionError(f"{target.url}: Members API answer without an 'items' list")
        found = []
        for item in items:
            value = item.get("value") if isinstance(item, dict) else None
            if isinstance(value, dict) and value.get("id") is not None:
                found.append(
                    (str(value.get("nameDisplayAs") or value.get("nameListAs") or ""), str(value["id"]))
                )
        exact = [(n, i) for n, i in found if n.casefold() == name.casefold()]
        chosen = exact if exact else found
        if len({i for _n, i in chosen}) != 1:
            names = ", ".join(f"{n} ({i})" for n, i in found) or "none"
            raise ExtractionError(
                f"{target.url}: member {name!r} is not one person in the Members API (found: {names}); "
                "give [discover] member_id"
            )
        member_id = chosen[0][1]
        low, high = target.metadata["from"], target.metadata["to"]
        return Extraction(
            follow=(
                Target(
                    url=self._url(low, high, 0, member_id),
                    kind="listing",
                    metadata={"from": low, "to": high, "member_id": member_id},
                ),
            )
        )

    def _url(self, low: str, high: str, skip: int, member_id: str) -> str:
        discover = self.recipe.discover
        params = {
            "queryParameters.memberId": member_id,
            "queryParameters.startDate": low,
            "queryParameters.endDate": high,
            "queryParameters.take": str(discover.get("take", 50)),
            "queryParameters.skip": str(skip),
            "queryParameters.orderBy": "SittingDateAsc",
            "queryParameters.house": str(discover.get("house", "Commons")),
        }
        return f"{self.recipe.base_url}/search/contributions/Spoken.json?{urlencode(params)}"

    def extract(self, response: Response, target: Target) -> Extraction:
        """Every contribution on the page (each once), and the next page."""
        if urlsplit(target.url).path.endswith("/api/Members/Search"):
            return self._member(response, target)
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
            ext_id = str(item.get("ContributionExtId") or "")
            with self._lock:
                if ext_id and ext_id in self._seen:
                    continue  # repeated across pages (the date order is not stable within a day)
                self._seen.add(ext_id)
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
                    url=self._url(
                        target.metadata["from"],
                        target.metadata["to"],
                        skip + len(results),
                        target.metadata.get("member_id")
                        or str(_param(target.url, "queryParameters.memberId")),
                    ),
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
