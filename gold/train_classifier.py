"""Fit a sentence classifier for the default codebook from the gold rounds; write it and a codebook.

The gold is materialised from the pointers first (needs ../shared/data). Then every round
a-h (3,990 sentences coded twice and adjudicated; ../shared/eval is left out, it is for
measuring) trains one logistic regression per frame (policytext.rhetoric.classifier).
The script writes the classifier and a copy of the default codebook with a ``[classifier]``
table naming it (docs/validation.md, "A sentence classifier"). The same gold gives the same
bytes::

    .venv/bin/python gold/train_classifier.py      # gold/build/classifier.npz + codebook-classifier.toml
    .venv/bin/python gold/train_classifier.py --leave-out heldout_h     # to score round h afterwards
    policytext tag --codebook gold/build/codebook-classifier.toml

Nothing it writes is committed: the weights come from ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (pointer file, label file, part) of every gold round; each part is one materialised file.
ROUNDS = [
    ("pointers.jsonl", "labels.jsonl", "train"),
    ("pointers.jsonl", "labels.jsonl", "dev"),
    ("pointers.jsonl", "labels.jsonl", "heldout"),
    *[(f"pointers_{r}.jsonl", f"labels_{r}.jsonl", part) for r, part in
      (("b", "heldout_b"), ("c", "tune_c"), ("d", "heldout_d"), ("e", "heldout_e"), ("f", "tune_f"),
       ("g", "heldout_g"), ("h", "heldout_h"), ("i", "heldout_i"))],
]  # fmt: skip
THRESHOLD = 0.8  # chosen by document-grouped cross-validation, see docs/validation.md
# The frames it may add: those whose F1 rose in that cross-validation and that pass the
# codebook's false-alarm tests and the old dev set's floor (docs/validation.md).
FRAMES = ("empowerment", "civil_society", "market_reform", "collaboration")


def materialise(shared: Path, build: Path, parts: list[tuple[str, str, str]]) -> list[Path]:
    """Write each part's gold file into ``build`` with gold/materialise.py; return the paths."""
    build.mkdir(parents=True, exist_ok=True)
    paths = []
    for pointers, labels, part in parts:
        out = build / f"{part}.jsonl"
        subprocess.run(
            [sys.executable, str(ROOT / "gold" / "materialise.py"), "--shared", str(shared),
             "--pointers", str(ROOT / "gold" / pointers), "--part", part,
             "--labels", str(ROOT / "gold" / labels), "--out", str(out)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        paths.append(out)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--build", type=Path, default=ROOT / "gold" / "build")
    parser.add_argument("--out", type=Path, default=None, help="default: BUILD/classifier.npz")
    parser.add_argument(
        "--codebook-out", type=Path, default=None,
        help="the default codebook plus a [classifier] table (default: beside --out)",
    )  # fmt: skip
    parser.add_argument("--leave-out", action="append", default=[], metavar="PART",
                        help="a part to leave out of training (to score it afterwards)")  # fmt: skip
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)
    out = args.out or args.build / "classifier.npz"
    codebook_out = args.codebook_out or out.with_name("codebook-classifier.toml")

    from policytext.codebook import default_codebook_path, load_codebook
    from policytext.training import train_classifier_file

    parts = [r for r in ROUNDS if r[2] not in args.leave_out]
    if not args.shared.is_dir():
        print(f"error: {args.shared}: no shared data folder; cannot materialise the gold", file=sys.stderr)
        return 2
    gold = materialise(args.shared, args.build, parts)
    out.parent.mkdir(parents=True, exist_ok=True)
    digest, count = train_classifier_file(gold, out, threshold=args.threshold)
    file = os.path.relpath(out.resolve(), codebook_out.resolve().parent)
    table = (f'[classifier]\nfile = "{file}"\nsha256 = "{digest}"\nthreshold = {args.threshold}\n'
             f"frames = {json.dumps(list(FRAMES))}\n")  # fmt: skip
    text = default_codebook_path().read_text(encoding="utf-8")
    text = text.replace('name = "policytext-default"', 'name = "policytext-default+classifier"', 1)
    codebook_out.write_text(
        text.rstrip("\n") + "\n\n# Added by gold/train_classifier.py\n" + table, encoding="utf-8"
    )
    load_codebook(codebook_out)  # it must load: the file is found and its sha256 matches
    print(f"wrote {out} ({count} sentences) and {codebook_out}")
    print(table, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
