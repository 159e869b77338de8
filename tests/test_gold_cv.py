"""gold/cv_classifiers.py: its word-class conjunctions and its refusal without the shared data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "gold"


def _module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(GOLD))  # it imports train_classifier from beside it
    try:
        spec = importlib.util.spec_from_file_location("cv_classifiers", GOLD / "cv_classifiers.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(GOLD))


def test_word_classes_give_every_pair_and_triple_present() -> None:
    cv = _module()
    features = cv.class_features(["we", "will", "devolve", "budgets", "to", "councils"])
    assert set(features) == {
        "c:handing", "c:power", "c:places",
        "c:handing&places", "c:handing&power", "c:places&power",
        "c:handing&places&power",
    }  # fmt: skip
    assert cv.class_features(["the", "weather", "was", "fine"]) == []


def test_word_features_match_the_default_classifier_kinds() -> None:
    cv = _module()
    assert cv.word_features(["local", "control"]) == [
        "w:local", "w:control", "s:ocal", "s:trol", "p:contr", "b:local control",
    ]  # fmt: skip


def test_refuses_without_shared_data(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cv = _module()
    assert cv.main(["--shared", str(tmp_path / "absent")]) == 2
    assert "no shared data folder" in capsys.readouterr().err
