"""Polite HTTP and the raw archive.

:class:`Fetcher` sends one request at a time per host, waiting
``FetchSettings.delay`` seconds between requests to the same host, while
different hosts proceed in parallel (each from its own thread). It obeys
robots.txt with a wildcard-aware parser (protego), retries connection errors
(a connection broken mid-body included), time-outs, 429 and 5xx with
exponential back-off honouring ``Retry-After``, stops reading a body at the
size cap, follows redirects only to allowed hosts and sends ``If-None-Match``
/ ``If-Modified-Since`` when given validators.

:class:`WarcArchive` writes every request and response to a WARC file (warcio)
and :func:`read_archive` replays the responses offline.

Example::

    >>> settings = FetchSettings(delay=1.0, user_agent="my-study/1.0 (+https://example.org)")
    >>> fetcher = Fetcher(settings)                     # doctest: +SKIP
    >>> page = fetcher.fetch("https://www.gov.uk/api/content/government/speeches/x",
    ...                      allowed_hosts={"www.gov.uk"})  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import logging
import re
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests

from policytext import __version__
from policytext.errors import FetchError, HostNotAllowed, ResponseTooLarge, RobotsDisallowed

__all__ = [
    "ArchivedResponse",
    "FetchSettings",
    "Fetcher",
    "HostUnreachable",
    "Response",
    "WarcArchive",
    "host_of",
    "read_archive",
]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    f"policytext/{__version__} (research corpus builder; +https://github.com/policytext/policytext)"
)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class HostUnreachable(FetchError):
    """A host could not be reached at all (connection refused, DNS failure) after retries."""

    def __init__(self, message: str, *, url: str = "", host: str = "") -> None:
        super().__init__(message, url=url)
        self.host = host


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety settings, with documented defaults.

    Parameters
    ----------
    user_agent:
        Sent with every request; names the project and a contact URL.
    delay:
        Seconds between two requests to the same host (default 1.0). A recipe
        may ask for a longer delay; robots.txt ``Crawl-delay`` is honoured too.
    connect_timeout, read_timeout:
        Seconds to wait for a connection and between bytes of a response.
    max_bytes:
        Largest response body read (default 50 MB); a longer one is cut off and
        reported as :class:`~policytext.errors.ResponseTooLarge`.
    retries:
        Further attempts after a connection error, time-out, 429 or 5xx.
    backoff:
        First back-off in seconds, doubled at each retry.
    max_retry_after:
        Longest ``Retry-After`` wait honoured (seconds); a longer one fails the URL.
    max_redirects:
        Redirect hops followed before giving up.
    obey_robots:
        Check robots.txt (always on from the command line).
    """

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 50 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_redirects: int = 5
    obey_robots: bool = True


@dataclass(frozen=True)
class Response:
    """One fetched resource (after redirects).

    ``not_modified`` is true for a 304 answer to a conditional request; then
    ``body`` is empty. ``warc_file`` / ``warc_offset`` locate the response
    record when an archive was written.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    not_modified: bool = False
    warc_file: str | None = None
    warc_offset: int | None = None
    retrieved_at: str = ""

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"').lower()
        return None


def host_of(url: str) -> str:
    """The ``host[:port]`` of a URL, lower case.

    Example::

        >>> host_of("http://127.0.0.1:8080/a")
        '127.0.0.1:8080'
    """
    return urlsplit(url).netloc.lower()


class _HostSlot:
    """One host's queue position: a lock and the earliest time of the next request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_time = 0.0
        self.delay: float | None = None


class Fetcher:
    """Polite HTTP client: robots, per-host delay, retries, size cap, safe redirects.

    Parameters
    ----------
    settings:
        Politeness settings (:class:`FetchSettings`).
    archive:
        When given, every request and response is written to it.
    sleep:
        The sleeping function (a test may record waits).

    Example::

        >>> with Fetcher(FetchSettings(delay=0.5)) as fetcher:   # doctest: +SKIP
        ...     fetcher.fetch("http://127.0.0.1:8000/a", allowed_hosts={"127.0.0.1:8000"}).status
        200
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        archive: WarcArchive | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.archive = archive
        self._sleep = sleep
        self._slots: dict[str, _HostSlot] = {}
        self._robots: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive, if any."""
        if self.archive is not None:
            self.archive.close()

    # -- per-host politeness ------------------------------------------------------

    def set_host_delay(self, host: str, delay: float) -> None:
        """Use at least ``delay`` seconds between requests to ``host`` (a recipe's rate)."""
        slot = self._slot(host)
        slot.delay = max(delay, slot.delay or 0.0)

    def _slot(self, host: str) -> _HostSlot:
        with self._lock:
            slot = self._slots.get(host)
            if slot is None:
                slot = self._slots[host] = _HostSlot()
            return slot

    def _session(self) -> requests.Session:
        # requests.Session is not thread-safe: one per thread (threads are per host).
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            self._local.session = session
        return session

    # -- robots.txt -----------------------------------------------------------------

    def is_allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets our User-Agent fetch it (cached per run)."""
        if not self.settings.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            rules = self._robots.get(origin)
        if rules is None:
            rules = self._load_robots(origin)
            with self._lock:
                self._robots[origin] = rules
        if rules is False:
            return True
        return bool(rules.can_fetch(url, self._robots_name()))

    def _robots_name(self) -> str:
        """The product token of our User-Agent ("policytext" of "policytext/1.0 (...)").

        robots.txt groups are matched against it (RFC 9309, 2.2.1), not against the
        whole header: a group for "github" or "research" must not catch us because the
        contact URL or comment in our User-Agent contains the word.
        """
        match = re.match(r"\s*([A-Za-z_-]+)", self.settings.user_agent)
        return match.group(1) if match else self.settings.user_agent

    def _load_robots(self, origin: str) -> Any:
        from protego import Protego

        url = origin + "/robots.txt"
        try:
            response = self._request(url, conditional={})
            for _hop in range(5):  # RFC 9309: follow at least five redirects for robots.txt
                if response.status not in _REDIRECT_STATUSES or "location" not in response.headers:
                    break
                response = self._request(urljoin(url, response.headers["location"]), conditional={})
        except (ResponseTooLarge, HostNotAllowed):
            return False
        except HostUnreachable:
            raise
        except FetchError as exc:
            # A server error on robots.txt: be cautious and fetch nothing from the host.
            logger.warning("%s: robots.txt unavailable (%s); not fetching from this host", url, exc)
            return Protego.parse("User-agent: *\nDisallow: /\n")
        if response.status >= 500:
            logger.warning("%s: robots.txt gave HTTP %s; not fetching from this host", url, response.status)
            return Protego.parse("User-agent: *\nDisallow: /\n")
        if response.status != 200:
            return False  # no robots.txt: everything allowed
        text = response.body.decode("utf-8", errors="replace")
        rules = Protego.parse(text)
        delay = rules.crawl_delay(self._robots_name())
        if delay:
            self.set_host_delay(host_of(origin), min(float(delay), 60.0))
        return rules

    # -- fetching ---------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        allowed_hosts: Collection[str],
        etag: str | None = None,
        last_modified: str | None = None,
        annotations: dict[str, str] | None = None,
    ) -> Response:
        """Fetch ``url`` politely; follow redirects within ``allowed_hosts``.

        Parameters
        ----------
        url:
            An http(s) URL on one of ``allowed_hosts``.
        allowed_hosts:
            ``host[:port]`` names that the URL and every redirect must stay on.
        etag, last_modified:
            Validators from an earlier fetch: sent as ``If-None-Match`` /
            ``If-Modified-Since``; a 304 gives ``Response.not_modified``.
        annotations:
            Extra ``WARC-Policytext-*`` headers for the archived response record
            (what the response is for), read back by :func:`read_archive`.

        Returns
        -------
        Response
            Any final status (404 and 410 included); the caller decides.

        Raises
        ------
        RobotsDisallowed, HostNotAllowed, ResponseTooLarge, HostUnreachable, FetchError
        """
        allowed = {h.lower() for h in allowed_hosts}
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or parts.netloc.lower() not in allowed:
                what = "redirected to" if current != url else "URL on"
                raise HostNotAllowed(
                    f"{url}: {what} {parts.netloc or current!r}, not a host this recipe allows "
                    f"({', '.join(sorted(allowed))})",
                    url=url,
                )
            if not self.is_allowed_by_robots(current):
                raise RobotsDisallowed(f"{current}: disallowed by robots.txt", url=url)
            response = self._request(current, conditional=conditional, original=url, annotations=annotations)
            if response.status in _REDIRECT_STATUSES and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                continue
            return response
        raise FetchError(f"{url}: more than {self.settings.max_redirects} redirects", url=url)

    def _wait_turn(self, host: str) -> _HostSlot:
        slot = self._slot(host)
        slot.lock.acquire()
        wait = slot.next_time - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        return slot

    def _request(
        self,
        url: str,
        *,
        conditional: dict[str, str],
        original: str | None = None,
        annotations: dict[str, str] | None = None,
    ) -> Response:
        settings = self.settings
        host = host_of(url)
        label = original or url
        attempt = 0
        while True:
            slot = self._wait_turn(host)
            retry_wait: float | None = None
            try:
                try:
                    response = self._send(url, conditional, annotations)
                except requests.exceptions.ConnectionError as exc:
                    if isinstance(exc, requests.exceptions.ReadTimeout) or "Read timed out" in str(exc):
                        problem: Exception = FetchError(
                            f"{label}: no response within {settings.read_timeout:g} s (read time-out)",
                            url=label,
                        )
                    else:
                        problem = HostUnreachable(
                            f"{label}: cannot connect to {host} ({_reason(exc)})",
                            url=label,
                            host=host,
                        )
                except requests.exceptions.Timeout:
                    problem = FetchError(
                        f"{label}: no response within {settings.read_timeout:g} s (time-out)",
                        url=label,
                    )
                except requests.exceptions.ChunkedEncodingError as exc:
                    # The connection broke before the whole body arrived (fewer bytes than
                    # Content-Length, a cut chunked stream): transient, so retried.
                    problem = FetchError(
                        f"{label}: connection broken before the whole response arrived ({_incomplete(exc)})",
                        url=label,
                    )
                except requests.exceptions.RequestException as exc:
                    raise FetchError(f"{label}: {type(exc).__name__}: {exc}", url=label) from None
                else:
                    if response.status not in _RETRY_STATUSES:
                        return response
                    problem = FetchError(
                        f"{label}: HTTP {response.status} after {attempt + 1} attempts", url=label
                    )
                    retry_wait = _retry_after(
                        response.headers.get("retry-after"), response.headers.get("date")
                    )
                    if retry_wait is not None and retry_wait > settings.max_retry_after:
                        raise FetchError(
                            f"{label}: HTTP {response.status} with Retry-After {retry_wait:g} s, "
                            f"longer than the {settings.max_retry_after:g} s allowed",
                            url=label,
                        )
            finally:
                slot.next_time = time.monotonic() + max(settings.delay, slot.delay or 0.0)
                slot.lock.release()
            if attempt >= settings.retries:
                raise problem
            wait = settings.backoff * (2**attempt)
            if retry_wait is not None:
                wait = max(wait, retry_wait)
            logger.info("%s: %s; retrying in %.1f s", label, problem, wait)
            # Hold the host back too, so other URLs on it wait as well.
            slot.next_time = max(slot.next_time, time.monotonic() + wait)
            attempt += 1

    def _send(self, url: str, conditional: dict[str, str], annotations: dict[str, str] | None) -> Response:
        settings = self.settings
        session = self._session()
        retrieved_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        with session.get(
            url,
            headers=conditional,
            timeout=(settings.connect_timeout, settings.read_timeout),
            allow_redirects=False,
            stream=True,
        ) as raw:
            chunks: list[bytes] = []
            size = 0
            too_large = False
            declared = raw.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                too_large = True
            else:
                for chunk in raw.iter_content(_CHUNK):
                    size += len(chunk)
                    if size > settings.max_bytes:
                        too_large = True
                        break
                    chunks.append(chunk)
            body = b"".join(chunks)
            headers = {k.lower(): v for k, v in raw.headers.items()}
            request_headers = dict(raw.request.headers) if raw.request is not None else {}
            status = raw.status_code
            reason = raw.reason or ""
        warc_file = warc_offset = None
        if self.archive is not None:
            warc_file, warc_offset = self.archive.write(
                url,
                status,
                reason,
                headers,
                body,
                request_headers,
                truncated=too_large,
                date=retrieved_at,
                annotations=annotations,
            )
        if too_large:
            raise ResponseTooLarge(
                f"{url}: response larger than the {settings.max_bytes} byte cap; cut off", url=url
            )
        return Response(
            url=url,
            final_url=url,
            status=status,
            headers=headers,
            body=body,
            not_modified=status == 304,
            warc_file=warc_file,
            warc_offset=warc_offset,
            retrieved_at=retrieved_at,
        )


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "No route to host",
        "Temporary failure in name resolution",
        "Network is unreachable",
        "timed out",
    ):
        if marker in text:
            return marker
    return type(exc).__name__


def _incomplete(exc: Exception) -> str:
    match = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", str(exc))
    if match:
        return f"{match[1]} bytes read, {match[2]} more expected"
    return "incomplete body"


def _retry_after(value: str | None, server_date: str | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date).

    An HTTP date is measured from the response's own ``Date`` header when it has
    one (RFC 9110, 10.2.3), so a server whose clock differs from ours still gets
    the pause it asked for; else from our clock.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = _http_date(value)
    if when is None:
        return None
    now = _http_date(server_date) if server_date else None
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _http_date(value: str) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


# -- the raw archive -------------------------------------------------------------------


_DROP_ARCHIVED = {"content-encoding", "transfer-encoding", "content-length"}


class WarcArchive:
    """Appends request and response records to a gzipped WARC file (thread-safe).

    Bodies are stored decoded (``Content-Encoding`` is dropped from the stored
    headers), so a record reads back as the bytes that were extracted.

    Example::

        >>> archive = WarcArchive("corpus/archive/scrape.warc.gz")   # doctest: +SKIP
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._handle: IO[bytes] | None = None
        self._writer: Any = None
        self._lock = threading.Lock()

    def _open(self) -> IO[bytes]:
        # Opened at the first record, so a run that fetches nothing leaves no file.
        from warcio.warcwriter import WARCWriter

        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("ab")
            self._writer = WARCWriter(self._handle, gzip=self.path.suffix == ".gz")
        return self._handle

    def write(
        self,
        url: str,
        status: int,
        reason: str,
        headers: dict[str, str],
        body: bytes,
        request_headers: dict[str, str],
        *,
        truncated: bool = False,
        date: str | None = None,
        annotations: dict[str, str] | None = None,
    ) -> tuple[str, int]:
        """Write one request/response pair; return (file, offset of the response record)."""
        from warcio.statusandheaders import StatusAndHeaders

        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        request = StatusAndHeaders(
            f"GET {path} HTTP/1.1", list(request_headers.items()), is_http_request=True
        )
        response_headers = [(k, v) for k, v in headers.items() if k not in _DROP_ARCHIVED]
        response_headers.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {reason}".strip(), response_headers, protocol="HTTP/1.1")
        warc_headers = dict(annotations or {})
        if truncated:
            warc_headers["WARC-Truncated"] = "length"
        if date:
            warc_headers["WARC-Date"] = date.replace("+00:00", "Z")
        with self._lock:
            handle = self._open()
            response_record = self._writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict=warc_headers,
            )
            request_record = self._writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=request,
                warc_headers_dict={
                    "WARC-Concurrent-To": response_record.rec_headers.get_header("WARC-Record-ID")
                },
            )
            handle.seek(0, io.SEEK_END)
            offset = handle.tell()
            self._writer.write_record(response_record)
            self._writer.write_record(request_record)
            handle.flush()
        return str(self.path), offset

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._handle is not None and not self._handle.closed:
                self._handle.close()


@dataclass(frozen=True)
class ArchivedResponse:
    """A response record read back from a WARC file."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    warc_file: str
    warc_offset: int
    retrieved_at: str = ""
    truncated: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def as_response(self) -> Response:
        """The record as a :class:`Response` (for the extractors)."""
        return Response(
            url=self.url,
            final_url=self.url,
            status=self.status,
            headers=self.headers,
            body=self.body,
            warc_file=self.warc_file,
            warc_offset=self.warc_offset,
            retrieved_at=self.retrieved_at,
        )


def read_archive(path: str | Path) -> Iterator[ArchivedResponse]:
    """The response records of a WARC file, in order (no network).

    Raises
    ------
    FetchError
        When the file is missing or not a WARC file (naming the file).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    path = Path(path)
    if not path.is_file():
        raise FetchError(f"{path}: no such archive file", url=str(path))
    with path.open("rb") as handle:
        if not handle.read(5).startswith((b"\x1f\x8b", b"WARC/")):
            raise FetchError(f"{path}: not a WARC archive (no WARC or gzip header)", url=str(path))
        handle.seek(0)
        iterator = ArchiveIterator(handle)
        try:
            for record in iterator:
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                status = int(record.http_headers.get_statuscode() or 0)
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                body = record.content_stream().read()
                yield ArchivedResponse(
                    url=url,
                    status=status,
                    headers=headers,
                    body=body,
                    warc_file=str(path),
                    warc_offset=iterator.get_record_offset(),
                    retrieved_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                    truncated=bool(record.rec_headers.get_header("WARC-Truncated")),
                    extra={k: v for k, v in record.rec_headers.headers if k.startswith("WARC-Policytext-")},
                )
        except ArchiveLoadFailed as exc:
            raise FetchError(f"{path}: not a readable WARC archive ({exc})", url=str(path)) from None


def _warc_date(value: str | None) -> str:
    if not value:
        return ""
    return value.replace("Z", "+00:00").split(".")[0] if "." in value else value.replace("Z", "+00:00")
