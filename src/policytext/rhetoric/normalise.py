"""Words are compared after Unicode NFKC normalisation: which tokens it changes, and their normal forms.

A Doc whose text is not NFKC-normal is matched on its normal forms with the same
tokens, so full-width letters and ligatures ("ﬁnance") match plain patterns.
Each distinct word is examined once per process.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
from spacy.attrs import DEP, HEAD, IS_ASCII, LEMMA, LOWER, MORPH, ORTH, POS, SENT_START, SPACY, TAG
from spacy.tokens import Doc

__all__ = ["nfkc_changes", "normalised", "patch_normal_forms", "plain_quotes"]

# Words (by string hash) already examined, and the NFKC form of those where normalising
# changes a letter or digit.
_NFKC_SEEN: set[int] = set()
_NFKC_CHANGES: dict[int, str] = {}


def _nfkc_change(word: str) -> str | None:
    if word.isascii():
        return None
    normal = unicodedata.normalize("NFKC", word)
    return normal if normal != word and any(c.isalnum() for c in normal) else None


def nfkc_changes(doc: Doc, is_ascii: np.ndarray | None = None) -> dict[int, str]:
    """The tokens of ``doc`` that NFKC normalisation changes: token index -> normal form.

    Tokens whose normal form has no letter or digit ("…" is "...") are left out: no
    word test can tell them apart. Each distinct word is examined once per process.
    ``is_ascii`` is ``doc.to_array(IS_ASCII)`` when the caller has it already.
    """
    if not len(doc):
        return {}
    if is_ascii is None:
        is_ascii = doc.to_array([IS_ASCII]).reshape(-1)
    # NFKC changes no ASCII word: only the others (typographic quotes, dashes, ...) are looked at.
    others = np.flatnonzero(is_ascii == 0)
    if not len(others):
        return {}
    keys = doc.to_array([ORTH]).reshape(-1)[others].tolist()
    words_here = set(keys)
    strings = doc.vocab.strings
    for key in words_here - _NFKC_SEEN:
        normal = _nfkc_change(strings[key])
        if normal is not None:
            _NFKC_CHANGES[key] = normal
        _NFKC_SEEN.add(key)
    if words_here.isdisjoint(_NFKC_CHANGES):
        return {}
    return {
        i: _NFKC_CHANGES[key] for i, key in zip(others.tolist(), keys, strict=True) if key in _NFKC_CHANGES
    }


def normalised(doc: Doc, changes: dict[int, str] | None = None) -> Doc:
    """``doc`` itself when NFKC changes no word in it, else a copy with NFKC-normalised tokens.

    The copy has the same tokens (so token indices carry over), sentence starts and,
    when set, the trained annotations token patterns may test. ``changes`` are
    :func:`nfkc_changes` of ``doc`` when known.
    """
    changes = nfkc_changes(doc) if changes is None else changes
    if not changes:
        return doc
    strings = doc.vocab.strings
    words = [strings[key] for key in doc.to_array(ORTH).tolist()]
    for index, normal in changes.items():
        words[index] = normal
    # The spaces come from an array: iterating the Doc's tokens costs more than the copy itself.
    copy = Doc(doc.vocab, words=words, spaces=doc.to_array(SPACY).astype(bool).tolist())
    attrs = [a for a, name in ((TAG, "TAG"), (POS, "POS"), (MORPH, "MORPH"), (LEMMA, "LEMMA"))
             if doc.has_annotation(name)]  # fmt: skip
    if doc.has_annotation("DEP"):
        attrs += [HEAD, DEP]  # sentences follow from the parse
    elif doc.has_annotation("SENT_START"):
        attrs.append(SENT_START)
    if attrs:
        copy.from_array(attrs, doc.to_array(attrs))  # type: ignore[arg-type]
    return copy


def patch_normal_forms(
    array: np.ndarray, attrs: list[int | str], changes: dict[int, str], vocab: Any
) -> None:
    """Put the normal forms' ``attrs`` (LOWER and lexeme flags) in ``array`` at the changed tokens.

    The values a normalised copy of the Doc would give, without making the copy.
    """
    for index, normal in changes.items():
        lexeme = vocab[normal]
        for column, attr in enumerate(attrs):
            array[index, column] = lexeme.lower if attr == LOWER else int(lexeme.check_flag(attr))


def plain_quotes(word: str) -> str:
    return word.replace("\u2019", "'").replace("\u2018", "'")
