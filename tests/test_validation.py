"""Coding sheets, corpus-level estimates, term suggestions and the supervised complement."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
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
    sheet_scores,
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
    with pytest.raises(
        GoldFileError, match=r"sheet.jsonl:1: label 'maybe' is not 1/0 or yes/no: code every row"
    ):
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


# -- reading a filled sheet: every error is one FILE:LINE line, nothing stored -------------------


def _coded_sheet(runner: CliRunner, db_path: Path, tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    """A sheet drawn by `policytext sample` (3 matched, 6 unmatched rows), its labels filled."""
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
    for record in records:
        record["label"] = "1" if record["text"] in (LOCAL, MISS) else "0"
    _write_records(sheet, records)
    return sheet, records


def _write_records(sheet: Path, records: list[dict[str, str]]) -> None:
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def _line_of(records: list[dict[str, str]], stratum: str) -> int:
    """The file line of the first row of ``stratum`` (line 1 is the header)."""
    return next(i for i, r in enumerate(records) if r["stratum"] == stratum) + 2


def _evaluate_fails(runner: CliRunner, sheet: Path, db_path: Path, book: Path, corpus: Corpus) -> str:
    """Run `evaluate --gold SHEET --db DB`: exit 1, one line of error, no estimate stored."""
    result = runner.invoke(main, ["evaluate", "--gold", str(sheet), "--db", str(db_path)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {sheet}:")
    assert corpus_estimates(corpus, load_codebook(book).hash) == {}
    return lines[0].removeprefix("Error: ")


@pytest.mark.parametrize(
    ("stratum", "size", "message"),
    [
        ("unmatched", "-5", "stratum_size -5 is not a positive whole number"),
        ("matched", "0", "stratum_size 0 is not a positive whole number"),
        ("matched", "2", "stratum_size 2 is less than stratum_sample 3"),
        ("unmatched", "many", "stratum_size 'many' is not a positive whole number"),
        ("unmatched", "6.5", "stratum_size '6.5' is not a positive whole number"),
    ],
)
def test_cli_evaluate_rejects_an_impossible_stratum_size(
    runner: CliRunner,
    tagged: tuple[Corpus, Path],
    db_path: Path,
    tmp_path: Path,
    stratum: str,
    size: str,
    message: str,
) -> None:
    corpus, book = tagged
    sheet, records = _coded_sheet(runner, db_path, tmp_path)
    for record in records:
        if record["stratum"] == stratum:
            record["stratum_size"] = size
    _write_records(sheet, records)
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error.startswith(f"{sheet}:{_line_of(records, stratum)}: {message}")


def test_read_sheet_stratum_size_below_the_coded_rows(tmp_path: Path) -> None:
    # A hand-written sheet without stratum_sample: 3 matched rows from a stratum of 2.
    rows = [{"frame": "devolution", "stratum": "matched", "stratum_size": 2, "label": 1}] * 3
    rows += [{"frame": "devolution", "stratum": "unmatched", "stratum_size": 50, "label": 0}]
    sheet = tmp_path / "hand.jsonl"
    sheet.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"hand.jsonl:3: stratum_size 2 is less than the 3 matched rows"):
        read_sheet(sheet)
    rows[2] = {**rows[2], "stratum": "unmatched", "stratum_size": 50}
    sheet.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [r["where"] for r in read_sheet(sheet)] == [f"{sheet}:{i}" for i in (1, 2, 3, 4)]


def test_estimate_from_sheet_rejects_an_impossible_design() -> None:
    # Before: prevalence -10.0 from a negative stratum size.
    with pytest.raises(GoldFileError, match=r"^coding sheet row 4: stratum_size -5 is not a positive"):
        estimate_from_sheet(_rows(3, 3, 3, -5, 0, 3))
    with pytest.raises(
        GoldFileError, match=r"^coding sheet row 3: stratum_size 2 is less than the 3 matched"
    ):
        estimate_from_sheet(_rows(2, 1, 3, 100, 0, 3))
    with pytest.raises(GoldFileError, match=r"^coding sheet row 2: stratum_size 50 differs from 10"):
        estimate_from_sheet([{"stratum": "matched", "stratum_size": s, "label": True} for s in (10, 50)])
    with pytest.raises(GoldFileError, match=r"^coding sheet row 1: stratum 'other' must be"):
        estimate_from_sheet([{"stratum": "other", "stratum_size": 10, "label": True}])


def test_cli_evaluate_rejects_a_quote_left_open(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, book = tagged
    sheet, records = _coded_sheet(runner, db_path, tmp_path)
    lines = sheet.read_text(encoding="utf-8").splitlines(keepends=True)
    # The coder typed a quote before the fourth row's sentence and never closed it: before,
    # the rest of the file became that sentence and the sheet was scored as 3 rows.
    text = records[2]["text"]
    lines[3] = lines[3].replace(f",{text},", ',"' + text + ",")
    sheet.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(
        GoldFileError, match=r"dev.csv:4: unbalanced quote: a quoted field opened on this row"
    ):
        read_sheet(sheet)
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error.startswith(f"{sheet}:4: unbalanced quote")


def test_read_sheet_rejects_a_quote_closed_rows_later(tagged: tuple[Corpus, Path], tmp_path: Path) -> None:
    corpus, book = tagged
    rows = draw_sample(corpus, "devolution", 3, unmatched=3, codebook=load_codebook(book))
    csv_path, _ = write_sheet([replace(r, label="1") for r in rows], tmp_path / "sheet")
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    # A quote opened in row 2's text and closed in row 4's speaker: one long "sentence".
    lines[1] = lines[1].replace(f",{rows[0].text},", f',"{rows[0].text},')
    lines[3] = lines[3].replace(",A Speaker,", ',A Speaker",')
    csv_path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"sheet.csv:2: column 'text' runs over several lines"):
        read_sheet(csv_path)
    # Closed in the middle of a value, or a row with more fields than the header.
    lines[3] = lines[3].replace(',A Speaker",', ',A "Speaker,')
    csv_path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"sheet.csv:2: unbalanced quote \(',' expected after"):
        read_sheet(csv_path)
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(f',"{rows[0].text},', f",{rows[0].text},")
    lines[3] = lines[3].replace(',A "Speaker,', ",A Speaker,").rstrip("\n") + ",extra\n"
    csv_path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"sheet.csv:4: 17 fields, more than the header's 16 columns"):
        read_sheet(csv_path)


def test_read_sheet_allows_line_breaks_in_metadata_and_coder_columns(
    tagged: tuple[Corpus, Path], tmp_path: Path
) -> None:
    corpus, book = tagged
    rows = draw_sample(corpus, "devolution", 2, unmatched=2, codebook=load_codebook(book))
    rows = [replace(r, label="0", title="Two\nlines", speaker="A\u2028Speaker") for r in rows]
    csv_path, jsonl_path = write_sheet(rows, tmp_path / "sheet")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    for record in records:
        record["notes"] = "first thought\nsecond thought"
    _write_records(csv_path, records)
    assert len(read_sheet(csv_path)) == 4
    assert len(read_sheet(jsonl_path)) == 4  # U+2028 in a JSON string does not end its line


def test_read_sheet_frame_must_be_a_frame_id_and_one_frame(tmp_path: Path) -> None:
    rows = [{"frame": "devolution", "stratum": "matched", "stratum_size": 10, "label": 1}] * 2
    rows += [{"frame": "empowerment", "stratum": "matched", "stratum_size": 10, "label": 1}]
    sheet = tmp_path / "mixed.jsonl"
    sheet.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(
        GoldFileError,
        match=r"mixed.jsonl:3: frame 'empowerment' differs from 'devolution' on earlier rows "
        r"\(a coding sheet codes one frame\)",
    ):
        read_sheet(sheet)
    rows = [{**rows[0], "frame": "Not a frame!"}]
    sheet.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(GoldFileError, match=r"mixed.jsonl:1: frame 'Not a frame!' is not a frame id"):
        read_sheet(sheet)


def test_sheet_scores_checks_the_frame_against_the_codebook(
    tagged: tuple[Corpus, Path], tmp_path: Path
) -> None:
    corpus, book = tagged
    codebook = load_codebook(book)
    rows = draw_sample(corpus, "devolution", 2, unmatched=2, codebook=codebook)
    csv_path, _ = write_sheet([replace(r, label="1", frame="nonsense") for r in rows], tmp_path / "sheet")
    sheet_rows = read_sheet(csv_path)  # a plausible frame id: only the codebook can tell
    with pytest.raises(
        GoldFileError,
        match=r"sheet.csv:2: frame 'nonsense' is not a frame of the codebook \(devolution, empowerment\)",
    ):
        sheet_scores(sheet_rows, codebook=codebook)
    good = read_sheet(write_sheet([replace(r, label="1") for r in rows], tmp_path / "good")[0])
    assert "devolution" in sheet_scores(good, codebook=codebook)["corpus_estimates"]


def test_cli_evaluate_rejects_a_frame_not_in_the_codebook(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, book = tagged
    sheet, records = _coded_sheet(runner, db_path, tmp_path)
    _write_records(sheet, [{**r, "frame": "nonsense"} for r in records])
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error.startswith(f"{sheet}:2: frame 'nonsense' is not a frame of the codebook")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("frame", "Nonsense!", "frame 'Nonsense!' is not a frame id"),
        ("stratum", "other", "stratum 'other' must be 'matched' or 'unmatched'"),
        ("stratum_sample", "0", "stratum_sample 0 is not a positive whole number"),
        ("stratum_sample", "-3", "stratum_sample -3 is not a positive whole number"),
        ("stratum_sample", "three", "stratum_sample 'three' is not a positive whole number"),
        ("stratum_sample", "", "stratum_sample '' is not a positive whole number"),
        ("label", "maybe", "label 'maybe' is not 1/0 or yes/no: code every row"),
    ],
)
def test_cli_evaluate_rejects_a_bad_value_with_file_and_line(
    runner: CliRunner,
    tagged: tuple[Corpus, Path],
    db_path: Path,
    tmp_path: Path,
    column: str,
    value: str,
    message: str,
) -> None:
    corpus, book = tagged
    sheet, records = _coded_sheet(runner, db_path, tmp_path)
    records[4][column] = value
    _write_records(sheet, records)
    assert _evaluate_fails(runner, sheet, db_path, book, corpus).startswith(f"{sheet}:6: {message}")


def test_cli_evaluate_rejects_mixed_frames_and_repeated_rows(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, book = tagged
    sheet, records = _coded_sheet(runner, db_path, tmp_path)
    _write_records(sheet, [*records[:3], {**records[3], "frame": "empowerment"}, *records[4:]])
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert (
        error
        == f"{sheet}:5: frame 'empowerment' differs from 'devolution' on earlier rows (a coding sheet codes one frame)"
    )
    matched = [r for r in records if r["stratum"] == "matched"]
    _write_records(sheet, [*records, matched[0]])  # a row pasted twice: 4 rows from a sample of 3
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error.startswith(f"{sheet}:11: id {matched[0]['id']!r} is also on {sheet}:")
    _write_records(sheet, [*records, {**matched[0], "id": "another"}])  # the same, under a new id
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error.startswith(f"{sheet}:11: stratum_sample 3 is less than the 4 matched rows")


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


def test_cli_evaluate_rejects_a_repeated_sentence_and_rows_of_two_sheets(
    runner: CliRunner, tagged: tuple[Corpus, Path], db_path: Path, tmp_path: Path
) -> None:
    corpus, book = tagged
    sheet, records = _coded_sheet(runner, db_path, tmp_path)
    last = len(records) + 1  # the file line of the last row
    _write_records(sheet, [*records[:-1], {**records[-1], "id": records[0]["id"]}])
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error == f"{sheet}:{last}: id {records[0]['id']!r} is also on {sheet}:2 (a row repeated?)"
    _write_records(sheet, [*records[:-1], {**records[-1], "codebook_hash": "f" * 64}])
    error = _evaluate_fails(runner, sheet, db_path, book, corpus)
    assert error.startswith(f"{sheet}:{last}: codebook_hash ffffffffffff differs from ")
