"""Benchmark: NPMI of topics on the 363 party leaders' speeches, against a scikit-learn anchor.

The measure (issue 14), the same for every model so that the figures compare:

- reference corpus: the 363 texts of ../shared/data/bps-leader-speeches/texts;
- each model's top 10 terms per topic, k = 12;
- a term is present in a text when its lower-cased form or its lookup lemma
  (spaCy's English lookup table, as policytext uses) occurs there; a phrase
  ("big society") when all its words do;
- NPMI of a pair from document co-occurrence, log(p(ab) / p(a)p(b)) / -log p(ab),
  -1 when the two never occur together; a topic's score is the mean over its
  45 pairs, a model's the mean over its topics.

This is not the coherence policytext reports with a fit (``Topic.coherence``: NPMI in
sliding windows of 10 tokens over the modelled passages, with the model's own
vocabulary). That one says how tightly the terms sit together in running text; this
one says whether whole speeches that use one term use the others, measured the same
way for every model, and needs the model's terms only.

Models, all fitted in the same run:

- anchor: scikit-learn NMF (NNDSVDa, random_state 0) on tf-idf of plain lookup
  lemmas (spaCy stop words out), one document per speech, min_df 5, max_df 0.5;
- policytext ``topics --method nmf`` and ``--method lda`` (defaults: passages,
  corpus stop terms, phrases).

Targets: policytext NMF >= 0.22 and LDA >= 0.18. Prints one line per model (NPMI,
fit time, repeated term forms) and the top terms; ``--json`` prints the figures as JSON.
Run: ``.venv/bin/python tests/benchmarks/bench_npmi.py``. ``--texts DIR`` takes every
.txt file under DIR as the documents and the reference corpus instead (the targets are
for the 363 speeches only); ``--k N`` another number of topics.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("POLICYTEXT_SHARED_DATA", ROOT.parent / "shared" / "data"))
TEXTS = DATA / "bps-leader-speeches" / "texts"
K = 12
TOP = 10


def load_texts(folder: Path | None = None) -> list[str]:
    """The 363 speeches in archive order, or every .txt file under ``folder`` (sorted)."""
    if folder is not None:
        files = sorted(folder.rglob("*.txt"))
    else:
        files = sorted(TEXTS.glob("political_speech_*.txt"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def lemma_table() -> Any:
    """spaCy's English lookup table (a ``Table``: ``get(form, default)`` hashes the string)."""
    from policytext.topics.prepare import topic_pipeline

    return topic_pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]


def presence_sets(texts: Sequence[str], table: Any) -> list[frozenset[str]]:
    """Per text, every lower-cased form and every lookup lemma of its words."""
    from spacy.lang.en import English

    tokenizer = English().tokenizer
    out = []
    for text in texts:
        forms = {t.lower_ for t in tokenizer(text) if t.is_alpha}
        out.append(frozenset(forms | {table.get(f, f) for f in forms}))
    return out


class Scorer:
    """NPMI of top-term lists from document co-occurrence over the reference texts."""

    def __init__(self, docs: Sequence[frozenset[str]]) -> None:
        self.docs = docs
        self.n = len(docs)
        self._cache: dict[str, np.ndarray] = {}

    def _vector(self, term: str) -> np.ndarray:
        if term not in self._cache:
            words = term.lower().split()
            self._cache[term] = np.array([all(w in d for w in words) for d in self.docs], dtype=bool)
        return self._cache[term]

    def pair(self, a: str, b: str) -> float:
        va, vb = self._vector(a), self._vector(b)
        n_a, n_b, n_ab = int(va.sum()), int(vb.sum()), int((va & vb).sum())
        if n_ab == 0:
            return -1.0
        p_a, p_b, p_ab = n_a / self.n, n_b / self.n, n_ab / self.n
        if p_ab >= 1.0:
            return 1.0
        return math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)

    def topic(self, terms: Sequence[str]) -> float:
        pairs = list(itertools.combinations(terms, 2))
        return float(np.mean([self.pair(a, b) for a, b in pairs]))

    def model(self, topics: Sequence[Sequence[str]]) -> float:
        return float(np.mean([self.topic(t) for t in topics]))


def _singular(word: str) -> str:
    """Plural to singular by spelling, for words the lookup table lacks ("tories")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def repeated_forms(topics: Sequence[Sequence[str]], table: Any) -> list[tuple[str, str]]:
    """Pairs of terms in one topic whose words have the same lookup lemmas or singulars
    ("human rights" and "human right"; "tory" and "tories")."""
    found = []
    for terms in topics:
        keys: dict[tuple[str, ...], str] = {}
        for term in terms:
            key = tuple(_singular(table.get(w, w)) for w in term.lower().split())
            if key in keys:
                found.append((keys[key], term))
            keys.setdefault(key, term)
    return found


def anchor_topics(texts: Sequence[str], table: Any) -> list[list[str]]:
    """scikit-learn NMF on tf-idf of plain lemmas, min_df 5, max_df 0.5, k = 12."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer
    from spacy.lang.en import English
    from spacy.lang.en.stop_words import STOP_WORDS

    tokenizer = English().tokenizer
    docs = [
        [
            table.get(t.lower_, t.lower_)
            for t in tokenizer(text)
            if t.is_alpha and t.lower_ not in STOP_WORDS and table.get(t.lower_, t.lower_) not in STOP_WORDS
        ]
        for text in texts
    ]
    vectorizer = TfidfVectorizer(analyzer=lambda d: d, min_df=5, max_df=0.5)
    matrix = vectorizer.fit_transform(docs)
    nmf = NMF(n_components=K, init="nndsvda", random_state=0, max_iter=1000).fit(matrix)
    vocab = vectorizer.get_feature_names_out()
    return [[str(vocab[j]) for j in np.argsort(-row)[:TOP]] for row in nmf.components_]


def main() -> int:
    global K
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--quiet", action="store_true", help="no top terms")
    parser.add_argument(
        "--texts", type=Path, default=None, metavar="DIR",
        help="another corpus: every .txt file under DIR is a document and the reference corpus "
        "(the targets are for the 363 speeches)",
    )  # fmt: skip
    parser.add_argument("--k", type=int, default=K, help=f"topics per model (default {K})")
    args = parser.parse_args()
    K = args.k
    folder = args.texts or TEXTS
    if not folder.is_dir():
        print(f"skipped: {folder} not found", file=sys.stderr)
        return 0
    from policytext.topics import TopicModel, prepare_texts

    texts = load_texts(args.texts)
    table = lemma_table()
    scorer = Scorer(presence_sets(texts, table))
    results: dict[str, dict[str, object]] = {}

    start = time.perf_counter()
    anchor = anchor_topics(texts, table)
    results["sklearn NMF anchor"] = {"seconds": time.perf_counter() - start, "topics": anchor}

    start = time.perf_counter()
    prepared = prepare_texts(texts)
    prep_seconds = time.perf_counter() - start
    for method in ("nmf", "lda"):
        start = time.perf_counter()
        model = TopicModel(K, method=method, random_state=0).fit(prepared.passages)
        topics = [[t for t, _ in topic.terms[:TOP]] for topic in model.topics(TOP)]
        results[f"policytext {method.upper()}"] = {
            "seconds": prep_seconds + time.perf_counter() - start,
            "topics": topics,
        }
    targets = {"policytext NMF": 0.22, "policytext LDA": 0.18} if args.texts is None and K == 12 else {}
    for name, result in results.items():
        topics = result["topics"]
        assert isinstance(topics, list)
        result["npmi"] = round(scorer.model(topics), 4)
        result["repeated_forms"] = repeated_forms(topics, table)
        result["target"] = targets.get(name)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"NPMI (document co-occurrence over {len(texts)} texts), k={K}, top {TOP} terms")
    print(f"policytext: {len(prepared.passages)} passages; stop terms: {', '.join(prepared.stop_terms)}")
    for name, result in results.items():
        target = f" (target >= {result['target']})" if result["target"] else ""
        print(
            f"{name:22s} NPMI {result['npmi']:.3f}{target}  {result['seconds']:.1f} s  "
            f"repeated forms: {result['repeated_forms'] or 'none'}"
        )
        if not args.quiet:
            topics = result["topics"]
            assert isinstance(topics, list)
            for terms in topics:
                print(f"    {scorer.topic(terms):+.3f}  {', '.join(terms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
