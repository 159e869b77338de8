"""Site adapters: the code a recipe names in its ``adapter`` key.

An adapter turns a recipe into work for the scraper, without doing any I/O of
its own:

- :meth:`Adapter.seeds` gives the first targets of a ``--source`` crawl (an
  API query, a listing page, a CDX query) for a date window;
- :meth:`Adapter.resolve` turns a catalogue URL into the target to fetch
  (a GOV.UK page into its Content API URL, an archive link into its raw form);
- :meth:`Adapter.extract` is a pure function from one fetched response to the
  documents it holds (:class:`Page`) and further targets to fetch (documents
  found on a listing, the next listing page, a PDF attachment).

Example::

    >>> from policytext.collect.recipes import load_recipes
    >>> adapter = adapter_for(load_recipes()["govuk"])
    >>> adapter.resolve("https://www.gov.uk/government/speeches/x").url
    'https://www.gov.uk/api/content/government/speeches/x'
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policytext.collect.fetch import Response
from policytext.collect.recipes import Recipe

__all__ = ["Adapter", "Extraction", "Page", "Target", "adapter_for", "date_window", "first_date"]


@dataclass(frozen=True)
class Target:
    """A URL to fetch, with what is already known about the document there.

    ``kind`` is ``"document"`` for a document page or ``"listing"`` for a page
    that lists documents (search results, an index, a CDX answer).
    ``metadata`` holds known fields (from the catalogue or a listing) that fill
    what the page lacks. ``origin_url`` keeps the public URL when ``url`` was
    moved to a ``--base-url`` origin.
    """

    url: str
    kind: str = "document"
    metadata: Mapping[str, str] = field(default_factory=dict)
    catalogue_id: str | None = None
    origin_url: str | None = None

    @property
    def public_url(self) -> str:
        """The URL on the site's public host (``url`` may point at a ``--base-url`` mirror)."""
        return self.origin_url or self.url


@dataclass(frozen=True)
class Page:
    """One document extracted from a response, before it is stored.

    ``attributes`` are source facts the document record has no field for
    (GOV.UK's speech type, government, description); they are stored in the
    ``document_attributes`` table.
    """

    url: str
    text: str
    title: str | None = None
    speaker: str | None = None
    party: str | None = None
    date: str | None = None
    doc_type: str | None = None
    venue: str | None = None
    status: str = "ok"
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Extraction:
    """What one response gave: documents, further targets, and why nothing if nothing.

    ``gone`` names a document the site has removed (HTTP 410, a copyright
    withdrawal notice): reported, not stored and not a fetch failure.
    ``failures`` lists ``(url, reason)`` for documents within a response that
    could not be extracted (one bad item of an API page), while the rest of the
    response is still used.
    """

    pages: tuple[Page, ...] = ()
    follow: tuple[Target, ...] = ()
    gone: str | None = None
    failures: tuple[tuple[str, str], ...] = ()


class Adapter:
    """Base adapter: a catalogue URL is fetched as it is; no discovery."""

    def __init__(self, recipe: Recipe) -> None:
        self.recipe = recipe

    @property
    def config(self) -> Mapping[str, Any]:
        """The recipe's ``[extract]`` table."""
        return self.recipe.extract

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """First targets of a crawl of the whole source within the dates (inclusive)."""
        from policytext.errors import InputError

        raise InputError(
            f"source {self.recipe.name!r}: documents are given by URL in a catalogue; "
            "use --catalogue, not --source"
        )

    def resolve(self, url: str, *, metadata: Mapping[str, str] | None = None) -> Target:
        """The target to fetch for a document URL (given on the recipe's own host)."""
        return Target(url=url, metadata=dict(metadata or {}))

    def extract(self, response: Response, target: Target) -> Extraction:
        """Documents and further targets from one response; raises ExtractionError."""
        raise NotImplementedError


def first_date(text: str) -> str | None:
    """The first ``D Month YYYY`` / ``YYYY-MM-DD`` date in text, as ISO, or None.

    Example::

        >>> first_date("Speech made in London on 9 July 2008.")
        '2008-07-09'
    """
    import datetime as dt

    match = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text)
    if match:
        return match.group(0)
    match = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)? ([A-Z][a-z]+),? (\d{4})\b", text)
    if match:
        for fmt in ("%d %B %Y", "%d %b %Y"):
            try:
                return dt.datetime.strptime(f"{match[1]} {match[2]} {match[3]}", fmt).date().isoformat()
            except ValueError:
                continue
    return None


def date_window(
    since: str | None, until: str | None, *, default_since: str, default_until: str
) -> tuple[str, str]:
    """A ``--since`` / ``--until`` window as full ISO days for an API query.

    Partial dates cover their whole span: ``since="2011"`` starts on 1 January,
    ``until="2011-05"`` ends on 31 May (an API given "2011" or "2011-05" would
    reject it or read it as the first day).

    Example::

        >>> date_window("2011", "2011-05", default_since="2010", default_until="2015")
        ('2011-01-01', '2011-05-31')
    """
    from policytext.people import parse_date

    low = parse_date(since or default_since, where="--since").first_day.isoformat()
    high = parse_date(until or default_until, where="--until").last_day.isoformat()
    return low, high


def adapter_for(recipe: Recipe) -> Adapter:
    """The adapter the recipe names, built for it."""
    module = importlib.import_module(f"policytext.collect.sources.{recipe.adapter}")
    adapter: Adapter = module.ADAPTER(recipe)
    return adapter
