"""Gold files and scores: how well a codebook finds the frames human coders found.

A gold file is JSON Lines, one sentence a line (see CODEBOOK-GUIDE.md)::

    {"id": "s1", "text": "...", "labels": ["empowerment"], "meta": {...}}

:func:`evaluate_codebook` tags every sentence with the rhetoric pipeline and
scores the predicted frame set of each sentence against its gold labels: per
frame precision, recall, F1 and support (gold positives), micro averages (over
the pooled counts) and macro averages (unweighted means of the per-frame
figures). A ratio with a zero denominator is 0.0. :func:`agreement` gives
Cohen's kappa per frame between two coders' gold files (scikit-learn).

Example::

    >>> from policytext.evaluate import score_labels
    >>> s = score_labels([{"a"}, set()], [{"a"}, {"a"}], frames=["a"])
    >>> s["frames"]["a"]["precision"], s["frames"]["a"]["recall"]
    (0.5, 1.0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext.codebook import Codebook, load_codebook
from policytext.errors import GoldFileError
from policytext.store.evaluations import latest_evaluation
from policytext.store.evaluations import record_evaluation as store_evaluation

if TYPE_CHECKING:
    from policytext.rhetoric import Match
    from policytext.store.corpus import Corpus

__all__ = [
    "Evaluation",
    "GoldSentence",
    "Prediction",
    "agreement",
    "evaluate_codebook",
    "format_agreement",
    "format_errors",
    "format_scores",
    "frame_errors",
    "latest_evaluation",
    "read_gold",
    "record_evaluation",
    "score_labels",
]


@dataclass(frozen=True)
class GoldSentence:
    """One coded sentence of a gold file."""

    id: str
    text: str
    labels: frozenset[str]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    line: int = 0


@dataclass(frozen=True)
class Prediction:
    """What the tagger found in one gold sentence."""

    sentence: GoldSentence
    frames: frozenset[str]
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Evaluation:
    """Scores of a codebook on a gold file, with the predictions behind them."""

    gold: str
    codebook: Codebook
    scores: dict[str, Any]
    predictions: tuple[Prediction, ...]


def read_gold(path: str | Path, *, frames: Iterable[str] | None = None) -> list[GoldSentence]:
    """Read and validate a gold file.

    Parameters
    ----------
    path:
        The JSON Lines gold file.
    frames:
        When given, every label must be one of them.

    Returns
    -------
    list[GoldSentence]

    Raises
    ------
    GoldFileError
        ``FILE:LINE: problem``.

    Example::

        >>> read_gold("dev.jsonl")[0].labels  # doctest: +SKIP
        frozenset()
    """
    path = Path(path)
    allowed = set(frames) if frames is not None else None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldFileError(f"{path}: no such gold file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot read gold file ({exc})") from None
    sentences: list[GoldSentence] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise GoldFileError(f"{path}:{number}: each line must be a JSON object")
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise GoldFileError(f"{path}:{number}: 'text' must be a non-empty string")
        labels = record.get("labels")
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            raise GoldFileError(f"{path}:{number}: 'labels' must be a list of frame ids")
        if allowed is not None:
            for label in labels:
                if label not in allowed:
                    raise GoldFileError(
                        f"{path}:{number}: label {label!r} is not a frame of the codebook "
                        f"({', '.join(sorted(allowed))})"
                    )
        sentence_id = str(record.get("id") or f"line{number}")
        if sentence_id in seen:
            raise GoldFileError(f"{path}:{number}: duplicate id {sentence_id!r}")
        seen.add(sentence_id)
        meta = record.get("meta") or {}
        sentences.append(
            GoldSentence(sentence_id, text, frozenset(labels), meta if isinstance(meta, dict) else {}, number)
        )
    if not sentences:
        raise GoldFileError(f"{path}:1: the gold file has no sentences")
    return sentences


def score_labels(
    gold: Sequence[Iterable[str]], predicted: Sequence[Iterable[str]], *, frames: Sequence[str]
) -> dict[str, Any]:
    """Per-frame precision, recall, F1 and support of predicted sentence labels, with averages.

    Computed with scikit-learn's ``precision_recall_fscore_support`` on the
    binarised label sets (a ratio with a zero denominator is 0.0).

    Parameters
    ----------
    gold:
        The gold frame set of each sentence.
    predicted:
        The predicted frame set of each sentence, in the same order.
    frames:
        The frames to score.

    Returns
    -------
    dict
        ``{"frames": {FRAME: {"precision", "recall", "f1", "support"}}, "micro": {...}, "macro": {...}}``
        plus ``"sentences"``.

    Example::

        >>> score_labels([{"a"}], [set()], frames=["a"])["micro"]["recall"]
        0.0
    """
    import numpy as np
    from sklearn.metrics import precision_recall_fscore_support

    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have one entry per sentence")
    frames = list(frames)
    # One extra all-zero column keeps a single frame a multilabel problem (not a binary one).
    y_true = np.array([[frame in set(g) for frame in frames] + [False] for g in gold], dtype=int)
    y_pred = np.array([[frame in set(p) for frame in frames] + [False] for p in predicted], dtype=int)
    y_true, y_pred = y_true.reshape(-1, len(frames) + 1), y_pred.reshape(-1, len(frames) + 1)
    result: dict[str, Any] = {"frames": {}, "sentences": len(gold)}
    if not frames:
        empty = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
        return {**result, "micro": dict(empty), "macro": dict(empty)}
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, average=None, labels=list(range(len(frames))), zero_division=0
    )
    for i, frame in enumerate(frames):
        result["frames"][frame] = {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
    total = int(y_true.sum())
    for average in ("micro", "macro"):
        p, r, f, _ = precision_recall_fscore_support(
            y_true, y_pred, average=average, labels=list(range(len(frames))), zero_division=0
        )
        result[average] = {"precision": float(p), "recall": float(r), "f1": float(f), "support": total}
    return result


def evaluate_codebook(
    gold: str | Path,
    codebook: Codebook | str | Path | None = None,
    *,
    count_negated: bool = True,
    model: str | None = None,
) -> Evaluation:
    """Tag every gold sentence and score the frames found against the gold labels.

    Parameters
    ----------
    gold:
        The gold file.
    codebook:
        A codebook, a path, or ``None`` for the default.
    count_negated:
        Whether a match in a negated clause counts as the frame (default: yes;
        "we will not devolve" still talks devolution).
    model:
        A trained spaCy pipeline to run instead of the blank one.

    Returns
    -------
    Evaluation

    Example::

        >>> evaluate_codebook("dev.jsonl").scores["micro"]["f1"]  # doctest: +SKIP
        0.8
    """
    from policytext.rhetoric import build_pipeline, doc_matches

    loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    sentences = read_gold(gold, frames=loaded.frames)
    nlp = build_pipeline(loaded, model=model)
    predictions: list[Prediction] = []
    for sentence, doc in zip(sentences, nlp.pipe(s.text for s in sentences), strict=True):
        matches = tuple(doc_matches(doc))
        frames = frozenset(m.frame for m in matches if count_negated or not m.negated)
        predictions.append(Prediction(sentence, frames, matches))
    scores = score_labels(
        [p.sentence.labels for p in predictions],
        [p.frames for p in predictions],
        frames=loaded.frames,
    )
    return Evaluation(str(gold), loaded, scores, tuple(predictions))


def format_scores(scores: dict[str, Any], *, fmt: str = "json") -> str:
    """Scores as JSON (the DESIGN.md shape) or a Markdown table.

    Example::

        >>> print(format_scores(score_labels([{"a"}], [{"a"}], frames=["a"]), fmt="md").splitlines()[0])
        | frame | precision | recall | f1 | support |
    """
    if fmt == "json":
        return json.dumps(scores, indent=2)
    rows = ["| frame | precision | recall | f1 | support |", "|---|---:|---:|---:|---:|"]
    entries = [*scores["frames"].items(), ("micro", scores["micro"]), ("macro", scores["macro"])]
    for name, s in entries:
        label = f"**{name}**" if name in ("micro", "macro") else name
        rows.append(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |"
        )
    return "\n".join(rows) + "\n"


def frame_errors(evaluation: Evaluation) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """False positives (with the patterns that fired) and false negatives per frame, as data.

    The JSON form of :func:`format_errors`: ``{frame: {"false_positives": [{"id",
    "text", "fired": [{"pattern_id", "text", "negated"}]}], "false_negatives":
    [{"id", "text"}]}}``, frames in codebook order, frames without errors left out.

    Example::

        >>> frame_errors(evaluation)["devolution"]["false_negatives"][0]["id"]  # doctest: +SKIP
        'g0488'
    """
    result: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for frame in evaluation.codebook.frames:
        false_positives = [
            {
                "id": p.sentence.id,
                "text": p.sentence.text,
                "fired": [
                    {"pattern_id": m.pattern_id, "text": m.text, "negated": m.negated}
                    for m in p.matches
                    if m.frame == frame
                ],
            }
            for p in evaluation.predictions
            if frame in p.frames and frame not in p.sentence.labels
        ]
        false_negatives = [
            {"id": p.sentence.id, "text": p.sentence.text}
            for p in evaluation.predictions
            if frame in p.sentence.labels and frame not in p.frames
        ]
        if false_positives or false_negatives:
            result[frame] = {"false_positives": false_positives, "false_negatives": false_negatives}
    return result


def format_errors(evaluation: Evaluation) -> str:
    """False positives (with the patterns that fired) and false negatives, one block per frame.

    Example::

        >>> print(format_errors(evaluation))  # doctest: +SKIP
        ## empowerment: 3 false positives, 2 false negatives
    """
    blocks: list[str] = []
    for frame in evaluation.codebook.frames:
        false_positives = [
            p for p in evaluation.predictions if frame in p.frames and frame not in p.sentence.labels
        ]
        false_negatives = [
            p for p in evaluation.predictions if frame in p.sentence.labels and frame not in p.frames
        ]
        if not false_positives and not false_negatives:
            continue
        blocks.append(
            f"## {frame}: {len(false_positives)} false positives, {len(false_negatives)} false negatives"
        )
        for prediction in false_positives:
            fired = ", ".join(
                f"{m.pattern_id} [{m.text}]{' (negated)' if m.negated else ''}"
                for m in prediction.matches
                if m.frame == frame
            )
            blocks.append(
                f"FP {prediction.sentence.id}: {_one_line(prediction.sentence.text)}\n   fired: {fired}"
            )
        for prediction in false_negatives:
            blocks.append(f"FN {prediction.sentence.id}: {_one_line(prediction.sentence.text)}")
        blocks.append("")
    return "\n".join(blocks) if blocks else "no errors\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- agreement between coders ----------------------------------------------------------


def agreement(
    first: str | Path, second: str | Path, *, frames: Sequence[str] | None = None
) -> dict[str, Any]:
    """Cohen's kappa per frame between two gold files coding the same sentences.

    Sentences are paired by id; each frame is a yes/no decision per sentence.
    Kappa is ``None`` when it is undefined (both coders gave one answer only).

    Parameters
    ----------
    first, second:
        Gold files of two coders.
    frames:
        The frames to compare (default: every label either file uses).

    Returns
    -------
    dict
        ``{"frames": {FRAME: {"kappa", "agreement", "items"}}, "items": N}``

    Example::

        >>> agreement("coder1.jsonl", "coder2.jsonl")["frames"]["devolution"]["kappa"]  # doctest: +SKIP
        0.91
    """
    from sklearn.metrics import cohen_kappa_score

    a = {s.id: s for s in read_gold(first)}
    b = {s.id: s for s in read_gold(second)}
    missing = sorted(set(a) ^ set(b))
    if missing:
        where = first if missing[0] in a else second
        raise GoldFileError(
            f"{where}: sentence id {missing[0]!r} is not in both gold files ({len(missing)} unpaired)"
        )
    ids = sorted(a)
    for sentence_id in ids:
        if " ".join(a[sentence_id].text.split()) != " ".join(b[sentence_id].text.split()):
            raise GoldFileError(
                f"{second}:{b[sentence_id].line}: sentence {sentence_id!r} has a different text in {first}"
            )
    chosen = (
        list(frames)
        if frames is not None
        else sorted({label for s in [*a.values(), *b.values()] for label in s.labels})
    )
    result: dict[str, Any] = {"frames": {}, "items": len(ids)}
    for frame in chosen:
        first_labels = [frame in a[i].labels for i in ids]
        second_labels = [frame in b[i].labels for i in ids]
        observed = sum(x == y for x, y in zip(first_labels, second_labels, strict=True)) / len(ids)
        kappa: float | None = None
        if len(set(first_labels) | set(second_labels)) > 1 and (
            len(set(first_labels)) > 1 or len(set(second_labels)) > 1
        ):
            kappa = float(cohen_kappa_score(first_labels, second_labels))
        result["frames"][frame] = {"kappa": kappa, "agreement": observed, "items": len(ids)}
    return result


def format_agreement(result: dict[str, Any], *, fmt: str = "json") -> str:
    """Agreement as JSON or a Markdown table."""
    if fmt == "json":
        return json.dumps(result, indent=2)
    rows = ["| frame | kappa | agreement | items |", "|---|---:|---:|---:|"]
    for frame, s in result["frames"].items():
        kappa = "n/a" if s["kappa"] is None else f"{s['kappa']:.3f}"
        rows.append(f"| {frame} | {kappa} | {s['agreement']:.3f} | {s['items']} |")
    return "\n".join(rows) + "\n"


# -- recording scores in the store --------------------------------------------------------


def record_evaluation(corpus: Corpus, evaluation: Evaluation) -> None:
    """Store the scores in the corpus, so tables can say which validation backs the codebook.

    The query lives in :mod:`policytext.store.evaluations`.

    Example::

        >>> record_evaluation(corpus, evaluate_codebook("dev.jsonl"))  # doctest: +SKIP
    """
    store_evaluation(corpus, evaluation.codebook, evaluation.gold, evaluation.scores)
