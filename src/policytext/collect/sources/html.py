"""Sites described entirely by CSS selectors in their recipe (bps, sayit).

``[discover]``: ``listings`` (paths of index pages), ``link_selector`` (links
to documents on them), optional ``link_pattern`` (a regular expression the
document URL must match), ``link_title`` (false: the link text is not a title)
``next_selector`` (pagination links: every match is followed once;
``?page=1`` counts as the listing itself), and ``row``, ``row_date``,
``row_date_formats`` (the date in the listing row holding a link, e.g. the
``dd/mm/yyyy`` column of an index table: it refines a page that gives only the
year).

``[extract]``: ``body`` (selector of the text), ``drop`` (selectors removed
first: summaries, share links), ``title``, ``speaker``, ``date``, ``venue``
selectors (comma-separated alternatives tried in the order written),
``title_pattern`` (a regular expression with a ``title`` group applied to the
whole title, e.g. to strip a site suffix), ``speaker_pattern`` (a regular expression with ``speaker`` and
optional ``party`` groups, applied to the speaker text), ``venue_prefix``
(stripped), ``date_formats`` (strptime formats; a bare 4-digit year is kept as
a year), ``date_from_title`` (a regular expression with a ``date`` group),
``withheld`` (phrases that mark a removed text: reported, not stored),
``speaker_by_date`` (``[[start, name], ...]``: with no speaker on the page, the
speaker of the period its full date falls in, e.g. the Prime Minister of the day
for Number 10 pages),
``drop_paragraphs`` (regular expressions: paragraphs matching one are an
editor's note, not the speech, and are removed), ``date_from_dropped`` (take the
first date in those removed paragraphs), ``speaker_from_dropped`` (a regular
expression with a ``speaker`` group, applied to those removed paragraphs when no
speaker selector gave one) and ``doc_type``. A speaker that is a site account
(a WordPress byline such as "admin") is never stored: the post's poster is not
the speaker.

Example::

    >>> from policytext.collect.recipes import load_recipes
    >>> HtmlAdapter(load_recipes()["bps"]).seeds()[0].kind
    'listing'
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any
from urllib.parse import urljoin

from policytext.collect.extract import decode_bytes
from policytext.collect.fetch import Response
from policytext.collect.selectors import extract_with_selectors
from policytext.collect.sources import Adapter, Extraction, Page, Target, first_date
from policytext.errors import ExtractionError

__all__ = ["HtmlAdapter"]

logger = logging.getLogger(__name__)

# Names of site accounts that blogs and CMSs print as the post's author.
_SITE_ACCOUNTS = frozenset(
    {"admin", "administrator", "editor", "webmaster", "staff", "guest", "root", "user", "author"}
)


class HtmlAdapter(Adapter):
    """Listing pages with links to document pages, fields by CSS selectors."""

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """The recipe's listing pages (dates are applied to the documents found)."""
        listings = self.recipe.discover.get("listings") or []
        if not listings:
            return super().seeds(since=since, until=until)
        return [Target(url=self.recipe.base_url + str(path), kind="listing") for path in listings]

    def extract(self, response: Response, target: Target) -> Extraction:
        """A listing gives document targets and the next listing; a document gives a page."""
        if target.kind == "listing":
            return self._listing(response, target)
        return self._document(response, target)

    def _listing(self, response: Response, target: Target) -> Extraction:
        from bs4 import BeautifulSoup

        discover = self.recipe.discover
        html = decode_bytes(response.body, where=target.url, declared=response.charset)
        soup = BeautifulSoup(html, "lxml")
        pattern = re.compile(str(discover["link_pattern"])) if discover.get("link_pattern") else None
        link_title = bool(discover.get("link_title", True))
        seen: set[str] = set()
        follow: list[Target] = []
        for link in soup.select(str(discover.get("link_selector", "a[href]"))):
            href = link.get("href")
            if not isinstance(href, str):
                continue
            # Against the page's public URL: a raw archive capture keeps the site's own links.
            url = urljoin(target.public_url, href).split("#")[0]
            if (pattern and not pattern.search(url)) or url in seen:
                continue
            seen.add(url)
            metadata = {"title": " ".join(link.get_text(" ").split())} if link_title else {}
            date = self._row_date(link)
            if date:
                metadata["date"] = date
            follow.append(Target(url=url, metadata=metadata))
        next_selector = discover.get("next_selector")
        if next_selector:
            # Every pagination link is followed (the scraper fetches each listing once),
            # so a "Previous" link or page numbers that come before "Next" lose nothing.
            for nxt in soup.select(str(next_selector)):
                href = nxt.get("href")
                if not isinstance(href, str):
                    continue
                url = _without_first_page(urljoin(target.public_url, href).split("#")[0])
                if url not in seen and url != _without_first_page(target.public_url):
                    seen.add(url)
                    follow.append(Target(url=url, kind="listing"))
        return Extraction(follow=tuple(follow))

    def _row_date(self, link: Any) -> str | None:
        """The date in the listing row of a link (``row_date``, ``row_date_formats``)."""
        discover = self.recipe.discover
        selector = discover.get("row_date")
        if not selector:
            return None
        row = link.find_parent(str(discover.get("row", "tr")))
        cell = row.select_one(str(selector)) if row is not None else None
        if cell is None:
            return None
        return _parse_date(cell.get_text(" "), [str(f) for f in discover.get("row_date_formats", [])])

    def prepare(self, html: str) -> str:
        """Hook for subclasses: clean the page before extraction."""
        return html

    def _document(self, response: Response, target: Target) -> Extraction:
        conf: dict[str, Any] = dict(self.config)
        html = decode_bytes(response.body, where=target.url, declared=response.charset)
        withheld = [str(p) for p in conf.get("withheld", [])]
        lowered = " ".join(html.split()).lower()
        for phrase in withheld:
            if phrase.lower() in lowered:
                return Extraction(gone=f"{target.url}: withheld by the site ({phrase!r})")
        fields = {name: str(conf[name]) for name in ("title", "speaker", "date", "venue") if conf.get(name)}
        found = extract_with_selectors(
            self.prepare(html),
            where=target.url,
            body=str(conf["body"]),
            fields=fields,
            drop=[str(d) for d in conf.get("drop", [])],
        )
        values = dict(found.fields)
        if values.get("title") and conf.get("title_pattern"):
            # e.g. SayIt's <title> "One Nation speech :: SayIt" when the page has no <h1> title
            match = re.fullmatch(str(conf["title_pattern"]), values["title"])
            if match and match.group("title").strip():
                values["title"] = match.group("title").strip()
        text = found.text
        preamble = ""
        patterns = [re.compile(str(p)) for p in conf.get("drop_paragraphs", [])]
        if patterns:
            kept = []
            for paragraph in text.split("\n\n"):
                if any(p.search(paragraph) for p in patterns):
                    preamble += paragraph + " "
                else:
                    kept.append(paragraph)
            text = "\n\n".join(kept)
            if not text.strip():
                raise ExtractionError(
                    f"{target.url}: nothing left after dropping the recipe's editorial paragraphs"
                )
        speaker = values.get("speaker")
        party = None
        if speaker and conf.get("speaker_pattern"):
            match = re.search(str(conf["speaker_pattern"]), speaker)
            if match:
                speaker = match.group("speaker").strip()
                party = (match.groupdict().get("party") or "").strip() or None
        if speaker and _is_site_account(speaker):
            logger.info("%s: byline %r is a site account, not the speaker; ignored", target.url, speaker)
            speaker = None
        if not speaker and preamble and conf.get("speaker_from_dropped"):
            match = re.search(str(conf["speaker_from_dropped"]), preamble)
            if match and match.group("speaker") and not _is_site_account(match.group("speaker")):
                speaker = match.group("speaker").strip()
        venue = values.get("venue")
        prefix = conf.get("venue_prefix")
        if venue and prefix and venue.lower().startswith(str(prefix).lower()):
            venue = venue[len(str(prefix)) :].strip(" :")
        date = _parse_date(values.get("date"), [str(f) for f in conf.get("date_formats", [])])
        if date is None and preamble and conf.get("date_from_dropped"):
            date = first_date(preamble)
        if date is None and values.get("title") and conf.get("date_from_title"):
            match = re.search(str(conf["date_from_title"]), values["title"])
            if match:
                date = match.group("date")
        if not speaker and date and len(date) == 10 and conf.get("speaker_by_date"):
            speaker = _speaker_on(date, conf["speaker_by_date"])
        return Extraction(
            pages=(
                Page(
                    url=target.public_url,
                    text=text,
                    title=values.get("title"),
                    speaker=speaker or None,
                    party=party,
                    date=date,
                    doc_type=str(conf.get("doc_type") or self.recipe.doc_type or "") or None,
                    venue=venue or None,
                ),
            )
        )


def _speaker_on(date: str, table: Any) -> str | None:
    """The speaker a ``speaker_by_date`` table gives for an ISO day: the last row whose
    start date (``[start, name]``) is on or before it."""
    chosen = None
    for row in table:
        start, name = str(row[0]), str(row[1])
        if start <= date:
            chosen = name
    return chosen


def _without_first_page(url: str) -> str:
    """``?page=1`` is the listing's first page, the URL without it."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if (k, v) != ("page", "1")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _is_site_account(name: str) -> bool:
    """Whether a byline names a site account ("admin", "by admin") rather than a person."""
    words = name.strip().lower().split()
    if words and words[0] == "by":
        words = words[1:]
    return " ".join(words) in _SITE_ACCOUNTS


def _parse_date(value: str | None, formats: list[str]) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    year = re.fullmatch(r"(?:\D*)(\d{4})", value)
    if year:
        return year.group(1)
    found = first_date(value)
    if found is None:
        # Keep the speech: the catalogue may give the date; say what could not be read.
        logger.warning("date %r matches none of the recipe's date formats %s; left empty", value, formats)
    return found


ADAPTER = HtmlAdapter
