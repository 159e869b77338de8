"""The supervised complement: fitting, predicting, combining, storing with a hash, the train command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from _frame_model import FRAMES_AND_PATTERNS, NEGATIVE, POSITIVE
from policytext.cli import main
from policytext.errors import PolicytextError
from policytext.training import (
    FrameModel,
    combine,
    load_model,
    predict_frames,
    save_model,
    train_model,
)

CODEBOOK = FRAMES_AND_PATTERNS


@pytest.fixture
def gold(tmp_path: Path) -> tuple[Path, Path]:
    book = tmp_path / "cb.toml"
    book.write_text(CODEBOOK, encoding="utf-8")
    records = [{"id": f"p{i}", "text": t, "labels": ["devolution"]} for i, t in enumerate(POSITIVE)]
    records += [{"id": f"n{i}", "text": t, "labels": []} for i, t in enumerate(NEGATIVE)]
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return book, path


def test_train_fits_frames_with_enough_positives_and_predicts(gold: tuple[Path, Path]) -> None:
    book, path = gold
    model = train_model([path], book, stacked=False)
    assert sorted(model.classifiers) == ["devolution"]  # targeting has no positives
    predicted = predict_frames(model, ["Town halls get their own budgets.", "The weather was mild."])
    assert predicted == [frozenset({"devolution"}), frozenset()]


def test_stacked_model_uses_codebook_hits(gold: tuple[Path, Path]) -> None:
    book, path = gold
    model = train_model([path], book, stacked=True)
    assert model.stacked
    assert predict_frames(model, ["Town halls get their own budgets."], hits=[frozenset()]) == [
        frozenset({"devolution"})
    ]


def test_train_without_positives_is_an_error(tmp_path: Path, gold: tuple[Path, Path]) -> None:
    book, _ = gold
    empty = tmp_path / "none.jsonl"
    empty.write_text(json.dumps({"id": "1", "text": "Nothing here.", "labels": []}) + "\n", encoding="utf-8")
    with pytest.raises(PolicytextError, match="no frame has 3 or more positive sentences"):
        train_model([empty], book)
    with pytest.raises(PolicytextError, match="at least one --gold"):
        train_model([], book)


def test_combine_modes() -> None:
    book, model = [frozenset({"a"}), frozenset()], [frozenset({"b"}), frozenset({"a"})]
    assert combine(book, model, "codebook") == book
    assert combine(book, model, "model") == model
    assert combine(book, model, "union") == [frozenset({"a", "b"}), frozenset({"a"})]
    with pytest.raises(PolicytextError, match="mode 'both'"):
        combine(book, model, "both")


def test_save_and_load_check_the_hash(gold: tuple[Path, Path], tmp_path: Path) -> None:
    book, path = gold
    model = train_model([path], book, stacked=False)
    saved = save_model(model, "frames", tmp_path / "models")
    meta = json.loads(saved.with_suffix(".json").read_text(encoding="utf-8"))
    loaded, digest = load_model("frames", tmp_path / "models")
    assert isinstance(loaded, FrameModel) and digest == meta["hash"]
    assert meta["frames"] == ["devolution"] and meta["codebook_hash"] == model.codebook_hash
    saved.write_bytes(saved.read_bytes() + b"x")
    with pytest.raises(PolicytextError, match="differs from"):
        load_model(saved)
    with pytest.raises(PolicytextError, match="no such model"):
        load_model("missing", tmp_path / "models")
    junk = tmp_path / "junk.model"
    junk.write_bytes(b"not a pickle")
    with pytest.raises(PolicytextError, match="not a policytext model"):
        load_model(junk)
    with pytest.raises(PolicytextError, match="plain file name"):
        save_model(model, "../up", tmp_path)


def test_cli_train_writes_model_beside_db(runner: CliRunner, gold: tuple[Path, Path], tmp_path: Path) -> None:
    book, path = gold
    db = tmp_path / "corpus" / "policytext.db"
    half = tmp_path / "half.jsonl"  # "--gold A B": more files may follow the option
    lines = path.read_text(encoding="utf-8").splitlines()
    half.write_text("\n".join(line.replace('"id": "', '"id": "h') for line in lines) + "\n", encoding="utf-8")
    args = ["train", "--gold", str(path), str(half), "--codebook", str(book), "--plain", "--out", "mine"]
    result = runner.invoke(main, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "corpus" / "models" / "mine.model").exists()
    assert "1 frames" in result.output
    meta = json.loads((tmp_path / "corpus" / "models" / "mine.json").read_text(encoding="utf-8"))
    assert meta["gold"] == [str(path), str(half)] and meta["sentences"] == 2 * len(lines)


def test_model_matches_adds_sentences_the_codebook_missed(gold: tuple[Path, Path]) -> None:
    from policytext.codebook import load_codebook
    from policytext.rhetoric import build_pipeline
    from policytext.tagging import tag_text
    from policytext.training import model_matches, sentence_spans

    book, path = gold
    model = train_model([path], book, stacked=False)
    nlp = build_pipeline(load_codebook(book))
    text = "Localism is here. Town halls get their own budgets. The weather was mild."
    matches, _, _ = tag_text(nlp, text)
    spans = sentence_spans(nlp, text)
    assert [text[s:e] for s, e in spans][1] == "Town halls get their own budgets."
    union = model_matches(text, matches, spans, model, model_id="model:t@abc")
    assert [(m.sentence, m.frame, m.pattern_id) for m in union] == [
        (0, "devolution", "dev-localism"),
        (1, "devolution", "model:t@abc"),
    ]
    assert union[1].text == "Town halls get their own budgets." and not union[1].negated
    only_model = model_matches(text, matches, spans, model, model_id="model:t@abc", mode="model")
    assert [(m.sentence, m.frame, m.pattern_id) for m in only_model] == [(1, "devolution", "model:t@abc")]
    assert model_matches(text, matches, spans, model, model_id="x", mode="codebook") == matches


def _split_gold(path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The gold file cut in two files, each with positives and negatives."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[0::2]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[1::2]) + "\n", encoding="utf-8")
    return first, second


def test_cross_validate_by_file_predicts_each_file_from_the_others(
    gold: tuple[Path, Path], tmp_path: Path
) -> None:
    from policytext.training import cross_validate

    book, path = gold
    first, second = _split_gold(path, tmp_path)
    results = cross_validate([first, second], book, by_file=True)
    assert set(results) == {"codebook", "model", "union", "stacked"}
    # the codebook finds only the one "Localism" sentence of the five devolution sentences
    assert results["codebook"]["frames"]["devolution"]["recall"] == pytest.approx(0.2)
    # the text model, fitted on the other file, finds town halls' budgets in the held-out one
    assert results["model"]["frames"]["devolution"]["recall"] > 0.2
    assert (
        results["union"]["frames"]["devolution"]["recall"]
        >= results["model"]["frames"]["devolution"]["recall"]
    )
    with pytest.raises(PolicytextError, match="at least two --gold files"):
        cross_validate([path], book, by_file=True)


def test_cli_train_cv_by_file_prints_every_mode(
    runner: CliRunner, gold: tuple[Path, Path], tmp_path: Path
) -> None:
    book, path = gold
    first, second = _split_gold(path, tmp_path)
    db = tmp_path / "corpus" / "policytext.db"
    args = [
        "train",
        "--gold",
        str(first),
        str(second),
        "--codebook",
        str(book),
        "--cv-by-file",
        "--db",
        str(db),
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    for mode in ("codebook", "model", "union", "stacked"):
        assert f"## {mode}\n" in result.output
    other = tmp_path / "other" / "policytext.db"
    one = runner.invoke(
        main, ["train", "--gold", str(path), "--codebook", str(book), "--cv-by-file", "--db", str(other)]
    )
    assert one.exit_code != 0 and "at least two --gold files" in one.output
    assert not (tmp_path / "other" / "models" / "frames.model").exists()  # refused before fitting


def test_threshold_trades_recall_for_precision_and_is_stored(gold: tuple[Path, Path], tmp_path: Path) -> None:
    book, path = gold
    texts = ["Town halls get their own budgets.", "Town halls keep budgets.", "The weather was mild."]
    loose = train_model([path], book, stacked=False, threshold=0.5)
    strict = train_model([path], book, stacked=False, threshold=0.95)
    loose_hits = sum("devolution" in frames for frames in predict_frames(loose, texts))
    strict_hits = sum("devolution" in frames for frames in predict_frames(strict, texts))
    assert loose_hits >= 1 and strict_hits < loose_hits
    save_model(strict, "strict", tmp_path / "models")
    meta = json.loads((tmp_path / "models" / "strict.json").read_text(encoding="utf-8"))
    assert meta["threshold"] == 0.95
    assert load_model("strict", tmp_path / "models")[0].threshold == 0.95
    with pytest.raises(PolicytextError, match="between 0 and 1"):
        train_model([path], book, threshold=1.0)


def test_cli_train_threshold_is_checked(runner: CliRunner, gold: tuple[Path, Path], tmp_path: Path) -> None:
    book, path = gold
    db = tmp_path / "corpus" / "policytext.db"
    bad = runner.invoke(main, ["train", "--gold", str(path), "--codebook", str(book), "--threshold", "1.5",
                               "--db", str(db)])  # fmt: skip
    assert bad.exit_code != 0 and "--threshold" in bad.output
    assert not (tmp_path / "corpus" / "models").exists()
    good = runner.invoke(main, ["train", "--gold", str(path), "--codebook", str(book), "--threshold", "0.7",
                                "--db", str(db)])  # fmt: skip
    assert good.exit_code == 0, good.output
    meta = json.loads((tmp_path / "corpus" / "models" / "frames.json").read_text(encoding="utf-8"))
    assert meta["threshold"] == 0.7


def test_cli_train_never_writes_over_the_corpus_or_a_non_classifier_file(
    runner: CliRunner, gold: tuple[Path, Path], tmp_path: Path
) -> None:
    from policytext.store.corpus import Corpus, Document

    book, path = gold
    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        corpus.add(Document(id="d1", text="We will devolve power."))
    before = db.read_bytes()
    speech = tmp_path / "speech.txt"
    speech.write_text("A speech.", encoding="utf-8")
    base = ["train", "--gold", str(path), "--codebook", str(book), "--db", str(db)]
    for target, message in ((db, "is the corpus database"), (speech, "a classifier file is a .npz file")):
        result = runner.invoke(main, [*base, "--classifier", str(target)])
        assert result.exit_code == 1 and message in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert db.read_bytes() == before and speech.read_text(encoding="utf-8") == "A speech."


def test_cli_train_cv_needs_two_to_n_folds_before_writing_a_model(
    runner: CliRunner, gold: tuple[Path, Path], tmp_path: Path
) -> None:
    book, path = gold
    db = tmp_path / "corpus" / "policytext.db"
    base = ["train", "--gold", str(path), "--codebook", str(book), "--db", str(db)]
    one = runner.invoke(main, [*base, "--cv", "1"])
    assert one.exit_code == 2 and "--cv" in one.output
    many = runner.invoke(main, [*base, "--cv", "100000"])
    assert many.exit_code == 1 and "--cv 100000: more folds than the" in many.output
    assert "Traceback" not in many.output and not (tmp_path / "corpus" / "models").exists()
