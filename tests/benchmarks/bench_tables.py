"""Benchmark: ``policytext table --by speaker,year`` on 10,000 documents / 20 million tokens.

Builds a synthetic tagged store by bulk SQL inserts (documents with a stored token
count of 1,000-3,000 each, about 50 frame matches per 10,000 tokens spread over the
8 frames), then times the command (median of several runs) and, as a baseline
measured in the same run, the bare SQL scans it cannot avoid (documents grouped by
speaker and year; matches grouped by document and frame).

With ``--terms``, times term rates instead (``table --terms "big society,localis*"
--by speaker,year``) on a store of synthetic texts (``build_texts``), against a baseline
measured in the same run: reading the texts the full-text index finds and counting
the regex matches in plain Python, the work term rates cannot avoid.

Run:  .venv/bin/python tests/benchmarks/bench_tables.py [--runs 5] [--keep PATH] [--terms]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from policytext.cli import main
from policytext.people import government_on
from policytext.store.corpus import Corpus

FRAMES = (
    "empowerment",
    "devolution",
    "social_action",
    "civil_society",
    "market_reform",
    "collaboration",
    "responsibility",
    "targeting",
)
SPEAKERS = [f"Speaker {i:02d}" for i in range(25)]
MATCHES_PER_10K = 50  # all frames together; well above what the codebook finds in real speeches


def _bench_codebook():  # type: ignore[no-untyped-def]
    """A codebook with FRAMES, stored in its canonical form (Codebook.to_json)."""
    from policytext.codebook import codebook_from_dict

    return codebook_from_dict(
        {
            "codebook": {"name": "bench", "version": "1"},
            "frames": [{"id": f, "label": f} for f in FRAMES],
            "patterns": [{"id": f"{f}-1", "frame": f, "phrase": f"={f}"} for f in FRAMES],
        }
    )


def build(path: Path, *, documents: int = 10_000, seed: int = 0) -> tuple[int, int]:
    rng = np.random.default_rng(seed)
    tokens = rng.integers(1_000, 3_001, size=documents)
    years = rng.integers(1997, 2016, size=documents)
    speakers = rng.integers(0, len(SPEAKERS), size=documents)
    now = dt.datetime.now(dt.UTC).isoformat()
    governments = {int(y): government_on(f"{y}-07-01") for y in set(years.tolist())}
    with Corpus.open(path) as corpus, corpus.transaction() as conn:
        conn.executemany(
            "INSERT INTO documents (pk, id, source, speaker, party, date, date_precision, "
            "date_start, "
            "date_end, year, government, doc_type, text, text_sha256, imported_at, tokens) "
            "VALUES (?, ?, 'bench', ?, 'Labour', ?, 'year', ?, ?, ?, ?, 'speech', ?, ?, ?, ?)",
            (
                (
                    i + 1,
                    f"bench-{i}",
                    SPEAKERS[s],
                    str(y),
                    f"{y}-01-01",
                    f"{y}-12-31",
                    int(y),
                    governments[int(y)],
                    f"synthetic document {i}",
                    hashlib.sha256(str(i).encode()).hexdigest(),
                    now,
                    int(t),
                )
                for i, (s, y, t) in enumerate(zip(speakers, years, tokens, strict=True))
            ),
        )
        conn.execute(
            "INSERT INTO codebooks (hash, name, version, content, created_at) "
            "VALUES ('bench', 'bench', '1', ?, ?)",
            (_bench_codebook().to_json(), now),
        )
        conn.executemany(
            "INSERT INTO tagged_documents (doc_pk, codebook_hash, sentences, tokens, tagged_at) "
            "VALUES (?, 'bench', ?, ?, ?)",
            ((i + 1, int(t) // 20, int(t), now) for i, t in enumerate(tokens)),
        )
        counts = rng.poisson(
            tokens[:, None] * MATCHES_PER_10K / 10_000 / len(FRAMES), size=(documents, len(FRAMES))
        )

        def matches():  # type: ignore[no-untyped-def]
            for i in range(documents):
                for j, frame in enumerate(FRAMES):
                    for k in range(int(counts[i, j])):
                        sentence = int(rng.integers(0, tokens[i] // 20))
                        yield (
                            i + 1,
                            sentence,
                            sentence * 100,
                            sentence * 100 + 99,
                            sentence * 100 + 3,
                            sentence * 100 + 10,
                            frame,
                            f"{frame}-{k % 3}",
                            "phrase",
                            0,
                        )

        conn.executemany(
            "INSERT INTO matches (doc_pk, codebook_hash, sentence, sent_start, sent_end, "
            "start_char, end_char, frame, pattern_id, text, negated) "
            "VALUES (?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            matches(),
        )
    return int(tokens.sum()), int(counts.sum())


VOCABULARY = [
    "the",
    "people",
    "we",
    "will",
    "government",
    "power",
    "local",
    "communities",
    "council",
    "society",
    "big",
    "public",
    "services",
    "reform",
    "britain",
    "country",
    "money",
    "schools",
    "hospitals",
    "jobs",
    "change",
    "future",
    "together",
    "every",
    "family",
    "localism",
    "localist",
    "town",
    "city",
    "region",
    "budget",
    "decisions",
    "responsibility",
    "choice",
]


def build_texts(path: Path, *, documents: int = 2_000, words: int = 1_500, seed: int = 0) -> int:
    """A store of ``documents`` synthetic texts of ``words`` words each (FTS-indexed by the
    store's triggers); about one in 300 word pairs is "big society". Returns the mentions."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array(VOCABULARY)
    now = dt.datetime.now(dt.UTC).isoformat()
    mentions = 0
    rows = []
    for i in range(documents):
        tokens = vocabulary[rng.integers(0, len(vocabulary), size=words)].tolist()
        for k in rng.choice(words - 1, size=rng.poisson(words / 300), replace=False):
            tokens[k], tokens[k + 1] = "Big", "Society"
        text = " ".join(tokens) + "."
        mentions += len(re.findall(r"(?<!\w)big\s+society(?!\w)", text, re.IGNORECASE))
        year = 1997 + i % 19
        rows.append(
            (
                i + 1,
                f"text-{i}",
                SPEAKERS[i % len(SPEAKERS)],
                str(year),
                f"{year}-01-01",
                f"{year}-12-31",
                year,
                government_on(f"{year}-07-01"),
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                now,
                words,
            )
        )
    with Corpus.open(path) as corpus, corpus.transaction() as conn:
        conn.executemany(
            "INSERT INTO documents (pk, id, source, speaker, party, date, date_precision, "
            "date_start, date_end, year, government, doc_type, text, text_sha256, imported_at, tokens) "
            "VALUES (?, ?, 'bench', ?, 'Labour', ?, 'year', ?, ?, ?, ?, 'speech', ?, ?, ?, ?)",
            rows,
        )
    return mentions


def bench_terms(db: Path, runs: int, documents: int) -> None:
    from policytext.tables import frequency_table

    if not db.exists():
        start = time.perf_counter()
        mentions = build_texts(db, documents=documents)
        print(
            f"built {db}: {documents:,} synthetic texts, {mentions:,} 'big society' in "
            f"{time.perf_counter() - start:.1f} s"
        )
    terms = ["big society", "localis*"]
    patterns = [
        (re.compile(r"(?<!\w)big\s+society(?!\w)", re.IGNORECASE), '"big society"'),
        (re.compile(r"(?<!\w)localis\w*", re.IGNORECASE), '"localis"*'),
    ]
    with Corpus.open(db) as corpus:

        def baseline() -> None:
            for regex, fts in patterns:
                for (text,) in corpus.conn.execute(
                    "SELECT text FROM documents WHERE pk IN "
                    "(SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
                    (fts,),
                ):
                    sum(1 for _ in regex.finditer(text))

        base = median_seconds(baseline, runs)
        results = {}
        for label, bootstrap in (("--bootstrap 0", 0), ("default (1000 bootstrap resamples)", 1000)):
            results[label] = median_seconds(
                lambda b=bootstrap: frequency_table(corpus, by="speaker,year", terms=terms, bootstrap=b), runs
            )
        table = frequency_table(corpus, by="speaker,year", terms=terms, bootstrap=0)
    print(
        f"table --terms 'big society,localis*' --by speaker,year -> {len(table)} rows, "
        f"{int(table['big_society_count'].sum()):,} 'big society'; medians of {runs} runs"
    )
    print(f"  baseline (FTS candidates, regex count in Python): {base:.3f} s")
    for label, seconds in results.items():
        print(f"  in-process, {label}: {seconds:.3f} s  ({seconds / base:.1f}x baseline)")


def median_seconds(func, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, default=None, help="Build the store here and keep it.")
    parser.add_argument("--terms", action="store_true", help="Time term rates (synthetic texts).")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    db = args.keep or Path(folder.name) / "bench.db"
    if args.terms:
        bench_terms(db, args.runs, 2_000 if args.documents == 10_000 else args.documents)
        folder.cleanup()
        return
    if db.exists():
        print(f"reusing {db}")
    else:
        start = time.perf_counter()
        total_tokens, total_matches = build(db, documents=args.documents)
        print(
            f"built {db}: {args.documents:,} documents, {total_tokens:,} tokens, "
            f"{total_matches:,} matches in {time.perf_counter() - start:.1f} s"
        )

    with Corpus.open(db) as corpus:

        def baseline() -> None:
            corpus.conn.execute(
                "SELECT speaker, year, count(*), sum(tokens) FROM documents WHERE is_current = 1 "
                "GROUP BY speaker, year"
            ).fetchall()
            corpus.conn.execute(
                "SELECT doc_pk, frame, count(*) FROM matches GROUP BY doc_pk, frame"
            ).fetchall()

        base = median_seconds(baseline, args.runs)
    runner = CliRunner()
    results = {}
    for label, extra in (
        ("default (1000 bootstrap resamples)", []),
        ("--bootstrap 0", ["--bootstrap", "0"]),
    ):
        argv = ["table", "--db", str(db), "--by", "speaker,year", "--format", "csv", *extra]

        def run(argv: list[str] = argv) -> None:
            result = runner.invoke(main, argv, catch_exceptions=False)
            assert result.exit_code == 0, result.stderr

        results[label] = median_seconds(run, args.runs)
    rows = runner.invoke(main, ["table", "--db", str(db), "--by", "speaker,year", "--format", "csv"])
    n_rows = sum(1 for line in rows.stdout.splitlines() if line and not line.startswith("#")) - 1

    def cold() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "policytext.cli",
                "table",
                "--db",
                str(db),
                "--by",
                "speaker,year",
                "--format",
                "csv",
            ],
            check=True,
            capture_output=True,
        )

    cold_s = median_seconds(cold, max(3, args.runs // 2))
    print(f"table --by speaker,year -> {n_rows} rows; medians of {args.runs} runs")
    print(f"  baseline SQL scans (documents by speaker/year, matches by doc/frame): {base:.3f} s")
    for label, seconds in results.items():
        print(f"  in-process, {label}: {seconds:.3f} s  ({seconds / base:.1f}x baseline)")
    print(f"  new process (python -m policytext.cli, incl. start-up): {cold_s:.3f} s")
    folder.cleanup()


if __name__ == "__main__":
    main_bench()
