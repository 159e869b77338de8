"""Exceptions raised by policytext.

Every error derives from :class:`PolicytextError` and carries a one-line message
that names the file, URL or field concerned and the bad value::

    PolicytextError
     +-- InputError              bad user input (files, options)
     |    +-- ImportFormatError   a file that cannot be read as a document (FILE:LINE: ...)
     |    +-- MetadataError       a bad metadata field (date, doc_type, ...)
     |    +-- CodebookError       an invalid codebook (FILE:LINE: ...)
     |    +-- GoldFileError       an invalid gold file (FILE:LINE: ...)
     +-- StoreError              the corpus database cannot be used
     |    +-- SchemaError         the database has an unknown or newer schema
     +-- FetchError              an HTTP fetch failed (carries the URL)
     |    +-- RobotsDisallowed    robots.txt forbids the URL
     |    +-- ResponseTooLarge    the body passed the size cap
     |    +-- HostNotAllowed      a redirect or URL outside the recipe's hosts
     |    |    +-- AddressNotAllowed   a host resolving to a private/loopback/link-local address
     |    +-- HostUnreachable     connection refused, name not resolved (carries the host)
     |    +-- DeadlineExceeded    a response took longer than the overall deadline
     +-- ExtractionError         a page or file gave no usable text (carries the URL or file)
     +-- ModelError              a topic model misused (bad parameter, not fitted)
          +-- NotFittedError

The command-line interface turns any of them into ``Error: <message>`` and a
non-zero exit status.
"""

from __future__ import annotations

__all__ = [
    "AddressNotAllowed",
    "DeadlineExceeded",
    "HostUnreachable",
    "CodebookError",
    "ExtractionError",
    "FetchError",
    "GoldFileError",
    "HostNotAllowed",
    "ImportFormatError",
    "InputError",
    "MetadataError",
    "ModelError",
    "NotFittedError",
    "PolicytextError",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "SchemaError",
    "StoreError",
]


class PolicytextError(Exception):
    """Base class of every error policytext raises."""


class InputError(PolicytextError):
    """Bad input given by the user: a file, an option or a value."""


class ImportFormatError(InputError):
    """A file that cannot be imported; the message starts with ``FILE[:LINE]:``."""


class MetadataError(InputError):
    """A metadata field with a bad value (a date, a document type, ...)."""


class CodebookError(InputError):
    """An invalid codebook; the message starts with ``FILE:LINE:`` where known.

    The message is the first error found. ``problems`` holds every error found, in
    file order (the first included), when the loader could go on past the first: a
    broken pattern or exclusion does not stop the others being checked, so
    ``codebook check`` reports them all in one run.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems: tuple[str, ...] = problems or (message,)


class GoldFileError(InputError):
    """An invalid gold file; the message starts with ``FILE:LINE:``."""


class StoreError(PolicytextError):
    """The corpus database cannot be opened or used."""


class SchemaError(StoreError):
    """The database schema is unknown or newer than this version understands."""


class FetchError(PolicytextError):
    """An HTTP fetch failed; ``url`` names the resource."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class RobotsDisallowed(FetchError):
    """robots.txt forbids fetching the URL."""


class ResponseTooLarge(FetchError):
    """The response body exceeded the size cap."""


class HostNotAllowed(FetchError):
    """A URL or redirect points outside the hosts the recipe allows."""


class AddressNotAllowed(HostNotAllowed):
    """A host resolves to a private, loopback or link-local address and was not allowed.

    ``host`` is the host name and ``address`` the refused address.
    """

    def __init__(self, message: str, *, url: str = "", host: str = "", address: str = "") -> None:
        super().__init__(message, url=url)
        self.host = host
        self.address = address


class HostUnreachable(FetchError):
    """A host could not be reached at all (connection refused, DNS failure) after retries."""

    def __init__(self, message: str, *, url: str = "", host: str = "") -> None:
        super().__init__(message, url=url)
        self.host = host


class DeadlineExceeded(FetchError):
    """A response was still arriving when the overall deadline per response passed."""


class ExtractionError(PolicytextError):
    """A page or file yielded no usable text."""


class ModelError(PolicytextError, ValueError):
    """A topic model was given a bad parameter or misused (also a ValueError, as in scikit-learn)."""


class NotFittedError(ModelError):
    """A model method that needs a fitted model was called before ``fit``."""
