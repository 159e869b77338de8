"""The raw archive: every request and response of a scrape in a WARC file.

:class:`WarcArchive` writes every request and response to a WARC file (warcio)
and :func:`read_archive` replays the responses offline.

Example::

    >>> archive = WarcArchive("corpus/archive/scrape.warc.gz")   # doctest: +SKIP
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from policytext.collect.response import Response
from policytext.errors import FetchError

__all__ = ["ArchivedResponse", "WarcArchive", "read_archive"]


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
