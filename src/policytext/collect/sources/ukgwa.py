"""UK Government Web Archive: archived Number 10 pages (Blair and Brown years).

Replay links (``/ukgwa/<timestamp>/<url>``, the older form without ``/ukgwa/``,
or ``mp_``-modified ones) are fetched in their raw ``id_`` form, so the
archive's banner and rewritten links are not in the bytes; any banner that is
left is removed by the recipe's ``drop`` selectors. Discovery is a CDX query
(``matchType=prefix``) over the recipe's ``prefixes``, deduplicated by digest.

Example::

    >>> to_raw_memento("https://webarchive.nationalarchives.gov.uk/20070601000000/http://www.number10.gov.uk/output/Page1.asp")
    'https://webarchive.nationalarchives.gov.uk/ukgwa/20070601000000id_/http://www.number10.gov.uk/output/Page1.asp'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from policytext.collect.fetch import Response
from policytext.collect.sources import Extraction, Target
from policytext.collect.sources.html import HtmlAdapter
from policytext.errors import ExtractionError

__all__ = ["UkgwaAdapter", "to_raw_memento"]

_MEMENTO = re.compile(r"^/(?:ukgwa/)?(\d{8,14})(?:[a-z]{2}_)?/(.+)$")


def to_raw_memento(url: str) -> str:
    """An archive replay URL in its raw ``<timestamp>id_`` form (others unchanged)."""
    parts = urlsplit(url)
    match = _MEMENTO.match(parts.path + (f"?{parts.query}" if parts.query else ""))
    if not match:
        return url
    return f"{parts.scheme}://{parts.netloc}/ukgwa/{match.group(1)}id_/{match.group(2)}"


class UkgwaAdapter(HtmlAdapter):
    """Number 10 pages in the UK Government Web Archive."""

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """One CDX prefix query per host prefix in the recipe."""
        seeds = []
        for prefix in self.recipe.discover.get("prefixes", []):
            params = [
                ("url", str(prefix)),
                ("matchType", "prefix"),
                ("output", "json"),
                ("filter", "status:200"),
                ("filter", "mimetype:text/html"),
            ]
            if since:
                params.append(("from", since.replace("-", "")))
            if until:
                params.append(("to", until.replace("-", "")))
            seeds.append(Target(url=f"{self.recipe.base_url}/ukgwa/cdx?{urlencode(params)}", kind="listing"))
        return seeds

    def resolve(self, url: str, *, metadata: Mapping[str, str] | None = None) -> Target:
        """The raw (``id_``) memento of an archive link."""
        return Target(url=to_raw_memento(url), metadata=dict(metadata or {}))

    def extract(self, response: Response, target: Target) -> Extraction:
        """A CDX answer gives mementos to fetch; a memento gives the speech."""
        if target.kind == "listing":
            return self._cdx(response, target)
        return super().extract(response, target)

    def _cdx(self, response: Response, target: Target) -> Extraction:
        try:
            rows = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ExtractionError(f"{target.url}: not a CDX JSON answer ({exc})") from None
        if not isinstance(rows, list) or not rows:
            return Extraction()
        header = rows[0]
        pattern = self.recipe.discover.get("link_pattern")
        digests: set[str] = set()
        follow = []
        for row in rows[1:]:
            record = dict(zip(header, row, strict=False))
            original = str(record.get("original", ""))
            if pattern and not re.search(str(pattern), original):
                continue
            digest = str(record.get("digest", "")) or original
            if digest in digests:
                continue
            digests.add(digest)
            follow.append(Target(url=f"{self.recipe.base_url}/ukgwa/{record.get('timestamp')}id_/{original}"))
        return Extraction(follow=tuple(follow))


ADAPTER = UkgwaAdapter
