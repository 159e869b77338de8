"""Named presets: how a known dump maps onto documents (``--preset NAME``).

``ukpol``: the UK Political Speech archive dump (one JSON file per speech,
as in fferegrino/uk-speeches: ``url``, ``title``, ``tags``, ``summary``,
``content`` as html2text Markdown paragraphs). The text is the paragraphs
rendered from Markdown with html2text's abbreviation lines
(``  *[IMF]: International Monetary Fund``) and image links dropped; the
speaker is the tag that names the person of the file name
(``brown-gordon-2009-...`` and the tag ``Gordon Brown``), else the file name's
``surname-forename`` turned round; the date is the delivery date of the
summary sentence ("... on 31st March 2010.") when its year agrees with the
file name's year, else that year alone (the summaries have typos such as
2022 for 2002); the post date is never used.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policytext.collect.readers._records import FieldMap
from policytext.collect.readers.jsonfiles import RecordHook
from policytext.collect.readers.markdown_text import markdown_to_text
from policytext.errors import ImportFormatError, MetadataError
from policytext.people import parse_date

__all__ = ["PRESETS", "Preset", "get_preset", "ukpol_record"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Preset:
    """A named way of reading a known dump: a field mapping, defaults and a record hook."""

    name: str
    description: str
    suffixes: tuple[str, ...]
    hook: RecordHook
    field_map: FieldMap = field(default_factory=FieldMap)
    source: str | None = None
    doc_type: str | None = None


# html2text's abbreviation definitions, repeated under every paragraph of a page (a long
# abbreviation may be wrapped over several lines: "*[\n  NICs\n ]: National ...").
_ABBREVIATION_LINE = re.compile(r"^[ \t]*\*\[[^\]]*\]:.*$", re.MULTILINE)
_SLUG = re.compile(r"^(?P<slug>[a-z0-9-]+?)-(?P<year>\d{4})(?:-|$)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE_PHRASE = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS}),?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\s+\d{{4}})\b",
    re.IGNORECASE,
)
_HONORIFICS = {"hm", "sir", "rt", "hon", "lord", "baroness", "dame", "mp", "the"}


def ukpol_record(record: dict[str, Any], path: Path) -> dict[str, Any]:
    """A ukpol dump record with ``text``, ``speaker`` and ``date`` filled in.

    Example::

        >>> r = ukpol_record(
        ...     {"content": ["[![x](a.jpg)](a.jpg)",
        ...                  "We will *devolve* power.\\n  *[IMF]: International Monetary Fund"],
        ...      "summary": "Below is the text of the speech made by Ed Balls on 30th June 2014.",
        ...      "tags": [{"text": "Ed Balls"}, {"text": "Speeches"}]},
        ...     Path("balls-ed-2014-speech.json"))
        >>> (r["text"], r["speaker"], r["date"])
        ('We will devolve power.', 'Ed Balls', '2014-06-30')
    """
    content = record.get("content")
    if isinstance(content, list):
        paragraphs = []
        for paragraph in content:
            if not isinstance(paragraph, str):
                raise ImportFormatError(f"{path}: 'content' must be a list of strings")
            text = markdown_to_text(_ABBREVIATION_LINE.sub("", paragraph))
            if text:
                paragraphs.append(text)
        record["text"] = "\n\n".join(paragraphs)
    match = _SLUG.match(path.stem)
    slug_words = match.group("slug").split("-") if match else []
    year = match.group("year") if match else None
    if not record.get("speaker") and slug_words:
        record["speaker"] = _speaker(slug_words, record.get("tags"))
    if not record.get("date"):
        record["date"] = _delivery_date(record.get("summary"), year, path)
    return record


def _speaker(slug_words: list[str], tags: Any) -> str:
    wanted = set(slug_words)
    names = [t.get("text") for t in tags if isinstance(t, Mapping)] if isinstance(tags, list) else []
    for name in names:
        if isinstance(name, str) and wanted <= set(re.findall(r"[a-z0-9]+", name.lower())):
            words = name.split()
            while words and words[0].lower().strip(".") in _HONORIFICS:
                words = words[1:]
            return " ".join(words) or name
    # "verma-sandip": surname first in the file name.
    return " ".join(w.capitalize() for w in [*slug_words[1:], slug_words[0]])


def _delivery_date(summary: Any, year: str | None, path: Path) -> str | None:
    if isinstance(summary, str):
        for phrase in reversed(_DATE_PHRASE.findall(summary)):
            try:
                date = parse_date(" ".join(phrase.split()))
            except MetadataError:
                continue
            if year is None or str(date.year) == year:
                return date.iso
            logger.info(
                "%s: summary date %s disagrees with the file name's year %s; using %s",
                path,
                date.iso,
                year,
                year,
            )
            break
    return year


PRESETS: dict[str, Preset] = {
    "ukpol": Preset(
        name="ukpol",
        description="ukpol JSON dump: speaker from file name and tags, date from the summary",
        suffixes=(".json",),
        hook=ukpol_record,
        source="ukpol",
        doc_type="speech",
    ),
}


def get_preset(name: str) -> Preset:
    """The preset called ``name``.

    Raises
    ------
    ImportFormatError
        For an unknown name, listing the presets.
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ImportFormatError(
            f"--preset {name!r}: unknown; presets are {', '.join(sorted(PRESETS))}"
        ) from None
