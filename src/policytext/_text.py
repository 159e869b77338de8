"""Text helpers shared by the store, the tagger and the tables.

The token count is the denominator of every rate, so it has one definition:
the tokens of spaCy's English tokenizer that are neither punctuation nor
whitespace (words and numbers).
"""

from __future__ import annotations

import hashlib
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@cache
def blank_english() -> Language:
    """A blank English pipeline (tokenizer only), built once per process."""
    import spacy

    return spacy.blank("en")


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
