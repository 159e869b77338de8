"""Topics on any k, window or corpus size: a fit, or a one-line reason (issue 14 item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policytext.cli import main
from policytext.errors import ModelError
from policytext.store.corpus import Corpus, Document
from policytext.topics import DynamicTopicModel, TopicModel, analyse_topics, prepare_texts

K = 4
WORDS = [f"zq{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40)]  # letters only: zqaa, zqab, ...


def _units(n: int, offset: int = 0) -> list[list[str]]:
    """``n`` passages of ten terms each, overlapping enough to share vocabulary."""
    return [[WORDS[(offset + 3 * i + j) % len(WORDS)] for j in range(10)] for i in range(n)]


@pytest.mark.parametrize("n", [0, 1, 2, K - 1, K])
def test_dynamic_window_with_n_passages_is_fitted_or_left_out_and_named(n: int) -> None:
    windows = {"1997": _units(12), "2001": _units(n, offset=5), "2005": _units(12, offset=9)}
    model = DynamicTopicModel(window_k=K, min_df=1, max_df=1.0, random_state=0).fit(windows)
    if n >= K:
        assert model.windows_ == ["1997", "2001", "2005"] and model.skipped_windows_ == {}
        return
    assert model.windows_ == ["1997", "2005"]
    reason = model.skipped_windows_["2001"]
    if n < 2:
        assert reason == f"TopicModel: need at least 2 units with text to fit; got {n}"
    else:
        assert reason.startswith(
            f"TopicModel: n_topics={K} is more than the data allows ({n} units with text"
        )
        assert reason.endswith(f"use n_topics <= {n}")


def test_dynamic_with_fewer_than_two_windows_fitted_is_a_one_line_error() -> None:
    with pytest.raises(ModelError, match=r"fewer than 2 windows could be fitted \(2001 left out\)"):
        DynamicTopicModel(window_k=K, min_df=1, max_df=1.0).fit({"1997": _units(12), "2001": _units(1)})


@pytest.mark.parametrize("n", [2, K - 1, K])
def test_analysis_reduces_k_to_what_the_data_allows_and_says_so(n: int) -> None:
    texts = [" ".join(unit) + "." for unit in _units(n)]
    prepared = prepare_texts(texts, metadata=[{"year": 2000 + i} for i in range(n)], unit="document")
    analysis = analyse_topics(prepared, k=K, min_df=1, max_df=1.0, bootstrap=0)
    expected = min(n, K)
    assert analysis.model.n_topics == expected == len(analysis.topics) == analysis.settings["k"]
    assert analysis.settings["k_requested"] == K
    reduced = [note for note in analysis.notes if note.startswith("k reduced")]
    if n < K:
        assert reduced == [
            f"k reduced from {K} to {n}: the data has {n} documents with text and "
            f"{analysis.settings['vocabulary']} terms, and this model cannot have more topics than that"
        ]
    else:
        assert reduced == []


@pytest.mark.parametrize(
    ("n", "message"),
    [
        (0, "topics: the corpus has no documents with text to model; import documents first"),
        (1, "topics: need at least 2 documents with text to fit a model; the corpus has 1"),
    ],
)
def test_analysis_with_fewer_than_two_units_says_why(n: int, message: str) -> None:
    prepared = prepare_texts(["school teacher pupil."] * n + ["the and of."], unit="document")
    with pytest.raises(ModelError) as caught:
        analyse_topics(prepared, k=K)
    assert str(caught.value) == message


def test_analysis_relaxes_df_bounds_that_leave_no_vocabulary() -> None:
    # Two documents with no word in common: min_df=2 would leave nothing to model.
    prepared = prepare_texts(["school teacher pupil.", "police crime court."], unit="document")
    analysis = analyse_topics(prepared, k=2, bootstrap=0)
    assert analysis.model.min_df == 1 and analysis.model.max_df == 1.0
    assert any(note.startswith("too little text for min_df=2, max_df=0.9") for note in analysis.notes)


NINE = [
    ("Schools need more teachers and better classrooms for every pupil.", "1997", "Labour"),
    ("Hospitals and nurses: the health service must cut waiting lists.", "1998", "Labour"),
    ("Police officers on the streets will cut crime in every town.", "1999", "Labour"),
    ("Taxes must fall so that families keep more of what they earn.", "2005", "Conservative"),
    ("Councils should hand power to communities and neighbourhoods.", "2010", "Conservative"),
    ("Volunteers and charities build a stronger society together.", "2010", "Conservative"),
    ("Schools will be free to set their own curriculum and hire teachers.", "2011", "Conservative"),
    ("The health service needs doctors, nurses and new hospitals.", "2012", "Conservative"),
    ("Crime falls when police work with communities and councils.", "2013", "Conservative"),
]


@pytest.fixture
def nine(corpus: Corpus) -> Corpus:
    corpus.add_all(
        Document(text=text, id=f"nine-{i}", date=date, party=party, speaker="A Speaker")
        for i, (text, date, party) in enumerate(NINE)
    )
    return corpus


def test_topics_cli_on_a_nine_document_corpus(runner, nine: Corpus, db_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(main, ["topics", "--db", str(db_path), "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    settings = json.loads((tmp_path / "t" / "settings.json").read_text())
    assert settings["k"] == len(json.loads((tmp_path / "t" / "topics.json").read_text())) <= 9
    assert any(note.startswith("k reduced from 10 to") for note in settings["notes"])


def test_report_on_a_nine_document_corpus_is_written(
    runner, nine: Corpus, db_path: Path, tmp_path: Path
) -> None:
    result = runner.invoke(main, ["report", "--db", str(db_path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r" / "index.html").read_text()
    assert '<section id="topics">' in html and 'id="topics-table"' in html  # fitted, k reduced


def test_topics_cli_k12_by_year_dynamic_with_a_one_document_year(
    runner, nine: Corpus, db_path: Path, tmp_path: Path
) -> None:
    # The README's command; one short document in 1997 (and in most years here).
    args = ["topics", "--db", str(db_path), "--k", "12", "--by", "year", "--dynamic"]
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    settings = json.loads((tmp_path / "t" / "settings.json").read_text())
    assert settings["k_requested"] == 12 and settings["k"] <= 9
    notes = " ".join(settings["notes"])
    assert "dynamic topics not fitted: DynamicTopicModel: fewer than 2 windows could be fitted" in notes
    assert "1997" in notes


def test_topics_dynamic_names_the_one_document_year_and_fits_the_rest(
    runner, corpus: Corpus, db_path: Path
) -> None:
    units = _units(24)
    docs = [Document(text=" ".join(u) + ".", id=f"d{i}", date=str(2000 + i % 2)) for i, u in enumerate(units)]
    docs.append(Document(text="zqab zqac zqad zqae.", id="lonely", date="1990"))
    corpus.add_all(docs)
    args = ["topics", "--db", str(db_path), "--k", "3", "--dynamic", "--unit", "document", "--bootstrap", "0"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (
        "Note: dynamic topics: windows left out for too little text: "
        "1990 (TopicModel: need at least 2 units with text to fit; got 1)." in result.stdout
    )
    assert "## Dynamic topics" in result.stdout


def test_topic_model_k_larger_than_vocabulary_is_refused_for_lda_too() -> None:
    with pytest.raises(ModelError, match=r"use n_topics <= 3$"):
        TopicModel(5, method="lda", min_df=1, max_df=1.0).fit([["a", "b"], ["a", "c"]])


def test_a_filter_that_leaves_no_text_is_named_not_blamed_on_an_empty_store() -> None:
    store = Corpus.open(":memory:")
    for i in range(4):
        store.add(Document(text=f"Schools and teachers {i}. Police and crime {i}."))  # no dates
    with pytest.raises(ModelError) as caught:
        analyse_topics(store, k=2, since="1997")
    assert str(caught.value) == (
        "topics: no document with text matches the filter (since=1997); see what the store holds "
        "with 'policytext corpus' (undated documents never match --since/--until/--year)"
    )
