"""The table, kwic, keyness and report commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SMALL_CORPUS, TEST_CODEBOOK_HASH, TEST_FRAMES, store_tagged
from policytext.cli import main
from policytext.store.corpus import Corpus


@pytest.fixture
def tagged_db(db_path: Path) -> Path:
    with Corpus.open(db_path) as corpus:
        store_tagged(corpus, SMALL_CORPUS)
    return db_path


def invoke(runner: CliRunner, *args: str) -> object:
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_cli_table_json_shape(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(runner, "table", "--db", str(tagged_db), "--by", "speaker,year", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 6
    for record in rows:
        assert {"speaker", "year", "tokens", "documents"} <= set(record)
        for frame in TEST_FRAMES:
            assert {f"{frame}_count", f"{frame}_sentences", f"{frame}_per_10k"} <= set(record)
    blair_1998 = next(r for r in rows if r["speaker"] == "Tony Blair" and r["year"] == 1998)
    assert blair_1998["empowerment_count"] == 3 and blair_1998["empowerment_per_10k"] == 750.0
    manifest_line = result.stderr.strip().splitlines()[-1]
    assert manifest_line.startswith("manifest: ")
    manifest = json.loads(manifest_line.removeprefix("manifest: "))
    assert manifest["command"] == "policytext table --by speaker,year --format json"
    assert manifest["codebook_hash"] == TEST_CODEBOOK_HASH


def test_cli_table_out_writes_file_and_manifest(runner: CliRunner, tagged_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables" / "party.tex"
    result = invoke(
        runner,
        "table",
        "--db",
        str(tagged_db),
        "--by",
        "party",
        "--frames",
        "empowerment",
        "--format",
        "latex",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "% command: policytext table --by party --frames empowerment --format latex --out" in text
    # LaTeX is compact by default (one "rate [low, high]" cell per frame); --columns all keeps all.
    assert "empowerment\\_per\\_10k" not in text and "empowerment" in text
    assert json.loads((out.parent / "party.tex.manifest.json").read_text())["parameters"]["by"] == "party"
    full = tmp_path / "tables" / "party-all.tex"
    args = ["table", "--db", str(tagged_db), "--by", "party", "--frames", "empowerment"]
    result = invoke(runner, *args, "--format", "latex", "--columns", "all", "--out", str(full))
    assert result.exit_code == 0, result.stderr
    assert "empowerment\\_per\\_10k" in full.read_text(encoding="utf-8")


def test_cli_manifest_command_keeps_zero_and_flags(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(
        runner,
        "table",
        "--db",
        str(tagged_db),
        "--bootstrap",
        "0",
        "--include-negated",
        "--speaker",
        "Tony Blair",
        "--speaker",
        "David Cameron",
        "--format",
        "json",
    )
    manifest = json.loads(result.stderr.strip().splitlines()[-1].removeprefix("manifest: "))
    assert manifest["command"] == (
        "policytext table --speaker 'Tony Blair' --speaker 'David Cameron' --bootstrap 0 "
        "--include-negated --format json"
    )
    assert manifest["parameters"]["bootstrap"] == 0


def test_cli_table_filters(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(
        runner,
        "table",
        "--db",
        str(tagged_db),
        "--by",
        "year",
        "--speaker",
        "David Cameron",
        "--since",
        "2011",
        "--format",
        "json",
        "--bootstrap",
        "0",
    )
    assert [r["year"] for r in json.loads(result.stdout)] == [2011, 2012]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["table", "--by", "colour"], "Error: by: cannot group by 'colour'"),
        (
            ["table", "--frames", "empowerment,nonsense"],
            "Error: frames: 'nonsense' not in the codebook",
        ),
        (["table", "--since", "1997-13"], "Error: since"),
        (["kwic"], "Error: kwic: give a TERM or --frame F"),
        (
            ["kwic", "power", "--frame", "empowerment"],
            "Error: kwic: give a TERM or --frame F, not both",
        ),
        (
            ["keyness", "--by", "speaker", "--target", "Nobody"],
            "Error: target: no tagged documents",
        ),
    ],
)
def test_cli_bad_input_one_line_error(
    runner: CliRunner, tagged_db: Path, args: list[str], message: str
) -> None:
    result = invoke(runner, *args, "--db", str(tagged_db))
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_missing_database(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, "table", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "no corpus database here" in result.stderr


def test_cli_untagged_database(runner: CliRunner, db_path: Path) -> None:
    Corpus.open(db_path).close()
    result = invoke(runner, "table", "--db", str(db_path))
    assert result.exit_code == 1
    assert "no tagged documents; run 'policytext tag' first" in result.stderr


def test_cli_kwic_json_and_txt(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(runner, "kwic", "--db", str(tagged_db), "--frame", "devolution", "--format", "json")
    assert result.exit_code == 0, result.stderr
    lines = json.loads(result.stdout)
    assert len(lines) == 3
    for line in lines:
        assert {
            "doc_id",
            "left",
            "match",
            "right",
            "speaker",
            "party",
            "date",
            "title",
            "doc_type",
        } <= set(line)
    assert {line["match"] for line in lines} == {"devolve"}
    text = invoke(runner, "kwic", "--db", str(tagged_db), "big society", "--window", "2")
    assert text.exit_code == 0
    assert text.stdout.count("[Big Society]") == 2
    assert "2 lines" in text.stderr


def test_cli_kwic_csv_out(runner: CliRunner, tagged_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "kwic.csv"
    result = invoke(runner, "kwic", "--db", str(tagged_db), "empower*", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("# policytext run manifest")
    assert (tmp_path / "kwic.csv.manifest.json").is_file()


def test_cli_keyness(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(
        runner,
        "keyness",
        "--db",
        str(tagged_db),
        "--by",
        "speaker",
        "--target",
        "David Cameron",
        "--reference",
        "Tony Blair",
        "--min-freq",
        "1",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["item"] == "civil_society" and rows[0]["direction"] == "over"
    assert {"g2", "log_ratio", "p", "p_adjusted"} <= set(rows[0])
    words = invoke(
        runner,
        "keyness",
        "--db",
        str(tagged_db),
        "--by",
        "year",
        "--target",
        "2010",
        "--unit",
        "phrase",
        "--min-freq",
        "2",
    )
    assert words.exit_code == 0
    assert "| big society |" in words.stdout


def test_cli_report(runner: CliRunner, tagged_db: Path, tmp_path: Path) -> None:
    result = invoke(
        runner,
        "report",
        "--db",
        str(tagged_db),
        "--out",
        str(tmp_path / "rep"),
        "--bootstrap",
        "20",
    )
    assert result.exit_code == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == tmp_path / "rep" / "index.html" and path.is_file()
    default = invoke(runner, "report", "--db", str(tagged_db), "--bootstrap", "0")
    assert Path(default.stdout.strip()) == tagged_db.parent / "report" / "index.html"


def test_cli_run_prints_report_path(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(runner, "run", "--db", str(tagged_db), "--offline", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert f"report: {tagged_db.parent / 'report' / 'index.html'}" in result.stderr


@pytest.mark.parametrize("command", ["table", "kwic", "keyness", "report"])
def test_cli_help_ends_with_example(runner: CliRunner, command: str) -> None:
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"policytext {command}" in result.stdout.split("Example:")[1]


@pytest.mark.parametrize(
    "args",
    [
        ["table", "--seed", "-1"],
        ["report", "--seed", "-1"],
        ["topics", "--seed", "-1"],
        ["topics", "--choose-k", "2,3", "--seed", "-3"],
    ],
)
def test_cli_negative_seed_is_a_usage_error(
    runner: CliRunner, tagged_db: Path, tmp_path: Path, args: list[str]
) -> None:
    # Regression: a negative seed was accepted and crashed later inside numpy.
    result = invoke(runner, *args, "--db", str(tagged_db))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("Error: ")
    assert "'--seed'" in result.stderr and ("-1" in result.stderr or "-3" in result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [("--passage-size", "0"), ("--bootstrap", "-1"), ("--smooth", "0")],
)
def test_cli_topics_out_of_range_counts_are_usage_errors(
    runner: CliRunner, tagged_db: Path, option: str, value: str
) -> None:
    result = invoke(runner, "topics", option, value, "--db", str(tagged_db))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("Error: ")
    assert f"topics: Invalid value for '{option}'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_keyness_all_tokens(runner: CliRunner, db_path: Path) -> None:
    from policytext.store.corpus import Document

    with Corpus.open(db_path) as corpus:
        corpus.add(Document(id="a", speaker="David Cameron", date="2010", text="We’ve won in 2010. " * 5))
        corpus.add(Document(id="b", speaker="Tony Blair", date="1999", text="The weather was fine. " * 5))
    args = ["keyness", "--by", "speaker", "--target", "David Cameron", "--unit", "word"]
    words = invoke(runner, *args, "--format", "json", "--db", str(db_path))
    assert words.exit_code == 0, words.stderr
    # Stop words ("we") are left out by default, like clitics and numbers.
    assert {r["item"] for r in json.loads(words.stdout)} == {"won", "weather", "fine"}
    every = invoke(runner, *args, "--all-tokens", "--no-stopwords", "--format", "json", "--db", str(db_path))
    assert {"we", "’ve", "2010", "the", "was"} <= {r["item"] for r in json.loads(every.stdout)}
    with_stop = invoke(runner, *args, "--no-stopwords", "--format", "json", "--db", str(db_path))
    items = {r["item"] for r in json.loads(with_stop.stdout)}
    assert {"we", "won", "the"} <= items and not {"’ve", "2010"} & items


def test_cli_keyness_and_kwic_manifests_record_their_options(
    runner: CliRunner, tagged_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "key.csv"
    args = ["keyness", "--by", "speaker", "--target", "David Cameron", "--unit", "word"]
    result = invoke(
        runner,
        *args,
        "--min-freq",
        "2",
        "--correction",
        "holm",
        "--format",
        "csv",
        "--out",
        str(out),
        "--db",
        str(tagged_db),
    )
    assert result.exit_code == 0, result.stderr
    parameters = json.loads((tmp_path / "key.csv.manifest.json").read_text())["parameters"]
    assert parameters["by"] == "speaker" and parameters["target"] == "David Cameron"
    assert parameters["unit"] == "word" and parameters["min_freq"] == 2
    assert parameters["correction"] == "holm" and parameters["words_only"] is True
    kwic_out = tmp_path / "kwic.json"
    result = invoke(
        runner,
        "kwic",
        "--frame",
        "devolution",
        "--window",
        "4",
        "--format",
        "json",
        "--out",
        str(kwic_out),
        "--db",
        str(tagged_db),
    )
    assert result.exit_code == 0, result.stderr
    parameters = json.loads((tmp_path / "kwic.json.manifest.json").read_text())["parameters"]
    assert parameters["frame"] == "devolution" and parameters["window"] == 4


def test_cli_table_caption_says_whether_there_are_intervals(runner: CliRunner, tagged_db: Path) -> None:
    none = invoke(runner, "table", "--bootstrap", "0", "--format", "csv", "--db", str(tagged_db))
    assert none.exit_code == 0, none.stderr
    assert "# Frame frequencies by corpus;" in none.stdout and "no intervals (--bootstrap 0)" in none.stdout
    assert "95% bootstrap" not in none.stdout
    some = invoke(
        runner, "table", "--bootstrap", "50", "--seed", "3", "--format", "csv", "--db", str(tagged_db)
    )
    assert "95% bootstrap over documents (50 resamples, seed 3)" in some.stdout


def test_cli_table_terms_equal_kwic_lines_per_year(runner: CliRunner, tagged_db: Path) -> None:
    result = invoke(
        runner,
        "table",
        "--db",
        str(tagged_db),
        "--terms",
        "empower,big society",
        "--by",
        "year",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    rows = [r for r in json.loads(result.stdout) if r["year"] is not None]
    assert {"empower_count", "empower_per_10k", "big_society_count", "big_society_per_10k_low"} <= set(
        rows[0]
    )
    assert not any(k.startswith("empowerment_") for k in rows[0])  # terms alone: no frame columns
    for term, slug in (("empower", "empower"), ("big society", "big_society")):
        lines = invoke(runner, "kwic", term, "--db", str(tagged_db), "--format", "json")
        per_year: dict[int, int] = {}
        for line in json.loads(lines.stdout):
            per_year[line["year"]] = per_year.get(line["year"], 0) + 1
        assert {r["year"]: r[f"{slug}_count"] for r in rows if r[f"{slug}_count"]} == per_year
    assert sum(r["empower_count"] for r in rows) == 6
    manifest = json.loads(result.stderr.strip().splitlines()[-1].removeprefix("manifest: "))
    assert manifest["parameters"]["terms"] == ["empower", "big society"]
    both = invoke(
        runner,
        "table",
        "--db",
        str(tagged_db),
        "--terms",
        "big society",
        "--frames",
        "civil_society",
        "--format",
        "csv",
    )
    assert both.exit_code == 0, both.stderr
    assert "Frame and term frequencies" in both.stdout and "civil_society_count" in both.stdout
    assert "big_society_count" in both.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["table", "--speaker", "Davd Cameron"],
            "Error: speaker: no document has 'Davd Cameron'; closest: 'David Cameron'",
        ),
        (
            ["kwic", "empower", "--government", "Coalition"],
            "Error: government: no document has 'Coalition'",
        ),
        (
            ["keyness", "--by", "speaker", "--target", "Tony Blair", "--doc-type", "speeches"],
            "closest: 'speech'",
        ),
    ],
)
def test_cli_filter_value_matching_nothing_exits_1(
    runner: CliRunner, tagged_db: Path, args: list[str], message: str
) -> None:
    result = invoke(runner, *args, "--db", str(tagged_db))
    assert result.exit_code == 1
    assert message in result.stderr and result.stdout == ""


def test_cli_keyness_direction_and_help_says_the_order(runner: CliRunner, tagged_db: Path) -> None:
    args = ["keyness", "--by", "speaker", "--target", "David Cameron", "--unit", "word", "--min-freq", "1"]
    over = invoke(runner, *args, "--direction", "over", "--format", "json", "--db", str(tagged_db))
    assert over.exit_code == 0, over.stderr
    assert {r["direction"] for r in json.loads(over.stdout)} == {"over"}
    manifest = json.loads(over.stderr.strip().splitlines()[-1].removeprefix("manifest: "))
    assert manifest["parameters"]["direction"] == "over" and manifest["parameters"]["stopwords"] is True
    text = " ".join(invoke(runner, "keyness", "--help").stdout.split())
    assert "largest G2 first; then items it uses less ('under'), smallest G2 first" in text
    assert "--no-stopwords" in text and "--direction [over|under|both]" in text


def test_cli_kwic_text_prints_nothing_for_missing_metadata(runner: CliRunner, db_path: Path) -> None:
    # Regression: a document without a speaker or date printed "a nan nan".
    from policytext.store.corpus import Document

    with Corpus.open(db_path) as corpus:
        corpus.add(Document(text="The big society is here.", id="a"))
        corpus.add(Document(text="The big society is there.", id="b", speaker="David Cameron", date="2010"))
    result = invoke(runner, "kwic", "big society", "--db", str(db_path))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("b David Cameron 2010 ") and lines[1].split()[:2] == ["a", "The"]
    assert "nan" not in result.stdout and "None" not in result.stdout
    csv_lines = invoke(runner, "kwic", "big society", "--format", "csv", "--db", str(db_path)).stdout
    assert "nan" not in csv_lines and "\na,The,big society,is here.,,,,," in csv_lines


def test_cli_table_codebook_picks_one_codebooks_tags(runner: CliRunner, tmp_path: Path) -> None:
    # Issue 15: after tagging with the default codebook and then a second one,
    # `table --codebook policytext-default` is unchanged and `--codebook <second>` holds its frame.
    db = str(tmp_path / "c.db")
    texts = tmp_path / "speeches.jsonl"
    texts.write_text(
        json.dumps({"id": "a", "text": "We will devolve power to local councils. The big society is here."})
        + "\n"
        + json.dumps({"id": "b", "text": "Empower communities and build the big society together."})
        + "\n",
        encoding="utf-8",
    )
    second = tmp_path / "bigsoc.toml"
    second.write_text(
        '[codebook]\nname = "bigsoc"\nversion = "1"\n\n'
        '[[frames]]\nid = "big_society"\nlabel = "Big Society"\n\n'
        '[[patterns]]\nid = "bs"\nframe = "big_society"\nphrase = "=big society"\n',
        encoding="utf-8",
    )
    assert invoke(runner, "import", str(texts), "--db", db, "--quiet").exit_code == 0
    assert invoke(runner, "tag", "--db", db, "--quiet").exit_code == 0
    args = ["table", "--db", db, "--format", "json", "--bootstrap", "0"]
    before = json.loads(invoke(runner, *args, "--codebook", "policytext-default").stdout)
    assert invoke(runner, "tag", "--codebook", str(second), "--db", db, "--quiet").exit_code == 0
    after = json.loads(invoke(runner, *args, "--codebook", "policytext-default").stdout)
    assert after == before and "devolution_count" in after[0]
    other = json.loads(invoke(runner, *args, "--codebook", "bigsoc").stdout)
    assert other[0]["big_society_count"] == 2 and "devolution_count" not in other[0]
    kwic = invoke(
        runner, "kwic", "--frame", "big_society", "--codebook", "bigsoc", "--db", db, "--format", "json"
    )
    assert len(json.loads(kwic.stdout)) == 2
