"""A vectorised rule-based sentencizer, and the sentence starts of a Doc."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

__all__ = ["FastSentencizer", "make_fast_sentencizer", "sentence_starts"]


class FastSentencizer:
    """spaCy's rule-based Sentencizer, computed with numpy instead of a loop over tokens.

    It makes the same boundaries as ``nlp.add_pipe("sentencizer")`` with the
    default punctuation: a sentence starts at the first word after a token of
    sentence-final punctuation. Registered as ``policytext_sentencizer``.

    Example::

        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> _ = nlp.add_pipe("policytext_sentencizer")
        >>> [s.text for s in nlp("One. Two!").sents]
        ['One.', 'Two!']
    """

    def __init__(self, nlp: Language, name: str = "policytext_sentencizer") -> None:

        self.name = name

        self._punct = [nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars]
        self._punct_sorted = np.array(sorted(set(self._punct)), dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        """Set ``is_sent_start`` on every token of ``doc``."""

        if len(doc) == 0:
            return doc
        array = doc.to_array([ORTH, IS_PUNCT])
        # A binary search in the sorted marks beats np.isin's sort of the whole Doc.
        punct = self._punct_sorted
        slot = np.searchsorted(punct, array[:, 0])
        slot[slot == len(punct)] = 0
        in_punct = punct[slot] == array[:, 0]
        words = np.flatnonzero(~in_punct & (array[:, 1] == 0))
        seen = np.concatenate(([0], np.cumsum(in_punct)))  # seen[i] = final marks before token i
        previous = np.concatenate(([0], words[:-1] + 1))
        starts = words[(seen[words] - seen[previous]) > 0]
        values = np.full(len(doc), -1, dtype="int64")
        values[0] = 1
        values[starts] = 1
        doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """Nothing to save: the rules are fixed."""
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> FastSentencizer:
        """Nothing to load."""
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Nothing to save: the rules are fixed."""

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> FastSentencizer:
        """Nothing to load."""
        return self


@Language.factory("policytext_sentencizer", assigns=["token.is_sent_start"])
def make_fast_sentencizer(nlp: Language, name: str) -> FastSentencizer:
    """Build the vectorised rule-based sentencizer (same boundaries as spaCy's ``sentencizer``).

    Example::

        >>> import spacy
        >>> isinstance(spacy.blank("en").add_pipe("policytext_sentencizer"), FastSentencizer)
        True
    """
    return FastSentencizer(nlp, name)


def sentence_starts(doc: Doc) -> list[int]:
    """Token indices where the sentences of ``doc`` start (``[0]`` when none are set).

    Example::

        >>> from policytext.rhetoric import build_pipeline
        >>> sentence_starts(build_pipeline()("One. Two."))
        [0, 2]
    """
    if len(doc) == 0:
        return []
    if not doc.has_annotation("SENT_START"):
        return [0]
    values = doc.to_array([SENT_START]).astype("int64").reshape(-1)
    starts: list[int] = np.flatnonzero(values == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts
