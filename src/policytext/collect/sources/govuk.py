"""GOV.UK: the Search API lists speeches, the Content API gives each as JSON.

- A page URL ``https://www.gov.uk/<path>`` is fetched as ``/api/content/<path>``.
- Speeches (``schema_name`` ``speech``): body HTML, ``delivered_on`` (its
  *local* date: ``2014-04-30T00:00:00+01:00`` is 30 April, not the UTC 29th),
  speaker by the rule ``links.speaker[0]``, else
  ``details.speaker_without_profile``, else ``links.people[0]``; location as
  venue; a withdrawn speech (non-empty ``withdrawn_notice``) is stored with
  status ``withdrawn``.
- Publications: an HTML publication child is preferred; else the PDF
  attachments (a command paper is a ``white_paper``) are fetched and read;
  failing both, the publication page's own body is stored.
- HTTP 410 (schema ``gone``) is reported as gone, not as a failure.

Example::

    >>> from policytext.collect.recipes import load_recipes
    >>> GovukAdapter(load_recipes()["govuk"]).resolve("https://www.gov.uk/government/speeches/a").url
    'https://www.gov.uk/api/content/government/speeches/a'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from policytext.collect.extract import extract_pdf, html_to_text
from policytext.collect.fetch import Response
from policytext.collect.sources import Adapter, Extraction, Page, Target, date_window
from policytext.errors import ExtractionError

__all__ = ["GovukAdapter"]

_SPEECH_TYPES = {
    "speech": "speech",
    "authored_article": "other",
    "oral_statement": "other",
    "written_statement": "other",
}


# A translated GOV.UK page: the English path with a locale suffix (".ar", ".zh-tw").
_TRANSLATION = re.compile(r"\.[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")


class GovukAdapter(Adapter):
    """GOV.UK Search and Content APIs (see the module docstring)."""

    def seeds(self, *, since: str | None = None, until: str | None = None) -> list[Target]:
        """Search API queries (one per year from the window's start) for the recipe's filters.

        ``public_timestamp`` is the last update, not the delivery date: a speech
        delivered in 2012 and updated in 2016 has 2016. So the search is open-ended
        at the far end (year slices up to now, the last without an end) and the
        window is applied to ``delivered_on`` after fetching.
        """
        import datetime as dt

        discover = self.recipe.discover
        first, _last = date_window(
            since,
            until,
            default_since=str(discover.get("since", "2010")),
            default_until=str(discover.get("until", "2015")),
        )
        seeds = []
        # The Search API takes full ISO dates only ("from:2011" is a 422).
        this_year = max(dt.date.today().year, int(first[:4]))
        for year in range(int(first[:4]), this_year + 1):
            low = first if first[:4] == str(year) else f"{year}-01-01"
            high = "" if year == this_year else f"{year}-12-31"
            seeds.append(
                Target(
                    url=self._search_url(low, high, 0),
                    kind="listing",
                    metadata={"from": low, "to": high},
                )
            )
        return seeds

    def _search_url(self, low: str, high: str, start: int) -> str:
        discover = self.recipe.discover
        params: list[tuple[str, str]] = []
        for key in ("filter_content_store_document_type", "filter_people", "filter_organisations"):
            for value in discover.get(key, []):
                params.append((key, str(value)))
        params += [
            ("filter_public_timestamp", f"from:{low},to:{high}" if high else f"from:{low}"),
            ("order", "public_timestamp"),
            ("count", str(discover.get("count", 100))),
            ("start", str(start)),
            ("fields", "title,link,public_timestamp,people,content_store_document_type"),
        ]
        return f"{self.recipe.base_url}/api/search.json?{urlencode(params)}"

    def resolve(self, url: str, *, metadata: Mapping[str, str] | None = None) -> Target:
        """A GOV.UK page URL becomes its Content API URL; other URLs are kept."""
        parts = urlsplit(url)
        if parts.netloc.lower() in ("www.gov.uk", "gov.uk"):
            path = parts.path
            if not path.startswith("/api/"):
                path = "/api/content" + path
            url = f"{parts.scheme}://{parts.netloc}{path}"
        return Target(url=url, metadata=dict(metadata or {}))

    def extract(self, response: Response, target: Target) -> Extraction:
        """Speech, publication, HTML publication, search results or a PDF attachment."""
        if response.status == 410:
            return Extraction(gone=f"{target.url}: gone from GOV.UK (HTTP 410)")
        if response.content_type == "application/pdf" or response.body[:5] == b"%PDF-":
            return self._pdf(response, target)
        try:
            data = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ExtractionError(f"{target.url}: not GOV.UK API JSON ({exc})") from None
        if not isinstance(data, dict):
            raise ExtractionError(f"{target.url}: not GOV.UK API JSON (top level is not an object)")
        if target.kind == "listing":
            return self._search(data, target)
        schema = data.get("schema_name")
        if schema == "gone":
            return Extraction(gone=f"{target.url}: gone from GOV.UK")
        if schema == "redirect":
            redirects = data.get("redirects") or []
            if redirects and redirects[0].get("destination"):
                dest = self.recipe.base_url + "/api/content" + str(redirects[0]["destination"])
                return Extraction(
                    follow=(Target(url=dest, metadata=target.metadata, catalogue_id=target.catalogue_id),)
                )
            return Extraction(gone=f"{target.url}: a GOV.UK redirect with no destination")
        if schema == "speech":
            return Extraction(pages=(self._speech(data, target),))
        if schema == "html_publication":
            return Extraction(pages=(self._html_publication(data, target),))
        if schema == "publication":
            return self._publication(data, target)
        raise ExtractionError(f"{target.url}: GOV.UK schema {schema!r} is not a speech or publication")

    # -- pieces ------------------------------------------------------------------

    def _public_url(self, data: Mapping[str, Any]) -> str:
        return self.recipe.home + str(data.get("base_path", ""))

    def _search(self, data: Mapping[str, Any], target: Target) -> Extraction:
        results = data.get("results")
        if not isinstance(results, list):
            raise ExtractionError(f"{target.url}: search answer without a 'results' list")
        follow = []
        for result in results:
            link = result.get("link") if isinstance(result, dict) else None
            if not link or not str(link).startswith("/"):
                continue
            if _TRANSLATION.search(str(link)) and not self.recipe.discover.get("translations"):
                continue  # /government/speeches/<slug>.ar: a translation of an English document
            meta = {"title": str(result.get("title") or "")}
            follow.append(Target(url=f"{self.recipe.base_url}/api/content{link}", metadata=meta))
        total = int(data.get("total") or 0)
        start = int(data.get("start") or 0)
        if results and start + len(results) < total:
            follow.append(
                Target(
                    url=self._search_url(
                        target.metadata["from"], target.metadata["to"], start + len(results)
                    ),
                    kind="listing",
                    metadata=target.metadata,
                )
            )
        return Extraction(follow=tuple(follow))

    def _speech(self, data: Mapping[str, Any], target: Target) -> Page:
        details = data.get("details") or {}
        links = data.get("links") or {}
        body = details.get("body")
        if not body:
            raise ExtractionError(f"{target.url}: the speech has no details.body")
        text = html_to_text(str(body), where=target.url).text
        speaker = (
            _first_title(links.get("speaker"))
            or details.get("speaker_without_profile")
            or _first_title(links.get("people"))
        )
        delivered = details.get("delivered_on") or data.get("first_published_at")
        return Page(
            url=self._public_url(data),
            text=text,
            title=data.get("title"),
            speaker=speaker,
            date=_local_date(delivered),
            doc_type=_SPEECH_TYPES.get(str(data.get("document_type")), "other"),
            venue=details.get("location"),
            status="withdrawn" if data.get("withdrawn_notice") else "ok",
            attributes=_attributes(data),
        )

    def _html_publication(self, data: Mapping[str, Any], target: Target) -> Page:
        details = data.get("details") or {}
        body = details.get("body")
        if not body:
            raise ExtractionError(f"{target.url}: the HTML publication has no details.body")
        text = html_to_text(str(body), where=target.url).text
        is_command = (
            bool(details.get("command_paper_number")) or target.metadata.get("doc_type") == "white_paper"
        )
        return Page(
            url=self._public_url(data),
            text=text,
            title=data.get("title"),
            date=_local_date(details.get("first_published_at") or data.get("first_published_at")),
            doc_type="white_paper" if is_command else None,
            status="withdrawn" if data.get("withdrawn_notice") else "ok",
        )

    def _publication(self, data: Mapping[str, Any], target: Target) -> Extraction:
        details = data.get("details") or {}
        links = data.get("links") or {}
        meta = {
            "title": str(data.get("title") or ""),
            "date": _local_date(data.get("first_published_at")) or "",
            "parent": self._public_url(data),
        }
        children = [c for c in links.get("children") or [] if c.get("base_path")]
        if children:
            child = children[0]
            return Extraction(
                follow=(
                    Target(
                        url=f"{self.recipe.base_url}/api/content{child['base_path']}",
                        metadata=meta,
                        catalogue_id=target.catalogue_id,
                    ),
                )
            )
        attachments = [
            a
            for a in details.get("attachments") or []
            if isinstance(a, dict) and str(a.get("content_type", "")).endswith("pdf") and a.get("url")
        ]
        order = details.get("featured_attachments") or []
        attachments.sort(key=lambda a: order.index(a.get("id")) if a.get("id") in order else len(order))
        if not attachments:
            body = details.get("body")
            if not body:
                raise ExtractionError(
                    f"{target.url}: the publication has no HTML version, no PDF attachment and no body"
                )
            # Only the summary page exists: store it, so the document is not lost.
            return Extraction(
                pages=(
                    Page(
                        url=self._public_url(data),
                        text=html_to_text(str(body), where=target.url).text,
                        title=data.get("title"),
                        date=meta["date"] or None,
                        doc_type=target.metadata.get("doc_type") or "other",
                        status="withdrawn" if data.get("withdrawn_notice") else "ok",
                    ),
                )
            )
        first = attachments[0]
        pdf_meta = dict(meta)
        if first.get("command_paper_number") or first.get("unnumbered_command_paper"):
            pdf_meta["doc_type"] = "white_paper"
        pdf_meta["title"] = meta["title"] or str(first.get("title") or "")
        return Extraction(
            follow=(Target(url=str(first["url"]), metadata=pdf_meta, catalogue_id=target.catalogue_id),)
        )

    def _pdf(self, response: Response, target: Target) -> Extraction:
        extracted = extract_pdf(response.body, where=target.url)
        meta = target.metadata
        return Extraction(
            pages=(
                Page(
                    url=target.public_url,
                    text=extracted.text,
                    title=meta.get("title") or extracted.title,
                    date=meta.get("date") or None,
                    doc_type=meta.get("doc_type") or None,
                ),
            )
        )


def _attributes(data: Mapping[str, Any]) -> dict[str, str]:
    """Speech facts the document record has no field for."""
    details = data.get("details") or {}
    government = details.get("government") or {}
    withdrawn = data.get("withdrawn_notice") or {}
    values = {
        "speech_type": details.get("speech_type_explanation"),
        "document_type": data.get("document_type"),
        "government": government.get("slug") if isinstance(government, dict) else None,
        "political": str(details["political"]).lower() if "political" in details else None,
        "description": data.get("description"),
        "delivered_on": details.get("delivered_on"),
        "language": data.get("locale"),
        "withdrawn_at": withdrawn.get("withdrawn_at") if isinstance(withdrawn, dict) else None,
    }
    return {k: " ".join(str(v).split()) for k, v in values.items() if v}


def _first_title(items: Any) -> str | None:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and item.get("title"):
                return str(item["title"])
    return None


def _local_date(value: Any) -> str | None:
    """The calendar date as the timestamp states it locally: never shifted to UTC."""
    if not value:
        return None
    text = str(value)
    return text[:10] if len(text) >= 10 and text[4] == "-" and text[7] == "-" else None


ADAPTER = GovukAdapter
