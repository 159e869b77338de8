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
sentence's lower-case words, word bigrams, and the last four letters (words over four
letters) and first five letters (words over five) of each word. Features are 64-bit
hashes (BLAKE2b) of those strings, and only features seen in two or more training
sentences are kept: the file holds numbers, never text. Scoring needs only NumPy: each
distinct word's features are worked out once per process, and the rest is arithmetic
over the whole document at once. (Character 2-5-grams of each word scored the same in
cross-validation with about six times the features; see docs/validation.md.)

The file is a ZIP of ``.npy`` arrays (``numpy.load`` reads it; no pickle) written with
fixed timestamps, so the same training data give the same bytes and the same sha256.

Example::

    >>> words = sentence_words(["Give", "power", "to", "people", "."])
    >>> words
    ['give', 'power', 'to', 'people', '.']
    >>> rows, keys = feature_keys([words])
    >>> int(rows.max()), len(keys)  # 5 words, 4 bigrams, "ower", "ople", "peopl"
    (0, 12)
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from policytext._io import atomic_write
from policytext.errors import InputError, PolicytextError

__all__ = [
    "FEATURES",
    "SentenceClassifier",
    "feature_keys",
    "fit_classifier",
    "load_classifier",
    "save_classifier",
    "scored_word",
    "sentence_words",
    "text_words",
]

FEATURES = "words+bigrams+prefix5+suffix4/blake2b64/v2"
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM = np.uint64(0x2545F4914F6CDD1D)
_MAX_SEEN = 500_000
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def text_words(texts: Sequence[str], nlp: Any = None) -> list[list[str]]:
    """Each text as the words the classifier reads, tokenized as the tagger tokenizes.

    ``nlp`` is a spaCy pipeline whose tokenizer to use (default: blank English, the
    default pipeline's); texts are NFKC-normalised first, as the tagger compares them.
    """
    import unicodedata

    if nlp is None:
        import spacy

        nlp = spacy.blank("en")
    return [sentence_words([t.text for t in nlp.make_doc(unicodedata.normalize("NFKC", text))])
            for text in texts]  # fmt: skip


def sentence_words(tokens: Sequence[str]) -> list[str]:
    """The words a sentence is scored on: its tokens lower-cased, curly quotes made straight."""
    return [word for word in map(scored_word, tokens) if word]


def scored_word(token: str) -> str:
    """The word one token is scored as (:func:`sentence_words`), ``""`` for a token it drops."""
    return token.lower().translate(_QUOTES) if token and not token.isspace() else ""


def _word_features(word: str) -> list[str]:
    """The features of one word besides itself: its last four and first five letters."""
    out = []
    if len(word) > 4:
        out.append("s:" + word[-4:])
    if len(word) > 5:
        out.append("p:" + word[:5])
    return out


@lru_cache(maxsize=200_000)
def _word_keys(word: str) -> tuple[int, tuple[int, ...]]:
    """The unigram key of ``word`` and the keys of its other features."""
    return _hash("w:" + word), tuple(_hash(f) for f in _word_features(word))


def feature_keys(sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, keys)``: one entry per feature occurrence, ``rows`` the sentence index."""
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


class _KeyTable:
    """A hash table from ``uint64`` keys to row numbers (``>= 0``), looked up with NumPy.

    Open addressing with linear probing: a key's home slot is the top bits of the key times
    an odd constant, and each step of a probe is one NumPy operation over all the keys still
    looking, so a lookup costs a few passes over the keys, not a sort of them. Keys are only
    added (``clear`` empties the table); it doubles when more than ``1 / spare`` full.
    """

    def __init__(self, keys: np.ndarray | None = None, *, spare: int = 2) -> None:
        self.spare = spare
        self.clear()
        if keys is not None and len(keys):  # a key given twice keeps its first row
            unique, first = np.unique(np.asarray(keys, dtype=np.uint64), return_index=True)
            self.add(unique, first)

    def clear(self) -> None:
        self._resize(1024)
        self.size = 0

    def _resize(self, capacity: int) -> None:
        self.keys = np.zeros(capacity, dtype=np.uint64)
        self.rows = np.full(capacity, -1, dtype=np.int64)  # -1: an empty slot
        self.mask = capacity - 1
        self.shift = np.uint64(64 - capacity.bit_length() + 1)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        home = keys * _MIX  # wraps modulo 2**64
        home >>= self.shift
        return home.view(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The row of each of ``keys``, ``-1`` for a key not in the table."""
        slot = self._home(keys)
        found: np.ndarray = self.rows[slot]
        hit = self.keys[slot] == keys
        todo = np.flatnonzero(~hit & (found >= 0))  # the slot holds another key: probe the next
        found[~hit] = -1
        slot, keys = slot[todo], keys[todo]
        while len(todo):
            slot = (slot + 1) & self.mask
            row = self.rows[slot]
            hit = (self.keys[slot] == keys) & (row >= 0)
            found[todo[hit]] = row[hit]
            on = (row >= 0) & ~hit
            todo, slot, keys = todo[on], slot[on], keys[on]
        return found

    def add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Add ``keys`` (distinct, none in the table yet) with their ``rows``."""
        if (self.size + len(keys)) * self.spare > len(self.keys):
            capacity = len(self.keys)
            while (self.size + len(keys)) * self.spare > capacity:
                capacity *= 2
            full = self.rows >= 0
            old_keys, old_rows = self.keys[full], self.rows[full]
            self._resize(capacity)
            self._place(old_keys, old_rows)
        self._place(np.asarray(keys, dtype=np.uint64), np.asarray(rows, dtype=np.int64))
        self.size += len(keys)

    def _place(self, keys: np.ndarray, rows: np.ndarray) -> None:
        slot = self._home(keys)
        while len(keys):
            free = np.flatnonzero(self.rows[slot] < 0)
            self.keys[slot[free]] = keys[free]  # of keys sharing a free slot, the last one stays there
            placed = np.zeros(len(keys), dtype=bool)
            placed[free] = self.keys[slot[free]] == keys[free]
            self.rows[slot[placed]] = rows[placed]
            keys, rows, slot = keys[~placed], rows[~placed], (slot[~placed] + 1) & self.mask


class _WordTable:
    """Words already seen (by id): their unigram key and the positions of their known features."""

    width = 3  # a word has at most three features: itself, its last four, its first five letters

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.ids = _KeyTable()  # word id -> row
        self.grams: dict[str, int] = {}  # feature string -> position in the model's keys, or -1
        self.unigram = np.zeros(0, dtype=np.uint64)
        self.features = np.full((0, self.width), -1, dtype=np.int32)
        self.size = 0

    def add(self, ids: list[int], unigrams: np.ndarray, features: np.ndarray) -> None:
        """Add words: their ids, unigram keys and feature positions (``len(ids) x width``, -1: none)."""
        needed = self.size + len(ids)
        if needed > len(self.unigram):  # grow by doubling, so adding words stays cheap
            capacity = max(needed, 2 * len(self.unigram), 1024)
            unigram = np.zeros(capacity, dtype=np.uint64)
            unigram[: self.size] = self.unigram[: self.size]
            grown = np.full((capacity, self.width), -1, dtype=np.int32)
            grown[: self.size] = self.features[: self.size]
            self.unigram, self.features = unigram, grown
        first = self.size
        self.unigram[first:needed] = unigrams
        self.features[first:needed] = features
        self.size = needed
        self.ids.add(np.array(ids, dtype=np.uint64), np.arange(first, needed))


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
    _words: _WordTable = field(default_factory=lambda: _WordTable(), compare=False, repr=False)
    _positions: _KeyTable = field(init=False, compare=False, repr=False)  # key -> its position in keys
    _coef: dict[int, np.ndarray] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_positions", _KeyTable(self.keys, spare=4))  # mostly empty: short probes

    def token_probabilities(
        self,
        ids: np.ndarray,
        rows: np.ndarray,
        n_rows: int,
        word: Callable[[int], str],
        columns: Sequence[int] | None = None,
    ) -> np.ndarray:
        """:meth:`probabilities` for tokens given as word ids (e.g. spaCy's ``LOWER`` hashes).

        ``rows`` gives each token's sentence (non-decreasing, ``0 <= row < n_rows``);
        ``word(id)`` is the token's word (see :func:`sentence_words`; ``""`` drops the token).
        Each distinct id is turned into features once and remembered (up to 500,000 words),
        and the rest is NumPy arithmetic over the document at once, so scoring costs little
        next to tokenization. ``columns`` limits the work to those frames (the others' columns
        are left at zero).
        """
        if n_rows == 0:
            return np.zeros((0, len(self.frames)), dtype=np.float32)
        table = self._words
        ids = np.asarray(ids, dtype=np.uint64)
        token_word = table.ids.get(ids)
        unseen = token_word < 0
        if unseen.any():
            missing = np.unique(ids[unseen])
            if table.size + len(missing) > _MAX_SEEN:  # a bound on memory over a very long run
                table.clear()
                unseen[:] = True
                missing = np.unique(ids)
            self._learn_words(missing.tolist(), word)
            token_word[unseen] = table.ids.get(ids[unseen])
        unigram = table.unigram[token_word]
        present = unigram != 0  # tokens with no word (spaces) are dropped
        token_word, rows, unigram = token_word[present], np.asarray(rows)[present], unigram[present]
        # A cell is a (sentence, feature) pair, as one number: sentence * len(keys) + feature.
        n_keys = len(self.keys)
        small = n_rows * n_keys <= np.iinfo(np.int32).max
        row_cell = rows.astype(np.int32 if small else np.int64) * n_keys
        # The positions of each token's known features, -1 for none.
        features = np.take(table.features, token_word, axis=0)
        same = rows[1:] == rows[:-1]  # word bigrams within a sentence
        bigrams = unigram[:-1][same] * _MIX  # (first * _MIX) ^ (second + _BIGRAM), modulo 2**64
        bigrams ^= unigram[1:][same] + _BIGRAM
        positions = self._positions.get(bigrams)
        known = positions >= 0
        cell = np.concatenate(
            [
                (features + row_cell[:, None])[features >= 0],
                row_cell[:-1][same][known] + positions[known].astype(row_cell.dtype),
            ]
        )
        cell.sort()  # then each cell's count is the length of its run
        change = np.ones(len(cell), dtype=bool)
        np.not_equal(cell[1:], cell[:-1], out=change[1:])
        first = np.flatnonzero(change)
        counts = np.diff(first, append=len(cell))
        row_of, col_of = np.divmod(cell[first], n_keys)
        weight = np.log(counts)  # sublinear tf times idf: (1 + log(count)) * idf
        weight += 1.0
        weight *= self.idf[col_of]
        weight = weight.astype(np.float32)
        norms = np.sqrt(np.bincount(row_of, weights=weight * weight, minlength=n_rows))
        norms[norms == 0] = 1.0
        weight = weight / norms[row_of]
        wanted = range(len(self.frames)) if columns is None else columns
        probabilities: np.ndarray = np.zeros((n_rows, len(self.frames)), dtype=np.float64)
        for j in wanted:
            score = self._column(j)[col_of]
            score *= weight
            score = np.bincount(row_of, weights=score, minlength=n_rows) + self.intercept[j]
            probabilities[:, j] = 1.0 / (1.0 + np.exp(-score))
        return probabilities

    def _column(self, j: int) -> np.ndarray:
        """Frame ``j``'s coefficients, contiguous and float64 (as the sums are), made once."""
        if j not in self._coef:
            self._coef[j] = self.coef[:, j].astype(np.float64)
        return self._coef[j]

    def _learn_words(self, ids: list[int], word: Callable[[int], str]) -> None:
        """Remember the features of words not seen before (all of them at once: fewer NumPy calls).

        A word's row holds the positions of its unigram, last four and first five letters
        in the model's keys (-1 where the model lacks one or the word is too short).
        """
        grams = self._words.grams
        texts = [word(i) for i in ids]
        suffixes = ["s:" + text[-4:] if len(text) > 4 else "" for text in texts]
        prefixes = ["p:" + text[:5] if len(text) > 5 else "" for text in texts]
        new = sorted({f for f in (*suffixes, *prefixes) if f and f not in grams})
        if new:  # affixes shared by many words are looked up once
            positions, known = self._known(np.array([_hash(f) for f in new], dtype=np.uint64))
            grams.update(zip(new, np.where(known, positions, -1).tolist(), strict=True))
        unigrams = np.array([_hash("w:" + text) if text else 0 for text in texts], dtype=np.uint64)
        positions, known = self._known(unigrams)
        features = np.empty((len(ids), _WordTable.width), dtype=np.int32)
        features[:, 0] = np.where(known & (unigrams != 0), positions, -1)
        features[:, 1] = [grams.get(f, -1) for f in suffixes]  # "": too short for one
        features[:, 2] = [grams.get(f, -1) for f in prefixes]
        self._words.add(ids, unigrams, features)

    def _known(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``keys`` in the model's keys, and which of them are there."""
        positions = self._positions.get(keys)
        return positions, positions >= 0

    def probabilities(self, sentences: Sequence[Sequence[str]]) -> np.ndarray:
        """The probability of each frame for each sentence (a sentence is a list of words)."""
        if not sentences:
            return np.zeros((0, len(self.frames)), dtype=np.float32)
        words = [w for sentence in sentences for w in sentence]
        ids = np.array([_hash("id:" + w) for w in words], dtype=np.uint64)
        rows = np.repeat(np.arange(len(sentences)), [len(sentence) for sentence in sentences])
        texts = dict(zip(ids.tolist(), words, strict=True))
        return self.token_probabilities(ids, rows, len(sentences), lambda key: texts.get(key) or "")


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
    if target.suffix != ".npz":
        raise InputError(f"{target}: a classifier file is a .npz file (name it *.npz)")
    with atomic_write(target, mode="wb") as handle:  # never onto a database; whole or not at all
        handle.write(data)  # type: ignore[arg-type]
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
        if meta.get("features") != FEATURES:
            found = meta.get("features")
            raise ValueError(f"features {found!r}, this version reads {FEATURES!r}; retrain it")
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
