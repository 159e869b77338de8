"""What a table reads: the tagging run it needs, the frames, the grouping fields, group values."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policytext.errors import InputError, StoreError
from policytext.people import default_registry, normalise_party
from policytext.store.analysis import untagged_count
from policytext.store.corpus import Corpus
from policytext.store.filters import GROUP_FIELDS, DocumentFilter
from policytext.tables._tagging import Tagging, current_tagging

logger = logging.getLogger(__name__)


def require_tagging(corpus: Corpus, codebook: str | Path | None = None) -> Tagging:
    """The tagging an analysis reads (of ``codebook``: name, hash or file; default: see
    :func:`~policytext.store.tags.current_tagging`), or a :class:`StoreError` saying to tag first."""
    tagging = current_tagging(corpus, codebook)
    if tagging is None:
        raise StoreError(f"{corpus.path}: no tagged documents; run 'policytext tag' first")
    return tagging


def check_frames(frames: Sequence[str] | None, tagging: Tagging) -> list[str]:
    """The frames asked for (default: all of the codebook's), each known to the codebook."""
    if not frames:
        return list(tagging.frames)
    unknown = [f for f in frames if f not in tagging.frames]
    if unknown:
        raise InputError(
            f"frames: {', '.join(map(repr, unknown))} not in the codebook ({', '.join(tagging.frames)})"
        )
    return list(dict.fromkeys(frames))


def check_by(by: str | Sequence[str] | None) -> list[str]:
    """Grouping fields from ``"speaker,year"`` or a list, each one of :data:`GROUP_FIELDS`."""
    if by is None:
        return []
    given = [by] if isinstance(by, str) else list(by)
    fields = [name.strip() for item in given for name in item.split(",") if name.strip()]
    bad = [f for f in fields if f not in GROUP_FIELDS]
    if bad:
        raise InputError(f"by: cannot group by {bad[0]!r}; use one of {', '.join(GROUP_FIELDS)}")
    if len(set(fields)) != len(fields):
        raise InputError(f"by: a field is named twice ({', '.join(fields)})")
    return fields


def group_value(by: str, value: str, where: str) -> Any:
    """The stored value of group ``value`` of field ``by`` (years as numbers, names resolved)."""
    if by in ("year", "decade"):
        try:
            return int(value)
        except ValueError:
            raise InputError(f"{where}: {by} must be a year, got {value!r}") from None
    if by == "speaker":
        return default_registry().resolve(value)
    if by == "party":
        return normalise_party(value)
    return value


def warn_untagged(corpus: Corpus, tagging: Tagging, flt: DocumentFilter) -> None:
    """Log a warning when selected documents are left out for not being tagged."""
    left_out = untagged_count(corpus, flt, tagging.codebook_hash)
    if left_out:
        logger.warning(
            "%d current documents are not tagged with codebook %s and are left out; "
            "run 'policytext tag' to include them",
            left_out,
            tagging.codebook_hash[:12],
        )
