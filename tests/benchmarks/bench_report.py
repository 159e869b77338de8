"""Benchmark: ``policytext report`` after ``policytext run`` on ~900 real documents.

Builds a store from ../shared/data (the ukpol speeches converted to JSON Lines in a
temporary folder, never into the repository, plus the 363 bps leader speeches with their
metadata), runs ``policytext run --offline`` once (tagging and the topic model), then
times ``policytext report`` with and without the static PNG/SVG charts, alternating,
several runs each: median wall time and CPU time (user + system of the child). The
baseline measured in the same run is ``policytext table --by year`` (one frequency table
with the same bootstrap), so the ratio says what the whole report costs in tables.

Run:  .venv/bin/python tests/benchmarks/bench_report.py [--runs 3] [--db PATH]
      (--db reuses a store already made by this script or by `policytext run`)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
POLICYTEXT = Path(sys.executable).with_name("policytext")


def ukpol_jsonl(out: Path) -> Path:
    """The ukpol speeches as JSON Lines (image links and abbreviation lines dropped)."""
    root = DATA / "ukpol_speeches"
    with out.open("w", encoding="utf-8") as sink, (root / "index.csv").open(encoding="utf-8") as index:
        for row in csv.DictReader(index):
            data = json.loads((root / row["path"]).read_text(encoding="utf-8"))
            paragraphs = [p for p in data.get("content", []) if not p.startswith("[![")]
            text = "\n\n".join(re.sub(r"\n\s*\*\[[^\]]+\]:.*", "", p) for p in paragraphs).strip()
            if not text:
                continue
            last, _, first = row["speaker_slug"].partition("-")
            speaker = f"{first.replace('-', ' ').title()} {last.title()}" if first else last.title()
            record = {
                "id": "ukpol-" + Path(row["path"]).stem,
                "text": text,
                "speaker": speaker,
                "date": row["date_from_summary"] or row["year"],
                "title": row["title"],
                "url": row["url"],
                "doc_type": "speech",
                "source": "ukpol",
            }
            sink.write(json.dumps(record) + "\n")
    return out


def run(*args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one policytext command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(POLICYTEXT), *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def build(db: Path) -> None:
    jsonl = ukpol_jsonl(db.parent / "ukpol.jsonl")
    run("import", "-q", str(jsonl), "--db", str(db))
    bps = DATA / "bps-leader-speeches"
    run(
        "import",
        "-q",
        str(bps / "texts"),
        "--meta",
        str(bps / "metadata.csv"),
        "--doc-type",
        "speech",
        "--source",
        "bps",
        "--db",
        str(db),
    )
    wall, cpu = run("run", "--offline", "-q", "--db", str(db))
    print(f"policytext run --offline (tag, topics, report): {wall:.1f} s wall, {cpu:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None)
    options = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        db = options.db or Path(tmp) / "policytext.db"
        if options.db is None:
            build(db)
        out = Path(tmp) / "report"
        cases = {
            "report": ["report", "--db", str(db), "--out", str(out)],
            "report --no-static-charts": ["report", "--db", str(db), "--out", str(out), "--no-static-charts"],
            "table --by year (baseline)": ["table", "--by", "year", "--db", str(db), "--format", "csv"],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(options.runs):
            for name, args in cases.items():  # alternating, so load changes hit every case alike
                times[name].append(run(*args))
        base = statistics.median(c for _, c in times["table --by year (baseline)"])
        load = os.getloadavg()[0]
        print(f"{options.runs} runs each, machine load average {load:.1f}")
        for name, values in times.items():
            wall = statistics.median(w for w, _ in values)
            cpu = statistics.median(c for _, c in values)
            print(f"{name:30s} wall {wall:6.1f} s  CPU {cpu:6.1f} s  ({cpu / base:.1f} x baseline CPU)")


if __name__ == "__main__":
    main()
