"""Fit the default codebook's sentence classifier from the gold rounds; write it with its sha256.

The gold is materialised from the pointers first (needs ../shared/data), then every round
a-h (4,000 sentences coded twice and adjudicated; ../shared/eval is left out, it is for
measuring) trains one logistic regression per frame (policytext.rhetoric.classifier).
The same gold gives the same bytes, so the sha256 in the codebook can be checked::

    .venv/bin/python gold/train_classifier.py       # rewrites src/policytext/data/classifier-1.6.npz
    .venv/bin/python gold/train_classifier.py --out /tmp/c.npz --leave-out heldout_h   # for scoring round h

It prints the file's sha256 and the ``[classifier]`` table for the codebook.
"""

from __future__ import annotations

import argparse
import json
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
       ("g", "heldout_g"), ("h", "heldout_h"))],
]  # fmt: skip
THRESHOLD = 0.8  # chosen by document-grouped cross-validation, see docs/validation.md


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
    default_out = ROOT / "src" / "policytext" / "data" / "classifier-1.6.npz"
    parser.add_argument("--out", type=Path, default=default_out)
    parser.add_argument("--leave-out", action="append", default=[], metavar="PART",
                        help="a part to leave out of training (to score it afterwards)")  # fmt: skip
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args(argv)

    from policytext.codebook import load_codebook
    from policytext.rhetoric.classifier import fit_classifier, save_classifier, text_words

    parts = [r for r in ROUNDS if r[2] not in args.leave_out]
    if not args.shared.is_dir():
        print(f"error: {args.shared}: no shared data folder; cannot materialise the gold", file=sys.stderr)
        return 2
    frames = load_codebook().frames
    texts, labels = [], []
    for path in materialise(args.shared, args.build, parts):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts.append(row["text"])
            labels.append(frozenset(row["labels"]))
    sentences = text_words(texts)
    classifier = fit_classifier(
        sentences, labels, frames, threshold=args.threshold,
        info={"gold": [part for _p, _l, part in parts]},
    )  # fmt: skip
    digest = save_classifier(classifier, args.out)
    print(f"wrote {args.out} ({len(sentences)} sentences, {len(classifier.keys)} features, "
          f"frames {', '.join(classifier.frames)})")  # fmt: skip
    print(f'[classifier]\nfile = "{args.out.name}"\nsha256 = "{digest}"\nthreshold = {args.threshold}')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
