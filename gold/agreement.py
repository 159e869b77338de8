"""Inter-coder agreement and final label counts for the gold set, per frame.

    python gold/agreement.py [--round a|b|c|d]            # print the Markdown table of one round
    python gold/agreement.py --write    # refresh the tables of every round inside gold/agreement.md
    python gold/agreement.py --check    # exit 1 if gold/agreement.md is stale

Round a reads ``coding/coder_a.jsonl``, ``coding/coder_b.jsonl``, ``labels.jsonl``,
``adjudication.jsonl`` and ``pointers.jsonl`` (for each sentence's part); rounds
b, c and d read ``coding/round_X/coder_a.jsonl`` and ``coder_b.jsonl``,
``labels_X.jsonl``, ``adjudication_X.jsonl`` and ``pointers_X.jsonl``. No
sentence text is needed. Before counting it checks that the files fit
together: every file covers the ids of ``pointers.jsonl`` exactly once with
known frames only; ``adjudication.jsonl`` holds exactly the sentence-frames the
coders disagree on, with their decisions as in the coding files; the final
labels keep every decision the coders agree on and follow the adjudication
for the rest. Cohen's kappa is scikit-learn's ``cohen_kappa_score`` on the 880
binary decisions of each frame (880 in round a).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from materialise import FRAMES  # noqa: E402

HERE = Path(__file__).resolve().parent
ROUNDS: dict[str, dict[str, object]] = {
    "a": {"suffix": "", "coding": "coding", "parts": ("train", "dev", "heldout")},
    "b": {"suffix": "_b", "coding": "coding/round_b", "parts": ("heldout_b",)},
    "c": {"suffix": "_c", "coding": "coding/round_c", "parts": ("tune_c",)},
    "d": {"suffix": "_d", "coding": "coding/round_d", "parts": ("heldout_d",)},
    "e": {"suffix": "_e", "coding": "coding/round_e", "parts": ("heldout_e",)},
    "f": {"suffix": "_f", "coding": "coding/round_f", "parts": ("tune_f",)},
    "g": {"suffix": "_g", "coding": "coding/round_g", "parts": ("heldout_g",)},
    "h": {"suffix": "_h", "coding": "coding/round_h", "parts": ("heldout_h",)},
    "i": {"suffix": "_i", "coding": "coding/round_i", "parts": ("heldout_i",)},
    "j": {"suffix": "_j", "coding": "coding/round_j", "parts": ("heldout_j",)},
    "k": {"suffix": "_k", "coding": "coding/round_k", "parts": ("heldout_k",)},
    "l": {"suffix": "_l", "coding": "coding/round_l", "parts": ("heldout_l",)},
    "m": {"suffix": "_m", "coding": "coding/round_m", "parts": ("heldout_m",)},
    "n": {"suffix": "_n", "coding": "coding/round_n", "parts": ("heldout_n",)},
    "o": {"suffix": "_o", "coding": "coding/round_o", "parts": ("heldout_o",)},
    "p": {"suffix": "_p", "coding": "coding/round_p", "parts": ("heldout_p",)},
}


def markers(round_: str) -> tuple[str, str]:
    tag = "table" if round_ == "a" else f"table:{round_}"
    return f"<!-- agreement.py:{tag}:start -->", f"<!-- agreement.py:{tag}:end -->"


class GoldFileError(Exception):
    pass


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_labels(path: Path, ids: list[str]) -> dict[str, set[str]]:
    """``{id: set of frames}`` from a ``{"id", "labels"}`` file covering ``ids`` exactly once."""
    labels: dict[str, set[str]] = {}
    for rec in read_jsonl(path):
        if rec["id"] in labels:
            raise GoldFileError(f"{path.name}: id {rec['id']} appears twice")
        bad = set(rec["labels"]) - set(FRAMES)
        if bad:
            raise GoldFileError(f"{path.name}: {rec['id']} has unknown frame(s) {sorted(bad)}")
        labels[rec["id"]] = set(rec["labels"])
    if set(labels) != set(ids):
        missing, extra = sorted(set(ids) - set(labels)), sorted(set(labels) - set(ids))
        raise GoldFileError(
            f"{path.name}: ids differ from pointers.jsonl (missing {missing[:5]}, extra {extra[:5]})"
        )
    return labels


def check_adjudication(
    a: dict[str, set[str]], b: dict[str, set[str]], final: dict[str, set[str]], rows: list[dict]
) -> None:
    """Raise unless ``rows`` decide exactly the disputed sentence-frames and ``final`` follows them."""
    disputed = {(i, f) for i in a for f in FRAMES if (f in a[i]) != (f in b[i])}
    decided = {}
    for row in rows:
        key = (row["id"], row["frame"])
        if key in decided:
            raise GoldFileError(f"adjudication.jsonl: {key} decided twice")
        i, f = key
        if row["coder_a"] != (f in a[i]) or row["coder_b"] != (f in b[i]):
            raise GoldFileError(f"adjudication.jsonl: {key} does not match the coding files")
        if not str(row.get("reason", "")).strip():
            raise GoldFileError(f"adjudication.jsonl: {key} has no reason")
        decided[key] = bool(row["final"])
    if set(decided) != disputed:
        raise GoldFileError(
            f"adjudication.jsonl: {len(disputed - set(decided))} disputed sentence-frames undecided, "
            f"{len(set(decided) - disputed)} decided without a dispute"
        )
    for i in final:
        for f in FRAMES:
            want = decided.get((i, f), f in a[i])
            if (f in final[i]) != want:
                raise GoldFileError(f"labels.jsonl: {i} {f} is {f in final[i]}, expected {want}")


def agreement_table(gold: Path = HERE, round_: str = "a") -> str:
    """The per-frame agreement and count table (Markdown) of one coding round in ``gold``."""
    spec = ROUNDS[round_]
    suffix, coding = str(spec["suffix"]), str(spec["coding"])
    parts: tuple[str, ...] = spec["parts"]  # type: ignore[assignment]
    pointers = read_jsonl(gold / f"pointers{suffix}.jsonl")
    ids = [p["id"] for p in pointers]
    part = {p["id"]: p["part"] for p in pointers}
    a = read_labels(gold / coding / "coder_a.jsonl", ids)
    b = read_labels(gold / coding / "coder_b.jsonl", ids)
    final = read_labels(gold / f"labels{suffix}.jsonl", ids)
    rows = read_jsonl(gold / f"adjudication{suffix}.jsonl")
    check_adjudication(a, b, final, rows)

    size = {p: sum(1 for i in ids if part[i] == p) for p in parts}
    lines = [
        "| frame | positives A | positives B | raw agreement | Cohen's kappa | final positives | "
        + " | ".join(f"{p} ({size[p]})" for p in parts)
        + " |",
        "|---|---:|---:|---:|---:|---:|" + "---:|" * len(parts),
    ]
    for f in FRAMES:
        ya = [int(f in a[i]) for i in ids]
        yb = [int(f in b[i]) for i in ids]
        agree = sum(x == y for x, y in zip(ya, yb, strict=True)) / len(ids)
        kappa = cohen_kappa_score(ya, yb)
        per_part = [sum(1 for i in ids if part[i] == p and f in final[i]) for p in parts]
        lines.append(
            f"| {f} | {sum(ya)} | {sum(yb)} | {agree:.3f} | {kappa:.3f} | "
            f"{sum(f in final[i] for i in ids)} | " + " | ".join(map(str, per_part)) + " |"
        )
    any_a = sum(bool(a[i]) for i in ids)
    any_b = sum(bool(b[i]) for i in ids)
    any_final = [sum(1 for i in ids if part[i] == p and final[i]) for p in parts]
    lines.append(
        f"| (any frame) | {any_a} | {any_b} | {sum(a[i] == b[i] for i in ids) / len(ids):.3f} | | "
        f"{sum(bool(final[i]) for i in ids)} | " + " | ".join(map(str, any_final)) + " |"
    )
    sided_a = sum(r["final"] == r["coder_a"] for r in rows)
    lines += [
        "",
        f"{len(ids)} sentences; {len({r['id'] for r in rows})} with at least one disagreement; "
        f"{len(rows)} disputed sentence-frames, decided {sum(r['final'] for r in rows)} positive and "
        f"{sum(not r['final'] for r in rows)} negative (with coder A {sided_a} times, "
        f"with coder B {len(rows) - sided_a} times).",
    ]
    return "\n".join(lines) + "\n"


def _splice(doc: str, table: str, round_: str = "a") -> str:
    start, end = markers(round_)
    head, sep, rest = doc.partition(start)
    _, sep2, tail = rest.partition(end)
    if not (sep and sep2):
        raise GoldFileError(f"agreement.md: markers {start} / {end} not found")
    return f"{head}{start}\n{table}{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="refresh the table in gold/agreement.md")
    mode.add_argument("--check", action="store_true", help="exit 1 if gold/agreement.md is stale")
    ap.add_argument("--round", choices=sorted(ROUNDS), default="a", help="the round to print (default: a)")
    args = ap.parse_args(argv)
    try:
        if not (args.write or args.check):
            print(agreement_table(round_=args.round), end="")
            return 0
        md = HERE / "agreement.md"
        doc = md.read_text(encoding="utf-8")
        new = doc
        for round_ in ROUNDS:
            if markers(round_)[0] in doc:
                new = _splice(new, agreement_table(round_=round_), round_)
    except (GoldFileError, OSError, KeyError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.write:
        md.write_text(new, encoding="utf-8")
        print(f"wrote the table in {md}", file=sys.stderr)
        return 0
    if new != doc:
        print("error: gold/agreement.md is stale; run python gold/agreement.py --write", file=sys.stderr)
        return 1
    print("gold/agreement.md is up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
