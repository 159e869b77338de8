"""Scores against hand-computed values, gold-file errors, kappa, the evaluate and codebook commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policytext.cli import main
from policytext.codebook import load_codebook
from policytext.errors import GoldFileError
from policytext.evaluate import (
    agreement,
    evaluate_codebook,
    latest_evaluation,
    read_gold,
    score_labels,
)
from policytext.store.corpus import Corpus

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

# Written for these tests (not from any gold set).
GOLD = [
    {"id": "1", "text": "Localism is our creed.", "labels": ["devolution"]},
    {"id": "2", "text": "We empower people through localism.", "labels": ["devolution"]},
    {"id": "3", "text": "Communities should run things.", "labels": ["empowerment"]},
    {"id": "4", "text": "The weather is nice.", "labels": []},
]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    codebook = tmp_path / "cb.toml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    return codebook, write_jsonl(tmp_path / "gold.jsonl", GOLD)


def test_evaluate_score_labels_matches_hand_computation() -> None:
    gold = [{"a"}, {"a", "b"}, set(), {"b"}, {"a"}]
    predicted = [{"a"}, {"a"}, {"b"}, {"b"}, set()]
    scores = score_labels(gold, predicted, frames=["a", "b"])
    a, b = scores["frames"]["a"], scores["frames"]["b"]
    assert (a["precision"], a["recall"], a["f1"], a["support"]) == (
        1.0,
        pytest.approx(2 / 3),
        pytest.approx(0.8),
        3,
    )
    assert (b["precision"], b["recall"], b["f1"], b["support"]) == (0.5, 0.5, 0.5, 2)
    micro = scores["micro"]
    assert (micro["precision"], micro["recall"], micro["f1"]) == (0.75, 0.6, pytest.approx(2 / 3))
    macro = scores["macro"]
    assert macro["precision"] == pytest.approx(0.75)
    assert macro["recall"] == pytest.approx((2 / 3 + 0.5) / 2)
    assert macro["f1"] == pytest.approx(0.65)
    assert scores["sentences"] == 5


def test_evaluate_zero_denominators_are_zero() -> None:
    scores = score_labels([set()], [set()], frames=["a"])
    assert scores["frames"]["a"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


def test_evaluate_codebook_on_gold(files: tuple[Path, Path]) -> None:
    codebook, gold = files
    evaluation = evaluate_codebook(gold, codebook)
    frames = evaluation.scores["frames"]
    # devolution: found in 1 and 2 (both gold) -> P 1, R 1; empowerment: found in 2 (not gold), missed 3.
    assert frames["devolution"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert frames["empowerment"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert evaluation.scores["micro"]["precision"] == pytest.approx(2 / 3)
    assert evaluation.scores["micro"]["recall"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"id": "1", "text": "x", "labels": []}\nnot json\n', ":2: invalid JSON"),
        ('{"id": "1", "labels": []}\n', ":1: 'text' must be a non-empty string"),
        ('{"id": "1", "text": "x", "labels": "devolution"}\n', ":1: 'labels' must be a list"),
        (
            '{"id": "1", "text": "x", "labels": ["localism"]}\n',
            ":1: label 'localism' is not a frame",
        ),
        (
            '{"id": "1", "text": "x", "labels": []}\n{"id": "1", "text": "y", "labels": []}\n',
            ":2: duplicate id '1'",
        ),
        ("\n", ":1: the gold file has no sentences"),
    ],
)
def test_evaluate_gold_errors_name_file_and_line(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldFileError) as info:
        read_gold(path, frames=["devolution"])
    assert str(info.value).startswith(f"{path}{fragment}")


def test_evaluate_kappa_matches_hand_computation(tmp_path: Path) -> None:
    texts = [f"Sentence {i}." for i in range(10)]
    first = [{"id": str(i), "text": t, "labels": ["x"] if i < 4 else []} for i, t in enumerate(texts)]
    second = [
        {"id": str(i), "text": t, "labels": ["x"] if i in (0, 1, 2, 4) else []} for i, t in enumerate(texts)
    ]
    result = agreement(write_jsonl(tmp_path / "a.jsonl", first), write_jsonl(tmp_path / "b.jsonl", second))
    # observed 0.8, expected 0.4*0.4 + 0.6*0.6 = 0.52 -> (0.8 - 0.52) / 0.48
    assert result["frames"]["x"]["agreement"] == pytest.approx(0.8)
    assert result["frames"]["x"]["kappa"] == pytest.approx(0.28 / 0.48)
    assert result["items"] == 10


def test_evaluate_kappa_undefined_and_unpaired(tmp_path: Path) -> None:
    same = [{"id": "1", "text": "A.", "labels": []}, {"id": "2", "text": "B.", "labels": []}]
    a = write_jsonl(tmp_path / "a.jsonl", same)
    b = write_jsonl(tmp_path / "b.jsonl", same)
    assert agreement(a, b, frames=["x"])["frames"]["x"]["kappa"] is None
    c = write_jsonl(tmp_path / "c.jsonl", same[:1])
    with pytest.raises(GoldFileError, match="sentence id '2' is not in both gold files"):
        agreement(a, c)


def test_evaluate_cli_json_shape_and_recording(
    runner: CliRunner, files: tuple[Path, Path], corpus: Corpus, db_path: Path
) -> None:
    codebook, gold = files
    result = runner.invoke(
        main, ["evaluate", "--gold", str(gold), "--codebook", str(codebook), "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) >= {"frames", "micro", "macro"}
    assert set(scores["frames"]["devolution"]) == {"precision", "recall", "f1", "support"}
    recorded = latest_evaluation(corpus, load_codebook(codebook).hash)
    assert recorded is not None
    assert recorded["scores"] == scores
    assert recorded["gold"] == str(gold)


def test_evaluate_cli_errors_and_markdown(
    runner: CliRunner, files: tuple[Path, Path], tmp_path: Path
) -> None:
    codebook, gold = files
    result = runner.invoke(
        main,
        [
            "evaluate",
            "--gold",
            str(gold),
            "--codebook",
            str(codebook),
            "--format",
            "md",
            "--errors",
            "--db",
            str(tmp_path / "absent.db"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "| devolution | 1.000 | 1.000 | 1.000 | 2 |" in result.stdout
    assert "## empowerment: 1 false positives, 1 false negatives" in result.stdout
    assert "FP 2: We empower people through localism.\n   fired: emp-empower [empower]" in result.stdout
    assert "FN 3: Communities should run things." in result.stdout
    assert not (tmp_path / "absent.db").exists()


def test_evaluate_cli_errors_in_json_stay_one_json_document(
    runner: CliRunner, files: tuple[Path, Path], tmp_path: Path
) -> None:
    # The README's `policytext evaluate --gold gold.jsonl --errors` uses the default JSON
    # format: the error list must not be appended as Markdown after the JSON.
    codebook, gold = files
    result = runner.invoke(
        main,
        ["evaluate", "--gold", str(gold), "--codebook", str(codebook), "--errors"]
        + ["--db", str(tmp_path / "absent.db")],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) >= {"frames", "micro", "macro", "errors"}
    assert out["errors"] == {
        "empowerment": {
            "false_positives": [
                {
                    "id": "2",
                    "text": "We empower people through localism.",
                    "fired": [{"pattern_id": "emp-empower", "text": "empower", "negated": False}],
                }
            ],
            "false_negatives": [{"id": "3", "text": "Communities should run things."}],
        }
    }


def test_evaluate_cli_against_prints_kappa(runner: CliRunner, files: tuple[Path, Path]) -> None:
    _, gold = files
    result = runner.invoke(main, ["evaluate", "--gold", str(gold), "--against", str(gold), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "| devolution | 1.000 | 1.000 | 4 |" in result.stdout


def test_evaluate_cli_bad_gold_is_one_line_error(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "labels": ["nope"]}\n', encoding="utf-8")
    result = runner.invoke(main, ["evaluate", "--gold", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {bad}:1: label 'nope' is not a frame")
    assert result.output.count("\n") == 1


def test_codebook_cli_check_and_show(runner: CliRunner, tmp_path: Path) -> None:
    ok = runner.invoke(main, ["codebook", "check", str(Path(load_codebook().source))])
    assert ok.exit_code == 0, ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[frames]]\nid = "x"\n[[patterns]]\nid = "p"\nframe = "x"\ntokens = [{LOWER = "top-down"}]\n'
    )
    result = runner.invoke(main, ["codebook", "check", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{bad}:3: 'p' token 1: LOWER 'top-down' can never match one token")
    shown = runner.invoke(main, ["codebook", "show"])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("# policytext-default 1.9")
    as_json = json.loads(runner.invoke(main, ["codebook", "show", str(bad), "--format", "json"]).stdout)
    assert as_json["frame_defs"][0]["id"] == "x"


def test_every_tagger_command_has_help_with_example(runner: CliRunner) -> None:
    for args in (["tag"], ["evaluate"], ["codebook"], ["codebook", "check"], ["codebook", "show"]):
        result = runner.invoke(main, [*args, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, args


@pytest.mark.realdata
def test_evaluate_default_codebook_meets_targets_on_dev(shared_data: Path) -> None:
    gold = shared_data.parent / "eval" / "dev.jsonl"
    if not gold.exists():
        pytest.skip(f"no dev gold file at {gold}")
    scores = evaluate_codebook(gold).scores
    assert scores["frames"]["empowerment"]["f1"] >= 0.85
    assert scores["frames"]["devolution"]["f1"] >= 0.85
    assert scores["micro"]["f1"] >= 0.80


def test_evaluate_negated_matches_count_unless_asked(tmp_path: Path, files: tuple[Path, Path]) -> None:
    codebook, _ = files
    gold = write_jsonl(
        tmp_path / "neg.jsonl",
        [{"id": "n", "text": "We will not pursue localism.", "labels": ["devolution"]}],
    )
    counted = evaluate_codebook(gold, codebook).scores["frames"]["devolution"]
    dropped = evaluate_codebook(gold, codebook, count_negated=False).scores["frames"]["devolution"]
    assert (counted["recall"], dropped["recall"]) == (1.0, 0.0)


ROOT = Path(__file__).resolve().parents[1]

# Scores of the default codebook on the gold rounds (gold/). heldout_l was drawn before
# codebook 1.9 (1.6's patterns + the classifier retrained on rounds a-k) was built and scored
# once: micro 0.695 (P 0.77), empowerment 0.27 (9 positives), devolution 0.67
# (docs/validation.md). heldout_m and heldout_n (mostly manifesto sentences) were drawn to test
# two pattern passes (1.10, 1.11; neither kept); 1.9 scored micro 0.653 (P 0.69), empowerment
# 0.71, devolution 0.64 on m and micro 0.644 (P 0.72), empowerment 0.54, devolution 0.67 on n;
# heldout_o (as m and n) tested a classifier retrained on rounds a-n (not kept): 1.9 scored micro
# 0.654 (P 0.72), empowerment 0.61, devolution 0.69; heldout_p (manifesto sentences only) tested
# letting the classifier add every frame (not kept): 1.9 scored micro 0.703 (P 0.75), empowerment
# 0.68, devolution 0.76. heldout_j and heldout_k were fresh for 1.7 (micro 0.71 and 0.695) and
# are now the classifier's training data too, as rounds a-i are, so 1.9 scores higher there.
# The other floors were set for 1.6's patterns alone, when heldout_i was fresh (micro 0.71,
# P 0.81, empowerment 0.65, devolution 0.87) and the rest were tuning parts (heldout_h 0.83,
# heldout_g 0.72, tune_f 0.75, heldout_e 0.80, heldout_d 0.77, heldout_b 0.64 (P 0.63), tune_c
# 0.80, heldout 0.76, dev 0.85, train 0.82). The floors sit a little under the figures, so a
# change that loses recall or precision fails here.
GOLD_FLOORS = {
    "heldout_p": {"micro_f1": 0.68, "micro_precision": 0.73, "empowerment_f1": 0.65, "devolution_f1": 0.73},
    "heldout_o": {"micro_f1": 0.63, "micro_precision": 0.70, "empowerment_f1": 0.58, "devolution_f1": 0.67},
    "heldout_n": {"micro_f1": 0.62, "micro_precision": 0.70, "empowerment_f1": 0.51, "devolution_f1": 0.65},
    "heldout_m": {"micro_f1": 0.63, "micro_precision": 0.67, "empowerment_f1": 0.68, "devolution_f1": 0.62},
    "heldout_l": {"micro_f1": 0.67, "micro_precision": 0.75, "empowerment_f1": 0.25, "devolution_f1": 0.64},
    "heldout_k": {"micro_f1": 0.67, "micro_precision": 0.75, "empowerment_f1": 0.50, "devolution_f1": 0.64},
    "heldout_j": {"micro_f1": 0.69, "micro_precision": 0.74, "empowerment_f1": 0.72, "devolution_f1": 0.70},
    "heldout_i": {"micro_f1": 0.69, "micro_precision": 0.78, "empowerment_f1": 0.62, "devolution_f1": 0.84},
    "heldout_h": {"micro_f1": 0.81, "micro_precision": 0.89, "empowerment_f1": 0.81, "devolution_f1": 0.88},
    "heldout_g": {"micro_f1": 0.70, "micro_precision": 0.78, "empowerment_f1": 0.72, "devolution_f1": 0.80},
    "tune_f": {"micro_f1": 0.73, "micro_precision": 0.80, "empowerment_f1": 0.70, "devolution_f1": 0.75},
    "heldout_e": {"micro_f1": 0.78, "micro_precision": 0.83, "empowerment_f1": 0.90, "devolution_f1": 0.75},
    "heldout_d": {"micro_f1": 0.75, "micro_precision": 0.77, "empowerment_f1": 0.86, "devolution_f1": 0.79},
    "heldout_b": {"micro_f1": 0.62, "micro_precision": 0.61, "devolution_f1": 0.85},
    "tune_c": {"micro_f1": 0.78, "micro_precision": 0.81, "empowerment_f1": 0.77, "devolution_f1": 0.83},
    "heldout": {"micro_f1": 0.74, "micro_precision": 0.78, "targeting_f1": 0.86, "devolution_f1": 0.67},
    "dev": {"micro_f1": 0.83, "micro_precision": 0.84, "empowerment_f1": 0.72, "devolution_f1": 0.79},
    "train": {"micro_f1": 0.80, "micro_precision": 0.84, "empowerment_f1": 0.94, "devolution_f1": 0.87},
}
ROUND_FILES = {  # part -> (pointers, labels)
    "heldout_p": ("pointers_p.jsonl", "labels_p.jsonl"),
    "heldout_o": ("pointers_o.jsonl", "labels_o.jsonl"),
    "heldout_n": ("pointers_n.jsonl", "labels_n.jsonl"),
    "heldout_m": ("pointers_m.jsonl", "labels_m.jsonl"),
    "heldout_l": ("pointers_l.jsonl", "labels_l.jsonl"),
    "heldout_k": ("pointers_k.jsonl", "labels_k.jsonl"),
    "heldout_j": ("pointers_j.jsonl", "labels_j.jsonl"),
    "heldout_i": ("pointers_i.jsonl", "labels_i.jsonl"),
    "heldout_h": ("pointers_h.jsonl", "labels_h.jsonl"),
    "heldout_g": ("pointers_g.jsonl", "labels_g.jsonl"),
    "tune_f": ("pointers_f.jsonl", "labels_f.jsonl"),
    "heldout_e": ("pointers_e.jsonl", "labels_e.jsonl"),
    "heldout_d": ("pointers_d.jsonl", "labels_d.jsonl"),
    "heldout_b": ("pointers_b.jsonl", "labels_b.jsonl"),
    "tune_c": ("pointers_c.jsonl", "labels_c.jsonl"),
    "heldout": ("pointers.jsonl", "labels.jsonl"),
    "dev": ("pointers.jsonl", "labels.jsonl"),
    "train": ("pointers.jsonl", "labels.jsonl"),
}


@pytest.mark.realdata
@pytest.mark.parametrize("part", list(GOLD_FLOORS))
def test_default_codebook_holds_its_scores_on_the_new_gold(
    shared_data: Path, tmp_path: Path, part: str
) -> None:
    import subprocess
    import sys

    pointers, labels = ROUND_FILES[part]
    out = tmp_path / f"{part}.jsonl"
    done = subprocess.run(
        [sys.executable, str(ROOT / "gold" / "materialise.py"), "--shared", str(shared_data), "--part", part,
         "--pointers", str(ROOT / "gold" / pointers), "--labels", str(ROOT / "gold" / labels), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot materialise gold/{part} from {shared_data}: {done.stderr.strip()[:200]}")
    scores = evaluate_codebook(out).scores
    floors = GOLD_FLOORS[part]
    assert scores["micro"]["f1"] >= floors["micro_f1"]
    assert scores["micro"]["precision"] >= floors["micro_precision"]
    for key, floor in floors.items():
        frame = key.removesuffix("_f1")
        if frame in scores["frames"]:
            assert scores["frames"][frame]["f1"] >= floor, frame
