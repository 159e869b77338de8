"""Draw round j of the gold set: a seventh fresh held-out part (``gold/pointers_j.jsonl``, no text).

    python gold/sample_j.py [--shared ../shared/data] [--out gold/pointers_j.jsonl]

Why: round i was scored once on codebook 1.6 and on the opt-in classifier,
and that score decided which of the two to ship; round j is drawn after that
decision's inputs were fixed, to report the shipped default on sentences no
pattern, threshold or model choice was made on. Like rounds d to i it is
sentence-disjoint, not document-disjoint (documents no round had touched are
exhausted; see ``sample_i.py``).

What (deterministic; seed ``20261203:j``): ``sample_d.draw_fresh_round`` with
round h's strata (``power`` 200, ``enriched`` 150, ``random`` 150; 500
sentences), skipping every sentence of rounds a to i. Part ``heldout_j``; ids
j001.. follow a seeded shuffle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample_h  # noqa: E402
import sample_i  # noqa: E402
from sample_d import draw_fresh_round  # noqa: E402

SEED = "20261203:j"
HERE = Path(__file__).resolve().parent
STRATA = sample_h.STRATA
EARLIER = (*sample_i.EARLIER, "pointers_i.jsonl")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_j.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(
        args.shared, args.out, seed=SEED, earlier=EARLIER, prefix="j", part="heldout_j", strata_spec=STRATA
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
