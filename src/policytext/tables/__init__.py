"""Frequency tables, term rates, keyness and concordance over the store.

Everything here reads the store through :mod:`policytext.store.analysis`:
``documents`` (metadata and the token count ``documents.tokens``, the denominator of
every rate), and for frames ``tagged_documents`` and ``matches`` of the latest tagging
run (the codebook whose hash is in ``tagged_documents`` with the most recent
``tagged_at``). Only current document versions count; for frames only those tagged with
that codebook, and matches flagged ``negated`` are left out unless asked for. Terms
(``frequency_table(..., terms=[...])``, ``concordance(corpus, "big society")``) need no
tagging.

Rates are mentions per 10,000 tokens. Confidence intervals come from a seeded
bootstrap over documents (:mod:`policytext.tables.bootstrap`): the documents of a group
are resampled with replacement and the rate recomputed, so a speaker whose rate rests on
one long speech gets a wide interval.

Modules: ``frequency`` (tables), ``keyness`` and ``statistics`` (G2, log ratio,
p-values), ``concordance`` (kwic), ``bootstrap`` (the one bootstrap helper).

Example::

    >>> from policytext.store.corpus import Corpus
    >>> from policytext.tables import frequency_table
    >>> corpus = Corpus.open("corpus/policytext.db")          # doctest: +SKIP
    >>> frequency_table(corpus, by=["speaker", "year"])      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from policytext.store.filters import GROUP_FIELDS
from policytext.tables._tagging import (
    Tagging,
    corpus_hash,
    current_tagging,
    default_frames,
)
from policytext.tables.bootstrap import RATE_BASE, bootstrap_rates, group_key, group_rng
from policytext.tables.concordance import KWIC_FIELDS, TermPattern, concordance, term_slug
from policytext.tables.frequency import frame_columns, frequency_table, government_order, term_columns
from policytext.tables.keyness import KEYNESS_COLUMNS, KeynessUnit, is_word_like, keyness
from policytext.tables.statistics import P_FLOOR, adjust_p_values, g2_williams, log_p_value, log_ratio

__all__ = [
    "DEFAULT_FRAMES",  # noqa: F822 - provided by the module __getattr__ below
    "GROUP_FIELDS",
    "KEYNESS_COLUMNS",
    "KWIC_FIELDS",
    "KeynessUnit",
    "P_FLOOR",
    "RATE_BASE",
    "Tagging",
    "TermPattern",
    "adjust_p_values",
    "bootstrap_rates",
    "concordance",
    "corpus_hash",
    "current_tagging",
    "default_frames",
    "frame_columns",
    "frequency_table",
    "g2_williams",
    "government_order",
    "group_key",
    "group_rng",
    "is_word_like",
    "keyness",
    "log_p_value",
    "log_ratio",
    "term_columns",
    "term_slug",
]


def __getattr__(name: str) -> Any:
    # DEFAULT_FRAMES is computed from the default codebook when first asked for,
    # so importing this module reads no codebook.
    if name == "DEFAULT_FRAMES":
        return default_frames()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
