"""Coding sheets, corpus-level estimates, term suggestions and the supervised complement."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policytext.cli import main
from policytext.codebook import load_codebook
from policytext.errors import GoldFileError, PolicytextError
from policytext.store.corpus import Corpus, Document
from policytext.store.evaluations import corpus_estimates
from policytext.tagging import tag_corpus
from policytext.validation import (
    draw_sample,
    estimate_from_sheet,
    read_sheet,
    suggest_terms,
    wilson,
    write_sheet,
)

CODEBOOK = """\
[[frames]]
id = "devolution"
[[frames]]
id = "empowerment"
[[patterns]]
id = "dev-localism"
frame = "devolution"
phrase = "localism"
[[patterns]]
id = "emp-empower"
frame = "empowerment"
phrase = "empower"
"""

# Sentences written for these tests.
LOCAL = "Localism means neighbourhood councils decide."
MISS = "Neighbourhood councils should decide more."
FILL = "The weather was mild all week."


@pytest.fixture
def tagged(corpus: Corpus, tmp_path: Path) -> tuple[Corpus, Path]:
    book = tmp_path / "cb.toml"
    book.write_text(CODEBOOK, encoding="utf-8")
    for i in range(6):
        sentences = [LOCAL, FILL, MISS if i % 2 else FILL, FILL]
        corpus.add(Document(id=f"d{i}", text=" ".join(sentences), source="test", speaker="A Speaker"))
    tag_corpus(corpus, book)
    return corpus, book


# -- estimates ---------------------------------------------------------------------------


def test_wilson_matches_the_formula() -> None:
    p, low, high = wilson(43, 50)
    assert p == 0.86
    assert (round(low, 3), round(high, 3)) == (0.738, 0.930)
    assert wilson(0, 0) == (0.0, 0.0, 1.0)
    assert wilson(5, 5)[2] == 1.0


def _rows(size_m: int, pos_m: int, n_m: int, size_u: int, pos_u: int, n_u: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    rows += [{"stratum": "matched", "stratum_size": size_m, "label": i < pos_m} for i in range(n_m)]
    rows += [{"stratum": "unmatched", "stratum_size": size_u, "label": i < pos_u} for i in range(n_u)]
    return rows


def test_estimate_weights_the_unmatched_stratum_by_its_size() -> None:
    # 100 matched sentences, 80% positive -> 80 found; 10 000 unmatched, 1% positive -> 100 missed.
    estimate = estimate_from_sheet(_rows(100, 40, 50, 10_000, 2, 200), bootstrap=500, random_state=1)
    assert estimate["precision"][0] == 0.8
    assert estimate["recall"][0] == pytest.approx(80 / 180, abs=1e-4)
    low, high = estimate["recall"][1:]
    assert low < 80 / 180 < high
    assert estimate["prevalence"][0] == pytest.approx(180 / 10_100, abs=1e-4)
    assert estimate["design"]["unmatched"] == {"population": 10_000, "sample": 200, "positives": 2}


def test_estimate_without_unmatched_rows_has_no_recall() -> None:
    estimate = estimate_from_sheet(_rows(10, 9, 10, 0, 0, 0))
    assert estimate["precision"][0] == 0.9
    assert estimate["recall"] is None


def test_estimate_is_reproducible_with_the_same_seed() -> None:
    rows = _rows(100, 30, 40, 5000, 3, 100)
    assert estimate_from_sheet(rows, random_state=3) == estimate_from_sheet(rows, random_state=3)


# -- sampling ----------------------------------------------------------------------------


def test_draw_sample_strata_sizes_texts_and_seed(tagged: tuple[Corpus, Path]) -> None:
    corpus, book = tagged
    codebook = load_codebook(book)
    rows = draw_sample(corpus, "devolution", 4, unmatched=5, random_state=7, codebook=codebook)
    matched = [r for r in rows if r.stratum == "matched"]
    unmatched = [r for r in rows if r.stratum == "unmatched"]
    assert len(matched) == 4 and len(unmatched) == 5
    # 6 documents x 4 sentences; 6 match "localism".
    assert {r.stratum_size for r in matched} == {6}
    assert {r.stratum_size for r in unmatched} == {18}
    assert all(r.text == LOCAL for r in matched)
    assert all(r.text in (MISS, FILL) for r in unmatched)
    assert all(r.label == "" and r.codebook_hash == codebook.hash for r in rows)
    again = draw_sample(corpus, "devolution", 4, unmatched=5, random_state=7, codebook=codebook)
    assert again == rows


def test_draw_sample_rejects_unknown_frame_and_untagged_corpus(
    tagged: tuple[Corpus, Path], tmp_path: Path
) -> None:
    corpus, book = tagged
    with pytest.raises(PolicytextError, match="--frame 'nope' is not a frame"):
        draw_sample(corpus, "nope", 3, codebook=load_codebook(book))
    with (
        Corpus.open(tmp_path / "empty.db") as empty,
        pytest.raises(PolicytextError, match="no tagged documents"),
    ):
        draw_sample(empty, "devolution", 3)


def test_sheet_round_trip_and_label_errors(tagged: tuple[Corpus, Path], tmp_path: Path) -> None:
    corpus, book = tagged
    rows = draw_sample(corpus, "devolution", 2, unmatched=2, codebook=load_codebook(book))
    csv_path, jsonl_path = write_sheet(rows, tmp_path / "sheet")
    with pytest.raises(GoldFileError, match=r"sheet.csv:2: label is empty: code every row"):
        read_sheet(csv_path)
    lines = [json.loads(line) for line in jsonl_path.read_text(encoding="utf-8").splitlines()]
    for record in lines:
        record["label"] = "maybe"
    jsonl_path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"sheet.jsonl:1: label is 'maybe' is not 1/0 or yes/no"):
        read_sheet(jsonl_path)
    for i, record in enumerate(lines):
        record["label"] = "yes"
        record["stratum_size"] = record["stratum_size"] + (i if record["stratum"] == "matched" else 0)
    jsonl_path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    with pytest.raises(GoldFileError, match="stratum_size .* differs from"):
        read_sheet(jsonl_path)


def test_cli_sample_then_evaluate_sheet_stores_corpus_estimates(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, book = tagged
    out = tmp_path / "sheets" / "dev"
    args = [
        "sample",
        "--frame",
        "devolution",
        "--n",
        "3",
        "--unmatched",
        "6",
        "--seed",
        "2",
        "--out",
        str(out),
    ]
    result = runner.invoke(main, [*args, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    sheet = out.with_suffix(".csv")
    with sheet.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert len(records) == 9
    for record in records:  # the coder: every matched sentence and the "Neighbourhood councils" ones
        record["label"] = "1" if record["text"] in (LOCAL, MISS) else "0"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    result = runner.invoke(main, ["evaluate", "--gold", str(sheet), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    estimate = scores["corpus_estimates"]["devolution"]
    assert estimate["precision"][0] == 1.0
    missed = sum(r["text"] == MISS for r in records)
    assert estimate["recall"][0] == pytest.approx(6 / (6 + 18 * missed / 6), abs=1e-4)
    stored = corpus_estimates(corpus, load_codebook(book).hash)
    assert stored["devolution"]["precision"] == estimate["precision"]
    assert stored["devolution"]["sheet"] == str(sheet)


def test_cli_sample_without_db_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["sample", "--frame", "devolution", "--n", "3", "--db", str(tmp_path / "no.db")]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "no corpus database" in result.output


# -- suggestions -------------------------------------------------------------------------


def test_suggest_terms_ranks_words_around_matches_with_unmatched_lines(tagged: tuple[Corpus, Path]) -> None:
    corpus, _ = tagged
    suggestions = suggest_terms(corpus, "devolution", min_count=3)
    terms = [s["term"] for s in suggestions]
    assert "neighbourhood councils" in terms
    chosen = suggestions[terms.index("neighbourhood councils")]
    assert (chosen["target"], chosen["reference"]) == (6, 3)
    assert chosen["g2"] > 0 and chosen["log_ratio"] > 0
    assert len(chosen["lines"]) == 3
    assert all("[Neighbourhood councils]" in line for line in chosen["lines"])
    assert "weather" not in terms


def test_suggest_terms_leaves_out_the_patterns_own_words_not_a_classifiers(
    tagged: tuple[Corpus, Path],
) -> None:
    corpus, _ = tagged
    terms = [s["term"] for s in suggest_terms(corpus, "devolution", min_count=3)]
    assert "localism" not in terms  # the pattern's own word: the codebook has it already
    assert "neighbourhood councils" in terms
    # A classifier's match is a whole sentence that no pattern found: its words all count.
    with corpus.transaction() as conn:
        conn.execute("UPDATE matches SET pattern_id = 'classifier@0123456789ab' WHERE frame = 'devolution'")
    suggestions = suggest_terms(corpus, "devolution", min_count=3)
    localism = [s for s in suggestions if s["term"] == "localism"]
    assert localism and (localism[0]["target"], localism[0]["reference"]) == (6, 0)


def test_cli_codebook_suggest_reads_the_tags_of_codebook(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, book = tagged
    other = tmp_path / "councils.toml"
    other.write_text(
        CODEBOOK.replace('id = "dev-localism"', 'id = "dev-councils"').replace(
            'phrase = "localism"', 'phrase = "neighbourhood councils"'
        ),
        encoding="utf-8",
    )
    tag_corpus(corpus, other)

    def terms(path: Path) -> list[str]:
        args = ["codebook", "suggest", "devolution", "--codebook", str(path), "--format", "json"]
        result = runner.invoke(main, [*args, "--min-count", "1", "--db", str(db_path)])
        assert result.exit_code == 0, result.output
        return [s["term"] for s in json.loads(result.stdout)["suggestions"]]

    assert "neighbourhood councils" in terms(book)
    assert "localism" not in terms(book)
    assert "neighbourhood councils" not in terms(other)  # that codebook's own words now
    assert "localism" in terms(other)
    result = runner.invoke(
        main, ["codebook", "suggest", "social_action", "--codebook", str(book), "--db", str(db_path)]
    )
    assert result.exit_code == 1
    assert "'social_action' is not a frame of the codebook (devolution, empowerment)" in result.output


def test_cli_codebook_suggest_json(runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path) -> None:
    result = runner.invoke(
        main, ["codebook", "suggest", "devolution", "--format", "json", "--limit", "3", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["frame"] == "devolution"
    assert len(payload["suggestions"]) == 3
    assert set(payload["suggestions"][0]) == {"term", "target", "reference", "g2", "log_ratio", "lines"}
    missing = runner.invoke(main, ["codebook", "suggest", "empowerment", "--db", str(db_path)])
    assert missing.exit_code == 1
    assert "no sentence of the selected documents matches it" in missing.output
