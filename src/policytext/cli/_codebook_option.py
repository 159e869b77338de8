"""``--codebook NAME|HASH|PATH``: which stored codebook's tags an analysis reads, defined once.

Analysis commands (table, kwic, keyness, report, ...) add ``@codebook_option`` and pass
the value on as ``codebook=`` to the library, which resolves it with
:func:`policytext.store.tags.current_tagging`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

CODEBOOK_HELP = (
    "Which stored codebook's tags to read: its name, hash (or a prefix of 6+ digits) or "
    "file. Default: the default codebook if it tagged the corpus, else the latest."
)


def codebook_option(func: F) -> F:
    """``--codebook NAME|HASH|PATH`` (default ``None``: see :data:`CODEBOOK_HELP`)."""
    return click.option(
        "--codebook",
        "codebook",
        metavar="NAME|HASH|PATH",
        default=None,
        help=CODEBOOK_HELP,
    )(func)
