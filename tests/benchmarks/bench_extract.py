"""Benchmark: the generic HTML extractor on the article-extraction benchmark.

181 real news and blog pages with hand-checked article text
(../shared/data/article-extraction-benchmark, from scrapinghub/article-extraction-benchmark).
The metric is the benchmark's own (its README): ``\\w+`` tokens, 4-token shingles with
counts, per-page precision and recall averaged over pages, F1 from the two means; a page
where both texts are empty scores 1.

Measured in the same run, on the same pages:

- ``policytext``: :func:`policytext.collect.extract.extract_html` (what imports and pages
  on hosts without a recipe use: trafilatura, the old extractor only where it finds nothing);
- ``trafilatura``: ``trafilatura.extract`` with its defaults (the reference);
- ``fallback``: the hand-written extractor alone (:func:`html_to_text`), the old generic path.

Prints P, R, F1, pages with no text and pages per second (median of several timed runs).

Run: .venv/bin/python tests/benchmarks/bench_extract.py [--runs N] [--data DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "article-extraction-benchmark"


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(predicted: str, gold: str) -> tuple[float, float]:
    """Precision and recall of one page over 4-token shingles (the benchmark's metric)."""
    pred, true = shingles(predicted), shingles(gold)
    if not pred and not true:
        return 1.0, 1.0
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def load(data: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    gold = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for path in sorted((data / "html").glob("*.html.gz")):
        pages[path.name.removesuffix(".html.gz")] = gzip.decompress(path.read_bytes())
    return pages, {k: v.get("articleBody") or "" for k, v in gold.items()}


def evaluate(
    extract: Callable[[bytes, str], str], pages: dict[str, bytes], gold: dict[str, str]
) -> dict[str, float]:
    precisions, recalls, empty = [], [], 0
    for key, raw in pages.items():
        try:
            text = extract(raw, key)
        except Exception:  # noqa: BLE001 - an extractor that raises found nothing
            text = ""
        if not text.strip():
            empty += 1
        p, r = page_scores(text, gold.get(key, ""))
        precisions.append(p)
        recalls.append(r)
    precision, recall = statistics.mean(precisions), statistics.mean(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "empty": empty}


def pages_per_second(extract: Callable[[bytes, str], str], pages: dict[str, bytes], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for key, raw in pages.items():
            with contextlib.suppress(Exception):
                extract(raw, key)
        times.append(time.perf_counter() - start)
    return len(pages) / statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"{args.data}: the benchmark data is not here", file=sys.stderr)
        return 1
    import trafilatura

    from policytext.collect.extract import decode_bytes, extract_html, html_to_text

    def ours(raw: bytes, key: str) -> str:
        return extract_html(raw, where=key).text

    def reference(raw: bytes, key: str) -> str:
        return trafilatura.extract(decode_bytes(raw, where=key)) or ""

    def fallback(raw: bytes, key: str) -> str:
        return html_to_text(raw, where=key).text

    pages, gold = load(args.data)
    print(f"{len(pages)} pages; median of {args.runs} timed runs")
    print(f"{'extractor':<12} {'P':>6} {'R':>6} {'F1':>6} {'empty':>6} {'pages/s':>8}")
    results = {}
    for name, extract in (("policytext", ours), ("trafilatura", reference), ("fallback", fallback)):
        scores = evaluate(extract, pages, gold)
        speed = pages_per_second(extract, pages, args.runs)
        results[name] = (scores, speed)
        print(
            f"{name:<12} {scores['precision']:6.3f} {scores['recall']:6.3f} {scores['f1']:6.3f} "
            f"{int(scores['empty']):6d} {speed:8.1f}"
        )
    ours_scores, ours_speed = results["policytext"]
    print(
        f"policytext F1 {ours_scores['f1']:.3f} (target >= 0.95), {int(ours_scores['empty'])} empty pages "
        f"(target 0), speed {ours_speed / results['trafilatura'][1]:.2f}x trafilatura's"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
