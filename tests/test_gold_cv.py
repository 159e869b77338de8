"""gold/cv_classifiers.py: its word-class conjunctions and its refusal without the shared data."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np

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


def test_unlabelled_sentences_leave_out_the_outside_checks_sources(tmp_path: Path) -> None:
    cv = _module()
    speeches = tmp_path / "ukpol_speeches" / "data" / "C"
    speeches.mkdir(parents=True)
    body = {"content": "<p>We will give power to local people.</p> And more."}
    (speeches / "cameron-david-2010-speech.json").write_text(json.dumps(body), encoding="utf-8")
    odd = {"content": "Odd years are for the checks and never read here."}
    (speeches / "cameron-david-2011-speech.json").write_text(json.dumps(odd), encoding="utf-8")
    leaders = tmp_path / "bps-leader-speeches" / "texts"
    leaders.mkdir(parents=True)
    (leaders / "speech.txt").write_text("Leaders' speeches are for the checks too.", encoding="utf-8")
    manifestos = tmp_path / "quanteda_ukmanifestos" / "texts"
    manifestos.mkdir(parents=True)
    (manifestos / "Lab1997.txt").write_text("Decisions taken closer to people.\nA line.", encoding="utf-8")
    assert cv.unlabelled_sentences(tmp_path) == [
        ["we", "will", "give", "power", "to", "local", "people"],
        ["decisions", "taken", "closer", "to", "people"],
    ]


def test_word_vectors_variant_is_skipped_without_gensim(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cv = _module()
    monkeypatch.setitem(sys.modules, "gensim", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "gensim.models", None)
    labels = np.zeros((2, len(cv.FRAMES)), dtype=bool)
    assert cv.vector_probabilities([["a"], ["b"]], labels, [], tmp_path) is None


def test_learning_curve_trains_on_growing_shares_of_whole_documents() -> None:
    cv = _module()
    from sklearn.model_selection import GroupKFold

    words, rows, groups = [], [], []
    for document in range(16):
        for sentence in range(5):
            on = sentence % 2 == 0
            words.append(["give", "power", "to", "people"] if on else ["the", "weather", "was", "fine"])
            rows.append([on] + [False] * (len(cv.FRAMES) - 1))
            groups.append(f"doc{document}")
    labels = np.array(rows)
    folds = list(GroupKFold(4).split(words, groups=groups))
    none = np.zeros(labels.shape, dtype=bool)
    curve = cv.learning_curve(words, labels, groups, folds, none, np.ones(len(words), dtype=bool))
    assert [share for share, _, _ in curve] == [0.25, 0.5, 0.75, 1.0]
    assert [size for _, size, _ in curve] == [15, 30, 45, 60]  # 3, 6, 9, 12 of a fold's 12 documents
    micro, precision, empowerment, _ = curve[-1][2]
    assert micro == precision == empowerment == 1.0  # the words tell the frame apart
