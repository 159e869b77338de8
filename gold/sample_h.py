"""Draw round h of the gold set: a fifth fresh held-out part (``gold/pointers_h.jsonl``, no text).

    python gold/sample_h.py [--shared ../shared/data] [--out gold/pointers_h.jsonl]

Why: round g was scored against the final codebook 1.5 and then retired into
tuning for a last pass; round h gives the result a score on sentences nobody
tuning it has read. Sentence-disjoint, not document-disjoint, like rounds d
to g (docs/validation.md states this limit).

What (deterministic; seed ``20261203:h``): ``sample_d.draw_fresh_round`` in the
proportions of ``sample_b.py`` but larger, for tighter intervals: ``power``
200, ``enriched`` 150, ``random`` 150 (500 sentences), skipping every
sentence of rounds a to g. Part ``heldout_h``; ids h001.. follow a seeded
shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_g  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261203:h"
# Round g's strata, skipping round g itself as well as every round g skipped.
STRATA = sample_g.STRATA
EARLIER = (*sample_g.EARLIER, "pointers_g.jsonl")


def main(argv=None) -> int:
    return round_main(argv, __doc__, "h", seed=SEED, earlier=EARLIER, strata_spec=STRATA)


if __name__ == "__main__":
    raise SystemExit(main())
