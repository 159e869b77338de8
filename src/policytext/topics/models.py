"""The topic model estimator: NMF on TF-IDF or LDA on counts, scikit-learn style."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator

from policytext.errors import ModelError, NotFittedError
from policytext.topics._validation import is_df, is_int
from policytext.topics.matrix import count_matrix, document_frequency, pruned_terms
from policytext.topics.measures import npmi_coherence
from policytext.topics.prepare import Passage, lookup_lemma
from policytext.topics.vocabulary import singular

logger = logging.getLogger(__name__)


def _tokens(unit: Passage | Sequence[str]) -> Sequence[str]:
    return unit.tokens if isinstance(unit, Passage) else unit


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


_PARAMETERS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "n_topics": ("an integer >= 1", lambda v: is_int(v) and v >= 1),
    "method": ("'nmf' or 'lda'", lambda v: v in ("nmf", "lda")),
    "online": ("True or False", lambda v: isinstance(v, bool)),
    "min_df": ("an integer >= 1 or a float in (0, 1]", is_df),
    "max_df": ("an integer >= 1 or a float in (0, 1]", is_df),
    "max_iter": ("None or an integer >= 1", lambda v: v is None or (is_int(v) and v >= 1)),
    "n_top_terms": ("an integer >= 2", lambda v: is_int(v) and v >= 2),
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
    "coherence_window": ("an integer >= 2", lambda v: is_int(v) and v >= 2),
    "relevance": (
        "None or a number in [0, 1]",
        lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1),
    ),
    "random_state": (
        "None or an integer from 0 to 2**32 - 1",
        lambda v: v is None or (is_int(v) and 0 <= v < 2**32),
    ),
}


def feasible_k(units: int, terms: int, *, method: str = "nmf") -> int:
    """The most topics a model can have: never more than the terms, and for NMF (whose
    NNDSVD start factors the unit-term matrix) never more than the units with text.

    Example::

        >>> feasible_k(5, 300), feasible_k(400, 3), feasible_k(5, 300, method="lda")
        (5, 3, 300)
    """
    return max(0, min(units, terms) if method == "nmf" else terms)


def pruned_vocabulary_size(
    units: Sequence[Passage | Sequence[str]], *, min_df: int | float, max_df: int | float
) -> int:
    """How many terms survive the document-frequency bounds (as scikit-learn's vectorizers apply them).

    An integer bound counts units, a float is a share of them; 0 when the bounds
    contradict each other (the maximum below the minimum).

    Example::

        >>> pruned_vocabulary_size([["a", "b"], ["a", "c"], ["a"]], min_df=2, max_df=1.0)
        1
    """
    texts = [_tokens(unit) for unit in units]
    return len(pruned_terms(document_frequency(texts), len(texts), min_df=min_df, max_df=max_df))


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
    relevance:
        Top terms are ranked by Sievert & Shirley's (2014) relevance,
        ``relevance * log p(w|t) + (1 - relevance) * log(p(w|t) / p(w))``, which
        moves terms frequent everywhere down the list; 1 ranks by p(w|t) alone.
        None: 0.6 for LDA (their value) and 0.8 for NMF (TF-IDF already discounts
        frequent terms). A topic's reported term weights are the relevance scores
        made positive and summing to 1 over the vocabulary (``exp`` of the score,
        normalised), so they fall as the list goes on; ``components_`` stays p(w|t).
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
        relevance: float | None = None,
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
        self.relevance = relevance
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
        self._validate()
        texts = [_tokens(u) for u in units]
        counts = self._count(texts)
        totals = np.asarray(counts.sum(axis=0)).ravel()
        self.term_share_ = totals / max(float(totals.sum()), 1e-300)
        self.column_weights_: np.ndarray | None = None
        empty = np.diff(counts.indptr) == 0
        matrix = self._weigh(counts, fit=True)
        del counts  # NMF fits the TF-IDF matrix; LDA's matrix is the counts themselves
        estimator, unit_topics, components = self._fit_estimator(matrix)
        del matrix
        if self.column_weights_ is not None:
            # Report term weights on the unscaled TF-IDF scale.
            components = components / self.column_weights_[None, :]
        self.estimator_ = estimator
        self._order_topics(components, unit_topics, empty)
        seeded = list(self.seed_labels_)
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

    def _count(self, texts: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """The vocabulary (``vocabulary_``) and the unit-term counts; a :class:`ModelError` when
        there are fewer than 2 units with text, no term within the bounds, or k too large."""
        name = type(self).__name__
        usable = sum(1 for t in texts if t)
        if usable < 2:
            raise ModelError(f"{name}: need at least 2 units with text to fit; got {usable}")
        frequency = document_frequency(texts)
        terms = pruned_terms(frequency, len(texts), min_df=self.min_df, max_df=self.max_df)
        # Cells in each row in first-seen order, as CountVectorizer leaves them (see count_matrix).
        first_seen = {t: r for r, t in enumerate(frequency)}
        del frequency
        if not terms:
            raise ModelError(
                f"{name}: no vocabulary left after pruning (min_df={self.min_df!r}, "
                f"max_df={self.max_df!r}, {len(texts)} units): no term is within both bounds"
            )
        self.vocabulary_ = np.asarray(terms, dtype=object)
        # Counts as float32 with int32 indices (scikit-learn's NMF and LDA keep float32).
        counts = count_matrix(texts, {t: i for i, t in enumerate(terms)}, rank=[first_seen[t] for t in terms])
        self.vectorizer_ = _vectorizer(terms)
        most = feasible_k(usable, len(self.vocabulary_), method=self.method)
        if self.n_topics > most:
            raise ModelError(
                f"{name}: n_topics={self.n_topics} is more than the data allows ({usable} units with "
                f"text, {len(self.vocabulary_)} terms after pruning); use n_topics <= {most}"
            )
        return counts

    def _order_topics(self, components: np.ndarray, unit_topics: np.ndarray, empty: np.ndarray) -> None:
        """Topic order and ids: seeded topics in frame order, then the rest by prevalence, ties
        by top term; sets ``order_``, ``components_``, ``unit_topics_`` and ``topic_ids_``."""
        k = self.n_topics
        seeded = list(self.seed_labels_)
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
        self.unit_topics_ = _normalise_rows(unit_topics[:, order], empty)
        self.topic_ids_ = seeded + [f"topic_{n:02d}" for n in range(1, k - len(seeded) + 1)]

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
        return _normalise_rows(raw[:, self.order_], np.diff(sparse.csr_matrix(counts).indptr) == 0)

    def fit_transform(self, units: Sequence[Passage | Sequence[str]], y: None = None) -> np.ndarray:
        """:meth:`fit`, then the training units' topic shares."""
        return np.asarray(self.fit(units).unit_topics_)

    def _relevance(self) -> float:
        if self.relevance is not None:
            return float(self.relevance)
        return 0.6 if self.method == "lda" else 0.8

    def _ranking(self) -> np.ndarray:
        """Per topic, the relevance score of every term (see ``relevance``); log scale."""
        weight = self._relevance()
        phi = np.log(np.maximum(np.asarray(self.components_, dtype=float), 1e-300))
        if weight >= 1:
            return np.asarray(phi)
        lift = phi - np.log(np.maximum(self.term_share_, 1e-300))[None, :]
        return np.asarray(weight * phi + (1 - weight) * lift)

    def _term_weights(self) -> np.ndarray:
        """The ranking as positive weights summing to 1 per topic (p(w|t) when relevance is 1)."""
        scores = self._ranking()
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return np.asarray(scores / scores.sum(axis=1, keepdims=True))

    def _top_indices(self, n: int) -> list[list[int]]:
        """Per topic, its ``n`` best term indices, skipping a term that repeats an earlier
        one's word forms ("spending" after "spend", "tories" after "tory": same lookup lemma,
        or singular, word by word)."""
        out = []
        for row in self._ranking():
            chosen: list[int] = []
            seen: set[tuple[str, ...]] = set()
            for j in np.argsort(-row, kind="stable"):
                key = tuple(singular(lookup_lemma(w)) for w in str(self.vocabulary_[j]).split())
                if key in seen:
                    continue
                seen.add(key)
                chosen.append(int(j))
                if len(chosen) == n:
                    break
            out.append(chosen)
        return out

    def _top_term_lists(self, n: int) -> list[list[str]]:
        return [[str(self.vocabulary_[j]) for j in best] for best in self._top_indices(n)]

    def topics(self, n: int | None = None) -> list[Topic]:
        """The topics with their ``n`` best terms (default ``n_top_terms``), in id order."""
        self._check_fitted()
        n = n or self.n_top_terms
        out = []
        for i, (row, best) in enumerate(zip(self._term_weights(), self._top_indices(n), strict=True)):
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


def _vectorizer(terms: Sequence[str]) -> Any:
    """A fitted-vocabulary ``CountVectorizer`` for :meth:`TopicModel.transform` (same matrix
    as :func:`~policytext.topics.matrix.count_matrix`)."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        analyzer=_identity, vocabulary={t: i for i, t in enumerate(terms)}, dtype=np.float32
    )


def _normalise_rows(values: np.ndarray, empty: np.ndarray) -> np.ndarray:
    """Rows scaled to sum to 1; rows of units without any known term (``empty``) all zero."""
    values = np.asarray(values, dtype=float)
    sums = values.sum(axis=1, keepdims=True)
    out: np.ndarray = np.divide(values, sums, out=np.zeros_like(values), where=sums > 0)
    out[empty] = 0.0
    return out
