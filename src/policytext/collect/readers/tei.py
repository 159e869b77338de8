"""ParlaMint / Hansard TEI XML: one document per speech (``<u>``).

The speaker is the ``<person>`` that ``who`` points to, from a ``listPerson``
in the file itself or in a ParlaMint list or corpus-root file beside it
(``*listPerson*.xml``, ``*listOrg*.xml``, a ``teiCorpus`` file); the party is
the ``politicalParty`` ``<org>`` of the person's ``member`` affiliation on the
day of the sitting. When those files are absent, the ParlaMint ``<file>-meta.tsv``
beside the XML gives ``Speaker_name`` and ``Speaker_party_name`` per speech.
The date is the sitting's (``setting/date`` or the source's ``bibl/date``), the
title the debate section's ``<head>`` (else the file's sub-title), the text the
speech's ``<seg>`` paragraphs without editorial notes.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from policytext._text import sha256_hex
from policytext.collect.extract import EXTRACTOR_VERSION
from policytext.collect.readers._records import ReadOptions, finish, refuse_nul
from policytext.errors import ImportFormatError
from policytext.people import default_registry
from policytext.store.corpus import Document

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["is_tei_sidecar", "read_tei"]

logger = logging.getLogger(__name__)

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
# Editorial matter inside a speech, not words said.
_NOT_SPOKEN = {f"{TEI}{name}" for name in ("note", "gap", "kinesic", "vocal", "incident", "desc")}
_SIDECAR_SUFFIX = "-meta.tsv"


@dataclass(frozen=True)
class _Person:
    name: str
    forename: str | None
    surname: str | None
    parties: tuple[tuple[str, str | None, str | None], ...]  # (org id, from, to)


def _parser() -> etree.XMLParser:
    # No entities, no network, libxml2's default depth and size limits. lxml is loaded on
    # first use, so `import policytext` stays fast.
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _parse(path: Path) -> etree._ElementTree:
    from lxml import etree

    try:
        return etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        message = (exc.msg or "not well-formed").split(", line ")[0]
        raise ImportFormatError(f"{path}:{line}: not well-formed XML ({message})") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc})") from None


def is_tei_sidecar(path: Path) -> bool:
    """A ParlaMint ``<name>-meta.tsv`` beside its ``<name>.xml``: metadata, not documents."""
    name = path.name
    return name.endswith(_SIDECAR_SUFFIX) and path.with_name(name[: -len(_SIDECAR_SUFFIX)] + ".xml").is_file()


def is_tei_list_file(path: Path) -> bool:
    """A ParlaMint person or organisation list, read for metadata, not as documents."""
    lowered = path.name.lower()
    return lowered.endswith(".xml") and ("listperson" in lowered or "listorg" in lowered)


def read_tei(path: Path, *, relative: str, options: ReadOptions) -> list[Document]:
    """Every speech of a TEI file as a ``debate`` document.

    Raises
    ------
    ImportFormatError
        ``FILE:LINE: problem`` for XML that is not well-formed, a file that is
        not TEI, a speech without text, or bad metadata.
    """
    raw = path.read_bytes()
    tree = _parse(path)
    root = tree.getroot()
    if root.tag not in (f"{TEI}TEI", f"{TEI}teiCorpus"):
        raise ImportFormatError(
            f"{path}:{root.sourceline or 1}: not a TEI document (root <{str(root.tag).rpartition('}')[2]}>)"
        )
    if root.tag == f"{TEI}teiCorpus" and root.find(f".//{TEI}u") is None:
        raise ImportFormatError(
            f"{path}: a TEI corpus root without speeches (its components are imported as files)"
        )
    date = _first_attr(
        root,
        [f".//{TEI}setting/{TEI}date", f".//{TEI}sourceDesc//{TEI}date", f".//{TEI}teiHeader//{TEI}date"],
        "when",
    )
    persons, parties = _lists(root)
    for listed in _neighbour_lists(path):
        persons = {**listed[0], **persons}
        parties = {**listed[1], **parties}
    sidecar = _sidecar(path)
    sub_title = _text_of(root.find(f".//{TEI}titleStmt/{TEI}title[@type='sub']")) or _text_of(
        root.find(f".//{TEI}titleStmt/{TEI}title")
    )
    url = _text_of(root.find(f".//{TEI}sourceDesc//{TEI}idno[@type='URI']"))
    places = [_text_of(n) for n in root.findall(f".//{TEI}setting/{TEI}name[@type='place']")]
    venue = next((p for p in reversed(places) if p), None)
    stem = str(Path(relative).with_suffix("").as_posix())
    documents = []
    seen: set[str] = set()
    for number, u in enumerate(root.iter(f"{TEI}u"), start=1):
        where = f"{path}:{u.sourceline or 1}"
        text = _speech_text(u)
        if not text:
            logger.info("%s: speech without words, skipped", where)
            continue
        refuse_nul(text, where, "text")
        u_id = u.get(XML_ID) or f"{stem}/u{number}"
        if u_id in seen:
            raise ImportFormatError(f"{where}: xml:id {u_id!r} used twice")
        seen.add(u_id)
        who = (u.get("who") or "").lstrip("#") or None
        speaker, party = _speaker(who, u_id, date, persons, parties, sidecar)
        division = next((a for a in u.iterancestors(f"{TEI}div")), None)
        head = _text_of(division.find(f"{TEI}head")) if division is not None else None
        doc = Document(
            text=text,
            id=u_id,
            speaker=speaker,
            party=party,
            date=date,
            title=head or sub_title,
            doc_type=options.doc_type or "debate",
            source=options.source or "local",
            url=url,
            venue=venue,
            sha256=sha256_hex(raw),
            extractor_version=f"tei/{EXTRACTOR_VERSION}",
        )
        documents.append(finish(doc, where))
    if not documents:
        raise ImportFormatError(f"{path}: no speeches (<u> elements with words) found")
    return documents


def _speech_text(u: etree._Element) -> str:
    segments = u.findall(f"{TEI}seg") or [u]
    paragraphs = []
    for segment in segments:
        words = " ".join("".join(_spoken_text(segment)).split())
        if words:
            paragraphs.append(words)
    return "\n\n".join(paragraphs)


def _spoken_text(element: etree._Element) -> list[str]:
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _NOT_SPOKEN and isinstance(child.tag, str):
            parts.extend(_spoken_text(child))
        parts.append(child.tail or "")
    return parts


def _text_of(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    text = " ".join("".join(element.itertext()).split())
    return text or None


def _first_attr(root: etree._Element, paths: list[str], attribute: str) -> str | None:
    for xpath in paths:
        for element in root.iterfind(xpath):
            value = element.get(attribute)
            if value:
                return str(value)
    return None


def _neighbour_lists(path: Path) -> list[tuple[dict[str, _Person], dict[str, str]]]:
    """Persons and parties of the ParlaMint list files and corpus roots in the file's folder
    and the one above (each file parsed once per import, however many sittings use it)."""
    found = []
    for folder in (path.parent, path.parent.parent):
        for candidate in _metadata_files(str(folder), folder.stat().st_mtime_ns):
            if Path(candidate) != path:
                found.append(_lists_of_file(candidate, Path(candidate).stat().st_mtime_ns))
    return found


@functools.lru_cache(maxsize=64)
def _metadata_files(folder: str, mtime_ns: int) -> tuple[str, ...]:
    return tuple(
        str(candidate)
        for candidate in sorted(Path(folder).glob("*.xml"))
        if is_tei_list_file(candidate) or is_corpus_root(candidate)
    )


@functools.lru_cache(maxsize=16)
def _lists_of_file(path: str, mtime_ns: int) -> tuple[dict[str, _Person], dict[str, str]]:
    return _lists(_parse(Path(path)).getroot())


def is_corpus_root(path: Path) -> bool:
    """A ParlaMint corpus root (``<teiCorpus>``): it lists the sittings, it holds no speech."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # reported when the file is read as a document
    return b"<teiCorpus" in head


def _lists(root: etree._Element) -> tuple[dict[str, _Person], dict[str, str]]:
    persons: dict[str, _Person] = {}
    parties: dict[str, str] = {}
    for org in root.iter(f"{TEI}org"):
        org_id = org.get(XML_ID)
        if not org_id or org.get("role") not in (None, "politicalParty", "party"):
            continue
        names = org.findall(f"{TEI}orgName")
        full = next((n for n in names if n.get("full") == "yes"), names[0] if names else None)
        name = _text_of(full)
        if name:
            parties.setdefault(org_id, name)
    for person in root.iter(f"{TEI}person"):
        person_id = person.get(XML_ID)
        pers_name = person.find(f"{TEI}persName")
        if not person_id or pers_name is None:
            continue
        forename = " ".join(_text_of(f) or "" for f in pers_name.findall(f"{TEI}forename")).strip() or None
        surname = " ".join(_text_of(s) or "" for s in pers_name.findall(f"{TEI}surname")).strip() or None
        name = " ".join(p for p in (forename, surname) if p) or _text_of(pers_name) or person_id
        memberships = tuple(
            (ref.lstrip("#"), a.get("from"), a.get("to"))
            for a in person.findall(f"{TEI}affiliation")
            for ref in (a.get("ref") or "").split()
            if a.get("role") in (None, "member")
        )
        persons.setdefault(person_id, _Person(name, forename, surname, memberships))
    return persons, parties


def _sidecar(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """ParlaMint's ``-meta.tsv``: (speaker name as "Surname, Forenames", party name) by speech id."""
    tsv = path.with_name(path.stem + _SIDECAR_SUFFIX)
    if not tsv.is_file():
        return {}
    rows: dict[str, tuple[str | None, str | None]] = {}
    text = tsv.read_text("utf-8-sig")
    for row in csv.DictReader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE):
        speech = (row.get("ID") or "").strip()
        if not speech:
            continue
        name = _clean_dash(row.get("Speaker_name"))
        if name and "," in name:
            surname, _, forenames = name.partition(",")
            name = f"{forenames.strip()} {surname.strip()}"
        rows[speech] = (name, _clean_dash(row.get("Speaker_party_name")))
    return rows


def _clean_dash(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "-") else value


def _speaker(
    who: str | None,
    u_id: str,
    date: str | None,
    persons: dict[str, _Person],
    parties: dict[str, str],
    sidecar: dict[str, tuple[str | None, str | None]],
) -> tuple[str | None, str | None]:
    person = persons.get(who) if who else None
    if person is not None:
        party = next(
            (
                parties[org]
                for org, start, end in person.parties
                if org in parties and _covers(start, end, date)
            ),
            None,
        )
        return _known_name(person.name, person.forename, person.surname), party
    if u_id in sidecar:
        name, party = sidecar[u_id]
        if name:
            forenames, _, surname = name.rpartition(" ")
            return _known_name(name, forenames or None, surname or None), party
        return None, party
    return who, None


def _covers(start: str | None, end: str | None, date: str | None) -> bool:
    """Whether an affiliation from ``start`` to ``end`` (ISO, possibly partial) covers ``date``."""
    if date is None:
        return True
    if start and start[: len(date)] > date[: len(start)]:
        return False
    return not (end and end[: len(date)] < date[: len(end)])


def _known_name(full: str, forenames: str | None, surname: str | None) -> str:
    """The registry's name when it knows the person under a shorter form
    ("Nicholas William Peter Clegg" is "Nick Clegg"), else the full name."""
    registry = default_registry()
    if registry.person(full):
        return full
    if forenames and surname:
        first = forenames.split()[0]
        if registry.person(f"{first} {surname}"):
            return f"{first} {surname}"
        # A surname the registry knows, with the same initial ("Gregory David Clark", "Greg Clark").
        resolved = registry.resolve(surname)
        person = registry.person(resolved)
        if person is not None and resolved != surname:
            known_first = person.name.split()[0]
            if known_first[:1].lower() == first[:1].lower():
                return person.name
    return full
