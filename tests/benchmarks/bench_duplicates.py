"""Benchmark: duplicate clustering on the real corpus (~1,000 documents) and 20,000 synthetic ones.

Real: the ukpol speeches (JSON), the BPS leader speeches (text + metadata.csv) and the
quanteda manifestos of ../shared/data are stored in a temporary store; the benchmark
times ``Corpus.refresh_duplicates(force=True)`` from scratch (MinHash signatures of
every document, then clustering) and again with the signatures stored (clustering
only), and prints what it found: the ukpol joint press-conference twins and the
clusters that join two sources.

Synthetic: 20,000 documents of 200-600 words drawn from the real paragraphs, of which
1,000 are near copies (punctuation changed, a sentence cut, a note added) of others.
Storing them counts tokens with ``str.split`` (not spaCy) to keep the set-up short;
the timed part is the same ``refresh_duplicates`` call. Baseline measured in the same
run: reading every text from the store and splitting it into words (the floor any
text-based method pays).

Figures are medians of ``--runs`` runs.

Run:  .venv/bin/python tests/benchmarks/bench_duplicates.py [--runs 3] [--synthetic 20000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import policytext.store.writes as writes
from policytext.store.corpus import Corpus, Document

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
_IMAGE = re.compile(r"^\[?!\[")
_ABBREVIATION = re.compile(r"^\s*\*\[[^\]]+\]:")


def ukpol_documents() -> Iterator[Document]:
    index = {row["path"]: row for row in csv.DictReader((DATA / "ukpol_speeches" / "index.csv").open())}
    for path in sorted((DATA / "ukpol_speeches" / "data").glob("*/*.json")):
        record = json.loads(path.read_text("utf-8"))
        paragraphs = [
            "\n".join(line for line in p.splitlines() if not _ABBREVIATION.match(line)).strip()
            for p in record.get("content", [])
            if not _IMAGE.match(p)
        ]
        text = "\n\n".join(p for p in paragraphs if p)
        if not text:
            continue
        row = index.get(f"data/{path.parent.name}/{path.name}", {})
        surname, first = path.stem.split("-")[:2]  # the speaker is in the file name (ukpol's slug)
        yield Document(
            id=path.stem,
            text=text,
            source="ukpol",
            url=record.get("url"),
            title=record.get("title"),
            speaker=f"{first} {surname}".title(),
            date=row.get("date_from_summary") or row.get("year") or None,
            doc_type="speech",
        )


def bps_documents() -> Iterator[Document]:
    folder = DATA / "bps-leader-speeches"
    meta = {row["file"]: row for row in csv.DictReader((folder / "metadata.csv").open())}
    for path in sorted((folder / "texts").glob("*.txt")):
        row = meta.get(path.name, {})  # metadata.csv covers files 1-175 (1996-2018)
        yield Document(
            id="bps/" + path.stem,
            text=path.read_text("utf-8"),
            source="bps",
            speaker=row.get("speaker") or None,
            party=row.get("party") or None,
            date=row.get("date") or row.get("year") or None,
            venue=row.get("location") or None,
            doc_type="speech",
        )


def manifesto_documents() -> Iterator[Document]:
    folder = DATA / "quanteda_ukmanifestos"
    for path in sorted(folder.rglob("*.txt")):
        yield Document(
            id="manifesto/" + path.stem, text=path.read_text("utf-8"), source="quanteda", doc_type="manifesto"
        )


def _median(runs: int, setup: Callable[[], None], work: Callable[[], object]) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``work`` (the machine may be shared: CPU time
    is the fairer figure when it is loaded)."""
    walls, cpus = [], []
    for _ in range(runs):
        setup()
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _fmt(figures: tuple[float, float]) -> str:
    return f"{figures[0]:.2f} s wall / {figures[1]:.2f} s CPU"


def _clear(corpus: Corpus) -> Callable[[], None]:
    def clear() -> None:
        with corpus.transaction() as conn:
            conn.execute("DELETE FROM document_signatures")
            conn.execute("DELETE FROM duplicate_clusters")

    return clear


def _baseline(corpus: Corpus) -> None:
    for _, text in corpus.iter_texts():
        text.lower().split()


def bench_real(folder: Path, runs: int) -> None:
    corpus = Corpus.open(folder / "real.db")
    start = time.perf_counter()
    for docs in (ukpol_documents(), bps_documents(), manifesto_documents()):
        corpus.add_many(docs)
    print(
        f"real: stored {corpus.count()} documents in {time.perf_counter() - start:.1f} s (spaCy token counts)"
    )
    full = _median(runs, _clear(corpus), lambda: corpus.refresh_duplicates(force=True))
    cluster_only = _median(runs, lambda: None, lambda: corpus.refresh_duplicates(force=True))
    base = _median(runs, lambda: None, lambda: _baseline(corpus))
    clusters = corpus.duplicate_clusters()
    sources = {doc.id: doc.source for doc in corpus.query(include_text=False)}
    cross = [c for c in clusters if len({sources[m] for m in c.members}) > 1]
    twins = [c for c in clusters if any("joint-press-conference" in m for m in c.members)]
    print(
        f"real: {corpus.count()} docs; refresh from scratch {_fmt(full)}, clustering only "
        f"{_fmt(cluster_only)}, baseline read+split {_fmt(base)} (CPU ratio {full[1] / base[1]:.1f}x)"
    )
    print(
        f"real: {len(clusters)} clusters, {sum(len(c.members) - 1 for c in clusters)} documents folded, "
        f"{len(cross)} joining two sources"
    )
    for cluster in twins:
        print(f"real: joint press conference cluster: {cluster.members} similarity {cluster.similarity}")
    for cluster in cross[:15]:
        print(f"real: cross-source: {cluster.members} {cluster.similarity}")
    corpus.close()


def _variant(rng: random.Random, text: str) -> str:
    sentences = text.split(". ")
    kind = rng.choice(("punctuation", "cut", "note"))
    if kind == "cut" and len(sentences) > 2:
        return ". ".join(sentences[max(1, len(sentences) // 10) :])
    if kind in ("punctuation", "cut"):
        return text.replace(",", "").replace(". ", "; ")
    return "Editor's note: as delivered. " + text


def bench_synthetic(folder: Path, runs: int, size: int) -> None:
    rng = random.Random(0)
    paragraphs = [p for doc in bps_documents() for p in doc.text.split("\n") if len(p.split()) > 15]
    corpus = Corpus.open(folder / "synthetic.db")
    real_count = writes.count_tokens
    writes.count_tokens = lambda text: len(text.split())  # set-up only; not what is timed

    def documents() -> Iterator[Document]:
        texts: list[str] = []
        for n in range(size):
            if n % 20 == 19 and texts:
                text = _variant(rng, rng.choice(texts))
            else:
                chosen: list[str] = []
                while sum(len(p.split()) for p in chosen) < rng.randint(200, 600):
                    chosen.append(rng.choice(paragraphs))
                text = "\n\n".join(chosen)
                texts.append(text)
            yield Document(id=f"s{n}", text=text, source="synthetic")

    start = time.perf_counter()
    corpus.add_many(documents(), batch_size=1000)
    writes.count_tokens = real_count
    print(f"synthetic: stored {corpus.count()} documents in {time.perf_counter() - start:.1f} s")
    full = _median(runs, _clear(corpus), lambda: corpus.refresh_duplicates(force=True))
    cluster_only = _median(runs, lambda: None, lambda: corpus.refresh_duplicates(force=True))
    base = _median(runs, lambda: None, lambda: _baseline(corpus))
    clusters = corpus.duplicate_clusters()
    print(
        f"synthetic: {size} docs; refresh from scratch {_fmt(full)}, clustering only {_fmt(cluster_only)}, "
        f"baseline read+split {_fmt(base)} (CPU ratio {full[1] / base[1]:.1f}x); {len(clusters)} clusters, "
        f"{sum(len(c.members) - 1 for c in clusters)} documents folded (about {size // 20} near copies made)"
    )
    corpus.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic", type=int, default=20_000)
    parser.add_argument("--skip-real", action="store_true")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"real data not found at {DATA}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_real:
            bench_real(Path(tmp), args.runs)
        if args.synthetic:
            bench_synthetic(Path(tmp), args.runs, args.synthetic)
    return 0


if __name__ == "__main__":
    sys.exit(main())
