"""Text helpers shared by the store, the tagger and the tables.

The token count is the denominator of every rate, so it has one definition:
the tokens of spaCy's English tokenizer that are neither punctuation nor
whitespace (words and numbers).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@cache
def blank_english() -> Language:
    """A blank English pipeline (tokenizer only), built once per process."""
    import spacy

    return with_chunk_cache(spacy.blank("en"))


class ChunkCacheTokenizer:
    """spaCy's tokenizer with its cache filled chunk by chunk: the same Docs, faster on long texts.

    spaCy's :class:`~spacy.tokenizer.Tokenizer` caches the tokens of each chunk of
    text between whitespace, but within one call it stops adding to the cache after
    the first chunk that involves a special case (a tokenizer exception such as a
    line break, "don't" or "Mr."; spaCy's ``_save_cached``, issue #1250). A text with
    line breaks therefore caches almost nothing after its first line, and long texts
    tokenize about half as fast per token as paragraphs. Before tokenizing a text,
    this wrapper tokenizes the chunks it has not seen so that special cases stop
    little caching (plain chunks together, likely special ones alone), until
    spaCy's cache would be full (``max_cache_size`` chunks); spaCy then tokenizes the
    text as always and finds its chunks in the cache. spaCy caches a chunk's tokens
    as it makes them for the chunk alone, in whatever call, so the Docs are the same.

    Every other attribute (``explain``, ``rules``, serialisation) is the tokenizer's.

    Example::

        >>> import spacy
        >>> plain = spacy.blank("en")
        >>> nlp = with_chunk_cache(spacy.blank("en"))
        >>> text = "Don't stop.\\nPower to the people."
        >>> [t.text for t in nlp(text)] == [t.text for t in plain(text)]
        True
    """

    def __init__(self, tokenizer: Callable[[str], Doc]) -> None:
        self.tokenizer = tokenizer
        self._seen: set[str] = set()

    def __call__(self, text: str) -> Doc:
        if len(self._seen) < getattr(self.tokenizer, "max_cache_size", 0):
            new = set(text.split()).difference(self._seen)
            if new:
                self._seen.update(new)
                self._fill(new)
        return self.tokenizer(text)

    def _fill(self, chunks: set[str]) -> None:
        """Tokenize ``chunks`` so that spaCy caches them (all but those that hold a special case).

        A special case (and one with a full stop after it) is skipped: spaCy never caches
        it. Chunks with no apostrophe or inner full stop (where contractions and
        abbreviations hide) are tokenized together, in one call; the others one per call,
        so that a special case inside one stops the caching of none but itself. spaCy
        caches a chunk's own tokens whichever call it comes in, so this decides only how
        many chunks are cached (a special case among the first kind costs the rest of
        that call their caching), never the tokens.
        """
        rules = getattr(self.tokenizer, "rules", None) or {}
        together: list[str] = []
        alone: list[str] = []
        for chunk in chunks:
            if chunk in rules or (chunk[-1] == "." and chunk[:-1] in rules):
                continue
            (alone if _MAYBE_SPECIAL.search(chunk) else together).append(chunk)
        if together:
            self.tokenizer(" ".join(together))
        for chunk in alone:
            self.tokenizer(chunk)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def add_special_case(self, string: str, substrings: Any) -> None:
        self.tokenizer.add_special_case(string, substrings)  # type: ignore[attr-defined]
        self._seen.clear()  # spaCy emptied its cache

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        self.tokenizer.to_disk(path, **kwargs)  # type: ignore[attr-defined]

    def from_disk(self, path: str | Path, **kwargs: Any) -> ChunkCacheTokenizer:
        self.tokenizer.from_disk(path, **kwargs)  # type: ignore[attr-defined]
        self._seen.clear()  # new rules: spaCy emptied its cache
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        data: bytes = self.tokenizer.to_bytes(**kwargs)  # type: ignore[attr-defined]
        return data

    def from_bytes(self, data: bytes, **kwargs: Any) -> ChunkCacheTokenizer:
        self.tokenizer.from_bytes(data, **kwargs)  # type: ignore[attr-defined]
        self._seen.clear()
        return self

    def __getattr__(self, name: str) -> Any:
        if name in _OWN:  # not set yet (copy, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OWN:
            object.__setattr__(self, name, value)
        else:  # a rule of the tokenizer (e.g. ``infix_finditer``): spaCy empties its cache
            setattr(self.tokenizer, name, value)
            self._seen.clear()


_OWN = frozenset({"tokenizer", "_seen"})
# An apostrophe or a full stop before a chunk's end: where contractions and abbreviations hide.
_MAYBE_SPECIAL = re.compile(r"['’]|\.(?!$)")


def with_chunk_cache(nlp: Language) -> Language:
    """Give ``nlp`` a :class:`ChunkCacheTokenizer` (once); returns ``nlp``."""
    if not isinstance(nlp.tokenizer, ChunkCacheTokenizer):
        nlp.tokenizer = ChunkCacheTokenizer(nlp.tokenizer)
    return nlp


def count_doc_tokens(doc: Doc) -> int:
    """Word tokens of a spaCy Doc: not punctuation, not whitespace."""
    return sum(1 for token in doc if not (token.is_punct or token.is_space))


def count_tokens(text: str) -> int:
    """Word tokens of ``text`` under spaCy's English tokenizer.

    Example::

        >>> count_tokens("Power to the people, not to Whitehall.")
        7
    """
    if not text:
        return 0
    nlp = blank_english()
    if len(text) >= nlp.max_length:
        # Count long texts in paragraph-aligned pieces to stay under spaCy's limit.
        total = 0
        for piece in split_for_spacy(text, nlp.max_length // 2):
            total += count_doc_tokens(nlp.make_doc(piece))
        return total
    return count_doc_tokens(nlp.make_doc(text))


def split_for_spacy(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` characters at paragraph or line breaks."""
    pieces = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut <= start:
                cut = text.rfind(" ", start, end)
            if cut > start:
                end = cut + 1
        pieces.append(text[start:end])
        start = end
    return pieces


def normalise_text(text: str) -> str:
    """Unicode NFC, unified line ends, no trailing spaces, at most one blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    blank = False
    for line in lines:
        if not line.strip():
            if out and not blank:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    return "\n".join(out).strip()


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
