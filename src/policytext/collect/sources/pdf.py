"""White papers and pamphlets given by URL in the catalogue, read with pypdf.

Running heads and feet and page numbers are removed and hyphenated line
breaks rejoined (:func:`policytext.collect.extract.extract_pdf`); the catalogue gives
the metadata a PDF does not state.

Example::

    >>> from policytext.collect.recipes import load_recipes
    >>> PdfAdapter(load_recipes()["pdf"]).resolve("https://example.org/a.pdf").url
    'https://example.org/a.pdf'
"""

from __future__ import annotations

from policytext.collect.extract import extract_html, extract_pdf
from policytext.collect.fetch import Response
from policytext.collect.sources import Adapter, Extraction, Page, Target
from policytext.errors import ExtractionError

__all__ = ["PdfAdapter"]


class PdfAdapter(Adapter):
    """One PDF (or, failing that, an HTML page) per catalogue URL."""

    def extract(self, response: Response, target: Target) -> Extraction:
        """The PDF's text; an HTML page is read generically; anything else fails."""
        if response.content_type == "application/pdf" or response.body.lstrip()[:5] == b"%PDF-":
            extracted = extract_pdf(response.body, where=target.url)
        elif response.content_type in ("text/html", "application/xhtml+xml"):
            extracted = extract_html(response.body, where=target.url, declared=response.charset)
        else:
            raise ExtractionError(f"{target.url}: {response.content_type or 'unknown'} content is not a PDF")
        return Extraction(
            pages=(
                Page(
                    url=target.public_url,
                    text=extracted.text,
                    title=target.metadata.get("title") or extracted.title,
                    doc_type=self.recipe.doc_type,
                ),
            )
        )


ADAPTER = PdfAdapter
