"""Draw round p of the gold set: a thirteenth fresh held-out part (``gold/pointers_p.jsonl``, no text).

    python gold/sample_p.py [--shared ../shared/data] [--out gold/pointers_p.jsonl]

Why: in document-grouped cross-validation on rounds a-o (``cv_classifiers.py``), letting
the sentence classifier add every frame, not only 1.9's four, raised micro-F1 and above
all devolution on the manifesto rounds (m, n, o) and not on the speech rounds. Round p
tests that on manifesto sentences nobody has read: it is drawn from the manifestos only,
before the candidate classifier (every frame, rounds a-o) is trained, and scored once
under the rule in ``gold/README.md``. Sentence-disjoint, not document-disjoint (see
``sample_i.py``).

What (deterministic; seed ``20261205:p``): ``sample_d.draw_fresh_round`` over the
manifesto documents with round h's strata (``power`` 200, ``enriched`` 150, ``random``
150), skipping every sentence of rounds a to o: 438 sentences, as the random stratum
filled 88 of its 150 within the per-document cap. Part ``heldout_p``; ids p001.. follow
a seeded shuffle.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sample_h  # noqa: E402
import sample_o  # noqa: E402
from sample_d import round_main  # noqa: E402

SEED = "20261205:p"
GENRES = ("manifesto",)
EARLIER = (*sample_o.EARLIER, "pointers_o.jsonl")
STRATA = sample_h.STRATA


def main(argv=None) -> int:
    return round_main(argv, __doc__, "p", seed=SEED, earlier=EARLIER, strata_spec=STRATA, genres=GENRES)


if __name__ == "__main__":
    raise SystemExit(main())
