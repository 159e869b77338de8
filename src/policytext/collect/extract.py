"""Raw bytes (and the URL or file name they came from) to clean text.

Extraction is a pure function: no network, no database, so it re-runs from the
raw archive offline. Every failure raises :class:`ExtractionError` naming the
URL or file and the reason; nothing returns an empty text silently.

Example::

    >>> extract_html(b"<html><body><nav>Home</nav><p>Power to the people.</p></body></html>").text
    'Power to the people.'
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from policytext.errors import ExtractionError

__all__ = [
    "EXTRACTOR_VERSION",
    "Extracted",
    "decode_bytes",
    "extract_generic",
    "extract_html",
    "extract_pdf",
    "extract_text_file",
    "html_to_text",
    "rejoin_hyphenated",
]

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = "1"

# Elements that are page furniture, never speech text.
_FURNITURE_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "svg",
    "template",
    "select",
    "input",
)
_FURNITURE_HINT = re.compile(
    r"(^|[-_ ])(cookie|banner|breadcrumb|share|social|related|sidebar|menu|nav|navigation|"
    r"footer|header|skip|promo|newsletter|subscribe|comments?|wb-?banner|wm-ipp|ukgwa)([-_ ]|$)",
    re.IGNORECASE,
)
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt")


@dataclass(frozen=True)
class Extracted:
    """Text and metadata extracted from one raw document."""

    text: str
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _latin1_for_undefined(error: UnicodeError) -> tuple[str, int]:
    # The five bytes windows-1252 leaves undefined map to the same code points (WHATWG).
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("policytext-latin1", _latin1_for_undefined)


def decode_bytes(raw: bytes, *, where: str, declared: str | None = None) -> str:
    """Decode bytes as UTF-8 (or a declared charset), falling back to cp1252 for
    text that is not valid UTF-8, as old British sites often send.

    A declared ISO-8859-1, ASCII or windows-1252 is read as windows-1252 (as
    browsers do), except that bytes which are valid UTF-8 with non-ASCII
    characters are UTF-8: a server's default ``charset=ISO-8859-1`` on a UTF-8
    page must not turn "’" into "â€™".

    Raises
    ------
    ExtractionError
        When the bytes are not text (NUL bytes) or decode in no known charset.
    """
    for bom, charset in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(charset)
            except UnicodeDecodeError:
                raise ExtractionError(
                    f"{where}: starts with a {charset} byte-order mark but is not {charset}"
                ) from None
    if b"\x00" in raw[:4096]:
        raise ExtractionError(f"{where}: binary data, not text")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if declared:
        try:
            label = codecs.lookup(declared).name.replace("-", "_")
        except LookupError:
            logger.info("%s: unknown charset %r declared; ignored", where, declared)
            declared = None
        else:
            single_byte = label.startswith(("iso8859", "cp125", "mac_", "koi8", "latin"))
            if (single_byte or label == "ascii") and not raw.isascii():
                # Non-ASCII bytes that are valid UTF-8 are UTF-8 whatever the label says:
                # real single-byte text almost never forms valid UTF-8 sequences.
                try:
                    return raw.decode("utf-8")
                except UnicodeDecodeError:
                    pass
            if label in ("latin_1", "iso8859_1", "ascii", "cp1252"):
                return raw.decode("cp1252", errors="policytext-latin1")
    candidates = [c for c in (declared, "utf-8") if c]
    for charset in candidates:
        try:
            return raw.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    logger.info("%s: not valid UTF-8; decoded as cp1252", where)
    return raw.decode("cp1252", errors="policytext-latin1")


def _first_bad_byte(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"0x{raw[exc.start]:02x} at offset {exc.start}"
    return "?"


def extract_text_file(raw: bytes, *, where: str = "<text>", strict: bool = True) -> Extracted:
    """Plain text file to text. With ``strict`` (the default for imports) the
    bytes must be UTF-8: a wrong encoding is an error rather than a guess.

    Raises
    ------
    ExtractionError
        Invalid UTF-8 (with the offset of the first bad byte), binary data or no text.
    """
    if strict:
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if b"\x00" in raw[:4096]:
            raise ExtractionError(f"{where}: binary data, not text")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ExtractionError(
                f"{where}: not valid UTF-8 (byte {_first_bad_byte(raw)}); re-save the file as UTF-8"
            ) from None
    else:
        text = decode_bytes(raw, where=where)
    text = _tidy(text)
    if not text:
        raise ExtractionError(f"{where}: no text")
    return Extracted(text=text)


_ANCHORED_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p"})


def _is_furniture(tag: object) -> bool:
    attrs = getattr(tag, "attrs", None)
    if not attrs:
        return False
    values = []
    # The id of a heading or paragraph is an anchor made from its own words (GOV.UK's
    # <h2 id="social-care">Social care</h2>), not a mark of furniture: only its class counts.
    keys = (
        ("class", "role", "aria-label")
        if getattr(tag, "name", "") in _ANCHORED_TAGS
        else ("id", "class", "role", "aria-label")
    )
    for key in keys:
        value = attrs.get(key)
        if isinstance(value, list):
            values.extend(value)
        elif value:
            values.append(value)
    if attrs.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
        return True
    return any(_FURNITURE_HINT.search(str(v)) for v in values)


def html_to_text(
    html: str | bytes,
    *,
    where: str = "<html>",
    selector: str | None = None,
    declared: str | None = None,
) -> Extracted:
    """HTML to paragraph text, without navigation, banners and other furniture.

    Parameters
    ----------
    html:
        The page (bytes are decoded with :func:`decode_bytes`).
    selector:
        A CSS selector for the body; when omitted, ``<main>``, ``<article>`` or
        ``<body>`` is used after removing furniture.
    declared:
        The charset the server declared for bytes, if any.

    Returns
    -------
    Extracted
        Paragraphs separated by blank lines; the ``<title>`` or first ``<h1>``.
    """
    from bs4 import BeautifulSoup

    if isinstance(html, bytes):
        html = decode_bytes(html, where=where, declared=declared)
    soup = BeautifulSoup(html, "lxml")
    page_title = soup.find("title")
    for tag in soup.find_all(_FURNITURE_TAGS):
        tag.decompose()
    if selector:
        root = soup.select_one(selector)
        if root is None:
            raise ExtractionError(f"{where}: no element matches {selector!r}")
    else:
        remove_furniture(soup)
        root = soup.find("main") or soup.find("article") or soup.body or soup
    heading = root.find("h1") or soup.find("h1")
    title_tag = heading or page_title
    title = " ".join(title_tag.get_text(" ").split()) or None if title_tag else None
    if heading is not None:
        heading.decompose()  # the title is metadata, not part of the text
    text = "\n\n".join(html_paragraphs(root))
    if not text.strip():
        raise ExtractionError(f"{where}: no text found in the HTML")
    return Extracted(text=text, title=title)


def remove_furniture(root: Any) -> None:
    """Remove elements whose id, class or role mark them as page furniture (cookie
    banners, navigation, share links, related content), never one that holds the
    page's ``<main>`` or ``<article>``."""
    for tag in root.find_all(True):
        if getattr(tag, "attrs", None) is None or tag.name in ("html", "body", "main", "article"):
            continue
        if _is_furniture(tag) and tag.find(("main", "article")) is None:
            tag.decompose()


# Elements that start a new paragraph; inline elements (a, em, strong, span...) do not.
_BREAKING_TAGS = frozenset(
    {
        *_BLOCK_TAGS,
        "div",
        "section",
        "article",
        "main",
        "ul",
        "ol",
        "dl",
        "table",
        "tbody",
        "thead",
        "tr",
        "br",
        "hr",
        "figure",
        "figcaption",
        "address",
        "details",
        "summary",
        "body",
        "html",
    }
)


def html_paragraphs(root: Any) -> list[str]:
    """The paragraphs of an element: text between block boundaries, whitespace collapsed.

    Text outside ``<p>`` elements, and the text of a block that also holds nested
    blocks, are kept; inline elements join their neighbours without extra spaces.
    """
    from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    skipped = (Comment, Doctype, Declaration, ProcessingInstruction)
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = " ".join("".join(current).split())
        if line:
            paragraphs.append(line)
        current.clear()

    stack: list[Any] = [iter(root.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            flush()  # leaving a block (or the root)
            continue
        if isinstance(child, NavigableString):
            if not isinstance(child, skipped):
                current.append(str(child))
        elif isinstance(child, Tag):
            if child.name in _BREAKING_TAGS:
                flush()
                stack.append(iter(child.children))
            else:
                # Inline: its text flows into the current paragraph.
                current.append(_inline_text(child, skipped))
    flush()
    return paragraphs


def _inline_text(tag: Any, skipped: tuple[type, ...]) -> str:
    from bs4.element import NavigableString

    parts = []
    for node in tag.descendants:
        if isinstance(node, NavigableString) and not isinstance(node, skipped):
            parts.append(str(node))
        elif getattr(node, "name", None) == "br":
            parts.append(" ")
    return "".join(parts)


def _rejoin_punctuation(line: str) -> str:
    # get_text(" ") puts a space before punctuation that followed an inline tag.
    return re.sub(r"\s+([,.;:!?)\]])", r"\1", line)


def extract_html(
    raw: bytes | str,
    *,
    where: str = "<html>",
    selector: str | None = None,
    declared: str | None = None,
) -> Extracted:
    """A page's main text: by ``selector`` when given, else :func:`extract_generic`.

    Raises
    ------
    ExtractionError
        The page cannot be decoded or has no text (naming ``where``): a folder
        import can report the file and go on.
    """
    if selector:
        return html_to_text(raw, where=where, selector=selector, declared=declared)
    return extract_generic(raw, where=where, declared=declared)


def extract_generic(raw: bytes | str, *, where: str = "<html>", declared: str | None = None) -> Extracted:
    """The main text of a page no recipe describes, with trafilatura.

    trafilatura (``favor_precision``; F1 0.96 on the 181 pages of the
    article-extraction benchmark, tests/benchmarks/bench_extract.py) finds the
    article; its lines become paragraphs separated by blank lines. The title is
    the ``<h1>`` of ``<main>`` or ``<article>``, else trafilatura's (the page's
    own title, site name removed), else the first ``<h1>``; a first paragraph
    that repeats it is dropped (the title is metadata). Where trafilatura finds
    nothing, or less than its own minimum (a very short page, where it falls back
    to the whole body, furniture included), the hand-written
    :func:`html_to_text` is used instead.

    Raises
    ------
    ExtractionError
        No usable text (naming ``where``).
    """
    html = decode_bytes(raw, where=where, declared=declared) if isinstance(raw, bytes) else raw
    found = _trafilatura(html, where)
    if found is None or len(found.text) < _MIN_GENERIC_CHARS:
        # Nothing, or trafilatura's whole-body fallback on a short page: the furniture-aware
        # extractor decides (a page of navigation alone has no text).
        return html_to_text(html, where=where)
    return found


# trafilatura's own MIN_EXTRACTED_SIZE: below it, its answer is its whole-body fallback.
_MIN_GENERIC_CHARS = 250


def _trafilatura(html: str, where: str) -> Extracted | None:
    import lxml.html
    import trafilatura
    from lxml.etree import ParserError

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        tree = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return None
    title = _title(tree)  # before trafilatura, which prunes the tree in place
    try:
        document = trafilatura.bare_extraction(tree, favor_precision=True)
    except Exception as exc:  # noqa: BLE001 - a page trafilatura cannot parse goes to the fallback
        logger.info("%s: trafilatura failed (%s); using the fallback extractor", where, type(exc).__name__)
        return None
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        return None
    paragraphs = [p for p in (" ".join(line.split()) for line in text.splitlines()) if p]
    if title and paragraphs and paragraphs[0] == title and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]
    return Extracted(text="\n\n".join(paragraphs), title=title)


def _title(tree: Any) -> str | None:
    """The ``<h1>`` of ``<main>`` or ``<article>``, else ``og:title``, ``<title>``, the first ``<h1>``."""
    paths = ("//main//h1", "//article//h1", "//meta[@property='og:title']/@content", "//title", "//h1")
    for path in paths:
        for found in tree.xpath(path):
            text = " ".join((found if isinstance(found, str) else found.text_content()).split())
            if text:
                return text
    return None


_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


def extract_pdf(raw: bytes, *, where: str = "<pdf>") -> Extracted:
    """PDF bytes to text with pypdf: running headers and footers and page numbers
    removed, words hyphenated across line breaks rejoined.

    Raises
    ------
    ExtractionError
        A broken or encrypted PDF, or one with no extractable text (a scan).
    """
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import PyPdfError

    if not raw.lstrip()[:5].startswith(b"%PDF"):
        raise ExtractionError(f"{where}: not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (PyPdfError, NotImplementedError, ValueError):
                opened = PasswordType.NOT_DECRYPTED
            if opened == PasswordType.NOT_DECRYPTED:
                raise ExtractionError(f"{where}: encrypted PDF (a password is needed to read it)")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = None
        if reader.metadata and reader.metadata.title:
            title = str(reader.metadata.title).strip() or None
    except ExtractionError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
    ) as exc:
        raise ExtractionError(f"{where}: broken PDF ({type(exc).__name__}: {exc})") from None
    text = clean_pdf_pages(pages)
    if not text:
        raise ExtractionError(f"{where}: the PDF has no extractable text (a scan?)")
    return Extracted(text=text, title=title)


def clean_pdf_pages(pages: list[str]) -> str:
    """Join page texts: drop lines repeated at the top or bottom of many pages
    (running heads and feet) and page numbers, and rejoin hyphenated words."""
    split_pages = [[line.rstrip() for line in page.splitlines()] for page in pages]
    edges: Counter[str] = Counter()
    for lines in split_pages:
        content = [line for line in lines if line.strip()]
        for line in {*content[:2], *content[-2:]}:
            edges[_edge_key(line)] += 1
    threshold = max(3, len(pages) // 2) if len(pages) >= 3 else len(pages) + 1
    repeated = {key for key, n in edges.items() if n >= threshold and key}
    kept_pages = []
    for lines in split_pages:
        content = [line for line in lines if line.strip()]
        head_tail = {*content[:2], *content[-2:]}
        kept = [
            line
            for line in lines
            if not (line in head_tail and (_edge_key(line) in repeated or _PAGE_NUMBER.match(line)))
        ]
        kept_pages.append("\n".join(kept))
    text = "\n".join(kept_pages)
    return _tidy(rejoin_hyphenated(text))


# Prefixes written with a hyphen in British English ("self-government", "co-operation").
_HYPHEN_PREFIXES = frozenset(
    {
        "self",
        "co",
        "non",
        "anti",
        "cross",
        "post",
        "pre",
        "multi",
        "well",
        "semi",
        "quasi",
        "half",
        "long",
        "short",
        "full",
        "part",
    }
)
# Prefixes that are hardly ever a mere hyphenation point inside a longer word.
_WHOLE_WORD_PREFIXES = frozenset({"self", "well", "cross", "long", "short", "full", "quasi"})
# Line-break hyphenation often splits off a suffix: "self-\nish" is "selfish".
_SUFFIXES = ("ish", "less", "ness", "ing", "ed", "er", "ly", "ful", "ity", "ment", "ist", "ism")
_BROKEN = re.compile(r"(\w+)-\n\s*(\w+)")


def rejoin_hyphenated(text: str) -> str:
    """Rejoin words a PDF broke over a line with a hyphen, keeping true compounds.

    ``decentral-\\nisation`` becomes ``decentralisation``, but the hyphen stays
    when the document is a better witness for the compound: the hyphenated form
    appears elsewhere in it more often than the joined form; or, with neither
    attested, the first part is a prefix written with a hyphen (``self-``,
    ``co-``, ``non-``, ``cross-`` ...) and the second part is a word of its own
    (seen standalone in the document and not too short, or after a whole-word
    prefix such as ``self-`` not a suffix like ``-ish``); or either side is a number
    (``2010-\\n2015``) or the second part is capitalised (``Anglo-\\nIrish``).

    Example::

        >>> rejoin_hyphenated("power to chal-\\nlenge and self-\\ngovernment")
        'power to challenge and self-government'
    """
    if "-\n" not in text:
        return text
    # Witnesses: the text without the broken words themselves.
    rest = _BROKEN.sub(" ", text).lower()
    compounds = Counter(re.findall(r"\w+(?:-\w+)+", rest))
    words = Counter(re.findall(r"\w+", re.sub(r"\w+(?:-\w+)+", " ", rest)))
    parts = Counter(re.findall(r"\w+", rest))

    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        low_left, low_right = left.lower(), right.lower()
        hyphenated, joined = f"{left}-{right}", f"{left}{right}"
        if left[-1].isdigit() or right[0].isdigit() or right[0].isupper():
            return hyphenated
        seen_compound = compounds[f"{low_left}-{low_right}"]
        seen_joined = words[low_left + low_right]
        if seen_compound != seen_joined:
            return hyphenated if seen_compound > seen_joined else joined
        if low_left in _HYPHEN_PREFIXES:
            # A short prefix ("co-", "pre-") is also a common syllable ("pre-\\nsent"):
            # its second part must be a longer word.
            if parts[low_right] and len(low_right) >= (6 if len(low_left) <= 3 else 4):
                return hyphenated
            if (
                low_left in _WHOLE_WORD_PREFIXES
                and len(low_right) >= 4
                and not low_right.startswith(_SUFFIXES)
            ):
                return hyphenated
        return joined

    return _BROKEN.sub(join, text)


def _edge_key(line: str) -> str:
    # Running heads often carry the page number: compare them without digits.
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
