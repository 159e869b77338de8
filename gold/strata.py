"""Drawing and writing the stratified samples of gold rounds b, c and d (shared by their samplers).

``turns`` lets vocabulary themes take turns; ``draw`` fills strata in order under a per
document-group cap; ``write_pointers`` gives the chosen sentences shuffled ids and writes the
pointer file (no text). Seeds are passed in as ``rng(purpose)`` functions, so each sampler keeps
its own streams (and its committed pointer file stays byte for byte what it was).
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import materialise
import sample

Rng = Callable[[str], random.Random]
HERE = Path(__file__).resolve().parent


def read_pointers(name: str) -> list[dict]:
    """The pointers of an earlier round (``pointers.jsonl``, ``pointers_b.jsonl``, ...)."""
    with open(HERE / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def sentence_norms(rounds: list[list[dict]], shared: Path) -> set[str]:
    """Normalised text of every sentence of earlier rounds, so no sentence is drawn twice."""
    norms: set[str] = set()
    for pointers in rounds:
        norms |= {sample.normalise(t) for t in materialise.resolve(pointers, shared)}
    return norms


def turns(items: list[dict], themes: tuple[str, ...], purpose: str, rng: Rng) -> Iterator[dict]:
    """Themes take turns, each yielding its next matching sentence in its own seeded order."""
    by_theme = {t: [it for it in items if t in it["themes"]] for t in themes}
    for t in themes:
        rng(f"{purpose}:{t}").shuffle(by_theme[t])
    pos = dict.fromkeys(themes, 0)
    active = [t for t in themes if by_theme[t]]
    while active:
        for t in list(active):
            if pos[t] >= len(by_theme[t]):
                active.remove(t)
                continue
            yield by_theme[t][pos[t]]
            pos[t] += 1


def draw(
    candidates: list[dict],
    strata: tuple[tuple[str, int, tuple[str, ...] | None], ...],
    group_of: dict[str, str],
    *,
    rng: Rng,
    turn_rng: Rng,
    turn_purpose: Callable[[str], str],
    max_per_doc: int,
    per_group: Counter | None = None,
) -> list[dict]:
    """Fill the strata in order: ``(name, n, themes)``; themes ``None`` means random order."""
    per_group = Counter() if per_group is None else per_group
    taken: set[str] = set()
    chosen: list[dict] = []
    for stratum, n, themes in strata:
        if themes is None:
            order = list(candidates)
            rng("random").shuffle(order)
            it_order: Iterator[dict] = iter(order)
        else:
            it_order = turns(candidates, themes, turn_purpose(stratum), turn_rng)
        got = 0
        for it in it_order:
            grp = group_of[it["doc"].key]
            if it["norm"] in taken or per_group[grp] >= max_per_doc:
                continue
            taken.add(it["norm"])
            per_group[grp] += 1
            chosen.append({**it, "stratum": stratum})
            got += 1
            if got == n:
                break
        print(f"{stratum}: wanted {n}, got {got}", file=sys.stderr)
    return chosen


def write_pointers(
    chosen: list[dict], out: Path, *, rng: Rng, prefix: str, part: str, net_always: bool = False
) -> None:
    """Shuffled ids ``PREFIX001..``, one JSON line per sentence (no text), sorted by id."""
    order = list(range(len(chosen)))
    rng("ids").shuffle(order)
    records = []
    for new_id, idx in enumerate(order, 1):
        c = chosen[idx]
        d = c["doc"]
        rec = {"id": f"{prefix}{new_id:03d}", "path": d.path}
        if d.row is not None:
            rec["row"] = d.row
        rec.update(
            {
                "start": c["start"],
                "end": c["end"],
                "sha1": sample.sha1(c["text"]),
                "stratum": c["stratum"],
                "genre": d.genre,
                "part": part,
            }
        )
        if net_always or c["stratum"] != "random":
            rec["net"] = c["themes"]
        rec["meta"] = {"speaker": d.meta.get("speaker", ""), "date": d.meta.get("date", ""), "source": d.key}
        records.append(rec)
    records.sort(key=lambda r: r["id"])
    with open(out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} pointers to {out}", file=sys.stderr)
