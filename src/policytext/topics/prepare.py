"""Preprocessing for topic models: lemmas, stop words, phrases, passages.

The pipeline is the tagger's family: a blank English spaCy pipeline with the
sentencizer and the lookup lemmatizer of spacy-lookups-data. Tokens become
lower-case lemmas; stop words (spaCy's list plus :data:`DOMAIN_STOP_WORDS`,
minus :data:`KEPT_WORDS`), numbers and punctuation are dropped; frequent
two-word collocations ("big society", "public service", "local government")
are joined into one term; paragraphs are grouped into passages of roughly
equal length so that long white papers and short speeches weigh alike.
"""

from __future__ import annotations

import logging
import math
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from policytext.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

#: Words of political speech that carry no topic: parliamentary address,
#: applause markers and the fillers of spoken delivery. Extend it per project.
DOMAIN_STOP_WORDS: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "hon",
        "honourable",
        "gentleman",
        "lady",
        "friend",
        "member",
        "speaker",
        "deputy",
        "applause",
        "laughter",
        "cheer",
        "cheers",
        "thank",
        "thanks",
        "today",
        "tonight",
        "yesterday",
        "year",
        "time",
        "just",
        "like",
        "lot",
        "way",
        "want",
        "think",
        "know",
        "say",
        "tell",
        "let",
        "thing",
        "get",
        "got",
        "go",
        "come",
        "look",
        "need",
        "mean",
        "sure",
        "actually",
        "really",
        "course",
        "shall",
        "will",
        "would",
        "can",
        "could",
        "must",
        "may",
        "might",
        "also",
        "new",
        "good",
        "great",
        "important",
        "very",
        "lord",
        "ladies",
        "gentlemen",
    }
)

#: Words that must stay in: "government" and "people" are the subject matter
#: (spaCy's list spares them; this guards against a domain list that would
#: not), "together" (collaboration) and "own" ("their own services") are in
#: spaCy's list but carry frame meaning here.
KEPT_WORDS: frozenset[str] = frozenset({"government", "people", "together", "own"})

#: Corrections to spaCy's lookup lemmas where the table is wrong for policy
#: text ("taxes" -> "taxis", "matter" -> "matt", "politics" -> "politic") or
#: where the -ing noun is the policy term ("housing", "funding", "training").
LEMMA_OVERRIDES: dict[str, str] = {
    "matter": "matter",
    "taxes": "tax",
    "politics": "politics",
    "economics": "economics",
    "developing": "develop",
    "developed": "develop",
    "data": "data",
    "media": "media",
    "housing": "housing",
    "funding": "funding",
    "spending": "spending",
    "training": "training",
    "learning": "learning",
    "planning": "planning",
    "building": "building",
    "buildings": "building",
    "volunteering": "volunteering",
}

_WORD = re.compile(r"^[a-z][a-z'-]*[a-z]$")


@dataclass(frozen=True)
class Passage:
    """One unit a topic model sees: a window of paragraphs of one document.

    ``doc`` is the position of the document in the prepared corpus, ``index``
    the passage number within the document and ``tokens`` its terms.
    """

    doc: int
    index: int
    tokens: tuple[str, ...]


@cache
def topic_pipeline() -> Language:
    """Blank English + sentencizer + lookup lemmatizer, built once per process.

    Example::

        >>> [t.lemma_ for t in topic_pipeline()("communities were empowered.")]
        ['community', 'be', 'empower', '.']
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()
    except (OSError, ValueError) as exc:  # lookup tables missing
        raise ModelError(f"spaCy lookup lemmatizer: {exc}; install spacy-lookups-data") from None
    return nlp


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words plus :data:`DOMAIN_STOP_WORDS`, minus :data:`KEPT_WORDS`."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset((set(STOP_WORDS) | DOMAIN_STOP_WORDS) - KEPT_WORDS)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def tokenize_paragraphs(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[list[list[list[str]]]]:
    """Per text, per paragraph, the runs of kept lemmas between dropped tokens.

    A run ends at every dropped token (stop word, number, punctuation), so a
    phrase is only ever joined from words that stood side by side. A
    capitalised word inside a sentence is kept unlemmatised (lower-cased): it
    is most often a name ("Wales", "United Nations"). A text without line
    breaks is cut into paragraphs of five sentences.

    Example::

        >>> next(tokenize_paragraphs(["The Big Society, not big government."]))
        [[['big', 'society'], ['big', 'government']]]
    """
    nlp = topic_pipeline()
    # The lookup table is keyed by lower-case forms; looking up the lower-cased
    # token lemmatises "Communities" at the start of a sentence too.
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    stops = stop_words()
    intern = sys.intern
    for text in texts:
        paragraphs = _paragraphs(text or "")
        out: list[list[list[str]]] = []
        for doc in nlp.pipe(paragraphs, batch_size=batch_size, disable=["lemmatizer"]):
            sentences = list(doc.sents)
            chunks = (
                [doc[:]]
                if len(paragraphs) > 1 or len(sentences) <= 5
                else [
                    doc[sentences[i].start : sentences[min(i + 4, len(sentences) - 1)].end]
                    for i in range(0, len(sentences), 5)
                ]
            )
            for span in chunks:
                runs: list[list[str]] = []
                run: list[str] = []
                for token in span:
                    lower = token.lower_
                    if not token.is_alpha:
                        lemma = ""
                    elif (token.is_title or token.is_upper) and not token.is_sent_start:
                        # A capitalised word inside a sentence is most often a
                        # name: "Wales", "United Nations" stay as they are.
                        lemma = lower
                    else:
                        lemma = LEMMA_OVERRIDES.get(lower) or table.get(lower, lower)
                    if not lemma or not _WORD.match(lemma) or lemma in stops or token.like_num:
                        if run:
                            runs.append(run)
                            run = []
                        continue
                    run.append(intern(lemma))
                if run:
                    runs.append(run)
                out.append(runs)
        yield out


def find_phrases(
    runs: Iterable[Sequence[str]], *, min_count: int = 5, threshold: float = 0.3
) -> frozenset[tuple[str, str]]:
    """Two-word collocations: bigrams seen ``min_count`` times with NPMI >= ``threshold``.

    Counting uses NLTK's :class:`~nltk.collocations.BigramCollocationFinder`
    over runs of adjacent kept words; the score is normalised pointwise mutual
    information, log(p(xy) / p(x)p(y)) / -log p(xy), in [-1, 1].

    Example::

        >>> sorted(find_phrases([["big", "society"]] * 5 + [["big", "idea"]], min_count=3))
        [('big', 'society')]
    """
    from nltk.collocations import BigramCollocationFinder

    finder = BigramCollocationFinder.from_documents(list(r) for r in runs if len(r) > 1)
    words = {w: c for w, c in finder.word_fd.items() if w is not None}
    total_words = sum(words.values())
    pairs = {p: c for p, c in finder.ngram_fd.items() if p[0] is not None and p[1] is not None}
    total_pairs = sum(pairs.values())
    found = set()
    for (a, b), count in pairs.items():
        if count < min_count or a == b:
            continue
        p_ab = count / total_pairs
        if p_ab >= 1.0:
            found.add((a, b))
            continue
        pmi = math.log(p_ab / ((words[a] / total_words) * (words[b] / total_words)))
        if pmi / -math.log(p_ab) >= threshold:
            found.add((a, b))
    return frozenset(found)


def join_phrases(run: Sequence[str], phrases: frozenset[tuple[str, str]]) -> list[str]:
    """``run`` with each phrase's two words joined by a space, left to right.

    Example::

        >>> join_phrases(["big", "society", "work"], frozenset({("big", "society")}))
        ['big society', 'work']
    """
    out: list[str] = []
    i = 0
    while i < len(run):
        if i + 1 < len(run) and (run[i], run[i + 1]) in phrases:
            out.append(sys.intern(f"{run[i]} {run[i + 1]}"))
            i += 2
        else:
            out.append(run[i])
            i += 1
    return out


def make_passages(doc: int, paragraphs: Sequence[Sequence[str]], *, size: int | None) -> list[Passage]:
    """Group a document's paragraphs (token lists) into passages of about ``size`` terms.

    Paragraphs are never cut; a short remainder joins the passage before it.
    ``size=None`` gives one passage for the whole document.

    Example::

        >>> [len(p.tokens) for p in make_passages(0, [["a"] * 3] * 5, size=6)]
        [6, 6, 3]
    """
    if size is None:
        tokens = tuple(t for para in paragraphs for t in para)
        return [Passage(doc, 0, tokens)] if tokens else []
    if size < 1:
        raise ModelError(f"passage size must be >= 1 or None; got {size}")
    groups: list[list[str]] = []
    current: list[str] = []
    for para in paragraphs:
        current.extend(para)
        if len(current) >= size:
            groups.append(current)
            current = []
    if current:
        if groups and len(current) < size / 2:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [Passage(doc, i, tuple(g)) for i, g in enumerate(groups) if g]
