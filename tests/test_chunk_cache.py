"""The chunk-cache tokenizer: the same Docs as spaCy's tokenizer, its cache filled chunk by chunk."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

from policytext._text import ChunkCacheTokenizer, blank_english, count_tokens, with_chunk_cache
from policytext.rhetoric import build_pipeline
from policytext.tables.keyness import _lemmatizer

# Words, tokenizer exceptions (special cases: contractions, abbreviations, emoticons,
# line breaks) and affixes, so texts mix cached chunks with special ones.
PIECES = [
    "power", "people", "Leeds", "2010", "don't", "Don't", "can't", "we'll", "Mr.", "e.g.",
    "U.S.", "(localism)", "\"Big", "Society\"", "well-being", "£5bn", "10am", ":)", "’s",
    "it’s", "...", "—", "n't", "a.m.", "councils,", "end.", "\n", "\n\n", "\t", " ", "  ",
    "Dont.", "No.", "etc.", "https://www.gov.uk/x", "#BigSociety", "co-operatives", "1990s", "5%",
    "ﬁnance", "Ｌｅｅｄｓ", "naïve", "(e.g.", "U.K.,", "“We", "it.”", ":-(", "\u00a0", "\u200b",
]  # fmt: skip

text = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)


def signature(doc: Doc) -> list[tuple[str, str, int, str, int]]:
    return [(t.text, t.whitespace_, t.idx, t.norm_, t.orth) for t in doc]


# Pipelines kept across examples, so each meets a cache filled by earlier texts; the
# second's cache holds eight chunks, so it also runs full.
PLAIN = spacy.blank("en")
CACHED = with_chunk_cache(spacy.blank("en"))
SMALL = with_chunk_cache(spacy.blank("en"))
SMALL.tokenizer.max_cache_size = 8


@settings(max_examples=300, deadline=None)
@given(st.lists(text, min_size=1, max_size=6))
def test_same_docs_as_spacy(texts: list[str]) -> None:
    """Whatever the cache holds from earlier texts, every Doc is spaCy's own."""
    for one in texts:
        expected = signature(PLAIN(one))
        assert signature(CACHED(one)) == expected
        assert signature(SMALL(one)) == expected


class _Recorder:
    """A stand-in tokenizer that records what it is asked to tokenize."""

    max_cache_size = 9

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.rules: dict[str, object] = {}

    def __call__(self, string: str) -> str:
        self.calls.append(string)
        return string


def test_new_chunks_are_tokenized_once_plain_words_together_until_the_cache_would_be_full() -> None:
    inner = _Recorder()
    inner.rules = {"dont": [{"ORTH": "do"}, {"ORTH": "nt"}]}
    tokenizer = ChunkCacheTokenizer(inner)
    tokenizer("a end.\na dont dont. can't e.g (b)")
    # special cases (and with a full stop) never: spaCy does not cache them; chunks with no
    # apostrophe or inner full stop in one call; the others alone; then the text
    assert sorted(inner.calls[0].split()) == ["(b)", "a", "end."]
    assert sorted(inner.calls[1:3]) == ["can't", "e.g"]
    assert inner.calls[3:] == ["a end.\na dont dont. can't e.g (b)"]
    inner.calls.clear()
    tokenizer("b c a")  # a was seen
    assert sorted(inner.calls[0].split()) == ["b", "c"] and inner.calls[1:] == ["b c a"]
    inner.calls.clear()
    tokenizer("e f")  # nine chunks seen, as many as the cache holds: no more filling
    assert inner.calls == ["e f"]


def test_setting_a_rule_reaches_spacys_tokenizer_and_starts_the_cache_again() -> None:
    inner = _Recorder()
    tokenizer = ChunkCacheTokenizer(inner)
    tokenizer("a b")
    tokenizer.rules = {"x": 1}
    assert inner.rules == {"x": 1}
    inner.calls.clear()
    tokenizer("a")  # the rules changed, so spaCy emptied its cache: fill it again
    assert inner.calls == ["a", "a"]


def test_a_new_special_case_applies_at_once_and_starts_the_cache_again() -> None:
    nlp = with_chunk_cache(spacy.blank("en"))
    assert [t.text for t in nlp("the BigSociety now")] == ["the", "BigSociety", "now"]
    nlp.tokenizer.add_special_case("BigSociety", [{"ORTH": "Big"}, {"ORTH": "Society"}])
    assert not nlp.tokenizer._seen  # spaCy emptied its cache: the chunks are filled in again
    assert [t.text for t in nlp("the BigSociety now")] == ["the", "Big", "Society", "now"]


def test_spacy_attributes_and_serialisation_are_the_tokenizers(tmp_path: Path) -> None:
    nlp = with_chunk_cache(spacy.blank("en"))
    assert with_chunk_cache(nlp).tokenizer is nlp.tokenizer  # installed once
    assert isinstance(nlp.tokenizer, ChunkCacheTokenizer)
    assert [[t.text for t in doc][0] for doc in nlp.tokenizer.pipe(["Mr. Brown's plan."])] == ["Mr."]
    assert nlp.tokenizer.explain("don't")[0][0] == "SPECIAL-1"
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert signature(loaded("Don't stop.\nGo.")) == signature(nlp("Don't stop.\nGo."))
    again = with_chunk_cache(spacy.blank("en")).from_bytes(nlp.to_bytes())
    assert signature(again("we'll see")) == signature(nlp("we'll see"))
    unpickled = pickle.loads(pickle.dumps(nlp))
    assert isinstance(unpickled.tokenizer, ChunkCacheTokenizer)
    assert signature(unpickled("Mr. Brown can't.\nNo.")) == signature(nlp("Mr. Brown can't.\nNo."))


def test_the_tagging_counting_and_keyness_pipelines_use_it() -> None:
    assert isinstance(build_pipeline().tokenizer, ChunkCacheTokenizer)
    assert isinstance(blank_english().tokenizer, ChunkCacheTokenizer)
    assert isinstance(_lemmatizer().tokenizer, ChunkCacheTokenizer)
    assert count_tokens("Don't stop.\nPower to the people.") == 7


@pytest.mark.realdata
def test_same_docs_as_spacy_on_real_speeches(shared_data: Path) -> None:
    files = sorted((shared_data / "bps-leader-speeches" / "texts").glob("*.txt"))[:25]
    assert files, "no speeches found"
    plain = spacy.blank("en")
    cached = with_chunk_cache(spacy.blank("en"))
    for path in files:
        speech = path.read_text(encoding="utf-8")
        assert signature(cached(speech)) == signature(plain(speech)), path.name
