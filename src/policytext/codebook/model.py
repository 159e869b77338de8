"""The codebook model: frames, patterns and exclusions as frozen records.

A :class:`Codebook` is plain, validated data; readers (:mod:`.toml_format`,
:mod:`.dictionaries`) build it, :func:`~policytext.codebook.build.codebook_from_dict`
validates it, and :meth:`Codebook.to_json` is its one canonical stored form.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from policytext._text import sha256_hex
from policytext.errors import CodebookError

__all__ = [
    "DEFAULT_NEGATION_CUES",
    "ClassifierRef",
    "EXCLUSION_KINDS",
    "PATTERN_KINDS",
    "Codebook",
    "CodebookProblem",
    "Exclusion",
    "Frame",
    "Pattern",
    "MODEL_PATTERN_PREFIX",
    "is_sentence_decision",
]

#: How the pattern id of a trained model's matches begins (``model:NAME@SHA12``).
MODEL_PATTERN_PREFIX = "model:"
_CLASSIFIER_PATTERN_PREFIX = "classifier@"


def is_sentence_decision(pattern_id: str) -> bool:
    """Whether a match's pattern id is a classifier's or a model's: a whole sentence, not words.

    Example::

        >>> is_sentence_decision("classifier@1a2b3c4d5e6f"), is_sentence_decision("dev_localism")
        (True, False)
    """
    return pattern_id.startswith((_CLASSIFIER_PATTERN_PREFIX, MODEL_PATTERN_PREFIX))


PATTERN_KINDS = ("phrase", "tokens", "proximity", "dependency")
EXCLUSION_KINDS = ("phrase", "tokens")
DEFAULT_NEGATION_CUES = ("not", "n't", "never", "no", "nor", "neither", "without", "cannot")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PATTERN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
# Token attributes that the blank pipeline (sentencizer only) never sets.
_TRAINED_ATTRS = frozenset({"POS", "TAG", "DEP", "MORPH", "ENT_TYPE", "ENT_IOB", "ENT_ID", "HEAD"})
_STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "LEMMA"})
_KNOWN_ATTRS = frozenset(
    {
        "ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT",
        "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_SENT_START",
        "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "SHAPE", "PREFIX", "SUFFIX", "SPACY", "OP",
        "_", *_TRAINED_ATTRS,
    }
)  # fmt: skip


@dataclass(frozen=True)
class Frame:
    """A rhetorical frame: its id (used in tables and gold files), label and definition."""

    id: str
    label: str
    definition: str = ""


@dataclass(frozen=True)
class Pattern:
    """One pattern of a codebook.

    ``kind`` is ``phrase`` (``terms``: words matched on their lemma, in order,
    with determiners and up to ``gap`` other words between them), ``tokens`` (a
    spaCy Matcher pattern in ``tokens``) or ``proximity`` (a term of ``near[0]``
    within ``window`` tokens of a term of ``near[1]`` in one sentence, in that
    order when ``ordered``) or ``dependency`` (a spaCy DependencyMatcher pattern in
    ``dependency``: it needs a pipeline with a parser). ``line`` is where it was
    defined (0 when unknown).
    """

    id: str
    frame: str
    kind: str
    terms: tuple[str, ...] = ()
    tokens: tuple[dict[str, Any], ...] = ()
    near: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    dependency: tuple[dict[str, Any], ...] = ()
    window: int = 8
    gap: int = 0
    ordered: bool = False
    note: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Exclusion:
    """A context that vetoes matches: ``phrase`` terms or spaCy ``tokens``.

    A match of one of ``frames`` (every frame when empty) that overlaps the
    excluded span is dropped; with ``scope = "sentence"`` every such match in
    the sentence is dropped.
    """

    id: str
    kind: str
    terms: tuple[str, ...] = ()
    tokens: tuple[dict[str, Any], ...] = ()
    frames: tuple[str, ...] = ()
    scope: str = "overlap"
    gap: int = 0
    note: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ClassifierRef:
    """A codebook's sentence classifier (``[classifier]``): its file's sha256 and threshold.

    ``frames`` limits the frames it may add (empty: every frame it was trained on).
    ``path`` is where the file was found on this machine; it is not part of the
    codebook's content (the hash covers ``sha256`` and ``threshold``).
    """

    sha256: str
    threshold: float
    frames: tuple[str, ...] = ()
    path: str = field(default="", compare=False)

    @property
    def pattern_id(self) -> str:
        """The pattern id of the classifier's matches: ``classifier@SHA12``."""
        return f"{_CLASSIFIER_PATTERN_PREFIX}{self.sha256[:12]}"


@dataclass(frozen=True)
class Codebook:
    """A validated codebook.

    ``frames`` holds the frame ids in order; ``frame_defs`` the full
    :class:`Frame` records. ``hash`` identifies the content (not the file), so
    tags made with it can be traced and replaced when it changes.

    Example::

        >>> from policytext.codebook import load_codebook
        >>> cb = load_codebook()
        >>> cb.frame("devolution").label
        'Devolution'
    """

    name: str
    version: str
    frame_defs: tuple[Frame, ...]
    patterns: tuple[Pattern, ...]
    exclusions: tuple[Exclusion, ...] = ()
    negation_cues: tuple[str, ...] = DEFAULT_NEGATION_CUES
    negation_window: int = 5
    description: str = ""
    classifier: ClassifierRef | None = None
    source: str = field(default="", compare=False)

    @property
    def frames(self) -> tuple[str, ...]:
        """Frame ids, in codebook order."""
        return tuple(frame.id for frame in self.frame_defs)

    def frame(self, frame_id: str) -> Frame:
        """The frame record with id ``frame_id``."""
        for frame in self.frame_defs:
            if frame.id == frame_id:
                return frame
        raise CodebookError(f"{self.source or self.name}: no frame {frame_id!r}")

    def to_dict(self) -> dict[str, Any]:
        """The content as plain data (JSON-able); :func:`codebook_from_dict` reads it back."""
        data = asdict(self)
        data.pop("source")
        for key in ("patterns", "exclusions"):
            for item in data[key]:
                item.pop("line")
                if not item.get("dependency"):
                    # Absent unless used, so codebooks written before the dependency kind
                    # keep their hash (stored tags are keyed by it).
                    item.pop("dependency", None)
        if data["classifier"] is None:
            data.pop("classifier")  # absent unless used: older codebooks keep their hash
        return data

    def to_json(self) -> str:
        """Canonical JSON of the content (sorted keys, no whitespace)."""
        return self._json

    @cached_property
    def _json(self) -> str:
        """:meth:`to_json`, made once (the codebook is frozen; every ``tag`` run stores it)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def hash(self) -> str:
        """SHA-256 (hex) of the canonical content (computed once: the codebook is frozen).

        A classifier counts by its sha256 and threshold, not by where its file lies.
        """
        data = self.to_dict()
        if "classifier" in data:
            data["classifier"].pop("path")
        return sha256_hex(json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False))


@dataclass(frozen=True)
class CodebookProblem:
    """A problem found by :func:`check_codebook`: ``FILE:LINE: message``."""

    file: str
    line: int
    message: str
    is_error: bool = True

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {'' if self.is_error else 'warning: '}{self.message}"
