"""The tagging run the tables read: its codebook and frames, and the corpus hash.

(Kept as they were in ``policytext.tables``; the store will own these queries.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from policytext.codebook import load_codebook

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = [
    "Tagging",
    "codebook_frames",
    "corpus_hash",
    "current_tagging",
    "default_frames",
    "parse_codebook_content",
]

logger = logging.getLogger(__name__)


@cache
def default_frames() -> tuple[str, ...]:
    """The frame ids of the default codebook, in its order (read on first use).

    Used when a stored codebook names no frames; ``DEFAULT_FRAMES`` is the same
    tuple, so the two can never drift apart.

    Example::

        >>> default_frames()[:2]
        ('empowerment', 'devolution')
    """
    return load_codebook().frames


@dataclass(frozen=True)
class Tagging:
    """The latest tagging run: its codebook and the frames it can assign.

    Attributes
    ----------
    codebook_hash, codebook_name, codebook_version:
        From the ``codebooks`` row (name and version ``None`` when the row is missing).
    frames:
        The frame ids of the codebook, in its order (or :func:`default_frames`),
        followed by any other frame found in the stored matches.
    documents:
        Documents tagged with this codebook.
    tagged_at:
        When the last of them was tagged.
    content:
        The codebook text as stored (``None`` when unknown).
    """

    codebook_hash: str
    codebook_name: str | None
    codebook_version: str | None
    frames: tuple[str, ...]
    documents: int
    tagged_at: str
    content: str | None = None


def current_tagging(corpus: Corpus) -> Tagging | None:
    """The latest tagging run stored in ``corpus``, or ``None`` if nothing is tagged.

    Parameters
    ----------
    corpus:
        An open store.

    Returns
    -------
    Tagging or None
        The codebook whose hash is in ``tagged_documents`` with the most recent
        ``tagged_at``.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> current_tagging(Corpus.open(":memory:")) is None
        True
    """
    row = corpus.conn.execute(
        "SELECT codebook_hash, max(tagged_at) AS last, count(*) AS n FROM tagged_documents "
        "GROUP BY codebook_hash ORDER BY last DESC, n DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    codebook_hash = str(row["codebook_hash"])
    book = corpus.conn.execute(
        "SELECT name, version, content FROM codebooks WHERE hash = ?", (codebook_hash,)
    ).fetchone()
    content = book["content"] if book else None
    frames = list(codebook_frames(content) or default_frames())
    stored = [
        r[0]
        for r in corpus.conn.execute(
            "SELECT DISTINCT frame FROM matches WHERE codebook_hash = ? ORDER BY frame",
            (codebook_hash,),
        )
    ]
    extra = [f for f in stored if f not in frames]
    if extra:
        logger.warning("matches carry frames the codebook does not list: %s", ", ".join(extra))
    return Tagging(
        codebook_hash=codebook_hash,
        codebook_name=book["name"] if book else None,
        codebook_version=book["version"] if book else None,
        frames=tuple(frames + extra),
        documents=int(row["n"]),
        tagged_at=str(row["last"]),
        content=content,
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


def parse_codebook_content(content: str | None) -> Any:
    """The stored codebook text as data (JSON, YAML or TOML), or ``None`` if none parses."""
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        pass
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError:
        pass
    try:
        import yaml

        return yaml.safe_load(content)
    except Exception:  # noqa: BLE001 - any parse failure means "not YAML"; the caller falls back
        return None


def codebook_frames(content: str | None) -> tuple[str, ...]:
    """Frame ids named in a stored codebook, in order; empty when it names none.

    Understands a ``frames`` entry that is a list of ids, a list of objects with
    ``id`` (or ``name``), or a mapping keyed by id.

    Example::

        >>> codebook_frames('{"frames": [{"id": "empowerment"}, {"id": "devolution"}]}')
        ('empowerment', 'devolution')
    """
    data = parse_codebook_content(content)
    if not isinstance(data, dict):
        return ()
    # "frame_defs" is the layout the tagger stores (Codebook.to_json); "frames" that of a
    # codebook file.
    frames = data.get("frames", data.get("frame", data.get("frame_defs")))
    ids: list[str] = []
    if isinstance(frames, dict):
        ids = [str(k) for k in frames]
    elif isinstance(frames, list):
        for item in frames:
            if isinstance(item, str):
                ids.append(item)
            elif isinstance(item, dict) and (item.get("id") or item.get("name")):
                ids.append(str(item.get("id") or item.get("name")))
    return tuple(dict.fromkeys(ids))
