"""`tag --model NAME --combine MODE`: tags from the codebook, a trained model or both, keyed apart."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from _frame_model import FRAMES_AND_PATTERNS, NEGATIVE, POSITIVE
from policytext.cli import main
from policytext.codebook import load_codebook
from policytext.errors import InputError, PolicytextError
from policytext.store.corpus import Corpus, Document
from policytext.store.tags import current_tagging
from policytext.tagging import tag_corpus
from policytext.training import (
    derived_codebook,
    model_tagging,
    models_folder,
    save_model,
    tagging_source,
    train_model,
)

CODEBOOK = '[codebook]\nname = "tiny"\nversion = "1"\n' + FRAMES_AND_PATTERNS
TOWN = "Town halls must keep their own budgets."
LOCAL = "Localism works."
FILL = "The weather was mild all week."


@pytest.fixture
def setup(corpus: Corpus, db_path: Path, tmp_path: Path) -> dict[str, Any]:
    """A corpus of 4 documents, the codebook file, and models 'frames' (stacked) and 'plain' beside the db."""
    book = tmp_path / "cb.toml"
    book.write_text(CODEBOOK, encoding="utf-8")
    records = [{"id": f"p{i}", "text": t, "labels": ["devolution"]} for i, t in enumerate(POSITIVE)]
    records += [{"id": f"n{i}", "text": t, "labels": []} for i, t in enumerate(NEGATIVE)]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    folder = models_folder(db_path)
    save_model(train_model([gold], book, stacked=True), "frames", folder)
    save_model(train_model([gold], book, stacked=False), "plain", folder)
    for i in range(4):
        corpus.add(Document(id=f"d{i}", text=f"{TOWN} {LOCAL} {FILL}", source="test", speaker="A Speaker"))
    return {"corpus": corpus, "book": book, "gold": gold, "folder": folder}


def _tag(runner: CliRunner, db_path: Path, *args: str) -> Any:
    return runner.invoke(main, ["tag", *args, "--quiet", "--db", str(db_path)])


def _kwic(runner: CliRunner, db_path: Path, codebook: str) -> list[dict[str, Any]]:
    args = ["kwic", "--frame", "devolution", "--format", "json", "--codebook", codebook]
    result = runner.invoke(main, [*args, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    lines: list[dict[str, Any]] = json.loads(result.stdout)
    return lines


def test_tag_model_union_is_keyed_apart_and_records_its_source(
    runner: CliRunner, setup: dict[str, Any], db_path: Path
) -> None:
    book = str(setup["book"])
    plain = _tag(runner, db_path, "--codebook", book)
    assert plain.exit_code == 0, plain.output
    union = _tag(runner, db_path, "--codebook", book, "--model", "frames")
    assert union.exit_code == 0, union.output
    assert "union of codebook tiny" in union.stderr
    assert "--codebook tiny+frames" in union.stderr
    codebook_lines = _kwic(runner, db_path, "tiny")
    assert {line["pattern_id"] for line in codebook_lines} == {"dev-localism"}
    union_lines = _kwic(runner, db_path, "tiny+frames")
    sha = json.loads((setup["folder"] / "frames.json").read_text(encoding="utf-8"))["hash"]
    assert {line["pattern_id"] for line in union_lines} == {"dev-localism", f"model:frames@{sha[:12]}"}
    model_lines = [line for line in union_lines if line["pattern_id"].startswith("model:")]
    assert len(model_lines) == 4 and all(line["match"] == TOWN for line in model_lines)
    # The derived codebook records what it combines: base codebook, model name and full sha256.
    tagging = current_tagging(setup["corpus"], "tiny+frames")
    assert tagging is not None
    source = tagging_source(tagging.codebook)
    base = load_codebook(setup["book"])
    assert source == {"base_codebook": base.hash, "base_name": "tiny", "model": "frames",
                      "model_sha256": sha, "combine": "union"}  # fmt: skip
    assert tagging.codebook.hash == tagging.codebook_hash
    assert tagging_source(base) is None
    # Tables count the model's tags like codebook tags.
    table = runner.invoke(
        main,
        ["table", "--by", "speaker", "--format", "json", "--codebook", "tiny+frames", "--db", str(db_path)],
    )
    assert table.exit_code == 0, table.output
    assert json.loads(table.stdout)[0]["devolution_count"] == 8
    assert json.loads(table.stdout)[0]["devolution_sentences"] == 8
    only_codebook = runner.invoke(
        main, ["table", "--by", "speaker", "--format", "json", "--codebook", "tiny", "--db", str(db_path)]
    )
    assert json.loads(only_codebook.stdout)[0]["devolution_count"] == 4


def test_tag_model_modes(runner: CliRunner, setup: dict[str, Any], db_path: Path) -> None:
    book = str(setup["book"])
    result = _tag(runner, db_path, "--codebook", book, "--model", "plain", "--combine", "model")
    assert result.exit_code == 0, result.output
    lines = _kwic(runner, db_path, "tiny+plain:model")
    assert lines and all(line["pattern_id"].startswith("model:plain@") for line in lines)
    assert all(line["match"] in (TOWN, LOCAL) for line in lines)
    result = _tag(runner, db_path, "--codebook", book, "--model", "frames", "--combine", "stacked")
    assert result.exit_code == 0, result.output
    assert all(
        line["pattern_id"].startswith("model:frames@")
        for line in _kwic(runner, db_path, "tiny+frames:stacked")
    )
    # --combine codebook: the codebook's own tags, under the codebook's own key.
    result = _tag(runner, db_path, "--codebook", book, "--model", "frames", "--combine", "codebook")
    assert result.exit_code == 0, result.output
    assert {line["pattern_id"] for line in _kwic(runner, db_path, "tiny")} == {"dev-localism"}


def test_tag_model_errors_are_one_line(
    runner: CliRunner, setup: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    book = str(setup["book"])
    other = tmp_path / "other.toml"
    other.write_text(CODEBOOK.replace('phrase = "the poorest"', 'phrase = "the neediest"'), encoding="utf-8")
    cases = {
        ("--codebook", str(other), "--model", "frames"): "--model frames: trained with codebook [",
        ("--codebook", book, "--model", "plain", "--combine", "stacked"): "trained --plain",
        ("--codebook", book, "--combine", "union"): "--combine union: needs --model NAME",
        ("--codebook", book, "--model", "nope"): "no such model",
        (
            "--codebook",
            book,
            "--pipeline",
            "no_such_pipeline_xyz",
        ): "--pipeline: 'no_such_pipeline_xyz' is not",
    }
    for args, message in cases.items():
        result = _tag(runner, db_path, *args)
        assert result.exit_code == 1, (args, result.output)
        assert result.output.startswith("Error: ") and message in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert current_tagging(setup["corpus"]) is None  # nothing was tagged by a failed run


def test_altered_model_file_is_refused(setup: dict[str, Any]) -> None:
    path = setup["folder"] / "frames.model"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(PolicytextError, match=r"frames.model: sha256 .* differs from"):
        model_tagging("frames", load_codebook(setup["book"]), folder=setup["folder"])


def test_pipeline_option_and_old_model_spelling(
    runner: CliRunner, setup: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    import spacy

    folder = tmp_path / "blank_pipeline"
    spacy.blank("en").to_disk(folder)
    result = _tag(runner, db_path, "--codebook", str(setup["book"]), "--pipeline", str(folder))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert "tagged 4 documents" in result.stderr
    again = tmp_path / "other.toml"
    again.write_text(CODEBOOK.replace('name = "tiny"', 'name = "tiny2"'), encoding="utf-8")
    old = _tag(runner, db_path, "--codebook", str(again), "--model", str(folder))
    assert old.exit_code == 0, old.output
    assert f"warning: --model {folder} is a spaCy pipeline; spell it --pipeline {folder}" in old.stderr
    assert "tagged 4 documents" in old.stderr


def test_library_tag_corpus_with_model_in_workers_matches_one_process(setup: dict[str, Any]) -> None:
    corpus, book = setup["corpus"], load_codebook(setup["book"])
    summary = tag_corpus(corpus, book, model="frames", models_dir=setup["folder"], workers=2, batch_docs=1)
    assert summary.documents == 4 and summary.codebook_name == "tiny+frames"
    assert "union of codebook tiny" in str(summary)
    key = derived_codebook(
        book, "frames", model_tagging("frames", book, folder=setup["folder"]).sha256, "union"
    )
    assert summary.codebook_hash == key.hash
    with pytest.raises(InputError, match="--combine model: needs --model"):
        tag_corpus(corpus, book, combine="model")


def test_sample_and_estimates_for_a_model_tagging(
    runner: CliRunner, setup: dict[str, Any], db_path: Path, tmp_path: Path
) -> None:
    result = _tag(runner, db_path, "--codebook", str(setup["book"]), "--model", "frames")
    assert result.exit_code == 0, result.output
    out = tmp_path / "sheet"
    args = ["sample", "--frame", "devolution", "--n", "4", "--unmatched", "2", "--codebook", "tiny+frames"]
    result = runner.invoke(main, [*args, "--out", str(out), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    sheet = out.with_suffix(".csv")
    with sheet.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert {r["text"] for r in records if r["stratum"] == "matched"} <= {TOWN, LOCAL}
    for record in records:
        record["label"] = "1" if record["text"] in (TOWN, LOCAL) else "0"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    result = runner.invoke(main, ["evaluate", "--gold", str(sheet), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    table = runner.invoke(
        main,
        ["table", "--by", "speaker", "--format", "csv", "--codebook", "tiny+frames", "--db", str(db_path)],
    )
    assert "# corpus_estimate: devolution: precision 1.00 [" in table.stdout
    assert "# codebook: tiny+frames version 1" in table.stdout
    sha = json.loads((setup["folder"] / "frames.json").read_text(encoding="utf-8"))["hash"]
    base = load_codebook(setup["book"]).hash
    assert f"# tags: union of codebook tiny [{base[:12]}] and model frames sha256 {sha}\n" in table.stdout


def test_shared_features_predict_as_each_frame_pipeline_does(setup: dict[str, Any], tmp_path: Path) -> None:
    from policytext.training import predict_frames

    gold = setup["gold"]
    book = tmp_path / "two.toml"
    book.write_text(CODEBOOK, encoding="utf-8")
    records = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    for record in records[:3] + records[-3:]:  # a second frame, so two pipelines share features
        record["labels"] = [*record["labels"], "targeting"]
    two = tmp_path / "two.jsonl"
    two.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    model = train_model([two], book, stacked=True)
    assert sorted(model.classifiers) == ["devolution", "targeting"]
    before = save_model(model, "before", tmp_path / "m").read_bytes()
    texts = [TOWN, LOCAL, FILL, *POSITIVE, *NEGATIVE]
    hits = [frozenset({"devolution"}) if "ocalism" in t else frozenset() for t in texts]
    shared = predict_frames(model, texts, hits=hits)
    assert model.__dict__["_shared"][0] is not None  # the shared path was taken
    model.__dict__["_shared"] = (None,)  # force one feature step per frame
    assert predict_frames(model, texts, hits=hits) == shared
    # The cache is not part of the saved model: same bytes, same sha256.
    assert save_model(model, "after", tmp_path / "m").read_bytes() == before


def test_library_model_argument_naming_a_spacy_pipeline_warns(
    setup: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    import spacy

    folder = tmp_path / "blank_pipeline"
    spacy.blank("en").to_disk(folder)
    with caplog.at_level(logging.WARNING, logger="policytext.tagging"):
        summary = tag_corpus(setup["corpus"], load_codebook(setup["book"]), model=str(folder))
    assert summary.codebook_name == "tiny" and summary.documents == 4
    assert f"--model {folder} is a spaCy pipeline: spell it --pipeline" in caplog.text


def test_model_given_as_a_path(runner: CliRunner, setup: dict[str, Any], db_path: Path) -> None:
    path = setup["folder"] / "frames.model"
    result = _tag(runner, db_path, "--codebook", str(setup["book"]), "--model", str(path))
    assert result.exit_code == 0, result.output
    assert "--codebook tiny+frames" in result.stderr
