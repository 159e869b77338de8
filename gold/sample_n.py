"""Draw round n of the gold set: an eleventh fresh held-out part (``gold/pointers_n.jsonl``, no text).

    python gold/sample_n.py [--shared ../shared/data] [--out gold/pointers_n.jsonl]

Why: round m was scored for codebook 1.10 (not kept) and its errors are then
read, with those of rounds j-l, for a further pass over the patterns; round n
is drawn before that pass starts, to score its result against 1.9 on
sentences nobody has read. Drawn as round m (every genre eligible).
Sentence-disjoint, not document-disjoint (see ``sample_i.py``).

What (deterministic; seed ``20261204:n``): ``sample_d.draw_fresh_round`` over
the ukpol, manifesto and GOV.UK documents with round h's strata (``power``
200, ``enriched`` 150, ``random`` 150; 500 sentences), skipping every sentence
of rounds a to m. Part ``heldout_n``; ids n001.. follow a seeded shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_m  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261204:n"
GENRES = ("ukpol", "manifesto", "govuk")
EARLIER = (*sample_m.EARLIER, "pointers_m.jsonl")
STRATA = sample_h.STRATA


def main(argv=None) -> int:
    return round_main(argv, __doc__, "n", seed=SEED, earlier=EARLIER, strata_spec=STRATA, genres=GENRES)


if __name__ == "__main__":
    raise SystemExit(main())
