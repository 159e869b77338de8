"""A supervised complement to the codebook: one sentence classifier per frame.

:func:`train_model` fits, for each frame with enough positives in the gold files,
a scikit-learn pipeline: tf-idf of word uni- and bigrams plus tf-idf of character
2-5-grams (within word boundaries), optionally with the codebook's own hits as
features ("stacked"), into a class-balanced logistic regression. The fitted
model is stored as ``NAME.model`` (a pickle) with ``NAME.json`` (hash, codebook
hash, frames, gold files, cross-validation scores) in the ``models/`` folder
beside the corpus database.

:func:`predict_frames` gives each text the frames the model predicts;
:func:`combine` merges them with the codebook's frames (``codebook``, ``model``,
``union``). :func:`cross_validate` compares codebook-only, model-only, union and
stacked on gold files with k folds, which is how docs/validation.md decides what
to ship.

Only load models you trained yourself: a pickle runs code when it is loaded.

Example::

    >>> model = train_model(["gold/build/train.jsonl"])  # doctest: +SKIP
    >>> predict_frames(model, ["We will devolve power to cities."])  # doctest: +SKIP
    [frozenset({'devolution'})]
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from policytext._text import split_for_spacy
from policytext.codebook import MODEL_PATTERN_PREFIX, Codebook, load_codebook
from policytext.errors import PolicytextError
from policytext.rhetoric import sentence_starts
from policytext.store.tags import DERIVED_MARK, tagging_source

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from policytext.rhetoric import Match

__all__ = [
    "DERIVED_MARK",
    "MODES",
    "FrameModel",
    "ModelTagging",
    "check_folds",
    "codebook_frames",
    "combine",
    "cross_validate",
    "derived_codebook",
    "doc_sentence_spans",
    "load_model",
    "model_matches",
    "model_matches_batch",
    "model_tagging",
    "predict_frames",
    "save_model",
    "sentence_spans",
    "tagging_source",
    "text_pieces",
    "train_classifier_file",
    "train_model",
]

MODES = ("codebook", "model", "union", "stacked")
_MIN_POSITIVES = 3


@dataclass
class FrameModel:
    """Per-frame classifiers and what they were trained with."""

    frames: list[str]
    classifiers: dict[str, Any]
    codebook_hash: str
    stacked: bool
    gold: list[str] = field(default_factory=list)
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        # The cached shared feature step (see _shared_features) is not part of the model.
        return {k: v for k, v in self.__dict__.items() if k != "_shared"}


def codebook_frames(texts: Sequence[str], codebook: Codebook | None = None) -> list[frozenset[str]]:
    """The frames the codebook finds in each text (negated matches count, as in ``evaluate``)."""
    from policytext.rhetoric import build_pipeline, doc_matches

    nlp = build_pipeline(codebook)
    return [frozenset(m.frame for m in doc_matches(doc)) for doc in nlp.pipe(texts)]


def _hits_column(rows: Any, frames: list[str]) -> Any:
    """The codebook-hit features of ``(text, hits)`` rows: one 0/1 column per frame, weighted 3."""
    from scipy.sparse import csr_matrix

    return csr_matrix(np.array([[3.0 * (f in hits) for f in frames] for _text, hits in rows]))


def _text_of(rows: Any) -> list[str]:
    return [text for text, _hits in rows]


def _fit_frame(texts: Sequence[str], hits: Sequence[frozenset[str]], y: Sequence[int], stacked: bool,
               frames: Sequence[str], random_state: int) -> Any:  # fmt: skip
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def text_part(vectorizer: Any) -> Any:
        return Pipeline([("text", FunctionTransformer(_text_of)), ("tfidf", vectorizer)])

    parts: list[tuple[str, Any]] = [
        ("words", text_part(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True))),
        (
            "chars",
            text_part(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        ),
    ]
    if stacked:
        parts.append(("codebook", FunctionTransformer(_hits_column, kw_args={"frames": list(frames)})))
    model = Pipeline(
        [
            ("features", FeatureUnion(parts)),
            (
                "clf",
                LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=random_state),
            ),
        ]
    )
    model.fit(list(zip(texts, hits, strict=True)), list(y))
    return model


def _read(paths: Iterable[str | Path], codebook: Codebook) -> tuple[list[str], list[frozenset[str]]]:
    from policytext.evaluate import read_gold

    texts: list[str] = []
    labels: list[frozenset[str]] = []
    for path in paths:
        for sentence in read_gold(path, frames=codebook.frames):
            texts.append(sentence.text)
            labels.append(sentence.labels)
    return texts, labels


def train_model(
    gold: Sequence[str | Path],
    codebook: Codebook | str | Path | None = None,
    *,
    stacked: bool = True,
    random_state: int = 0,
    threshold: float = 0.5,
) -> FrameModel:
    """Fit one classifier per frame on the gold files (frames with fewer than 3 positives are skipped).

    ``threshold`` is the probability from which the model predicts a frame: raise it to
    trade recall for precision (union tagging adds only the model's surer sentences).

    Raises
    ------
    PolicytextError
        When no gold file is given, no frame has enough positives, or the threshold is
        not between 0 and 1.
    """
    if not gold:
        raise PolicytextError("train: give at least one --gold file")
    if not 0.0 < threshold < 1.0:
        raise PolicytextError(f"train --threshold {threshold}: give a probability between 0 and 1")
    loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    texts, labels = _read(gold, loaded)
    hits = codebook_frames(texts, loaded) if stacked else [frozenset()] * len(texts)
    classifiers: dict[str, Any] = {}
    for frame in loaded.frames:
        y = [int(frame in label) for label in labels]
        if sum(y) < _MIN_POSITIVES or sum(y) == len(y):
            continue
        classifiers[frame] = _fit_frame(texts, hits, y, stacked, loaded.frames, random_state)
    if not classifiers:
        raise PolicytextError(
            f"train: no frame has {_MIN_POSITIVES} or more positive sentences in the gold files"
        )
    return FrameModel(list(loaded.frames), classifiers, loaded.hash, stacked, [str(p) for p in gold],
                      threshold=threshold, info={"sentences": len(texts)})  # fmt: skip


def train_classifier_file(
    gold: Sequence[str | Path],
    path: str | Path,
    codebook: Codebook | str | Path | None = None,
    *,
    threshold: float = 0.8,
) -> tuple[str, int]:
    """Fit a codebook's sentence classifier (``[classifier]``) on gold files and write it to ``path``.

    Returns the file's sha256 and the number of training sentences. The frames are the
    codebook's (those with 3 or more positive sentences get a classifier).
    """
    from policytext.rhetoric.classifier import fit_classifier, save_classifier, text_words

    if not gold:
        raise PolicytextError("train: give at least one --gold file")
    loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    texts, labels = _read(gold, loaded)
    classifier = fit_classifier(text_words(texts), labels, loaded.frames, threshold=threshold,
                                info={"gold": [Path(p).name for p in gold]})  # fmt: skip
    return save_classifier(classifier, path), len(texts)


def predict_frames(
    model: FrameModel, texts: Sequence[str], *, hits: Sequence[frozenset[str]] | None = None,
    codebook: Codebook | None = None,
) -> list[frozenset[str]]:  # fmt: skip
    """The frames the model predicts for each text (probability >= the model's threshold)."""
    if model.stacked and hits is None:
        hits = codebook_frames(texts, codebook)
    rows = list(zip(texts, hits if hits is not None else [frozenset()] * len(texts), strict=True))
    predicted: list[set[str]] = [set() for _ in texts]
    if not rows:
        return []
    shared = _shared_features(model)
    features = shared.transform(rows) if shared is not None else None
    for frame, classifier in model.classifiers.items():
        if features is not None:
            probabilities = classifier.named_steps["clf"].predict_proba(features)[:, 1]
        else:
            probabilities = classifier.predict_proba(rows)[:, 1]
        for i, p in enumerate(probabilities):
            if p >= model.threshold:
                predicted[i].add(frame)
    return [frozenset(p) for p in predicted]


def _feature_state(pipeline: Any) -> list[Any]:
    """What a frame pipeline's features depend on: each tf-idf's vocabulary and idf, the hit frames."""
    state: list[Any] = []
    for name, part in pipeline.named_steps["features"].transformer_list:
        tfidf = getattr(part, "named_steps", {}).get("tfidf")
        if tfidf is not None:
            state.append((name, tfidf.vocabulary_, tfidf.idf_.tolist(), sorted(tfidf.get_params().items())))
        else:
            state.append((name, repr(part.get_params())))
    return state


def _shared_features(model: FrameModel) -> Any:
    """The one feature step of all the frames' pipelines when they are identical, else ``None``.

    Each frame's pipeline is fitted on the same sentences with the same vectorizers, so the
    features are the same for every frame: computing them once (char n-grams dominate the
    cost) instead of once per frame makes tagging with a model several times faster. The
    check runs once per loaded model (cached on it, not saved).
    """
    cached = model.__dict__.get("_shared")
    if cached is not None:
        return cached[0]
    pipelines = list(model.classifiers.values())
    shared: Any = None
    try:
        first = _feature_state(pipelines[0])
        if all(_feature_state(p) == first for p in pipelines[1:]):
            shared = pipelines[0].named_steps["features"]
    except (AttributeError, KeyError, TypeError, IndexError):
        shared = None
    model.__dict__["_shared"] = (shared,)
    return shared


def combine(
    codebook_sets: Sequence[frozenset[str]], model_sets: Sequence[frozenset[str]], mode: str
) -> list[frozenset[str]]:
    """Merge codebook and model frames: ``codebook``, ``model``, ``union`` or ``stacked`` (= model).

    Example::

        >>> [sorted(s) for s in combine([frozenset({"a"})], [frozenset({"b"})], "union")]
        [['a', 'b']]
    """
    if mode not in MODES:
        raise PolicytextError(f"mode {mode!r}: use one of {', '.join(MODES)}")
    if mode == "codebook":
        return list(codebook_sets)
    if mode in ("model", "stacked"):
        return list(model_sets)
    return [a | b for a, b in zip(codebook_sets, model_sets, strict=True)]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def models_folder(db: str | Path) -> Path:
    """Where models of the corpus at ``db`` live: ``models/`` beside the database file."""
    return Path(db).resolve().parent / "models"


def save_model(model: FrameModel, name: str, folder: str | Path) -> Path:
    """Write ``NAME.model`` and ``NAME.json`` (with the model's sha256) to ``folder``; return the model."""
    if not name or "/" in name or name.startswith("."):
        raise PolicytextError(f"--out {name!r}: a model name is a plain file name")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps(model)
    path = folder / f"{name}.model"
    tmp = path.with_suffix(".model.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    meta = {
        "name": name,
        "hash": _digest(data),
        "codebook_hash": model.codebook_hash,
        "frames": sorted(model.classifiers),
        "stacked": model.stacked,
        "threshold": model.threshold,
        "gold": model.gold,
        **model.info,
    }
    (folder / f"{name}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path


def load_model(name: str | Path, folder: str | Path | None = None) -> tuple[FrameModel, str]:
    """Load a model by name (from ``folder``) or path; return it with its sha256.

    Raises
    ------
    PolicytextError
        When the file is missing, is not a model, or its hash differs from the one recorded.
    """
    path = Path(name)
    if path.suffix != ".model":
        path = (Path(folder) if folder is not None else Path(".")) / f"{name}.model"
    try:
        data = path.read_bytes()
    except OSError:
        raise PolicytextError(f"{path}: no such model; train one with `policytext train`") from None
    digest = _digest(data)
    meta_path = path.with_suffix(".json")
    if meta_path.exists():
        recorded = json.loads(meta_path.read_text(encoding="utf-8")).get("hash")
        if recorded and recorded != digest:
            raise PolicytextError(
                f"{path}: sha256 {digest[:12]} differs from {recorded[:12]} in {meta_path.name}"
            )
    try:
        model = pickle.loads(data)  # noqa: S301 - a model the user trained, see the module docstring
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means "not a model"
        raise PolicytextError(f"{path}: not a policytext model ({exc.__class__.__name__})") from None
    if not isinstance(model, FrameModel):
        raise PolicytextError(f"{path}: not a policytext model")
    return model, digest


def check_folds(gold: Sequence[str | Path], folds: int) -> None:
    """Raise a one-line error unless ``folds`` is a usable k for the gold's sentences.

    Example::

        >>> check_folds([], 1)
        Traceback (most recent call last):
        ...
        policytext.errors.PolicytextError: --cv 1: k-fold cross-validation needs k >= 2
    """
    from policytext.evaluate import read_gold

    if folds < 2:
        raise PolicytextError(f"--cv {folds}: k-fold cross-validation needs k >= 2")
    count = sum(len(read_gold(path)) for path in gold)
    if folds > count:
        raise PolicytextError(f"--cv {folds}: more folds than the {count} gold sentences")


def cross_validate(
    gold: Sequence[str | Path],
    codebook: Codebook | str | Path | None = None,
    *,
    folds: int = 5,
    random_state: int = 0,
    by_file: bool = False,
    threshold: float = 0.5,
) -> dict[str, dict[str, Any]]:
    """Scores of codebook-only, model-only, union and stacked, pooled over k folds of the gold.

    Every sentence is predicted once, by models fitted on the other folds; the pooled
    predictions are scored with :func:`policytext.evaluate.score_labels`. With ``by_file``
    each gold file is a fold (leave one file out: how the model does on a source it was not
    fitted on), and ``folds`` is ignored. ``threshold`` is the models' probability threshold.

    Raises
    ------
    PolicytextError
        When ``by_file`` is asked for with fewer than two gold files.
    """
    from sklearn.model_selection import KFold, LeaveOneGroupOut

    from policytext.evaluate import score_labels

    loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    texts, labels = _read(gold, loaded)
    hits = codebook_frames(texts, loaded)
    predictions: dict[str, list[frozenset[str]]] = {m: [frozenset()] * len(texts) for m in MODES}
    predictions["codebook"] = list(hits)
    if by_file:
        if len(gold) < 2:
            raise PolicytextError("train --cv-by-file: give at least two --gold files (each is a fold)")
        groups = [i for i, path in enumerate(gold) for _ in _read([path], loaded)[0]]
        splits = LeaveOneGroupOut().split(texts, groups=groups)
    else:
        if not 2 <= folds <= len(texts):
            raise PolicytextError(
                f"--cv {folds}: k-fold cross-validation needs 2 <= k <= {len(texts)} sentences"
            )
        splits = KFold(n_splits=folds, shuffle=True, random_state=random_state).split(texts)
    for train_index, test_index in splits:
        plain: dict[str, Any] = {}
        stacked: dict[str, Any] = {}
        tr_texts = [texts[i] for i in train_index]
        tr_hits = [hits[i] for i in train_index]
        for frame in loaded.frames:
            y = [int(frame in labels[i]) for i in train_index]
            if sum(y) < _MIN_POSITIVES or sum(y) == len(y):
                continue
            plain[frame] = _fit_frame(
                tr_texts, [frozenset()] * len(tr_texts), y, False, loaded.frames, random_state
            )
            stacked[frame] = _fit_frame(tr_texts, tr_hits, y, True, loaded.frames, random_state)
        te_texts = [texts[i] for i in test_index]
        te_hits = [hits[i] for i in test_index]
        model_sets = predict_frames(
            FrameModel(list(loaded.frames), plain, loaded.hash, False, threshold=threshold), te_texts
        )
        stacked_sets = predict_frames(FrameModel(list(loaded.frames), stacked, loaded.hash, True,
                                                 threshold=threshold), te_texts, hits=te_hits)  # fmt: skip
        for position, i in enumerate(test_index):
            predictions["model"][i] = model_sets[position]
            predictions["stacked"][i] = stacked_sets[position]
            predictions["union"][i] = hits[i] | model_sets[position]
    return {mode: score_labels(labels, sets, frames=loaded.frames) for mode, sets in predictions.items()}


# -- tagging with a model -------------------------------------------------------------------


def text_pieces(text: str, limit: int) -> list[tuple[int, str]]:
    """``(offset, piece)`` of a text cut for a pipeline whose ``max_length`` is ``limit``."""
    if len(text) < limit:
        return [(0, text)]
    out, offset = [], 0
    for piece in split_for_spacy(text, limit // 2):
        out.append((offset, piece))
        offset += len(piece)
    return out


def doc_sentence_spans(doc: Doc, offset: int = 0) -> list[tuple[int, int]]:
    """Character spans of the sentences of a tagged ``doc``, numbered as the tagger numbers them."""
    starts = sentence_starts(doc)
    spans = []
    for i, start in enumerate(starts):
        end_token = starts[i + 1] if i + 1 < len(starts) else len(doc)
        first, last = doc[start], doc[end_token - 1]
        spans.append((offset + first.idx, offset + last.idx + len(last.text)))
    return spans


def sentence_spans(nlp: Language, text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, numbered as the tagger numbers them."""
    spans: list[tuple[int, int]] = []
    for offset, piece in text_pieces(text, nlp.max_length):
        spans.extend(doc_sentence_spans(nlp(piece), offset))
    return spans


def model_matches(
    text: str,
    matches: Sequence[Match],
    spans: Sequence[tuple[int, int]],
    model: FrameModel,
    *,
    model_id: str,
    mode: str = "union",
) -> list[Match]:
    """The matches of one document with the model's predictions added (what ``tag --model`` stores).

    Parameters
    ----------
    text:
        The document text.
    matches:
        The codebook's matches in it (from :func:`policytext.tagging.tag_text`).
    spans:
        Its sentence spans (:func:`sentence_spans`), index = ``Match.sentence``.
    model:
        A loaded model.
    model_id:
        Recorded as the pattern id of model matches, e.g. ``"model:frames@1a2b3c4d5e6f"``:
        tags record which source found a frame.
    mode:
        ``codebook`` (matches unchanged), ``model`` (model matches only), ``union`` (codebook
        matches plus a model match for each sentence-frame the codebook missed) or
        ``stacked`` (model predictions with codebook hits as features, replacing the codebook).

    Returns
    -------
    list[Match]
        A model match spans its whole sentence and is never negated.
    """
    return model_matches_batch([(text, matches, spans)], model, model_id=model_id, mode=mode)[0]


def model_matches_batch(
    documents: Sequence[tuple[str, Sequence[Match], Sequence[tuple[int, int]]]],
    model: FrameModel,
    *,
    model_id: str,
    mode: str = "union",
) -> list[list[Match]]:
    """:func:`model_matches` for several ``(text, matches, spans)`` documents, predicted in one call."""
    from policytext.rhetoric import Match

    if mode not in MODES:
        raise PolicytextError(f"--combine {mode!r}: use one of {', '.join(MODES)}")
    if mode == "codebook":
        return [list(matches) for _text, matches, _spans in documents]
    texts: list[str] = []
    hits: list[frozenset[str]] = []
    for text, matches, spans in documents:
        found: list[set[str]] = [set() for _ in spans]
        for m in matches:
            if 0 <= m.sentence < len(found):
                found[m.sentence].add(m.frame)
        texts.extend(text[start:end] for start, end in spans)
        hits.extend(frozenset(h) for h in found)
    predicted = predict_frames(model, texts, hits=hits)
    out: list[list[Match]] = []
    position = 0
    for text, matches, spans in documents:
        kept = list(matches) if mode == "union" else []
        for index, (start, end) in enumerate(spans):
            frames, sentence_hits = predicted[position + index], hits[position + index]
            for frame in sorted(frames):
                if mode == "union" and frame in sentence_hits:
                    continue
                kept.append(Match(index, start, end, start, end, frame, model_id, text[start:end], False))
        position += len(spans)
        out.append(sorted(kept, key=lambda m: (m.sentence, m.start_char, m.frame)))
    return out


# -- a codebook combined with a model: its own key in the store --------------------------------


@dataclass(frozen=True)
class ModelTagging:
    """A loaded model checked against a codebook, with how ``tag --model`` combines them.

    ``codebook`` is the *derived* codebook the tags are stored under (:func:`derived_codebook`);
    ``base`` the codebook whose patterns run.
    """

    base: Codebook
    codebook: Codebook
    model: FrameModel
    name: str
    sha256: str
    mode: str

    @property
    def model_id(self) -> str:
        """The pattern id of the model's matches: ``model:NAME@SHA12``."""
        return f"{MODEL_PATTERN_PREFIX}{self.name}@{self.sha256[:12]}"

    def apply(
        self, documents: Sequence[tuple[str, Sequence[Match], Sequence[tuple[int, int]]]]
    ) -> list[list[Match]]:
        """The stored matches of each ``(text, codebook matches, sentence spans)`` document."""
        return model_matches_batch(documents, self.model, model_id=self.model_id, mode=self.mode)


def derived_codebook(base: Codebook, name: str, sha256: str, mode: str) -> Codebook:
    """The codebook key of tags that combine ``base`` with model ``name`` (sha256) by ``mode``.

    Same frames, patterns and version as ``base``; named ``BASE+NAME`` for ``union``
    (``BASE+NAME:model``, ``BASE+NAME:stacked`` for the others), its description ending
    with a :data:`DERIVED_MARK` line (JSON: base codebook hash, model name and sha256,
    mode), so its hash differs from the base's and from every other combination.
    Tables, kwic and the report read the tags with ``--codebook BASE+NAME``.

    Example::

        >>> from policytext.codebook import load_codebook
        >>> derived_codebook(load_codebook(), "frames", "ab" * 32, "union").name
        'policytext-default+frames'
    """
    import dataclasses

    if mode not in MODES or mode == "codebook":
        raise PolicytextError(f"--combine {mode!r}: a derived codebook combines by model, union or stacked")
    record = {"base_codebook": base.hash, "base_name": base.name, "model": name, "model_sha256": sha256,
              "combine": mode}  # fmt: skip
    description = (
        (base.description + "\n" if base.description else "")
        + DERIVED_MARK
        + json.dumps(record, sort_keys=True)
    )
    suffix = "" if mode == "union" else f":{mode}"
    return dataclasses.replace(base, name=f"{base.name}+{name}{suffix}", description=description)


def model_tagging(
    model: FrameModel | str | Path,
    codebook: Codebook,
    *,
    mode: str = "union",
    folder: str | Path | None = None,
) -> ModelTagging:
    """Load ``model`` (a name in ``folder``, a path, or a :class:`FrameModel`) for tagging with
    ``codebook``, checking that it was trained with that codebook.

    Raises
    ------
    PolicytextError
        When the model is missing or altered, the mode is unknown, ``stacked`` is asked of a
        model trained ``--plain``, or the model's codebook hash differs from ``codebook``'s.
    """
    if mode not in MODES:
        raise PolicytextError(f"--combine {mode!r}: use one of {', '.join(MODES)}")
    if isinstance(model, FrameModel):
        loaded, digest, name = model, _digest(pickle.dumps(model)), "model"
    else:
        loaded, digest = load_model(model, folder)
        name = Path(model).stem if Path(str(model)).suffix == ".model" else str(model)
    if loaded.codebook_hash != codebook.hash:
        raise PolicytextError(
            f"--model {name}: trained with codebook [{loaded.codebook_hash[:12]}], not "
            f"{codebook.name} {codebook.version} [{codebook.hash[:12]}]; retrain it with "
            "`policytext train --codebook` on this codebook"
        )
    if mode == "stacked" and not loaded.stacked:
        raise PolicytextError(
            f"--model {name}: trained --plain (no codebook hits); --combine stacked needs a stacked model"
        )
    derived = codebook if mode == "codebook" else derived_codebook(codebook, name, digest, mode)
    return ModelTagging(codebook, derived, loaded, name, digest, mode)
