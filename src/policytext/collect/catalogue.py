"""The curated catalogue of key documents (``corpus/catalogue.toml``).

One ``[[document]]`` table per document: ``url`` is required; ``id``,
``speaker``, ``party``, ``date``, ``title``, ``type`` and ``venue`` are
optional metadata that fill what the fetched page lacks (they never override
what the page states). Free notes keys are allowed and ignored:
:data:`NOTE_KEYS`. Any other key is an error naming the file and the entry.

Example::

    >>> entries = load_catalogue("tests/fixtures/catalogue/small.toml")   # doctest: +SKIP
    >>> entries[0].url                                                    # doctest: +SKIP
    'https://www.gov.uk/government/speeches/example'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from policytext.errors import InputError, MetadataError
from policytext.people import parse_date
from policytext.store.corpus import DOC_TYPES

__all__ = ["FIELD_KEYS", "NOTE_KEYS", "ROUTE_KEYS", "CatalogueEntry", "load_catalogue"]

FIELD_KEYS = ("url", "id", "speaker", "party", "date", "title", "type", "venue")
#: Keys that change how an entry is fetched: ``archived = true`` fetches the nearest
#: web-archive capture of ``url`` (the site is gone) instead of the live page.
ROUTE_KEYS = ("archived",)
#: Keys for the curators' notes: read, never used.
NOTE_KEYS = (
    "note",
    "notes",
    "comment",
    "url_status",
    "url_evidence",
    "date_basis",
    "alt_url",
    "alt_url_evidence",
    "alt_url_status",
    "shared_text",
    "source_note",
    "checked",
)


@dataclass(frozen=True)
class CatalogueEntry:
    """One catalogue document: its URL and the metadata the curators know.

    ``where`` names the file and entry (``catalogue.toml: document 3``) for messages.
    """

    url: str
    id: str | None = None
    speaker: str | None = None
    party: str | None = None
    date: str | None = None
    title: str | None = None
    doc_type: str | None = None
    venue: str | None = None
    where: str = ""
    archived: bool = False

    def metadata(self) -> dict[str, str]:
        """The known fields as a mapping (Document field names), without empty ones."""
        out = {
            "speaker": self.speaker,
            "party": self.party,
            "date": self.date,
            "title": self.title,
            "doc_type": self.doc_type,
            "venue": self.venue,
        }
        return {k: v for k, v in out.items() if v}


def load_catalogue(path: str | Path) -> list[CatalogueEntry]:
    """Read and check a catalogue file.

    Parameters
    ----------
    path:
        The TOML file.

    Returns
    -------
    list[CatalogueEntry]
        In file order.

    Raises
    ------
    InputError
        Unreadable TOML, a missing or bad ``url``, an unknown key, a bad date or
        type, or a repeated id or URL; the message names the file and the entry.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such catalogue file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the catalogue ({exc})") from None
    extra = sorted(set(data) - {"document"})
    if extra:
        raise InputError(f"{path}: unknown top-level key {extra[0]!r}; documents go in [[document]] tables")
    documents = data.get("document", [])
    if not isinstance(documents, list):
        raise InputError(f"{path}: 'document' must be an array of tables ([[document]])")
    entries: list[CatalogueEntry] = []
    seen_ids: dict[str, str] = {}
    seen_urls: dict[str, str] = {}
    for number, item in enumerate(documents, start=1):
        label = f"{path}: document {number}"
        if isinstance(item, dict) and item.get("id"):
            label += f" ({item['id']})"
        entries.append(_entry(item, label))
        entry = entries[-1]
        if entry.id:
            if entry.id in seen_ids:
                raise InputError(f"{label}: id {entry.id!r} already used by {seen_ids[entry.id]}")
            seen_ids[entry.id] = label
        if entry.url in seen_urls:
            raise InputError(f"{label}: url {entry.url!r} already listed by {seen_urls[entry.url]}")
        seen_urls[entry.url] = label
    return entries


def _entry(item: object, label: str) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise InputError(f"{label}: not a table")
    unknown = sorted(set(item) - set(FIELD_KEYS) - set(NOTE_KEYS) - set(ROUTE_KEYS))
    if unknown:
        raise InputError(
            f"{label}: unknown key {unknown[0]!r} (fields: {', '.join(FIELD_KEYS)}; "
            f"route: {', '.join(ROUTE_KEYS)}; notes: {', '.join(NOTE_KEYS)})"
        )
    archived = item.get("archived", False)
    if not isinstance(archived, bool):
        raise InputError(f"{label}: 'archived' must be true or false, not {archived!r}")
    for key in FIELD_KEYS:
        if key in item and not isinstance(item[key], str):
            raise InputError(f"{label}: {key!r} must be a string, not {type(item[key]).__name__}")
    url = (item.get("url") or "").strip()
    if not url:
        raise InputError(f"{label}: missing required key 'url'")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{label}: url {url!r} is not an http(s) URL")
    date = item.get("date") or None
    if date:
        try:
            date = parse_date(date, where=f"{label}: date").iso
        except MetadataError as exc:
            raise InputError(str(exc)) from None
    doc_type = item.get("type") or None
    if doc_type:
        doc_type = doc_type.strip().lower().replace(" ", "_").replace("-", "_")
        if doc_type not in DOC_TYPES:
            raise InputError(f"{label}: type {item['type']!r} is not one of {', '.join(DOC_TYPES)}")
    return CatalogueEntry(
        url=url,
        id=(item.get("id") or "").strip() or None,
        speaker=item.get("speaker") or None,
        party=item.get("party") or None,
        date=date,
        title=item.get("title") or None,
        doc_type=doc_type,
        venue=item.get("venue") or None,
        where=label,
        archived=archived,
    )
