"""Keyness: items one group of documents uses more (or less) than another.

Items are frames (stored matches), words, lemmas or phrases; the statistics are in
:mod:`policytext.tables.statistics`. Results come over-used first (strongest first),
then under-used (weakest first, so the most under-used item is the last row).

Example::

    >>> keyness(corpus, "speaker", "David Cameron", unit="word")  # doctest: +SKIP
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Unpack

import numpy as np
import pandas as pd

from policytext._text import blank_english, split_for_spacy, with_chunk_cache
from policytext.errors import InputError
from policytext.store import analysis as store
from policytext.store.analysis import Side
from policytext.store.corpus import Corpus
from policytext.store.filters import GROUP_FIELDS, DocumentFilter, FilterOptions, resolve_filter
from policytext.tables._select import group_value, require_tagging
from policytext.tables._tagging import Tagging
from policytext.tables.bootstrap import RATE_BASE
from policytext.tables.statistics import P_FLOOR, adjust_p_values, g2_williams, log_p_value, log_ratio

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

__all__ = ["KEYNESS_COLUMNS", "Direction", "KeynessUnit", "is_word_like", "keyness"]

KeynessUnit = Literal["frame", "word", "lemma", "phrase"]
Direction = Literal["over", "under", "both"]

#: The columns of a keyness table, in order.
KEYNESS_COLUMNS = [
    "item",
    "target_count",
    "reference_count",
    "target_per_10k",
    "reference_per_10k",
    "g2",
    "log_ratio",
    "direction",
    "p",
    "p_adjusted",
]


def is_word_like(text: str) -> bool:
    """Whether a token is a word for keyness: letters only, full stops allowed.

    "society", "Whitehall" and "U.S." are words; clitics split off by the
    tokenizer ("’ve", "’re", "’s", "n't"), numbers ("2010", "5"), symbols
    ("£", "%", "--") and mixtures ("10am") are not.

    Example::

        >>> [is_word_like(t) for t in ("society", "U.S.", "’ve", "n't", "2010", "£")]
        [True, True, False, False, False, False]
    """
    letters = text.replace(".", "")
    return letters.isalpha()


@cache
def _lemmatizer() -> Language:
    import spacy  # loaded on first use: importing the tables loads no spaCy model

    nlp = with_chunk_cache(spacy.blank("en"))  # the same tokens, long texts faster
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words (lower case), straight and curly apostrophes."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {w.replace("'", "’") for w in STOP_WORDS}


class _Counting:
    """Counts words, lemmas or phrases over a stream of spaCy docs, and every token."""

    def __init__(self, unit: str, *, words_only: bool, stopwords: bool) -> None:
        self.unit, self.words_only = unit, words_only
        self.stop = _stop_words() if stopwords and unit in ("word", "lemma") else frozenset()
        self.counts: Counter[str] = Counter()
        self.total = 0

    def add(self, tokens: Iterable[Token]) -> None:
        run: list[Token] = []
        for token in tokens:
            if token.is_punct or token.is_space:
                self._phrases(run)
                run = []
                continue
            self.total += 1
            if self.words_only and not is_word_like(token.text):
                self._phrases(run)
                run = []
                continue
            if self.unit == "phrase":
                run.append(token)
                continue
            item = token.lower_ if self.unit == "word" else (token.lemma_ or token.text).lower()
            if item not in self.stop:
                self.counts[item] += 1
        self._phrases(run)

    def _phrases(self, run: list[Token]) -> None:
        if self.unit != "phrase":
            return
        for n in (2, 3):
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                if gram[0].is_stop or gram[-1].is_stop or gram[0].like_num or gram[-1].like_num:
                    continue
                self.counts[" ".join(t.lower_ for t in gram)] += 1


def _term_counts(
    texts: Iterator[str], unit: str, *, words_only: bool = True, stopwords: bool = True
) -> tuple[Counter[str], int]:
    """Counts of words, lemmas or phrases over ``texts``, and the token total.

    The total counts every token that is not punctuation or space (the
    ``documents.tokens`` definition); with ``words_only`` only word-like tokens
    are counted as items, and any other token breaks a phrase; with
    ``stopwords`` (words and lemmas) spaCy's stop words are not items either.
    """
    nlp = _lemmatizer() if unit == "lemma" else blank_english()
    pieces = (piece for text in texts for piece in split_for_spacy(text, nlp.max_length // 2))
    docs = nlp.pipe(pieces, batch_size=64) if unit == "lemma" else (nlp.make_doc(t) for t in pieces)
    counting = _Counting(unit, words_only=words_only, stopwords=stopwords)
    for doc in docs:
        counting.add(doc)
    return counting.counts, counting.total


def _sides(by: str, target: str, reference: str | None) -> tuple[tuple[Side, str], tuple[Side, str]]:
    value_t = group_value(by, target, "target")
    if reference is None:
        return (Side(by, value_t), target), (Side(by, value_t, complement=True), f"not {target}")
    value_r = group_value(by, reference, "reference")
    if value_r == value_t:
        raise InputError(f"reference: {reference!r} is the same group as the target")
    return (Side(by, value_t), target), (Side(by, value_r), reference)


def _side_counts(
    corpus: Corpus,
    flt: DocumentFilter,
    side: Side,
    *,
    name: str,
    label: str,
    unit: str,
    tagging: Tagging | None,
    options: dict[str, bool],
) -> tuple[Counter[str], float]:
    codebook_hash = tagging.codebook_hash if tagging else None
    n_docs, n_tokens = store.side_size(corpus, flt, side, codebook_hash=codebook_hash)
    if n_docs == 0:
        raise InputError(f"{name}: no {'tagged ' if tagging else ''}documents with {side.field} = {label!r}")
    if tagging is not None:
        counts = store.side_frame_counts(
            corpus, flt, side, tagging.codebook_hash, include_negated=options["include_negated"]
        )
        total = n_tokens
    else:
        texts = store.side_texts(corpus, flt, side)
        counts, total = _term_counts(
            texts, unit, words_only=options["words_only"], stopwords=options["stopwords"]
        )
    if total <= 0:
        raise InputError(f"{name}: documents with {side.field} = {label!r} have no tokens")
    return counts, float(total)


def _records(
    items: Iterable[str], target: tuple[Counter[str], float], reference: tuple[Counter[str], float]
) -> list[dict[str, Any]]:
    (count_t, size_t), (count_r, size_r) = target, reference
    records = []
    for item in items:
        a, b = count_t[item], count_r[item]
        _, g2 = g2_williams(a, b, size_t, size_r)
        records.append(
            {
                "item": item,
                "target_count": a,
                "reference_count": b,
                "target_per_10k": RATE_BASE * a / size_t,
                "reference_per_10k": RATE_BASE * b / size_r,
                "g2": g2,
                "log_ratio": log_ratio(a, b, size_t, size_r),
                "direction": "over" if a / size_t >= b / size_r else "under",
                "log_p": float(log_p_value(g2)),
            }
        )
    return records


def _ordered(records: list[dict[str, Any]], correction: str, direction: str, top: int | None) -> pd.DataFrame:
    if not records:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in KEYNESS_COLUMNS})
    table = pd.DataFrame(records)
    # Corrected on logs, then floored: a p below P_FLOOR is reported as P_FLOOR, never 0.
    log_p = table["log_p"].to_numpy()
    table["p"] = np.maximum(np.exp(log_p), P_FLOOR)
    table["p_adjusted"] = np.maximum(np.exp(adjust_p_values(log_p, method=correction, log=True)), P_FLOOR)
    table["signed"] = np.where(table["direction"] == "over", table["g2"], -table["g2"])
    table = table.sort_values(["signed", "item"], ascending=[False, True], kind="stable")
    over = table[table["direction"] == "over"]
    under = table[table["direction"] == "under"]
    if top is not None:
        over, under = over.head(top), under.tail(top)
    parts = {"over": [over], "under": [under], "both": [over, under]}[direction]
    return pd.concat(parts)[KEYNESS_COLUMNS].reset_index(drop=True)


def _check_keyness_options(by: str, unit: str, min_freq: int, correction: str, direction: str) -> None:
    if by not in GROUP_FIELDS:
        raise InputError(f"by: cannot compare by {by!r}; use one of {', '.join(GROUP_FIELDS)}")
    if unit not in ("frame", "word", "lemma", "phrase"):
        raise InputError(f"unit: {unit!r} is not one of frame, word, lemma, phrase")
    if direction not in ("over", "under", "both"):
        raise InputError(f"direction: {direction!r} is not one of over, under, both")
    if min_freq < 0:
        raise InputError(f"min_freq: {min_freq} is negative")
    adjust_p_values([], method=correction)  # validates the name before any work


def keyness(
    corpus: Corpus,
    by: str,
    target: str,
    *,
    reference: str | None = None,
    unit: KeynessUnit = "frame",
    min_freq: int = 5,
    correction: str = "fdr_bh",
    include_negated: bool = False,
    codebook: str | Path | None = None,
    top: int | None = None,
    words_only: bool = True,
    stopwords: bool | None = None,
    direction: Direction = "both",
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> pd.DataFrame:
    """Items used more (or less) by one group than by another: G2, p-values, log ratio.

    Parameters
    ----------
    corpus:
        An open store (tagged, for ``unit="frame"``).
    by:
        The field that defines the groups (see :data:`~policytext.store.filters.GROUP_FIELDS`).
    target:
        The target group's value of ``by`` (``"David Cameron"``, ``"2010"``).
    reference:
        The reference group's value; default: every other document.
    unit:
        ``frame`` (frame mentions), ``word`` (lower-cased tokens), ``lemma``
        or ``phrase`` (2- and 3-word sequences not crossing punctuation, not
        starting or ending with a stop word).
    min_freq:
        Leave out items seen fewer times in target and reference together.
    correction:
        Multiple-comparison correction of the p-values (see :func:`adjust_p_values`).
    include_negated:
        For frames, count matches flagged as negated.
    top:
        Keep only the ``top`` rows of each direction (the strongest of each).
    words_only:
        For words, lemmas and phrases, keep only word-like items (see
        :func:`is_word_like`: no clitics such as "’ve" or "n't", numbers or
        symbols); every token still counts in the denominators.
    stopwords:
        Leave spaCy's English stop words ("i", "you", "it", "this", ...) out of the
        items; default: yes for words and lemmas (phrases never start or end with
        one anyway). They still count in the denominators.
    direction:
        ``over`` (only items used more in the target), ``under`` or ``both``.
    documents, **filters:
        Restrict both groups: a :class:`DocumentFilter` and/or its fields as keywords
        (``since``, ``until``, ``doc_type``, ...). A value that matches no document is
        an :class:`InputError` naming the closest values.

    Returns
    -------
    pandas.DataFrame
        ``item``, ``target_count``, ``reference_count``, ``target_per_10k``,
        ``reference_per_10k``, ``g2`` (Williams-corrected), ``log_ratio``,
        ``direction`` (``over``/``under``: used more/less in the target), ``p``
        and ``p_adjusted`` (never 0: values below :data:`P_FLOOR` are given as
        ``P_FLOOR``). Ordered over-used items first, strongest (largest G2) first,
        then under-used ones, weakest first, so the most under-used item is last.
        p-values are corrected over every item tested, whatever ``direction`` shows.

    Example::

        >>> keyness(corpus, "speaker", "David Cameron", unit="word")  # doctest: +SKIP
    """
    _check_keyness_options(by, unit, min_freq, correction, direction)
    flt = resolve_filter(documents, filters)
    tagging = require_tagging(corpus, codebook) if unit == "frame" else None
    corpus.check_filter(flt)
    options = {
        "include_negated": include_negated,
        "words_only": words_only,
        "stopwords": unit in ("word", "lemma") if stopwords is None else stopwords,
    }
    sides = []
    for name, (side, label) in zip(("target", "reference"), _sides(by, target, reference), strict=True):
        sides.append(
            _side_counts(
                corpus, flt, side, name=name, label=label, unit=unit, tagging=tagging, options=options
            )
        )
    (count_t, size_t), (count_r, size_r) = sides
    if tagging is not None:
        items = [f for f in tagging.frames if count_t[f] + count_r[f] >= min_freq]
    else:
        items = [i for i in (count_t.keys() | count_r.keys()) if count_t[i] + count_r[i] >= min_freq]
    table = _ordered(_records(items, sides[0], sides[1]), correction, direction, top)
    table.attrs.update(
        by=by,
        target=target,
        reference=reference,
        unit=unit,
        target_tokens=size_t,
        reference_tokens=size_r,
        correction=correction,
        min_freq=min_freq,
        words_only=words_only if unit != "frame" else None,
        stopwords=options["stopwords"] if unit in ("word", "lemma") else None,
        direction=direction,
    )
    return table
