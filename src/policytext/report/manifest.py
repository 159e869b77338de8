"""The run manifest: how an output was made, so a number in a paper can be traced.

Every table, chart folder and report carries one: the command, the corpus content
hash, the codebook (name, version, hash; for tags made with ``tag --model`` also what
they combine), the installed versions, the latest gold-set validation scores of the
codebook and its corpus-level precision and recall estimates per frame (from coding
sheets, :func:`policytext.store.evaluations.corpus_estimates`), or a line saying the
rates are not validated on this corpus and how to validate them. Tags of the shipped
default codebook also carry what it scored on held-out gold (:data:`DEFAULT_HELDOUT`):
its recall there says by how much the rates may undercount.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> run_manifest(Corpus.open(":memory:"), command="test").documents
    0
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext import __version__
from policytext.store.evaluations import corpus_estimates, latest_gold_evaluation_row
from policytext.store.filters import DocumentFilter
from policytext.store.reporting import current_totals, has_table
from policytext.tables import corpus_hash, current_tagging
from policytext.validation import estimate_lines

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus
    from policytext.tables import Tagging

__all__ = ["DEFAULT_HELDOUT", "RATE_NOTE", "RunManifest", "heldout_line", "run_manifest", "validation_scores"]

logger = logging.getLogger(__name__)

#: What every rate in a table is a rate of.
RATE_NOTE = (
    "F_per_10k = 10,000 x F_count / tokens; tokens = sum of documents.tokens "
    "(spaCy English tokens that are not punctuation or space) of the row's documents"
)

#: What the shipped default codebook scored on gold sentences never used to tune or train it:
#: rounds l-p, 2,438 sentences coded twice and adjudicated (docs/validation.md, "Summary";
#: ``policytext evaluate --gold`` on the five rounds pooled). Gold-set scores of samples enriched
#: for frame vocabulary, not corpus estimates; ``version`` must be the default's (a test
#: checks), so a new default codebook needs new figures here.
DEFAULT_HELDOUT: dict[str, Any] = {
    "version": "1.9",
    "gold": "2,438 held-out gold sentences (rounds l-p; docs/validation.md)",
    "micro": {"precision": 0.726, "recall": 0.620},
    "empowerment": {"precision": 0.690, "recall": 0.549},
    "devolution": {"precision": 0.794, "recall": 0.614},
}


@dataclass(frozen=True)
class RunManifest:
    """How an output was made, so a number in a paper can be traced and reproduced.

    Attributes
    ----------
    command:
        The command line (or library call) that made the output.
    created_at:
        UTC time, ISO 8601.
    policytext_version, spacy_version:
        Installed versions.
    corpus_hash:
        SHA-256 over the ids, versions and text hashes of the current documents.
    documents, tokens:
        Current documents in the store and their tokens.
    codebook_name, codebook_version, codebook_hash:
        The codebook of the latest tagging run (``None`` when nothing is tagged).
    validation:
        The latest gold-set evaluation scores stored for that codebook
        (``{"gold", "created_at", "frames", "micro", "macro"}``), or ``None``.
    corpus_estimates:
        Corpus-level precision and recall per frame from the newest evaluated coding
        sheet of each frame (:func:`policytext.store.evaluations.corpus_estimates`);
        ``{}`` when the rates are not validated on this corpus, ``None`` when nothing is tagged.
    frames:
        The frames of the codebook (the order of the estimate lines).
    tag_source:
        For tags made with ``policytext tag --model``: what they combine (base codebook
        hash, model name and sha256, mode); ``None`` for a codebook's own tags.
    heldout:
        :data:`DEFAULT_HELDOUT` when the tags are the shipped default codebook's own,
        else ``None``.
    rate:
        What the rates are per (:data:`RATE_NOTE`).
    parameters:
        Options of the output (bootstrap resamples, seed, filters...).
    """

    command: str
    created_at: str
    policytext_version: str
    spacy_version: str | None
    corpus_hash: str
    documents: int
    tokens: int
    codebook_name: str | None = None
    codebook_version: str | None = None
    codebook_hash: str | None = None
    validation: dict[str, Any] | None = None
    corpus_estimates: dict[str, dict[str, Any]] | None = None
    frames: tuple[str, ...] = ()
    tag_source: dict[str, str] | None = None
    heldout: dict[str, Any] | None = None
    rate: str = RATE_NOTE
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The manifest as a JSON-ready dict."""
        return asdict(self)

    def to_json(self) -> str:
        """The manifest as indented JSON."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"

    def estimate_lines(self) -> list[str]:
        """``corpus_estimate: FRAME: precision ..., recall ... (corpus estimate from N coded
        sentences, sample of DATE)`` per frame, or one line saying the rates are not validated
        on this corpus and how to validate them (no lines when nothing is tagged)."""
        return _estimate_lines(self)

    def comment_lines(self) -> list[str]:
        """The manifest as ``key: value`` lines for a comment header (one line each, never cut)."""
        codebook = (
            f"{self.codebook_name or '(unnamed)'} version {self.codebook_version or '?'} "
            f"hash {self.codebook_hash}"
            if self.codebook_hash
            else "(none: corpus not tagged)"
        )
        lines = [
            "policytext run manifest",
            f"command: {self.command}",
            f"created_at: {self.created_at}",
            f"policytext: {self.policytext_version}; spacy: {self.spacy_version or '(not installed)'}",
            f"corpus: {self.documents} documents, {self.tokens} tokens, hash {self.corpus_hash}",
            f"codebook: {codebook}",
            *_source_line(self.tag_source),
            f"validated_with: {_validation_line(self.validation)}",
            *([f"heldout_gold: {heldout_line(self.heldout)}"] if self.heldout else []),
            *self.estimate_lines(),
            f"rates: {self.rate}",
        ]
        if self.parameters:
            lines.append(
                "parameters: " + json.dumps(self.parameters, ensure_ascii=False, default=str, sort_keys=True)
            )
        return lines


def _source_line(source: dict[str, str] | None) -> list[str]:
    if not source:
        return []
    return [
        f"tags: {source.get('combine')} of codebook {source.get('base_name')} "
        f"[{str(source.get('base_codebook'))[:12]}] and model {source.get('model')} "
        f"sha256 {source.get('model_sha256')}"
    ]


def _estimate_lines(manifest: RunManifest) -> list[str]:
    if manifest.codebook_hash is None or manifest.corpus_estimates is None:
        return []
    return [f"corpus_estimate: {line}" for line in estimate_lines(manifest.corpus_estimates, manifest.frames)]


def heldout_line(heldout: dict[str, Any]) -> str:
    """What the default codebook scored on held-out gold, in one line (see :data:`DEFAULT_HELDOUT`).

    When its recall there is below its precision, the line says the rates likely undercount
    (a frame's matches miss more of its sentences than they wrongly add).

    Example::

        >>> heldout_line(DEFAULT_HELDOUT)  # doctest: +ELLIPSIS
        'default codebook 1.9 on 2,438 held-out gold sentences (...): precision 0.73, recall 0.62 ...'
    """
    frames = "; ".join(
        f"{frame} P {scores['precision']:.2f} R {scores['recall']:.2f}"
        for frame, scores in heldout.items()
        if frame not in ("version", "gold", "micro")
    )
    micro = heldout["micro"]
    line = (
        f"default codebook {heldout['version']} on {heldout['gold']}: precision {micro['precision']:.2f}, "
        f"recall {micro['recall']:.2f} over all frames ({frames})"
    )
    if micro["recall"] < micro["precision"]:
        line += "; recall below precision, so the rates likely undercount"
    return line + "; estimate both on this corpus with `policytext sample`"


def _default_heldout(codebook_hash: str | None, tag_source: dict[str, str] | None) -> dict[str, Any] | None:
    """:data:`DEFAULT_HELDOUT` when the tags are the shipped default codebook's own (no model took part)."""
    if codebook_hash is None or tag_source:
        return None
    from policytext.codebook import load_codebook

    default = load_codebook()
    if codebook_hash != default.hash or default.version != DEFAULT_HELDOUT["version"]:
        return None
    return DEFAULT_HELDOUT


def _validation_line(validation: dict[str, Any] | None) -> str:
    if not validation:
        return "(no gold-file evaluation stored for this codebook; coding sheets give corpus_estimate)"
    parts = [f"gold {validation.get('gold')}"]
    for average in ("micro", "macro"):
        scores = validation.get(average) or {}
        if scores:
            parts.append(
                f"{average} P={_num(scores.get('precision'))} R={_num(scores.get('recall'))} "
                f"F1={_num(scores.get('f1'))}"
            )
    return "; ".join(parts)


def _num(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) else "?"


def validation_scores(corpus: Corpus, codebook_hash: str | None) -> dict[str, Any] | None:
    """The latest stored evaluation of the codebook, or ``None``.

    Reads the ``evaluations`` table (written by ``policytext evaluate``) when it exists.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> validation_scores(Corpus.open(":memory:"), "abc") is None
        True
    """
    if codebook_hash is None or not has_table(corpus, "evaluations"):
        return None
    row = latest_gold_evaluation_row(corpus, codebook_hash)
    if row is None:
        return None
    try:
        scores = json.loads(row["scores"])
    except (TypeError, ValueError):
        logger.warning("evaluation of codebook %s has unreadable scores; left out", codebook_hash[:12])
        return None
    if not isinstance(scores, dict):
        return None
    return {"gold": row["gold"], "created_at": row["created_at"], **scores}


def run_manifest(
    corpus: Corpus,
    *,
    command: str,
    tagging: Tagging | None = None,
    parameters: dict[str, Any] | None = None,
    documents: DocumentFilter | None = None,
    codebook: str | Path | None = None,
) -> RunManifest:
    """The manifest of an output made from ``corpus`` now.

    Parameters
    ----------
    corpus:
        The store the output was computed from.
    command:
        The command line or call that made it (``"policytext table --by year"``).
    tagging:
        The tagging run used (default: the latest, if any).
    parameters:
        Options worth recording (seed, resamples, filters).
    documents:
        The filter of the output: ``documents`` and ``tokens`` count what it selects and the
        filter is recorded in ``parameters["filter"]``.

    Example::

        >>> from policytext.store.corpus import Corpus
        >>> run_manifest(Corpus.open(":memory:"), command="test").tokens
        0
    """
    if tagging is None:
        tagging = current_tagging(corpus, codebook)
    try:
        spacy_version: str | None = metadata.version("spacy")
    except metadata.PackageNotFoundError:
        spacy_version = None
    n_documents, tokens = current_totals(corpus, documents)
    params = dict(parameters or {})
    if documents is not None and not documents.is_empty():
        params.setdefault("filter", documents.as_kwargs())
    codebook_hash = tagging.codebook_hash if tagging else None
    return RunManifest(
        command=command,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        policytext_version=__version__,
        spacy_version=spacy_version,
        corpus_hash=corpus_hash(corpus),
        documents=n_documents,
        tokens=tokens,
        codebook_name=tagging.codebook_name if tagging else None,
        codebook_version=tagging.codebook_version if tagging else None,
        codebook_hash=codebook_hash,
        validation=validation_scores(corpus, codebook_hash),
        corpus_estimates=_corpus_estimates(corpus, codebook_hash),
        frames=tuple(tagging.frames) if tagging else (),
        tag_source=tagging.source if tagging else None,
        heldout=_default_heldout(codebook_hash, tagging.source if tagging else None),
        parameters=params,
    )


def _corpus_estimates(corpus: Corpus, codebook_hash: str | None) -> dict[str, dict[str, Any]] | None:
    if codebook_hash is None:
        return None
    if not has_table(corpus, "evaluations"):
        return {}
    return corpus_estimates(corpus, codebook_hash)
