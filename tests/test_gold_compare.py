"""gold/compare_codebooks.py: scores side by side and the paired bootstrap of the micro-F1 gain."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest

GOLD = Path(__file__).resolve().parents[1] / "gold"


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("compare_codebooks", GOLD / "compare_codebooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_micro_counts_per_sentence() -> None:
    compare = _module()
    predicted = np.array([[True, False], [True, True], [False, False]])
    gold = np.array([[True, True], [False, True], [False, False]])
    assert compare.micro_counts(predicted, gold).tolist() == [[1, 1, 2], [1, 2, 1], [0, 0, 0]]
    assert compare.f1(2, 3, 3) == pytest.approx(2 / 3)
    assert compare.f1(0, 0, 0) == 0.0


def test_compares_two_codebooks_on_a_gold_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(GOLD))
    try:
        import train_classifier
    finally:
        sys.path.remove(str(GOLD))
    patterns = tmp_path / "patterns.toml"
    patterns.write_text(
        train_classifier.without_classifier(train_classifier.DEFAULT_CODEBOOK.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    gold = tmp_path / "gold.jsonl"
    rows = [
        ("We will devolve power to local councils.", ["devolution"]),
        ("The weather was fine all week.", []),
        ("Charities and volunteers will run more services.", ["civil_society", "social_action"]),
    ]
    gold.write_text(
        "".join(json.dumps({"id": f"s{i}", "text": t, "labels": y}) + "\n" for i, (t, y) in enumerate(rows)),
        encoding="utf-8",
    )
    compare = _module()
    argv = ["--gold", str(gold), "--codebook", f"patterns={patterns}", "--codebook", "default=default"]
    assert compare.main([*argv, "--resamples", "50"]) == 0
    out = capsys.readouterr().out
    assert "3 sentences" in out
    assert "| patterns | " in out and "| default | " in out
    assert "default - patterns: micro-F1 " in out and "(50 resamples)" in out


def test_needs_two_named_codebooks() -> None:
    compare = _module()
    with pytest.raises(SystemExit):
        compare.main(["--gold", "x.jsonl", "--codebook", "only=default"])
    with pytest.raises(SystemExit):
        compare.main(["--gold", "x.jsonl", "--codebook", "nopath", "--codebook", "b=default"])
