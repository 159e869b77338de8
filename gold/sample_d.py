"""Draw round d of the gold set: a second fresh held-out part (``gold/pointers_d.jsonl``, no text).

    python gold/sample_d.py [--shared ../shared/data] [--out gold/pointers_d.jsonl]

Why: round b was scored once against codebook 1.4 (before its errors were
read) and then used for tuning, like rounds a and c. Round d gives the final
codebook a score on sentences nobody tuning it has read. Every eligible ukpol
and GOV.UK document is now in some earlier round, so round d is new
*sentences* from those documents (sentence-disjoint, not document-disjoint;
docs/validation.md states this limit).

What (deterministic; seed ``20261203:d``): the strata of ``sample_b.py``
(``power`` 150, ``enriched`` 110, ``random`` 110, drawn in that order) over
the even-year ukpol speeches and GOV.UK documents that
``loaders.eligible_documents`` allows, skipping every sentence of rounds a, b
and c; at most ``MAX_PER_DOC`` new sentences per document group. Part
``heldout_d``; ids d001.. follow a seeded shuffle.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402
import sample  # noqa: E402
import sample_b  # noqa: E402
import strata  # noqa: E402
from sample_b import STRATA  # noqa: E402

SEED = "20261203:d"
MAX_PER_DOC = 6
HERE = Path(__file__).resolve().parent


def draw_fresh_round(
    shared: Path,
    out: Path,
    *,
    seed: str,
    earlier: tuple[str, ...],
    prefix: str,
    part: str,
    strata_spec: tuple = STRATA,
    genres: tuple[str, ...] = ("ukpol", "govuk"),
    max_per_doc: int = MAX_PER_DOC,
    net_always: bool = False,
) -> None:
    """Draw a round of new sentences from documents of ``genres``, skipping every sentence of
    the ``earlier`` pointer files, in ``strata_spec`` (default: the strata of ``sample_b.py``);
    seeded by ``seed``."""

    def seeded(purpose: str) -> random.Random:
        return random.Random(f"{seed}:{purpose}")

    docs, pool, norms_by_doc = sample.build_pool(shared)
    group_of = sample.group_documents(docs, norms_by_doc)
    used_norms = strata.sentence_norms([strata.read_pointers(name) for name in earlier], shared)
    candidates = [it for it in pool if it["doc"].genre in genres and it["norm"] not in used_norms]
    print(f"candidate sentences: {len(candidates)}", file=sys.stderr)

    chosen = strata.draw(
        candidates, strata_spec, group_of, rng=seeded, turn_rng=sample_b.rng,
        turn_purpose=lambda st: f"{seed}:{st}", max_per_doc=max_per_doc,
    )  # fmt: skip
    strata.write_pointers(chosen, out, rng=seeded, prefix=prefix, part=part, net_always=net_always)


def round_main(
    argv: list[str] | None,
    doc: str,
    round_: str,
    *,
    seed: str,
    earlier: tuple[str, ...],
    strata_spec: tuple,
    genres: tuple[str, ...] = ("ukpol", "govuk"),
) -> int:
    """The command line of a round's sampler (``sample_h.py`` on): ``--shared``, ``--out``, then
    :func:`draw_fresh_round` with part ``heldout_<round_>`` and ids ``<round_>001``..."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / f"pointers_{round_}.jsonl")
    args = ap.parse_args(argv)
    draw_fresh_round(
        args.shared, args.out, seed=seed, earlier=earlier, prefix=round_, part=f"heldout_{round_}",
        strata_spec=strata_spec, genres=genres,
    )  # fmt: skip
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=HERE / "pointers_d.jsonl")
    args = ap.parse_args(argv)
    earlier = ("pointers.jsonl", "pointers_b.jsonl", "pointers_c.jsonl")
    draw_fresh_round(args.shared, args.out, seed=SEED, earlier=earlier, prefix="d", part="heldout_d")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
