"""Draw round l of the gold set: a ninth fresh held-out part (``gold/pointers_l.jsonl``, no text).

    python gold/sample_l.py [--shared ../shared/data] [--out gold/pointers_l.jsonl]

Why: rounds j and k decided and then tested codebook 1.7; round l is drawn
before the classifier is retrained on rounds a-k (and before any other
change is tried), to score that change against 1.7 on sentences nobody has
read. Like rounds d to k it is sentence-disjoint, not document-disjoint (see
``sample_i.py``).

What (deterministic; seed ``20261204:l``): ``sample_d.draw_fresh_round`` with
round h's strata, except that ``power`` (200 wanted) has only 117 unused
sentences left and ``enriched`` takes the other 83 (``power`` 117,
``enriched`` 233, ``random`` 150; 500 sentences), skipping every sentence
of rounds a to k. Part ``heldout_l``; ids l001.. follow a seeded shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_k  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261204:l"
# Round h's strata, but the power stratum has only 117 unused sentences left
# (within the per-document cap), so the enriched stratum takes the other 83.
STRATA = (sample_h.STRATA[0], (*sample_h.STRATA[1][:1], 233, *sample_h.STRATA[1][2:]), sample_h.STRATA[2])
EARLIER = (*sample_k.EARLIER, "pointers_k.jsonl")


def main(argv=None) -> int:
    return round_main(argv, __doc__, "l", seed=SEED, earlier=EARLIER, strata_spec=STRATA)


if __name__ == "__main__":
    raise SystemExit(main())
