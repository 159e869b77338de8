"""The gold rounds in gold/ fit together and hold pointers only (no sentence text)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parents[1] / "gold"
ROUNDS = {"a": "", "b": "_b", "c": "_c", "d": "_d", "e": "_e", "f": "_f", "g": "_g", "h": "_h"}


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_agreement_tables_are_current_and_every_round_is_consistent() -> None:
    # agreement.py checks that coders' files, adjudication and final labels fit together.
    done = subprocess.run(
        [sys.executable, str(GOLD / "agreement.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("suffix", list(ROUNDS.values()))
def test_pointer_files_hold_no_text_and_unique_ids(suffix: str) -> None:
    pointers = _lines(GOLD / f"pointers{suffix}.jsonl")
    assert pointers and all("text" not in p for p in pointers)
    assert all(set(p) >= {"id", "path", "start", "end", "sha1", "part"} for p in pointers)
    assert len({p["id"] for p in pointers}) == len(pointers)
    labels = _lines(GOLD / f"labels{suffix}.jsonl")
    assert {r["id"] for r in labels} == {p["id"] for p in pointers}
    assert all(set(r) == {"id", "labels"} for r in labels)


def test_ids_are_unique_across_rounds() -> None:
    seen: set[str] = set()
    for suffix in ROUNDS.values():
        ids = {p["id"] for p in _lines(GOLD / f"pointers{suffix}.jsonl")}
        assert not ids & seen
        seen |= ids
