"""Draw round k of the gold set: an eighth fresh held-out part (``gold/pointers_k.jsonl``, no text).

    python gold/sample_k.py [--shared ../shared/data] [--out gold/pointers_k.jsonl]

Why: round j decided codebook 1.7 (1.6's patterns and the classifier) and was
then read, with round i, for a further pass over the patterns; round k is
drawn before that pass starts, to score its result against 1.7 on sentences
nobody has read. Like rounds d to j it is sentence-disjoint, not
document-disjoint (see ``sample_i.py``).

What (deterministic; seed ``20261203:k``): ``sample_d.draw_fresh_round`` with
round h's strata (``power`` 200, ``enriched`` 150, ``random`` 150; 500
sentences), skipping every sentence of rounds a to j. Part ``heldout_k``; ids
k001.. follow a seeded shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_j  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261203:k"
STRATA = sample_h.STRATA
EARLIER = (*sample_j.EARLIER, "pointers_j.jsonl")


def main(argv=None) -> int:
    return round_main(argv, __doc__, "k", seed=SEED, earlier=EARLIER, strata_spec=STRATA)


if __name__ == "__main__":
    raise SystemExit(main())
