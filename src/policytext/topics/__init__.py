"""Topic models and topics over time.

Stages, each usable alone:

- :func:`prepare_corpus` / :func:`prepare_texts`: lemmas, stop words,
  joined phrases and passages (see :mod:`policytext.topics.prepare`).
- :class:`TopicModel`: NMF on TF-IDF or LDA on counts (scikit-learn
  underneath; MiniBatchNMF / online LDA with ``online=True``), optionally with
  frame-seeded topics; learned topics carry NPMI coherence.
- :func:`evaluate_k`: coherence and stability across seeds for a range of k.
- :func:`topic_prevalence`: topic shares per period or group with bootstrap
  intervals; :func:`prevalence_drift` (Jensen-Shannon between periods).
- :class:`DynamicTopicModel`: Greene & Cross (2017) two-layer NMF that links
  per-window topics into dynamic topics.
- :func:`analyse_topics`, :func:`write_topic_outputs`, :func:`report_section`:
  the whole job over a corpus store, as the ``policytext topics`` command runs it.

Example::

    >>> docs = [["power", "people", "community"], ["tax", "budget", "spend"]] * 10
    >>> model = TopicModel(2, random_state=0).fit(docs)
    >>> sorted(t.terms[0][0] for t in model.topics(3))
    ['budget', 'community']
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, clone

from policytext.errors import ModelError, NotFittedError
from policytext.topics.measures import (
    jensen_shannon,
    npmi_coherence,
    prevalence_drift,
    topic_agreement,
)
from policytext.topics.prepare import (
    DOMAIN_STOP_WORDS,
    KEPT_WORDS,
    LEMMA_OVERRIDES,
    Passage,
    find_phrases,
    join_phrases,
    make_passages,
    tokenize_paragraphs,
)

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = [
    "default_topics_dir",
    "DEFAULT_FRAME_SEEDS",
    "DOMAIN_STOP_WORDS",
    "GROUP_FIELDS",
    "KEPT_WORDS",
    "LEMMA_OVERRIDES",
    "DynamicTopicModel",
    "Passage",
    "Prevalence",
    "ReportSection",
    "Topic",
    "TopicAnalysis",
    "TopicCorpus",
    "TopicModel",
    "analyse_topics",
    "choose_k_table",
    "document_topics",
    "parse_ks",
    "evaluate_k",
    "format_topics",
    "jensen_shannon",
    "npmi_coherence",
    "prepare_corpus",
    "prepare_texts",
    "prevalence_drift",
    "report_section",
    "run_topics_stage",
    "topics_fingerprint",
    "seed_terms_for",
    "topic_agreement",
    "topic_prevalence",
    "topics_table",
    "write_topic_outputs",
]

logger = logging.getLogger(__name__)

try:  # the report engineer defines it; keep one class once merged
    from policytext.report import ReportSection
except ImportError:

    @dataclass(frozen=True)
    class ReportSection:  # type: ignore[no-redef]
        """A titled HTML fragment for the HTML report."""

        title: str
        html: str


#: Fields a prevalence table can be grouped by (documents columns).
GROUP_FIELDS: tuple[str, ...] = ("year", "government", "speaker", "party", "doc_type", "source")
_PERIOD_FIELDS = ("year", "government")

#: Seed terms of the eight frames of CODEBOOK-GUIDE.md, for frame-seeded
#: topics until the codebook supplies them. Words whose lemma is ambiguous
#: here are left out ("commissioning" lemmatises to "commission", as in the
#: European Commission; "joined up" to "join"). Terms are lemmatised like the
#: corpus; a two-word seed counts as one term when the corpus joined it as a
#: phrase and as its two words otherwise.
DEFAULT_FRAME_SEEDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "empowerment": (
            "empower",
            "empowerment",
            "power",
            "control",
            "voice",
            "citizen",
            "people power",
        ),
        "devolution": (
            "devolve",
            "devolution",
            "decentralise",
            "decentralisation",
            "localism",
            "whitehall",
            "local government",
            "council",
            "mayor",
            "city deal",
        ),
        "social_action": (
            "volunteer",
            "volunteering",
            "social action",
            "philanthropy",
            "mentor",
            "citizen service",
            "active citizenship",
        ),
        "civil_society": (
            "charity",
            "voluntary sector",
            "social enterprise",
            "mutual",
            "cooperative",
            "civil society",
            "faith group",
            "trade union",
        ),
        "market_reform": (
            "choice",
            "competition",
            "provider",
            "contestability",
            "academy",
            "free school",
            "market",
        ),
        "collaboration": (
            "partnership",
            "partner",
            "collaboration",
            "together",
            "coproduction",
        ),
        "responsibility": (
            "responsibility",
            "responsible",
            "duty",
            "obligation",
            "something for something",
        ),
        "targeting": (
            "poor",
            "poverty",
            "disadvantaged",
            "deprived",
            "deprivation",
            "inequality",
            "gap",
        ),
    }
)


# -- prepared corpus -----------------------------------------------------------------


@dataclass(frozen=True)
class TopicCorpus:
    """Documents made ready for topic models.

    ``documents`` has one row per document (pk, id, date, title and the
    :data:`GROUP_FIELDS`); ``passages`` the modelled units, each pointing at
    its row in ``documents``. ``unit`` is ``"passage"`` (paragraph windows of
    about ``passage_size`` terms) or ``"document"``; ``phrases`` the joined
    collocations.
    """

    documents: pd.DataFrame
    passages: tuple[Passage, ...]
    unit: str
    passage_size: int | None
    phrases: frozenset[tuple[str, str]]

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
    )


def _prepare(
    pairs: Iterable[tuple[str, dict[str, Any]]],
    *,
    unit: str,
    passage_size: int,
    phrase_min_count: int,
    phrase_threshold: float,
) -> TopicCorpus:
    if unit not in ("passage", "document"):
        raise ModelError(f"unit must be 'passage' or 'document'; got {unit!r}")
    records: list[dict[str, Any]] = []

    def texts() -> Iterable[str]:
        for position, (text, record) in enumerate(pairs):
            record.setdefault("pk", position)
            records.append(record)
            yield text

    # Only tokens are kept, never the texts, so the corpus streams through.
    tokenised = list(tokenize_paragraphs(texts()))
    phrases = find_phrases(
        (run for doc in tokenised for para in doc for run in para),
        min_count=phrase_min_count,
        threshold=phrase_threshold,
    )
    passages: list[Passage] = []
    for doc_index, doc in enumerate(tokenised):
        paragraphs = [[t for run in para for t in join_phrases(run, phrases)] for para in doc]
        passages.extend(
            make_passages(doc_index, paragraphs, size=passage_size if unit == "passage" else None)
        )
    columns = ["pk", "id", "date", "title", *GROUP_FIELDS]
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    # Undated documents would make pandas store years as floats ("1997.0" in
    # tables and chart labels): keep them whole, with <NA> for the undated.
    try:
        frame["year"] = frame["year"].astype("Int64")
    except (TypeError, ValueError):
        bad = next(y for y in frame["year"].dropna() if not _is_int(y) and not float(y).is_integer())
        raise ModelError(f"metadata: year must be a whole number, got {bad!r}") from None
    return TopicCorpus(
        documents=frame,
        passages=tuple(passages),
        unit=unit,
        passage_size=passage_size if unit == "passage" else None,
        phrases=phrases,
    )


def prepare_corpus(
    corpus: Corpus,
    *,
    unit: str = "passage",
    passage_size: int = 150,
    phrase_min_count: int = 5,
    phrase_threshold: float = 0.3,
    **filters: Any,
) -> TopicCorpus:
    """:func:`prepare_texts` over the current documents of a store, streamed.

    ``filters`` are those of :meth:`Corpus.query` (speaker, since, doc_type, ...).

    Example::

        >>> from policytext.store.corpus import Corpus, Document
        >>> store = Corpus.open(":memory:")
        >>> _ = store.add(Document(text="Power to the people.", date="1997"))
        >>> prepare_corpus(store).documents["year"].tolist()
        [1997]
    """
    names = ("pk", "id", "date", "title", *GROUP_FIELDS)
    pairs = ((doc.text, {name: getattr(doc, name) for name in names}) for doc in corpus.query(**filters))
    return _prepare(
        pairs,
        unit=unit,
        passage_size=passage_size,
        phrase_min_count=phrase_min_count,
        phrase_threshold=phrase_threshold,
    )


def seed_terms_for(prepared: TopicCorpus, seeds: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Seed terms put through the corpus's preprocessing (lemmas, phrases).

    A two-word seed becomes the joined phrase when the corpus has that phrase
    and is left out otherwise (its words alone would mean something else);
    seeds that are stop words are left out. Order and frame ids are preserved.

    Example::

        >>> prepared = prepare_texts(["Volunteers give."], phrase_min_count=1)
        >>> seed_terms_for(prepared, {"social_action": ["volunteers", "social action"]})
        {'social_action': ['volunteer']}
    """
    out: dict[str, list[str]] = {}
    labels = list(seeds)
    for label, paragraphs in zip(
        labels, tokenize_paragraphs(" \n".join(seeds[k]) for k in labels), strict=True
    ):
        terms: list[str] = []
        for para in paragraphs:  # one paragraph per seed
            for run in para:
                joined = join_phrases(run, prepared.phrases)
                # A multi-word seed counts only as the corpus's joined phrase:
                # "free school" must not seed on "school" alone.
                if len(para) == 1 and len(joined) == 1:
                    terms.extend(joined)
        out[label] = list(dict.fromkeys(terms))
    return out


# -- the estimator -----------------------------------------------------------------


def _tokens(unit: Passage | Sequence[str]) -> Sequence[str]:
    return unit.tokens if isinstance(unit, Passage) else unit


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_df(value: Any) -> bool:
    if _is_int(value):
        return bool(value >= 1)
    return isinstance(value, float) and 0.0 < value <= 1.0


_PARAMETERS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "n_topics": ("an integer >= 1", lambda v: _is_int(v) and v >= 1),
    "method": ("'nmf' or 'lda'", lambda v: v in ("nmf", "lda")),
    "online": ("True or False", lambda v: isinstance(v, bool)),
    "min_df": ("an integer >= 1 or a float in (0, 1]", _is_df),
    "max_df": ("an integer >= 1 or a float in (0, 1]", _is_df),
    "max_iter": ("None or an integer >= 1", lambda v: v is None or (_is_int(v) and v >= 1)),
    "n_top_terms": ("an integer >= 2", lambda v: _is_int(v) and v >= 2),
    "seed_terms": (
        "None or a mapping of label to a list of terms",
        lambda v: (
            v is None or (isinstance(v, Mapping) and all(isinstance(t, (list, tuple)) for t in v.values()))
        ),
    ),
    "seed_weight": (
        "a number > 0",
        lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0,
    ),
    "coherence_window": ("an integer >= 2", lambda v: _is_int(v) and v >= 2),
    "random_state": (
        "None or an integer from 0 to 2**32 - 1",
        lambda v: v is None or (_is_int(v) and 0 <= v < 2**32),
    ),
}


@dataclass(frozen=True)
class Topic:
    """A learned topic: its id, top terms with weights (best first) and NPMI coherence.

    ``id`` is ``topic_NN`` or, for a frame-seeded topic, the frame id
    (``seeded`` is then true and ``seed_retention`` is the share of its seed
    terms still among its top terms: seeding only sets the starting point, so
    a low value says the topic moved away from its frame).
    """

    id: str
    terms: tuple[tuple[str, float], ...]
    coherence: float | None
    seeded: bool = False
    seed_retention: float | None = None

    def to_record(self) -> dict[str, Any]:
        """The JSON record: ``id``, ``terms`` as [term, weight] pairs, ``coherence``, ``seeded``
        and, for seeded topics, ``seed_retention``."""
        coherence = None if self.coherence is None or np.isnan(self.coherence) else round(self.coherence, 4)
        record: dict[str, Any] = {
            "id": self.id,
            "terms": [[t, round(w, 6)] for t, w in self.terms],
            "coherence": coherence,
            "seeded": self.seeded,
        }
        if self.seeded:
            record["seed_retention"] = None if self.seed_retention is None else round(self.seed_retention, 4)
        return record


# LDA settings (docs/topics.md, "Models" and "Benchmark"): Griffiths & Steyvers'
# symmetric priors and a short per-document E-step with more EM iterations.
_LDA_TOPIC_WORD_PRIOR = 0.01
_LDA_MAX_DOC_UPDATE_ITER = 10
_LDA_TRANSFORM_DOC_UPDATE_ITER = 50


def _lda_doc_topic_prior(k: int) -> float:
    """alpha = 50/k, capped at 1 (scikit-learn's upper bound for doc_topic_prior)."""
    return min(1.0, 50.0 / k)


class TopicModel(BaseEstimator):  # type: ignore[misc]
    """NMF on TF-IDF or LDA on counts over token sequences, scikit-learn style.

    Parameters
    ----------
    n_topics:
        Number of topics k.
    method:
        ``"nmf"`` (non-negative matrix factorisation of L2-normalised TF-IDF,
        NNDSVDa initialisation) or ``"lda"`` (latent Dirichlet allocation on
        counts, variational Bayes).
    online:
        Use MiniBatchNMF or online LDA (mini-batches; for large corpora).
    min_df, max_df:
        Vocabulary pruning by document frequency (count or share of units).
    max_iter:
        Iterations, or passes for the online variants (None: 1000 NMF, 20 LDA,
        200 MiniBatchNMF, 20 online LDA). LDA uses the priors alpha =
        min(1, 50/k) and beta = 0.01 and at most 10 updates per document in
        each fitting E-step (50 when computing topic shares); see
        docs/topics.md, "Benchmark".
    n_top_terms:
        Terms kept per topic in :meth:`topics` and scored for coherence.
    seed_terms:
        ``{label: [terms]}``: frame-seeded topics (NMF only). Each label gets a
        topic whose initial term weights are concentrated on its seed terms;
        the topic keeps the label as its id. Must not exceed ``n_topics``.
    seed_weight:
        Factor on the seed terms' TF-IDF columns during the fit (reported
        weights are scaled back), so the model must account for them; 1 means
        the seeds only set the starting point.
    coherence_window:
        Sliding-window length for NPMI coherence.
    random_state:
        Seed; the same data, settings and seed give identical topics and ids.

    Learned attributes end in ``_``: ``vocabulary_``, ``components_`` (topic
    term distributions, rows sum to 1), ``topic_ids_``, ``coherence_``,
    ``unit_topics_`` (training units' topic shares), ``seed_retention_``.

    Example::

        >>> docs = [["school", "teacher"], ["police", "crime"]] * 5
        >>> TopicModel(2, min_df=1).fit(docs).transform([["police"]]).round(2).tolist()
        [[1.0, 0.0]]
    """

    def __init__(
        self,
        n_topics: int = 10,
        *,
        method: str = "nmf",
        online: bool = False,
        min_df: int | float = 2,
        max_df: int | float = 0.9,
        max_iter: int | None = None,
        n_top_terms: int = 10,
        seed_terms: Mapping[str, Sequence[str]] | None = None,
        seed_weight: float = 3.0,
        coherence_window: int = 10,
        random_state: int | None = 0,
    ) -> None:
        self.n_topics = n_topics
        self.method = method
        self.online = online
        self.min_df = min_df
        self.max_df = max_df
        self.max_iter = max_iter
        self.n_top_terms = n_top_terms
        self.seed_terms = seed_terms
        self.seed_weight = seed_weight
        self.coherence_window = coherence_window
        self.random_state = random_state

    # -- validation ---------------------------------------------------------------

    def _validate(self) -> None:
        name = type(self).__name__
        for param, (allowed, check) in _PARAMETERS.items():
            value = getattr(self, param)
            if not check(value):
                raise ModelError(f"{name}: parameter {param} must be {allowed}; got {value!r}")
        if self.seed_terms:
            if self.method != "nmf":
                raise ModelError(
                    f"{name}: parameter seed_terms needs method='nmf'; got method={self.method!r}"
                )
            if len(self.seed_terms) > self.n_topics:
                raise ModelError(
                    f"{name}: parameter seed_terms has {len(self.seed_terms)} frames but n_topics is "
                    f"{self.n_topics}; n_topics must be at least the number of frames"
                )

    def _check_fitted(self) -> None:
        if not hasattr(self, "components_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit() first")

    def _max_iter(self) -> int:
        if self.max_iter is not None:
            return int(self.max_iter)
        if self.online:
            return 200 if self.method == "nmf" else 20
        return 1000 if self.method == "nmf" else 20

    # -- fitting ------------------------------------------------------------------

    def fit(self, units: Sequence[Passage | Sequence[str]], y: None = None) -> TopicModel:
        """Learn topics from token sequences (or :class:`Passage` objects); return ``self``.

        Raises :class:`ModelError` for a bad parameter or too little text.
        """
        from sklearn.feature_extraction.text import CountVectorizer

        self._validate()
        name = type(self).__name__
        texts = [_tokens(u) for u in units]
        if sum(1 for t in texts if t) < 2:
            raise ModelError(f"{name}: need at least 2 non-empty units to fit; got {len(texts)}")
        vectorizer = CountVectorizer(
            analyzer=_identity, min_df=self.min_df, max_df=self.max_df, dtype=np.float64
        )
        try:
            counts = vectorizer.fit_transform(texts)
        except ValueError as exc:
            raise ModelError(
                f"{name}: no vocabulary left after pruning (min_df={self.min_df!r}, "
                f"max_df={self.max_df!r}, {len(texts)} units): {exc}"
            ) from None
        self.vectorizer_ = vectorizer
        self.vocabulary_ = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
        if len(self.vocabulary_) < self.n_topics:
            raise ModelError(
                f"{name}: vocabulary of {len(self.vocabulary_)} terms is smaller than "
                f"n_topics={self.n_topics}"
            )
        self.column_weights_: np.ndarray | None = None
        matrix = self._weigh(counts, fit=True)
        estimator, unit_topics, components = self._fit_estimator(matrix)
        if self.column_weights_ is not None:
            # Report term weights on the unscaled TF-IDF scale.
            components = components / self.column_weights_[None, :]
        self.estimator_ = estimator
        k = self.n_topics
        seeded = list(self.seed_labels_)
        # Order: seeded topics in frame order, then the rest by prevalence, ties by top term.
        weights = components / np.maximum(components.sum(axis=1, keepdims=True), 1e-300)
        totals = unit_topics.sum(axis=0)
        # NMF may trade seeded starting rows between frames: each frame is given
        # the topic carrying most of its seed terms' weight (one topic per frame).
        seeded_topics = self._match_frames(weights, seeded)
        free = [i for i in range(k) if i not in seeded_topics]
        free.sort(
            key=lambda i: (
                -round(float(totals[i]), 9),
                str(self.vocabulary_[int(np.argmax(weights[i]))]),
            )
        )
        order = seeded_topics + free
        self.order_ = np.asarray(order)
        self.components_ = weights[order]
        self.unit_topics_ = _normalise_rows(unit_topics[:, order], counts)
        self.topic_ids_ = seeded + [f"topic_{n:02d}" for n in range(1, k - len(seeded) + 1)]
        top = self._top_term_lists(self.n_top_terms)
        self.coherence_ = np.asarray(npmi_coherence(top, texts, window=self.coherence_window))
        self.seed_retention_ = {
            label: len(set(self.seed_terms_used_[label]) & set(top[i])) / len(self.seed_terms_used_[label])
            for i, label in enumerate(seeded)
        }
        for label, share in self.seed_retention_.items():
            if share == 0:
                logger.warning("seeded topic %s kept none of its seed terms among its top terms", label)
        return self

    def _match_frames(self, weights: np.ndarray, labels: Sequence[str]) -> list[int]:
        """For each seeded frame (in order), its topic: a one-to-one matching maximising seed weight."""
        if not labels:
            return []
        from scipy.optimize import linear_sum_assignment

        index = {t: i for i, t in enumerate(self.vocabulary_)}
        mass = np.array(
            [weights[:, [index[t] for t in self.seed_terms_used_[label]]].sum(axis=1) for label in labels]
        )
        rows, cols = linear_sum_assignment(-mass)
        chosen = dict(zip(rows.tolist(), cols.tolist(), strict=True))
        return [int(chosen[i]) for i in range(len(labels))]

    def _weigh(self, counts: sparse.spmatrix, *, fit: bool) -> sparse.spmatrix:
        if self.method == "lda":
            return counts
        from sklearn.feature_extraction.text import TfidfTransformer

        if fit:
            self.tfidf_ = TfidfTransformer(sublinear_tf=True)
            weighted = self.tfidf_.fit_transform(counts)
            self.column_weights_ = self._seed_column_weights()
        else:
            weighted = self.tfidf_.transform(counts)
        if self.column_weights_ is None:
            return weighted
        return sparse.csr_matrix(weighted @ sparse.diags(self.column_weights_))

    def _seed_column_weights(self) -> np.ndarray | None:
        """Seed terms' TF-IDF columns scaled by ``seed_weight`` so the fit must explain them."""
        if not self.seed_terms:
            return None
        index = {t: i for i, t in enumerate(self.vocabulary_)}
        weights = np.ones(len(index))
        for terms in self.seed_terms.values():
            for term in terms:
                if term in index:
                    weights[index[term]] = float(self.seed_weight)
        return weights

    def _fit_estimator(self, matrix: sparse.spmatrix) -> tuple[Any, np.ndarray, np.ndarray]:
        from sklearn.decomposition import NMF, LatentDirichletAllocation, MiniBatchNMF

        k = self.n_topics
        self.seed_labels_: list[str] = []
        self.seed_terms_used_: dict[str, list[str]] = {}
        if self.method == "lda":
            lda = LatentDirichletAllocation(
                n_components=k,
                learning_method="online" if self.online else "batch",
                max_iter=self._max_iter(),
                random_state=self.random_state,
                batch_size=256,
                # Griffiths & Steyvers' priors: alpha = 50/k (capped at 1, the
                # most scikit-learn allows), beta = 0.01 (sparser topics).
                doc_topic_prior=_lda_doc_topic_prior(k),
                topic_word_prior=_LDA_TOPIC_WORD_PRIOR,
                # Each E-step restarts the document updates from random values,
                # so a short cap per document and more EM iterations converge
                # the topics faster than polishing stale document estimates.
                max_doc_update_iter=_LDA_MAX_DOC_UPDATE_ITER,
            )
            lda.fit(matrix)
            # Units' topic shares (here and in transform) from fully converged
            # document updates, as before: the short cap is for fitting only.
            lda.set_params(max_doc_update_iter=_LDA_TRANSFORM_DOC_UPDATE_ITER)
            unit_topics = lda.transform(matrix)
            return lda, unit_topics, lda.components_
        init_w = init_h = None
        init = "nndsvda"
        if self.seed_terms:
            init_w, init_h = self._seeded_init(matrix)
            init = "custom"
        nmf: Any
        if self.online:
            nmf = MiniBatchNMF(
                n_components=k,
                init=init,
                max_iter=self._max_iter(),
                random_state=self.random_state,
                batch_size=1024,
            )
        else:
            nmf = NMF(n_components=k, init=init, max_iter=self._max_iter(), random_state=self.random_state)
        # On an exact fit sklearn's reconstruction error rounds below zero
        # before its square root; that NaN is harmless, the warning is noise.
        with np.errstate(invalid="ignore"):
            if init_w is not None:
                unit_topics = nmf.fit_transform(matrix, W=init_w, H=init_h)
            else:
                unit_topics = nmf.fit_transform(matrix)
        return nmf, unit_topics, nmf.components_

    def _seeded_init(self, matrix: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray]:
        """Initial W, H: one row of H per frame, the rest from NNDSVDa.

        A frame's row is the centroid of the units that use any of its seed
        terms, with the seed terms raised by ``seed_weight`` times the row's
        largest weight. Of the NNDSVDa rows, those most like a seeded row are
        dropped so the free topics start elsewhere.
        """
        from sklearn.decomposition._nmf import _initialize_nmf

        assert self.seed_terms is not None
        k = self.n_topics
        matrix = sparse.csr_matrix(matrix)
        index = {t: i for i, t in enumerate(self.vocabulary_)}
        _, h = _initialize_nmf(matrix, k, init="nndsvda", random_state=self.random_state)
        scale = float(np.mean(np.linalg.norm(h, axis=1))) or 1.0
        rows = []
        for label, terms in self.seed_terms.items():
            used = [t for t in dict.fromkeys(terms) if t in index]
            if not used:
                logger.warning(
                    "seeded topic %s: none of its seed terms is in the vocabulary; left unseeded",
                    label,
                )
                continue
            ids = [index[t] for t in used]
            users = np.asarray(matrix[:, ids].sum(axis=1)).ravel() > 0
            row = np.asarray(matrix[users].mean(axis=0)).ravel() if users.any() else np.zeros(len(index))
            row[ids] += max(float(row.max()), 1e-12)
            row = np.maximum(row, 1e-12)
            rows.append(row * scale / np.linalg.norm(row))
            self.seed_labels_.append(label)
            self.seed_terms_used_[label] = used
        if not rows:
            return np.asarray(matrix @ h.T), h
        free = list(range(k))
        h_unit = h / np.maximum(np.linalg.norm(h, axis=1, keepdims=True), 1e-300)
        for row in rows:
            similarity = h_unit[free] @ (row / np.linalg.norm(row))
            free.pop(int(np.argmax(similarity)))
        h_init = np.vstack([*rows, h[free]])
        w_init = np.asarray(matrix @ h_init.T)
        # Scale W so that W @ H best matches the data in the least-squares sense.
        numerator = float(np.sum(w_init * w_init))
        denominator = float(np.sum((w_init.T @ w_init) * (h_init @ h_init.T)))
        w_init *= numerator / denominator if denominator > 0 else 1.0
        return np.maximum(w_init, 0.0), h_init

    # -- using a fitted model -------------------------------------------------------

    def transform(self, units: Sequence[Passage | Sequence[str]]) -> np.ndarray:
        """Topic shares of each unit (rows sum to 1; all zero for a unit with no known term)."""
        self._check_fitted()
        counts = self.vectorizer_.transform([_tokens(u) for u in units])
        with np.errstate(invalid="ignore"):
            raw = self.estimator_.transform(self._weigh(counts, fit=False))
        return _normalise_rows(raw[:, self.order_], counts)

    def fit_transform(self, units: Sequence[Passage | Sequence[str]], y: None = None) -> np.ndarray:
        """:meth:`fit`, then the training units' topic shares."""
        return np.asarray(self.fit(units).unit_topics_)

    def _top_term_lists(self, n: int) -> list[list[str]]:
        return [
            [str(self.vocabulary_[j]) for j in np.argsort(-row, kind="stable")[:n]]
            for row in self.components_
        ]

    def topics(self, n: int | None = None) -> list[Topic]:
        """The topics with their ``n`` best terms (default ``n_top_terms``), in id order."""
        self._check_fitted()
        n = n or self.n_top_terms
        out = []
        for i, row in enumerate(self.components_):
            best = np.argsort(-row, kind="stable")[:n]
            out.append(
                Topic(
                    id=self.topic_ids_[i],
                    terms=tuple((str(self.vocabulary_[j]), float(row[j])) for j in best),
                    coherence=float(self.coherence_[i]),
                    seeded=self.topic_ids_[i] in self.seed_labels_,
                    seed_retention=self.seed_retention_.get(self.topic_ids_[i]),
                )
            )
        return out


def _normalise_rows(values: np.ndarray, counts: sparse.spmatrix) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    sums = values.sum(axis=1, keepdims=True)
    out: np.ndarray = np.divide(values, sums, out=np.zeros_like(values), where=sums > 0)
    empty = np.asarray(counts.sum(axis=1)).ravel() == 0
    out[empty] = 0.0
    return out


# -- choosing k ------------------------------------------------------------------


def evaluate_k(
    units: Sequence[Passage | Sequence[str]],
    ks: Iterable[int],
    *,
    method: str = "nmf",
    seeds: Sequence[int] = (1, 2, 3),
    sample: float = 0.8,
    random_state: int = 0,
    **params: Any,
) -> pd.DataFrame:
    """Coherence and stability of models for each k, to help choose k.

    For each k: a reference model on all units gives ``coherence`` (mean NPMI
    of its topics); models on random ``sample`` shares of the units, one per
    seed in ``seeds``, are matched to the reference topic by topic and give
    ``stability`` (mean Jaccard agreement of top terms; 1 = identical).
    Prefer a k where both are high.

    Returns
    -------
    DataFrame with columns k, coherence, coherence_min, stability, stability_sd.

    Example::

        >>> docs = [["a", "b", "c"], ["d", "e", "f"]] * 20
        >>> evaluate_k(docs, [2], min_df=1, max_df=1.0)["stability"].tolist()
        [1.0]
    """
    if not 0 < sample <= 1:
        raise ModelError(f"evaluate_k: sample must be in (0, 1]; got {sample!r}")
    rows = []
    for k in ks:
        reference = TopicModel(k, method=method, random_state=random_state, **params).fit(units)
        top = reference._top_term_lists(reference.n_top_terms)
        agreements = []
        for seed in seeds:
            rng = np.random.default_rng(seed)
            take = np.sort(
                rng.choice(len(units), size=max(2, int(round(sample * len(units)))), replace=False)
            )
            model = clone(reference).set_params(random_state=seed).fit([units[i] for i in take])
            agreements.append(topic_agreement(top, model._top_term_lists(reference.n_top_terms)))
        rows.append(
            {
                "k": k,
                "coherence": float(np.nanmean(reference.coherence_)),
                "coherence_min": float(np.nanmin(reference.coherence_)),
                "stability": float(np.mean(agreements)) if agreements else float("nan"),
                "stability_sd": float(np.std(agreements)) if agreements else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=["k", "coherence", "coherence_min", "stability", "stability_sd"])


def parse_ks(text: str) -> list[int]:
    """Values of k from ``"5,10,20"`` or ``"START:STOP:STEP"`` (STOP included).

    Example::

        >>> parse_ks("5:20:5"), parse_ks("4, 8")
        ([5, 10, 15, 20], [4, 8])
    """
    try:
        if ":" in text:
            start, stop, *rest = (int(x) for x in text.split(":"))
            step = rest[0] if rest else 1
            if step < 1 or len(rest) > 1:
                raise ValueError
            ks = list(range(start, stop + 1, step))
        else:
            ks = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ModelError(f"--choose-k: {text!r} is not a list like 5,10,20 or a range like 5:30:5") from None
    if not ks or min(ks) < 1:
        raise ModelError(f"--choose-k: {text!r} gives no k >= 1")
    return ks


def choose_k_table(
    source: Corpus | TopicCorpus,
    ks: str | Sequence[int],
    *,
    method: str = "nmf",
    unit: str = "passage",
    passage_size: int = 150,
    random_state: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """:func:`evaluate_k` over a corpus store (or prepared corpus), with the unit in a column.

    Example::

        >>> docs = prepare_texts(["school teacher pupil exam", "police crime court prison"] * 15)
        >>> choose_k_table(docs, "2", random_state=0)["k"].tolist()
        [2]
    """
    values = parse_ks(ks) if isinstance(ks, str) else list(ks)
    if isinstance(source, TopicCorpus):
        prepared = source
    else:
        prepared = prepare_corpus(source, unit=unit, passage_size=passage_size, **filters)
    if not prepared.passages:
        raise ModelError("topics: the corpus has no documents with text to model; import documents first")
    table = evaluate_k(prepared.passages, values, method=method, random_state=random_state)
    table["unit"] = prepared.describe_unit()
    return table


# -- prevalence over time and groups --------------------------------------------------


@dataclass(frozen=True)
class Prevalence:
    """Topic shares per group with bootstrap intervals.

    ``shares``, ``low`` and ``high`` have one row per group (periods in
    chronological order) and one column per topic; each row of ``shares``
    sums to 1. A document's share is the term-weighted mean of its units'
    shares; a group's share is the mean over its documents, so every
    document weighs the same. ``documents`` counts documents per group.
    """

    by: str
    shares: pd.DataFrame
    low: pd.DataFrame
    high: pd.DataFrame
    documents: pd.Series
    level: float
    n_boot: int
    unit: str = ""
    weighting: str = "each document weighs the same (mean of document shares)"
    smoothing: str = "none"

    def long(self) -> pd.DataFrame:
        """One row per group and topic: share, low, high, documents."""
        rows = []
        for group in self.shares.index:
            for topic in self.shares.columns:
                rows.append(
                    {
                        self.by: group,
                        "topic": topic,
                        "share": float(self.shares.at[group, topic]),  # type: ignore[arg-type]
                        "low": float(self.low.at[group, topic]),  # type: ignore[arg-type]
                        "high": float(self.high.at[group, topic]),  # type: ignore[arg-type]
                        "documents": int(self.documents[group]),
                    }
                )
        return pd.DataFrame(rows)


def document_topics(prepared: TopicCorpus, unit_topics: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each document's topic shares from its units' shares, weighted by unit length.

    Returns the shares (documents x topics) and a mask of documents that had
    any modelled text.

    Example::

        shares, has_text = document_topics(prepared, model.unit_topics_)
    """
    n_docs = len(prepared.documents)
    lengths = np.array([len(p.tokens) for p in prepared.passages], dtype=float)
    known = (unit_topics.sum(axis=1) > 0).astype(float)
    docs = np.array([p.doc for p in prepared.passages], dtype=np.int64)
    weights = sparse.csr_matrix((lengths * known, (docs, np.arange(len(docs)))), shape=(n_docs, len(docs)))
    totals = weights @ unit_topics
    sums = totals.sum(axis=1, keepdims=True)
    shares = np.divide(totals, sums, out=np.zeros_like(totals), where=sums > 0)
    return shares, sums.ravel() > 0


def _group_order(values: pd.Series, by: str, dates: pd.Series) -> list[Any]:
    present = values.dropna().unique().tolist()
    if by == "year":
        return sorted(present)
    if by == "government":
        first = {g: dates[values.eq(g).fillna(False).to_numpy(dtype=bool)].dropna().min() for g in present}
        return sorted(present, key=lambda g: (str(first[g]), str(g)))
    return sorted(present, key=str)


def _group_rng(random_state: int | None, by: str, group: Any) -> np.random.Generator:
    """The bootstrap stream of one group: a function of the seed, ``by`` and the group only,
    so a group's interval does not move when other groups are added or left out."""
    if random_state is None:
        return np.random.default_rng()
    import hashlib

    is_whole = isinstance(group, (int, np.integer)) or (
        isinstance(group, (float, np.floating)) and float(group).is_integer()
    )
    key = json.dumps([by, int(group) if is_whole else str(group)], ensure_ascii=False)
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng(np.random.SeedSequence([int(random_state), *words]))


def topic_prevalence(
    prepared: TopicCorpus,
    unit_topics: np.ndarray,
    topic_ids: Sequence[str],
    *,
    by: str = "year",
    n_boot: int = 200,
    level: float = 0.95,
    smooth: int = 1,
    random_state: int | None = 0,
) -> Prevalence:
    """Topic shares per value of ``by`` with percentile bootstrap intervals.

    Documents are resampled with replacement within each group ``n_boot``
    times, each group from its own random stream (seeded by ``random_state``
    and the group), so a group's interval does not depend on the other groups;
    ``low``/``high`` are the (1-level)/2 and (1+level)/2 quantiles of
    the resampled group means. Documents without a value for ``by`` or
    without modelled text are left out. ``smooth`` > 1 (periods only, opt-in)
    replaces each period's shares and bounds by a centred moving average over
    that many periods; ``Prevalence.smoothing`` says so.

    Example::

        >>> prepared = prepare_texts(["power people"] * 2, metadata=[{"year": 1997}, {"year": 2010}])
        >>> shares = np.array([[1.0, 0.0], [0.25, 0.75]])
        >>> topic_prevalence(prepared, shares, ["a", "b"], n_boot=10).shares.loc[2010, "b"]
        np.float64(0.75)
    """
    if by not in GROUP_FIELDS:
        raise ModelError(f"prevalence: cannot group by {by!r}; use one of {', '.join(GROUP_FIELDS)}")
    if not _is_int(smooth) or smooth < 1 or (smooth > 1 and by not in _PERIOD_FIELDS):
        raise ModelError(
            f"prevalence: smooth must be an integer >= 1, and 1 unless grouping by a period "
            f"(year, government); got smooth={smooth!r} with by={by!r}"
        )
    if n_boot < 0 or not 0 < level < 1:
        raise ModelError(
            f"prevalence: need n_boot >= 0 and 0 < level < 1; got n_boot={n_boot}, level={level}"
        )
    if random_state is not None and not (_is_int(random_state) and 0 <= random_state < 2**32):
        raise ModelError(
            f"prevalence: random_state must be None or an integer from 0 to 2**32 - 1; got {random_state!r}"
        )
    doc_shares, has_text = document_topics(prepared, unit_topics)
    values = prepared.documents[by].reset_index(drop=True)
    dates = prepared.documents["date"].reset_index(drop=True)
    keep = has_text & values.notna().to_numpy()
    groups = _group_order(values[keep], by, dates[keep])
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    k = unit_topics.shape[1]
    share_rows, low_rows, high_rows, counts = [], [], [], []
    for group in groups:
        members = doc_shares[keep & values.eq(group).fillna(False).to_numpy(dtype=bool)]
        mean = members.mean(axis=0)
        share_rows.append(mean)
        counts.append(len(members))
        if n_boot == 0:
            low_rows.append(np.full(k, np.nan))
            high_rows.append(np.full(k, np.nan))
            continue
        boots = np.empty((n_boot, k))
        rng = _group_rng(random_state, by, group)
        step = max(1, 2_000_000 // max(1, len(members) * k))
        for start in range(0, n_boot, step):
            stop = min(n_boot, start + step)
            draw = rng.integers(0, len(members), size=(stop - start, len(members)))
            boots[start:stop] = members[draw].mean(axis=1)
        low_rows.append(np.quantile(boots, lo_q, axis=0))
        high_rows.append(np.quantile(boots, hi_q, axis=0))
    index = pd.Index(groups, name=by)
    columns = list(topic_ids)
    tables = [
        pd.DataFrame(np.array(rows).reshape(len(groups), k), index=index, columns=columns)
        for rows in (share_rows, low_rows, high_rows)
    ]
    smoothing = "none"
    if smooth > 1:
        tables = [t.rolling(smooth, center=True, min_periods=1).mean() for t in tables]
        smoothing = f"centred moving average over {smooth} periods (opt-in)"
    return Prevalence(
        by=by,
        shares=tables[0],
        low=tables[1],
        high=tables[2],
        documents=pd.Series(counts, index=index, dtype=int),
        level=level,
        n_boot=n_boot,
        unit=prepared.describe_unit(),
        smoothing=smoothing,
    )


# -- dynamic topics ------------------------------------------------------------------


class DynamicTopicModel(BaseEstimator):  # type: ignore[misc]
    """Dynamic topics by two-layer NMF (Greene & Cross 2017).

    Layer one fits a :class:`TopicModel` (NMF) per time window on that
    window's units only, with that window's own vocabulary, so a window's
    topic words never include later (or earlier) vocabulary. Layer two
    stacks every window topic's top-term weights into one matrix and factors
    it with NMF into ``dynamic_k`` dynamic topics; a window topic is linked to
    each dynamic topic that takes at least ``link_threshold`` of its
    (normalised) loading. A window topic linked to two dynamic topics that
    are separate in the next window is a split; the reverse is a merge.
    No smoothing across windows is applied: each window's terms are its own.

    Parameters
    ----------
    window_k:
        Topics per window: one integer, or ``{window: k}``.
    dynamic_k:
        Dynamic topics (None: the largest window k).
    n_top_terms:
        Top terms of each window topic carried into layer two.
    link_threshold:
        Least loading share that links a window topic to a dynamic topic.
    min_df, max_df, max_iter, random_state:
        Passed to the window models.

    Example::

        >>> windows = {"1997": [["school", "teacher"], ["police", "crime"]] * 5,
        ...            "2010": [["school", "pupil"], ["police", "court"]] * 5}
        >>> model = DynamicTopicModel(window_k=2, min_df=1, max_df=1.0).fit(windows)
        >>> len(model.dynamic_ids_)
        2
    """

    def __init__(
        self,
        *,
        window_k: int | Mapping[str, int] = 10,
        dynamic_k: int | None = None,
        n_top_terms: int = 20,
        link_threshold: float = 0.25,
        min_df: int | float = 2,
        max_df: int | float = 0.9,
        max_iter: int | None = None,
        random_state: int | None = 0,
    ) -> None:
        self.window_k = window_k
        self.dynamic_k = dynamic_k
        self.n_top_terms = n_top_terms
        self.link_threshold = link_threshold
        self.min_df = min_df
        self.max_df = max_df
        self.max_iter = max_iter
        self.random_state = random_state

    def _k_for(self, window: str) -> int:
        if isinstance(self.window_k, Mapping):
            if window not in self.window_k:
                raise ModelError(f"DynamicTopicModel: parameter window_k has no k for window {window!r}")
            return int(self.window_k[window])
        return int(self.window_k)

    def fit(
        self, windows: Mapping[str, Sequence[Passage | Sequence[str]]], y: None = None
    ) -> DynamicTopicModel:
        """Fit one model per window (in the mapping's order), then link them; return ``self``."""
        from sklearn.decomposition import NMF

        name = type(self).__name__
        if not isinstance(self.window_k, Mapping) and not (_is_int(self.window_k) and self.window_k >= 1):
            raise ModelError(
                f"{name}: parameter window_k must be an integer >= 1 or a mapping; got {self.window_k!r}"
            )
        if self.dynamic_k is not None and not (_is_int(self.dynamic_k) and self.dynamic_k >= 1):
            raise ModelError(
                f"{name}: parameter dynamic_k must be None or an integer >= 1; got {self.dynamic_k!r}"
            )
        if not 0 < self.link_threshold <= 1:
            raise ModelError(
                f"{name}: parameter link_threshold must be in (0, 1]; got {self.link_threshold!r}"
            )
        if len(windows) < 2:
            raise ModelError(f"{name}: need at least 2 windows; got {len(windows)}")
        self.windows_: list[str] = []
        self.window_models_: dict[str, TopicModel] = {}
        self.skipped_windows_: dict[str, str] = {}
        for window, units in windows.items():
            k = self._k_for(window)
            model = TopicModel(
                k,
                method="nmf",
                min_df=self.min_df,
                max_df=self.max_df,
                max_iter=self.max_iter,
                n_top_terms=self.n_top_terms,
                random_state=self.random_state,
            )
            try:
                model.fit(units)
            except ModelError as exc:
                logger.warning("dynamic topics: window %s left out: %s", window, exc)
                self.skipped_windows_[window] = str(exc)
                continue
            self.windows_.append(window)
            self.window_models_[window] = model
        if len(self.windows_) < 2:
            raise ModelError(
                f"{name}: fewer than 2 windows could be fitted ({', '.join(self.skipped_windows_)} left out)"
            )
        # Layer two: window topics x union of their top terms.
        self.window_topics_: list[tuple[str, str]] = []
        term_index: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for window in self.windows_:
            model = self.window_models_[window]
            for i, topic_id in enumerate(model.topic_ids_):
                row = model.components_[i]
                best = np.argsort(-row, kind="stable")[: self.n_top_terms]
                for j in best:
                    if row[j] <= 0:
                        continue
                    col = term_index.setdefault(str(model.vocabulary_[j]), len(term_index))
                    rows.append(len(self.window_topics_))
                    cols.append(col)
                    vals.append(float(row[j]))
                self.window_topics_.append((window, topic_id))
        stacked = sparse.csr_matrix((vals, (rows, cols)), shape=(len(self.window_topics_), len(term_index)))
        norms = np.sqrt(np.asarray(stacked.multiply(stacked).sum(axis=1)).ravel())
        stacked = sparse.diags(1 / np.maximum(norms, 1e-300)) @ stacked
        dynamic_k = self.dynamic_k or max(self._k_for(w) for w in self.windows_)
        dynamic_k = min(dynamic_k, len(self.window_topics_), len(term_index))
        nmf = NMF(n_components=dynamic_k, init="nndsvda", max_iter=1000, random_state=self.random_state)
        with np.errstate(invalid="ignore"):  # see TopicModel._fit_estimator
            loadings = nmf.fit_transform(stacked)
        terms = np.empty(len(term_index), dtype=object)
        for term, j in term_index.items():
            terms[j] = term
        order = sorted(
            range(dynamic_k),
            key=lambda z: (
                -int((loadings.argmax(axis=1) == z).sum()),
                str(terms[int(np.argmax(nmf.components_[z]))]),
            ),
        )
        loadings = loadings[:, order]
        sums = loadings.sum(axis=1, keepdims=True)
        self.memberships_ = np.divide(loadings, sums, out=np.zeros_like(loadings), where=sums > 0)
        components = nmf.components_[order]
        self.components_ = components / np.maximum(components.sum(axis=1, keepdims=True), 1e-300)
        self.vocabulary_ = terms
        self.dynamic_ids_ = [f"dynamic_{n:02d}" for n in range(1, dynamic_k + 1)]
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "memberships_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet; call fit() first")

    def links(self) -> pd.DataFrame:
        """Window topic to dynamic topic links: window, window_topic, dynamic_topic, weight."""
        self._check_fitted()
        out = []
        for row, (window, topic_id) in enumerate(self.window_topics_):
            for z, dyn in enumerate(self.dynamic_ids_):
                weight = float(self.memberships_[row, z])
                if weight >= self.link_threshold:
                    out.append(
                        {
                            "window": window,
                            "window_topic": topic_id,
                            "dynamic_topic": dyn,
                            "weight": weight,
                        }
                    )
        return pd.DataFrame(out, columns=["window", "window_topic", "dynamic_topic", "weight"])

    def topics(self, n: int = 10) -> list[Topic]:
        """Each dynamic topic's overall top terms (layer two), coherence not computed."""
        self._check_fitted()
        return [
            Topic(
                id=dyn,
                terms=tuple(
                    (str(self.vocabulary_[j]), float(self.components_[z, j]))
                    for j in np.argsort(-self.components_[z], kind="stable")[:n]
                ),
                coherence=None,
            )
            for z, dyn in enumerate(self.dynamic_ids_)
        ]

    def window_terms(self, n: int = 10) -> pd.DataFrame:
        """Per dynamic topic and window, the top terms of that window's linked topics.

        A term's weight is the sum over the linked window topics of link weight
        times the window topic's term weight: terms come only from the window's
        own model. Columns: dynamic_topic, window, rank, term, weight.
        """
        self._check_fitted()
        links = self.links()
        out = []
        for dyn in self.dynamic_ids_:
            for window in self.windows_:
                chosen = links[(links["dynamic_topic"] == dyn) & (links["window"] == window)]
                if chosen.empty:
                    continue
                model = self.window_models_[window]
                weights = np.zeros(len(model.vocabulary_))
                for topic_id, weight in zip(chosen["window_topic"], chosen["weight"], strict=True):
                    weights += weight * model.components_[model.topic_ids_.index(topic_id)]
                best = np.argsort(-weights, kind="stable")[:n]
                for rank, j in enumerate(best, start=1):
                    if weights[j] > 0:
                        out.append(
                            {
                                "dynamic_topic": dyn,
                                "window": window,
                                "rank": rank,
                                "term": str(model.vocabulary_[j]),
                                "weight": float(weights[j]),
                            }
                        )
        return pd.DataFrame(out, columns=["dynamic_topic", "window", "rank", "term", "weight"])

    def term_changes(self, n: int = 10) -> pd.DataFrame:
        """Terms that entered and left each dynamic topic's top ``n`` between consecutive windows present.

        Columns: dynamic_topic, from, to, entered, left (terms joined by "; ").
        """
        terms = self.window_terms(n)
        out = []
        for dyn in self.dynamic_ids_:
            mine = terms[terms["dynamic_topic"] == dyn]
            present = [w for w in self.windows_ if (mine["window"] == w).any()]
            for before, after in zip(present, present[1:], strict=False):
                old = list(mine[mine["window"] == before]["term"])
                new = list(mine[mine["window"] == after]["term"])
                out.append(
                    {
                        "dynamic_topic": dyn,
                        "from": before,
                        "to": after,
                        "entered": "; ".join(t for t in new if t not in old),
                        "left": "; ".join(t for t in old if t not in new),
                    }
                )
        return pd.DataFrame(out, columns=["dynamic_topic", "from", "to", "entered", "left"])

    def events(self) -> pd.DataFrame:
        """Splits and merges between consecutive windows.

        A split: a window topic linked to several dynamic topics whose
        successors in the next window are distinct window topics. A merge is
        the reverse. Columns: kind, from, to, from_topics, to_topics,
        dynamic_topics (lists joined by "; ").
        """
        links = self.links()
        linked: dict[str, dict[str, set[str]]] = {w: {} for w in self.windows_}
        for window, topic_id, dyn in zip(
            links["window"], links["window_topic"], links["dynamic_topic"], strict=True
        ):
            linked[window].setdefault(topic_id, set()).add(dyn)
        out = []
        for before, after in zip(self.windows_, self.windows_[1:], strict=False):
            for kind, here, there in (("split", before, after), ("merge", after, before)):
                for topic_id, dyns in sorted(linked[here].items()):
                    if len(dyns) < 2:
                        continue
                    carriers = {t: d & dyns for t, d in linked[there].items() if d & dyns}
                    covered = {t for t, d in carriers.items() if len(d) < len(dyns)}
                    if len(covered) < 2:
                        continue
                    sources, targets = (
                        ([topic_id], sorted(covered)) if kind == "split" else (sorted(covered), [topic_id])
                    )
                    out.append(
                        {
                            "kind": kind,
                            "from": before,
                            "to": after,
                            "from_topics": "; ".join(sources),
                            "to_topics": "; ".join(targets),
                            "dynamic_topics": "; ".join(sorted(dyns)),
                        }
                    )
        return pd.DataFrame(out, columns=["kind", "from", "to", "from_topics", "to_topics", "dynamic_topics"])


# -- the whole job ------------------------------------------------------------------


def default_topics_dir(corpus: Corpus) -> Path:
    """Where ``policytext run`` writes the topic outputs: ``topics/`` beside the database.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> default_topics_dir(Corpus.open(":memory:"))
        PosixPath('topics')
    """
    return Path(corpus.path).parent / "topics"


def _analysis_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Every option of :func:`analyse_topics` (defaults filled in); the rest as ``filters``."""
    import inspect

    parameters = {
        name: param.default
        for name, param in inspect.signature(analyse_topics).parameters.items()
        if param.kind is inspect.Parameter.KEYWORD_ONLY
    }
    chosen = {name: options.get(name, default) for name, default in parameters.items()}
    chosen["filters"] = {k: v for k, v in options.items() if k not in parameters}
    return chosen


def topics_fingerprint(corpus: Corpus, **options: Any) -> dict[str, str]:
    """What a topic analysis of ``corpus`` with ``options`` depends on, as a hash.

    The fingerprint covers the corpus content hash, the policytext version and
    every option of :func:`analyse_topics` (defaults filled in, filters
    included), so two analyses with the same fingerprint give the same topics.
    ``settings.json`` records it; the report reuses the topic stage's outputs
    only when the fingerprints match.

    Returns
    -------
    dict
        ``{"corpus_hash": ..., "fingerprint": ...}`` (SHA-256 hex digests).

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> store = Corpus.open(":memory:")
        >>> topics_fingerprint(store, k=10) == topics_fingerprint(store)
        True
    """
    import hashlib

    from policytext import __version__
    from policytext.tables import corpus_hash

    content = corpus_hash(corpus)
    basis = json.dumps(
        {"corpus_hash": content, "policytext": __version__, "options": _analysis_options(options)},
        sort_keys=True,
        default=str,
    )
    return {
        "corpus_hash": content,
        "fingerprint": hashlib.sha256(basis.encode("utf-8")).hexdigest(),
    }


@dataclass(frozen=True)
class TopicAnalysis:
    """Everything :func:`analyse_topics` found, ready to write or report."""

    settings: dict[str, Any]
    prepared: TopicCorpus
    model: TopicModel
    topics: tuple[Topic, ...]
    prevalence: Prevalence
    drift: pd.DataFrame
    dynamic: DynamicTopicModel | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def analyse_topics(
    source: Corpus | TopicCorpus,
    *,
    k: int = 10,
    method: str = "nmf",
    by: str = "year",
    dynamic: bool = False,
    seeded: bool = False,
    seed_terms: Mapping[str, Sequence[str]] | None = None,
    unit: str = "passage",
    passage_size: int = 150,
    online: bool = False,
    n_top_terms: int = 10,
    n_boot: int = 200,
    smooth: int = 1,
    random_state: int = 0,
    min_df: int | float = 2,
    max_df: int | float = 0.9,
    **filters: Any,
) -> TopicAnalysis:
    """Fit topics over a corpus store, with prevalence by ``by`` and optional dynamic topics.

    Parameters
    ----------
    source:
        A corpus store (read with :meth:`Corpus.query`, ``filters`` applied)
        or an already prepared :class:`TopicCorpus`.
    k, method, online, n_top_terms, min_df, max_df, random_state:
        See :class:`TopicModel`.
    by:
        Group field for prevalence and, with ``dynamic``, the time windows.
    dynamic:
        Also fit :class:`DynamicTopicModel` with one window per value of ``by``.
    seeded, seed_terms:
        Frame-seeded topics, from ``seed_terms`` or :data:`DEFAULT_FRAME_SEEDS`.
    unit, passage_size:
        Modelled unit (see :func:`prepare_texts`).
    n_boot:
        Bootstrap resamples for prevalence intervals.
    smooth:
        Opt-in moving average of prevalence over this many periods (1: none).

    Example::

        >>> from policytext.store.corpus import Corpus, Document
        >>> store = Corpus.open(":memory:")
        >>> for i in range(6):
        ...     text = f"Schools and teachers {i}. Police and crime."
        ...     _ = store.add(Document(text=text, date=str(2000 + i)))
        >>> analyse_topics(store, k=2, min_df=1, max_df=1.0, n_boot=0).prevalence.shares.shape
        (6, 2)
    """
    if by not in GROUP_FIELDS:
        raise ModelError(f"topics: cannot group by {by!r}; use one of {', '.join(GROUP_FIELDS)}")
    fingerprint: dict[str, str] = {}
    if isinstance(source, TopicCorpus):
        prepared = source
    else:
        requested = {
            "k": k,
            "method": method,
            "by": by,
            "dynamic": dynamic,
            "seeded": seeded,
            "seed_terms": seed_terms,
            "unit": unit,
            "passage_size": passage_size,
            "online": online,
            "n_top_terms": n_top_terms,
            "n_boot": n_boot,
            "smooth": smooth,
            "random_state": random_state,
            "min_df": min_df,
            "max_df": max_df,
            **filters,
        }
        fingerprint = topics_fingerprint(source, **requested)
        prepared = prepare_corpus(source, unit=unit, passage_size=passage_size, **filters)
    if not prepared.passages:
        raise ModelError("topics: the corpus has no documents with text to model; import documents first")
    seeds: dict[str, list[str]] | None = None
    notes: list[str] = [prepared.describe_unit()]
    if seeded or seed_terms:
        seeds = seed_terms_for(prepared, seed_terms if seed_terms is not None else DEFAULT_FRAME_SEEDS)
        seen = {t for p in prepared.passages for t in p.tokens}
        absent = [label for label, terms in seeds.items() if not seen.intersection(terms)]
        if absent:
            notes.append(f"frames with no seed term in the corpus (no seeded topic): {', '.join(absent)}")
            seeds = {label: terms for label, terms in seeds.items() if label not in absent}
        k = max(k, len(seeds))
    model = TopicModel(
        k,
        method=method,
        online=online,
        min_df=min_df,
        max_df=max_df,
        n_top_terms=n_top_terms,
        seed_terms=seeds,
        random_state=random_state,
    ).fit(prepared.passages)
    if seeds:
        dropped = [label for label in seeds if label not in model.seed_labels_]
        if dropped:
            notes.append(
                f"seeded frames without any seed term in the vocabulary (left unseeded): {', '.join(dropped)}"
            )
    prevalence = topic_prevalence(
        prepared,
        model.unit_topics_,
        model.topic_ids_,
        by=by,
        n_boot=n_boot,
        smooth=smooth,
        random_state=random_state,
    )
    missing = int(prepared.documents[by].isna().sum())
    if missing:
        notes.append(f"{missing} documents without a {by} left out of prevalence")
    drift = (
        prevalence_drift(prevalence.shares)
        if by in _PERIOD_FIELDS
        else pd.DataFrame(columns=["from", "to", "jsd"])
    )
    dynamic_model = None
    if dynamic:
        windows: dict[str, list[tuple[str, ...]]] = {}
        values = prepared.documents[by].reset_index(drop=True)
        for group in prevalence.shares.index:
            docs = set(np.flatnonzero(values.eq(group).fillna(False).to_numpy(dtype=bool)).tolist())
            windows[str(group)] = [p.tokens for p in prepared.passages if p.doc in docs]
        dynamic_model = DynamicTopicModel(
            window_k=k, min_df=min_df, max_df=max_df, random_state=random_state, n_top_terms=20
        ).fit(windows)
        if dynamic_model.skipped_windows_:
            notes.append(
                "dynamic topics: windows left out for too little text: "
                + ", ".join(dynamic_model.skipped_windows_)
            )
    settings = {
        "k": k,
        "method": method,
        "online": online,
        "by": by,
        "unit": prepared.unit,
        "passage_size": prepared.passage_size,
        "documents": int(len(prepared.documents)),
        "units": len(prepared.passages),
        "vocabulary": len(model.vocabulary_),
        "phrases": len(prepared.phrases),
        "seeded": bool(seeds),
        "dynamic": dynamic,
        "random_state": random_state,
        "n_boot": n_boot,
        "prevalence": prevalence.weighting,
        "smoothing": prevalence.smoothing,
        "coherence": f"NPMI, sliding windows of {model.coherence_window} tokens over the modelled units",
        **fingerprint,
    }
    return TopicAnalysis(
        settings=settings,
        prepared=prepared,
        model=model,
        topics=tuple(model.topics(n_top_terms)),
        prevalence=prevalence,
        drift=drift,
        dynamic=dynamic_model,
        notes=tuple(notes),
    )


def topics_table(analysis: TopicAnalysis, *, n: int | None = None) -> pd.DataFrame:
    """One row per topic: id, coherence, seeded (no, or yes with seed retention), terms (best first).

    Example::

        topics_table(analyse_topics(corpus, k=8)).to_csv("topics.csv", index=False)
    """
    rows = []
    for topic in analysis.topics:
        terms = topic.terms[:n] if n else topic.terms
        rows.append(
            {
                "id": topic.id,
                "coherence": None if topic.coherence is None else round(topic.coherence, 3),
                "seeded": f"yes, {topic.seed_retention or 0:.0%} of seeds in top terms"
                if topic.seeded
                else "no",
                "terms": ", ".join(t for t, _ in terms),
            }
        )
    return pd.DataFrame(rows, columns=["id", "coherence", "seeded", "terms"])


def format_topics(
    analysis: TopicAnalysis, *, fmt: str, format_table: Callable[..., str] | None = None
) -> str:
    """The topics as text: ``json`` (the topics.json list), ``csv`` or ``md``.

    Markdown adds the settings line, the prevalence table and, with dynamic
    topics, each dynamic topic's terms per window.

    Example::

        print(format_topics(analyse_topics(corpus, k=8), fmt="md"))
    """
    if format_table is None:
        from policytext.report import format_table as report_format_table

        format_table = report_format_table
    if fmt == "json":
        unit = analysis.prepared.describe_unit()
        records = [{**t.to_record(), "unit": unit} for t in analysis.topics]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    table = topics_table(analysis)
    if fmt == "csv":
        table.insert(len(table.columns), "unit", analysis.prepared.describe_unit())
        return str(format_table(table, fmt="csv"))
    if fmt != "md":
        raise ModelError(f"topics: format {fmt!r} is not one of json, md, csv")
    s = analysis.settings
    parts = [
        f"# Topics: {s['method'].upper()}, k={s['k']}, {s['documents']} documents, {s['units']} units",
        "",
        f"{analysis.prepared.describe_unit()}; coherence: {s['coherence']}.",
        *[f"Note: {note}." for note in analysis.notes[1:]],
        "",
        str(format_table(table, fmt="md")),
        f"## Prevalence by {s['by']} (shares; {s['prevalence']}; smoothing: {s['smoothing']})",
        "",
        str(format_table(analysis.prevalence.shares.round(3).reset_index(), fmt="md")),
    ]
    if not analysis.drift.empty:
        parts += ["## Drift (Jensen-Shannon divergence between consecutive periods)", ""]
        parts.append(str(format_table(analysis.drift.round(4), fmt="md")))
    if analysis.dynamic is not None:
        terms = analysis.dynamic.window_terms(6)
        parts += ["## Dynamic topics (terms of each window's own model)", ""]
        rows = [
            {"dynamic_topic": dyn, "window": window, "terms": ", ".join(group["term"])}
            for (dyn, window), group in terms.groupby(["dynamic_topic", "window"], sort=False)
        ]
        parts.append(
            str(format_table(pd.DataFrame(rows, columns=["dynamic_topic", "window", "terms"]), fmt="md"))
        )
    return "\n".join(parts)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_topic_outputs(analysis: TopicAnalysis, out_dir: str | Path, *, charts: bool = True) -> list[Path]:
    """Write topic tables, prevalence tables and charts into ``out_dir``; return the paths.

    Files: ``topics.json`` (list of topics: id, terms as [term, weight] pairs
    best first, coherence), ``prevalence.csv`` (one row per group, one column
    per topic, rows sum to 1), ``prevalence_intervals.csv``, ``drift.csv``,
    ``settings.json`` (the unit, weighting and every setting), charts
    ``prevalence_heatmap`` and ``prevalence_area`` (.png and .svg); with
    dynamic topics also ``dynamic_topics.json``, ``dynamic_terms.csv``,
    ``dynamic_changes.csv``, ``dynamic_events.csv`` and ``dynamic_bump_<id>``
    charts. ``charts=False`` skips the figures.

    Example::

        write_topic_outputs(analyse_topics(corpus, k=8, dynamic=True), "results/topics")
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # settings.json is written last: while it is missing the folder is incomplete,
    # and the report will not reuse it.
    (out / "settings.json").unlink(missing_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        _write_text(out / name, text)
        written.append(out / name)

    unit = analysis.prepared.describe_unit()
    records = [{**t.to_record(), "unit": unit} for t in analysis.topics]
    put("topics.json", json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    # prevalence.csv keeps the contract (group column + one column per topic);
    # the unit is said in every other file.
    put("prevalence.csv", analysis.prevalence.shares.to_csv(float_format="%.6f"))
    intervals = analysis.prevalence.long()
    intervals["unit"] = unit
    put("prevalence_intervals.csv", intervals.to_csv(index=False, float_format="%.6f"))
    put("drift.csv", analysis.drift.to_csv(index=False, float_format="%.6f"))
    dyn = analysis.dynamic
    if dyn is not None:
        records = []
        terms = dyn.window_terms(10)
        for topic in dyn.topics(10):
            mine = terms[terms["dynamic_topic"] == topic.id]
            records.append(
                {
                    **topic.to_record(),
                    "windows": {
                        str(w): [[t, round(float(x), 6)] for t, x in zip(g["term"], g["weight"], strict=True)]
                        for w, g in mine.groupby("window", sort=False)
                    },
                }
            )
        put("dynamic_topics.json", json.dumps(records, indent=2, ensure_ascii=False) + "\n")
        put("dynamic_terms.csv", terms.to_csv(index=False, float_format="%.6f"))
        put("dynamic_changes.csv", dyn.term_changes(10).to_csv(index=False))
        put("dynamic_events.csv", dyn.events().to_csv(index=False))
    if charts:
        from policytext.topics.charts import bump_chart, prevalence_area, prevalence_heatmap

        settings = analysis.settings
        label = f"{settings['method'].upper()}, k={settings['k']}; {analysis.prepared.describe_unit()}"
        if settings["smoothing"] != "none":
            label += f"; smoothed: {settings['smoothing']}"
        # A seeded topic that kept none of its seed terms still carries the
        # frame id; the charts flag it so the label is not read at face value.
        # Each topic is named with its three top terms, so a chart reads on its own.
        flagged = {t.id for t in analysis.topics if t.seeded and not t.seed_retention}
        labels = {
            t.id: f"{t.id}{' (!)' if t.id in flagged else ''}: " + ", ".join(term for term, _ in t.terms[:3])
            for t in analysis.topics
        }
        if flagged:
            label += "\n(!) seeded topic that kept none of its seed terms among its top terms"
        written += prevalence_heatmap(
            analysis.prevalence, out / "prevalence_heatmap", subtitle=label, labels=labels
        )
        written += prevalence_area(
            analysis.prevalence, out / "prevalence_area", subtitle=label, labels=labels
        )
        if dyn is not None:
            terms = dyn.window_terms(10)
            for topic_id in dyn.dynamic_ids_:
                mine = terms[terms["dynamic_topic"] == topic_id]
                if mine["window"].nunique() >= 2:
                    written += bump_chart(
                        mine, dyn.windows_, out / f"dynamic_bump_{topic_id}", title=topic_id
                    )
    settings = {
        **analysis.settings,
        "unit_description": unit,
        "notes": list(analysis.notes),
        "files": sorted(p.name for p in written),
    }
    put("settings.json", json.dumps(settings, indent=2) + "\n")
    return written


def report_section(
    corpus: Corpus,
    out_dir: str | Path,
    *,
    source_dir: str | Path | None = None,
    **options: Any,
) -> ReportSection | None:
    """The topics section of the HTML report: tables in HTML, charts written into ``out_dir``.

    The model is fitted once per corpus and settings: when ``source_dir``
    (default :func:`default_topics_dir`, where ``policytext run``'s topics stage
    writes) holds outputs whose ``settings.json`` fingerprint
    (:func:`topics_fingerprint`) matches this corpus and ``options``, they are
    copied into ``out_dir``; otherwise the model is fitted and written there.
    Returns None when the corpus has too little text to model (said in the log).
    ``options`` go to :func:`analyse_topics` (its defaults: k=10, NMF, by year).
    Image links are relative to the folder above ``out_dir``, where the
    report's HTML page is expected (``report/index.html`` with ``report/topics/``).

    Example::

        section = report_section(corpus, "report/topics")
        html = f"<h2>{section.title}</h2>{section.html}" if section else ""
    """
    out = Path(out_dir)
    source = Path(source_dir) if source_dir is not None else default_topics_dir(corpus)
    stored = _stored_outputs(source, topics_fingerprint(corpus, **options)["fingerprint"])
    if stored is not None:
        logger.info("report: topics section from %s (same corpus and settings)", source)
        out.mkdir(parents=True, exist_ok=True)
        if source.resolve() != out.resolve():
            import shutil

            for name in [*stored["files"], "settings.json"]:
                shutil.copyfile(source / name, out / name)
    else:
        try:
            analysis = analyse_topics(corpus, **options)
        except ModelError as exc:
            logger.info("report: no topics section: %s", exc)
            return None
        write_topic_outputs(analysis, out)
    settings = json.loads((out / "settings.json").read_text(encoding="utf-8"))
    records = json.loads((out / "topics.json").read_text(encoding="utf-8"))
    return _section_from_outputs(out.name, settings, records)


def _stored_outputs(folder: Path, fingerprint: str) -> dict[str, Any] | None:
    """The settings of complete topic outputs in ``folder`` made with ``fingerprint``, or None."""
    try:
        settings = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(settings, dict) or settings.get("fingerprint") != fingerprint:
        return None
    files = settings.get("files")
    if not isinstance(files, list) or not all(
        isinstance(name, str) and "/" not in name and (folder / name).is_file() for name in files
    ):
        return None
    # The section shows these; outputs written with charts=False cannot be reused.
    if not set(files) >= _SECTION_FILES:
        return None
    return settings


_SECTION_FILES = frozenset({"topics.json", "prevalence_heatmap.svg", "prevalence_area.svg"})


def _coherence_text(value: Any) -> str:
    return "" if value is None else f"{float(value):.3f}"


def _section_from_outputs(
    folder: str, settings: Mapping[str, Any], records: Sequence[Mapping[str, Any]]
) -> ReportSection:
    rows = "".join(
        f"<tr><td>{html.escape(str(t['id']))}</td><td>{_coherence_text(t.get('coherence'))}</td>"
        f"<td>{html.escape(', '.join(str(term) for term, _ in t['terms']))}</td></tr>"
        for t in records
    )
    charts = "".join(
        f'<figure><img src="{html.escape(folder)}/{name}.svg" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(alt)}</figcaption></figure>"
        for name, alt in (
            ("prevalence_heatmap", f"Topic prevalence by {settings['by']} (heatmap)"),
            ("prevalence_area", f"Topic prevalence by {settings['by']} (stacked shares)"),
        )
    )
    body = (
        f"<p>{html.escape(str(settings['method']).upper())} topic model, k={settings['k']}, "
        f"{settings['documents']} documents; {html.escape(str(settings['unit_description']))}. "
        f"Coherence is {html.escape(str(settings['coherence']))}. Prevalence is a share: "
        f"{html.escape(str(settings['prevalence']))}.</p>"
        "<table><thead><tr><th>topic</th><th>NPMI</th><th>top terms</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"{charts}"
    )
    return ReportSection(title="Topics over time", html=body)


def run_topics_stage(corpus: Corpus, out_dir: str | Path | None = None, **options: Any) -> str:
    """The topics stage of ``policytext run``: default model, outputs in ``out_dir``; a one-line message.

    ``out_dir`` defaults to :func:`default_topics_dir`. Its ``settings.json``
    carries the fingerprint that lets the report reuse the fit. Too little
    text is not an error here: the stage says it was skipped and why.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> run_topics_stage(Corpus.open(":memory:"), "unused")
        'topics: skipped (topics: the corpus has no documents with text to model; import documents first)'
    """
    try:
        analysis = analyse_topics(corpus, **options)
    except ModelError as exc:
        return f"topics: skipped ({exc})"
    if out_dir is None:
        out_dir = default_topics_dir(corpus)
    written = write_topic_outputs(analysis, out_dir)
    s = analysis.settings
    return (
        f"topics: {s['method'].upper()} k={s['k']} on {s['units']} {s['unit']}s "
        f"of {s['documents']} documents; "
        f"{len(written)} files in {out_dir}"
    )
