"""Covariate effects on topic prevalence, and the document filters of topics."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policytext.cli import main
from policytext.errors import ModelError
from policytext.store.corpus import Corpus, Document
from policytext.store.filters import DocumentFilter
from policytext.topics import analyse_topics, estimate_effects, prepare_corpus, prepare_texts
from policytext.topics.effects import parse_effects

YEARS = list(range(2000, 2012))


def _planted(seed: int = 3, per_cell: int = 6) -> tuple[pd.DataFrame, np.ndarray]:
    """Documents by party and year with a planted effect on topic A's share:
    Conservative +0.30 over Labour, plus a rise of 0.02 a year for both."""
    rng = np.random.default_rng(seed)
    rows, shares = [], []
    for year in YEARS:
        for party in ("Conservative", "Labour"):
            for _ in range(per_cell):
                a = 0.2 + (0.3 if party == "Conservative" else 0.0) + 0.02 * (year - YEARS[0])
                a = float(np.clip(a + rng.normal(0, 0.05), 0, 1))
                rows.append({"year": year, "party": party})
                shares.append([a, 1 - a])
    return pd.DataFrame(rows), np.array(shares)


def test_effects_recover_a_planted_party_difference_and_year_trend() -> None:
    meta, shares = _planted()
    prepared = prepare_texts(
        ["school teacher."] * len(meta), metadata=meta.to_dict("records"), unit="document"
    )
    effects = estimate_effects(prepared, shares, ["A", "B"], "party + s(year)", bootstrap=200, random_state=1)
    diff = effects.difference("A")
    assert effects.contrast == ("Conservative", "Labour")
    assert diff["level"] == "Conservative - Labour"
    assert diff["estimate"] == pytest.approx(0.30, abs=0.02)
    assert diff["low"] < 0.30 < diff["high"] and diff["high"] - diff["low"] < 0.06
    # B mirrors A (shares sum to 1).
    assert effects.difference("B")["estimate"] == pytest.approx(-diff["estimate"])
    years = effects.table[(effects.table["topic"] == "A") & (effects.table["covariate"] == "year")]
    assert years["level"].tolist() == YEARS
    rise = years["estimate"].iloc[-1] - years["estimate"].iloc[0]
    assert rise == pytest.approx(0.02 * (YEARS[-1] - YEARS[0]), abs=0.03)
    # Prevalence against year, per party: the Conservative line sits 0.3 above Labour's.
    by_year = effects.by_year[effects.by_year["topic"] == "A"].pivot(
        index="year", columns="party", values="estimate"
    )
    assert (by_year["Conservative"] - by_year["Labour"]).to_numpy() == pytest.approx(0.30, abs=0.02)
    assert effects.documents == len(meta) and effects.bootstrap == 200


def test_effects_with_no_effect_have_intervals_around_zero() -> None:
    meta, _ = _planted()
    rng = np.random.default_rng(0)
    a = np.clip(0.4 + rng.normal(0, 0.05, len(meta)), 0, 1)
    prepared = prepare_texts(
        ["school teacher."] * len(meta), metadata=meta.to_dict("records"), unit="document"
    )
    effects = estimate_effects(prepared, np.c_[a, 1 - a], ["A", "B"], "party,year", bootstrap=200)
    diff = effects.difference("A")
    assert diff["low"] < 0 < diff["high"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "--effects: '' names no covariate; write e.g. 'party + s(year)'"),
        ("colour", "--effects: 'colour' is not a document field; use speaker, party"),
        ("s(party)", "--effects: s(party) needs a numeric field (decade, year)"),
        ("party + party", "--effects: 'party' given twice in 'party + party'"),
        ("period(2013-2009)", "--effects: 'period(2013-2009)' runs backwards; write the first year first"),
        ("period(2009)", "--effects: 'period(2009)' is not a period; write e.g. 'period(2009-2013)'"),
        ("party * year", "--effects: 'party * year': only a categorical field times a period interacts"),
        ("period(2001-2002) + period(2003-2004)", "--effects: 'period' given twice in"),
    ],
)
def test_effects_bad_specification_is_a_one_line_error(spec: str, message: str) -> None:
    with pytest.raises(ModelError) as caught:
        parse_effects(spec)
    assert str(caught.value).startswith(message)


def test_effects_parse_both_spellings() -> None:
    assert parse_effects("party + s(year)") == parse_effects("party,year")
    assert [c.spline for c in parse_effects("party + year")] == [False, False]


def test_effects_period_by_party_recovers_a_planted_big_society_bump() -> None:
    # Topic A takes 0.20 more of Conservative documents in 2009-2013 and nothing more of
    # Labour ones: "party * period(2009-2013)" gives each party's in-period minus other years.
    rng = np.random.default_rng(2)
    meta = [{"year": 2000 + i % 20, "party": ("Conservative", "Labour")[(i // 20) % 2]} for i in range(400)]
    bump = [0.2 if m["party"] == "Conservative" and 2009 <= m["year"] <= 2013 else 0.0 for m in meta]
    a = np.clip(0.3 + np.array(bump) + rng.normal(0, 0.05, len(meta)), 0, 1)
    prepared = prepare_texts(["school teacher."] * len(meta), metadata=meta, unit="document")
    effects = estimate_effects(
        prepared, np.c_[a, 1 - a], ["A", "B"], "party * period(2009-2013)", bootstrap=200
    )
    rows = effects.table[
        (effects.table["covariate"] == "period difference") & (effects.table["topic"] == "A")
    ]
    assert rows["level"].tolist() == [
        "2009-2013 - other, party=Conservative",
        "2009-2013 - other, party=Labour",
    ]
    con, lab = rows.iloc[0], rows.iloc[1]
    assert con["estimate"] == pytest.approx(0.20, abs=0.02) and con["low"] < 0.20 < con["high"]
    assert lab["low"] < 0 < lab["high"] and abs(lab["estimate"]) < 0.02
    assert con["documents"] == 50
    assert effects.formula == "party * period(2009-2013)"
    levels = effects.table[(effects.table["covariate"] == "period") & (effects.table["topic"] == "A")]
    assert levels["level"].tolist() == ["2009-2013", "other"]
    # Without the interaction: one period difference, the other covariates at their reference.
    alone = estimate_effects(prepared, np.c_[a, 1 - a], ["A", "B"], "period(2009-2013)", bootstrap=50)
    row = alone.table[(alone.table["covariate"] == "period difference") & (alone.table["topic"] == "A")]
    assert row["level"].tolist() == ["2009-2013 - other"]
    assert row["estimate"].iloc[0] == pytest.approx(0.10, abs=0.02)


def test_effects_with_too_few_documents_says_why() -> None:
    prepared = prepare_texts(["school."] * 3, metadata=[{"party": p} for p in "ABC"], unit="document")
    shares = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    with pytest.raises(ModelError) as caught:
        estimate_effects(prepared, shares, ["A", "B"], "party", bootstrap=5)
    assert (
        str(caught.value)
        == "effects: 3 documents with text and every covariate (party) are too few for 3 coefficients"
    )


@pytest.fixture
def parties(corpus: Corpus) -> Corpus:
    rng = np.random.default_rng(5)
    school = ["school", "teacher", "pupil", "exam", "classroom", "lesson"]
    police = ["police", "crime", "court", "prison", "officer", "victim"]
    docs = []
    for i in range(48):
        party = "Conservative" if i % 2 else "Labour"
        p_school = 0.8 if party == "Conservative" else 0.2
        words = [(school if rng.random() < p_school else police)[int(rng.integers(6))] for _ in range(60)]
        text = " ".join(" ".join(words[j : j + 10]) + "." for j in range(0, 60, 10))
        docs.append(
            Document(text=text, id=f"p{i}", date=str(2000 + i % 12), party=party, speaker=f"Speaker {i % 3}")
        )
    corpus.add_all(docs)
    return corpus


def test_topics_cli_effects_writes_tables_in_every_format_and_charts(
    runner, parties: Corpus, db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "t"
    args = ["topics", "--db", str(db_path), "--k", "2", "--unit", "document", "--bootstrap", "50"]
    result = runner.invoke(main, [*args, "--effects", "party + s(year)", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "## Effects on topic prevalence (OLS of each topic's document share on party + s(year)"
        in result.stdout
    )
    table = pd.read_csv(out / "effects.csv")
    assert list(table.columns) == ["topic", "covariate", "level", "estimate", "low", "high", "documents"]
    diff = table[table["covariate"] == "difference"]
    assert diff["level"].unique().tolist() == ["Conservative - Labour"]
    # One topic is the school topic: Conservative documents talk about schools more (0.8 vs
    # 0.2 of their words); NMF's shares are less extreme than the words, the sign is clear.
    assert diff["estimate"].abs().min() > 0.3 and (diff["low"] * diff["high"] > 0).all()
    assert json.loads((out / "effects.json").read_text())["rows"][0]["topic"] == "topic_01"
    assert (out / "effects.md").read_text().count("\n| topic_0") == len(table)
    assert "\\begin{tabular}" in (out / "effects.tex").read_text()
    for chart in ("effects_by_year", "effects_difference"):
        assert (out / f"{chart}.png").read_bytes()[:4] == b"\x89PNG"
        assert "<svg" in (out / f"{chart}.svg").read_text()[:500]


def test_topics_takes_the_document_filters(runner, parties: Corpus, db_path: Path) -> None:
    prepared = prepare_corpus(parties, documents=DocumentFilter(party=("Labour",)), since="2005")
    assert set(prepared.documents["party"]) == {"Labour"} and prepared.documents["year"].min() >= 2005
    analysis = analyse_topics(parties, k=2, unit="document", bootstrap=0, party="Labour", since="2005")
    assert analysis.settings["documents"] == len(prepared.documents) == 12
    args = ["topics", "--db", str(db_path), "--k", "2", "--since", "2005", "--speaker", "Speaker 1"]
    result = runner.invoke(main, [*args, "--party", "Labour", "--unit", "document", "--format", "json"])
    assert result.exit_code == 0, result.output
    whole = runner.invoke(main, ["topics", "--db", str(db_path), "--k", "2", "--unit", "document"])
    assert "48 documents" in whole.stdout
    narrow = runner.invoke(main, [*args, "--party", "Labour", "--unit", "document"])
    assert "# Topics: NMF, k=2, 4 documents" in narrow.stdout


def test_topics_fingerprint_depends_on_the_filter(parties: Corpus) -> None:
    from policytext.topics import topics_fingerprint

    everything = topics_fingerprint(parties, k=2)["fingerprint"]
    labour = topics_fingerprint(parties, k=2, party="Labour")["fingerprint"]
    same = topics_fingerprint(parties, k=2, documents=DocumentFilter(party=("Labour",)))["fingerprint"]
    assert everything != labour == same
