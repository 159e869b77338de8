"""Draw round m of the gold set: a tenth fresh held-out part (``gold/pointers_m.jsonl``, no text).

    python gold/sample_m.py [--shared ../shared/data] [--out gold/pointers_m.jsonl]

Why: round l was scored for codebook 1.9 and its errors were then read, with
those of rounds j and k, for a pass over the patterns; round m is drawn
before that pass starts, to score its result against 1.9 on sentences nobody
has read. Round l's power stratum ran out in the ukpol and GOV.UK documents,
so round m also draws from the manifestos (every genre eligible, as round f).
Sentence-disjoint, not document-disjoint (see ``sample_i.py``).

What (deterministic; seed ``20261204:m``): ``sample_d.draw_fresh_round`` over
the ukpol, manifesto and GOV.UK documents with round h's strata (``power``
200, ``enriched`` 150, ``random`` 150; 500 sentences), skipping every sentence
of rounds a to l. Part ``heldout_m``; ids m001.. follow a seeded shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_l  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261204:m"
GENRES = ("ukpol", "manifesto", "govuk")
EARLIER = (*sample_l.EARLIER, "pointers_l.jsonl")
STRATA = sample_h.STRATA


def main(argv=None) -> int:
    return round_main(argv, __doc__, "m", seed=SEED, earlier=EARLIER, strata_spec=STRATA, genres=GENRES)


if __name__ == "__main__":
    raise SystemExit(main())
