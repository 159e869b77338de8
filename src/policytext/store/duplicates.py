"""Duplicate documents: the same speech stored twice, found, kept and counted once.

Two kinds are found among the current documents:

- **exact** duplicates have the same normalised text (lower-cased words, punctuation
  and spacing ignored): the same speech from two sources, or one press conference
  filed under each speaker;
- **near** duplicates share most of their word 5-grams ("shingles"): a re-transcribed
  speech with different punctuation, an added editorial note, a cut introduction.
  Each text gets a MinHash signature (``datasketch``, 128 permutations, stored once per
  document version); locality-sensitive hashing proposes candidate pairs, and a pair is
  a duplicate when the estimated share of the *shorter* text's shingles found in the
  longer one (containment) reaches the threshold (default 0.8). Texts of fewer than
  :data:`MIN_SHINGLES` shingles are only ever exact duplicates.

Duplicates are grouped into clusters (a pair links two documents; links chain). The
**canonical** member of a cluster is the most complete text with the best metadata:
most tokens first, then most metadata fields known (speaker, party, date, title, venue,
URL, a doc_type other than ``other``, a day-precise date scoring above a month or year),
then the smallest id. Nothing is deleted: analyses leave out the other members when
the canonical one (or a better-ranked one) is selected too
(:meth:`~policytext.store.corpus.Corpus.filter_sql`).

Example::

    >>> from policytext.store.corpus import Corpus, Document
    >>> corpus = Corpus.open(":memory:")
    >>> _ = corpus.add(Document(id="a", text="We will build the Big Society.", speaker="David Cameron"))
    >>> _ = corpus.add(Document(id="b", text="We will build the big society!"))
    >>> corpus.refresh_duplicates()
    True
    >>> [(c.canonical, c.members) for c in corpus.duplicate_clusters()]
    [('a', ('a', 'b'))]
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from policytext.errors import InputError


class Corpus(Protocol):
    """What this module needs of :class:`policytext.store.corpus.Corpus` (which calls it)."""

    conn: sqlite3.Connection

    def check_writable(self) -> None: ...

    def has_table(self, name: str) -> bool: ...

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...


__all__ = ["DEFAULT_THRESHOLD", "MIN_SHINGLES", "DuplicateCluster", "refresh", "signature", "stored_clusters"]

#: Containment at or above which two texts are the same document.
DEFAULT_THRESHOLD = 0.8
#: Texts with fewer shingles than this are compared exactly only.
MIN_SHINGLES = 30
SHINGLE_WORDS = 5
NUM_PERM = 128
_SEED = 1
_SCHEME = "affine32"  # datasketch 2 default: 32-bit hash values
_BATCH = 200
_PRECISION_SCORE = {"day": 2, "month": 1, "year": 0}


@dataclass(frozen=True)
class DuplicateCluster:
    """Documents that are the same text: the canonical id first among ``members``."""

    canonical: str
    members: tuple[str, ...]
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        """``{"canonical", "members", "similarity"}`` as ``policytext duplicates`` prints it."""
        return {"canonical": self.canonical, "members": list(self.members), "similarity": self.similarity}


def signature(text: str) -> tuple[str, int, bytes]:
    """``(hash of the normalised words, number of distinct shingles, MinHash bytes)``.

    Everything is computed with numpy: words are runs of letters and digits (case,
    punctuation and spacing ignored), hashed position-independently from their UTF-8
    bytes; shingle hashes are rolled from five word hashes; the MinHash takes the
    minimum of :data:`NUM_PERM` multiply-shift permutations. This is several times
    faster than hashing each shingle string in Python; the values are 32-bit, as a
    ``datasketch.MinHash`` holds them, and ``datasketch.MinHashLSH`` indexes them.
    """
    hashes = _word_hashes(text)
    normalised = hashlib.sha256(hashes.astype("<u8").tobytes()).hexdigest()
    if len(hashes) == 0:
        hashes = np.zeros(1, dtype=np.uint64)
    n = min(SHINGLE_WORDS, len(hashes))
    rolled = np.zeros(len(hashes) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(n):
            rolled = rolled * _ROLL + hashes[offset : offset + len(rolled)]
        shingles = np.unique(rolled >> np.uint64(32) ^ (rolled & np.uint64(0xFFFFFFFF)))
        a, b = _permutations()
        lowest = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, len(shingles), 4096):
            mixed = np.multiply(shingles[start : start + 4096, None], a[None, :])
            mixed += b
            np.minimum(lowest, mixed.min(axis=0), out=lowest)
    # The high 32 bits of the smallest value are the smallest high 32 bits (shifting keeps order).
    values = lowest >> _SHIFT
    return normalised, int(len(shingles)), values.astype("<u4").tobytes()


_P = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_P64 = np.uint64(_P)
_PINV = np.uint64(pow(_P, -1, 2**64))
_WORD_BYTES = np.zeros(256, dtype=bool)
_WORD_BYTES[list(b"abcdefghijklmnopqrstuvwxyz0123456789")] = True
_WORD_BYTES[128:] = True  # bytes of non-ASCII letters (punctuation among them is blanked first)
# Typographic punctuation, blanked so that "it’s" and "it's" are the same words.
_BLANK = re.compile("[\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00ab\u00bb\u2022]")
_SHIFT = np.uint64(32)


def _word_hashes(text: str) -> Any:
    """One 64-bit hash per word of ``text``, in order (equal words, equal hashes)."""
    data = np.frombuffer(_BLANK.sub(" ", text.lower()).encode("utf-8"), dtype=np.uint8)
    is_word = _WORD_BYTES[data]
    edges = np.diff(np.concatenate(([False], is_word, [False])).astype(np.int8))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    with np.errstate(over="ignore"):
        # h(word) = sum over its bytes of (byte + 1) * PINV**(j + 1 - start): prefix sums give
        # every word at once, and multiplying by P**start makes it independent of position.
        inverse_powers = np.cumprod(np.full(len(data), _PINV, dtype=np.uint64))
        prefix = np.concatenate(
            (
                [np.uint64(0)],
                np.cumsum((data.astype(np.uint64) + np.uint64(1)) * inverse_powers, dtype=np.uint64),
            )
        )
        powers = np.concatenate(([np.uint64(1)], np.cumprod(np.full(len(data), _P64, dtype=np.uint64))))
        return (prefix[ends] - prefix[starts]) * powers[starts]


_ROLL = np.uint64(1_000_003)


@functools.cache
def _permutations() -> tuple[Any, Any]:
    """The ``(a, b)`` of the multiply-shift permutations, fixed so signatures are stable."""
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return a, b


def _check_threshold(threshold: float) -> float:
    if not 0.5 <= threshold <= 1.0:
        raise InputError(f"threshold: {threshold!r} is not between 0.5 and 1.0")
    return float(threshold)


# -- the store side ---------------------------------------------------------------


def _fingerprint(corpus: Corpus) -> str:
    row = corpus.conn.execute(
        "SELECT count(*), coalesce(max(pk), 0), coalesce(total(pk), 0) FROM documents WHERE is_current = 1"
    ).fetchone()
    return f"{row[0]}:{row[1]}:{int(row[2])}"


def _state(corpus: Corpus) -> dict[str, str]:
    return {k: v for k, v in corpus.conn.execute("SELECT key, value FROM duplicate_state")}


def refresh(corpus: Corpus, *, threshold: float | None = None, force: bool = False) -> bool:
    """Recompute the clusters of ``corpus`` when its documents (or the threshold) changed.

    Signatures are computed outside any transaction, for the documents that lack one;
    the clusters are written in one short transaction, and computed again if another
    process stored documents meanwhile.
    """
    corpus.check_writable()
    state = _state(corpus)
    if threshold is None:
        threshold = float(state.get("threshold", DEFAULT_THRESHOLD))
    threshold = _check_threshold(threshold)
    for _ in range(5):
        fingerprint = _fingerprint(corpus)
        if not force and state.get("fingerprint") == fingerprint and float(state["threshold"]) == threshold:
            return False
        _store_signatures(corpus)
        clusters = _cluster(_load(corpus), threshold)
        with corpus.transaction() as conn:
            if _fingerprint(corpus) != fingerprint:
                continue  # documents arrived while we computed: again, with them
            conn.execute("DELETE FROM duplicate_clusters")
            conn.executemany(
                "INSERT INTO duplicate_clusters (cluster, doc_id, rank, similarity) VALUES (?, ?, ?, ?)",
                [
                    (number, doc_id, rank, cluster.similarity)
                    for number, cluster in enumerate(clusters, start=1)
                    for rank, doc_id in enumerate(cluster.members)
                ],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO duplicate_state (key, value) VALUES (?, ?)",
                [("fingerprint", fingerprint), ("threshold", repr(threshold))],
            )
        return True
    return True


def _store_signatures(corpus: Corpus) -> None:
    missing = [
        int(row[0])
        for row in corpus.conn.execute(
            "SELECT d.pk FROM documents d LEFT JOIN document_signatures s ON s.doc_pk = d.pk "
            "WHERE d.is_current = 1 AND s.doc_pk IS NULL ORDER BY d.pk"
        )
    ]
    for start in range(0, len(missing), _BATCH):
        chunk = missing[start : start + _BATCH]
        marks = ", ".join("?" * len(chunk))
        rows = corpus.conn.execute(f"SELECT pk, text FROM documents WHERE pk IN ({marks})", chunk).fetchall()
        computed = [(pk, *signature(text)) for pk, text in rows]
        with corpus.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO document_signatures (doc_pk, norm_sha256, words, minhash) "
                "VALUES (?, ?, ?, ?)",
                computed,
            )


@dataclass
class _Doc:
    id: str
    norm: str
    shingles: int
    values: Any
    rank_key: tuple[Any, ...]


def _load(corpus: Corpus) -> list[_Doc]:
    rows = corpus.conn.execute(
        "SELECT d.id, s.norm_sha256, s.words, s.minhash, d.tokens, d.speaker, d.party, d.date, "
        "d.date_precision, d.title, d.venue, d.url, d.doc_type "
        "FROM documents d JOIN document_signatures s ON s.doc_pk = d.pk WHERE d.is_current = 1"
    )
    docs = []
    for row in rows:
        known = sum(1 for name in ("speaker", "party", "date", "title", "venue", "url") if row[name])
        score = (
            known + (row["doc_type"] not in (None, "other")) + _PRECISION_SCORE.get(row["date_precision"], 0)
        )
        docs.append(
            _Doc(
                id=row["id"],
                norm=row["norm_sha256"],
                shingles=int(row["words"]),
                values=np.frombuffer(row["minhash"], dtype="<u4"),
                rank_key=(-int(row["tokens"]), -score, row["id"]),
            )
        )
    return docs


def _cluster(docs: Sequence[_Doc], threshold: float) -> list[DuplicateCluster]:
    """Clusters of exact and near duplicates, largest first, members in rank order."""
    parent = list(range(len(docs)))
    link: dict[int, float] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int, similarity: float) -> None:
        a, b = find(i), find(j)
        low = min(link.get(a, 1.0), link.get(b, 1.0), similarity)
        if a != b:
            parent[b] = a
        link[a] = low

    by_norm: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_norm[doc.norm].append(i)
    representatives = []
    for group in by_norm.values():
        for j in group[1:]:
            union(group[0], j, 1.0)
        if docs[group[0]].shingles >= MIN_SHINGLES:
            representatives.append(group[0])
    for i, j, similarity in _near_pairs(docs, representatives, threshold):
        union(i, j, similarity)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        members[find(i)].append(i)
    clusters = []
    for root, group in members.items():
        if len(group) < 2:
            continue
        ordered = sorted(group, key=lambda k: docs[k].rank_key)
        ids = tuple(docs[k].id for k in ordered)
        clusters.append(DuplicateCluster(ids[0], ids, round(link.get(root, 1.0), 3)))
    clusters.sort(key=lambda c: (-len(c.members), c.canonical))
    return clusters


def _near_pairs(
    docs: Sequence[_Doc], candidates: list[int], threshold: float
) -> Iterator[tuple[int, int, float]]:
    """Pairs whose estimated containment reaches ``threshold``, from an LSH index whose
    Jaccard threshold is low enough to propose a text cut to about half of another."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=max(0.3, threshold / 2), num_perm=NUM_PERM)
    sketches = {
        i: MinHash(
            num_perm=NUM_PERM,
            seed=_SEED,
            hashvalues=docs[i].values,
            scheme=_SCHEME,
        )
        for i in candidates
    }
    for i, sketch in sketches.items():
        lsh.insert(i, sketch)
    for i, sketch in sketches.items():
        for j in lsh.query(sketch):
            if j <= i:
                continue
            jaccard = float(np.mean(docs[i].values == docs[j].values))
            a, b = docs[i].shingles, docs[j].shingles
            shared = jaccard * (a + b) / (1.0 + jaccard)
            containment = min(1.0, shared / min(a, b))
            if containment >= threshold:
                yield i, j, containment


def stored_clusters(corpus: Corpus) -> list[DuplicateCluster]:
    """The clusters as last computed, largest first (empty on a store never clustered)."""
    if not corpus.has_table("duplicate_clusters"):
        return []
    grouped: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
    for cluster, doc_id, rank, similarity in corpus.conn.execute(
        "SELECT cluster, doc_id, rank, similarity FROM duplicate_clusters ORDER BY cluster, rank"
    ):
        grouped[int(cluster)].append((int(rank), str(doc_id), float(similarity)))
    clusters = [
        DuplicateCluster(rows[0][1], tuple(doc_id for _, doc_id, _ in rows), rows[0][2])
        for rows in grouped.values()
    ]
    clusters.sort(key=lambda c: (-len(c.members), c.canonical))
    return clusters
