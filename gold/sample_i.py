"""Draw round i of the gold set: a sixth fresh held-out part (``gold/pointers_i.jsonl``, no text).

    python gold/sample_i.py [--shared ../shared/data] [--out gold/pointers_i.jsonl]

Why: codebook 1.6's fourth pass learned from the error lists of rounds a to g;
round h's errors stayed unread, but round h had already been used to compare
the opt-in classifier's settings. Round i gives 1.6 a score on sentences nobody
had seen when it was written. It is drawn before that score is looked at, and
it could not be document-disjoint: restricted to documents (and their near
copies) that gave no sentence to rounds a to h, the pool of even-year ukpol and
GOV.UK sentences held 39 eligible sentences (342 with the manifestos), so like
rounds d to h it is sentence-disjoint only.

What (deterministic; seed ``20261203:i``): ``sample_d.draw_fresh_round`` with
round h's strata (``power`` 200, ``enriched`` 150, ``random`` 150; 500
sentences), skipping every sentence of rounds a to h. Part ``heldout_i``; ids
i001.. follow a seeded shuffle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample_h  # noqa: E402
from sample_d import draw_fresh_round  # noqa: E402

SEED = "20261203:i"
HERE = Path(__file__).resolve().parent
STRATA = sample_h.STRATA
EARLIER = (*sample_h.EARLIER, "pointers_h.jsonl")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_i.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(
        args.shared, args.out, seed=SEED, earlier=EARLIER, prefix="i", part="heldout_i", strata_spec=STRATA
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
