"""Frequency tables, keyness and concordance on small hand-checked corpora."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, chi2_contingency

from conftest import BIG, DEV, EMP, FILL, SMALL_CORPUS, TEST_CODEBOOK_HASH, TEST_FRAMES, store_tagged
from policytext.errors import InputError, StoreError
from policytext.store.corpus import Corpus, Document
from policytext.tables import (
    adjust_p_values,
    concordance,
    current_tagging,
    frequency_table,
    g2_williams,
    keyness,
    log_ratio,
)


def row(table: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for key, value in where.items():
        mask &= (table[key] == value).to_numpy(dtype=bool, na_value=False)
    assert mask.sum() == 1, f"expected one row for {where}, got {mask.sum()}"
    return table[mask].iloc[0]


def test_tables_fixture_has_ten_token_sentences(small_tagged: Corpus) -> None:
    tokens = dict(small_tagged.conn.execute("SELECT id, tokens FROM documents").fetchall())
    assert tokens == {"b1": 40, "b2": 60, "c1": 40, "c2": 50, "c3": 20, "x1": 10}


# -- frequency tables: arithmetic against hand-computed values ---------------------------


def test_tables_rates_by_speaker_hand_computed(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by="speaker", bootstrap=0)
    blair = row(table, speaker="Tony Blair")
    assert (blair["documents"], blair["tokens"]) == (2, 100)
    # b1: three "empower" in one sentence; b2: "devolve" in two sentences.
    assert blair["empowerment_count"] == 3
    assert blair["empowerment_sentences"] == 1
    assert blair["empowerment_documents"] == 1
    assert blair["empowerment_share"] == pytest.approx(0.5)
    assert blair["empowerment_per_10k"] == pytest.approx(10_000 * 3 / 100)
    assert blair["devolution_count"] == 2
    assert blair["devolution_sentences"] == 2
    assert blair["devolution_per_10k"] == pytest.approx(200.0)
    cameron = row(table, speaker="David Cameron")
    assert (cameron["documents"], cameron["tokens"]) == (3, 110)
    # c3's match is negated, so it does not count.
    assert cameron["empowerment_count"] == 2
    assert cameron["empowerment_documents"] == 2
    assert cameron["empowerment_share"] == pytest.approx(2 / 3)
    assert cameron["empowerment_per_10k"] == pytest.approx(10_000 * 2 / 110)
    assert cameron["civil_society_per_10k"] == pytest.approx(10_000 * 2 / 110)
    assert cameron["devolution_count"] == 1
    unknown = table[table["speaker"].isna()].iloc[0]
    assert (unknown["documents"], unknown["tokens"], unknown["empowerment_count"]) == (1, 10, 0)
    assert list(table.columns[:3]) == ["speaker", "documents", "tokens"]
    assert [c for c in table.columns if c.endswith("_per_10k")] == [f"{f}_per_10k" for f in TEST_FRAMES]


def test_tables_whole_corpus_row_without_grouping(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, frames=["empowerment"], bootstrap=0)
    assert len(table) == 1
    assert table.loc[0, "tokens"] == 220
    assert table.loc[0, "empowerment_count"] == 5
    assert table.loc[0, "empowerment_per_10k"] == pytest.approx(10_000 * 5 / 220)


def test_tables_negated_matches_counted_on_request(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by="speaker", include_negated=True, bootstrap=0)
    cameron = row(table, speaker="David Cameron")
    assert cameron["empowerment_count"] == 3
    assert cameron["empowerment_documents"] == 3


def test_tables_group_by_several_fields(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by=["speaker", "year"], bootstrap=0)
    assert list(table.columns[:4]) == ["speaker", "year", "documents", "tokens"]
    assert len(table) == 6
    b2 = row(table, speaker="Tony Blair", year=1999)
    assert b2["devolution_count"] == 2
    assert b2["devolution_per_10k"] == pytest.approx(10_000 * 2 / 60)
    by_party_type = frequency_table(small_tagged, by="party,doc_type", frames=["empowerment"], bootstrap=0)
    speeches = row(by_party_type, party="Conservative", doc_type="speech")
    assert (speeches["documents"], speeches["tokens"], speeches["empowerment_count"]) == (2, 60, 1)
    paper = row(by_party_type, party="Conservative", doc_type="white_paper")
    assert paper["empowerment_per_10k"] == pytest.approx(10_000 * 1 / 50)


def test_tables_empty_groups(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by="year", bootstrap=0)
    quiet = row(table, year=2012)  # c3: its only match is negated
    assert quiet["documents"] == 1
    assert quiet["empowerment_count"] == 0
    assert quiet["empowerment_per_10k"] == 0.0
    assert quiet["empowerment_share"] == 0.0
    empty = frequency_table(small_tagged, by="year", since="2020", bootstrap=0)
    assert empty.empty
    assert list(empty.columns[:3]) == ["year", "documents", "tokens"]


def test_tables_group_without_tokens_has_no_rate(corpus: Corpus) -> None:
    store_tagged(
        corpus,
        [
            {"id": "p1", "speaker": "Tony Blair", "date": "2000", "sentences": ["..."]},
            {
                "id": "p2",
                "speaker": "Gordon Brown",
                "date": "2000",
                "sentences": [EMP],
                "tags": [(0, "empowerment", "empower")],
            },
        ],
    )
    table = frequency_table(corpus, by="speaker", frames=["empowerment"], bootstrap=50)
    blair = row(table, speaker="Tony Blair")
    assert blair["tokens"] == 0
    assert math.isnan(blair["empowerment_per_10k"])
    assert row(table, speaker="Gordon Brown")["empowerment_per_10k"] == pytest.approx(1000.0)


def test_tables_phrase_only_in_2010_2011_shows_in_year_table(corpus: Corpus) -> None:
    docs = []
    for year in range(2006, 2016):
        sentences = [BIG, FILL] if year in (2010, 2011) else [EMP, FILL]
        tag = (0, "civil_society", "Big Society") if year in (2010, 2011) else (0, "empowerment", "empower")
        docs.append(
            {
                "id": f"y{year}",
                "speaker": "David Cameron",
                "date": str(year),
                "sentences": sentences,
                "tags": [tag],
            }
        )
    store_tagged(corpus, docs)
    table = frequency_table(corpus, by="year", frames=["civil_society"], bootstrap=0)
    assert list(table["year"]) == list(range(2006, 2016))
    using = table[table["civil_society_count"] > 0]
    assert list(using["year"]) == [2010, 2011]
    assert list(using["civil_society_per_10k"]) == pytest.approx([500.0, 500.0])
    lines = concordance(corpus, "Big Society")
    assert sorted(set(lines["year"])) == [2010, 2011]


def test_tables_filters(small_tagged: Corpus) -> None:
    by_type = frequency_table(small_tagged, by="speaker", doc_type="white_paper", bootstrap=0)
    assert list(by_type["speaker"]) == ["David Cameron"]
    assert by_type.loc[0, "tokens"] == 50
    dated = frequency_table(small_tagged, by="year", since="1999", until="2011", bootstrap=0)
    assert list(dated["year"]) == [1999, 2010, 2011]
    alias = frequency_table(small_tagged, speaker="D Cameron", bootstrap=0)
    assert alias.loc[0, "documents"] == 3
    frames = frequency_table(small_tagged, frames=["devolution", "empowerment"], bootstrap=0)
    assert [c for c in frames.columns if c.endswith("_count")] == [
        "devolution_count",
        "empowerment_count",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"by": "colour"}, "by: cannot group by 'colour'"),
        ({"by": "year,year"}, "named twice"),
        ({"frames": ["nonsense"]}, "frames: 'nonsense' not in the codebook"),
        ({"bootstrap": -1}, "bootstrap"),
        ({"random_state": -1}, "random_state: -1 is not an integer >= 0"),
        ({"since": "2010-13"}, "since"),
        ({"colour": "red"}, "unknown filter 'colour'"),
    ],
)
def test_tables_bad_input_one_line_error(small_tagged: Corpus, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        frequency_table(small_tagged, **kwargs)
    assert "\n" not in str(info.value)


def test_tables_untagged_store_is_an_error(corpus: Corpus) -> None:
    with pytest.raises(StoreError, match="no tagged documents"):
        frequency_table(corpus, by="year")


def test_tables_latest_codebook_only(small_tagged: Corpus) -> None:
    store_tagged(
        small_tagged,
        [
            {
                "id": "old",
                "speaker": "Tony Blair",
                "date": "1998",
                "sentences": [DEV],
                "tags": [(0, "devolution", "devolve")],
            }
        ],
        codebook={"name": "old codebook", "version": "0.9"},
        tagged_at="2025-01-01T00:00:00+00:00",
    )
    assert current_tagging(small_tagged).codebook_hash == TEST_CODEBOOK_HASH
    table = frequency_table(small_tagged, by="speaker", bootstrap=0)
    assert row(table, speaker="Tony Blair")["documents"] == 2  # the document tagged earlier is left out


def test_tables_frames_from_codebook_row(corpus: Corpus) -> None:
    store_tagged(
        corpus,
        SMALL_CORPUS[:2],
        codebook={"name": "mini", "version": "2", "frames": ["devolution", "empowerment"]},
    )
    tagging = current_tagging(corpus)
    assert tagging.frames == ("devolution", "empowerment")
    assert (tagging.codebook_name, tagging.codebook_version) == ("mini", "2")


def test_tables_frames_of_a_custom_codebook_tagged_by_the_tagger(
    corpus: Corpus, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The tagger stores the codebook as Codebook.to_json ("frame_defs"): a table must
    # show that codebook's frames, not the default eight with zeros (never measured).
    from policytext.tagging import tag_corpus

    book = tmp_path / "mini.toml"
    book.write_text(
        '[codebook]\nname = "mini"\nversion = "1"\n[[frames]]\nid = "localism"\n'
        '[[frames]]\nid = "never_used"\n'
        '[[patterns]]\nid = "loc"\nframe = "localism"\nphrase = "=localism"\n'
        '[[patterns]]\nid = "nev"\nframe = "never_used"\nphrase = "=zyzzyva"\n',
        encoding="utf-8",
    )
    corpus.add(Document(text="Localism is our creed. The weather was fine.", id="d1", date="2011"))
    tag_corpus(corpus, book)
    with caplog.at_level("WARNING", logger="policytext.tables"):
        tagging = current_tagging(corpus)
        table = frequency_table(corpus, bootstrap=0)
    assert tagging is not None and tagging.frames == ("localism", "never_used")
    assert [c for c in table.columns if c.endswith("_count")] == ["localism_count", "never_used_count"]
    assert table["localism_count"].tolist() == [1]
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


def test_tables_default_frames_follow_the_default_codebook(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: DEFAULT_FRAMES was a hand-kept copy of the codebook's frame list.
    # Against the packaged codebook file read independently, not against the loader the
    # constant is computed from (that comparison could not fail).
    import tomllib

    import policytext.tables as tables
    from policytext.codebook import load as codebook

    packaged = tomllib.loads((Path(codebook.__file__).parent.parent / "data" / "codebook.toml").read_text())
    assert tuple(f["id"] for f in packaged["frames"]) == tables.DEFAULT_FRAMES
    assert len(tables.DEFAULT_FRAMES) == 8 and tables.DEFAULT_FRAMES[:2] == ("empowerment", "devolution")
    fake = dataclasses.replace(
        codebook.load_codebook(),
        frame_defs=codebook.load_codebook().frame_defs[:2][::-1],
    )
    monkeypatch.setattr(codebook, "_load_default", lambda: fake)
    tables.default_frames.cache_clear()
    try:
        assert tables.DEFAULT_FRAMES == fake.frames == ("devolution", "empowerment")
    finally:
        tables.default_frames.cache_clear()


def test_tables_import_does_not_load_the_codebook() -> None:
    import subprocess
    import sys

    code = (
        "import sys, policytext.tables, policytext.codebook.load as c; "
        "print(c._load_default.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


# -- bootstrap intervals ------------------------------------------------------------------


def test_tables_bootstrap_interval_hand_checked(small_tagged: Corpus) -> None:
    # Blair: b1 (3 mentions / 40 tokens) and b2 (0 / 60). Resamples of two documents give
    # 750 ({b1, b1}, p=1/4), 300 ({b1, b2}, p=1/2) or 0 ({b2, b2}, p=1/4): 95% interval [0, 750].
    table = frequency_table(
        small_tagged, by="speaker", frames=["empowerment"], bootstrap=2000, random_state=1
    )
    blair = row(table, speaker="Tony Blair")
    assert blair["empowerment_per_10k_low"] == 0.0
    assert blair["empowerment_per_10k_high"] == pytest.approx(750.0)
    # One document: every resample is that document.
    single = frequency_table(small_tagged, by="year", frames=["civil_society"], bootstrap=200)
    y2010 = row(single, year=2010)
    assert y2010["civil_society_per_10k_low"] == y2010["civil_society_per_10k_high"] == pytest.approx(250.0)


def test_tables_bootstrap_is_seeded(small_tagged: Corpus) -> None:
    first = frequency_table(small_tagged, by="party", bootstrap=300, random_state=7)
    again = frequency_table(small_tagged, by="party", bootstrap=300, random_state=7)
    pd.testing.assert_frame_equal(first, again)
    rates = first["empowerment_per_10k"]
    assert ((first["empowerment_per_10k_low"] <= rates) & (rates <= first["empowerment_per_10k_high"])).all()
    none = frequency_table(small_tagged, by="party", bootstrap=0)
    assert none["empowerment_per_10k_low"].isna().all()


def _varied_speakers(corpus: Corpus, speakers: list[str], *, start: int = 0) -> None:
    """Six documents per speaker with 0-3 empowerment mentions each (uneven, so intervals vary)."""
    docs = []
    for s, speaker in enumerate(speakers):
        for i in range(6):
            mentions = (i * (s + 2)) % 4
            docs.append(
                {
                    "id": f"v{start + s}-{i}",
                    "speaker": speaker,
                    "date": str(2000 + i),
                    "sentences": [EMP] * mentions + [FILL] * (1 + i % 3),
                    "tags": [(j, "empowerment", "empower") for j in range(mentions)],
                }
            )
    store_tagged(corpus, docs)


def test_tables_bootstrap_group_interval_independent_of_other_groups(corpus: Corpus) -> None:
    # Regression: one RNG stream was shared by all groups, so a group's interval moved when
    # another group was added, filtered out or sorted before it.
    _varied_speakers(corpus, ["Tony Blair", "David Cameron", "Gordon Brown"])
    cols = ["empowerment_per_10k_low", "empowerment_per_10k_high"]

    def interval(table: pd.DataFrame, speaker: str) -> tuple[float, float]:
        found = row(table, speaker=speaker)
        return float(found[cols[0]]), float(found[cols[1]])

    full = frequency_table(corpus, by="speaker", frames=["empowerment"], bootstrap=25, random_state=3)
    for speaker in ("Tony Blair", "Gordon Brown", "David Cameron"):
        alone = frequency_table(
            corpus, by="speaker", frames=["empowerment"], bootstrap=25, random_state=3, speaker=speaker
        )
        assert interval(alone, speaker) == interval(full, speaker)
    # A new group sorted first ("Alan Johnson") leaves the others' intervals unchanged.
    _varied_speakers(corpus, ["Alan Johnson"], start=10)
    more = frequency_table(corpus, by="speaker", frames=["empowerment"], bootstrap=25, random_state=3)
    for speaker in ("Tony Blair", "Gordon Brown", "David Cameron"):
        assert interval(more, speaker) == interval(full, speaker)
    # Still seeded: another seed moves some interval.
    other = frequency_table(corpus, by="speaker", frames=["empowerment"], bootstrap=25, random_state=4)
    assert not other[cols].equals(more[cols])


# -- keyness --------------------------------------------------------------------------------


def test_tables_g2_williams_worked_example() -> None:
    # Item 10 times in a 1,000-token target, never in a 1,000-token reference.
    # Cells O: 10, 0, 990, 1000; expected E: 5, 5, 995, 995.
    g2_hand = 2 * (10 * math.log(10 / 5) + 990 * math.log(990 / 995) + 1000 * math.log(1000 / 995))
    # Williams: q = 1 + (N(1/R1 + 1/R2) - 1)(N(1/C1 + 1/C2) - 1) / 6N, N = 2000.
    q = 1 + (2000 * (1 / 10 + 1 / 1990) - 1) * (2000 * (1 / 1000 + 1 / 1000) - 1) / (6 * 2000)
    g2, corrected = g2_williams(10, 0, 1000, 1000)
    assert g2 == pytest.approx(g2_hand)
    assert g2 == pytest.approx(13.9132, abs=1e-4)
    assert q == pytest.approx(1.0500013, abs=1e-7)  # the hand formula, then the code's correction:
    assert g2 / corrected == pytest.approx(q, abs=1e-7)
    assert corrected == pytest.approx(g2_hand / q)
    assert corrected == pytest.approx(13.2506, abs=1e-4)


@pytest.mark.parametrize(
    ("a", "b", "c", "d"), [(5, 30, 10_000, 25_000), (120, 80, 50_000, 60_000), (1, 0, 300, 900)]
)
def test_tables_g2_matches_scipy_g_test(a: int, b: int, c: int, d: int) -> None:
    expected = chi2_contingency([[a, b], [c - a, d - b]], correction=False, lambda_="log-likelihood")[0]
    assert g2_williams(a, b, c, d)[0] == pytest.approx(expected)
    assert g2_williams(a, b, c, d)[1] < g2_williams(a, b, c, d)[0]


def test_tables_log_ratio() -> None:
    assert log_ratio(20, 10, 1000, 1000) == pytest.approx(1.0)
    assert log_ratio(10, 40, 1000, 2000) == pytest.approx(-1.0)
    assert log_ratio(4, 0, 1000, 1000) == pytest.approx(3.0)  # zero counted as 0.5


def test_tables_adjusted_p_values() -> None:
    p = [0.01, 0.02, 0.03, 0.04, 0.05]
    assert adjust_p_values(p, method="fdr_bh") == pytest.approx([0.05] * 5)
    assert adjust_p_values([0.01, 0.04, 0.03], method="holm") == pytest.approx([0.03, 0.06, 0.06])
    assert adjust_p_values([0.01, 0.4], method="bonferroni") == pytest.approx([0.02, 0.8])
    assert adjust_p_values([0.2], method="none") == pytest.approx([0.2])
    with pytest.raises(InputError, match="correction: 'sidak'"):
        adjust_p_values(p, method="sidak")


@pytest.mark.parametrize("method", ["fdr_bh", "holm", "bonferroni", "none"])
def test_tables_adjusted_p_values_in_log_space(method: str) -> None:
    p = np.array([1e-5, 0.02, 0.03, 0.5, 0.02])
    assert adjust_p_values(np.log(p), method=method, log=True) == pytest.approx(
        np.log(adjust_p_values(p, method=method))
    )
    # Far below the smallest double: exp() of these is 0, their logs stay exact.
    log_p = np.array([-2000.0, -1500.0, math.log(0.5)])
    adjusted = adjust_p_values(log_p, method=method, log=True)
    expected = {
        "bonferroni": [-2000 + math.log(3), -1500 + math.log(3), 0.0],
        "holm": [-2000 + math.log(3), -1500 + math.log(2), math.log(0.5)],
        "fdr_bh": [-2000 + math.log(3), -1500 + math.log(3 / 2), math.log(0.5)],
        "none": list(log_p),
    }[method]
    assert adjusted == pytest.approx(expected)


def test_tables_keyness_tiny_p_values_never_zero(corpus: Corpus) -> None:
    # Regression: chi2.sf underflowed to 0 for G2 above ~1,400, and Markdown printed
    # every p below 0.005 as 0.00.
    from policytext.report import format_table

    store_tagged(
        corpus,
        [
            {
                "id": "t1",
                "speaker": "David Cameron",
                "date": "2010",
                "sentences": [" ".join(["empower"] * 1500) + ".", BIG, BIG, BIG, DEV],
                "tags": [
                    (0, "empowerment", "empower"),
                    (1, "civil_society", "Big Society"),
                    (2, "civil_society", "Big Society"),
                    (3, "civil_society", "Big Society"),
                    (4, "devolution", "devolve"),
                ],
            },
            {
                "id": "r1",
                "speaker": "Tony Blair",
                "date": "1999",
                "sentences": [FILL] * 150 + [DEV] * 12 + [EMP],
                "tags": [(150 + i, "devolution", "devolve") for i in range(12)]
                + [(162, "empowerment", "empower")],
            },
        ],
    )
    table = keyness(corpus, "speaker", "David Cameron", reference="Tony Blair", min_freq=1)
    empower = row(table, item="empowerment")
    assert empower["g2"] > 2000
    assert 0 < empower["p"] <= 1e-300
    assert 0 < empower["p_adjusted"] <= 1e-300
    assert (table["p"] > 0).all() and (table["p_adjusted"] >= table["p"]).all()
    ordinary = table[table["item"] != "empowerment"]
    assert ordinary["p"].to_numpy() == pytest.approx(chi2.sf(ordinary["g2"].to_numpy(), 1))
    text = format_table(table, fmt="md")
    cells = [line.split(" | ") for line in text.splitlines()[2:]]
    p_col = text.splitlines()[0].split(" | ").index("p")
    shown = {c[0].strip("| "): c[p_col] for c in cells}
    assert shown["empowerment"] == "<1e-300"
    assert all(v.strip() not in ("0.00", "0", "0.000") for v in shown.values())
    records = json.loads(format_table(table, fmt="json"))
    assert all(r["p"] > 0 and r["p_adjusted"] > 0 for r in records)


def test_tables_keyness_frames(small_tagged: Corpus) -> None:
    table = keyness(small_tagged, "speaker", "David Cameron", reference="Tony Blair", min_freq=1)
    assert list(table["item"]) == ["civil_society", "empowerment", "devolution"]
    civil = table.iloc[0]
    assert (civil["target_count"], civil["reference_count"]) == (2, 0)
    assert civil["direction"] == "over"
    assert civil["g2"] == pytest.approx(g2_williams(2, 0, 110, 100)[1])
    assert civil["p"] == pytest.approx(chi2.sf(civil["g2"], 1))
    assert civil["log_ratio"] == pytest.approx(math.log2((2 / 110) / (0.5 / 100)))
    assert (table["p_adjusted"] >= table["p"]).all()
    assert set(table.loc[1:, "direction"]) == {"under"}
    # Against every other document (Blair and the unattributed one): 110 vs 110 tokens.
    complement = keyness(small_tagged, "speaker", "Cameron", min_freq=1)
    assert complement.attrs["reference_tokens"] == 110


def test_tables_keyness_words_lemmas_phrases(small_tagged: Corpus) -> None:
    words = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=3)
    communities = row(words, item="communities")
    assert (communities["target_count"], communities["reference_count"]) == (3, 0)
    assert (words["target_count"] + words["reference_count"] >= 3).all()
    assert words.attrs["target_tokens"] == 110
    lemmas = keyness(small_tagged, "speaker", "David Cameron", unit="lemma", min_freq=3)
    assert "community" in set(lemmas["item"])
    phrases = keyness(small_tagged, "speaker", "David Cameron", unit="phrase", min_freq=2)
    big = row(phrases, item="big society")
    assert (big["target_count"], big["reference_count"]) == (2, 0)
    assert not any(item.split()[0] in {"the", "and", "to"} for item in phrases["item"])
    top = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1, top=2)
    assert (top["direction"] == "over").sum() == 2 and (top["direction"] == "under").sum() == 2


CLITIC_TEXT = (
    "We’ve said it’s time, and they’re ready: we’ve got £5 billion for 2010 -- we don't wait, the U.S. way. "
)


def test_tables_keyness_keeps_word_like_items_by_default(corpus: Corpus) -> None:
    # Regression: clitics ("’ve", "’re", "’s", "n't"), numbers and symbols ranked as key words.
    corpus.add(Document(id="k1", speaker="David Cameron", date="2010", text=CLITIC_TEXT * 6))
    corpus.add(Document(id="k2", speaker="Tony Blair", date="1999", text=FILL * 6))
    not_words = {"’ve", "’re", "’s", "n't", "£", "5", "2010"}
    for unit in ("word", "lemma"):
        table = keyness(corpus, "speaker", "David Cameron", unit=unit, min_freq=2)
        items = set(table["item"])
        assert not items & not_words, (unit, items & not_words)
        assert {"ready", "billion", "wait"} <= items
        # Abbreviations with full stops are words.
        assert "u.s." in items
        # The denominators still count every token (the documents.tokens definition).
        everything = keyness(
            corpus, "speaker", "David Cameron", unit=unit, min_freq=2, words_only=False, stopwords=False
        )
        assert table.attrs["target_tokens"] == everything.attrs["target_tokens"]
        assert {"’ve", "’re", "’s", "2010"} <= set(everything["item"])
        # Stop words ("we", "the", "’ve") are left out unless asked for; not the tokens.
        assert {"we", "the"} <= set(everything["item"]) and not {"we", "the"} & items
        kept = keyness(corpus, "speaker", "David Cameron", unit=unit, min_freq=2, stopwords=False)
        assert {"we", "the"} <= set(kept["item"]) and kept.attrs["target_tokens"] == table.attrs[
            "target_tokens"
        ]
    phrases = set(keyness(corpus, "speaker", "David Cameron", unit="phrase", min_freq=2)["item"])
    assert not any(set(p.split()) & not_words for p in phrases)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("speaker", "Nobody Known"),
            {},
            "target: no tagged documents with speaker = 'Nobody Known'",
        ),
        (("speaker", "Tony Blair"), {"reference": "Blair"}, "same group"),
        (("year", "last year"), {}, "target: year must be a year"),
        (("colour", "red"), {}, "by: cannot compare by 'colour'"),
        (("speaker", "Tony Blair"), {"unit": "letters"}, "unit: 'letters'"),
    ],
)
def test_tables_keyness_bad_input(small_tagged: Corpus, args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        keyness(small_tagged, *args, **kwargs)


# -- concordance ------------------------------------------------------------------------------


def test_tables_kwic_frame_lines_are_the_counted_matches(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by=["speaker", "year"], bootstrap=0)
    totals = {frame: len(concordance(small_tagged, frame=frame)) for frame in TEST_FRAMES}
    assert totals == {frame: table[f"{frame}_count"].sum() for frame in TEST_FRAMES}
    # Hand-counted (SMALL_CORPUS, negated match left out), so the loop below cannot pass empty.
    assert (totals["empowerment"], totals["devolution"], totals["civil_society"]) == (5, 3, 2)
    cells = table.dropna(subset=["speaker"])
    assert len(cells) == 5
    checked = []
    for record in cells.itertuples(index=False):
        cell = concordance(small_tagged, frame="empowerment", speaker=record.speaker, year=int(record.year))
        assert len(cell) == record.empowerment_count
        assert len(set(zip(cell["doc_id"], cell["sentence"], strict=True))) == record.empowerment_sentences
        assert cell["doc_id"].nunique() == record.empowerment_documents
        checked.append(len(cell))
    assert checked == [1, 1, 0, 3, 0]  # Cameron 2010-2012, Blair 1998-1999


def test_tables_kwic_lines_carry_every_metadata_field(corpus: Corpus) -> None:
    # Regression: venue (a document metadata field of DESIGN.md) was missing from kwic lines.
    store_tagged(
        corpus,
        [
            {
                "id": "v1",
                "speaker": "David Cameron",
                "date": "2010-11-10",
                "title": "Big Society speech",
                "venue": "Somerset House",
                "url": "https://example.org/v1",
                "doc_type": "speech",
                "source": "test",
                "sentences": [BIG],
                "tags": [(0, "civil_society", "Big Society")],
            }
        ],
    )
    for lines in (concordance(corpus, frame="civil_society"), concordance(corpus, "big society")):
        assert len(lines) == 1
        line = lines.iloc[0]
        assert line["venue"] == "Somerset House"
        assert (line["title"], line["url"], line["doc_type"]) == (
            "Big Society speech",
            "https://example.org/v1",
            "speech",
        )


def test_tables_warns_about_untagged_documents(
    small_tagged: Corpus, caplog: pytest.LogCaptureFixture
) -> None:
    small_tagged.add(Document(text="Not tagged yet.", id="late", speaker="Tony Blair", date="2001"))
    with caplog.at_level("WARNING", logger="policytext.tables"):
        table = frequency_table(small_tagged, by="speaker", bootstrap=0)
    assert "1 current documents are not tagged with codebook" in caplog.text
    assert row(table, speaker="Tony Blair")["documents"] == 2


def test_tables_group_by_decade(small_tagged: Corpus) -> None:
    table = frequency_table(small_tagged, by="decade", frames=["empowerment"], bootstrap=0)
    assert list(table["decade"][:2]) == [1990, 2010]
    assert list(table["empowerment_count"][:2]) == [3, 2]
    assert list(table["tokens"][:2]) == [100, 110]


def test_tables_kwic_window_and_sentence(small_tagged: Corpus) -> None:
    lines = concordance(small_tagged, frame="empowerment", window=2, speaker="Tony Blair")
    assert list(lines["match"]) == ["empower"] * 3
    assert list(lines["left"]) == ["We", "empower people,", "places and"]
    assert list(lines["right"]) == ["people, empower", "places and", "the whole"]
    assert set(lines["speaker"]) == {"Tony Blair"} and set(lines["doc_id"]) == {"b1"}
    whole = concordance(small_tagged, frame="devolution", sentence=True, speaker="Tony Blair")
    assert list(whole["left"] + " " + whole["match"] + " " + whole["right"]) == [DEV, DEV]
    negated = concordance(small_tagged, frame="empowerment", include_negated=True, year=2012)
    assert list(negated["doc_id"]) == ["c3"]


def test_tables_kwic_term(small_tagged: Corpus) -> None:
    lines = concordance(small_tagged, "EMPOWER", window=1)
    assert len(lines) == 6  # b1 x3, c1, c2 ("Empower"), c3
    assert set(lines["match"].str.lower()) == {"empower"}
    prefixed = concordance(small_tagged, "devol*")
    assert set(prefixed["match"]) == {"devolve"}
    sentence = concordance(small_tagged, "whole nation", sentence=True)
    assert sentence.loc[0, "left"].startswith("We empower people")
    assert sentence.loc[0, "right"] == "."
    assert concordance(small_tagged, "zeppelin").empty
    assert len(concordance(small_tagged, "empower", limit=2)) == 2
    with pytest.raises(InputError, match="give a TERM or --frame"):
        concordance(small_tagged, "  ")


# -- real speeches (../shared/data, read only) ------------------------------------------------


def _load_ukpol(corpus: Corpus, root: Path, slug: str, speaker: str, years: range, n: int) -> None:
    index = pd.read_csv(root / "ukpol_speeches" / "index.csv")
    chosen = index[(index["speaker_slug"] == slug) & index["year"].isin(list(years))].head(n)
    for record in chosen.itertuples(index=False):
        data = json.loads((root / "ukpol_speeches" / record.path).read_text(encoding="utf-8"))
        paragraphs = [p for p in data["content"] if not p.startswith("[![")]
        date = record.date_from_summary if isinstance(record.date_from_summary, str) else None
        corpus.add(
            Document(
                text="\n\n".join(paragraphs),
                id=Path(record.path).stem,
                speaker=speaker,
                date=date or str(record.year),
                source="ukpol",
            )
        )


@pytest.mark.realdata
def test_tables_real_speeches_kwic_and_keyness(corpus: Corpus, shared_data: Path) -> None:
    _load_ukpol(corpus, shared_data, "cameron-david", "David Cameron", range(2009, 2012), 12)
    _load_ukpol(corpus, shared_data, "brown-gordon", "Gordon Brown", range(2008, 2011), 12)
    assert corpus.count(speaker="David Cameron") == 12 and corpus.count(speaker="Gordon Brown") == 12
    texts = {doc.id: doc.text for doc in corpus.query()}
    lines = concordance(corpus, "big society", window=5)
    expected = sum(
        len(re.findall(r"(?<!\w)big\s+society(?!\w)", text, re.IGNORECASE)) for text in texts.values()
    )
    assert expected > 0 and len(lines) == expected
    for line in lines.itertuples(index=False):
        assert texts[line.doc_id][line.start_char : line.end_char].lower().split() == [
            "big",
            "society",
        ]
    # Word keyness uses the same token definition as documents.tokens: the totals agree.
    words = keyness(corpus, "speaker", "David Cameron", reference="Gordon Brown", unit="word")
    (cameron_tokens,) = corpus.conn.execute(
        "SELECT sum(tokens) FROM documents WHERE speaker = 'David Cameron'"
    ).fetchone()
    assert words.attrs["target_tokens"] == cameron_tokens
    top_over = words[words["direction"] == "over"].head(50)
    assert (top_over["target_per_10k"] > top_over["reference_per_10k"]).all()
    assert (words["p_adjusted"] >= words["p"] - 1e-12).all()


def test_tables_aggregation_matches_plain_sql_at_scale(tmp_path: Path) -> None:
    """The benchmark's synthetic store, small: every cell against an independent GROUP BY."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_tables", Path(__file__).parent / "benchmarks" / "bench_tables.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    db = tmp_path / "bench.db"
    total_tokens, total_matches = bench.build(db, documents=400, seed=3)
    with Corpus.open(db) as corpus:
        table = frequency_table(corpus, by="speaker,year", bootstrap=0)
        assert table["tokens"].sum() == total_tokens
        assert sum(table[f"{f}_count"].sum() for f in bench.FRAMES) == total_matches
        expected = pd.read_sql_query(
            "SELECT d.speaker, d.year, m.frame, count(*) AS n, "
            "count(DISTINCT m.doc_pk || ':' || m.sentence) AS s, count(DISTINCT m.doc_pk) AS k "
            "FROM matches m JOIN documents d ON d.pk = m.doc_pk GROUP BY 1, 2, 3",
            corpus.conn,
        )
    cells = table.set_index(["speaker", "year"])
    for rec in expected.itertuples(index=False):
        cell = cells.loc[(rec.speaker, rec.year)]
        assert cell[f"{rec.frame}_count"] == rec.n
        assert cell[f"{rec.frame}_sentences"] == rec.s
        assert cell[f"{rec.frame}_documents"] == rec.k
        assert cell[f"{rec.frame}_per_10k"] == pytest.approx(10_000 * rec.n / cell["tokens"])


def test_tables_kwic_years_stay_whole_next_to_undated_documents(corpus: Corpus) -> None:
    # Regression: one undated document turned every line's year into a float (1997.0).
    store_tagged(
        corpus,
        [
            {
                "id": "dated",
                "date": "1997-05-02",
                "sentences": [BIG],
                "tags": [(0, "civil_society", "Big Society")],
            },
            {"id": "undated", "sentences": [BIG], "tags": [(0, "civil_society", "Big Society")]},
        ],
    )
    lines = concordance(corpus, frame="civil_society").set_index("doc_id")
    assert lines.loc["dated", "year"] == 1997 and str(lines.loc["dated", "year"]) == "1997"
    assert pd.isna(lines.loc["undated", "year"])
    from policytext.report import format_table

    rendered = json.loads(format_table(lines.reset_index(), fmt="json"))
    assert [r["year"] for r in rendered] == [1997, None]


def test_tables_governments_in_the_order_they_held_office(corpus: Corpus) -> None:
    # Regression: governments were sorted by name (Blair, Brown, Cameron-Clegg coalition,
    # Major, May), not by when they governed.
    dated = [
        ("may", "2017-03-01"),
        ("major", "1996-05-01"),
        ("brown", "2009-01-01"),
        ("coalition", "2011-06-01"),
        ("blair", "2001-01-01"),
        ("undated", None),
    ]
    store_tagged(
        corpus,
        [
            {"id": i, "date": d, "sentences": [BIG], "tags": [(0, "civil_society", "Big Society")]}
            for i, d in dated
        ],
    )
    table = frequency_table(corpus, by="government", bootstrap=0)
    assert table["government"].tolist()[:5] == [
        "Major",
        "Blair",
        "Brown",
        "Cameron-Clegg coalition",
        "May",
    ]
    assert pd.isna(table["government"].iloc[5])
    assert table["civil_society_count"].tolist() == [1] * 6
    by_two = frequency_table(corpus, by="year,government", bootstrap=0)
    assert by_two["year"].dropna().tolist() == [1996, 2001, 2009, 2011, 2017]


# -- document filters: one DocumentFilter, values that match nothing --------------------------


def test_tables_document_filter_object_and_keywords_agree(small_tagged: Corpus) -> None:
    from policytext.store.filters import DocumentFilter

    keywords = frequency_table(small_tagged, by="year", speaker="David Cameron", since="2011", bootstrap=0)
    as_object = frequency_table(
        small_tagged, by="year", documents=DocumentFilter(speaker="David Cameron", since="2011"), bootstrap=0
    )
    mixed = frequency_table(
        small_tagged, by="year", documents=DocumentFilter(speaker="David Cameron"), since="2011", bootstrap=0
    )
    assert keywords["year"].tolist() == [2011, 2012]
    pd.testing.assert_frame_equal(keywords, as_object)
    pd.testing.assert_frame_equal(keywords, mixed)
    lines = concordance(small_tagged, frame="empowerment", documents=DocumentFilter(year=2010))
    assert lines["doc_id"].tolist() == ["c1"]
    words = keyness(
        small_tagged,
        "speaker",
        "David Cameron",
        unit="word",
        min_freq=1,
        documents=DocumentFilter(year=[2010, 1998]),
    )
    assert words.attrs["target_tokens"] == 40 and words.attrs["reference_tokens"] == 40
    with pytest.raises(InputError, match="'speaker' given both"):
        frequency_table(small_tagged, documents=DocumentFilter(speaker="Tony Blair"), speaker="Tony Blair")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (
            {"speaker": "Davd Cameron"},
            "speaker: no document has 'Davd Cameron'; closest: 'David Cameron'",
        ),
        ({"government": "Coalition"}, "government: no document has 'Coalition'; closest: "),
        ({"doc_type": "speeches"}, "doc_type: no document has 'speeches'; closest: 'speech'"),
        ({"year": 2013}, "year: no document has '2013'; closest: '2012', '2011', '2010'"),
        (
            {"source": "zzz"},
            "source: no document has 'zzz'; the store holds 1 source values, e.g. 'test'",
        ),
    ],
)
def test_tables_filter_value_matching_nothing_is_an_error(
    small_tagged: Corpus, filters: dict, message: str
) -> None:
    # Regression: a misspelt speaker or a government name the store does not use gave an
    # empty table (exit 0) instead of saying so.
    for call in (
        lambda: frequency_table(small_tagged, bootstrap=0, **filters),
        lambda: concordance(small_tagged, "empower", **filters),
        lambda: concordance(small_tagged, frame="empowerment", **filters),
        lambda: keyness(small_tagged, "speaker", "Tony Blair", unit="word", **filters),
        lambda: frequency_table(small_tagged, terms=["empower"], bootstrap=0, **filters),
    ):
        with pytest.raises(InputError, match=re.escape(message)) as info:
            call()
        assert "\n" not in str(info.value)


def test_tables_filter_values_resolved_before_the_check(small_tagged: Corpus) -> None:
    # Aliases the people registry resolves are not "unknown"; an empty date range is an answer.
    assert frequency_table(small_tagged, speaker="D Cameron", bootstrap=0).loc[0, "documents"] == 3
    assert frequency_table(small_tagged, party="Tories", bootstrap=0).loc[0, "documents"] == 3
    assert frequency_table(small_tagged, since="2030", bootstrap=0).empty


# -- term rates ---------------------------------------------------------------------------------


def test_tables_term_counts_equal_kwic_lines_per_year(small_tagged: Corpus) -> None:
    terms = ["empower", "big society", "devol*", "people"]
    table = frequency_table(small_tagged, by="year", terms=terms, bootstrap=0)
    slugs = ["empower", "big_society", "devol", "people"]
    assert [c for c in table.columns if c.endswith("_count")] == [f"{s}_count" for s in slugs]
    assert not [c for c in table.columns if c.endswith("_sentences")]
    # Terms alone read every current document, tagged or not (x1 has no year: its own row).
    assert table["documents"].sum() == 6 and table["tokens"].sum() == 220
    compared = 0
    for term, slug in zip(terms, slugs, strict=True):
        lines = concordance(small_tagged, term)
        per_year = lines.groupby("year").size().to_dict()
        for record in table.dropna(subset=["year"]).itertuples(index=False):
            assert getattr(record, f"{slug}_count") == per_year.get(record.year, 0), (term, record.year)
            compared += getattr(record, f"{slug}_count")
        assert table[f"{slug}_count"].sum() == len(lines)
    # Hand-counted: empower x6 (b1 x3, c1, c2 "Empower", c3: a term counts negated uses too),
    # Big Society x2, devolve x3, people x5 (b1, c1 x2, c3, BIG in c2).
    assert table["empower_count"].sum() == 6 and table["big_society_count"].sum() == 2
    assert table["devol_count"].sum() == 3 and compared == 6 + 2 + 3 + table["people_count"].sum()
    y1998 = row(table, year=1998)
    assert (y1998["empower_count"], y1998["empower_documents"], y1998["empower_share"]) == (3, 1, 1.0)
    assert y1998["empower_per_10k"] == pytest.approx(10_000 * 3 / 40)


def test_tables_terms_need_no_tagging_and_bootstrap_like_frames(corpus: Corpus) -> None:
    corpus.add(
        Document(
            text="Localism and localist ideas. Localism wins.", id="a", speaker="Greg Clark", date="2011"
        )
    )
    corpus.add(Document(text="Nothing here at all, truly.", id="b", speaker="Greg Clark", date="2011"))
    table = frequency_table(
        corpus, by="speaker", terms=["localis*", "people-powered"], random_state=5, bootstrap=400
    )
    record = table.iloc[0]
    assert (record["localis_count"], record["localis_documents"], record["localis_share"]) == (3, 1, 0.5)
    assert record["people_powered_count"] == 0 and record["people_powered_per_10k"] == 0.0
    rate = record["localis_per_10k"]
    assert record["localis_per_10k_low"] <= rate <= record["localis_per_10k_high"]
    assert record["localis_per_10k_low"] == 0.0  # a resample of document b alone
    again = frequency_table(
        corpus, by="speaker", terms=["localis*", "people-powered"], random_state=5, bootstrap=400
    )
    pd.testing.assert_frame_equal(table, again)
    assert table.attrs["terms"] == ("localis*", "people-powered") and table.attrs["codebook_hash"] is None


def test_tables_terms_and_frames_in_one_table(small_tagged: Corpus) -> None:
    small_tagged.add(
        Document(text="The Big Society, untagged.", id="late", speaker="David Cameron", date="2010")
    )
    both = frequency_table(
        small_tagged, by="speaker", frames=["civil_society"], terms=["big society"], bootstrap=0
    )
    assert list(both.columns[3:]) == [
        *(
            f"civil_society_{c}"
            for c in ("count", "sentences", "documents", "share", "per_10k", "per_10k_low", "per_10k_high")
        ),
        *(
            f"big_society_{c}"
            for c in ("count", "documents", "share", "per_10k", "per_10k_low", "per_10k_high")
        ),
    ]
    cameron = row(both, speaker="David Cameron")
    # With frames, the tagged documents only: the untagged one is left out of both.
    assert cameron["documents"] == 3
    assert cameron["civil_society_count"] == cameron["big_society_count"] == 2
    alone = frequency_table(small_tagged, by="speaker", terms=["big society"], bootstrap=0)
    assert row(alone, speaker="David Cameron")["big_society_count"] == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"terms": ["big society", "Big-Society"]},
            "terms: 'Big-Society' and term 'big society' share the column name 'big_society'",
        ),
        (
            {"terms": ["empowerment"], "frames": ["empowerment"]},
            "terms: 'empowerment' and a frame share the column name",
        ),
        ({"terms": ["em*power"]}, "terms: term 'em*power' must be words"),
        ({"terms": ["--"]}, "terms: term '--' has no word characters"),
        ({"terms": []}, "terms: give at least one term"),
    ],
)
def test_tables_terms_bad_input(small_tagged: Corpus, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        frequency_table(small_tagged, bootstrap=0, **kwargs)


def test_tables_term_slug_and_columns() -> None:
    from policytext.tables import term_columns, term_slug

    assert [term_slug(t) for t in ("Big Society", "localis*", "people-powered", "Whitehall's")] == [
        "big_society",
        "localis",
        "people_powered",
        "whitehall_s",
    ]
    assert term_columns("big society") == [
        "big_society_count",
        "big_society_documents",
        "big_society_share",
        "big_society_per_10k",
        "big_society_per_10k_low",
        "big_society_per_10k_high",
    ]


# -- keyness: direction and stop words -----------------------------------------------------------


def test_tables_keyness_direction(small_tagged: Corpus) -> None:
    both = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1)
    over = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1, direction="over")
    under = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1, direction="under")
    assert set(over["direction"]) == {"over"} and set(under["direction"]) == {"under"}
    assert len(over) > 0 and len(under) > 0 and len(over) + len(under) == len(both)
    pd.testing.assert_frame_equal(pd.concat([over, under], ignore_index=True), both)
    # p-values are corrected over every item tested, whichever side is shown.
    assert over["p_adjusted"].tolist() == both["p_adjusted"][: len(over)].tolist()
    # Ordered: over-used strongest first, under-used weakest first (most under-used last).
    assert over["g2"].is_monotonic_decreasing and under["g2"].is_monotonic_increasing
    top = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1, direction="under", top=2)
    assert top["item"].tolist() == under["item"].tolist()[-2:]
    with pytest.raises(InputError, match="direction: 'sideways' is not one of over, under, both"):
        keyness(small_tagged, "speaker", "David Cameron", direction="sideways")  # type: ignore[arg-type]


def test_tables_keyness_stop_words_left_out_of_words_by_default(small_tagged: Corpus) -> None:
    from spacy.lang.en.stop_words import STOP_WORDS

    words = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1)
    assert not set(words["item"]) & STOP_WORDS
    kept = keyness(small_tagged, "speaker", "David Cameron", unit="word", min_freq=1, stopwords=False)
    assert {"the", "we", "and"} <= set(kept["item"])
    assert kept.attrs["target_tokens"] == words.attrs["target_tokens"] == 110
    assert words.attrs["stopwords"] is True and kept.attrs["stopwords"] is False
    # Phrases keep their own rule (no stop word at either end); the option changes nothing there.
    phrases = keyness(small_tagged, "speaker", "David Cameron", unit="phrase", min_freq=1)
    assert phrases.attrs["stopwords"] is None and "big society" in set(phrases["item"])


# -- kwic: missing metadata ------------------------------------------------------------------------


def test_tables_kwic_missing_metadata_is_none_not_nan(corpus: Corpus) -> None:
    corpus.add(Document(text="The big society is here.", id="a"))
    corpus.add(Document(text="The big society is there.", id="b", speaker="David Cameron", date="2010"))
    lines = concordance(corpus, "big society").set_index("doc_id")
    assert lines.loc["a", "speaker"] is None and lines.loc["a", "date"] is None
    assert lines.loc["b", "speaker"] == "David Cameron"


# -- the bootstrap helper -------------------------------------------------------------------------------


def test_tables_bootstrap_helper_hand_checked() -> None:
    from policytext.tables.bootstrap import bootstrap_rates, group_key

    counts = np.array([[3.0, 0.0], [0.0, 1.0], [2.0, 2.0]])
    tokens = np.array([40.0, 60.0, 50.0])
    keys = [group_key(["speaker"], ["Tony Blair"]), group_key(["speaker"], ["David Cameron"])]
    low, high = bootstrap_rates(counts, tokens, np.array([0, 0, 1]), keys, bootstrap=2000, random_state=1)
    assert (low[0, 0], high[0, 0]) == (0.0, pytest.approx(750.0))  # {b2,b2} .. {b1,b1}
    assert low[1].tolist() == high[1].tolist() == [400.0, 400.0]  # one document: no spread
    # A group's stream depends on its key, not on its position or the other groups.
    alone_low, alone_high = bootstrap_rates(
        counts[:2], tokens[:2], np.array([0, 0]), keys[:1], bootstrap=2000, random_state=1
    )
    assert alone_low[0].tolist() == low[0].tolist() and alone_high[0].tolist() == high[0].tolist()
    none_low, _ = bootstrap_rates(counts, tokens, np.array([0, 0, 1]), keys, bootstrap=0)
    assert np.isnan(none_low).all()
    with pytest.raises(InputError, match="random_state: 1.5 is not an integer >= 0"):
        bootstrap_rates(counts, tokens, np.array([0, 0, 1]), keys, bootstrap=10, random_state=1.5)  # type: ignore[arg-type]


@pytest.mark.realdata
def test_tables_real_term_rates_equal_a_one_phrase_codebook(
    corpus: Corpus, shared_data: Path, tmp_path: Path
) -> None:
    # Issue 15's check: `table --terms "big society" --by year` on Cameron's ukpol speeches
    # equals, year by year, a one-phrase codebook's counts, with the phrase written as an
    # exact form ("=big society") or as lemmas ("big society": degree forms such as
    # "a bigger society" are not expansions of "big").
    from policytext.tagging import tag_corpus

    _load_ukpol(corpus, shared_data, "cameron-david", "David Cameron", range(2010, 2014), 60)
    terms = frequency_table(corpus, by="year", terms=["big society"], bootstrap=0)
    for name, phrase in (("exact", "=big society"), ("lemma", "big society")):
        book = tmp_path / f"{name}.toml"
        book.write_text(
            f'[codebook]\nname = "{name}"\nversion = "1"\n[[frames]]\nid = "bigsoc"\n'
            f'[[patterns]]\nid = "bs"\nframe = "bigsoc"\nphrase = "{phrase}"\n',
            encoding="utf-8",
        )
        tag_corpus(corpus, book)
        frames = frequency_table(
            corpus, by="year", frames=["bigsoc"], include_negated=True, bootstrap=0, codebook=name
        )
        assert terms["year"].tolist() == frames["year"].tolist() == [2010, 2011, 2012, 2013]
        assert terms["big_society_count"].tolist() == frames["bigsoc_count"].tolist(), name
        assert terms["big_society_documents"].tolist() == frames["bigsoc_documents"].tolist(), name
    assert terms["big_society_count"].sum() > 20
    assert terms["tokens"].tolist() == frames["tokens"].tolist()
