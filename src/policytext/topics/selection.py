"""Choosing k: coherence and stability of models across a range of k."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np
import pandas as pd
from sklearn.base import clone

from policytext.errors import ModelError
from policytext.store.filters import DocumentFilter, FilterOptions, resolve_filter
from policytext.topics.measures import topic_agreement
from policytext.topics.models import TopicModel
from policytext.topics.prepare import Passage, TopicCorpus, prepare_corpus

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

logger = logging.getLogger(__name__)


def no_passages_message(flt: DocumentFilter) -> str:
    """Why there is nothing to model: an empty store, or a filter that leaves no text."""
    if flt.is_empty():
        return "topics: the corpus has no documents with text to model; import documents first"
    given = ", ".join(f"{name}={value}" for name, value in flt.as_kwargs().items())
    return (
        f"topics: no document with text matches the filter ({given}); "
        "see what the store holds with 'policytext corpus' "
        "(undated documents never match --since/--until/--year)"
    )


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
    /,
    *,
    method: str = "nmf",
    unit: str = "passage",
    passage_size: int = 150,
    stop_share: float | None = 0.5,
    random_state: int = 0,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> pd.DataFrame:
    """:func:`evaluate_k` over a corpus store (or prepared corpus), with the unit in a column.

    Example::

        >>> from policytext.topics.prepare import prepare_texts
        >>> docs = prepare_texts(["school teacher pupil exam", "police crime court prison"] * 15)
        >>> choose_k_table(docs, "2", random_state=0)["k"].tolist()
        [2]
    """
    values = parse_ks(ks) if isinstance(ks, str) else list(ks)
    if isinstance(source, TopicCorpus):
        prepared = source
    else:
        prepared = prepare_corpus(
            source,
            documents=resolve_filter(documents, filters),
            unit=unit,
            passage_size=passage_size,
            stop_share=stop_share,
        )
    if not prepared.passages:
        raise ModelError(no_passages_message(resolve_filter(documents, filters)))
    table = evaluate_k(prepared.passages, values, method=method, random_state=random_state)
    table["unit"] = prepared.describe_unit()
    return table
