"""Tags in the store: codebooks, tagged documents and matches, and "the current tagging".

Several codebooks' tags live side by side, keyed by the codebook's hash: tagging
with one codebook never touches another's tags, except that a codebook with the
same *name* but different content (an edited file) replaces its predecessor's
tags. A codebook is stored in one canonical form, :meth:`Codebook.to_json`, and
read back as a :class:`Codebook` (:func:`stored_codebook`).

Which tagging an analysis reads is :func:`current_tagging`: a codebook named by
name, hash (or an unambiguous prefix of at least 6 characters) or codebook file
path; by default the default codebook when it has tagged anything, else the one
that tagged last.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> with Corpus.open(":memory:") as corpus:
    ...     current_tagging(corpus) is None
    True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from policytext.codebook import Codebook, codebook_from_dict, load_codebook
from policytext.errors import CodebookError, StoreError

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = [
    "DERIVED_MARK",
    "CodebookRecord",
    "Tagging",
    "TagRow",
    "codebook_records",
    "corpus_hash",
    "current_tagging",
    "document_texts",
    "drop_superseded_tags",
    "resolve_codebook",
    "store_codebook",
    "stored_codebook",
    "tagging_source",
    "untagged_documents",
    "write_tags",
]

logger = logging.getLogger(__name__)

#: The least number of hex digits that may name a codebook by its hash.
MIN_HASH_PREFIX = 6


class _MatchLike(Protocol):
    """What the store needs of a match (``policytext.rhetoric.Match`` has it)."""

    @property
    def sentence(self) -> int: ...
    @property
    def sent_start(self) -> int: ...
    @property
    def sent_end(self) -> int: ...
    @property
    def start_char(self) -> int: ...
    @property
    def end_char(self) -> int: ...
    @property
    def frame(self) -> str: ...
    @property
    def pattern_id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def negated(self) -> bool: ...


#: The line of a derived codebook's description that records what its tags combine
#: (``policytext tag --model``: :func:`policytext.training.derived_codebook`).
DERIVED_MARK = "policytext derived tagging: "


def tagging_source(codebook: Codebook) -> dict[str, str] | None:
    """What a derived codebook's tags combine (``base_codebook``, ``base_name``, ``model``,
    ``model_sha256``, ``combine``), or ``None`` for a plain codebook (its tags all come from
    its patterns).

    Example::

        >>> tagging_source(load_codebook()) is None
        True
    """
    for line in reversed(codebook.description.splitlines()):
        if line.startswith(DERIVED_MARK):
            try:
                record = json.loads(line[len(DERIVED_MARK) :])
            except json.JSONDecodeError:
                return None
            return {str(k): str(v) for k, v in record.items()} if isinstance(record, dict) else None
    return None


#: One tagged document: ``(doc_pk, matches, sentences, tokens)``.
TagRow = tuple[int, Sequence[_MatchLike], int, int]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


# -- writing ------------------------------------------------------------------------------


def store_codebook(corpus: Corpus, codebook: Codebook) -> None:
    """Record ``codebook`` (hash, name, version, canonical JSON) in the store.

    Example::

        >>> store_codebook(corpus, load_codebook())  # doctest: +SKIP
    """
    with corpus.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO codebooks (hash, name, version, content, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (codebook.hash, codebook.name, codebook.version, codebook.to_json(), _now()),
        )


def replace_same_name(corpus: Corpus, codebook: Codebook) -> list[str]:
    """Drop the tags of other codebooks named like ``codebook`` (an edited file); return their hashes.

    Example::

        >>> replace_same_name(corpus, load_codebook())  # doctest: +SKIP
        []
    """
    with corpus.transaction() as conn:
        old = [
            str(row[0])
            for row in conn.execute(
                "SELECT hash FROM codebooks WHERE name = ? AND hash != ?", (codebook.name, codebook.hash)
            )
        ]
        for codebook_hash in old:
            conn.execute("DELETE FROM matches WHERE codebook_hash = ?", (codebook_hash,))
            conn.execute("DELETE FROM tagged_documents WHERE codebook_hash = ?", (codebook_hash,))
    if old:
        logger.info("replaced the tags of codebook %s [%s]", codebook.name, ", ".join(h[:12] for h in old))
    return old


def drop_superseded_tags(corpus: Corpus) -> None:
    """Delete the tags of document versions that are no longer current (every codebook)."""
    with corpus.transaction() as conn:
        conn.execute("DELETE FROM matches WHERE doc_pk IN (SELECT pk FROM documents WHERE is_current = 0)")
        conn.execute(
            "DELETE FROM tagged_documents WHERE doc_pk IN (SELECT pk FROM documents WHERE is_current = 0)"
        )


def untagged_documents(corpus: Corpus, codebook_hash: str) -> tuple[list[tuple[int, int]], int]:
    """Current documents not yet tagged with ``codebook_hash``, ``(pk, tokens)``; and how many are current."""
    todo = [
        (int(pk), int(tokens or 0))
        for pk, tokens in corpus.conn.execute(
            "SELECT d.pk, d.tokens FROM documents d WHERE d.is_current = 1 AND NOT EXISTS "
            "(SELECT 1 FROM tagged_documents t WHERE t.doc_pk = d.pk AND t.codebook_hash = ?) ORDER BY d.pk",
            (codebook_hash,),
        )
    ]
    total = int(corpus.conn.execute("SELECT count(*) FROM documents WHERE is_current = 1").fetchone()[0])
    return todo, total


def document_texts(corpus: Corpus, pks: Sequence[int]) -> list[tuple[int, str, int]]:
    """``(pk, text, tokens)`` of the given documents, in key order."""
    if not pks:
        return []
    marks = ", ".join("?" for _ in pks)
    rows = corpus.conn.execute(
        f"SELECT pk, text, tokens FROM documents WHERE pk IN ({marks}) ORDER BY pk", list(pks)
    )
    return [(int(pk), str(text), int(tokens)) for pk, text, tokens in rows]


def write_tags(corpus: Corpus, codebook_hash: str, results: Iterable[TagRow], *, tagged_at: str = "") -> int:
    """Store the matches of tagged documents in one transaction; return how many matches.

    Each document's earlier tags *of this codebook* are replaced; other codebooks'
    tags stay.

    Example::

        >>> write_tags(corpus, codebook.hash, [(pk, matches, sentences, tokens)])  # doctest: +SKIP
    """
    now = tagged_at or _now()
    # Statements per kind, not per document (a corpus of paragraphs has thousands per batch);
    # a document given twice keeps its last tags, as writing them one after the other would.
    latest = {pk: (pk, matches, sentences, tokens) for pk, matches, sentences, tokens in results}
    rows = [
        (pk, codebook_hash, m.sentence, m.sent_start, m.sent_end, m.start_char, m.end_char, m.frame,
         m.pattern_id, m.text, int(m.negated))
        for pk, matches, _, _ in latest.values()
        for m in matches
    ]  # fmt: skip
    with corpus.transaction() as conn:
        conn.executemany(
            "DELETE FROM matches WHERE doc_pk = ? AND codebook_hash = ?",
            [(pk, codebook_hash) for pk in latest],
        )
        conn.executemany(
            "INSERT INTO matches (doc_pk, codebook_hash, sentence, sent_start, sent_end, start_char, "
            "end_char, frame, pattern_id, text, negated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.executemany(
            "INSERT OR REPLACE INTO tagged_documents "
            "(doc_pk, codebook_hash, sentences, tokens, tagged_at) VALUES (?, ?, ?, ?, ?)",
            [(pk, codebook_hash, sentences, tokens, now) for pk, _, sentences, tokens in latest.values()],
        )
    return len(rows)


def document_tokens(corpus: Corpus, doc_id: str) -> tuple[int, int]:
    """``(pk, tokens)`` of the current version of document ``doc_id``."""
    row = corpus.conn.execute(
        "SELECT pk, tokens FROM documents WHERE id = ? AND is_current = 1", (doc_id,)
    ).fetchone()
    if row is None:
        raise StoreError(f"{corpus.path}: no current document {doc_id!r}")
    return int(row[0]), int(row[1])


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodebookRecord:
    """A codebook the store holds, with how many current documents it tagged.

    ``scores`` is the latest recorded evaluation's scores (``None`` when never evaluated).
    """

    name: str
    version: str
    hash: str
    documents: int
    tagged_at: str | None
    scores: dict[str, Any] | None = None
    is_default: bool = False

    def to_record(self) -> dict[str, Any]:
        """A plain dict (for JSON output)."""
        return {
            "name": self.name,
            "version": self.version,
            "hash": self.hash,
            "documents": self.documents,
            "tagged_at": self.tagged_at,
            "default": self.is_default,
            "scores": self.scores,
        }


def codebook_records(corpus: Corpus) -> list[CodebookRecord]:
    """Every codebook stored, with the current documents it tagged (most recently tagged first).

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> codebook_records(Corpus.open(":memory:"))
        []
    """
    rows = corpus.conn.execute(
        "SELECT c.hash, c.name, c.version, count(d.pk) AS n, max(t.tagged_at) AS last "
        "FROM codebooks c LEFT JOIN tagged_documents t ON t.codebook_hash = c.hash "
        "LEFT JOIN documents d ON d.pk = t.doc_pk AND d.is_current = 1 "
        "GROUP BY c.hash ORDER BY last IS NULL, last DESC, c.name"
    ).fetchall()
    default_hash = load_codebook().hash
    records = []
    for row in rows:
        evaluation = corpus.conn.execute(
            "SELECT scores FROM evaluations WHERE codebook_hash = ? ORDER BY pk DESC LIMIT 1", (row[0],)
        ).fetchone()
        records.append(
            CodebookRecord(
                name=str(row[1] or ""),
                version=str(row[2] or ""),
                hash=str(row[0]),
                documents=int(row[3]),
                tagged_at=row[4],
                scores=json.loads(evaluation[0]) if evaluation else None,
                is_default=row[0] == default_hash,
            )
        )
    return records


def resolve_codebook(corpus: Corpus, codebook: str | Path | Codebook) -> str:
    """The hash of the stored codebook named by ``codebook``: a name, a hash (or prefix) or a file.

    A name that several stored codebooks share means the one that tagged last.

    Raises
    ------
    CodebookError
        When nothing stored matches, naming what the store holds.

    Example::

        >>> resolve_codebook(corpus, "policytext-default")  # doctest: +SKIP
        '4f1c...'
    """
    if isinstance(codebook, Codebook):
        return codebook.hash
    records = codebook_records(corpus)
    text = str(codebook)
    by_name = [r for r in records if r.name == text]
    if by_name:
        return by_name[0].hash
    lowered = text.lower()
    if len(lowered) >= MIN_HASH_PREFIX and all(c in "0123456789abcdef" for c in lowered):
        found = [r for r in records if r.hash.startswith(lowered)]
        if len(found) == 1:
            return found[0].hash
        if len(found) > 1:
            raise CodebookError(f"--codebook: hash prefix {text!r} is ambiguous; give more digits")
    path = Path(codebook)
    if path.suffix and path.exists():
        loaded = load_codebook(path)
        if any(r.hash == loaded.hash for r in records):
            return loaded.hash
        raise CodebookError(
            f"--codebook: {path} ({loaded.name} {loaded.version} [{loaded.hash[:12]}]) has not tagged "
            "this corpus; run 'policytext tag --codebook' with it first"
        )
    known = ", ".join(f"{r.name} [{r.hash[:12]}]" for r in records) or "none"
    raise CodebookError(f"--codebook: no stored codebook is named {text!r}; the store holds: {known}")


def stored_codebook(corpus: Corpus, codebook_hash: str) -> Codebook:
    """The stored codebook with this hash, as a :class:`Codebook`.

    Example::

        >>> stored_codebook(corpus, tagging.codebook_hash).frames  # doctest: +SKIP
    """
    row = corpus.conn.execute("SELECT content FROM codebooks WHERE hash = ?", (codebook_hash,)).fetchone()
    if row is None or not row[0]:
        raise CodebookError(f"{corpus.path}: no stored codebook [{codebook_hash[:12]}]")
    return codebook_from_json(str(row[0]), source=f"{corpus.path} (codebook {codebook_hash[:12]})")


def codebook_from_json(content: str, *, source: str = "<stored codebook>") -> Codebook:
    """Read the canonical JSON of :meth:`Codebook.to_json` back into a :class:`Codebook`."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise CodebookError(f"{source}: stored codebook is not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or "frame_defs" not in data:
        raise CodebookError(f"{source}: stored codebook is not in the canonical form of Codebook.to_json")
    return codebook_from_dict(data, source=source)


@dataclass(frozen=True)
class Tagging:
    """One codebook's tags in the store: which codebook, its frames, how many documents.

    Attributes
    ----------
    codebook_hash, codebook_name, codebook_version:
        From the ``codebooks`` row.
    frames:
        The frame ids of the codebook, in its order, followed by any other frame
        found in the stored matches.
    documents:
        Documents tagged with this codebook.
    tagged_at:
        When the last of them was tagged.
    content:
        The codebook as stored (canonical JSON).
    """

    codebook_hash: str
    codebook_name: str | None
    codebook_version: str | None
    frames: tuple[str, ...]
    documents: int
    tagged_at: str
    content: str | None = None

    @property
    def codebook(self) -> Codebook:
        """The stored codebook as a :class:`Codebook`."""
        if not self.content:
            raise CodebookError(f"codebook [{self.codebook_hash[:12]}]: not stored")
        return codebook_from_json(self.content, source=f"codebook {self.codebook_hash[:12]}")

    @property
    def source(self) -> dict[str, str] | None:
        """What the tags combine when made with ``tag --model`` (:func:`tagging_source`), else ``None``."""
        return tagging_source(self.codebook) if self.content else None


def current_tagging(corpus: Corpus, codebook: str | Path | Codebook | None = None) -> Tagging | None:
    """The tags an analysis reads: of ``codebook`` (name, hash, path) or, by default, of the
    default codebook when it tagged anything, else of the codebook that tagged last.

    Returns ``None`` when nothing is tagged (and no codebook is asked for).

    Raises
    ------
    CodebookError
        When ``codebook`` names nothing stored, or a stored codebook that tagged nothing.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> current_tagging(Corpus.open(":memory:")) is None
        True
    """
    if codebook is not None:
        codebook_hash = resolve_codebook(corpus, codebook)
    else:
        tagged = [r for r in codebook_records(corpus) if r.documents]
        if not tagged:
            return None
        defaults = [r for r in tagged if r.is_default]
        codebook_hash = (defaults or tagged)[0].hash
    row = corpus.conn.execute(
        "SELECT c.name, c.version, c.content, count(d.pk) AS n, max(t.tagged_at) AS last "
        "FROM codebooks c JOIN tagged_documents t ON t.codebook_hash = c.hash "
        "JOIN documents d ON d.pk = t.doc_pk AND d.is_current = 1 WHERE c.hash = ? GROUP BY c.hash",
        (codebook_hash,),
    ).fetchone()
    if row is None:
        raise CodebookError(f"--codebook: codebook [{codebook_hash[:12]}] has tagged no current document")
    frames = list(codebook_from_json(str(row["content"])).frames)
    stored = [
        str(r[0])
        for r in corpus.conn.execute(
            "SELECT DISTINCT frame FROM matches WHERE codebook_hash = ? ORDER BY frame", (codebook_hash,)
        )
    ]
    extra = [f for f in stored if f not in frames]
    if extra:
        logger.warning("matches carry frames the codebook does not list: %s", ", ".join(extra))
    return Tagging(
        codebook_hash=codebook_hash,
        codebook_name=row["name"],
        codebook_version=row["version"],
        frames=tuple(frames + extra),
        documents=int(row["n"]),
        tagged_at=str(row["last"]),
        content=row["content"],
    )


def corpus_hash(corpus: Corpus) -> str:
    """SHA-256 over ``id, version, text sha256`` of the current documents, in id order.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> len(corpus_hash(Corpus.open(":memory:")))
        64
    """
    digest = hashlib.sha256()
    for doc_id, version, text_hash in corpus.conn.execute(
        "SELECT id, version, text_sha256 FROM documents WHERE is_current = 1 ORDER BY id"
    ):
        digest.update(f"{doc_id}\t{version}\t{text_hash}\n".encode())
    return digest.hexdigest()
