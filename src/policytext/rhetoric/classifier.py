"""A sentence classifier a codebook can carry, for what its patterns miss.

A codebook's ``[classifier]`` table names a file of weights (see docs/codebook.md). The
tagger then scores every sentence and, for each frame whose probability reaches the
codebook's threshold, adds a match spanning the sentence, unless a pattern of that frame
already matched there or one of the codebook's exclusions for that frame fired in it (an
exclusion states "this is not the frame"; the classifier does not overrule it). Its
matches are never negated and carry the pattern id ``classifier@SHA12``, so tags say
which source found a frame.

The model is a linear one, fitted with scikit-learn: one class-balanced logistic
regression per frame over tf-idf (sublinear term frequency, L2-normalised rows) of the
sentence's lower-case words, word bigrams and the character 2-5-grams of each word
(padded with a space each side, as scikit-learn's ``char_wb``). Features are 64-bit hashes
(BLAKE2b) of those strings, and only features seen in two or more training sentences are
kept: the file holds numbers, never text. Scoring needs only NumPy and SciPy, and each
distinct word's features are computed once per process.

The file is a ZIP of ``.npy`` arrays (``numpy.load`` reads it; no pickle) written with
fixed timestamps, so the same training data give the same bytes and the same sha256.

Example::

    >>> words = sentence_words(["Give", "power", "to", "people", "."])
    >>> words
    ['give', 'power', 'to', 'people', '.']
    >>> rows, keys = feature_keys([words])
    >>> int(rows.max()), len(keys) > 20
    (0, True)
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from policytext.errors import PolicytextError

__all__ = [
    "FEATURES",
    "SentenceClassifier",
    "feature_keys",
    "fit_classifier",
    "load_classifier",
    "save_classifier",
    "sentence_words",
]

FEATURES = "words+bigrams+char_wb2-5/blake2b64/v1"
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM = np.uint64(0x2545F4914F6CDD1D)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def sentence_words(tokens: Sequence[str]) -> list[str]:
    """The words a sentence is scored on: its tokens lower-cased, curly quotes made straight."""
    return [t.lower().translate(_QUOTES) for t in tokens if t and not t.isspace()]


@lru_cache(maxsize=200_000)
def _word_keys(word: str) -> tuple[int, tuple[int, ...]]:
    """The unigram key of ``word`` and the keys of its character 2-5-grams (``char_wb``)."""
    padded = f" {word} "
    grams = {padded[i : i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)}
    return _hash("w:" + word), tuple(_hash("c:" + g) for g in grams) if len(padded) > 2 else ()


def feature_keys(sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, keys)``: one entry per feature occurrence, ``rows`` the sentence index.

    Character n-grams count once per distinct n-gram of a word (as ``char_wb``
    counts them per occurrence in the word, this differs only for repeated n-grams
    within one word, which tf-idf's sublinear scaling makes minor).
    """
    rows: list[int] = []
    keys: list[int] = []
    for row, words in enumerate(sentences):
        unigrams = []
        for word in words:
            unigram, grams = _word_keys(word)
            unigrams.append(unigram)
            keys.append(unigram)
            keys.extend(grams)
            rows.extend([row] * (1 + len(grams)))
        if len(unigrams) > 1:
            first = np.array(unigrams[:-1], dtype=np.uint64)
            second = np.array(unigrams[1:], dtype=np.uint64)
            bigrams = (first * _MIX) ^ (second + _BIGRAM)  # wraps modulo 2**64
            keys.extend(bigrams.tolist())
            rows.extend([row] * len(unigrams[:-1]))
    return np.array(rows, dtype=np.int64), np.array(keys, dtype=np.uint64)


@dataclass(frozen=True)
class SentenceClassifier:
    """Per-frame logistic regressions over hashed tf-idf features (see the module docstring)."""

    frames: tuple[str, ...]
    keys: np.ndarray  # sorted uint64 feature keys
    idf: np.ndarray  # float32, one per key
    coef: np.ndarray  # float32, keys x frames
    intercept: np.ndarray  # float32, one per frame
    threshold: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)
    sha256: str = field(default="", compare=False)

    def _matrix(self, sentences: Sequence[Sequence[str]]) -> Any:
        from scipy.sparse import csr_matrix

        rows, keys = feature_keys(sentences)
        positions = np.searchsorted(self.keys, keys)
        positions[positions >= len(self.keys)] = 0
        known = self.keys[positions] == keys if len(self.keys) else np.zeros(len(keys), dtype=bool)
        matrix = csr_matrix(
            (np.ones(int(known.sum()), dtype=np.float32), (rows[known], positions[known])),
            shape=(len(sentences), len(self.keys)),
        )
        matrix.sum_duplicates()
        return _tfidf(matrix, self.idf)

    def probabilities(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """The probability of each frame for each sentence (a sentence is a list of words)."""
        if not sentences:
            return np.zeros((0, len(self.frames)), dtype=np.float32)
        scores: np.ndarray = np.asarray(self._matrix(sentences) @ self.coef) + self.intercept
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-scores))
        return probabilities

    def predict(
        self, sentences: Sequence[Sequence[str]], threshold: float | None = None
    ) -> list[frozenset[str]]:
        """The frames each sentence is given (probability >= ``threshold``, default the model's)."""
        cut = self.threshold if threshold is None else threshold
        above = self.probabilities(sentences) >= cut
        return [frozenset(f for f, hit in zip(self.frames, row, strict=True) if hit) for row in above]


def _tfidf(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear tf times idf, rows L2-normalised (scikit-learn's ``TfidfTransformer``)."""
    matrix = counts.astype(np.float32)
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, np.diff(matrix.indptr)).astype(np.float32)
    return matrix


def fit_classifier(
    sentences: Sequence[Sequence[str]],
    labels: Sequence[frozenset[str]],
    frames: Sequence[str],
    *,
    threshold: float = 0.5,
    c: float = 4.0,
    min_df: int = 2,
    min_positives: int = 3,
    info: dict[str, Any] | None = None,
) -> SentenceClassifier:
    """Fit one logistic regression per frame with ``min_positives`` or more positive sentences.

    Raises
    ------
    PolicytextError
        When no frame has enough positives, or lengths or the threshold are wrong.
    """
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    if len(sentences) != len(labels):
        raise PolicytextError(f"classifier: {len(sentences)} sentences but {len(labels)} label sets")
    if not 0.0 < threshold < 1.0:
        raise PolicytextError(f"classifier threshold {threshold}: give a probability between 0 and 1")
    rows, keys = feature_keys(sentences)
    pairs = np.unique(np.stack([rows.astype(np.uint64), keys]), axis=1)  # (sentence, key) once each
    unique_keys, df = np.unique(pairs[1], return_counts=True)
    kept = unique_keys[df >= min_df]
    n = len(sentences)
    idf = (np.log((1.0 + n) / (1.0 + df[df >= min_df])) + 1.0).astype(np.float32)
    positions = np.searchsorted(kept, keys)
    positions[positions >= len(kept)] = 0
    known = kept[positions] == keys if len(kept) else np.zeros(len(keys), dtype=bool)
    counts = csr_matrix(
        (np.ones(int(known.sum()), dtype=np.float32), (rows[known], positions[known])), shape=(n, len(kept))
    )
    counts.sum_duplicates()
    matrix = _tfidf(counts, idf)
    fitted_frames, coefs, intercepts = [], [], []
    for frame in frames:
        y = np.array([int(frame in label) for label in labels])
        if y.sum() < min_positives or y.sum() == n:
            continue
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=0)
        model.fit(matrix, y)
        fitted_frames.append(frame)
        coefs.append(model.coef_[0])
        intercepts.append(model.intercept_[0])
    if not fitted_frames:
        raise PolicytextError(f"classifier: no frame has {min_positives} or more positive sentences")
    return SentenceClassifier(
        frames=tuple(fitted_frames),
        keys=kept,
        idf=idf,
        coef=np.stack(coefs, axis=1).astype(np.float32),
        intercept=np.array(intercepts, dtype=np.float32),
        threshold=threshold,
        info={"features": FEATURES, "sentences": n, "c": c, "min_df": min_df, **(info or {})},
    )


_ARRAYS = ("keys", "idf", "coef", "intercept")


def save_classifier(classifier: SentenceClassifier, path: str | Path) -> str:
    """Write the classifier to ``path`` (same content, same bytes); return its sha256."""
    meta = {"frames": list(classifier.frames), "threshold": classifier.threshold, **classifier.info}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in (*_ARRAYS, "meta"):
            value = (
                np.array([json.dumps(meta, sort_keys=True)]) if name == "meta" else getattr(classifier, name)
            )
            array = io.BytesIO()
            np.lib.format.write_array(array, np.ascontiguousarray(value), allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, array.getvalue())
    data = buffer.getvalue()
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return hashlib.sha256(data).hexdigest()


def load_classifier(path: str | Path, sha256: str | None = None) -> SentenceClassifier:
    """Read a classifier file, checking its sha256 when given (cached per file and hash).

    Raises
    ------
    PolicytextError
        When the file is missing, is not a classifier, or its sha256 differs.
    """
    return _load(str(Path(path).resolve()), sha256)


@lru_cache(maxsize=8)
def _load(path: str, sha256: str | None) -> SentenceClassifier:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PolicytextError(f"{path}: cannot read classifier ({exc.strerror or exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256:
        raise PolicytextError(f"{path}: sha256 {digest[:12]} differs from the codebook's {sha256[:12]}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            values = {name: arrays[name] for name in _ARRAYS}
            meta = json.loads(str(arrays["meta"][0]))
        frames = tuple(str(f) for f in meta.pop("frames"))
        threshold = float(meta.pop("threshold"))
        coef = values["coef"]
        if coef.shape != (len(values["keys"]), len(frames)) or len(values["intercept"]) != len(frames):
            raise ValueError("array shapes disagree")
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise PolicytextError(f"{path}: not a policytext classifier ({exc})") from None
    if not math.isfinite(threshold):
        raise PolicytextError(f"{path}: not a policytext classifier (threshold {threshold})")
    return SentenceClassifier(frames, values["keys"], values["idf"], coef, values["intercept"], threshold,
                              meta, digest)  # fmt: skip
