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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261203:i"
STRATA = sample_h.STRATA
EARLIER = (*sample_h.EARLIER, "pointers_h.jsonl")


def main(argv=None) -> int:
    return round_main(argv, __doc__, "i", seed=SEED, earlier=EARLIER, strata_spec=STRATA)


if __name__ == "__main__":
    raise SystemExit(main())
