"""Codebooks: frames, patterns and exclusions, loaded from TOML or imported dictionaries.

A codebook says which words and constructions signal which rhetorical frame.
It is plain data: :func:`load_codebook` reads a TOML codebook (the format is
documented in ``docs/codebook.md``), a quanteda YAML dictionary or a LIWC
``.dic`` file, validates it and returns a frozen :class:`Codebook`. Every
problem is reported as ``FILE:LINE: problem``. :func:`check_codebook` also finds
patterns that can never match (for instance a multi-word entry that the
tokenizer splits differently), which dictionary tools often miss silently.

Example::

    >>> from policytext.codebook import load_codebook
    >>> codebook = load_codebook()          # the default codebook
    >>> codebook.frames[:2]
    ('empowerment', 'devolution')
"""

from policytext.codebook.build import codebook_from_dict
from policytext.codebook.check import check_codebook
from policytext.codebook.describe import describe_codebook
from policytext.codebook.load import READERS, default_codebook_path, load_codebook
from policytext.codebook.model import (
    DEFAULT_NEGATION_CUES,
    EXCLUSION_KINDS,
    MODEL_PATTERN_PREFIX,
    PATTERN_KINDS,
    Codebook,
    CodebookProblem,
    Exclusion,
    Frame,
    Pattern,
    is_sentence_decision,
)
from policytext.codebook.toml_format import parse_toml_codebook

__all__ = [
    "DEFAULT_NEGATION_CUES",
    "EXCLUSION_KINDS",
    "MODEL_PATTERN_PREFIX",
    "PATTERN_KINDS",
    "READERS",
    "Codebook",
    "CodebookProblem",
    "Exclusion",
    "Frame",
    "Pattern",
    "check_codebook",
    "codebook_from_dict",
    "default_codebook_path",
    "describe_codebook",
    "is_sentence_decision",
    "load_codebook",
    "parse_toml_codebook",
]
