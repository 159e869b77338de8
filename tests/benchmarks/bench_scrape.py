"""Benchmark: scrape 200 fixture documents over 4 local hosts with a 0.2 s per-host delay.

Prints the median wall time of several runs against the politeness bound
(documents / hosts x delay): one request at a time per host with the delay
between them, hosts in parallel, is the floor; the target is within 1.3x of it.
The same scrape with no delay is measured in the same run as the baseline of
the work itself (fetch, extract, store).

Run: .venv/bin/python tests/benchmarks/bench_scrape.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policytext.collect.fetch import FetchSettings  # noqa: E402
from policytext.collect.scrape import scrape  # noqa: E402
from policytext.store.corpus import Corpus, Document  # noqa: E402
from site_server import Reply, SiteServer  # noqa: E402

HOSTS = 4
DOCUMENTS = 200
DELAY = 0.2

PARAGRAPH = (
    "We will hand power to neighbourhoods, so that people who use public services have a real say "
    "in how they are run, and communities can take over the assets they value."
)


def start_servers() -> tuple[list[SiteServer], Path]:
    servers = [SiteServer(f"127.0.0.{i + 1}").start() for i in range(HOSTS)]
    lines = []
    for n in range(DOCUMENTS):
        server = servers[n % HOSTS]
        body = (
            f"<html><head><title>Speech {n}</title></head><body><nav>Home | News</nav>"
            f"<main><h1>Speech {n}</h1>" + f"<p>{PARAGRAPH} ({n})</p>" * 12 + "</main></body></html>"
        )
        server.routes[f"/speech/{n}"] = Reply(body=body.encode())
        lines.append(f'[[document]]\nid = "doc-{n}"\nurl = "{server.url}/speech/{n}"\n')
    catalogue = Path(tempfile.mkdtemp()) / "catalogue.toml"
    catalogue.write_text("\n".join(lines), encoding="utf-8")
    return servers, catalogue


def one_run(catalogue: Path, delay: float) -> float:
    with tempfile.TemporaryDirectory() as folder, Corpus.open(Path(folder) / "c.db") as corpus:
        started = time.perf_counter()
        summary = scrape(
            corpus,
            catalogue=catalogue,
            archive=Path(folder) / "a.warc.gz",
            settings=FetchSettings(
                delay=delay, retries=0, private_hosts=frozenset(f"127.0.0.{i + 1}" for i in range(HOSTS))
            ),
        )
        elapsed = time.perf_counter() - started
        assert summary.stored == DOCUMENTS and not summary.failed, summary.report()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    servers, catalogue = start_servers()
    try:
        with Corpus.open(":memory:") as warm:  # load spaCy's tokenizer outside the timings
            warm.add(Document(text="warm up", id="w"))
        baseline = statistics.median(one_run(catalogue, 0.0) for _ in range(args.runs))
        polite = [one_run(catalogue, DELAY) for _ in range(args.runs)]
    finally:
        for server in servers:
            server.stop()
    wall = statistics.median(polite)
    bound = DOCUMENTS / HOSTS * DELAY
    print(f"documents {DOCUMENTS}, hosts {HOSTS}, delay {DELAY} s, runs {args.runs}")
    print(f"politeness bound (documents / hosts x delay): {bound:.2f} s")
    print(f"polite scrape, median wall time: {wall:.2f} s (runs: {', '.join(f'{t:.2f}' for t in polite)})")
    print(f"ratio to the bound: {wall / bound:.2f}x (target <= 1.30x)")
    print(f"baseline, same scrape with no delay (the work itself): {baseline:.2f} s")
    print(f"time spent being polite: {wall - baseline:.2f} s")


if __name__ == "__main__":
    main()
