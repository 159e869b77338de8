"""Lemma forms and the compilation of codebook patterns into token specs.

Lemma patterns are compiled once into every inflected lower-case form of the
lemma (from spaCy's English lookup table, plus -ise/-ize spellings), so the
pipeline needs no lemmatizer at run time and matching ignores case.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

__all__ = ["FILLERS", "LEMMA_CORRECTIONS", "lemma_forms", "phrase_specs", "token_specs"]

logger = logging.getLogger(__name__)

# Words a phrase may skip between its terms: "empowered THE community", "give OUR councils".
FILLERS = (
    "a", "an", "the", "this", "that", "these", "those", "their", "our", "your", "his", "her",
    "its", "my", "more", "new", "real", "greater", "some", "all", "every", "local", "to", "back",
)  # fmt: skip


# -- lemma forms ---------------------------------------------------------------------


# Where spaCy's English lookup table gives a wrong lemma for a word that political
# texts use, so that a pattern on the right lemma would miss the form (or a pattern
# on the form would match another word's inflections). Documented in docs/codebook.md.
LEMMA_CORRECTIONS: dict[str, str] = {
    "putting": "put",  # table: "putt"
    "developing": "develop",  # table: "develope"
    "developed": "develop",
    "taxes": "tax",  # table: "taxis"
    "enrolled": "enrol",  # table: "enroll" (American), leaving British "enrol" without it
    "enrolling": "enrol",
    "ground": "ground",  # table: "grind"; in speeches "on the ground", "common ground"
    "grounds": "ground",
    "as": "as",  # table: "a"
}
# Comparatives and superlatives the table folds into another word ("most" -> "much").
_DEGREE_WORDS = frozenset(
    {"more", "most", "less", "least", "better", "best", "worse", "worst", "further", "furthest"}
)


@cache
def _lemma_tables() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """The English lookup table (form -> lemma, lower-cased) and its inverse."""
    import gzip
    from importlib import resources

    try:
        data_dir = resources.files("spacy_lookups_data") / "data"
        with gzip.open(str(data_dir / "en_lemma_lookup.json.gz"), "rt", encoding="utf-8") as handle:
            table: dict[str, str] = json.load(handle)
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - dependency missing
        logger.warning("spacy-lookups-data is not installed; lemma patterns match regular inflections only")
        table = {}
    lemma_of: dict[str, str] = {}
    for form, lemma in table.items():
        lemma_of.setdefault(form.lower(), lemma.lower())
    lemma_of.update(LEMMA_CORRECTIONS)
    inverse: dict[str, set[str]] = {}
    for form, lemma in lemma_of.items():
        inverse.setdefault(lemma, set()).add(form)
    return lemma_of, {lemma: frozenset(forms) for lemma, forms in inverse.items()}


def _regular_forms(word: str) -> set[str]:
    forms = {word, word + "s"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    elif word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied", word + "ing"}
    else:
        forms |= {word + "ed", word + "ing", word + "es"}
    return forms


def _is_degree_form(word: str, lemma: str) -> bool:
    """Whether ``word`` is a comparative or superlative of ``lemma`` ("closer", "poorest", "most")."""
    if word == lemma:
        return False
    if word in _DEGREE_WORDS:
        return True
    return word.endswith(("er", "est")) and not lemma.endswith(("er", "est")) and word[:3] == lemma[:3]


@cache
def _closed_class() -> frozenset[str]:
    """Function words (determiners, pronouns, prepositions, conjunctions): never inflected.

    spaCy's English stop words, less those the lookup table inflects (verbs such as
    "give", "put" or "take", nouns such as "part").
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    lemma_of, inverse = _lemma_tables()
    return frozenset(
        word
        for word in STOP_WORDS
        if word not in inverse and word not in lemma_of and "'" not in word and "’" not in word
    )


_ISE = re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$")
_IZE = re.compile(r"iz(e|ed|es|ing|ation|ations|er|ers)$")


@cache
def lemma_forms(word: str) -> frozenset[str]:
    """Every lower-case form of the lemma of ``word`` (British and American -ise/-ize spellings).

    Cached per process: every pipeline built compiles the codebook's lemmas again.

    Parameters
    ----------
    word:
        A word in any form ("empower", "Devolved").

    Returns
    -------
    frozenset[str]
        The lemma and its inflections, lower-cased.

    Example::

        >>> sorted(lemma_forms("devolve"))
        ['devolve', 'devolved', 'devolves', 'devolving']
    """
    lemma_of, inverse = _lemma_tables()
    word = word.lower()
    lemma = lemma_of.get(word, word)
    if _is_degree_form(word, lemma) or word in _closed_class():
        # "closer" means closer, not "closed"; "the" has no inflections ("thing").
        return frozenset({word})
    # The positive's comparatives and superlatives are other words: "big" is not "bigger".
    forms = {form for form in inverse.get(lemma, ()) if not _is_degree_form(form, lemma)}
    forms |= {lemma, word}
    if len(forms) <= 2 and lemma not in inverse and word not in lemma_of and lemma.isalpha():
        forms |= _regular_forms(lemma)
    for form in list(forms):
        if _ISE.search(form):
            forms.add(_ISE.sub(r"iz\1", form))
        elif _IZE.search(form):
            forms.add(_IZE.sub(r"is\1", form))
    return frozenset(forms)


# -- compiling patterns ------------------------------------------------------------------


def _glob_regex(term: str) -> str:
    return "^" + fnmatch.translate(term).removeprefix("(?s:").removesuffix(")\\Z") + "$"


# Stand-ins for glob wildcards while the tokenizer splits a glob (letters, so no rule splits them).
_STAR, _QUESTION = "qxzstarqxz", "qxzquestionqxz"


def _glob_specs(glob: str, tokenize: Callable[[str], list[str]]) -> list[dict[str, Any]]:
    """Token specs of a glob, split as the tokenizer splits text.

    "co-operat*" becomes ``co | - | operat*``: kept as one token slot it could
    never match, because the tokenizer splits "co-operative" at the hyphen.
    """
    specs: list[dict[str, Any]] = []
    for piece in tokenize(glob.replace("*", _STAR).replace("?", _QUESTION)):
        piece = piece.replace(_STAR, "*").replace(_QUESTION, "?")
        if "*" in piece or "?" in piece:
            specs.append({"LOWER": {"REGEX": _glob_regex(piece)}})
        else:
            specs.append({"LOWER": piece})
    return specs


def _term_specs(term: str, tokenize: Callable[[str], list[str]]) -> list[dict[str, Any]]:
    """Token specs of one whitespace-separated term (it may tokenise into several tokens)."""
    if "*" in term or "?" in term:
        return _glob_specs(term.lstrip("="), tokenize)
    if term.startswith("="):
        return [{"LOWER": piece} for piece in tokenize(term[1:])]
    specs: list[dict[str, Any]] = []
    for piece in tokenize(term):
        if piece.isalpha():
            specs.append({"LOWER": {"IN": sorted(lemma_forms(piece))}})
        else:
            specs.append({"LOWER": piece})
    return specs


def phrase_specs(
    terms: Iterable[str], gap: int, tokenize: Callable[[str], list[str]]
) -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = []
    for position, term in enumerate(terms):
        if position:
            specs.append({"LOWER": {"IN": list(FILLERS)}, "OP": "{0,2}"})
            if gap:
                specs.append({"IS_PUNCT": False, "OP": f"{{0,{gap}}}"})
        specs.extend(_term_specs(term, tokenize))
    return specs


def token_specs(tokens: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A user's token pattern with LEMMA rewritten to the lower-case forms of the lemma."""
    specs: list[dict[str, Any]] = []
    for token in tokens:
        spec: dict[str, Any] = {}
        for attr, value in token.items():
            name = attr.upper() if attr != "_" else attr
            if name == "LEMMA":
                if isinstance(value, str):
                    spec["LOWER"] = {"IN": sorted(lemma_forms(value))}
                    continue
                if isinstance(value, dict) and set(value) <= {"IN", "NOT_IN"}:
                    rewritten = {
                        op: sorted({f for word in words for f in lemma_forms(word)})
                        for op, words in value.items()
                    }
                    spec["LOWER"] = rewritten
                    continue
            if name in ("TEXT", "ORTH") and isinstance(value, str):
                spec["ORTH"] = value
                continue
            spec[name] = value
        specs.append(spec)
    return specs
