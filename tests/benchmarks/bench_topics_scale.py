"""Benchmark: time and peak memory of the topic job at 2k, 5k, 10k and 20k documents.

Documents are generated from real text: each is about ``--words`` words (default 850, so
20,000 documents are about 17 M words, as in issue 14) of paragraphs drawn at random from
the 363 leaders' speeches in ../shared/data/bps-leader-speeches, with a year and a party.
Each size runs in its own process (so peak RSS is that size's alone) and does what
``policytext topics --k 12`` does after reading the store: prepare (tokens, corpus stop
terms, phrases, passages), fit NMF, prevalence by year with 200 bootstrap resamples.

Prints, per size: documents, words, seconds (median of ``--repeats`` runs), seconds per
1,000 documents (flat when time is linear) and peak RSS in MB (target: under 600 MB at
20,000 documents). Run: ``.venv/bin/python tests/benchmarks/bench_topics_scale.py
--sizes 2000,5000,10000,20000``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from _memory import own_peak_rss_mb  # beside this script

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))
TEXTS = DATA / "bps-leader-speeches" / "texts"


def texts(n: int, words: int, seed: int = 0) -> Iterator[str]:
    """``n`` generated documents, streamed."""
    rng = random.Random(seed)
    paragraphs = [
        p.strip()
        for path in sorted(TEXTS.glob("*.txt"))
        for p in path.read_text(encoding="utf-8", errors="replace").split("\n")
        if len(p.split()) >= 20
    ]
    for _ in range(n):
        chosen, count = [], 0
        while count < words:
            paragraph = rng.choice(paragraphs)
            chosen.append(paragraph)
            count += len(paragraph.split())
        yield "\n\n".join(chosen)


def metadata(i: int) -> dict[str, object]:
    return {"year": 1980 + i % 40, "party": ("Labour", "Conservative")[i % 2]}


def one_run(n: int, words: int) -> dict[str, float]:
    from policytext.topics import analyse_topics, prepare_texts

    start = time.perf_counter()
    prepared = prepare_texts(texts(n, words), metadata=[metadata(i) for i in range(n)])
    prepare_seconds = time.perf_counter() - start
    analysis = analyse_topics(prepared, k=12, bootstrap=200)
    total = time.perf_counter() - start
    return {
        "documents": n,
        "units": analysis.settings["units"],
        "prepare_seconds": prepare_seconds,
        "seconds": total,
        "peak_mb": own_peak_rss_mb(),  # VmHWM: this child's own peak, not its parent's
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,5000,10000,20000")
    parser.add_argument("--words", type=int, default=850)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not TEXTS.is_dir():
        print(f"skipped: {TEXTS} not found", file=sys.stderr)
        return 0
    if args.one:
        print(json.dumps(one_run(args.one, args.words)))
        return 0
    print(f"{'documents':>9} {'words':>11} {'seconds':>8} {'s/1k docs':>9} {'prepare s':>9} {'peak MB':>8}")
    for n in (int(x) for x in args.sizes.split(",")):
        runs = []
        for _ in range(args.repeats):
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--words", str(args.words)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        seconds = statistics.median(r["seconds"] for r in runs)
        prepare = statistics.median(r["prepare_seconds"] for r in runs)
        peak = max(r["peak_mb"] for r in runs)
        print(
            f"{n:>9} {n * args.words:>11,} {seconds:>8.1f} {1000 * seconds / n:>9.2f} {prepare:>9.1f} {peak:>8.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
