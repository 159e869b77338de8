"""Draw round c of the gold set: more tuning sentences (``gold/pointers_c.jsonl``, no text).

    python gold/sample_c.py [--shared ../shared/data] [--out gold/pointers_c.jsonl]

Why: the error lists of rounds a and ../shared/eval hold too few empowerment
and devolution sentences to tell a general pattern from a memorised one.
Round c adds sentences enriched for that vocabulary, for tuning only.

What (deterministic; seed ``20261203:c``):

1. Documents: everything ``loaders.eligible_documents`` allows (ukpol speeches
   of even years outside party conference, manifestos, GOV.UK), minus every
   document group holding a sentence of round b (``pointers_b.jsonl``, the
   fresh held-out part, which must stay unseen). Odd-year ukpol,
   bps-leader-speeches and ../shared/eval are never used.
2. Sentences: eligible as in ``sample.py``; none already in round a or b.
3. Strata: ``power`` (280; the themes power/voice/choice and
   devolution/localism take turns) and ``enriched`` (120; the seven themes
   take turns). At most ``MAX_PER_DOC`` sentences per document group, counting
   rounds a and c together.
4. Every sentence is in part ``tune_c``; ids c001.. follow a seeded shuffle.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample  # noqa: E402
import sample_b  # noqa: E402
import strata  # noqa: E402

SEED = "20261203:c"
STRATA = (
    ("power", 280, ("power_voice_choice", "devolution_localism")),
    ("enriched", 120, tuple(sample.NET)),
)
MAX_PER_DOC = 12
HERE = Path(__file__).resolve().parent


def rng(purpose: str) -> random.Random:
    return random.Random(f"{SEED}:{purpose}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_c.jsonl")
    args = ap.parse_args(argv)

    docs, pool, norms_by_doc = sample.build_pool(args.shared)
    group_of = sample.group_documents(docs, norms_by_doc)
    rounds = {name: strata.read_pointers(name) for name in ("pointers.jsonl", "pointers_b.jsonl")}
    held_groups = {
        group_of[p["meta"]["source"]] for p in rounds["pointers_b.jsonl"] if p["meta"]["source"] in group_of
    }
    used_norms = strata.sentence_norms(list(rounds.values()), args.shared)
    per_group: Counter = Counter(
        group_of[p["meta"]["source"]] for p in rounds["pointers.jsonl"] if p["meta"]["source"] in group_of
    )

    candidates = [
        it for it in pool if group_of[it["doc"].key] not in held_groups and it["norm"] not in used_norms
    ]
    print(f"candidate sentences: {len(candidates)}", file=sys.stderr)
    chosen = strata.draw(
        candidates, STRATA, group_of, rng=rng, turn_rng=sample_b.rng,
        turn_purpose=lambda st: f"{SEED}:{st}", max_per_doc=MAX_PER_DOC, per_group=per_group,
    )  # fmt: skip
    strata.write_pointers(chosen, args.out, rng=rng, prefix="c", part="tune_c", net_always=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
