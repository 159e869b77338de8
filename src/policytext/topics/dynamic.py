"""Dynamic topics by two-layer NMF (Greene & Cross 2017)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator

from policytext.errors import ModelError, NotFittedError
from policytext.topics._validation import is_int
from policytext.topics.models import Topic, TopicModel
from policytext.topics.prepare import Passage

logger = logging.getLogger(__name__)


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
        self._validate(windows)
        self._fit_windows(windows)
        stacked, terms = self._stacked_window_topics()
        self._fit_dynamic(stacked, terms)
        return self

    def _validate(self, windows: Mapping[str, Sequence[Passage | Sequence[str]]]) -> None:
        name = type(self).__name__
        if not isinstance(self.window_k, Mapping) and not (is_int(self.window_k) and self.window_k >= 1):
            raise ModelError(
                f"{name}: parameter window_k must be an integer >= 1 or a mapping; got {self.window_k!r}"
            )
        if self.dynamic_k is not None and not (is_int(self.dynamic_k) and self.dynamic_k >= 1):
            raise ModelError(
                f"{name}: parameter dynamic_k must be None or an integer >= 1; got {self.dynamic_k!r}"
            )
        if not 0 < self.link_threshold <= 1:
            raise ModelError(
                f"{name}: parameter link_threshold must be in (0, 1]; got {self.link_threshold!r}"
            )
        if len(windows) < 2:
            raise ModelError(f"{name}: need at least 2 windows; got {len(windows)}")

    def _fit_windows(self, windows: Mapping[str, Sequence[Passage | Sequence[str]]]) -> None:
        """Layer one: a :class:`TopicModel` per window; windows too small to fit are left out."""
        self.windows_: list[str] = []
        self.window_models_: dict[str, TopicModel] = {}
        self.skipped_windows_: dict[str, str] = {}
        for window, units in windows.items():
            model = TopicModel(
                self._k_for(window),
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
                f"{type(self).__name__}: fewer than 2 windows could be fitted "
                f"({', '.join(self.skipped_windows_)} left out)"
            )

    def _stacked_window_topics(self) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Layer two's data: window topics x union of their top terms, rows L2-normalised."""
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
        terms = np.empty(len(term_index), dtype=object)
        for term, j in term_index.items():
            terms[j] = term
        return sparse.csr_matrix(sparse.diags(1 / np.maximum(norms, 1e-300)) @ stacked), terms

    def _fit_dynamic(self, stacked: sparse.csr_matrix, terms: np.ndarray) -> None:
        """Layer two: NMF of the stacked window topics into dynamic topics, ordered by size."""
        from sklearn.decomposition import NMF

        dynamic_k = self.dynamic_k or max(self._k_for(w) for w in self.windows_)
        dynamic_k = min(dynamic_k, len(self.window_topics_), len(terms))
        nmf = NMF(n_components=dynamic_k, init="nndsvda", max_iter=1000, random_state=self.random_state)
        with np.errstate(invalid="ignore"):  # see TopicModel._fit_estimator
            loadings = nmf.fit_transform(stacked)
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
