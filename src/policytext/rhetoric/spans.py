"""A tagged Doc's matches: where the tagger puts them, the span extensions, :class:`Match` records."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from policytext.rhetoric.sentencizer import sentence_starts

__all__ = [
    "SPANS_KEY_DATA",
    "SPAN_KEY",
    "STARTS_DATA",
    "Match",
    "doc_matches",
    "set_extensions",
    "tagged_sentence_starts",
]

#: The default ``doc.spans`` key (the component's ``spans_key`` config).
SPAN_KEY = "rhetoric"
# Where a tagged Doc records its spans key, for the extension getters and doc_matches.
SPANS_KEY_DATA = "policytext_rhetoric_spans_key"
# Where a tagged Doc records the sentence starts the tagger used: (number of tokens, starts).
STARTS_DATA = "policytext_rhetoric_sentence_starts"


@dataclass(frozen=True)
class Match:
    """One frame match in a text: where, which frame, which pattern, negated or not."""

    sentence: int
    sent_start: int
    sent_end: int
    start_char: int
    end_char: int
    frame: str
    pattern_id: str
    text: str
    negated: bool


# -- extensions (registered when the component is built) ------------------------------


def set_extensions() -> None:
    if not Span.has_extension("rhetoric_negated"):
        Span.set_extension("rhetoric_negated", default=False)
    if not Span.has_extension("rhetoric_frames"):
        Span.set_extension("rhetoric_frames", getter=_span_frames)
    if not Doc.has_extension("rhetoric_sentences"):
        Doc.set_extension("rhetoric_sentences", getter=_doc_sentences)
    if not Doc.has_extension("rhetoric_counts"):
        Doc.set_extension("rhetoric_counts", getter=_doc_counts)


def _spans(doc: Doc) -> Iterable[Span]:
    key = doc.user_data.get(SPANS_KEY_DATA, SPAN_KEY)
    spans: Iterable[Span] = doc.spans.get(key, [])
    return spans


def _span_frames(span: Span) -> frozenset[str]:
    return frozenset(m.label_ for m in _spans(span.doc) if m.start >= span.start and m.end <= span.end)


def _doc_sentences(doc: Doc) -> list[frozenset[str]]:
    # The tagger's own sentences: the whole Doc is one when no component set boundaries.
    starts = tagged_sentence_starts(doc)
    frames: list[set[str]] = [set() for _ in starts]
    for span in _spans(doc):
        frames[bisect.bisect_right(starts, span.start) - 1].add(span.label_)
    return [frozenset(f) for f in frames]


def _doc_counts(doc: Doc) -> dict[str, int]:
    return dict(Counter(span.label_ for span in _spans(doc)))


def tagged_sentence_starts(doc: Doc) -> list[int]:
    """The sentence starts the tagger used on ``doc`` (:func:`sentence_starts` when it has not tagged it).

    The tagger records them, so the matches' sentence indices and the sentence counts of a
    tagged Doc follow the sentences it matched in, and reading them costs nothing.

    Example::

        >>> from policytext.rhetoric import build_pipeline
        >>> tagged_sentence_starts(build_pipeline()("One. Two."))
        [0, 2]
    """
    record = doc.user_data.get(STARTS_DATA)
    if record is not None and record[0] == len(doc):
        return list(record[1])
    return sentence_starts(doc)


def doc_matches(
    doc: Doc, *, offset: int = 0, first_sentence: int = 0, spans_key: str | None = None
) -> list[Match]:
    """The matches of a tagged Doc as :class:`Match` records.

    Parameters
    ----------
    doc:
        A Doc processed by the tagger.
    offset:
        Added to character offsets (when the Doc is a piece of a longer text).
    first_sentence:
        Added to sentence indices, for the same reason.
    spans_key:
        The ``doc.spans`` key to read (default: the one the tagger wrote).

    Returns
    -------
    list[Match]

    Example::

        >>> from policytext.rhetoric import build_pipeline
        >>> [m.frame for m in doc_matches(build_pipeline()("Localism works."))]
        ['devolution']
    """
    key = spans_key or doc.user_data.get(SPANS_KEY_DATA, SPAN_KEY)
    if key not in doc.spans or not len(doc.spans[key]):
        return []
    starts = tagged_sentence_starts(doc)
    matches = []
    for span in doc.spans[key]:
        index = bisect.bisect_right(starts, span.start) - 1
        last = (starts[index + 1] if index + 1 < len(starts) else len(doc)) - 1
        matches.append(
            Match(
                sentence=first_sentence + index,
                sent_start=offset + doc[starts[index]].idx,
                sent_end=offset + doc[last].idx + len(doc[last].text),
                start_char=offset + span.start_char,
                end_char=offset + span.end_char,
                frame=span.label_,
                pattern_id=span.id_,
                text=span.text,
                negated=bool(span._.rhetoric_negated),
            )
        )
    return matches
