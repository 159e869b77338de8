"""Draw round f of the gold set: training and tuning sentences (``gold/pointers_f.jsonl``, no text).

    python gold/sample_f.py [--shared ../shared/data] [--out gold/pointers_f.jsonl]

Why: the supervised complement (``policytext train``) gained with every round
of gold (model-only micro-F1 0.58 on 2,059 sentences, 0.67 on 2,429), and the
codebook's error lists hold too few examples of each way of phrasing a
transfer of power. Round f adds sentences enriched for that vocabulary, for
training and tuning only.

What (deterministic; seed ``20261203:f``): ``sample_d.draw_fresh_round`` over
every genre ``loaders.eligible_documents`` allows (even-year ukpol speeches,
manifestos, GOV.UK), skipping every sentence of rounds a to e, in the strata
``power`` 390 (power/voice/choice and devolution/localism take turns) and
``enriched`` 210 (the seven themes take turns); at most 12 new sentences per
document group. Part ``tune_f``; ids f001.. follow a seeded shuffle.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample  # noqa: E402
from sample_d import draw_fresh_round  # noqa: E402

SEED = "20261203:f"
HERE = Path(__file__).resolve().parent
EARLIER = ("pointers.jsonl", "pointers_b.jsonl", "pointers_c.jsonl", "pointers_d.jsonl", "pointers_e.jsonl")
STRATA = (
    ("power", 390, ("power_voice_choice", "devolution_localism")),
    ("enriched", 210, tuple(sample.NET)),
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_f.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(
        args.shared, args.out, seed=SEED, earlier=EARLIER, prefix="f", part="tune_f",
        strata_spec=STRATA, genres=("ukpol", "manifesto", "govuk"), max_per_doc=12, net_always=True,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
