"""Frame seeds for seeded topics: the default seed terms and their preprocessing."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from policytext.topics.phrases import join_phrases
from policytext.topics.prepare import TopicCorpus, tokenize_paragraphs

logger = logging.getLogger(__name__)

#: Seed terms of the eight frames of CODEBOOK-GUIDE.md, for frame-seeded
#: topics until the codebook supplies them. Words whose lemma is ambiguous
#: here are left out ("commissioning" lemmatises to "commission", as in the
#: European Commission; "joined up" to "join"). Terms are lemmatised like the
#: corpus; a two-word seed counts as one term when the corpus joined it as a
#: phrase and as its two words otherwise.
DEFAULT_FRAME_SEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "empowerment": (
            "empower",
            "empowerment",
            "power",
            "control",
            "voice",
            "citizen",
            "people power",
        ),
        "devolution": (
            "devolve",
            "devolution",
            "decentralise",
            "decentralisation",
            "localism",
            "whitehall",
            "local government",
            "council",
            "mayor",
            "city deal",
        ),
        "social_action": (
            "volunteer",
            "volunteering",
            "social action",
            "philanthropy",
            "mentor",
            "citizen service",
            "active citizenship",
        ),
        "civil_society": (
            "charity",
            "voluntary sector",
            "social enterprise",
            "mutual",
            "cooperative",
            "civil society",
            "faith group",
            "trade union",
        ),
        "market_reform": (
            "choice",
            "competition",
            "provider",
            "contestability",
            "academy",
            "free school",
            "market",
        ),
        "collaboration": (
            "partnership",
            "partner",
            "collaboration",
            "together",
            "coproduction",
        ),
        "responsibility": (
            "responsibility",
            "responsible",
            "duty",
            "obligation",
            "something for something",
        ),
        "targeting": (
            "poor",
            "poverty",
            "disadvantaged",
            "deprived",
            "deprivation",
            "inequality",
            "gap",
        ),
    }
)


def seed_terms_for(prepared: TopicCorpus, seeds: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Seed terms put through the corpus's preprocessing (lemmas, phrases).

    A two-word seed becomes the joined phrase when the corpus has that phrase
    and is left out otherwise (its words alone would mean something else);
    seeds that are stop words are left out. Order and frame ids are preserved.

    Example::

        >>> from policytext.topics.prepare import prepare_texts
        >>> prepared = prepare_texts(["Volunteers give. A volunteer helps."], phrase_min_count=1)
        >>> seed_terms_for(prepared, {"social_action": ["volunteers", "social action"]})
        {'social_action': ['volunteer']}
    """
    out: dict[str, list[str]] = {}
    labels = list(seeds)
    for label, paragraphs in zip(
        labels, tokenize_paragraphs(" \n".join(seeds[k]) for k in labels), strict=True
    ):
        terms: list[str] = []
        for para in paragraphs:  # one paragraph per seed
            for run in para:
                joined = join_phrases([prepared.term(t) for t in run], prepared.phrases)
                # A multi-word seed counts only as the corpus's joined phrase:
                # "free school" must not seed on "school" alone.
                if len(para) == 1 and len(joined) == 1:
                    terms.extend(joined)
        out[label] = list(dict.fromkeys(terms))
    return out
