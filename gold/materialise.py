"""Turn gold/pointers.jsonl into gold sentences (CODEBOOK-GUIDE format).

    python gold/materialise.py [--shared ../shared/data] [--pointers gold/pointers.jsonl]
        [--labels FILE] [--part train|dev|heldout|all] --out FILE
        [--chunks N --chunk-dir DIR]

Writes JSON Lines ``{"id", "text", "labels", "meta"}``; ``labels`` come from
``--labels`` (JSON Lines of ``{"id", "labels"}``) when given, else ``[]``.
Every pointer is checked: its document must load and the sha1 of
``text[start:end]`` must equal the pointer's ``sha1``; otherwise the script
stops with one line naming the pointer id. With ``--chunks N`` it also writes
``chunk1.jsonl`` .. ``chunkN.jsonl`` for coders (``{"id", "text"}`` only, in a
seeded shuffled order, so strata, genre and parts cannot be seen).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402

SEED = 20261203
FRAMES = (
    "empowerment",
    "devolution",
    "social_action",
    "civil_society",
    "market_reform",
    "collaboration",
    "responsibility",
    "targeting",
)  # ../shared/CODEBOOK-GUIDE.md
HERE = Path(__file__).resolve().parent


class PointerError(Exception):
    pass


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def resolve(pointers: list[dict], shared: Path) -> list[str]:
    """The sentence text of every pointer, checked against its sha1."""
    cache: dict[tuple, str] = {}
    texts = []
    for p in pointers:
        key = (p["path"], p.get("row"))
        if key not in cache:
            try:
                cache[key] = loaders.load_text(shared, p["path"], p.get("row"))
            except (OSError, ValueError, KeyError, IndexError, json.JSONDecodeError) as exc:
                raise PointerError(
                    f"pointer {p['id']}: cannot load {loaders.doc_key(p['path'], p.get('row'))} "
                    f"under {shared}: {type(exc).__name__}: {exc}"
                ) from None
        doc = cache[key]
        s = doc[p["start"] : p["end"]]
        if hashlib.sha1(s.encode("utf-8")).hexdigest() != p["sha1"]:
            raise PointerError(
                f"pointer {p['id']}: {loaders.doc_key(p['path'], p.get('row'))} [{p['start']}:{p['end']}] "
                f"no longer matches its sha1 (the data or the loader changed)"
            )
        texts.append(s)
    return texts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared",
        type=Path,
        default=loaders.default_shared(),
        help="the shared data folder (default: ../shared/data beside the repository)",
    )
    ap.add_argument("--pointers", type=Path, default=HERE / "pointers.jsonl")
    ap.add_argument("--labels", type=Path, help="JSON Lines of {id, labels}")
    ap.add_argument(
        "--part",
        choices=[
            "train",
            "dev",
            "heldout",
            "heldout_b",
            "tune_c",
            "heldout_d",
            "heldout_e",
            "tune_f",
            "heldout_g",
            "heldout_h",
            "heldout_i",
            "heldout_j",
            "heldout_k",
            "heldout_l",
            "heldout_m",
            "heldout_n",
            "heldout_o",
            "heldout_p",
            "all",
        ],
        default="all",
    )
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--chunks", type=int, default=0, help="also write N blind chunk files for coders")
    ap.add_argument("--chunk-dir", type=Path, help="folder for the chunk files (default: beside --out)")
    args = ap.parse_args(argv)

    if not args.shared.is_dir():
        print(f"error: shared data folder not found: {args.shared}", file=sys.stderr)
        return 2
    pointers = read_jsonl(args.pointers)
    if args.part != "all":
        pointers = [p for p in pointers if p["part"] == args.part]
    try:
        texts = resolve(pointers, args.shared)
    except PointerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    labels: dict[str, list[str]] = {}
    if args.labels:
        for rec in read_jsonl(args.labels):
            bad = sorted(set(rec.get("labels") or []) - set(FRAMES))
            if bad:
                print(f"error: --labels: {rec['id']} has unknown frame(s) {', '.join(bad)}", file=sys.stderr)
                return 1
            labels[rec["id"]] = sorted(rec.get("labels") or [])
        unknown = sorted(set(labels) - {p["id"] for p in read_jsonl(args.pointers)})
        if unknown:
            print(f"error: --labels has ids with no pointer: {', '.join(unknown[:5])}", file=sys.stderr)
            return 1

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for p, text in zip(pointers, texts, strict=True):
            rec = {"id": p["id"], "text": text, "labels": labels.get(p["id"], []), "meta": p["meta"]}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    missing = sum(1 for p in pointers if args.labels and p["id"] not in labels)
    note = f"; {missing} without labels" if args.labels else ""
    print(f"resolved {len(pointers)} pointers ({args.part}); wrote {args.out}{note}", file=sys.stderr)

    if args.chunks:
        order = list(zip((p["id"] for p in pointers), texts, strict=True))
        random.Random(f"{SEED}:chunks").shuffle(order)
        folder = args.chunk_dir or args.out.parent
        folder.mkdir(parents=True, exist_ok=True)
        size = -(-len(order) // args.chunks)
        for i in range(args.chunks):
            path = folder / f"chunk{i + 1}.jsonl"
            with open(path, "w", encoding="utf-8") as fh:
                for pid, text in order[i * size : (i + 1) * size]:
                    fh.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
            print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
