"""Property test: the fast matcher finds what spaCy's Matcher finds (longest end per start)."""

from __future__ import annotations

from typing import Any

import spacy
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from policytext.rhetoric.matcher import FastMatcher, fast_specs

WORDS = ["power", "people", "local", "the", "to", "give", "councils", "and", "Leeds", "NHS", "2010"]
NLP = spacy.blank("en")

word = st.sampled_from(WORDS)
op = st.sampled_from([None, "?", "*", "+"])
slot = st.one_of(
    st.builds(lambda w, o: {"LOWER": w, **({"OP": o} if o else {})}, word, op),
    st.builds(
        lambda ws, o: {"LOWER": {"IN": sorted(set(ws))}, **({"OP": o} if o else {})},
        st.lists(word, min_size=1, max_size=3),
        op,
    ),
    st.just({"IS_PUNCT": True}),
    st.builds(
        lambda ws, o: {"LOWER": {"NOT_IN": sorted(set(ws))}, **({"OP": o} if o else {})},
        st.lists(word, min_size=1, max_size=3),
        op,
    ),
    # token flags, alone or together, with any operator ("IS_TITLE": Leeds, "IS_UPPER": NHS, ...)
    st.builds(
        lambda flags, o: {**flags, **({"OP": o} if o else {})},
        st.dictionaries(
            st.sampled_from(["IS_PUNCT", "IS_TITLE", "IS_UPPER", "IS_DIGIT", "IS_ALPHA"]),
            st.booleans(),
            min_size=1,
            max_size=2,
        ),
        op,
    ),
)
# A pattern needs at least one slot that must match a token (spaCy rejects all-optional ones).
pattern = st.lists(slot, min_size=1, max_size=4).filter(
    lambda specs: any(s.get("OP") in (None, "+") for s in specs)
)
text = st.lists(st.sampled_from([*WORDS, ",", "."]), min_size=0, max_size=25).map(" ".join)


def _fast_matcher(patterns: list[list[dict[str, Any]]]) -> FastMatcher:
    """A fast matcher with ``patterns`` under keys 0, 1, ... (each must compile for it)."""
    fast = FastMatcher(NLP.vocab)
    for key, specs in enumerate(patterns):
        compiled = fast_specs(specs, NLP.vocab.strings)
        assert compiled is not None, specs
        fast.add(key, compiled)
    return fast


def _spacy_longest(patterns: list[list[dict[str, Any]]], doc: Any) -> set[tuple[int, int, int]]:
    matcher = Matcher(NLP.vocab)
    for key, specs in enumerate(patterns):
        matcher.add(str(key), [specs])
    longest: dict[tuple[int, int], int] = {}
    for match_id, start, end in matcher(doc):
        key = int(NLP.vocab.strings[match_id])
        longest[(key, start)] = max(end, longest.get((key, start), end))
    return {(key, start, end) for (key, start), end in longest.items()}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns=st.lists(pattern, min_size=1, max_size=3), sentence=text)
# Found by this test: a one-slot "+" pattern was cut to one token at its trigger.
@example(patterns=[[{"LOWER": "power", "OP": "+"}]], sentence="power power")
# The shape of dev-powers-to-named-tier: a run of title-case words before a tier noun.
@example(
    patterns=[[{"LOWER": "power"}, {"LOWER": "to"}, {"IS_TITLE": True, "OP": "+"}, {"LOWER": "councils"}]],
    sentence="power to Leeds Leeds councils",
)
def test_fast_matcher_agrees_with_spacy_matcher(patterns: list[list[dict[str, Any]]], sentence: str) -> None:
    doc = NLP(sentence)
    fast = _fast_matcher(patterns)
    assert set(fast(doc)) == _spacy_longest(patterns, doc)


# Ranges and regexes: a trigger after a gap runs backwards to the start, and a regex slot's
# words are learned document by document, so one matcher sees several documents.
range_op = st.sampled_from([None, "?", "*", "+", "{0,2}", "{1,3}", "{2}", "{2,}"])
range_slot = st.one_of(
    st.builds(
        lambda ws, o: {"LOWER": {"IN": sorted({w.lower() for w in ws})}, **({"OP": o} if o else {})},
        st.lists(word, min_size=1, max_size=3),
        range_op,
    ),
    st.builds(
        lambda r, o: {"LOWER": {"REGEX": r}, **({"OP": o} if o else {})},
        st.sampled_from(["^po", "^co", "e$", "s$"]),
        range_op,
    ),
    st.builds(lambda o: {"IS_PUNCT": False, **({"OP": o} if o else {})}, range_op),
)
range_pattern = st.lists(range_slot, min_size=1, max_size=5).filter(
    lambda specs: any(s.get("OP") in (None, "+", "{1,3}", "{2}", "{2,}") for s in specs)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patterns=st.lists(range_pattern, min_size=1, max_size=3), sentences=st.lists(text, min_size=1, max_size=3)
)
def test_fast_matcher_agrees_with_spacy_matcher_on_ranges_and_regexes(
    patterns: list[list[dict[str, Any]]], sentences: list[str]
) -> None:
    fast = _fast_matcher(patterns)
    for sentence in sentences:
        doc = NLP(sentence)
        assert set(fast(doc)) == _spacy_longest(patterns, doc)
        grouped = [
            (k, s, e) for k, starts, ends in fast.groups(doc) for s, e in zip(starts, ends, strict=True)
        ]
        assert grouped == fast(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patterns=st.lists(range_pattern, min_size=1, max_size=3), sentences=st.lists(text, min_size=1, max_size=5)
)
# A pattern whose words run from the end of one Doc into the next: no match in either.
@example(
    patterns=[[{"LOWER": {"IN": ["give"]}}, {"LOWER": {"IN": ["power"]}}]], sentences=["to give", "power"]
)
def test_segments_keep_each_doc_to_its_own_matches(
    patterns: list[list[dict[str, Any]]], sentences: list[str]
) -> None:
    """Docs laid end to end with ``segments`` get what each gets alone, shifted by its offset."""
    import numpy as np
    from spacy.attrs import LOWER

    fast = _fast_matcher(patterns)
    docs = [NLP(sentence) for sentence in sentences]
    alone = sorted(
        (key, start + offset, end + offset)
        for doc, offset in zip(docs, np.cumsum([0, *map(len, docs)]).tolist(), strict=False)
        for key, start, end in fast(doc)
    )
    attrs = [LOWER, *fast.flag_attrs()]
    array = np.concatenate([doc.to_array(attrs).reshape(len(doc), len(attrs)) for doc in docs])
    segments = np.cumsum([0, *map(len, docs)])[:-1]
    together = sorted(
        (key, start, end)
        for key, starts, ends in fast.groups_of(array, segments)
        for start, end in zip(starts, ends, strict=True)
    )
    assert together == alone
