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

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample_h  # noqa: E402
import sample_n  # noqa: E402
from sample_d import draw_fresh_round  # noqa: E402

SEED = "20261204:o"
HERE = Path(__file__).resolve().parent
GENRES = ("ukpol", "manifesto", "govuk")
EARLIER = (*sample_n.EARLIER, "pointers_n.jsonl")
STRATA = sample_h.STRATA


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_o.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(
        args.shared, args.out, seed=SEED, earlier=EARLIER, prefix="o", part="heldout_o",
        strata_spec=STRATA, genres=GENRES,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
