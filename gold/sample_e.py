"""Draw round e of the gold set: a third fresh held-out part (``gold/pointers_e.jsonl``, no text).

    python gold/sample_e.py [--shared ../shared/data] [--out gold/pointers_e.jsonl]

Why: round d was scored once against codebook 1.4 and then, like rounds a, b
and c, used for tuning codebook 1.5. Round e gives 1.5 a score on sentences
nobody tuning it has read. Like round d it is sentence-disjoint, not
document-disjoint: every eligible ukpol and GOV.UK document is in an earlier
round (docs/validation.md states this limit).

What (deterministic; seed ``20261203:e``): ``sample_d.draw_fresh_round`` (the
strata of ``sample_b.py``: ``power`` 150, ``enriched`` 110, ``random`` 110)
skipping every sentence of rounds a to d. Part ``heldout_e``; ids e001.. follow
a seeded shuffle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
from sample_d import draw_fresh_round  # noqa: E402

SEED = "20261203:e"
HERE = Path(__file__).resolve().parent
EARLIER = ("pointers.jsonl", "pointers_b.jsonl", "pointers_c.jsonl", "pointers_d.jsonl")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_e.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(args.shared, args.out, seed=SEED, earlier=EARLIER, prefix="e", part="heldout_e")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
