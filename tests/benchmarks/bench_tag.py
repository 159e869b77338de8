"""Benchmark of `tag` on real speeches: throughput, 2-worker scaling, memory with a 10x corpus.

Run from the repository root (reads ../shared/data; prints figures, asserts nothing)::

    .venv/bin/python tests/benchmarks/bench_tag.py [--docs 120] [--runs 3]
    .venv/bin/python tests/benchmarks/bench_tag.py --sizes 10,30,120,363 --runs 5
    .venv/bin/python tests/benchmarks/bench_tag.py --sizes 30 --paragraphs --runs 5
    .venv/bin/python tests/benchmarks/bench_tag.py --texts DIR [--texts DIR2] --sizes 588 --runs 3

1. Throughput: word tokens per second of the whole tagging job (``tag_corpus``:
   read texts from the store, sentencizer + rhetoric tagger, write matches)
   against bare tokenization (``nlp.make_doc``) of the same texts, measured in
   the same run; medians of ``--runs`` runs. Target: ratio >= 0.60. Tokenizer
   state is compared like for like: a new tagging pipeline (as one ``policytext
   tag`` run has) against a fresh ``make_doc`` pipeline, and a reused tagging
   pipeline (``tag_corpus(pipeline=...)``) against a ``make_doc`` pipeline that
   has seen the texts; the mixed ratio is printed too. The tagger's tokenizer fills
   spaCy's cache chunk by chunk (``policytext._text.ChunkCacheTokenizer``: the same
   tokens, long texts about twice as fast), so a second ratio is printed against
   ``make_doc`` with that tokenizer: the tagger's own cost beyond tokenization.
2. Scaling: the same job with ``workers=2`` against ``workers=1``. Target >= 1.7x
   (needs two idle cores; the figure says how busy the machine was).
3. Memory: peak RSS of a fresh process tagging the corpus once and repeated 10
   times (10x documents). Target: flat (ratio close to 1). The 1x corpus should
   fill at least one tagging batch (about 100,000 tokens; 40 speeches do), or
   the ratio shows the batch filling up rather than growth with the corpus.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import own_peak_rss_mb  # beside this script

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))
TEXTS = DATA / "bps-leader-speeches" / "texts"
FOLDERS: list[Path] = [TEXTS]  # --texts: where the .txt files come from (default: the 363 speeches)


def load_texts(count: int) -> list[str]:
    """The first ``count`` .txt files under :data:`FOLDERS` (each folder's sorted, in turn)."""
    files = [f for folder in FOLDERS for f in sorted(folder.rglob("*.txt"))][:count]
    return [f.read_text(encoding="utf-8", errors="replace") for f in files]


def build_db(path: Path, texts: list[str], *, repeat: int = 1) -> None:
    from policytext.store.corpus import Corpus, Document

    with Corpus.open(path) as corpus:
        corpus.add_many(
            Document(text=text, id=f"speech-{copy}-{number}")
            for copy in range(repeat)
            for number, text in enumerate(texts)
        )


def clear_tags(path: Path) -> None:
    from policytext.store.corpus import Corpus

    with Corpus.open(path) as corpus, corpus.transaction() as conn:
        conn.execute("DELETE FROM matches")
        conn.execute("DELETE FROM tagged_documents")


CODEBOOK: str | None = None  # --codebook: another codebook file to time (default: the shipped one)


def time_tag(path: Path, workers: int, pipeline: object = None) -> tuple[float, int]:
    """The whole tagging job; ``pipeline``: reuse that (warm) pipeline instead of building one."""
    from policytext.store.corpus import Corpus
    from policytext.tagging import tag_corpus

    clear_tags(path)
    with Corpus.open(path) as corpus:
        start = time.perf_counter()
        summary = tag_corpus(corpus, CODEBOOK, workers=workers, pipeline=pipeline)  # type: ignore[arg-type]
        return time.perf_counter() - start, summary.tokens


def time_make_doc(texts: list[str], *, chunk_cache: bool = False) -> tuple[float, int]:
    """Bare tokenization with a fresh pipeline, as ``tag`` starts with one (cold vocabulary).

    The tokenizer's cache and vocabulary fill as it sees new words, so a fresh
    pipeline is the like-for-like baseline for one ``tag`` run; the warm figure
    (a pipeline that has already seen these texts) is printed too. With
    ``chunk_cache`` the tokenizer is the tagger's (:class:`ChunkCacheTokenizer`:
    the same tokens, its cache filled chunk by chunk), so the ratio against it is
    the tagger's own cost beyond tokenization.
    """
    import spacy

    from policytext._text import count_doc_tokens, with_chunk_cache

    nlp = spacy.blank("en")
    if chunk_cache:
        with_chunk_cache(nlp)
    start = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    elapsed = time.perf_counter() - start
    return elapsed, sum(count_doc_tokens(doc) for doc in docs)


def peak_memory_child(db: str) -> None:
    """Run in a fresh process: tag ``db`` and print the peak RSS in MB."""
    from policytext.store.corpus import Corpus
    from policytext.tagging import tag_corpus

    with Corpus.open(db) as corpus:
        tag_corpus(corpus)
    print(own_peak_rss_mb())


def peak_memory(db: Path) -> float:
    result = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def paragraphs(texts: list[str]) -> list[str]:
    """The texts' paragraphs of five words or more: a corpus of short documents."""
    return [p for text in texts for p in text.split("\n") if len(p.split()) >= 5]


def sweep(sizes: list[int], runs: int, *, split: bool = False) -> None:
    """The fresh ratio (new-pipeline tag / fresh ``make_doc``) at several corpus sizes.

    Each size gets its own store, a warm-up run, then ``runs`` alternating pairs;
    medians per size. The fixed cost of building the pipeline weighs more on small
    corpora; the tagger's cost per token decides the ratio on large ones. With
    ``split`` each speech's paragraphs are the documents (fixed costs per document).
    """
    print(
        f"{'speeches':>8} {'docs':>6} {'tokens':>9} {'make_doc s':>10} {'cached s':>8} {'tag s':>7}"
        f" {'ratio':>6} {'vs cached':>9}  runs"
    )
    for size in sizes:
        texts = load_texts(size)
        speeches = len(texts)
        if split:
            texts = paragraphs(texts)
        workdir = Path(tempfile.mkdtemp(prefix="bench-tag-"))
        try:
            db = workdir / "bench.db"
            build_db(db, texts)
            time_tag(db, 1)  # warm-up
            base, cached, tag, tokens = [], [], [], 0
            for _ in range(runs):
                elapsed, tokens = time_make_doc(texts)
                base.append(elapsed)
                cached.append(time_make_doc(texts, chunk_cache=True)[0])
                tag.append(time_tag(db, 1)[0])
            b, c, t = statistics.median(base), statistics.median(cached), statistics.median(tag)
            each = ", ".join(f"{x / y:.2f}" for x, y in zip(base, tag, strict=True))
            print(
                f"{speeches:>8} {len(texts):>6} {tokens:>9} {b:>10.2f} {c:>8.2f} {t:>7.2f}"
                f" {b / t:>6.2f} {c / t:>9.2f}  {each}"
            )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; target ratio >= 0.60 "
        "(ratio: against spaCy's make_doc; vs cached: against make_doc with the tagger's chunk cache)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=120, help="speeches to use (default 120)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--memory-docs", type=int, default=40,
                        help="speeches in the memory test (default 40: more than one tagging batch)")  # fmt: skip
    parser.add_argument("--memory-child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--codebook", default=None, help="codebook file to time (default: the shipped one)")
    parser.add_argument(
        "--paragraphs", action="store_true", help="with --sizes: the speeches' paragraphs are the documents"
    )
    parser.add_argument(
        "--texts",
        action="append",
        type=Path,
        default=None,
        help="a folder of .txt files to use instead of the 363 speeches (repeat for several; "
        "sizes count its files)",
    )
    parser.add_argument(
        "--sizes",
        default=None,
        help="comma-separated corpus sizes: only the fresh ratio at each (e.g. 10,30,120,363)",
    )
    args = parser.parse_args()
    global CODEBOOK
    CODEBOOK = args.codebook
    if args.memory_child:
        peak_memory_child(args.memory_child)
        return
    if args.texts:
        FOLDERS[:] = args.texts
    for folder in FOLDERS:
        if not folder.is_dir():
            sys.exit(f"texts not found at {folder} (set POLICYTEXT_SHARED_DATA or give --texts DIR)")
    if args.sizes:
        sweep([int(size) for size in args.sizes.split(",")], args.runs, split=args.paragraphs)
        return
    texts = load_texts(args.docs)
    workdir = Path(tempfile.mkdtemp(prefix="bench-tag-"))
    try:
        db = workdir / "bench.db"
        build_db(db, texts)
        time_tag(db, 1)  # warm-up: lemma tables, spaCy imports, file cache
        warm_nlp = __import__("spacy").blank("en")
        for text in texts:
            warm_nlp.make_doc(text)
        from policytext.rhetoric import build_pipeline

        warm_tagger = build_pipeline(CODEBOOK)
        time_tag(db, 1, warm_tagger)  # its tokenizer has now seen the texts, as warm_nlp's has
        warm: list[float] = []
        base, cached, tag1, tag2, tag_warm = [], [], [], [], []
        tokens = 0
        for _ in range(args.runs):
            elapsed, tokens = time_make_doc(texts)
            base.append(elapsed)
            cached.append(time_make_doc(texts, chunk_cache=True)[0])
            start = time.perf_counter()
            for text in texts:
                warm_nlp.make_doc(text)
            warm.append(time.perf_counter() - start)
            tag1.append(time_tag(db, 1)[0])
            tag_warm.append(time_tag(db, 1, warm_tagger)[0])
            tag2.append(time_tag(db, 2)[0])
        b, t1, t2 = statistics.median(base), statistics.median(tag1), statistics.median(tag2)
        print(f"corpus: {len(texts)} speeches, {tokens} word tokens, {sum(map(len, texts))} characters")
        print(f"make_doc          : {tokens / b:10.0f} tokens/s  (median {b:.2f} s of {args.runs})")
        w, c = statistics.median(warm), statistics.median(cached)
        print(f"make_doc, warm    : {tokens / w:10.0f} tokens/s  (median {w:.2f} s; vocabulary already seen)")
        print(
            f"make_doc, cached  : {tokens / c:10.0f} tokens/s  (median {c:.2f} s; the tagger's chunk cache)"
        )
        tw = statistics.median(tag_warm)
        print(f"tag, 1 process    : {tokens / t1:10.0f} tokens/s  (median {t1:.2f} s; new pipeline)")
        print(f"tag, 1 proc, warm : {tokens / tw:10.0f} tokens/s  (median {tw:.2f} s; pipeline reused)")
        print(f"tag, 2 workers    : {tokens / t2:10.0f} tokens/s  (median {t2:.2f} s)")
        print(
            f"ratio tag/make_doc: {b / t1:.2f}   (target >= 0.60; both fresh; new-pipeline tag "
            f"against warm make_doc {w / t1:.2f})"
        )
        print(f"ratio vs cached   : {c / t1:.2f}   (both fresh, make_doc with the tagger's chunk cache)")
        print(f"ratio warm/warm   : {w / tw:.2f}   (reused tag pipeline against warm make_doc)")
        print(
            f"scaling 2 workers : {t1 / t2:.2f}x (target >= 1.7x; os.cpu_count()={os.cpu_count()}, "
            f"load average {os.getloadavg()[0]:.2f})"
        )
        small = load_texts(args.memory_docs)
        once, tenfold = workdir / "once.db", workdir / "tenfold.db"
        build_db(once, small)
        build_db(tenfold, small, repeat=10)
        m1, m10 = peak_memory(once), peak_memory(tenfold)
        print(f"peak RSS, 1x corpus ({len(small)} docs) : {m1:.0f} MB")
        print(
            f"peak RSS, 10x corpus ({10 * len(small)} docs): {m10:.0f} MB  (ratio {m10 / m1:.2f}, target ~1)"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
