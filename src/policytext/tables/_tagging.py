"""The tagging run a table reads (from the store) and the default codebook's frames."""

from __future__ import annotations

from functools import cache

from policytext.codebook import load_codebook
from policytext.store.tags import Tagging, corpus_hash, current_tagging

__all__ = ["Tagging", "corpus_hash", "current_tagging", "default_frames"]


@cache
def default_frames() -> tuple[str, ...]:
    """The frame ids of the default codebook, in its order (read on first use).

    ``DEFAULT_FRAMES`` is the same tuple, so the two can never drift apart.

    Example::

        >>> default_frames()[:2]
        ('empowerment', 'devolution')
    """
    return load_codebook().frames
