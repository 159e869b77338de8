"""A fetched HTTP response, as the fetcher, the archive and the adapters see it."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Response", "host_of"]


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
