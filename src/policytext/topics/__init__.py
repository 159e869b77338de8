"""Topic models and topics over time.

Stages, each usable alone (one module each):

- :mod:`~policytext.topics.prepare`: :func:`prepare_corpus` / :func:`prepare_texts`
  (lemmas, stop words and corpus stop terms, joined phrases, passages).
- :mod:`~policytext.topics.models`: :class:`TopicModel`, NMF on TF-IDF or LDA on
  counts (scikit-learn underneath; MiniBatchNMF / online LDA with ``online=True``),
  optionally with frame-seeded topics (:mod:`~policytext.topics.seeds`).
- :mod:`~policytext.topics.measures`: NPMI coherence, topic agreement, Jensen-Shannon.
- :mod:`~policytext.topics.selection`: :func:`evaluate_k`, coherence and stability across k.
- :mod:`~policytext.topics.prevalence`: :func:`topic_prevalence`, topic shares per period
  or group with bootstrap intervals; :func:`prevalence_drift`.
- :mod:`~policytext.topics.dynamic`: :class:`DynamicTopicModel`, Greene & Cross (2017)
  two-layer NMF linking per-window topics.
- :mod:`~policytext.topics.effects`: :func:`estimate_effects`, topic prevalence regressed
  on document covariates with bootstrap intervals.
- :mod:`~policytext.topics.analysis` and :mod:`~policytext.topics.outputs`:
  :func:`analyse_topics`, :func:`write_topic_outputs`, :func:`topics_section`: the whole
  job over a corpus store, as the ``policytext topics`` command runs it.

Example::

    >>> docs = [["power", "people", "community"], ["tax", "budget", "spend"]] * 10
    >>> model = TopicModel(2, random_state=0).fit(docs)
    >>> sorted(t.terms[0][0] for t in model.topics(3))
    ['budget', 'community']
"""

from __future__ import annotations

from policytext.topics.analysis import (
    TopicAnalysis,
    analyse_topics,
    default_topics_dir,
    topics_fingerprint,
)
from policytext.topics.dynamic import DynamicTopicModel
from policytext.topics.effects import TopicEffects, estimate_effects
from policytext.topics.measures import jensen_shannon, npmi_coherence, prevalence_drift, topic_agreement
from policytext.topics.models import Topic, TopicModel
from policytext.topics.outputs import (
    TopicsSection,
    format_topics,
    run_topics_stage,
    topics_section,
    topics_table,
    write_topic_outputs,
)
from policytext.topics.prepare import (
    DOMAIN_STOP_WORDS,
    KEPT_WORDS,
    LEMMA_OVERRIDES,
    Passage,
    TopicCorpus,
    prepare_corpus,
    prepare_texts,
)
from policytext.topics.prevalence import Prevalence, document_topics, topic_prevalence
from policytext.topics.seeds import DEFAULT_FRAME_SEEDS, seed_terms_for
from policytext.topics.selection import choose_k_table, evaluate_k, parse_ks

__all__ = [
    "DEFAULT_FRAME_SEEDS",
    "DOMAIN_STOP_WORDS",
    "KEPT_WORDS",
    "LEMMA_OVERRIDES",
    "DynamicTopicModel",
    "Passage",
    "Prevalence",
    "Topic",
    "TopicAnalysis",
    "TopicCorpus",
    "TopicEffects",
    "TopicModel",
    "TopicsSection",
    "analyse_topics",
    "choose_k_table",
    "default_topics_dir",
    "document_topics",
    "estimate_effects",
    "evaluate_k",
    "format_topics",
    "jensen_shannon",
    "npmi_coherence",
    "parse_ks",
    "prepare_corpus",
    "prepare_texts",
    "prevalence_drift",
    "run_topics_stage",
    "seed_terms_for",
    "topic_agreement",
    "topic_prevalence",
    "topics_fingerprint",
    "topics_section",
    "topics_table",
    "write_topic_outputs",
]
