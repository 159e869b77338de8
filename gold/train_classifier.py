"""Fit the default codebook's sentence classifier from the gold rounds; write it (and a codebook).

The gold is materialised from the pointers first (needs ../shared/data). Then every round
a-k (5,490 sentences coded twice and adjudicated; rounds l-o and ../shared/eval are left out,
they are for measuring) trains one logistic regression per frame
(policytext.rhetoric.classifier). The same gold gives the same bytes::

    .venv/bin/python gold/train_classifier.py --package     # src/policytext/data/classifier.npz
    .venv/bin/python gold/train_classifier.py               # gold/build/classifier.npz + codebook
    .venv/bin/python gold/train_classifier.py --leave-out heldout_k   # to score round k afterwards
    policytext tag --codebook gold/build/codebook-classifier.toml

``--package`` rewrites the shipped weights and the ``sha256`` of the default codebook's
``[classifier]`` table (docs/validation.md, "The sentence classifier"). Without it, the
script writes a copy of the default codebook whose ``[classifier]`` table names the new
file instead, for experiments; nothing in gold/build is committed. The weights hold
hashed features and numbers, no text.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
       ("g", "heldout_g"), ("h", "heldout_h"), ("i", "heldout_i"), ("j", "heldout_j"),
       ("k", "heldout_k"))],
]  # fmt: skip
#: Rounds l-o too, for ``--through o`` (rounds a-o; what the every-frame candidate of round p uses).
LATER_ROUNDS = [(f"pointers_{r}.jsonl", f"labels_{r}.jsonl", f"heldout_{r}") for r in "lmno"]
PACKAGED = ROOT / "src" / "policytext" / "data" / "classifier.npz"
DEFAULT_CODEBOOK = PACKAGED.with_name("codebook.toml")
THRESHOLD = 0.8  # chosen by document-grouped cross-validation, see docs/validation.md
# The frames it may add: those whose F1 rose in that cross-validation and that pass the
# codebook's false-alarm tests and the old dev set's floor (docs/validation.md).
FRAMES = ("empowerment", "civil_society", "market_reform", "collaboration")


def without_classifier(text: str) -> str:
    """A codebook's TOML without its ``[classifier]`` table (and the comments just above it)."""
    return re.sub(r"\n(?:#[^\n]*\n)*\[classifier\]\n(?:[^\[\n].*\n|\n)*", "\n", text)


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
    parser.add_argument("--through", choices=["k", "o"], default="k",
                        help="train on rounds a-k (the default's) or a-o")  # fmt: skip
    parser.add_argument("--every-frame", action="store_true",
                        help="let the classifier add every frame (no frames line in the table)")  # fmt: skip
    parser.add_argument("--package", action="store_true",
                        help="write the shipped classifier and its sha256 into the codebook")  # fmt: skip
    args = parser.parse_args(argv)
    custom = args.leave_out or args.out or args.codebook_out or args.threshold != THRESHOLD
    if args.package and (custom or args.through != "k" or args.every_frame):
        parser.error("--package trains the shipped classifier: no --leave-out, --out, "
                     "--codebook-out, --threshold, --through or --every-frame")  # fmt: skip
    out = PACKAGED if args.package else args.out or args.build / "classifier.npz"
    codebook_out = args.codebook_out or out.with_name("codebook-classifier.toml")

    from policytext.codebook import load_codebook
    from policytext.training import train_classifier_file

    rounds = ROUNDS + (LATER_ROUNDS if args.through == "o" else [])
    parts = [r for r in rounds if r[2] not in args.leave_out]
    if not args.shared.is_dir():
        print(f"error: {args.shared}: no shared data folder; cannot materialise the gold", file=sys.stderr)
        return 2
    gold = materialise(args.shared, args.build, parts)
    text = DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    # The default codebook without its classifier (the frames to train; the base of --codebook-out).
    patterns = without_classifier(text)
    base = args.build / "codebook-patterns.toml"
    base.write_text(patterns, encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    digest, count = train_classifier_file(gold, out, base, threshold=args.threshold)
    if args.package:
        sha_line = r'(\n\[classifier\]\n(?:[^\[\n].*\n)*?sha256 = ")[0-9a-f]{64}"'
        text, replaced = re.subn(sha_line, rf'\g<1>{digest}"', text)
        if replaced != 1:
            print(f"error: {DEFAULT_CODEBOOK}: no [classifier] table with a sha256", file=sys.stderr)
            return 1
        DEFAULT_CODEBOOK.write_text(text, encoding="utf-8")
        load_codebook(DEFAULT_CODEBOOK)  # it must load: the file is found and its sha256 matches
        print(f"wrote {out} ({count} sentences); sha256 {digest} in {DEFAULT_CODEBOOK}")
        return 0
    file = os.path.relpath(out.resolve(), codebook_out.resolve().parent)
    table = f'[classifier]\nfile = "{file}"\nsha256 = "{digest}"\nthreshold = {args.threshold}\n'
    if not args.every_frame:
        table += f"frames = {json.dumps(list(FRAMES))}\n"
    patterns = patterns.replace('name = "policytext-default"', 'name = "policytext-default+classifier"', 1)
    codebook_out.write_text(
        patterns.rstrip("\n") + "\n\n# Added by gold/train_classifier.py\n" + table, encoding="utf-8"
    )
    load_codebook(codebook_out)  # it must load: the file is found and its sha256 matches
    print(f"wrote {out} ({count} sentences) and {codebook_out}")
    print(table, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
