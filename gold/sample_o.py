"""Draw round o of the gold set: a twelfth fresh held-out part (``gold/pointers_o.jsonl``, no text).

    python gold/sample_o.py [--shared ../shared/data] [--out gold/pointers_o.jsonl]

Why: the classifier is retrained on rounds a-n (rounds l-n add 1,500
sentences, 582 of them from manifestos); round o is drawn before that, to
score the retrained classifier against 1.9's on sentences nobody has read.
Drawn as rounds m and n (every genre eligible). Sentence-disjoint, not
document-disjoint (see ``sample_i.py``).

What (deterministic; seed ``20261204:o``): ``sample_d.draw_fresh_round`` over
the ukpol, manifesto and GOV.UK documents with round h's strata (``power``
200, ``enriched`` 150, ``random`` 150; 500 sentences), skipping every sentence
of rounds a to n. Part ``heldout_o``; ids o001.. follow a seeded shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_n  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261204:o"
GENRES = ("ukpol", "manifesto", "govuk")
EARLIER = (*sample_n.EARLIER, "pointers_n.jsonl")
STRATA = sample_h.STRATA


def main(argv=None) -> int:
    return round_main(argv, __doc__, "o", seed=SEED, earlier=EARLIER, strata_spec=STRATA, genres=GENRES)


if __name__ == "__main__":
    raise SystemExit(main())
