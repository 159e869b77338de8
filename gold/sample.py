"""Draw the issue-13 gold sample and write ``gold/pointers.jsonl`` (no text).

    python gold/sample.py [--shared ../shared/data] [--out gold/pointers.jsonl]

Steps (all deterministic; seed 20261203; see gold/README.md):

1. Documents: ``loaders.eligible_documents`` (ukpol speeches of even years
   1998-2014 without party-conference speeches; manifestos 1997-2015;
   GOV.UK speeches, publications and HTML publications in English).
2. Sentences: each paragraph of ``loaders.load_text`` is split with spaCy's
   rule-based ``sentencizer`` (blank English pipeline). A sentence is
   eligible when it has 8-70 words (whitespace-separated tokens holding a
   letter or digit), its first letter/digit is a capital or a digit, it ends
   with ``.``, ``!`` or ``?`` (optionally followed by closing quotes or
   brackets), and it holds no markup residue (``http``, ``www.``, ``](``,
   ``<``, ``>``, ``|``). Duplicates by normalised text (lower case, letters and
   digits only) keep their first occurrence in document order.
3. Random stratum, 440: per genre quota (ukpol 220, manifesto 132, govuk 88),
   sentences in a seeded random order, skipping any whose document (group of
   copies, step 5) already has 6 sampled sentences. Quota a genre cannot fill
   goes to the genres that still have sentences, in proportion to their shares.
4. Enriched stratum, 440: same quotas and cap (counted over both strata), from
   sentences that match the vocabulary net (``NET``). Within a genre the seven
   themes of the net take turns, each drawing its next matching sentence in a
   seeded random order, so rarer themes (devolution, empowerment) are not
   swamped by "community" and "responsibility".
5. Split: copies of the same text are grouped (two documents sharing at least
   30% of the smaller one's eligible sentences, or at least 20 of them: a
   foreword that is also inside its manifesto, a speech scraped twice); groups go
   to train/dev/heldout in seeded random order (larger groups first), each to
   the part that keeps the sampled sentences of every genre x stratum cell
   closest to 50/25/25 (least squares).
6. Ids n0001..n0880 follow a seeded shuffle, so an id tells nothing of the
   stratum, genre or part.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loaders  # noqa: E402

SEED = 20261203
N_PER_STRATUM = 440
GENRE_SHARE = {"ukpol": 0.50, "manifesto": 0.30, "govuk": 0.20}
GENRES = ("ukpol", "manifesto", "govuk")
MAX_PER_DOC = 6
MIN_WORDS, MAX_WORDS = 8, 70
PARTS = {"train": 0.50, "dev": 0.25, "heldout": 0.25}
GROUP_SHARE, GROUP_MIN_SHARED = 0.3, 20

# The enrichment net: seven themes, each a list of case-insensitive patterns.
NET: dict[str, list[str]] = {
    "power_voice_choice": [
        r"\bempower\w*",
        r"\bpower(?:s|ed|ful)?\b",
        r"\bpeople-powered\b",
        r"\bcontrol\w*",
        r"\b(?:a|more|real|greater|bigger|final|their|your|no|equal) say\b",
        r"\bsay (?:in|over)\b",
        r"\bvoices?\b",
        r"\bchoices?\b",
        r"\bchoose\b",
        r"\bin charge\b",
    ],
    "devolution_localism": [
        r"\bdevol\w*",
        r"\bdecentrali[sz]\w*",
        r"\bcentrali[sz]\w*",
        r"\blocalis\w*",
        r"\blocalism\b",
        r"\blocal (?:councils?|authorit\w*|government|communit\w*|people|control|decisions?|democracy)\b",
        r"\bcouncils?\b",
        r"\bwhitehall\b",
        r"\bwestminster\b",
        r"\bthe centre\b",
        r"\btop[- ]down\b",
        r"\bmayors?\b",
        r"\bcit(?:y|ies)\b",
        r"\bregion\w*",
        r"\bneighbourhoods?\b",
    ],
    "community_civil_society": [
        r"\bcommunit(?:y|ies)\b",
        r"\bvolunt\w*",
        r"\bcharit\w*",
        r"\bsocial enterprises?\b",
        r"\bmutuals?\b",
        r"\bco-?operatives?\b",
        r"\bcivil society\b",
        r"\bthird sector\b",
        r"\bbig society\b",
        r"\bsocial action\b",
        r"\bfaith groups?\b",
        r"\bphilanthrop\w*",
    ],
    "responsibility": [
        r"\bresponsib\w*",
        r"\bobligations?\b",
        r"\bduty\b",
        r"\bduties\b",
        r"\bsomething for something\b",
    ],
    "partnership": [
        r"\bpartner\w*",
        r"\bwork(?:ing)? together\b",
        r"\bcollaborat\w*",
        r"\bjoined[- ]up\b",
        r"\bco-?produc\w*",
    ],
    "competition_providers": [
        r"\bcompetit\w*",
        r"\bproviders?\b",
        r"\bcontestab\w*",
        r"\bcommissioning\b",
        r"\bpayment by results\b",
        r"\boutsourc\w*",
        r"\bcontract(?:ed|ing)? out\b",
        r"\bprivate sector\b",
    ],
    "poorest_inequality": [
        r"\bpoorest\b",
        r"\bdisadvantag\w*",
        r"\binequalit\w*",
        r"\bdepriv\w*",
        r"\bpoverty\b",
        r"\bthe poor\b",
        r"\b(?:most|greatest) (?:in )?need\b",
        r"\bneed it most\b",
        r"\bgap between\b",
    ],
}
NET_RE = {theme: re.compile("|".join(pats), re.IGNORECASE) for theme, pats in NET.items()}

_WORD = re.compile(r"\S+")
_ALNUM = re.compile(r"[^\W_]")
_END = re.compile(r"[.!?][\"'”’)\]]*$")
_RESIDUE = re.compile(r"http|www\.|\]\(|[<>|]")
_NORM = re.compile(r"[^a-z0-9]+")


def word_count(s: str) -> int:
    return sum(1 for w in _WORD.findall(s) if _ALNUM.search(w))


def normalise(s: str) -> str:
    return _NORM.sub(" ", s.lower()).strip()


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def eligible(s: str) -> bool:
    if not (MIN_WORDS <= word_count(s) <= MAX_WORDS):
        return False
    first = _ALNUM.search(s)
    if first is None or not (first.group().isupper() or first.group().isdigit()):
        return False
    return bool(_END.search(s)) and not _RESIDUE.search(s)


def themes_of(s: str) -> list[str]:
    return [t for t, rx in NET_RE.items() if rx.search(s)]


def rng(purpose: str) -> random.Random:
    return random.Random(f"{SEED}:{purpose}")


def build_pool(shared: Path):
    """Every eligible, de-duplicated sentence, in document order."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    docs = loaders.eligible_documents(shared)
    pool = []  # dicts: doc, start, end, text, norm, themes
    seen: dict[str, int] = {}
    norms_by_doc: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        paragraphs = loaders.load_paragraphs(shared, d.path, d.row)
        offset = 0
        starts = []
        for p in paragraphs:
            starts.append(offset)
            offset += len(p) + 1
        text = "\n".join(paragraphs)
        for p_start, sdoc in zip(starts, nlp.pipe(paragraphs, batch_size=256), strict=True):
            for sent in sdoc.sents:
                s = sent.text
                if not eligible(s):
                    continue
                start, end = p_start + sent.start_char, p_start + sent.end_char
                assert text[start:end] == s
                norm = normalise(s)
                norms_by_doc[d.key].add(norm)
                if norm in seen:
                    continue
                seen[norm] = len(pool)
                pool.append(
                    {"doc": d, "start": start, "end": end, "text": s, "norm": norm, "themes": themes_of(s)}
                )
    return docs, pool, norms_by_doc


def quotas(n: int) -> dict[str, int]:
    q = {g: round(n * GENRE_SHARE[g]) for g in GENRES}
    q["ukpol"] += n - sum(q.values())
    return q


def draw(candidates_by_genre, order_fn, taken, per_group, group_of, n, stratum):
    """Fill per-genre quotas; quota a genre cannot fill moves to the genres that
    still have sentences, in proportion to their shares."""
    want = quotas(n)
    chosen: list[dict] = []
    iters = {g: order_fn(g, candidates_by_genre[g]) for g in GENRES}
    exhausted: set[str] = set()

    def take_one(g: str) -> bool:
        for item in iters[g]:
            grp = group_of[item["doc"].key]
            if item["norm"] in taken or per_group[grp] >= MAX_PER_DOC:
                continue
            taken.add(item["norm"])
            per_group[grp] += 1
            chosen.append({**item, "stratum": stratum, "genre": g})
            return True
        exhausted.add(g)
        return False

    got: Counter = Counter()
    target = dict(want)
    while True:
        for g in GENRES:
            while g not in exhausted and got[g] < target[g] and take_one(g):
                got[g] += 1
        short = n - sum(got.values())
        if short == 0:
            return chosen, got, want
        room = [g for g in GENRES if g not in exhausted]
        if not room:
            raise SystemExit(f"not enough eligible sentences for the {stratum} stratum")
        total_share = sum(GENRE_SHARE[g] for g in room)
        extra = {g: int(short * GENRE_SHARE[g] / total_share) for g in room}
        extra[room[0]] += short - sum(extra.values())
        for g in room:
            target[g] = got[g] + extra[g]


def random_order(g, items):
    items = list(items)
    rng(f"random:{g}").shuffle(items)
    return iter(items)


def enriched_order(g, items):
    by_theme: dict[str, list[dict]] = {t: [] for t in NET}
    for it in items:
        for t in it["themes"]:
            by_theme[t].append(it)
    for t in NET:
        rng(f"enriched:{g}:{t}").shuffle(by_theme[t])
    pos = {t: 0 for t in NET}

    def gen():
        # themes take turns; each yields its next candidate (the caller skips taken ones)
        active = [t for t in NET if by_theme[t]]
        while active:
            for t in list(active):
                if pos[t] >= len(by_theme[t]):
                    active.remove(t)
                    continue
                yield by_theme[t][pos[t]]
                pos[t] += 1

    return gen()


def group_documents(docs, norms_by_doc):
    """Group copies of the same text: union two documents when the eligible sentences
    they share are at least ``GROUP_SHARE`` of the smaller one's, or at least
    ``GROUP_MIN_SHARED`` sentences (a foreword that is also inside its manifesto, a
    speech scraped twice, the Scottish edition of a manifesto, a passage recycled
    from speech to speech). Returns document key -> group key (the smallest key in
    document order)."""
    order = {d.key: i for i, d in enumerate(docs)}
    parent = {d.key: d.key for d in docs}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    docs_of: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        for norm in norms_by_doc.get(d.key, ()):
            docs_of[norm].append(d.key)
    shared: Counter = Counter()
    for keys in docs_of.values():
        keys = sorted(set(keys), key=order.__getitem__)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                shared[(a, b)] += 1
    for (a, b), n in sorted(shared.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        smaller = min(len(norms_by_doc[a]), len(norms_by_doc[b]))
        if n >= GROUP_MIN_SHARED or n >= GROUP_SHARE * smaller:
            ra, rb = find(a), find(b)
            if ra != rb:
                ra, rb = sorted((ra, rb), key=order.__getitem__)
                parent[rb] = ra
    return {d.key: find(d.key) for d in docs}


def split_parts(chosen, group_of):
    """Assign each document group to train/dev/heldout.

    Groups are taken in a seeded random order, larger groups first (stable sort
    by size), and each goes to the part that leaves the counts of sampled
    sentences per cell (genre x stratum) closest, in squared error, to the
    50/25/25 targets. Ties go to train, then dev, then heldout."""
    sizes: dict[str, Counter] = defaultdict(Counter)  # group -> (genre, stratum) -> n
    for c in chosen:
        sizes[group_of[c["doc"].key]][(c["genre"], c["stratum"])] += 1
    groups = sorted(sizes)
    rng("split").shuffle(groups)
    groups.sort(key=lambda grp: -sum(sizes[grp].values()))
    total = Counter((c["genre"], c["stratum"]) for c in chosen)
    cells = sorted(total)
    have = {cell: dict.fromkeys(PARTS, 0) for cell in cells}

    def cost(grp: str, part: str) -> float:
        err = 0.0
        for cell in cells:
            for p in PARTS:
                n = have[cell][p] + (sizes[grp][cell] if p == part else 0)
                err += (n - PARTS[p] * total[cell]) ** 2
        return err

    part_of_group = {}
    for grp in groups:
        part = min(PARTS, key=lambda p: cost(grp, p))
        part_of_group[grp] = part
        for cell, n in sizes[grp].items():
            have[cell][part] += n
    return part_of_group


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=loaders.default_shared())
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "pointers.jsonl")
    args = ap.parse_args(argv)

    docs, pool, norms_by_doc = build_pool(args.shared)
    group_of = group_documents(docs, norms_by_doc)
    by_genre = {g: [it for it in pool if it["doc"].genre == g] for g in GENRES}
    net_by_genre = {g: [it for it in by_genre[g] if it["themes"]] for g in GENRES}
    taken: set[str] = set()
    per_group: Counter = Counter()  # sampled sentences per document group, both strata
    rand, got_r, want_r = draw(by_genre, random_order, taken, per_group, group_of, N_PER_STRATUM, "random")
    enr, got_e, want_e = draw(
        net_by_genre, enriched_order, taken, per_group, group_of, N_PER_STRATUM, "enriched"
    )
    chosen = rand + enr
    part_of_group = split_parts(chosen, group_of)

    order = list(range(len(chosen)))
    rng("ids").shuffle(order)
    records = []
    for new_id, idx in enumerate(order, 1):
        c = chosen[idx]
        d = c["doc"]
        rec = {"id": f"n{new_id:04d}", "path": d.path}
        if d.row is not None:
            rec["row"] = d.row
        rec.update(
            {
                "start": c["start"],
                "end": c["end"],
                "sha1": sha1(c["text"]),
                "stratum": c["stratum"],
                "genre": c["genre"],
                "part": part_of_group[group_of[d.key]],
            }
        )
        if c["stratum"] == "enriched":
            rec["net"] = c["themes"]
        rec["meta"] = {"speaker": d.meta.get("speaker", ""), "date": d.meta.get("date", ""), "source": d.key}
        records.append(rec)
    records.sort(key=lambda r: r["id"])

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")

    pool_by_genre = Counter(it["doc"].genre for it in pool)
    net_pool = Counter(it["doc"].genre for it in pool if it["themes"])
    print(f"documents: {Counter(d.genre for d in docs)}", file=sys.stderr)
    print(f"eligible sentences: {dict(pool_by_genre)}; matching the net: {dict(net_pool)}", file=sys.stderr)
    print(
        f"random: wanted {want_r}, got {dict(got_r)}; enriched: wanted {want_e}, got {dict(got_e)}",
        file=sys.stderr,
    )
    parts = Counter((r["genre"], r["part"]) for r in records)
    print(f"parts: {dict(sorted(parts.items()))}", file=sys.stderr)
    print(f"wrote {len(records)} pointers to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
