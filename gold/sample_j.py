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

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_i  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261203:j"
STRATA = sample_h.STRATA
EARLIER = (*sample_i.EARLIER, "pointers_i.jsonl")


def main(argv=None) -> int:
    return round_main(argv, __doc__, "j", seed=SEED, earlier=EARLIER, strata_spec=STRATA)


if __name__ == "__main__":
    raise SystemExit(main())
