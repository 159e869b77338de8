"""Draw round g of the gold set: a fourth fresh held-out part (``gold/pointers_g.jsonl``, no text).

    python gold/sample_g.py [--shared ../shared/data] [--out gold/pointers_g.jsonl]

Why: round e was scored once against codebook 1.5 and then, like rounds a to
d, used for tuning; round f was drawn for training the supervised complement.
Round g gives what was built from them a score on sentences nobody tuning it
has read. Like rounds d and e it is sentence-disjoint, not document-disjoint
(docs/validation.md states this limit).

What (deterministic; seed ``20261203:g``): ``sample_d.draw_fresh_round`` in the
proportions of ``sample_b.py`` but larger, for tighter intervals: ``power``
200, ``enriched`` 150, ``random`` 150 (500 sentences), skipping every
sentence of rounds a to f. Part ``heldout_g``; ids g001.. follow a seeded
shuffle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample  # noqa: E402
from sample_d import draw_fresh_round  # noqa: E402

SEED = "20261203:g"
STRATA = (
    ("power", 200, ("power_voice_choice", "devolution_localism")),
    ("enriched", 150, tuple(sample.NET)),
    ("random", 150, None),
)
HERE = Path(__file__).resolve().parent
EARLIER = (
    "pointers.jsonl",
    "pointers_b.jsonl",
    "pointers_c.jsonl",
    "pointers_d.jsonl",
    "pointers_e.jsonl",
    "pointers_f.jsonl",
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_g.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(
        args.shared, args.out, seed=SEED, earlier=EARLIER, prefix="g", part="heldout_g", strata_spec=STRATA
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
