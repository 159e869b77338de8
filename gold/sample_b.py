"""Draw round b of the gold set: a fresh held-out part (``gold/pointers_b.jsonl``, no text).

    python gold/sample_b.py [--shared ../shared/data] [--out gold/pointers_b.jsonl]

Why: the held-out part of round a (``pointers.jsonl``) was scored against
several codebook versions, so it no longer estimates unseen text. Round b is
drawn once, coded twice independently and adjudicated, and then scored
against the final codebook only.

What (all deterministic; seed ``20261203:b``; see gold/README.md):

1. Documents: the ukpol speeches of *even* years 1998-2014 (ministers,
   Queen's Speeches and leaders outside party conference) and the GOV.UK
   speeches and publications that ``loaders.eligible_documents`` allows, minus every document group (copies
   grouped as in ``sample.py``) that holds any sentence of round a. Odd-year
   ukpol, bps-leader-speeches and ../shared/eval are never used.
2. Sentences: eligible as in ``sample.py``; none whose normalised text is a
   round-a sentence.
3. Three strata, in the design of ../shared/eval/dev.jsonl, drawn in this
   order: ``power`` (150; only the themes power/voice/choice and
   devolution/localism take turns, to give empowerment and devolution enough
   positive and hard negative cases), ``enriched`` (110; the seven themes of
   ``sample.NET`` take turns) and ``random`` (110). At most ``MAX_PER_DOC``
   sentences per document group over all strata.
4. Every sentence is in part ``heldout_b``; ids b001.. follow a seeded
   shuffle, so an id says nothing about the stratum.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample  # noqa: E402
import strata  # noqa: E402

SEED = "20261203:b"
STRATA = (
    ("power", 150, ("power_voice_choice", "devolution_localism")),
    ("enriched", 110, tuple(sample.NET)),
    ("random", 110, None),
)
MAX_PER_DOC = 10
HERE = Path(__file__).resolve().parent


def rng(purpose: str) -> random.Random:
    return random.Random(f"{SEED}:{purpose}")


def turns(items: list[dict], themes: tuple[str, ...], purpose: str):
    """Themes take turns (``strata.turns`` with this round's seed)."""
    return strata.turns(items, themes, purpose, rng)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--round-a", type=Path, default=HERE / "pointers.jsonl")
    ap.add_argument("--out", type=Path, default=HERE / "pointers_b.jsonl")
    args = ap.parse_args(argv)

    docs, pool, norms_by_doc = sample.build_pool(args.shared)
    group_of = sample.group_documents(docs, norms_by_doc)
    round_a = [json.loads(line) for line in args.round_a.open(encoding="utf-8") if line.strip()]
    used_keys = {p["meta"]["source"] for p in round_a}
    used_groups = {group_of[k] for k in used_keys if k in group_of}
    texts_a = dict(
        zip((p["id"] for p in round_a), __import__("materialise").resolve(round_a, args.shared), strict=True)
    )
    norms_a = {sample.normalise(t) for t in texts_a.values()}

    candidates = [
        it
        for it in pool
        if it["doc"].genre in ("ukpol", "govuk")
        and group_of[it["doc"].key] not in used_groups
        and it["norm"] not in norms_a
    ]
    free_docs = {it["doc"].key for it in candidates}
    print(f"candidate documents: {len(free_docs)}; sentences: {len(candidates)}", file=sys.stderr)

    chosen = strata.draw(
        candidates,
        STRATA,
        group_of,
        rng=rng,
        turn_rng=rng,
        turn_purpose=lambda st: st,
        max_per_doc=MAX_PER_DOC,
    )
    strata.write_pointers(chosen, args.out, rng=rng, prefix="b", part="heldout_b")
    print(f"documents used: {len({c['doc'].key for c in chosen})}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
