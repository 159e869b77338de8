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
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Unpack

import pandas as pd

from policytext.errors import ModelError
from policytext.store.filters import GROUP_FIELDS, DocumentFilter, FilterOptions, resolve_filter
from policytext.topics._memory import release_memory
from policytext.topics._validation import is_int
from policytext.topics.phrases import find_phrases, join_phrases
from policytext.topics.vocabulary import (
    LEMMA_MIN_SHARE,
    corpus_lemmas,
    corpus_stop_terms,
    document_frequency,
    split_runs,
    strip_stage_directions,
    unify_forms,
)

if TYPE_CHECKING:
    from spacy.language import Language

    from policytext.store.corpus import Corpus

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


def lemma_of(form: str) -> str:
    """The lemma policytext uses for a lower-case form: :data:`LEMMA_OVERRIDES`, else the lookup table.

    Example::

        >>> lemma_of("rights"), lemma_of("housing")
        ('right', 'housing')
    """
    return LEMMA_OVERRIDES.get(form) or lookup_lemma(form)


def lookup_lemma(form: str) -> str:
    """The lemma of a lower-case form in spaCy's English lookup table (the form when absent).

    Example::

        >>> lookup_lemma("rights"), lookup_lemma("spending")
        ('right', 'spend')
    """
    table = topic_pipeline().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    return str(table.get(form, form))


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop words plus :data:`DOMAIN_STOP_WORDS`, minus :data:`KEPT_WORDS`."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset((set(STOP_WORDS) | DOMAIN_STOP_WORDS) - KEPT_WORDS)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def _chunks(doc: Any, *, whole: bool) -> list[Any]:
    """The paragraph ``doc`` whole, or (a text without line breaks) in spans of five sentences."""
    sentences = list(doc.sents)
    if whole or len(sentences) <= 5:
        return [doc[:]]
    return [
        doc[sentences[i].start : sentences[min(i + 4, len(sentences) - 1)].end]
        for i in range(0, len(sentences), 5)
    ]


def tokenize_paragraphs(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[list[list[list[str]]]]:
    """Per text, per paragraph, the runs of kept word forms between dropped tokens.

    Forms are lower-cased, except a capitalised word inside a sentence, which
    keeps its case: it is most often a name ("Wales", "United Nations") and is
    never lemmatised. Which lemma a form gets depends on the whole corpus
    (:func:`~policytext.topics.vocabulary.corpus_lemmas`), so it is chosen in
    :func:`prepare_texts`, not here. A token is dropped when its lower-cased
    form, its spaCy norm ("wo" of "won't" is "will") or its lookup lemma is a
    stop word, and when it is a number or punctuation. A run ends at every
    dropped token, so a phrase is only ever joined from words that stood side
    by side. A text without line breaks is cut into paragraphs of five
    sentences.

    Example::

        >>> next(tokenize_paragraphs(["The Big Society, not big government."]))
        [[['Big', 'Society'], ['big', 'government']]]
    """
    nlp = topic_pipeline()
    # The lookup table is keyed by lower-case forms; looking up the lower-cased
    # token lemmatises "Communities" at the start of a sentence too.
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]
    stops = stop_words()
    intern = sys.intern
    for text in texts:
        paragraphs = _paragraphs(strip_stage_directions(text or ""))
        out: list[list[list[str]]] = []
        for doc in nlp.pipe(paragraphs, batch_size=batch_size, disable=["lemmatizer"]):
            for span in _chunks(doc, whole=len(paragraphs) > 1):
                runs: list[list[str]] = []
                run: list[str] = []
                for token in span:
                    lower = token.lower_
                    form = lemma = lower
                    if (token.is_title or token.is_upper) and not token.is_sent_start:
                        # A capitalised word inside a sentence is most often a
                        # name: "Wales", "United Nations" keep their case and
                        # are never lemmatised.
                        form = token.text
                    else:
                        lemma = LEMMA_OVERRIDES.get(lower) or table.get(lower, lower)
                    if (
                        not token.is_alpha
                        or not _WORD.match(lower)
                        or lower in stops
                        or token.norm_ in stops  # "wo" of "won't" (norm "will")
                        or lemma in stops
                        or token.like_num
                    ):
                        if run:
                            runs.append(run)
                            run = []
                        continue
                    run.append(intern(form))
                if run:
                    runs.append(run)
                out.append(runs)
        yield out


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


# -- prepared corpus -----------------------------------------------------------------


@dataclass(frozen=True)
class TopicCorpus:
    """Documents made ready for topic models.

    ``documents`` has one row per document (pk, id, date, title and the
    :data:`GROUP_FIELDS`); ``passages`` the modelled units, each pointing at
    its row in ``documents``. ``unit`` is ``"passage"`` (paragraph windows of
    about ``passage_size`` terms) or ``"document"``; ``phrases`` the joined
    collocations; ``forms`` the term of every token form of the corpus
    (:func:`term_forms`).
    """

    documents: pd.DataFrame
    passages: tuple[Passage, ...]
    unit: str
    passage_size: int | None
    phrases: frozenset[tuple[str, str]]
    stop_terms: tuple[str, ...] = ()
    forms: Mapping[str, str] = field(default_factory=dict)

    def term(self, form: str) -> str:
        """The term a token form (as :func:`tokenize_paragraphs` gives it) stands for here.

        A form the corpus never had takes its lemma when that is one of the corpus's
        forms ("communities" when only "community" was said), else its lower case.
        """
        if form in self.forms:
            return self.forms[form]
        lower = form.lower()
        if lower in self.forms:
            return self.forms[lower]
        lemma = lemma_of(lower) if form.islower() else lower
        return self.forms.get(lemma, lower)

    @property
    def texts(self) -> list[tuple[str, ...]]:
        """The passages' token sequences."""
        return [p.tokens for p in self.passages]

    def describe_unit(self) -> str:
        """One line saying what a modelled unit is, for every output."""
        if self.unit == "document":
            return "unit: whole documents"
        return f"unit: passages (paragraph windows of about {self.passage_size} terms)"


def prepare_texts(
    texts: Iterable[str],
    *,
    metadata: Iterable[Mapping[str, Any]] | None = None,
    unit: str = "passage",
    passage_size: int = 150,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.3,
    stop_share: float | None = 0.5,
    lemma_share: float = LEMMA_MIN_SHARE,
) -> TopicCorpus:
    """Tokenise, lemmatise, join phrases and cut passages from plain texts.

    Parameters
    ----------
    texts:
        One string per document.
    metadata:
        Optional records (one per text) with any of pk, id, date and the group fields.
    unit:
        ``"passage"`` (paragraph windows) or ``"document"``.
    passage_size:
        Target passage length in terms (paragraphs are never cut).
    phrase_min_count, phrase_threshold:
        A bigram is joined when seen this often with at least this NPMI.
    stop_share:
        Terms in at least this share of the documents (in a corpus of 20 or more) are
        corpus stop terms, dropped (:mod:`policytext.topics.vocabulary`); None keeps them.
    lemma_share:
        A word form takes its lookup lemma only when the lemma occurs as a word form at
        least this share as often (:func:`~policytext.topics.vocabulary.corpus_lemmas`);
        0 takes every lookup lemma.

    Returns
    -------
    A :class:`TopicCorpus`.

    Example::

        >>> prepared = prepare_texts(["Big society.\\n\\nBig society."] * 3, phrase_min_count=2)
        >>> prepared.passages[0].tokens
        ('big society', 'big society')
    """
    metas = iter(metadata) if metadata is not None else iter(())
    return _prepare(
        ((text, dict(next(metas, {}))) for text in texts),
        unit=unit,
        passage_size=passage_size,
        phrase_min_count=phrase_min_count,
        phrase_threshold=phrase_threshold,
        stop_share=stop_share,
        lemma_share=lemma_share,
    )


#: Markers in a packed document: the end of a run of adjacent words, the end of a paragraph.
_RUN_END, _PARAGRAPH_END = "", "\n"
_MARKS = frozenset({_RUN_END, _PARAGRAPH_END})


def _pack(paragraphs: Sequence[Sequence[Sequence[str]]]) -> tuple[str, ...]:
    """A document's paragraphs of runs as one flat tuple with end markers.

    Example::

        >>> _unpack(_pack([[["big", "society"], ["work"]], [["school"]]]))
        [[['big', 'society'], ['work']], [['school']]]
    """
    out: list[str] = []
    for para in paragraphs:
        for run in para:
            out.extend(run)
            out.append(_RUN_END)
        out.append(_PARAGRAPH_END)
    return tuple(out)


def _unpack(packed: Sequence[str]) -> list[list[list[str]]]:
    """The paragraphs of runs of a :func:`_pack` ed document."""
    paragraphs: list[list[list[str]]] = []
    runs: list[list[str]] = []
    run: list[str] = []
    for token in packed:
        if token == _RUN_END:
            runs.append(run)
            run = []
        elif token == _PARAGRAPH_END:
            paragraphs.append(runs)
            runs = []
        else:
            run.append(token)
    return paragraphs


def term_forms(counts: Mapping[str, int], lemma_share: float = LEMMA_MIN_SHARE) -> dict[str, str]:
    """The term of every token form :func:`tokenize_paragraphs` gave, from their counts.

    A lower-case form takes its lemma (:func:`lemma_of`) when the corpus bears it out
    (:func:`~policytext.topics.vocabulary.corpus_lemmas` with ``lemma_share``); a name
    (a form with capitals) is lower-cased only; then forms that share a lemma become the
    commonest of them (:func:`~policytext.topics.vocabulary.unify_forms`).

    Example::

        >>> forms = term_forms({"rent": 5, "children": 4, "child": 2, "Rights": 1, "rights": 3})
        >>> forms["rent"], forms["children"], forms["Rights"], forms["rights"]
        ('rent', 'child', 'right', 'right')
    """
    surface: Counter[str] = Counter()
    for form, count in counts.items():
        surface[form.lower()] += count
    lemmas = corpus_lemmas(surface, lemma_of, share=lemma_share)
    terms = {form: lemmas[form] if form.islower() else form.lower() for form in counts}
    term_counts: Counter[str] = Counter()
    for form, count in counts.items():
        term_counts[terms[form]] += count
    unified = unify_forms(term_counts, lambda term: lemmas.get(term, term))
    return {form: unified.get(term, term) for form, term in terms.items()}


def _prepare(
    pairs: Iterable[tuple[str, dict[str, Any]]],
    *,
    unit: str,
    passage_size: int,
    phrase_min_count: int,
    phrase_threshold: float,
    stop_share: float | None,
    lemma_share: float,
) -> TopicCorpus:
    if unit not in ("passage", "document"):
        raise ModelError(f"unit must be 'passage' or 'document'; got {unit!r}")
    if stop_share is not None and not 0.0 < stop_share <= 1.0:
        raise ModelError(
            f"stop share must be above 0 and at most 1 (or None: no corpus stop terms); got {stop_share}"
        )
    records: list[dict[str, Any]] = []

    def texts() -> Iterable[str]:
        for position, (text, record) in enumerate(pairs):
            record.setdefault("pk", position)
            records.append(record)
            yield text

    # Only tokens are kept, never the texts, so the corpus streams through; each
    # document's tokens are held packed in one tuple (a list per run costs ten times more).
    tokenised = [_pack(doc) for doc in tokenize_paragraphs(texts())]
    forms = term_forms(Counter(t for doc in tokenised for t in doc if t not in _MARKS), lemma_share)
    frequency = document_frequency((_unpack(doc) for doc in tokenised), forms)
    stops = corpus_stop_terms(frequency, len(tokenised), share=stop_share)
    for index, doc in enumerate(tokenised):
        tokenised[index] = _pack([split_runs(para, forms, stops) for para in _unpack(doc)])
    phrases = find_phrases(
        (run for doc in tokenised for para in _unpack(doc) for run in para),
        min_count=phrase_min_count,
        threshold=phrase_threshold,
    )
    passages: list[Passage] = []
    for doc_index, doc in enumerate(tokenised):
        paragraphs = [[t for run in para for t in join_phrases(run, phrases)] for para in _unpack(doc)]
        passages.extend(
            make_passages(doc_index, paragraphs, size=passage_size if unit == "passage" else None)
        )
        # Each document's tokens are released once its passages exist.
        tokenised[doc_index] = ()
    columns = ["pk", "id", "date", "title", *(f for f in GROUP_FIELDS if f != "decade")]
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    # Undated documents would make pandas store years as floats ("1997.0" in
    # tables and chart labels): keep them whole, with <NA> for the undated.
    try:
        frame["year"] = frame["year"].astype("Int64")
    except (TypeError, ValueError):
        bad = next(y for y in frame["year"].dropna() if not is_int(y) and not float(y).is_integer())
        raise ModelError(f"metadata: year must be a whole number, got {bad!r}") from None
    frame["decade"] = (frame["year"] // 10) * 10
    del tokenised
    release_memory()
    return TopicCorpus(
        documents=frame,
        passages=tuple(passages),
        unit=unit,
        passage_size=passage_size if unit == "passage" else None,
        phrases=phrases,
        stop_terms=tuple(sorted(stops)),
        forms=forms,
    )


def prepare_corpus(
    corpus: Corpus,
    *,
    documents: DocumentFilter | None = None,
    unit: str = "passage",
    passage_size: int = 150,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.3,
    stop_share: float | None = 0.5,
    lemma_share: float = LEMMA_MIN_SHARE,
    **filters: Unpack[FilterOptions],
) -> TopicCorpus:
    """:func:`prepare_texts` over the current documents of a store, streamed.

    ``documents`` (a :class:`~policytext.store.filters.DocumentFilter`) and ``filters``
    (speaker, since, doc_type, ...) select the documents, as everywhere in policytext.

    Example::

        >>> from policytext.store.corpus import Corpus, Document
        >>> store = Corpus.open(":memory:")
        >>> _ = store.add(Document(text="Power to the people.", date="1997"))
        >>> prepare_corpus(store).documents["year"].tolist()
        [1997]
    """
    flt = resolve_filter(documents, filters)
    names = ("pk", "id", "date", "title", *(f for f in GROUP_FIELDS if f != "decade"))
    pairs = (
        (doc.text, {name: getattr(doc, name) for name in names}) for doc in corpus.query(**flt.as_kwargs())
    )
    return _prepare(
        pairs,
        unit=unit,
        passage_size=passage_size,
        phrase_min_count=phrase_min_count,
        phrase_threshold=phrase_threshold,
        stop_share=stop_share,
        lemma_share=lemma_share,
    )
