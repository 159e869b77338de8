"""The whole topic job over a corpus store, as the ``policytext topics`` command runs it.

:func:`analyse_topics` prepares the documents a filter selects, fits one model, measures
prevalence by a period or group and, on request, dynamic topics and covariate effects. It
never fails for want of text where a smaller model would do: k larger than the data is
reduced (and the reduction noted), document-frequency bounds that would leave no vocabulary
on a small corpus are relaxed (noted), and a dynamic-topics window with too little text is
left out and named. What cannot be fitted at all is a one-line :class:`ModelError`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import pandas as pd

from policytext import __version__
from policytext.errors import ModelError
from policytext.store.filters import (
    FILTER_FIELDS,
    GROUP_FIELDS,
    DocumentFilter,
    FilterOptions,
    resolve_filter,
)
from policytext.tables import corpus_hash
from policytext.topics._memory import release_memory
from policytext.topics.dynamic import DynamicTopicModel
from policytext.topics.effects import TopicEffects, estimate_effects
from policytext.topics.measures import prevalence_drift
from policytext.topics.models import Topic, TopicModel, feasible_k, pruned_vocabulary_size
from policytext.topics.prepare import TopicCorpus, prepare_corpus
from policytext.topics.prevalence import PERIOD_FIELDS, Prevalence, topic_prevalence
from policytext.topics.seeds import DEFAULT_FRAME_SEEDS, seed_terms_for
from policytext.topics.selection import no_passages_message

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

logger = logging.getLogger(__name__)


def default_topics_dir(corpus: Corpus) -> Path:
    """Where ``policytext run`` writes the topic outputs: ``topics/`` beside the database.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> default_topics_dir(Corpus.open(":memory:"))
        PosixPath('topics')
    """
    return Path(corpus.path).parent / "topics"


def _analysis_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """Every option of :func:`analyse_topics` (defaults filled in) and the filter as ``filters``."""
    import inspect

    parameters = {
        name: param.default
        for name, param in inspect.signature(analyse_topics).parameters.items()
        if param.kind is inspect.Parameter.KEYWORD_ONLY and name != "documents"
    }
    unknown = set(options) - set(parameters) - set(FILTER_FIELDS) - {"documents"}
    if unknown:
        raise ModelError(f"topics: unknown option {sorted(unknown)[0]!r}")
    chosen = {name: options.get(name, default) for name, default in parameters.items()}
    filters = {k: v for k, v in options.items() if k in FILTER_FIELDS}
    chosen["filters"] = resolve_filter(options.get("documents"), filters).as_kwargs()
    return chosen


def topics_fingerprint(corpus: Corpus, **options: Any) -> dict[str, str]:
    """What a topic analysis of ``corpus`` with ``options`` depends on, as a hash.

    The fingerprint covers the corpus content hash, the policytext version and
    every option of :func:`analyse_topics` (defaults filled in, the document filter
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
    """Everything :func:`analyse_topics` found, ready to write or report.

    ``notes`` are one-line remarks every output repeats (the unit first, then any k
    reduction, relaxed bounds, windows left out, documents without a group value).
    """

    settings: dict[str, Any]
    prepared: TopicCorpus
    model: TopicModel
    topics: tuple[Topic, ...]
    prevalence: Prevalence
    drift: pd.DataFrame
    dynamic: DynamicTopicModel | None = None
    effects: TopicEffects | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def analyse_topics(
    source: Corpus | TopicCorpus,
    /,
    *,
    k: int = 10,
    method: str = "nmf",
    by: str = "year",
    dynamic: bool = False,
    effects: str | None = None,
    seeded: bool = False,
    seed_terms: Mapping[str, Sequence[str]] | None = None,
    unit: str = "passage",
    passage_size: int = 150,
    stop_share: float | None = 0.5,
    online: bool = False,
    n_top_terms: int = 10,
    bootstrap: int = 200,
    smooth: int = 1,
    random_state: int = 0,
    min_df: int | float = 2,
    max_df: int | float = 0.9,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> TopicAnalysis:
    """Fit topics over a corpus store, with prevalence by ``by`` and optional dynamic topics.

    Parameters
    ----------
    source:
        A corpus store (its documents selected by ``documents`` and ``filters``)
        or an already prepared :class:`TopicCorpus`.
    k, method, online, n_top_terms, min_df, max_df, random_state:
        See :class:`TopicModel`. A k larger than the data allows (more topics than
        units or terms) is reduced to what it allows, and a note says so.
    by:
        Group field for prevalence and, with ``dynamic``, the time windows
        (one of :data:`policytext.store.filters.GROUP_FIELDS`).
    dynamic:
        Also fit :class:`DynamicTopicModel` with one window per value of ``by``; windows
        with too little text are left out and named in ``notes``.
    effects:
        A model of topic prevalence on document covariates, ``"party + s(year)"`` or
        ``"party,year"`` (see :func:`~policytext.topics.effects.estimate_effects`).
    seeded, seed_terms:
        Frame-seeded topics, from ``seed_terms`` or :data:`DEFAULT_FRAME_SEEDS`.
    unit, passage_size:
        Modelled unit (see :func:`prepare_texts`).
    stop_share:
        Terms in at least this share of the documents (in a corpus of 20 or more) are
        corpus stop terms, left out (see :func:`prepare_texts`); None keeps them. A note
        says how many were left out; ``settings.json`` lists them.
    bootstrap:
        Bootstrap resamples for prevalence and effect intervals.
    smooth:
        Opt-in moving average of prevalence over this many periods (1: none).
    documents, filters:
        Which documents of the store to model (:class:`DocumentFilter` fields).

    Example::

        >>> from policytext.store.corpus import Corpus, Document
        >>> store = Corpus.open(":memory:")
        >>> for i in range(6):
        ...     text = f"Schools and teachers {i}. Police and crime."
        ...     _ = store.add(Document(text=text, date=str(2000 + i)))
        >>> analyse_topics(store, k=2, min_df=1, max_df=1.0, bootstrap=0).prevalence.shares.shape
        (6, 2)
    """
    if by not in GROUP_FIELDS:
        raise ModelError(f"topics: cannot group by {by!r}; use one of {', '.join(GROUP_FIELDS)}")
    options = {name: value for name, value in locals().items() if name in _OPTION_NAMES}
    prepared, fingerprint = _prepared(source, options, documents, filters)
    if not prepared.passages:
        raise ModelError(no_passages_message(resolve_filter(documents, filters)))
    notes: list[str] = [prepared.describe_unit()]
    if prepared.stop_terms:
        known = not isinstance(source, TopicCorpus) and stop_share is not None
        share = f" (terms in at least {stop_share:.0%} of the documents)" if known else ""
        notes.append(
            f"{len(prepared.stop_terms)} corpus stop terms{share} left out of the topics; "
            "settings.json lists them (stop_share, --stop-share: another share, or none)"
        )
    seeds = _seeds(prepared, seeded, seed_terms, notes)
    model = _fit_model(
        prepared,
        notes,
        k=max(k, len(seeds or ())),
        method=method,
        online=online,
        min_df=min_df,
        max_df=max_df,
        n_top_terms=n_top_terms,
        seed_terms=seeds,
        random_state=random_state,
    )
    release_memory()  # the fit's matrices are freed: hand their pages back before prevalence
    dropped = [label for label in seeds or () if label not in model.seed_labels_]
    if dropped:
        notes.append(
            f"seeded frames without any seed term in the vocabulary (left unseeded): {', '.join(dropped)}"
        )
    prevalence, drift = _prevalence(
        prepared, model, notes, by=by, bootstrap=bootstrap, smooth=smooth, random_state=random_state
    )
    dynamic_model = (
        _fit_dynamic(
            prepared,
            prevalence,
            notes,
            k=model.n_topics,
            min_df=min_df,
            max_df=max_df,
            random_state=random_state,
        )
        if dynamic
        else None
    )
    topic_effects = (
        estimate_effects(
            prepared,
            model.unit_topics_,
            model.topic_ids_,
            effects,
            bootstrap=bootstrap,
            random_state=random_state,
        )
        if effects
        else None
    )
    settings = {
        **_settings(prepared, model, prevalence, k_requested=k, by=by, seeded=bool(seeds)),
        "stop_share": stop_share if not isinstance(source, TopicCorpus) else None,
        "dynamic": dynamic_model is not None,
        "effects": effects,
        "random_state": random_state,
        "bootstrap": bootstrap,
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
        effects=topic_effects,
        notes=tuple(notes),
    )


def _prepared(
    source: Corpus | TopicCorpus,
    options: dict[str, Any],
    documents: DocumentFilter | None,
    filters: Mapping[str, Any],
) -> tuple[TopicCorpus, dict[str, str]]:
    """The prepared corpus and, for a store, the fingerprint of the analysis (see
    :func:`topics_fingerprint`); a prepared corpus is used as it is, without one."""
    if isinstance(source, TopicCorpus):
        return source, {}
    fingerprint = topics_fingerprint(source, **options, documents=documents, **filters)
    flt = resolve_filter(documents, dict(filters))
    prepared = prepare_corpus(
        source,
        documents=flt,
        unit=options["unit"],
        passage_size=options["passage_size"],
        stop_share=options["stop_share"],
    )
    return prepared, fingerprint


def _settings(
    prepared: TopicCorpus,
    model: TopicModel,
    prevalence: Prevalence,
    *,
    k_requested: int,
    by: str,
    seeded: bool,
) -> dict[str, Any]:
    """What was fitted, for ``settings.json``: k as fitted and as asked, unit, vocabulary, bounds."""
    return {
        "k": model.n_topics,
        "k_requested": k_requested,
        "method": model.method,
        "online": model.online,
        "by": by,
        "unit": prepared.unit,
        "passage_size": prepared.passage_size,
        "documents": int(len(prepared.documents)),
        "units": len(prepared.passages),
        "vocabulary": len(model.vocabulary_),
        "phrases": len(prepared.phrases),
        "stop_terms": list(prepared.stop_terms),
        "min_df": model.min_df,
        "max_df": model.max_df,
        "seeded": seeded,
        "prevalence": prevalence.weighting,
        "smoothing": prevalence.smoothing,
        "coherence": f"NPMI, sliding windows of {model.coherence_window} tokens over the modelled units",
    }


_OPTION_NAMES = frozenset(
    {
        "k",
        "method",
        "by",
        "dynamic",
        "effects",
        "seeded",
        "seed_terms",
        "unit",
        "passage_size",
        "stop_share",
        "online",
        "n_top_terms",
        "bootstrap",
        "smooth",
        "random_state",
        "min_df",
        "max_df",
    }
)


def _prevalence(
    prepared: TopicCorpus,
    model: TopicModel,
    notes: list[str],
    *,
    by: str,
    bootstrap: int,
    smooth: int,
    random_state: int,
) -> tuple[Prevalence, pd.DataFrame]:
    """Prevalence by ``by`` and, for periods, the drift between consecutive ones."""
    prevalence = topic_prevalence(
        prepared,
        model.unit_topics_,
        model.topic_ids_,
        by=by,
        bootstrap=bootstrap,
        smooth=smooth,
        random_state=random_state,
    )
    missing = int(prepared.documents[by].isna().sum())
    if missing:
        notes.append(f"{missing} documents without a {by} left out of prevalence")
    if by not in PERIOD_FIELDS:
        return prevalence, pd.DataFrame(columns=["from", "to", "jsd"])
    return prevalence, prevalence_drift(prevalence.shares)


def _seeds(
    prepared: TopicCorpus,
    seeded: bool,
    seed_terms: Mapping[str, Sequence[str]] | None,
    notes: list[str],
) -> dict[str, list[str]] | None:
    """The frame seeds put through the corpus's preprocessing, frames absent from the corpus noted."""
    if not (seeded or seed_terms):
        return None
    seeds = seed_terms_for(prepared, seed_terms if seed_terms is not None else DEFAULT_FRAME_SEEDS)
    seen = {t for p in prepared.passages for t in p.tokens}
    absent = [label for label, terms in seeds.items() if not seen.intersection(terms)]
    if absent:
        notes.append(f"frames with no seed term in the corpus (no seeded topic): {', '.join(absent)}")
    return {label: terms for label, terms in seeds.items() if label not in absent}


def _fit_model(prepared: TopicCorpus, notes: list[str], *, k: int, **params: Any) -> TopicModel:
    """Fit one :class:`TopicModel`, reducing k and relaxing df bounds where the data requires.

    On a small corpus ``min_df``/``max_df`` may leave no vocabulary (or too few terms);
    the bounds are then relaxed to 1 and 1.0, and a note says so. A k larger than the
    units or terms is reduced to the largest feasible k (noted); fewer than 2 units with
    text is a :class:`ModelError`.
    """
    units = prepared.passages
    model = TopicModel(k, **params)
    usable = sum(1 for p in units if p.tokens)
    if usable < 2:
        raise ModelError(
            f"topics: need at least 2 {prepared.unit}s with text to fit a model; the corpus has {usable}"
        )
    vocabulary = pruned_vocabulary_size(units, min_df=params["min_df"], max_df=params["max_df"])
    if vocabulary < 2 and (params["min_df"], params["max_df"]) != (1, 1.0):
        model.set_params(min_df=1, max_df=1.0)
        vocabulary = pruned_vocabulary_size(units, min_df=1, max_df=1.0)
        notes.append(
            f"too little text for min_df={params['min_df']!r}, max_df={params['max_df']!r}: "
            "document-frequency bounds relaxed to 1 and 1.0"
        )
    best = feasible_k(usable, vocabulary, method=params["method"])
    if best < 1:
        raise ModelError(
            f"topics: {vocabulary} distinct terms in {usable} {prepared.unit}s: too little to model"
        )
    if k > best:
        notes.append(
            f"k reduced from {k} to {best}: the data has {usable} {prepared.unit}s with text "
            f"and {vocabulary} terms, and this model cannot have more topics than that"
        )
        model.set_params(n_topics=best)
    return model.fit(units)


def _fit_dynamic(
    prepared: TopicCorpus,
    prevalence: Prevalence,
    notes: list[str],
    *,
    k: int,
    min_df: int | float,
    max_df: int | float,
    random_state: int,
) -> DynamicTopicModel | None:
    """Dynamic topics with one window per prevalence group; None (noted) when fewer than 2 windows fit."""
    values = prepared.documents[prevalence.by].reset_index(drop=True)
    doc_of = np.array([p.doc for p in prepared.passages], dtype=np.int64)
    windows: dict[str, list[tuple[str, ...]]] = {}
    for group in prevalence.shares.index:
        docs = np.flatnonzero(values.eq(group).fillna(False).to_numpy(dtype=bool))
        chosen = np.flatnonzero(np.isin(doc_of, docs))
        windows[str(group)] = [prepared.passages[i].tokens for i in chosen]
    model = DynamicTopicModel(
        window_k=k, min_df=min_df, max_df=max_df, random_state=random_state, n_top_terms=20
    )
    try:
        model.fit(windows)
    except ModelError as exc:
        notes.append(f"dynamic topics not fitted: {exc}")
        return None
    if model.skipped_windows_:
        notes.append(
            "dynamic topics: windows left out for too little text: "
            + "; ".join(f"{w} ({why})" for w, why in model.skipped_windows_.items())
        )
    return model
