"""Site extraction by CSS selectors (the recipes' ``[extract]`` tables)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policytext.collect.extract import _rejoin_punctuation, decode_bytes, html_paragraphs, remove_furniture
from policytext.errors import ExtractionError

__all__ = ["SiteFields", "extract_with_selectors"]


@dataclass(frozen=True)
class SiteFields:
    """Text and fields a recipe's selectors found on one page (None when absent)."""

    text: str
    title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _first_by_selector_order(soup: Any, selector: str) -> str | None:
    """The text of the first alternative of ``selector`` that matches with some text."""
    for alternative in _alternatives(selector):
        for element in soup.select(alternative):
            value = " ".join(element.get_text(" ").split())
            if value:
                return value
    return None


def _alternatives(selector: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside ``[...]`` or ``(...)``)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in selector:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def extract_with_selectors(
    raw: bytes | str,
    *,
    where: str,
    body: str,
    fields: dict[str, str] | None = None,
    drop: list[str] | tuple[str, ...] = (),
    declared_charset: str | None = None,
) -> SiteFields:
    """A page's body text and fields by CSS selectors (BeautifulSoup + lxml).

    Parameters
    ----------
    raw:
        Page bytes (decoded as the declared charset, else UTF-8, else cp1252).
    where:
        The URL, for messages.
    body:
        CSS selector of the element holding the text (comma-separated
        alternatives allowed; the first that matches is used).
    fields:
        Field name -> CSS selector; each value is the matching element's text.
        Comma-separated alternatives are tried **in the order written**, not in
        document order: ``"h1.title, h1"`` takes ``h1.title`` even when a site
        banner's ``<h1>`` comes first in the page.
    drop:
        Selectors of elements removed first (banners, summaries, share links).
    declared_charset:
        The charset the server declared.

    Returns
    -------
    SiteFields
        Paragraphs separated by blank lines; fields found.

    Raises
    ------
    ExtractionError
        The body selector matches nothing or the body has no text.

    Example::

        >>> extract_with_selectors(b"<div class='s'><p>One.</p><p>Two.</p></div>",
        ...                        where="x", body=".s").text
        'One.\\n\\nTwo.'
    """
    from bs4 import BeautifulSoup

    if isinstance(raw, bytes):
        raw = decode_bytes(raw, where=where, declared=declared_charset)
    soup = BeautifulSoup(raw, "lxml")
    found: dict[str, str] = {}
    for name, selector in (fields or {}).items():
        value = _first_by_selector_order(soup, selector)
        if value:
            found[name] = _rejoin_punctuation(value)
    for selector in drop:
        for element in soup.select(selector):
            element.decompose()
    for element in soup.find_all(("script", "style", "noscript", "nav", "form", "button", "iframe")):
        element.decompose()
    root = None
    for alternative in _alternatives(body):
        root = soup.select_one(alternative)
        if root is not None:
            break
    if root is None:
        raise ExtractionError(f"{where}: no element matches the body selector {body!r}")
    remove_furniture(root)
    text = "\n\n".join(html_paragraphs(root))
    if not text.strip():
        raise ExtractionError(f"{where}: the body ({body!r}) has no text")
    return SiteFields(text=text, title=found.get("title"), fields=found)
