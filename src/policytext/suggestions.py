"""Candidate terms for a frame, from the corpus itself: ``policytext codebook suggest``.

:func:`suggest_terms` proposes words and bigrams over-represented around a frame's
matches (its matched sentences without the matched words, which the codebook has
already) against the rest of the corpus (Dunning's G2 and the log ratio), each with
counts and three concordance lines from sentences the codebook does *not* yet match
(where the term would add recall), for the researcher to accept or reject.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Unpack

from policytext.errors import PolicytextError
from policytext.store import evaluations as store
from policytext.store.filters import DocumentFilter, FilterOptions, resolve_filter

if TYPE_CHECKING:
    from policytext.codebook import Codebook
    from policytext.store.corpus import Corpus

__all__ = ["format_suggestions", "suggest_terms"]

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")


def _terms(text: str, stop: frozenset[str]) -> list[str]:
    words = _WORD.findall(text.lower())
    unigrams = [w for w in words if w not in stop and len(w) > 2]
    bigrams = [f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a not in stop and b not in stop]
    return unigrams + bigrams


def _around(text: str, start: int, end: int, words: Sequence[tuple[int, int]]) -> list[str]:
    """The pieces of ``text[start:end]`` outside the ``words`` spans (sorted by start), in order.

    Example::

        >>> _around("We will devolve power to towns.", 0, 31, [(8, 21)])
        ['We will ', ' to towns.']
    """
    pieces: list[str] = []
    cursor = start
    for low in range(bisect.bisect_left(words, (start, start)), len(words)):
        word_start, word_end = words[low]
        if word_start >= end:
            break
        pieces.append(text[cursor:word_start])
        cursor = max(cursor, word_end)
    pieces.append(text[cursor:end])
    return [piece for piece in pieces if piece]


def _g2(a: int, b: int, c: int, d: int) -> float:
    """Dunning's log-likelihood for term count a of c target words and b of d reference words."""
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    total = 0.0
    if a:
        total += a * math.log(a / e1)
    if b:
        total += b * math.log(b / e2)
    return 2 * total


def suggest_terms(
    corpus: Corpus,
    frame: str,
    *,
    limit: int = 20,
    min_count: int = 3,
    codebook: Codebook | None = None,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> list[dict[str, Any]]:
    """Candidate terms for a frame: words and bigrams over-represented around its matches.

    The target is the sentences the codebook matched for ``frame`` without the matched
    words themselves (the codebook has those already; a classifier's or a model's
    whole-sentence match keeps its words, which no pattern found); the reference is
    every other sentence of the same tagged documents. Terms (stop words left out)
    are ranked by Dunning's G2 among those more frequent in the target (log ratio
    > 0). Each comes with its counts and up to three concordance lines
    from sentences the codebook does not match, where adding it would raise recall.

    ``codebook``: the stored codebook whose tags to read (default: the one most
    documents carry).

    Returns ``[{"term", "target", "reference", "g2", "log_ratio", "lines"}]``, best first.
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from policytext.codebook import is_sentence_decision

    flt = resolve_filter(documents, filters)
    codebook_hash = codebook.hash if codebook is not None else store.tagged_codebook_hash(corpus)
    if codebook_hash is None:
        raise PolicytextError(f"{corpus.path}: no tagged documents; run `policytext tag` first")
    if codebook is not None and frame not in codebook.frames:
        raise PolicytextError(f"{frame!r} is not a frame of the codebook ({', '.join(codebook.frames)})")
    matched = store.frame_sentences(corpus, codebook_hash, frame, flt)
    if not matched:
        raise PolicytextError(f"frame {frame!r}: no sentence of the selected documents matches it")
    stop = frozenset(ENGLISH_STOP_WORDS)
    by_doc: dict[int, list[tuple[int, int]]] = {}
    for pk, _sentence, start, end in matched:
        by_doc.setdefault(pk, []).append((start, end))
    words_of: dict[int, list[tuple[int, int]]] = {}  # per document, the frame's matched words
    for pk, start, end, pattern_id in store.frame_match_spans(corpus, codebook_hash, frame, flt):
        if not is_sentence_decision(pattern_id):
            words_of.setdefault(pk, []).append((start, end))
    texts = store.document_texts(corpus, by_doc)
    target: Counter[str] = Counter()
    reference: Counter[str] = Counter()
    rest: list[str] = []
    for pk, spans in by_doc.items():
        text = texts[pk]["text"]
        cursor = 0
        for start, end in sorted(set(spans)):
            for piece in _around(text, start, end, words_of.get(pk, [])):
                target.update(_terms(piece, stop))
            rest.append(text[cursor:start])
            cursor = max(cursor, end)
        rest.append(text[cursor:])
    for chunk in rest:
        reference.update(_terms(chunk, stop))
    size_t, size_r = sum(target.values()) or 1, sum(reference.values()) or 1
    ranked = []
    for term, a in target.items():
        b = reference.get(term, 0)
        if a < min_count:
            continue
        log_ratio = math.log2(((a + 0.5) / size_t) / ((b + 0.5) / size_r))
        if log_ratio <= 0:
            continue
        ranked.append((_g2(a, b, size_t, size_r), log_ratio, term, a, b))
    ranked.sort(key=lambda item: (-item[0], item[2]))
    out = []
    for g2, log_ratio, term, a, b in ranked[:limit]:
        out.append(
            {"term": term, "target": a, "reference": b, "g2": round(g2, 2), "log_ratio": round(log_ratio, 2),
             "lines": _concordance(rest, term)}
        )  # fmt: skip
    return out


def _concordance(chunks: Sequence[str], term: str, *, width: int = 60, count: int = 3) -> list[str]:
    pattern = re.compile(r"\b" + re.escape(term).replace(r"\ ", r"\s+") + r"\b", re.IGNORECASE)
    lines: list[str] = []
    for chunk in chunks:
        for hit in pattern.finditer(chunk):
            left = " ".join(chunk[max(0, hit.start() - width) : hit.start()].split())
            right = " ".join(chunk[hit.end() : hit.end() + width].split())
            lines.append(f"{left} [{hit.group(0)}] {right}".strip())
            if len(lines) == count:
                return lines
    return lines


def format_suggestions(frame: str, suggestions: Sequence[dict[str, Any]], *, fmt: str = "md") -> str:
    """Suggestions as JSON or Markdown (a table, then the concordance lines)."""
    if fmt == "json":
        return json.dumps({"frame": frame, "suggestions": list(suggestions)}, indent=2, ensure_ascii=False)
    rows = [
        f"# Candidate terms for {frame}",
        "",
        "| term | around matches | elsewhere | G2 | log2 ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in suggestions:
        rows.append(
            f"| {s['term']} | {s['target']} | {s['reference']} | {s['g2']:.1f} | {s['log_ratio']:.2f} |"
        )
    for s in suggestions:
        rows.append(f"\n## {s['term']}")
        rows.extend(f"- {line}" for line in s["lines"]) if s["lines"] else rows.append("- (only in matches)")
    return "\n".join(rows) + "\n"
