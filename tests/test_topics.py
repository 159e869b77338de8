"""Topic models: planted structure, reproducibility, NPMI by hand, dynamic linking."""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policytext.cli import main
from policytext.errors import ModelError, NotFittedError
from policytext.store.corpus import Corpus, Document
from policytext.topics import (
    DEFAULT_FRAME_SEEDS,
    DynamicTopicModel,
    TopicModel,
    analyse_topics,
    evaluate_k,
    jensen_shannon,
    npmi_coherence,
    prepare_texts,
    prevalence_drift,
    seed_terms_for,
    topic_agreement,
    topic_prevalence,
    topics_section,
    write_topic_outputs,
)

# Known topic-word vocabularies (the planted structure).
PLANTED = {
    "schools": [
        "school",
        "teacher",
        "pupil",
        "classroom",
        "curriculum",
        "exam",
        "lesson",
        "headteacher",
    ],
    "policing": ["police", "crime", "offender", "prison", "court", "sentence", "victim", "officer"],
    "health": ["hospital", "nurse", "patient", "doctor", "clinic", "surgery", "ward", "medicine"],
    "community": [
        "community",
        "volunteer",
        "neighbourhood",
        "charity",
        "council",
        "parish",
        "club",
        "festival",
    ],
}
YEARS = list(range(2000, 2010))


def _word_weights(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1)  # Zipf-like within a topic
    return weights / weights.sum()


def _mixture(year: int) -> np.ndarray:
    """Community talk rises and policing falls across the decade; the rest stays flat."""
    t = (year - YEARS[0]) / (YEARS[-1] - YEARS[0])
    return np.array([0.25, 0.45 - 0.35 * t, 0.25, 0.05 + 0.35 * t])


def planted_texts(seed: int = 7, docs_per_year: int = 12) -> tuple[list[str], list[dict[str, object]]]:
    """Generated documents: each word drawn from a topic drawn from the year's mixture."""
    rng = np.random.default_rng(seed)
    names = list(PLANTED)
    texts, meta = [], []
    for year in YEARS:
        for d in range(docs_per_year):
            theta = rng.dirichlet(_mixture(year) * 0.8)
            paragraphs = []
            for _ in range(3):
                topics = rng.choice(len(names), size=40, p=theta)
                words = [PLANTED[names[z]][rng.choice(8, p=_word_weights(8))] for z in topics]
                sentences = [" ".join(words[i : i + 8]) + "." for i in range(0, 40, 8)]
                paragraphs.append(" ".join(sentences))
            texts.append("\n\n".join(paragraphs))
            meta.append(
                {
                    "pk": len(meta),
                    "id": f"doc-{year}-{d}",
                    "date": str(year),
                    "year": year,
                    "speaker": f"Speaker {d % 3}",
                    "party": "Lab" if year < 2005 else "Con",
                }
            )
    return texts, meta


@pytest.fixture(scope="module")
def planted():
    texts, meta = planted_texts()
    return prepare_texts(texts, metadata=meta, passage_size=40)


def _match(topic_terms: Sequence[str], n: int = 5) -> str | None:
    """The planted topic whose top-n words are mostly among ``topic_terms``."""
    for name, words in PLANTED.items():
        if len(set(words[:n]) & set(topic_terms)) >= 4:
            return name
    return None


# -- preprocessing ----------------------------------------------------------------------


def test_topics_preprocessing_drops_stop_words_numbers_and_keeps_domain_words():
    prepared = prepare_texts(
        ["The government gave people 12 new powers, Mr Speaker!\n\nPeople and government, 1997."],
        passage_size=150,
    )
    tokens = [t for p in prepared.passages for t in p.tokens]
    assert "government" in tokens and "people" in tokens
    assert "power" in tokens  # lemmatised plural
    assert "the" not in tokens and "12" not in tokens and "1997" not in tokens
    assert "mr" not in tokens and "speaker" not in tokens  # domain stop words
    assert all(t.isalpha() or " " in t for t in tokens)


def test_topics_preprocessing_joins_frequent_phrases_only_across_adjacent_words():
    texts = ["The Big Society is here. Big society, big society!\n\nLocal government works."] * 4
    prepared = prepare_texts(texts, phrase_min_count=5)
    tokens = {t for p in prepared.passages for t in p.tokens}
    assert "big society" in tokens
    assert "local government" not in tokens  # seen 4 times, under the floor
    assert ("big", "society") in prepared.phrases


def test_topics_passages_group_paragraphs_and_say_so():
    text = "\n\n".join(["school teacher pupil classroom curriculum"] * 10)
    by_passage = prepare_texts([text], passage_size=20, phrase_min_count=100)
    whole = prepare_texts([text], unit="document", phrase_min_count=100)
    assert [len(p.tokens) for p in by_passage.passages] == [20, 20, 10]
    assert len(whole.passages) == 1 and len(whole.passages[0].tokens) == 50
    assert "passages" in by_passage.describe_unit() and "20" in by_passage.describe_unit()
    assert "whole documents" in whole.describe_unit()
    with pytest.raises(ModelError, match="unit must be"):
        prepare_texts([text], unit="sentence")


# -- models: planted structure -------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_topics_model_recovers_planted_topics(planted, method):
    model = TopicModel(4, method=method, random_state=0).fit(planted.passages)
    found = {_match([t for t, _ in topic.terms[:8]]) for topic in model.topics(8)}
    assert found == set(PLANTED)
    weights = [w for _, w in model.topics(8)[0].terms]
    assert weights == sorted(weights, reverse=True)
    # relevance=1 ranks by p(w|t), and the weights are p(w|t).
    plain = TopicModel(4, method=method, relevance=1.0, random_state=0).fit(planted.passages)
    first = plain.topics(8)[0].terms
    assert [w for _, w in first] == pytest.approx(
        [plain.components_[0][list(plain.vocabulary_).index(t)] for t, _ in first]
    )
    assert np.allclose(model.components_.sum(axis=1), 1.0)


@pytest.mark.parametrize("online", [False, True])
def test_topics_lda_defaults_are_griffiths_steyvers_priors_and_short_e_steps(planted, online):
    # docs/topics.md "Benchmark": alpha = min(1, 50/k), beta = 0.01, 20 EM
    # iterations (batch) with at most 10 document updates each while fitting,
    # topic shares from fully converged updates (cap 50).
    model = TopicModel(4, method="lda", online=online, random_state=0).fit(planted.passages)
    params = model.estimator_.get_params()
    assert params["doc_topic_prior"] == 1.0
    assert params["topic_word_prior"] == 0.01
    assert params["max_doc_update_iter"] == 50
    assert model.estimator_.n_iter_ == 20
    assert np.allclose(model.transform(planted.passages), model.unit_topics_)
    units = [[f"w{(i * 7 + j) % 150}" for j in range(12)] for i in range(60)]
    wide = TopicModel(100, method="lda", online=online, min_df=1, random_state=0).fit(units)
    assert wide.estimator_.get_params()["doc_topic_prior"] == 0.5  # 50/k below the cap


@pytest.mark.parametrize("online", [False, True])
@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_topics_prevalence_follows_the_planted_shift(planted, method, online):
    model = TopicModel(4, method=method, online=online, random_state=0).fit(planted.passages)
    names = {_match([t for t, _ in topic.terms[:8]]): topic.id for topic in model.topics(8)}
    assert set(names) == set(PLANTED)
    prevalence = analyse_topics(planted, k=4, method=method, online=online, bootstrap=100).prevalence
    shares = prevalence.shares
    assert list(shares.index) == YEARS
    assert np.allclose(shares.sum(axis=1), 1.0)
    first, last = shares.loc[YEARS[0]], shares.loc[YEARS[-1]]
    assert last[names["community"]] - first[names["community"]] > 0.15
    assert first[names["policing"]] - last[names["policing"]] > 0.15
    assert (prevalence.low <= shares + 1e-12).all().all() and (shares <= prevalence.high + 1e-12).all().all()
    assert (prevalence.documents == 12).all()


def test_topics_prevalence_by_party_is_a_share_per_group(planted):
    analysis = analyse_topics(planted, k=4, by="party", bootstrap=50)
    shares = analysis.prevalence.shares
    assert list(shares.index) == ["Con", "Lab"]
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert analysis.drift.empty  # drift is between periods only


def test_topics_prevalence_rejects_unknown_group_field(planted):
    with pytest.raises(ModelError, match="cannot group by 'colour'"):
        analyse_topics(planted, k=4, by="colour")


# -- reproducibility --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_topics_same_seed_gives_identical_topics_and_ids(planted, method):
    first = TopicModel(4, method=method, random_state=3).fit(planted.passages)
    second = TopicModel(4, method=method, random_state=3).fit(planted.passages)
    assert [t.to_record() for t in first.topics()] == [t.to_record() for t in second.topics()]
    assert np.array_equal(first.unit_topics_, second.unit_topics_)


def test_topics_outputs_identical_run_after_run(planted, tmp_path):
    for run in ("a", "b"):
        write_topic_outputs(analyse_topics(planted, k=4, bootstrap=20), tmp_path / run, charts=False)
    for name in ("topics.json", "prevalence.csv", "prevalence_intervals.csv", "drift.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# -- coherence, stability, drift -----------------------------------------------------------


def test_topics_npmi_matches_hand_computation():
    # Windows of 3: text 1 gives [a b c] and [b c d]; text 2 (short) is one window
    # [a c]; text 3 gives [b d e]. N = 4 windows.
    texts = [["a", "b", "c", "d"], ["a", "c"], ["b", "d", "e"]]

    def npmi(n_i: int, n_j: int, n_ij: int, n: int = 4) -> float:
        p_ij = n_ij / n
        return math.log(p_ij / ((n_i / n) * (n_j / n))) / -math.log(p_ij)

    a_c = npmi(2, 3, 2)  # a in 2 windows, c in 3, together in 2
    a_b = npmi(2, 3, 1)
    b_d = npmi(3, 2, 2)
    a_d = -1.0  # never in one window
    scores = npmi_coherence([["a", "c"], ["a", "b", "d"], ["a"]], texts, window=3)
    assert scores[0] == pytest.approx(a_c)
    assert a_c == pytest.approx(math.log(4 / 3) / math.log(2))
    assert scores[1] == pytest.approx((a_b + a_d + b_d) / 3)
    assert math.isnan(scores[2])


def test_topics_npmi_counts_in_chunks_as_in_one_pass(monkeypatch):
    # Window counts are added up chunk by chunk so memory stays flat on a large corpus;
    # a chunk of a few entries must give exactly the one-pass figures.
    import random

    from policytext.topics import measures

    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(40)]
    texts = [[rng.choice(vocab) for _ in range(rng.randint(0, 60))] for _ in range(80)]
    topics = [rng.sample(vocab, 6) for _ in range(4)]
    whole = npmi_coherence(topics, texts, window=5)
    monkeypatch.setattr(measures, "_CHUNK_ENTRIES", 7)
    assert npmi_coherence(topics, texts, window=5) == whole


def test_topics_npmi_rejects_bad_window():
    with pytest.raises(ModelError, match="window must be >= 1; got 0"):
        npmi_coherence([["a", "b"]], [["a", "b"]], window=0)


def test_topics_model_coherence_is_the_npmi_of_its_top_terms(planted):
    model = TopicModel(4, random_state=0).fit(planted.passages)
    top = [[t for t, _ in topic.terms] for topic in model.topics()]
    expected = npmi_coherence(top, planted.texts, window=10)
    assert [t.coherence for t in model.topics()] == pytest.approx(expected)
    assert all(score > 0 for score in expected)


def test_topics_evaluate_k_prefers_the_planted_k_on_stability(planted):
    table = evaluate_k(planted.passages, [4, 7], seeds=(1, 2))
    assert list(table["k"]) == [4, 7]
    by_k = table.set_index("k")
    assert by_k.loc[4, "stability"] > 0.8
    assert by_k.loc[4, "stability"] > by_k.loc[7, "stability"]
    assert by_k.loc[4, "coherence"] > by_k.loc[7, "coherence"]


def test_topics_agreement_and_jensen_shannon_bounds():
    assert topic_agreement([["a", "b"]], [["a", "b"]]) == 1.0
    assert topic_agreement([["a", "b"]], [["c", "d"]]) == 0.0
    assert jensen_shannon(np.array([0.5, 0.5]), np.array([0.5, 0.5])) == 0.0
    assert jensen_shannon(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0)
    drift = prevalence_drift(pd.DataFrame([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], index=[1, 2, 3]))
    assert drift["jsd"].tolist() == pytest.approx([0.0, 1.0])


# -- the estimator contract ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"method": "lsa"}, "parameter method must be 'nmf' or 'lda'; got 'lsa'"),
        ({"n_topics": 0}, "parameter n_topics must be an integer >= 1; got 0"),
        ({"max_df": 1.5}, "parameter max_df must be"),
        ({"random_state": -1}, "parameter random_state must be None or an integer from 0"),
        ({"seed_terms": {"a": ["x"]}, "method": "lda"}, "seed_terms needs method='nmf'"),
        (
            {"seed_terms": {f"f{i}": ["x"] for i in range(5)}},
            "n_topics must be at least the number of frames",
        ),
    ],
)
def test_topics_model_validates_parameters_in_fit(planted, params, message):
    model = TopicModel(**{"n_topics": 4, **params})
    assert model.get_params()["method"] == params.get("method", "nmf")  # stored untouched
    with pytest.raises(ModelError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        model.fit(planted.passages)
    assert str(info.value).startswith("TopicModel: ")


def test_topics_unfitted_model_names_the_class():
    with pytest.raises(NotFittedError, match="TopicModel is not fitted"):
        TopicModel().transform([["school"]])
    with pytest.raises(NotFittedError, match="DynamicTopicModel is not fitted"):
        DynamicTopicModel().links()


def test_topics_too_little_text_is_a_clear_error():
    with pytest.raises(ModelError, match="need at least 2 units with text to fit; got 1"):
        TopicModel(2).fit([["school"]])
    message = r"n_topics=5 is more than the data allows \(2 units with text, 3 terms after pruning\); use n_topics <= 2"
    with pytest.raises(ModelError, match=message):
        TopicModel(5, min_df=1, max_df=1.0).fit([["a", "b"], ["a", "c"]])
    # Like scikit-learn's, the model's errors are ValueErrors too.
    with pytest.raises(ValueError, match="use n_topics <= 2"):
        TopicModel(3, min_df=1, max_df=1.0).fit([["a", "b"], ["a", "c"]])


def test_topics_transform_gives_shares_and_zero_for_unknown_text(planted):
    model = TopicModel(4, random_state=0).fit(planted.passages)
    shares = model.transform([["school", "teacher", "police"], ["unknownword"]])
    assert shares[0].sum() == pytest.approx(1.0)
    assert shares[1].tolist() == [0.0] * 4


# -- frame-seeded topics ------------------------------------------------------------------


def test_topics_seeded_topics_keep_frame_ids(planted):
    seeds = {"law_and_order": ["police", "crime"], "education": ["school", "exam"]}
    model = TopicModel(4, seed_terms=seeds, random_state=0).fit(planted.passages)
    topics = model.topics(8)
    assert [t.id for t in topics[:2]] == ["law_and_order", "education"]
    assert [t.id for t in topics[2:]] == ["topic_01", "topic_02"]
    assert topics[0].seeded and not topics[2].seeded
    assert _match([t for t, _ in topics[0].terms]) == "policing"
    assert _match([t for t, _ in topics[1].terms]) == "schools"
    assert model.seed_retention_ == {"law_and_order": 1.0, "education": 1.0}


def test_topics_default_seeds_cover_the_eight_frames_and_lemmatise(planted):
    assert list(DEFAULT_FRAME_SEEDS) == [
        "empowerment",
        "devolution",
        "social_action",
        "civil_society",
        "market_reform",
        "collaboration",
        "responsibility",
        "targeting",
    ]
    terms = seed_terms_for(planted, {"social_action": ["volunteers", "charities"]})
    assert terms == {"social_action": ["volunteer", "charity"]}


def test_topics_seeded_analysis_labels_prevalence_columns(planted):
    analysis = analyse_topics(planted, k=4, seed_terms={"civic": ["community", "volunteer"]}, bootstrap=20)
    assert analysis.prevalence.shares.columns[0] == "civic"
    rise = analysis.prevalence.shares["civic"]
    assert rise.iloc[-1] > rise.iloc[0]


# -- dynamic topics: split and merge ---------------------------------------------------------


def _window_docs(rng: np.random.Generator, groups: list[list[str]], n: int = 30) -> list[list[str]]:
    docs = []
    for i in range(n):
        words = groups[i % len(groups)]
        docs.append([words[j] for j in rng.choice(len(words), size=30, p=_word_weights(len(words)))])
    return docs


def test_topics_dynamic_links_a_known_split_and_merge():
    rng = np.random.default_rng(1)
    schools, policing, health = PLANTED["schools"], PLANTED["policing"], PLANTED["health"]
    merged = [w for pair in zip(schools, policing, strict=True) for w in pair]
    windows = {
        "w1": _window_docs(rng, [merged, health]),  # schools and policing as one topic
        "w2": _window_docs(rng, [schools, policing, health]),  # split into two
        "w3": _window_docs(rng, [[*merged, "tablet"], health]),  # merged again, new word
    }
    model = DynamicTopicModel(window_k={"w1": 2, "w2": 3, "w3": 2}, dynamic_k=3, random_state=0).fit(windows)
    events = model.events()
    kinds = list(zip(events["kind"], events["from"], events["to"], strict=True))
    assert ("split", "w1", "w2") in kinds
    assert ("merge", "w2", "w3") in kinds
    split = events[events["kind"] == "split"].iloc[0]
    assert len(split["to_topics"].split("; ")) == 2 and len(split["dynamic_topics"].split("; ")) == 2
    # The health topic runs through every window, linked to one dynamic topic.
    terms = model.window_terms(8)
    health_dyn = [
        d for d in model.dynamic_ids_ if _match(list(terms[terms["dynamic_topic"] == d]["term"])) == "health"
    ]
    assert len(health_dyn) == 1
    assert set(terms[terms["dynamic_topic"] == health_dyn[0]]["window"]) == {"w1", "w2", "w3"}
    # No leakage: a word first used in w3 appears in no earlier window's terms.
    all_terms = model.window_terms(40)
    assert "tablet" in set(all_terms[all_terms["window"] == "w3"]["term"])
    assert "tablet" not in set(all_terms[all_terms["window"] != "w3"]["term"])
    changes = model.term_changes(40)
    assert any("tablet" in entered for entered in changes[changes["to"] == "w3"]["entered"])


def test_topics_dynamic_needs_two_windows():
    with pytest.raises(ModelError, match="at least 2 windows"):
        DynamicTopicModel(window_k=2).fit({"only": [["a", "b"]] * 4})


def test_topics_dynamic_analysis_by_year_writes_bump_charts(planted, tmp_path):
    analysis = analyse_topics(planted, k=4, dynamic=True, bootstrap=10)
    assert analysis.dynamic is not None and analysis.dynamic.windows_ == [str(y) for y in YEARS]
    paths = write_topic_outputs(analysis, tmp_path)
    names = {p.name for p in paths}
    assert {
        "dynamic_topics.json",
        "dynamic_terms.csv",
        "dynamic_changes.csv",
        "dynamic_events.csv",
    } <= names
    assert any(n.startswith("dynamic_bump_") and n.endswith(".svg") for n in names)
    records = json.loads((tmp_path / "dynamic_topics.json").read_text())
    assert set(records[0]["windows"]) <= {str(y) for y in YEARS}


# -- store, outputs, report ---------------------------------------------------------------------


@pytest.fixture
def planted_store(corpus: Corpus) -> Corpus:
    texts, meta = planted_texts(docs_per_year=8)
    corpus.add_all(
        Document(
            text=text,
            id=str(m["id"]),
            date=str(m["date"]),
            speaker=str(m["speaker"]),
            party=str(m["party"]),
        )
        for text, m in zip(texts, meta, strict=True)
    )
    return corpus


def test_topics_write_outputs_follow_the_file_contract(planted_store, tmp_path):
    analysis = analyse_topics(planted_store, k=4, bootstrap=20, passage_size=40)
    write_topic_outputs(analysis, tmp_path)
    topics = json.loads((tmp_path / "topics.json").read_text())
    assert isinstance(topics, list) and len(topics) == 4
    for topic in topics:
        assert set(topic) >= {"id", "terms", "coherence"}
        weights = [w for _, w in topic["terms"]]
        assert weights == sorted(weights, reverse=True) and isinstance(topic["terms"][0][0], str)
    prevalence = pd.read_csv(tmp_path / "prevalence.csv", index_col=0)
    assert prevalence.index.name == "year" and list(prevalence.columns) == [t["id"] for t in topics]
    assert np.allclose(prevalence.sum(axis=1), 1.0, atol=1e-5)
    settings = json.loads((tmp_path / "settings.json").read_text())
    assert settings["unit"] == "passage" and settings["smoothing"] == "none"
    for chart in ("prevalence_heatmap", "prevalence_area"):
        assert (tmp_path / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in (tmp_path / f"{chart}.svg").read_text()[:500]


def test_topics_section(planted_store, tmp_path):
    section = topics_section(planted_store, tmp_path / "topics", k=4, bootstrap=10)
    assert section.available and section.reason is None
    assert [t["id"] for t in section.topics] == ["topic_01", "topic_02", "topic_03", "topic_04"]
    assert ("prevalence_heatmap.svg", "Topic prevalence by year (heatmap)") in section.charts
    assert "passages" in section.settings["unit_description"]
    assert (tmp_path / "topics" / "prevalence_heatmap.svg").exists()


def test_topics_section_says_why_it_is_missing_for_an_empty_corpus(corpus, tmp_path):
    section = topics_section(corpus, tmp_path)
    assert not section.available
    assert section.reason == "topics: the corpus has no documents with text to model; import documents first"


@pytest.mark.realdata
def test_topics_real_speeches_find_phrases_and_topics(shared_data: Path):
    folder = shared_data / "ukpol_speeches" / "data"
    files = sorted(folder.glob("C/cameron-david-201[01]-*.json"))[:25]
    assert files, f"no Cameron 2010-2011 speeches under {folder}"
    texts = []
    for path in files:
        record = json.loads(path.read_text(encoding="utf-8"))
        content = record["content"]
        texts.append("\n\n".join(content) if isinstance(content, list) else str(content))
    prepared = prepare_texts(texts)
    assert ("big", "society") in prepared.phrases
    model = TopicModel(5, random_state=0).fit(prepared.passages)
    assert len(model.topics()) == 5 and all(t.coherence is not None for t in model.topics())


# -- the command ---------------------------------------------------------------------------------


def test_topics_cli_writes_contract_files(runner, planted_store, db_path, tmp_path):
    out = tmp_path / "topics"
    result = runner.invoke(
        main,
        [
            "topics",
            "--db",
            str(db_path),
            "--k",
            "4",
            "--format",
            "json",
            "--out",
            str(out),
            "--passage-size",
            "40",
            "--bootstrap",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads((out / "topics.json").read_text())
    assert {_match([t for t, _ in topic["terms"][:8]]) for topic in printed} == set(PLANTED)
    prevalence = pd.read_csv(out / "prevalence.csv", index_col="year")
    assert np.allclose(prevalence.sum(axis=1), 1.0, atol=1e-5)
    assert (out / "prevalence_heatmap.svg").exists() and (out / "prevalence_area.png").exists()
    assert all(topic["unit"].startswith("unit: passages") for topic in printed)
    as_csv = runner.invoke(main, ["topics", "--db", str(db_path), "--k", "4", "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    table = pd.read_csv(io.StringIO(as_csv.stdout))
    assert list(table.columns) == ["id", "coherence", "seeded", "terms", "unit"] and len(table) == 4


def test_topics_cli_stop_share_option(runner, planted_store, db_path):
    base = ["topics", "--db", str(db_path), "--k", "4", "--format", "json", "--passage-size", "40"]
    kept = runner.invoke(main, [*base, "--stop-share", "none", "--bootstrap", "0"])
    assert kept.exit_code == 0, kept.output
    assert len(json.loads(kept.stdout)) == 4
    for bad in ("0", "1.5", "half"):
        refused = runner.invoke(main, [*base, "--stop-share", bad])
        assert refused.exit_code == 2
        assert "give a share above 0 and at most 1" in refused.output


def test_topics_cli_markdown_by_government_seeded(runner, planted_store, db_path):
    result = runner.invoke(
        main,
        [
            "topics",
            "--db",
            str(db_path),
            "--k",
            "4",
            "--by",
            "government",
            "--seeded",
            "--bootstrap",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "## Prevalence by government" in result.stdout
    assert "| Blair |" in result.stdout and "| Brown |" in result.stdout
    assert "unit: passages" in result.stdout
    # Frames whose seed terms occur get topics with the frame id; the others are named.
    assert "| civil_society |" in result.stdout and "| social_action |" in result.stdout
    assert "no seed term in the corpus (no seeded topic): empowerment" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--method", "lda", "--seeded"],
            "Error: TopicModel: parameter seed_terms needs method='nmf'",
        ),
    ],
)
def test_topics_cli_bad_options_give_one_error_line(runner, planted_store, db_path, args, message):
    result = runner.invoke(main, ["topics", "--db", str(db_path), *args])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)


@pytest.mark.parametrize("k", ["0", "-3"])
def test_topics_cli_k_below_one_is_a_usage_error_naming_the_option(runner, planted_store, db_path, k):
    result = runner.invoke(main, ["topics", "--db", str(db_path), "--k", k])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "--k" in result.stderr and f"{k} is not in the range x>=1" in result.stderr


def test_topics_cli_missing_or_empty_corpus(runner, tmp_path, corpus, db_path):
    missing = runner.invoke(main, ["topics", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 1 and "nope.db: no corpus database here" in missing.stderr
    empty = runner.invoke(main, ["topics", "--db", str(db_path)])
    assert empty.exit_code == 1
    assert "Error: topics: the corpus has no documents with text to model" in empty.stderr


def test_topics_cli_help_ends_with_example(runner):
    result = runner.invoke(main, ["topics", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "policytext topics --k" in result.output
    for flag in ("--k", "--method", "--by", "--dynamic", "--seeded", "--format", "--out", "--db"):
        assert flag in result.output


def test_topics_stage_of_the_main_job(planted_store, db_path):
    from policytext.run import run_pipeline

    planted_store.close()
    messages: list[str] = []
    run_pipeline(db_path, offline=True, echo=messages.append)
    assert any(m.startswith("topics: NMF k=10 on ") for m in messages), messages
    assert json.loads((db_path.parent / "topics" / "topics.json").read_text())


def test_topics_prevalence_interval_independent_of_other_groups():
    # Regression: one RNG stream was shared by all groups, so a year's interval moved
    # when another year was added or left out.
    rng = np.random.default_rng(0)
    years = [2001] * 7 + [2002] * 9 + [2003] * 8
    texts = ["school teacher pupil police crime"] * len(years)
    shares = rng.dirichlet([1.0, 1.0, 1.0], size=len(years))
    full = prepare_texts(texts, metadata=[{"year": y} for y in years], unit="document")
    both = topic_prevalence(full, shares, ["a", "b", "c"], bootstrap=30, random_state=5)
    keep = [i for i, y in enumerate(years) if y != 2001]
    part = prepare_texts(
        [texts[i] for i in keep], metadata=[{"year": years[i]} for i in keep], unit="document"
    )
    alone = topic_prevalence(part, shares[keep], ["a", "b", "c"], bootstrap=30, random_state=5)
    for year in (2002, 2003):
        pd.testing.assert_series_equal(both.low.loc[year], alone.low.loc[year])
        pd.testing.assert_series_equal(both.high.loc[year], alone.high.loc[year])


def test_topics_prevalence_rejects_a_negative_seed():
    prepared = prepare_texts(["school pupil"] * 2, metadata=[{"year": 2001}] * 2, unit="document")
    with pytest.raises(ModelError, match="prevalence: random_state must be None or an integer"):
        topic_prevalence(prepared, np.array([[0.5, 0.5], [0.2, 0.8]]), ["a", "b"], random_state=-1)


def test_topics_area_chart_with_one_period_is_not_empty(tmp_path, monkeypatch):
    # Regression: with a single period the stacked area had zero width (an empty chart).
    import policytext.topics.charts as charts

    prepared = prepare_texts(["school pupil"] * 3, metadata=[{"year": 2010}] * 3, unit="document")
    shares = np.array([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]])
    prevalence = topic_prevalence(prepared, shares, ["a", "b"], bootstrap=0)
    figures = []
    original = charts._save
    monkeypatch.setattr(charts, "_save", lambda fig, stem: figures.append(fig) or original(fig, stem))
    charts.prevalence_area(prevalence, tmp_path / "area")
    ax = figures[0].axes[0]
    widths = [path.get_extents().width for coll in ax.collections for path in coll.get_paths()]
    assert len(widths) == 2 and min(widths) > 0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2010"]


def test_topics_charts_without_any_dated_document(tmp_path):
    # Regression: an undated corpus gave an empty prevalence table, and the heatmap
    # raised matplotlib's singular-limits warning (an error under -W error).
    import policytext.topics.charts as charts

    prepared = prepare_texts(["school pupil"] * 2, metadata=[{"year": None}] * 2, unit="document")
    prevalence = topic_prevalence(prepared, np.array([[0.5, 0.5], [0.2, 0.8]]), ["a", "b"], bootstrap=0)
    assert prevalence.shares.empty
    for draw in (charts.prevalence_heatmap, charts.prevalence_area):
        png, svg = draw(prevalence, tmp_path / draw.__name__)
        assert png.is_file() and "no documents with a year" in svg.read_text()


@pytest.fixture
def count_fits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts TopicModel.fit calls (one entry per call)."""
    calls: list[int] = []
    original = TopicModel.fit

    def fit(self, units, y=None):  # type: ignore[no-untyped-def]
        calls.append(self.n_topics)
        return original(self, units, y)

    monkeypatch.setattr(TopicModel, "fit", fit)
    return calls


def test_topics_main_job_fits_the_model_once(planted_store, db_path, count_fits):
    # Regression: the topics stage fitted the model, then the report fitted it again.
    from policytext.run import run_pipeline

    planted_store.close()
    run_pipeline(db_path, offline=True, echo=lambda message: None)
    assert len(count_fits) == 1
    stage, report = db_path.parent / "topics", db_path.parent / "report" / "topics"
    settings = json.loads((stage / "settings.json").read_text())
    assert len(settings["fingerprint"]) == 64 and len(settings["corpus_hash"]) == 64
    assert settings["random_state"] == 0 and settings["k"] == 10
    # The report's topic files are the stage's, and its page shows them.
    assert (report / "topics.json").read_text() == (stage / "topics.json").read_text()
    assert (report / "prevalence_heatmap.svg").is_file()
    html = (db_path.parent / "report" / "index.html").read_text()
    first = json.loads((stage / "topics.json").read_text())[0]
    assert first["terms"][0][0] in html and 'src="topics/prevalence_heatmap.svg"' in html


def test_topics_report_refits_when_the_fingerprint_differs(planted_store, tmp_path, count_fits):
    from policytext.topics import default_topics_dir, run_topics_stage

    run_topics_stage(planted_store, default_topics_dir(planted_store), k=4, bootstrap=10)
    assert len(count_fits) == 1
    # Same corpus and settings: reused.
    assert topics_section(planted_store, tmp_path / "a" / "topics", k=4, bootstrap=10).available
    assert len(count_fits) == 1
    # Other settings: refitted.
    assert topics_section(planted_store, tmp_path / "b" / "topics", k=5, bootstrap=10).available
    assert len(count_fits) == 2
    assert len(json.loads((tmp_path / "b" / "topics" / "topics.json").read_text())) == 5
    # A changed corpus: refitted.
    planted_store.add(Document(text="school teacher pupil police crime", id="late", date="2009"))
    assert topics_section(planted_store, tmp_path / "c" / "topics", k=4, bootstrap=10).available
    assert len(count_fits) == 3


def test_topics_report_does_not_reuse_outputs_without_charts(planted_store, tmp_path, count_fits):
    from policytext.topics import default_topics_dir

    analysis = analyse_topics(planted_store, k=4, bootstrap=10)
    write_topic_outputs(analysis, default_topics_dir(planted_store), charts=False)
    out = tmp_path / "r" / "topics"
    section = topics_section(planted_store, out, k=4, bootstrap=10)
    assert section.available and len(count_fits) == 2  # refitted: the page needs the charts
    assert (out / "prevalence_heatmap.svg").is_file() and (out / "prevalence_area.svg").is_file()


def test_topics_stage_writes_to_the_default_topics_dir(planted_store, db_path, tmp_path, monkeypatch):
    import policytext.topics as topics_module
    from policytext.run import run_pipeline

    assert topics_module.default_topics_dir(planted_store) == db_path.parent / "topics"
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setattr(topics_module, "default_topics_dir", lambda corpus: elsewhere)
    planted_store.close()
    run_pipeline(db_path, offline=True, echo=lambda message: None)
    assert (elsewhere / "topics.json").is_file()


def test_topics_undated_documents_are_left_out_and_named(planted_store):
    planted_store.add(Document(text="school teacher pupil police crime hospital nurse", id="undated"))
    analysis = analyse_topics(planted_store, k=4, bootstrap=0)
    assert analysis.prevalence.documents.sum() == analysis.settings["documents"] - 1
    assert "1 documents without a year left out of prevalence" in analysis.notes


def test_topics_cli_choose_k_reports_coherence_and_stability(runner, planted_store, db_path, tmp_path):
    result = runner.invoke(
        main,
        [
            "topics",
            "--db",
            str(db_path),
            "--choose-k",
            "3:5:2",
            "--format",
            "csv",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert table["k"].tolist() == [3, 5]
    assert {"coherence", "stability", "unit"} <= set(table.columns)
    assert table["stability"].between(0, 1).all()
    assert (tmp_path / "choose_k.csv").exists()
    bad = runner.invoke(main, ["topics", "--db", str(db_path), "--choose-k", "five"])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: --choose-k: 'five' is not a list like 5,10,20")


def test_topics_charts_flag_seeded_topics_that_lost_their_seeds(planted, tmp_path):
    analysis = analyse_topics(planted, k=4, seed_terms={"education": ["school", "exam"]}, bootstrap=0)
    kept = analysis.topics[0]
    assert kept.id == "education" and kept.seed_retention == 1.0
    write_topic_outputs(analysis, tmp_path / "kept")
    assert "education" in (tmp_path / "kept" / "prevalence_heatmap.svg").read_text()
    assert "(!)" not in (tmp_path / "kept" / "prevalence_heatmap.svg").read_text()
    # Every topic is named by its top terms in both charts.
    for chart in ("prevalence_heatmap.svg", "prevalence_area.svg"):
        svg = (tmp_path / "kept" / chart).read_text()
        for topic in analysis.topics:
            assert f"{topic.id}: {', '.join(t for t, _ in topic.terms[:3])}" in svg
    lost = dataclasses.replace(
        analysis, topics=(dataclasses.replace(kept, seed_retention=0.0), *analysis.topics[1:])
    )
    write_topic_outputs(lost, tmp_path / "lost")
    for chart in ("prevalence_heatmap.svg", "prevalence_area.svg"):
        svg = (tmp_path / "lost" / chart).read_text()
        assert "education (!)" in svg and "kept none of its seed terms" in svg


def test_topics_preprocessing_keeps_names_and_corrects_bad_lookup_lemmas():
    prepared = prepare_texts(
        [
            "Communities in Wales back the United Nations. Taxes matter for developing countries.",
            # The lemmas occur as words, so the corpus bears them out (corpus_lemmas).
            "Every community pays tax to develop.",
        ],
        phrase_min_count=100,
    )
    tokens = list(prepared.passages[0].tokens)
    assert tokens[:4] == ["community", "wales", "united", "nations"]  # names not lemmatised
    assert "tax" in tokens and "matter" in tokens and "develop" in tokens
    assert "taxis" not in tokens and "matt" not in tokens


def test_topics_smoothing_is_opt_in_and_labelled(planted, tmp_path):
    raw = analyse_topics(planted, k=4, bootstrap=0)
    smoothed = analyse_topics(planted, k=4, bootstrap=0, smooth=3)
    assert raw.settings["smoothing"] == "none"
    assert smoothed.settings["smoothing"] == "centred moving average over 3 periods (opt-in)"
    expected = raw.prevalence.shares.iloc[0:3].mean()  # 2001 = mean of 2000-2002
    assert np.allclose(smoothed.prevalence.shares.loc[2001], expected)
    assert np.allclose(smoothed.prevalence.shares.sum(axis=1), 1.0)
    write_topic_outputs(smoothed, tmp_path)
    assert "moving average" in json.loads((tmp_path / "settings.json").read_text())["smoothing"]
    assert "smoothed: centred moving average" in (tmp_path / "prevalence_area.svg").read_text()
    with pytest.raises(ModelError, match="smooth must be an integer >= 1, and 1 unless grouping by a period"):
        analyse_topics(planted, k=4, by="party", smooth=3)


def test_topics_years_stay_whole_next_to_undated_documents(tmp_path):
    # Regression: one undated document made years floats, so prevalence.csv, the
    # Markdown tables and the chart labels read "1997.0" and "1,997".
    texts = ["school teacher pupil police crime"] * 4
    prepared = prepare_texts(texts, metadata=[{"year": 1997}, {"year": 1998}, {}, {"year": 1998}])
    assert prepared.documents["year"].tolist()[:2] == [1997, 1998]
    shares = np.array([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1], [0.4, 0.6]])
    prevalence = topic_prevalence(prepared, shares, ["a", "b"], bootstrap=5)
    assert list(prevalence.shares.index) == [1997, 1998]
    assert prevalence.shares.loc[1998, "b"] == pytest.approx(0.7)
    csv_text = prevalence.shares.to_csv()
    assert "\n1997," in csv_text and "1997.0" not in csv_text
    from policytext.topics.outputs import markdown_table

    md = markdown_table(prevalence.shares.reset_index())
    assert "| 1997 |" in md and "1,997" not in md


def test_topics_rejects_a_fractional_year():
    with pytest.raises(ModelError, match="metadata: year must be a whole number, got 1997.5"):
        prepare_texts(["school pupil"] * 2, metadata=[{"year": 1997.5}, {"year": 1998}])


@pytest.mark.parametrize(
    ("min_df", "max_df", "contradict"), [(1, 1.0, False), (2, 0.9, False), (0.05, 30, False), (3, 2, True)]
)
def test_topics_count_matrix_is_the_count_vectorizers(min_df, max_df, contradict):
    # The streamed matrix (int32 indices, float32) replaces CountVectorizer: same vocabulary,
    # same cells in the same order within each row, so NMF and LDA give identical topics.
    import random

    from sklearn.feature_extraction.text import CountVectorizer

    from policytext.topics.matrix import count_matrix, document_frequency, pruned_terms

    rng = random.Random(5)
    vocab = [f"w{i:02d}" for i in range(50)]
    texts = [[rng.choice(vocab) for _ in range(rng.randint(0, 30))] for _ in range(60)]
    terms = pruned_terms(document_frequency(texts), len(texts), min_df=min_df, max_df=max_df)
    if contradict:
        assert terms == []
        return
    vectorizer = CountVectorizer(analyzer=lambda t: t, min_df=min_df, max_df=max_df, dtype=np.float32)
    expected = vectorizer.fit_transform(texts)
    first_seen = {t: r for r, t in enumerate(document_frequency(texts))}
    got = count_matrix(texts, {t: i for i, t in enumerate(terms)}, rank=[first_seen[t] for t in terms])
    assert terms == list(vectorizer.get_feature_names_out())
    assert got.dtype == np.float32 and got.indices.dtype == np.int32
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_topics_release_memory_trims_the_heap_where_glibc_allows(monkeypatch):
    # After preparing and fitting, freed heap pages are handed back with malloc_trim(0);
    # a C library without it (macOS, musl) is left alone.
    from policytext.topics import _memory

    calls: list[int] = []

    class Glibc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(_memory, "_libc", lambda: Glibc())
    _memory.release_memory()
    assert calls == [0]
    monkeypatch.setattr(_memory, "_libc", lambda: object())
    _memory.release_memory()
    monkeypatch.setattr(_memory, "_libc", lambda: None)
    _memory.release_memory()
    assert calls == [0]


def test_topics_cli_out_under_a_file_fails_before_printing(runner, planted_store, db_path, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["topics", "--db", str(db_path), "--k", "4", "--out", str(afile / "sub")])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == f"Error: {afile / 'sub'}: {afile} is a file, not a folder"
