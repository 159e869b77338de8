"""Corpus-aware vocabulary: stage directions, one form per word, corpus stop terms."""

from __future__ import annotations

import pytest

from policytext.errors import ModelError
from policytext.topics import TopicModel, prepare_texts
from policytext.topics.vocabulary import (
    corpus_lemmas,
    corpus_stop_terms,
    strip_stage_directions,
    unify_forms,
)


def test_stage_directions_are_dropped_but_longer_brackets_kept() -> None:
    text = (
        "We will win. (Applause) [Laughter] (Hear, hear) (the Human Rights Act of 1998 and all its schedules)"
    )
    kept = strip_stage_directions(text)
    assert "Applause" not in kept and "Laughter" not in kept and "Hear" not in kept
    assert "(the Human Rights Act of 1998 and all its schedules)" in kept
    prepared = prepare_texts(["Schools matter. (Applause)\n\nSchools matter. (Laughter)"], unit="document")
    assert "applause" not in prepared.passages[0].tokens and "laughter" not in prepared.passages[0].tokens


def test_one_form_per_word_inside_and_outside_phrases() -> None:
    # "Human Rights" inside a sentence is kept as a name ("rights"); "human rights" in running
    # text lemmatises to "human right". Both must become one term.
    texts = ["We defend the Human Rights of all. Human rights matter."] * 4 + [
        "We defend human rights. It is a basic human right. Every human right counts."
    ] * 6
    prepared = prepare_texts(texts, phrase_min_count=2, unit="document")
    terms = {t for p in prepared.passages for t in p.tokens}
    humans = {t for t in terms if t.startswith("human")}
    assert len(humans) == 1, humans
    assert prepared.forms.get("rights") == "right"  # the commoner form here


def test_corpus_lemmas_apply_a_lemma_only_when_the_corpus_uses_it_as_a_word() -> None:
    lemmas = {"rent": "rend", "children": "child", "media": "medium", "men": "man", "powers": "power"}
    counts = {"rent": 50, "rend": 2, "children": 30, "child": 3, "media": 8, "men": 40, "man": 3, "powers": 5}
    mapping = corpus_lemmas(counts, lambda f: lemmas.get(f, f))
    assert mapping["rent"] == "rent"  # "rend" under a tenth as often as "rent"
    assert mapping["children"] == "child"  # "child" a tenth as often: applied
    assert mapping["media"] == "media"  # the lemma never occurs
    assert mapping["men"] == "men"  # 3 < 0.1 * 40
    assert mapping["powers"] == "power"  # a regular ending needs no evidence
    assert mapping["rend"] == "rend" and mapping["child"] == "child"
    assert corpus_lemmas(counts, lambda f: lemmas.get(f, f), share=0)["rent"] == "rend"
    with pytest.raises(ModelError, match="lemma share must be >= 0; got -1"):
        corpus_lemmas(counts, lambda f: f, share=-1)


_RENT_TEXTS = [
    "Our rent controls protect the number of tenants. Child poverty hurts children.\n\n"
    "Rent controls work for children."
] * 6 + ["A rent control law. A child in poverty. A number."]


def test_preparation_lemmatises_words_and_phrases_by_the_corpus_rule() -> None:
    prepared = prepare_texts(_RENT_TEXTS, phrase_min_count=3, unit="document")
    terms = {t for p in prepared.passages for t in p.tokens}
    words = {w for t in terms for w in t.split()}
    # "rent" -> "rend" and "number" -> "numb" are lookup errors: the lemmas never occur.
    assert {"rent", "number"} <= words and not {"rend", "numb"} & words
    assert "children" not in words and "child" in words  # the lemma occurs: applied
    assert "tenant" in words and "tenants" not in words  # a regular plural
    # Phrases follow the same rule, word by word.
    assert "rent control" in terms and "rent controls" not in terms and "child poverty" in terms
    # Without the rule (every lookup lemma taken) the errors come back.
    plain = prepare_texts(_RENT_TEXTS, phrase_min_count=3, unit="document", lemma_share=0)
    plain_terms = {t for p in plain.passages for t in p.tokens}
    assert "rend control" in plain_terms and "numb" in {w for t in plain_terms for w in t.split()}


def test_stop_words_are_checked_on_the_form_and_norm_too() -> None:
    # Sentence-initial "Does" looks up as "doe", "won't" splits into "wo" (norm "will").
    texts = ["Does the rent rise? Landlords won't say. Does it matter? Tenants won't pay."] * 3
    prepared = prepare_texts(texts, phrase_min_count=100, unit="document")
    terms = {t for p in prepared.passages for t in p.tokens}
    assert "doe" not in terms and "does" not in terms and "wo" not in terms
    assert {"rent", "landlord", "tenant"} <= terms


def test_unseen_forms_take_the_corpus_term_of_their_lemma() -> None:
    prepared = prepare_texts(["Every community helps. Our Rights matter."], phrase_min_count=100)
    assert prepared.term("communities") == "community"  # as a seed word would be
    assert prepared.term("Rights") == "rights" and prepared.term("schools") == "schools"


def test_unify_forms_prefers_the_commoner_form_and_breaks_ties_alphabetically() -> None:
    lemmas = {"democrats": "democrat", "spending": "spend"}
    mapping = unify_forms(
        {"democrats": 3, "democrat": 3, "spending": 5, "spend": 2}, lambda f: lemmas.get(f, f)
    )
    assert mapping == {"democrats": "democrat", "spend": "spending"}


def _speech(i: int) -> str:
    topics = [
        "Schools need teachers and pupils need lessons.",
        "Hospitals need nurses and patients need doctors.",
        "Police catch criminals and courts jail offenders.",
    ]
    extra = topics[(i + 1) % 3] if i % 4 == 0 else ""
    # Two words of each speech's own, as real speeches have: a vocabulary, not ten words.
    own = f"zq{chr(97 + i % 26)}{chr(97 + i // 26)} zx{chr(97 + i % 26)}{chr(97 + i // 26)}"
    return f"People of this country, thank you. {topics[i % 3]} {extra} Remember {own}."


def test_corpus_stop_terms_are_terms_in_half_the_documents_or_more() -> None:
    prepared = prepare_texts([_speech(i) for i in range(30)], unit="document")
    assert "people" in prepared.stop_terms and "country" in prepared.stop_terms
    assert "school" not in prepared.stop_terms and "police" not in prepared.stop_terms
    assert all("people" not in p.tokens for p in prepared.passages)
    kept = prepare_texts([_speech(i) for i in range(30)], unit="document", stop_share=None)
    assert kept.stop_terms == () and any("people" in p.tokens for p in kept.passages)
    model = TopicModel(3, min_df=1, random_state=0).fit(prepared.passages)
    assert all(t not in prepared.stop_terms for topic in model.topics(5) for t, _ in topic.terms)


def test_no_corpus_stop_terms_in_a_small_corpus_or_when_most_words_are_everywhere() -> None:
    assert prepare_texts([_speech(i) for i in range(19)], unit="document").stop_terms == ()
    assert corpus_stop_terms({"a": 30, "b": 30, "c": 1}, 40) == frozenset()  # 2 of 3 terms: not applied
    assert corpus_stop_terms({"a": 30, **{f"w{i}": 1 for i in range(20)}}, 40) == frozenset({"a"})


def _nltk_phrases(runs, *, min_count, threshold):
    """The phrase rule as it was computed with NLTK's collocation finder (the reference)."""
    import math

    from nltk.collocations import BigramCollocationFinder

    finder = BigramCollocationFinder.from_documents(list(r) for r in runs if len(r) > 1)
    words = {w: c for w, c in finder.word_fd.items() if w is not None}
    total_words = sum(words.values())
    pairs = {p: c for p, c in finder.ngram_fd.items() if p[0] is not None and p[1] is not None}
    total_pairs = sum(pairs.values())
    found = set()
    for (a, b), count in pairs.items():
        if count < min_count or a == b:
            continue
        p_ab = count / total_pairs
        if p_ab >= 1.0:
            found.add((a, b))
            continue
        pmi = math.log(p_ab / ((words[a] / total_words) * (words[b] / total_words)))
        if pmi / -math.log(p_ab) >= threshold:
            found.add((a, b))
    return frozenset(found)


@pytest.mark.parametrize("chunk", [3, 2_000_000])
def test_find_phrases_counts_pairs_in_chunks_as_nltk_does(monkeypatch, chunk):
    # Pairs are counted as integer codes chunk by chunk (memory: distinct pairs only); the
    # phrases are exactly those NLTK's counts give, whatever the chunk size.
    import random

    from policytext.topics import phrases

    monkeypatch.setattr(phrases, "_PAIR_CHUNK", chunk)
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(30)]
    runs = [[rng.choice(vocab[: rng.randint(2, 30)]) for _ in range(rng.randint(0, 8))] for _ in range(400)]
    runs += [["big", "society"]] * 6 + [["big", "big"]] * 6 + [["lone"]] * 3
    for min_count, threshold in [(5, 0.3), (2, 0.0), (1, -1.0)]:
        expected = _nltk_phrases(runs, min_count=min_count, threshold=threshold)
        assert phrases.find_phrases(runs, min_count=min_count, threshold=threshold) == expected
    assert ("big", "society") in phrases.find_phrases(runs)
    assert ("big", "big") not in phrases.find_phrases(runs, min_count=1, threshold=-1.0)


@pytest.mark.parametrize("share", [0.0, -0.1, 1.5])
def test_a_stop_share_outside_zero_to_one_is_refused(share: float) -> None:
    with pytest.raises(ModelError, match="stop share must be above 0 and at most 1"):
        prepare_texts([_speech(i) for i in range(30)], unit="document", stop_share=share)


def test_the_analysis_notes_its_stop_terms_and_records_the_share(tmp_path) -> None:
    from policytext.store.corpus import Corpus, Document
    from policytext.topics import analyse_topics

    with Corpus.open(tmp_path / "c.db") as store:
        store.add_many(Document(text=_speech(i), date=str(2000 + i % 5)) for i in range(30))
        options = {"k": 3, "unit": "document", "min_df": 1, "bootstrap": 0}
        default = analyse_topics(store, **options)
        assert default.settings["stop_share"] == 0.5 and "people" in default.settings["stop_terms"]
        stops = len(default.settings["stop_terms"])
        assert any(
            n.startswith(f"{stops} corpus stop terms (terms in at least 50% of the documents)")
            for n in default.notes
        )
        everything = analyse_topics(store, stop_share=None, **options)
        assert everything.settings["stop_share"] is None and everything.settings["stop_terms"] == []
        assert not any("corpus stop terms" in n for n in everything.notes)
        assert everything.settings["fingerprint"] != default.settings["fingerprint"]
        assert any("people" in p.tokens for p in everything.prepared.passages)
        assert not any("people" in p.tokens for p in default.prepared.passages)
