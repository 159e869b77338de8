"""Web archives through their CDX index: shared by the UKGWA and Wayback adapters.

Two answer shapes are read, whatever the server:

- pywb (UK Government Web Archive) with ``output=json``: one JSON object per line
  (NDJSON), keys ``urlkey, timestamp, url, mime, status, digest, ...``;
- the Internet Archive's CDX server with ``output=json``: one JSON array whose first
  row holds the field names (``urlkey, timestamp, original, mimetype, statuscode,
  digest, length``), and with ``showResumeKey=true`` an empty row then
  ``[resume_key]`` at the end.

Each capture becomes a :class:`Capture` with the original URL under ``url``
whichever key the archive used. A capture is fetched raw, without the archive's
toolbar or rewritten links: ``<timestamp>id_/<original-url>``.

Example::

    >>> line = b'{"timestamp": "20070601120000", '
    >>> line += b'"url": "http://www.number10.gov.uk/output/Page1.asp", "status": "200"}'
    >>> rows = parse_cdx(line, where="x")
    >>> rows.captures[0].url
    'http://www.number10.gov.uk/output/Page1.asp'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from policytext.errors import ExtractionError

__all__ = ["Capture", "CdxAnswer", "capture_key", "parse_cdx", "raw_capture_url"]


@dataclass(frozen=True)
class Capture:
    """One CDX row: when and what was captured."""

    url: str
    timestamp: str
    urlkey: str = ""
    status: str = ""
    mime: str = ""
    digest: str = ""


@dataclass(frozen=True)
class CdxAnswer:
    """The captures of one CDX answer, the resume key (Wayback paging) or a page count."""

    captures: tuple[Capture, ...] = ()
    resume_key: str | None = None
    pages: int | None = None
    fields: tuple[str, ...] = field(default_factory=tuple)


def _capture(record: dict[str, object]) -> Capture | None:
    url = str(record.get("url") or record.get("original") or "")
    timestamp = str(record.get("timestamp") or "")
    if not url or not re.fullmatch(r"\d{4,14}", timestamp):
        return None
    return Capture(
        url=url,
        timestamp=timestamp,
        urlkey=str(record.get("urlkey") or ""),
        status=str(record.get("status") or record.get("statuscode") or ""),
        mime=str(record.get("mime") or record.get("mimetype") or ""),
        digest=str(record.get("digest") or ""),
    )


def parse_cdx(body: bytes, *, where: str) -> CdxAnswer:
    """A CDX answer in either JSON shape (see the module docstring).

    A ``showNumPages`` answer (a bare number, or ``{"pages": N}``) gives ``pages``.

    Raises
    ------
    ExtractionError
        Not JSON in either shape (naming the URL and the line).
    """
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise ExtractionError(f"{where}: CDX answer is not UTF-8 ({exc})") from None
    if not text:
        return CdxAnswer()
    if text.isdigit():
        return CdxAnswer(pages=int(text))
    if text.startswith("["):
        return _parse_array(text, where)
    captures = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExtractionError(f"{where}: CDX answer line {number} is not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise ExtractionError(f"{where}: CDX answer line {number} is not a JSON object")
        if "pages" in record and "url" not in record:
            return CdxAnswer(pages=int(record["pages"] or 0))
        capture = _capture(record)
        if capture is not None:
            captures.append(capture)
    return CdxAnswer(captures=tuple(captures))


def _parse_array(text: str, where: str) -> CdxAnswer:
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExtractionError(f"{where}: CDX answer is not JSON ({exc.msg})") from None
    if not isinstance(rows, list) or not rows:
        return CdxAnswer()
    header = [str(h) for h in rows[0]] if isinstance(rows[0], list) else []
    if not header:
        raise ExtractionError(f"{where}: CDX answer without a row of field names")
    resume_key = None
    captures = []
    body = rows[1:]
    # showResumeKey: [..., [], ["<key>"]] at the end.
    if len(body) >= 2 and body[-2] == [] and isinstance(body[-1], list) and len(body[-1]) == 1:
        resume_key = str(body[-1][0])
        body = body[:-2]
    for row in body:
        if not isinstance(row, list) or not row:
            continue
        capture = _capture(dict(zip(header, row, strict=False)))
        if capture is not None:
            captures.append(capture)
    return CdxAnswer(captures=tuple(captures), resume_key=resume_key, fields=tuple(header))


def capture_key(capture: Capture) -> str:
    """What makes two captures the same document: the URL without scheme, ``www.`` or
    case (IIS served ``Page1234.asp`` and ``page1234.asp`` as one page)."""
    parts = urlsplit(capture.url)
    host = parts.netloc.lower().removeprefix("www.").split(":")[0]
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}?{parts.query}" if parts.query else f"{host}{path}"


def raw_replay_url(url: str, replay: re.Pattern[str], prefix: str) -> str:
    """A replay URL in its raw ``<prefix>/<timestamp>id_/<original>`` form; ``replay`` matches
    the path (and query) with the timestamp and the original URL as groups 1 and 2. A URL
    that is not a replay URL is returned unchanged."""
    parts = urlsplit(url)
    match = replay.match(parts.path + (f"?{parts.query}" if parts.query else ""))
    if not match:
        return url
    return f"{parts.scheme}://{parts.netloc}/{prefix}/{match.group(1)}id_/{match.group(2)}"


def raw_capture_url(archive_root: str, capture: Capture) -> str:
    """The raw capture: ``<archive_root>/<timestamp>id_/<original-url>``."""
    return f"{archive_root.rstrip('/')}/{capture.timestamp}id_/{capture.url}"
