"""Score two or more codebooks on one gold file, with a paired bootstrap of the micro-F1 gain.

    .venv/bin/python gold/compare_codebooks.py --gold gold/build/heldout_p.jsonl \\
        --codebook 1.9=src/policytext/data/codebook.toml \\
        --codebook candidate=gold/build/candidate_p/codebook-classifier.toml [--resamples 2000]

For each codebook (``NAME=PATH``; ``default`` for the shipped one) it prints micro-F1,
precision and recall, and empowerment and devolution F1, as ``policytext evaluate``
counts them (negated matches count). For each codebook after the first it prints the
micro-F1 gain over the first with a 95% interval from ``--resamples`` bootstrap resamples
of the sentences (the same resamples for every codebook; seed 0). This is how the rules
written before a fresh round are checked (gold/README.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


def frame_matrix(evaluation, frames: list[str]) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Predicted and gold labels of every sentence as boolean matrices (sentences x frames)."""
    predicted = np.array([[f in p.frames for f in frames] for p in evaluation.predictions], dtype=bool)
    gold = np.array([[f in p.sentence.labels for f in frames] for p in evaluation.predictions], dtype=bool)
    return predicted, gold


def micro_counts(predicted: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per sentence: true positives, predicted and gold labels (for summing over resamples)."""
    return np.stack([(predicted & gold).sum(axis=1), predicted.sum(axis=1), gold.sum(axis=1)], axis=1)


def f1(hits: float, said: float, true: float) -> float:
    return 2 * hits / (said + true) if said + true else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--codebook", action="append", required=True, metavar="NAME=PATH")
    parser.add_argument("--resamples", type=int, default=2000)
    args = parser.parse_args(argv)
    named = []
    for item in args.codebook:
        name, _, path = item.partition("=")
        if not name or not path:
            parser.error(f"--codebook {item!r}: give NAME=PATH (PATH 'default' for the shipped codebook)")
        named.append((name, None if path == "default" else path))
    if len(named) < 2:
        parser.error("give at least two --codebook NAME=PATH to compare")
    from policytext.evaluate import evaluate_codebook

    evaluations = [(name, evaluate_codebook(args.gold, path)) for name, path in named]
    frames = list(evaluations[0][1].codebook.frames)
    counts = {}
    print(f"{args.gold}: {len(evaluations[0][1].predictions)} sentences\n")
    print("| codebook | micro-F1 (P / R) | empowerment F1 | devolution F1 |")
    print("|---|---|---|---|")
    for name, evaluation in evaluations:
        predicted, gold = frame_matrix(evaluation, frames)
        counts[name] = micro_counts(predicted, gold)
        hits, said, true = counts[name].sum(axis=0)
        per = {
            f: f1(*micro_counts(predicted[:, [i]], gold[:, [i]]).sum(axis=0)) for i, f in enumerate(frames)
        }
        print(
            f"| {name} | {f1(hits, said, true):.3f} ({hits / max(said, 1):.2f} / {hits / max(true, 1):.2f}) "
            f"| {per.get('empowerment', 0.0):.3f} | {per.get('devolution', 0.0):.3f} |"
        )
    draw = np.random.default_rng(0)
    n = len(counts[named[0][0]])
    samples = draw.integers(0, n, size=(args.resamples, n))
    first = named[0][0]
    base = counts[first][samples].sum(axis=1)  # resamples x (hits, said, true)
    base_f1 = 2 * base[:, 0] / np.maximum(base[:, 1] + base[:, 2], 1)
    print()
    for name, _ in named[1:]:
        other = counts[name][samples].sum(axis=1)
        gain = 2 * other[:, 0] / np.maximum(other[:, 1] + other[:, 2], 1) - base_f1
        point = f1(*counts[name].sum(axis=0)) - f1(*counts[first].sum(axis=0))
        low, high = np.percentile(gain, [2.5, 97.5])
        print(
            f"{name} - {first}: micro-F1 {point:+.3f} [{low:+.3f}, {high:+.3f}] ({args.resamples} resamples)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
