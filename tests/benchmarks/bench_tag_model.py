"""Benchmark of `tag --model`: throughput of codebook + model (union) against the codebook alone.

Run from the repository root (reads ../shared/data and ../shared/eval/dev.jsonl; prints
figures, asserts nothing)::

    .venv/bin/python tests/benchmarks/bench_tag_model.py [--docs 40] [--runs 3]

A stacked model is trained on ../shared/eval/dev.jsonl (the old development gold: its
sentences stay outside the repository), then the same speeches are tagged with the
default codebook alone and with ``model=..., combine="union"`` in one process, each
timed as the whole job (read, tag, classify the sentences, write). Medians of ``--runs``
runs; the ratio is codebook+model tokens/s over codebook tokens/s measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))
TEXTS = DATA / "bps-leader-speeches" / "texts"
GOLD = DATA.parent / "eval" / "dev.jsonl"


def time_tag(db: Path, **options: object) -> tuple[float, int, int]:
    from policytext.store.corpus import Corpus
    from policytext.tagging import tag_corpus

    with Corpus.open(db) as corpus, corpus.transaction() as conn:
        conn.execute("DELETE FROM matches")
        conn.execute("DELETE FROM tagged_documents")
    with Corpus.open(db) as corpus:
        start = time.perf_counter()
        summary = tag_corpus(corpus, **options)  # type: ignore[arg-type]
        return time.perf_counter() - start, summary.tokens, summary.matches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="speeches to use (default 40)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    args = parser.parse_args()
    if not TEXTS.is_dir() or not GOLD.is_file():
        raise SystemExit(f"needs {TEXTS} and {GOLD}")
    from policytext.store.corpus import Corpus, Document
    from policytext.training import save_model, train_model

    texts = [
        f.read_text(encoding="utf-8", errors="replace") for f in sorted(TEXTS.glob("*.txt"))[: args.docs]
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with Corpus.open(db) as corpus:
            corpus.add_many(Document(text=t, id=f"speech-{i}") for i, t in enumerate(texts))
        start = time.perf_counter()
        save_model(train_model([GOLD], stacked=True), "frames", Path(tmp) / "models")
        print(f"trained a stacked model on {GOLD.name} in {time.perf_counter() - start:.1f} s")
        codebook, union = [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both alike
            codebook.append(time_tag(db))
            union.append(time_tag(db, model="frames", combine="union", models_dir=Path(tmp) / "models"))
        tokens = codebook[0][1]
        base = statistics.median(t for t, _, _ in codebook)
        both = statistics.median(t for t, _, _ in union)
        print(f"corpus: {len(texts)} speeches, {tokens} tokens")
        print(f"codebook only     : {tokens / base:10.0f} tokens/s (median {base:.2f} s of {args.runs}; "
              f"{codebook[0][2]} matches)")  # fmt: skip
        print(f"codebook + model  : {tokens / both:10.0f} tokens/s (median {both:.2f} s of {args.runs}; "
              f"{union[0][2]} matches)")  # fmt: skip
        print(f"ratio union/codebook: {base / both:.2f}   (load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
