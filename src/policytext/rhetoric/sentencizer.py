"""A vectorised rule-based sentencizer, and the sentence starts of a Doc."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc

__all__ = [
    "BATCH_MOST_DOCS",
    "BATCH_TOKENS",
    "FastSentencizer",
    "batched",
    "make_fast_sentencizer",
    "sentence_starts",
]


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
        self._set([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        """Set sentence starts on a stream of Docs, several at a time in one pass.

        Docs are gathered as :meth:`policytext.rhetoric.RhetoricTagger.pipe` gathers them
        (about :data:`BATCH_TOKENS` tokens or ``max(batch_size, BATCH_MOST_DOCS)`` Docs).
        """
        yield from batched(stream, self._set, batch_size)

    def _set(self, docs: list[Doc]) -> None:
        """The rule over Docs laid end to end: a token after final punctuation starts a sentence.

        Each Doc's first token starts one; a word's previous word is looked for in its own Doc.
        """
        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return
        arrays = [doc.to_array([ORTH, IS_PUNCT]).reshape(len(doc), 2) for doc in docs]
        array = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        firsts = np.cumsum([0, *(len(doc) for doc in docs)])
        # A binary search in the sorted marks beats np.isin's sort of the whole Doc.
        punct = self._punct_sorted
        slot = np.searchsorted(punct, array[:, 0])
        slot[slot == len(punct)] = 0
        in_punct = punct[slot] == array[:, 0]
        words = np.flatnonzero(~in_punct & (array[:, 1] == 0))
        seen = np.concatenate(([0], np.cumsum(in_punct)))  # seen[i] = final marks before token i
        previous = np.concatenate(([0], words[:-1] + 1))
        if len(docs) > 1 and len(words):  # a Doc's first word looks back to its Doc's start only
            doc_of = np.searchsorted(firsts, words, side="right") - 1
            opens = np.concatenate(([True], doc_of[1:] != doc_of[:-1]))
            previous[opens] = firsts[doc_of[opens]]
        starts = words[(seen[words] - seen[previous]) > 0]
        values = np.full(len(array), -1, dtype="int64")
        values[firsts[:-1]] = 1
        values[starts] = 1
        values = values.astype("uint64")
        for doc, first in zip(docs, firsts.tolist(), strict=False):
            doc.from_array([SENT_START], values[first : first + len(doc)].reshape(-1, 1))  # type: ignore[arg-type]

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


#: About how many tokens the policytext components handle in one pass (short Docs are batched).
#: The tagger's cost per pass and per pattern that occurs is spread over more text in larger
#: batches (20,000 -> 100,000 tokens: about a fifth less CPU time on 363 speeches).
BATCH_TOKENS = 100_000
#: And at most this many Docs (or the ``batch_size`` given to ``pipe``, if more).
BATCH_MOST_DOCS = 1_000


def batched(stream: Iterable[Doc], handle: Callable[[list[Doc]], None], batch_size: int) -> Iterator[Doc]:
    """Yield ``stream``'s Docs after ``handle`` has seen them in batches.

    A batch closes at :data:`BATCH_TOKENS` tokens or ``max(batch_size, BATCH_MOST_DOCS)`` Docs, so a
    corpus of short documents pays a component's fixed cost per batch, not per document,
    while a long Doc makes a batch alone.
    """
    batch: list[Doc] = []
    tokens = 0
    most = max(batch_size, BATCH_MOST_DOCS)
    for doc in stream:
        batch.append(doc)
        tokens += len(doc)
        if tokens >= BATCH_TOKENS or len(batch) >= most:
            handle(batch)
            yield from batch
            batch, tokens = [], 0
    if batch:
        handle(batch)
        yield from batch


def sentence_starts(doc: Doc, values: np.ndarray | None = None) -> list[int]:
    """Token indices where the sentences of ``doc`` start (``[0]`` when none are set).

    ``values`` is ``doc.to_array(SENT_START)`` when the caller has it already.

    Example::

        >>> from policytext.rhetoric import build_pipeline
        >>> sentence_starts(build_pipeline()("One. Two."))
        [0, 2]
    """
    if len(doc) == 0:
        return []
    if values is None:
        if not doc.has_annotation("SENT_START"):
            return [0]
        values = doc.to_array([SENT_START])
    # (Without a boundary set after the first token, the values give [0] too.)
    values = np.asarray(values).astype("int64").reshape(-1)
    starts: list[int] = np.flatnonzero(values == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts
