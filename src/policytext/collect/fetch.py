"""Polite, safe HTTP.

:class:`Fetcher` sends one request at a time per host, waiting
``FetchSettings.delay`` seconds between requests to the same host, while
different hosts proceed in parallel (each from its own thread). It obeys
robots.txt with a wildcard-aware parser (protego), retries connection errors
(a connection broken mid-body included), time-outs, 429 and 5xx with
exponential back-off honouring ``Retry-After``, stops reading a body at the
size cap, follows redirects only to allowed hosts and sends ``If-None-Match``
/ ``If-Modified-Since`` when given validators.

Safety: each response has an overall deadline (``FetchSettings.deadline``) on
top of the connect and read time-outs, and a host resolving to a private,
loopback or link-local address is refused before any connection opens unless
it is explicitly allowed (:mod:`policytext.collect.netguard`).

The WARC archive (:class:`WarcArchive`, :func:`read_archive`) lives in
:mod:`policytext.collect.warc` and is re-exported here.

Example::

    >>> settings = FetchSettings(delay=1.0, user_agent="my-study/1.0 (+https://example.org)")
    >>> fetcher = Fetcher(settings)                     # doctest: +SKIP
    >>> page = fetcher.fetch("https://www.gov.uk/api/content/government/speeches/x",
    ...                      allowed_hosts={"www.gov.uk"})  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions

from policytext import __version__
from policytext.collect.netguard import guarded_session
from policytext.collect.response import Response, host_of
from policytext.collect.warc import ArchivedResponse, WarcArchive, read_archive
from policytext.errors import (
    AddressNotAllowed,
    DeadlineExceeded,
    FetchError,
    HostNotAllowed,
    HostUnreachable,
    ResponseTooLarge,
    RobotsDisallowed,
)

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
    deadline:
        Longest time in seconds one response may take from the request to its
        last byte (default 120): a server trickling bytes, each within the
        read time-out, still fails with :class:`~policytext.errors.DeadlineExceeded`
        (not retried).
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
    private_hosts:
        ``host`` or ``host:port`` names allowed to resolve to private, loopback
        or link-local addresses (a ``--base-url`` mirror, a local test server);
        any other host resolving to one is refused before a connection opens
        (:class:`~policytext.errors.AddressNotAllowed`).
    """

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0
    max_bytes: int = 50 * 1024 * 1024
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_redirects: int = 5
    obey_robots: bool = True
    private_hosts: frozenset[str] = field(default_factory=frozenset)


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
        self._private_hosts: set[str] = {h.lower() for h in self.settings.private_hosts}

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

    def allow_private_host(self, host: str) -> None:
        """Let ``host`` (``name`` or ``name:port``) resolve to a private or loopback address."""
        with self._lock:
            self._private_hosts.add(host.lower())

    def _session(self) -> requests.Session:
        # requests.Session is not thread-safe: one per thread (threads are per host).
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = guarded_session(self._private_hosts, self.settings.user_agent)
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
        except AddressNotAllowed:
            raise
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
                    response = self._send(url, conditional, annotations, label=label)
                except requests.exceptions.RequestException as exc:
                    problem = _classify(exc, label=label, host=host, settings=settings)
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

    def _send(
        self,
        url: str,
        conditional: dict[str, str],
        annotations: dict[str, str] | None,
        *,
        label: str = "",
    ) -> Response:
        settings = self.settings
        session = self._session()
        retrieved_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        started = time.monotonic()
        deadline = started + settings.deadline
        with session.get(
            url,
            headers=conditional,
            timeout=(settings.connect_timeout, min(settings.read_timeout, settings.deadline)),
            allow_redirects=False,
            stream=True,
        ) as raw:
            chunks: list[bytes] = []
            too_large = False
            declared = raw.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                too_large = True
            else:
                chunks, too_large = _read_body(raw, deadline=deadline, max_bytes=settings.max_bytes)
                if chunks is None:
                    raise DeadlineExceeded(
                        f"{label or url}: response still arriving after the {settings.deadline:g} s "
                        "deadline per response (a stalled or trickling server); gave up",
                        url=label or url,
                    )
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


def _read_body(raw: requests.Response, *, deadline: float, max_bytes: int) -> tuple[Any, bool]:
    """The body's chunks and whether the size cap cut it; ``(None, False)`` past the deadline.

    ``read1`` returns whatever bytes have arrived (one read per call), so the
    deadline is checked between the reads of a trickling server.
    """
    chunks: list[bytes] = []
    size = 0
    stream = raw.raw
    try:
        while True:
            if time.monotonic() > deadline:
                return None, False
            chunk = stream.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                return chunks, True
            chunks.append(chunk)
    except urllib3.exceptions.ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc) from exc
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.exceptions.ReadTimeout(exc) from exc
    except urllib3.exceptions.DecodeError as exc:
        raise requests.exceptions.ContentDecodingError(exc) from exc
    return chunks, False


def _classify(
    exc: requests.exceptions.RequestException, *, label: str, host: str, settings: FetchSettings
) -> FetchError:
    """The retriable problem a requests exception stands for, decided by its type."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return HostUnreachable(
            f"{label}: cannot connect to {host} (no connection within {settings.connect_timeout:g} s)",
            url=label,
            host=host,
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return FetchError(
            f"{label}: no response within {settings.read_timeout:g} s (read time-out)", url=label
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        # The connection broke before the whole body arrived (fewer bytes than
        # Content-Length, a cut chunked stream): transient, so retried.
        return FetchError(
            f"{label}: connection broken before the whole response arrived ({_incomplete(exc)})",
            url=label,
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        cause = _root_cause(exc)
        if isinstance(cause, urllib3.exceptions.ReadTimeoutError):
            return FetchError(
                f"{label}: no response within {settings.read_timeout:g} s (read time-out)", url=label
            )
        if isinstance(cause, urllib3.exceptions.ProtocolError | ConnectionResetError):
            return FetchError(f"{label}: connection broken ({_reason(cause)})", url=label)
        return HostUnreachable(f"{label}: cannot connect to {host} ({_reason(cause)})", url=label, host=host)
    raise FetchError(f"{label}: {type(exc).__name__}: {exc}", url=label) from None


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost urllib3 or OS error behind a requests exception."""
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        inner: BaseException | None = None
        if isinstance(current, urllib3.exceptions.MaxRetryError) and current.reason is not None:
            inner = current.reason
        elif current.args and isinstance(current.args[0], BaseException):
            inner = current.args[0]
        elif current.__cause__ is not None:
            inner = current.__cause__
        if inner is None:
            break
        current = inner
    return current


def _reason(cause: BaseException) -> str:
    """A short reason for an unreachable host, from the exception's type."""
    if isinstance(cause, urllib3.exceptions.NameResolutionError):
        return "name not resolved"
    if isinstance(cause, urllib3.exceptions.ConnectTimeoutError | TimeoutError):
        return "timed out"
    inner = cause.__cause__ or cause.__context__
    for error in (cause, inner):
        if isinstance(error, ConnectionRefusedError):
            return "Connection refused"
        if isinstance(error, ConnectionResetError):
            return "connection reset"
        if isinstance(error, OSError) and error.strerror:
            return error.strerror
    return type(cause).__name__


def _incomplete(exc: BaseException) -> str:
    cause = _root_cause(exc)
    for error in (cause, *(a for a in getattr(cause, "args", ()) if isinstance(a, BaseException))):
        if isinstance(error, urllib3.exceptions.IncompleteRead):
            return f"{error.partial} bytes read, {error.expected} more expected"
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
