"""Benchmark: fit time and NPMI coherence of policytext's topic models against gensim and tomotopy.

What it measures, on a real dated corpus (../shared/data/ukpol_speeches: UK
political speeches 1997-2015), all in one run:

- policytext NMF and LDA at k = 10 and 20: fit time (median of --repeats runs)
  and mean NPMI coherence of the top 10 terms (sliding windows of 10 tokens
  over the modelled passages);
- gensim LdaModel and tomotopy LDAModel fitted on the same passages and the
  same vocabulary (policytext's preprocessing and pruning), scored by the same
  NPMI function;
- the dynamic model (two-layer NMF) on a generated corpus of 20 windows of
  2,000 documents (fit time only; the issue's target is minutes).

gensim and tomotopy are NOT dependencies of policytext. Install them only in a
separate benchmark environment, for example::

    python3 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install -e . gensim tomotopy
    /tmp/benchvenv/bin/python tests/benchmarks/bench_topics.py

Without them, their baselines are skipped with a message. Options:
``--docs N`` (documents used, default 300), ``--repeats N`` (default 3),
``--no-dynamic``. Targets from issue 5: policytext coherence >= gensim's,
fit time below gensim's and within 2x of tomotopy's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from policytext.topics import DynamicTopicModel, TopicModel, npmi_coherence, prepare_texts

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data")) / "ukpol_speeches"
_NOISE = re.compile(r"^\s*\*\[[^\]]+\]:.*$", re.MULTILINE)


def load_speeches(limit: int) -> tuple[list[str], list[int]]:
    """Speeches dated 1997-2015, evenly spread over the years, cleaned of scrape artefacts."""
    import csv

    with (DATA / "index.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if 1997 <= int(r["year"]) <= 2015]
    rows.sort(key=lambda r: (r["year"], r["path"]))
    if len(rows) > limit:  # spread the sample over the whole period
        rows = [rows[int(i)] for i in np.linspace(0, len(rows) - 1, limit)]
    texts, years = [], []
    for row in rows:
        record = json.loads((DATA / row["path"]).read_text(encoding="utf-8"))
        paragraphs = [_NOISE.sub("", p).strip() for p in record["content"] if not p.startswith("[![")]
        texts.append("\n\n".join(p for p in paragraphs if p))
        years.append(int(row["year"]))
    return texts, years


def timed(func, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ks", default="10,20")
    parser.add_argument("--no-dynamic", action="store_true")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: real data not found at {DATA} (set POLICYTEXT_SHARED_DATA)")
        return 0
    try:
        import gensim  # noqa: F401
    except ImportError:
        gensim = None
        print("gensim baseline skipped: not installed (pip install gensim, in a benchmark venv only)")
    try:
        import tomotopy
    except ImportError:
        tomotopy = None
        print("tomotopy baseline skipped: not installed (pip install tomotopy, in a benchmark venv only)")

    texts, years = load_speeches(args.docs)
    start = time.perf_counter()
    prepared = prepare_texts(texts, metadata=[{"year": y} for y in years])
    prep_s = time.perf_counter() - start
    words = sum(len(t.split()) for t in texts)
    print(
        f"corpus: {len(texts)} speeches {min(years)}-{max(years)}, {words:,} words -> "
        f"{len(prepared.passages)} passages, {len(prepared.phrases)} phrases; preprocessing {prep_s:.1f} s "
        f"({words / prep_s:,.0f} words/s)"
    )
    # One vocabulary for all: policytext's pruning (min_df=2, max_df=0.9).
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=lambda x: x, min_df=2, max_df=0.9).fit(prepared.texts)
    vocab = set(vectorizer.get_feature_names_out())
    docs = [[t for t in p if t in vocab] for p in prepared.texts]
    docs = [d for d in docs if d]
    print(f"vocabulary: {len(vocab):,} terms; {len(docs)} non-empty passages; {sum(map(len, docs)):,} tokens")
    print("threads: OMP/BLAS default for scikit-learn; gensim LdaModel single process; tomotopy workers=1")
    print()
    print(f"{'model':<28}{'k':>4}{'fit s (median)':>16}{'NPMI':>8}")
    results: dict[tuple[str, int], tuple[float, float]] = {}

    def report(name: str, k: int, seconds: float, topics: list[list[str]]) -> None:
        score = float(np.nanmean(npmi_coherence(topics, docs, window=10)))
        results[(name, k)] = (seconds, score)
        print(f"{name:<28}{k:>4}{seconds:>16.2f}{score:>8.3f}", flush=True)

    for k in [int(x) for x in args.ks.split(",")]:
        for method in ("nmf", "lda"):
            seconds, model = timed(
                lambda m=method, k=k: TopicModel(k, method=m, random_state=0).fit(docs),
                args.repeats,
            )
            report(
                f"policytext {method.upper()}",
                k,
                seconds,
                [[t for t, _ in x.terms] for x in model.topics(10)],
            )
        if gensim is not None:
            from gensim.corpora import Dictionary
            from gensim.models import LdaModel

            dictionary = Dictionary(docs)
            bow = [dictionary.doc2bow(d) for d in docs]

            def fit_gensim(bow=bow, dictionary=dictionary, k=k):
                return LdaModel(
                    bow,
                    id2word=dictionary,
                    num_topics=k,
                    passes=10,
                    iterations=50,
                    random_state=0,
                    eval_every=None,
                )

            seconds, lda = timed(fit_gensim, args.repeats)
            report(
                "gensim LdaModel (10 passes)",
                k,
                seconds,
                [[w for w, _ in lda.show_topic(z, topn=10)] for z in range(k)],
            )
        if tomotopy is not None:

            def fit_tomotopy(k=k):
                model = tomotopy.LDAModel(k=k, seed=0)
                for d in docs:
                    model.add_doc(d)
                model.train(500, workers=1)
                return model

            seconds, tm = timed(fit_tomotopy, args.repeats)
            report(
                "tomotopy LDA (500 iter)",
                k,
                seconds,
                [[w for w, _ in tm.get_topic_words(z, top_n=10)] for z in range(k)],
            )

    print()
    for (name, k), (seconds, score) in sorted(results.items(), key=lambda x: (x[0][1], x[0][0])):
        if not name.startswith("policytext"):
            continue
        notes = []
        if ("gensim LdaModel (10 passes)", k) in results:
            g_s, g_score = results[("gensim LdaModel (10 passes)", k)]
            notes.append(f"time/gensim {seconds / g_s:.2f}x, NPMI - gensim {score - g_score:+.3f}")
        if ("tomotopy LDA (500 iter)", k) in results:
            t_s, t_score = results[("tomotopy LDA (500 iter)", k)]
            notes.append(f"time/tomotopy {seconds / t_s:.2f}x, NPMI - tomotopy {score - t_score:+.3f}")
        print(f"{name} k={k}: " + ("; ".join(notes) if notes else "no baseline"))

    if not args.no_dynamic:
        print()
        rng = np.random.default_rng(0)
        vocab_size, n_topics, windows = 5000, 20, 20
        topic_words = [rng.choice(vocab_size, size=200, replace=False) for _ in range(n_topics)]
        names = np.array([f"w{i}" for i in range(vocab_size)], dtype=object)
        window_docs = {}
        for w in range(windows):
            docs_w = []
            for _ in range(2000):
                mix = rng.dirichlet(np.full(n_topics, 0.1))
                z = rng.choice(n_topics, size=60, p=mix)
                docs_w.append(list(names[[topic_words[t][rng.integers(0, 200)] for t in z]]))
            window_docs[f"{1995 + w}"] = docs_w
        start = time.perf_counter()
        dynamic = DynamicTopicModel(window_k=20, dynamic_k=20, random_state=0).fit(window_docs)
        seconds = time.perf_counter() - start
        print(
            f"dynamic two-layer NMF: 20 windows x 2,000 generated documents (60 tokens, 5,000-term vocabulary), "
            f"k=20 per window, 20 dynamic topics: {seconds:.1f} s (one run); "
            f"{len(dynamic.window_topics_)} window topics linked"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
