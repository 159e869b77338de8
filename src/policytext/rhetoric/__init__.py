"""The rhetoric tagger: a spaCy component that finds codebook frames in text.

Registered as the factory ``policytext_rhetoric`` (and advertised through the
``spacy_factories`` entry point), so any English pipeline can use it::

    nlp.add_pipe("policytext_rhetoric", config={"codebook": "my-codebook.toml"})

Matches go to ``doc.spans["rhetoric"]``, labelled with the frame id; each
span's ``id_`` is the pattern id that produced it. Extension attributes (set up
when the first component is built, never at import time):

- ``span._.rhetoric_negated``: the match sits in a negated clause
- ``span._.rhetoric_frames``: on a sentence, the set of frames matched in it
- ``doc._.rhetoric_sentences``: a frozenset of frames per sentence, in order
- ``doc._.rhetoric_counts``: matches per frame

Lemma patterns are compiled once into every inflected lower-case form of the
lemma (from spaCy's English lookup table, plus -ise/-ize spellings), so the
pipeline needs no lemmatizer at run time and matching ignores case: "Empowering
communities" and "empowered the community" both match ``empower community``.

Example::

    >>> nlp = build_pipeline()
    >>> doc = nlp("We will devolve power to local councils.")
    >>> [(span.label_, span.id_) for span in doc.spans["rhetoric"]][:1]
    [('devolution', 'dev-devolve')]
"""

from __future__ import annotations

import bisect
import fnmatch
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from policytext.codebook import Codebook, Exclusion, Pattern, codebook_from_dict, load_codebook
from policytext.errors import CodebookError, InputError

__all__ = [
    "SPAN_KEY",
    "Match",
    "RhetoricTagger",
    "FastSentencizer",
    "build_pipeline",
    "doc_matches",
    "lemma_forms",
    "sentence_starts",
    "make_rhetoric_tagger",
]

logger = logging.getLogger(__name__)

SPAN_KEY = "rhetoric"
# Words a phrase may skip between its terms: "empowered THE community", "give OUR councils".
FILLERS = (
    "a", "an", "the", "this", "that", "these", "those", "their", "our", "your", "his", "her",
    "its", "my", "more", "new", "real", "greater", "some", "all", "every", "local", "to", "back",
)  # fmt: skip
_CLAUSE_BREAKS = frozenset({",", ";", ":", "(", ")", "—", "–", "-", "but", "yet", "although", "though"})

# A cue followed by these words does not negate what follows: "not only devolve
# power but ...", "no doubt we will devolve".
_NOT_NEGATING = frozenset(
    {
        ("not", "only"), ("not", "just"), ("not", "merely"), ("not", "simply"),
        ("not", "least"), ("n't", "only"), ("n't", "just"), ("no", "doubt"),
        ("no", "wonder"), ("no", "matter"),
    }
)  # fmt: skip


@dataclass(frozen=True)
class Match:
    """One frame match in a text: where, which frame, which pattern, negated or not."""

    sentence: int
    sent_start: int
    sent_end: int
    start_char: int
    end_char: int
    frame: str
    pattern_id: str
    text: str
    negated: bool


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


def lemma_forms(word: str) -> frozenset[str]:
    """Every lower-case form of the lemma of ``word`` (British and American -ise/-ize spellings).

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
    forms = set(inverse.get(lemma, ())) | {lemma, word}
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


def _phrase_specs(
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


def _token_specs(tokens: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
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


# -- the fast matcher ----------------------------------------------------------------------
#
# spaCy's Matcher evaluates IN/REGEX predicates and {n,m} operators in Python for
# every token and pattern state, which costs several times the tokenizer. Patterns
# made only of lower-case word tests (the common case: lemma forms, literal words,
# globs, punctuation) compile instead into sets of lexeme hashes; a Doc is matched
# by looking up candidate start tokens in one numpy pass and running each pattern
# from those positions only. Other patterns (POS, DEP, ...) use spaCy's Matcher.

_OPS = {None: (1, 1), "?": (0, 1), "*": (0, 1 << 30), "+": (1, 1 << 30), "!": None}


def _op_range(op: str | None) -> tuple[int, int] | None:
    if op in _OPS:
        return _OPS[op]
    found = re.match(r"^\{(\d*)(,?)(\d*)\}$", op or "")
    if not found:
        return None
    low = int(found.group(1) or 0)
    high = int(found.group(3)) if found.group(3) else (low if not found.group(2) else 1 << 30)
    return low, high


class _FastSpec:
    """One token slot: a test on the lower-case form (set or regex) or on punctuation."""

    __slots__ = ("hashes", "high", "is_punct", "low", "regex")

    def __init__(
        self,
        low: int,
        high: int,
        *,
        hashes: AbstractSet[int] | None = None,
        regex: re.Pattern[str] | None = None,
        is_punct: bool | None = None,
    ) -> None:
        self.low, self.high = low, high
        self.hashes, self.regex, self.is_punct = hashes, regex, is_punct


def _fast_specs(specs: list[dict[str, Any]], strings: Any) -> list[_FastSpec] | None:
    """Compile Matcher specs into fast specs, or None when a spec needs spaCy's Matcher."""
    out: list[_FastSpec] = []
    for spec in specs:
        bounds = _op_range(spec.get("OP"))
        if bounds is None:
            return None
        keys = set(spec) - {"OP"}
        if keys == {"LOWER"}:
            value = spec["LOWER"]
            if isinstance(value, str):
                out.append(_FastSpec(*bounds, hashes=frozenset({strings.add(value)})))
            elif isinstance(value, dict) and set(value) == {"IN"}:
                out.append(_FastSpec(*bounds, hashes=frozenset(strings.add(v) for v in value["IN"])))
            elif isinstance(value, dict) and set(value) == {"REGEX"}:
                out.append(_FastSpec(*bounds, regex=re.compile(value["REGEX"])))
            else:
                return None
        elif keys == {"IS_PUNCT"} and isinstance(spec["IS_PUNCT"], bool):
            out.append(_FastSpec(*bounds, is_punct=spec["IS_PUNCT"]))
        else:
            return None
    return out


class _FastMatcher:
    """Matches compiled lower-case patterns; returns ``(key, start, end)`` with the longest end per start.

    Each pattern is triggered by its most selective required slot (the one with
    fewest function words and punctuation): one numpy pass finds the tokens of
    every trigger, and only patterns whose trigger occurs are run, from the
    start positions the trigger allows. Regex slots become sets of word hashes
    that grow as new words are seen, so a word is tested against a regex once
    per process.
    """

    _UNBOUNDED = 1 << 20

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab
        self.patterns: list[tuple[int, list[_FastSpec]]] = []
        self._regex_sets: dict[str, set[int]] = {}  # regex -> hashes of words it matches
        self._regex_specs: list[_FastSpec] = []
        self._checked: set[int] = set()  # word hashes already tested against every regex
        self._combined: re.Pattern[str] | None = None
        self._combined_key: tuple[str, ...] = ()
        # Per pattern, the slots that may trigger it: (spec, fewest, most tokens before it).
        self._plans: list[list[tuple[_FastSpec, int, int]]] | None = None
        # trigger word hash (or regex) -> (pattern index, trigger option index) pairs
        self._by_hash: dict[int, list[tuple[int, int]]] = {}
        self._by_regex: dict[str, list[tuple[int, int]]] = {}
        self._always: list[int] = []  # plans without a usable trigger: tried everywhere
        self._first: list[frozenset[int] | None] = []
        # Per pattern, when every slot takes exactly one token: (hashes or None, is_punct) per slot.
        self._fixed: list[list[tuple[AbstractSet[int] | None, bool | None]] | None] = []
        self._anchors: Any = None

    def add(self, key: int, specs: list[_FastSpec]) -> None:
        for spec in specs:
            if spec.regex is not None:
                # Specs with the same regex share one growing set of hashes.
                spec.hashes = self._regex_sets.setdefault(spec.regex.pattern, set())
                self._regex_specs.append(spec)
                self._checked = set()
        self.patterns.append((key, specs))
        self._plans = None

    def _commonness(self, spec: _FastSpec) -> tuple[int, int]:
        if spec.regex is not None:
            return (0, 0)
        from spacy.lang.en.stop_words import STOP_WORDS

        strings = self.vocab.strings
        words = [str(strings[h]) for h in spec.hashes or () if h in strings]
        return (sum(1 for w in words if w in STOP_WORDS or not w.isalpha()), len(words))

    def _plan(self) -> None:
        """Choose each pattern's trigger slot and the offsets of its start before the trigger."""
        import numpy as np

        self._plans, self._by_hash, self._by_regex, self._always = [], {}, {}, []
        self._fixed = [
            [(spec.hashes, spec.is_punct) for spec in specs]
            if all(spec.low == spec.high == 1 for spec in specs)
            else None
            for _, specs in self.patterns
        ]
        self._first = []
        for _, specs in self.patterns:
            # Words that can stand at a match's first token (None: any token may).
            first: set[int] | None = set()
            for spec in specs:
                if spec.regex is not None or spec.hashes is None or first is None:
                    first = None
                    break
                first |= spec.hashes
                if spec.low > 0:
                    break
            self._first.append(frozenset(first) if first is not None else None)
        for index, (_, specs) in enumerate(self.patterns):
            # Required slots with a bounded number of tokens before them can trigger the
            # pattern; of those, slots without function words or punctuation are all
            # indexed (the rarest in each document is used), else the least common one.
            options: list[tuple[tuple[int, int], _FastSpec, int, int]] = []
            low = high = 0
            for spec in specs:
                if spec.low > 0 and spec.is_punct is None and high < self._UNBOUNDED:
                    options.append((self._commonness(spec), spec, low, high))
                low += spec.low
                high = min(self._UNBOUNDED, high + spec.high)
            content = [option for option in options if option[0][0] == 0]
            chosen = content or sorted(options, key=lambda option: option[0])[:1]
            self._plans.append([(spec, low, high) for _, spec, low, high in chosen])
            if not chosen:
                self._always.append(index)
            for option, (_, spec, _, _) in enumerate(chosen):
                if spec.regex is not None:
                    self._by_regex.setdefault(spec.regex.pattern, []).append((index, option))
                else:
                    for value in spec.hashes or ():
                        self._by_hash.setdefault(value, []).append((index, option))
        self._anchors = np.array(sorted(self._by_hash), dtype="uint64")

    def _combined_regex(self) -> re.Pattern[str] | None:
        """One regex matching a word when any of the patterns' regexes does (None if they don't combine)."""
        key = tuple(self._regex_sets)
        if self._combined_key != key:
            self._combined_key = key
            try:
                self._combined = re.compile("|".join(f"(?:{pattern})" for pattern in key))
            except re.error:  # e.g. inline global flags inside one pattern
                self._combined = None
        return self._combined

    def _learn_words(self, lower: list[int]) -> None:
        """Test words not seen before against every regex; new hits become triggers."""
        import numpy as np

        fresh = set(lower) - self._checked
        if not fresh:
            return
        strings = self.vocab.strings
        texts = [(value, strings[value]) for value in fresh if value in strings]
        combined = self._combined_regex()
        if combined is not None:  # most words match no regex: test them once, not per regex
            texts = [(value, text) for value, text in texts if combined.search(text)]
        grown = False
        for pattern, hits in self._regex_sets.items():
            compiled = re.compile(pattern)
            new = {value for value, text in texts if compiled.search(text)}
            if new:
                hits |= new
                for value in new:
                    for trigger in self._by_regex.get(pattern, ()):
                        self._by_hash.setdefault(value, []).append(trigger)
                        grown = True
        self._checked |= fresh
        if grown:
            self._anchors = np.array(sorted(self._by_hash), dtype="uint64")

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        import numpy as np
        from spacy.attrs import IS_PUNCT, LOWER

        if not self.patterns or len(doc) == 0:
            return []
        if self._plans is None:
            self._plan()
        assert self._plans is not None
        array = doc.to_array([LOWER, IS_PUNCT])
        lower_arr = array[:, 0]
        lower: list[int] = lower_arr.tolist()
        punct: list[int] = array[:, 1].tolist()
        if self._regex_specs:
            self._learn_words(lower)
        size = len(lower)
        positions: dict[int, list[int]] = {}
        anchors = self._anchors
        if len(anchors):
            # The anchors are sorted: a binary search per token beats np.isin's sort.
            slot = np.searchsorted(anchors, lower_arr)
            slot[slot == len(anchors)] = 0
            for index in np.flatnonzero(anchors[slot] == lower_arr).tolist():
                positions.setdefault(lower[index], []).append(index)
        # Tokens per trigger slot of every pattern whose trigger words occur here.
        counts: dict[int, list[int]] = {}
        plans = self._plans
        for value, where in positions.items():
            found_here = len(where)
            for index, option in self._by_hash[value]:
                slots = counts.get(index)
                if slots is None:
                    slots = counts[index] = [0] * len(plans[index])
                slots[option] += found_here
        for index in self._always:
            counts[index] = []

        results: list[tuple[int, int, int]] = []
        for index in sorted(counts):
            key, specs = self.patterns[index]
            options = plans[index]
            if not options:
                candidates: Iterable[int] = range(size)
            else:
                slots = counts[index]
                if 0 in slots:
                    continue  # a required slot has no token in this document
                # Start from the trigger slot with fewest candidate starts here.
                option = min(
                    range(len(options)),
                    key=lambda i: slots[i] * (options[i][2] - options[i][1] + 1),
                )
                spec, low, high = options[option]
                trigger_words = spec.hashes or frozenset()
                if len(trigger_words) <= len(positions):
                    hits = [positions[value] for value in trigger_words if value in positions]
                else:
                    hits = [where for value, where in positions.items() if value in trigger_words]
                if low == high:  # the trigger sits at a fixed distance from the start
                    if len(hits) == 1:
                        candidates = [p - low for p in hits[0] if p >= low]
                    else:
                        candidates = sorted(p - low for where in hits for p in where if p >= low)
                    if len(specs) == 1:  # the trigger is the whole pattern
                        results.extend((key, start, start + 1) for start in candidates)
                        continue
                else:
                    found: set[int] = set()
                    for where in hits:
                        for position in where:
                            found.update(range(max(0, position - high), position - low + 1))
                    candidates = sorted(found)
            fixed = self._fixed[index]
            if fixed is not None:
                # Every slot takes exactly one token: test the slots in place.
                width = len(fixed)
                for start in candidates:
                    if start + width > size:
                        continue
                    for offset, (slot_words, is_punct) in enumerate(fixed):
                        value = lower[start + offset]
                        if slot_words is not None:
                            if value not in slot_words:
                                break
                        elif bool(punct[start + offset]) != is_punct:
                            break
                    else:
                        results.append((key, start, start + width))
                continue
            first = self._first[index]
            for start in candidates:
                if first is not None and lower[start] not in first:
                    continue
                frontier = {start}
                for spec in specs:
                    reached: set[int] = set()
                    hashes = spec.hashes
                    for position in frontier:
                        count = 0
                        if spec.low == 0:
                            reached.add(position)
                        while position < size and count < spec.high:
                            if hashes is not None:
                                if lower[position] not in hashes:
                                    break
                            elif bool(punct[position]) != spec.is_punct:
                                break
                            position += 1
                            count += 1
                            if count >= spec.low:
                                reached.add(position)
                    frontier = reached
                    if not frontier:
                        break
                if frontier:
                    end = max(frontier)
                    if end > start:
                        results.append((key, start, end))
        return results


# -- the component --------------------------------------------------------------------


def _set_extensions() -> None:
    if not Span.has_extension("rhetoric_negated"):
        Span.set_extension("rhetoric_negated", default=False)
    if not Span.has_extension("rhetoric_frames"):
        Span.set_extension("rhetoric_frames", getter=_span_frames)
    if not Doc.has_extension("rhetoric_sentences"):
        Doc.set_extension("rhetoric_sentences", getter=_doc_sentences)
    if not Doc.has_extension("rhetoric_counts"):
        Doc.set_extension("rhetoric_counts", getter=_doc_counts)


def _span_frames(span: Span) -> frozenset[str]:
    group = span.doc.spans.get(SPAN_KEY, [])
    return frozenset(m.label_ for m in group if m.start >= span.start and m.end <= span.end)


def _doc_sentences(doc: Doc) -> list[frozenset[str]]:
    # The tagger's own sentences: the whole Doc is one when no component set boundaries.
    starts = sentence_starts(doc)
    frames: list[set[str]] = [set() for _ in starts]
    for span in doc.spans.get(SPAN_KEY, []):
        frames[bisect.bisect_right(starts, span.start) - 1].add(span.label_)
    return [frozenset(f) for f in frames]


def _doc_counts(doc: Doc) -> dict[str, int]:
    return dict(Counter(span.label_ for span in doc.spans[SPAN_KEY])) if SPAN_KEY in doc.spans else {}


class RhetoricTagger:
    """Finds the patterns of a :class:`~policytext.codebook.Codebook` in each Doc.

    Parameters
    ----------
    nlp:
        The pipeline (its tokenizer splits phrase terms the way texts are split).
    name:
        The component name.
    codebook:
        The codebook to apply.

    Example::

        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> _ = nlp.add_pipe("sentencizer")
        >>> _ = nlp.add_pipe("policytext_rhetoric")
        >>> nlp("Power to the people.")._.rhetoric_counts
        {'empowerment': 1}
    """

    def __init__(self, nlp: Language, name: str = "policytext_rhetoric", *, codebook: Codebook) -> None:
        _set_extensions()
        self.name = name
        self.vocab = nlp.vocab
        self._tokenizer = nlp.tokenizer
        self.codebook = codebook
        # Set when the configured codebook file could not be read: loading a saved
        # pipeline restores the codebook from disk and clears it; otherwise tagging raises it.
        self._load_error: str | None = None
        self._compile()

    @classmethod
    def _unloaded(cls, nlp: Language, name: str, error: str) -> RhetoricTagger:
        """A tagger waiting for ``from_disk``/``from_bytes`` because its codebook file is gone."""
        placeholder = Codebook(name="<unloaded>", version="0", frame_defs=(), patterns=())
        tagger = cls.__new__(cls)
        _set_extensions()
        tagger.name, tagger.vocab, tagger._tokenizer = name, nlp.vocab, nlp.tokenizer
        tagger.codebook, tagger._load_error = placeholder, error
        tagger._matcher, tagger._keys = Matcher(nlp.vocab), {}
        tagger._fast = _FastMatcher(nlp.vocab)
        tagger._negation_cues = frozenset()
        return tagger

    # -- compiling -------------------------------------------------------------

    def _tokenize(self, text: str) -> list[str]:
        return [t.text.lower() for t in self._tokenizer(text) if not t.is_space]

    def _compile(self) -> None:
        codebook = self.codebook
        if not codebook.patterns:
            logger.warning("codebook %s has no patterns; the tagger will find nothing", codebook.name)
        self._matcher = Matcher(self.vocab)
        self._keys: dict[int, tuple[str, int, int]] = {}  # match key -> (role, index, side)

        self._fast = _FastMatcher(self.vocab)
        strings = self.vocab.strings

        def add_specs(key: str, specs: list[dict[str, Any]]) -> None:
            fast = _fast_specs(specs, strings)
            if fast is not None:
                self._fast.add(strings.add(key), fast)
            else:
                self._matcher.add(key, [specs])

        def add(key: str, role: str, index: int, side: int, specs: list[dict[str, Any]]) -> None:
            add_specs(key, specs)
            self._keys[strings.add(key)] = (role, index, side)

        for index, pattern in enumerate(codebook.patterns):
            if pattern.kind == "phrase":
                add(
                    f"p:{pattern.id}",
                    "pattern",
                    index,
                    0,
                    _phrase_specs(pattern.terms, pattern.gap, self._tokenize),
                )
            elif pattern.kind == "tokens":
                add(f"p:{pattern.id}", "pattern", index, 0, _token_specs(pattern.tokens))
            else:
                for side in (0, 1):
                    key = f"n{side}:{pattern.id}"
                    for term in pattern.near[side]:
                        add_specs(key, _phrase_specs(term.split(), 0, self._tokenize))
                    self._keys[strings.add(key)] = ("near", index, side)
        for index, exclusion in enumerate(codebook.exclusions):
            specs = (
                _phrase_specs(exclusion.terms, exclusion.gap, self._tokenize)
                if exclusion.kind == "phrase"
                else _token_specs(exclusion.tokens)
            )
            add(f"x:{exclusion.id}", "exclusion", index, 0, specs)
        # Typographic apostrophes ("don’t", common in published speeches) count as "n't".
        self._negation_cues = frozenset(_plain_quotes(c) for c in codebook.negation_cues)

    # -- running -----------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Tag ``doc``: set ``doc.spans["rhetoric"]`` and the negation flags."""
        if self._load_error is not None:
            raise CodebookError(self._load_error)
        codebook = self.codebook
        sent_starts = sentence_starts(doc)
        found: list[tuple[int, int, Pattern]] = []
        excluded: list[tuple[int, int, Exclusion]] = []
        near_hits: dict[int, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
        hits = self._fast(doc)
        if len(self._matcher):
            hits.extend(self._matcher(doc))
        for key, start, end in hits:
            role, index, side = self._keys[key]
            if role == "pattern":
                found.append((start, end, codebook.patterns[index]))
            elif role == "exclusion":
                excluded.append((start, end, codebook.exclusions[index]))
            else:
                near_hits.setdefault(index, ([], []))[side].append((start, end))
        for index, (left, right) in near_hits.items():
            if left and right:
                found.extend(self._pair(codebook.patterns[index], left, right, sent_starts))

        def sentence_of(token: int) -> int:
            return bisect.bisect_right(sent_starts, token) - 1

        # The sentence is the unit of coding: a match may not run into the next sentence.
        kept = [
            (start, end, pattern)
            for start, end, pattern in found
            if sentence_of(end - 1) == sentence_of(start)
            and not self._is_excluded(start, end, pattern.frame, excluded, sentence_of)
        ]
        spans = []
        for start, end, pattern in _resolve_overlaps(kept):
            span = Span(doc, start, end, label=pattern.frame, span_id=pattern.id)
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        for span in doc.spans[SPAN_KEY]:
            if self._is_negated(doc, span.start, sent_starts[sentence_of(span.start)]):
                span._.rhetoric_negated = True
        return doc

    def _pair(
        self,
        pattern: Pattern,
        left: list[tuple[int, int]],
        right: list[tuple[int, int]],
        sent_starts: list[int],
    ) -> list[tuple[int, int, Pattern]]:
        pairs = []
        right = _longest(right)
        for a_start, a_end in _longest(left):
            sentence = bisect.bisect_right(sent_starts, a_start) - 1
            best: tuple[int, int, int] | None = None
            for b_start, b_end in right:
                if bisect.bisect_right(sent_starts, b_start) - 1 != sentence:
                    continue
                if b_start >= a_end:
                    distance = b_start - a_end
                elif a_start >= b_end and not pattern.ordered:
                    distance = a_start - b_end
                else:
                    continue
                if distance <= pattern.window and (best is None or distance < best[0]):
                    best = (distance, min(a_start, b_start), max(a_end, b_end))
            if best is not None:
                pairs.append((best[1], best[2], pattern))
        return pairs

    @staticmethod
    def _is_excluded(
        start: int,
        end: int,
        frame: str,
        excluded: list[tuple[int, int, Exclusion]],
        sentence_of: Callable[[int], int],
    ) -> bool:
        for x_start, x_end, exclusion in excluded:
            if exclusion.frames and frame not in exclusion.frames:
                continue
            if exclusion.scope == "sentence":
                if sentence_of(x_start) == sentence_of(start):
                    return True
            elif x_start < end and start < x_end:
                return True
        return False

    def _is_negated(self, doc: Doc, start: int, sentence_start: int) -> bool:
        lowest = max(sentence_start, start - self.codebook.negation_window)
        for i in range(start - 1, lowest - 1, -1):
            word = _plain_quotes(doc[i].lower_)
            if word in self._negation_cues:
                following = doc[i + 1].lower_ if i + 1 < len(doc) else ""
                if (word, following) not in _NOT_NEGATING:
                    return True
            if word in _CLAUSE_BREAKS:
                return False
        return False

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        """Tag a stream of Docs."""
        for doc in stream:
            yield self(doc)

    # -- serialisation -------------------------------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The codebook as canonical JSON bytes."""
        return self.codebook.to_json().encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RhetoricTagger:
        """Restore the codebook written by :meth:`to_bytes`."""
        self.codebook = codebook_from_dict(json.loads(data.decode("utf-8")), source="<serialised>")
        self._load_error = None
        self._compile()
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the codebook to ``path/codebook.json``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "codebook.json").write_text(self.codebook.to_json(), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RhetoricTagger:
        """Read the codebook written by :meth:`to_disk` (patterns travel with the pipeline)."""
        file = Path(path) / "codebook.json"
        self.codebook = codebook_from_dict(json.loads(file.read_text(encoding="utf-8")), source=str(file))
        self._load_error = None
        self._compile()
        return self


def _plain_quotes(word: str) -> str:
    return word.replace("\u2019", "'").replace("\u2018", "'")


def _longest(hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Of hits starting at the same token, the longest."""
    best: dict[int, int] = {}
    for start, end in hits:
        best[start] = max(end, best.get(start, end))
    return sorted(best.items())


def _resolve_overlaps(found: list[tuple[int, int, Pattern]]) -> list[tuple[int, int, Pattern]]:
    """Per frame, keep non-overlapping matches, longest first (then earliest, then codebook order)."""
    kept: list[tuple[int, int, Pattern]] = []
    taken: dict[str, list[tuple[int, int]]] = {}
    order = {id(p): i for i, (_, _, p) in enumerate(found)}
    for start, end, pattern in sorted(found, key=lambda m: (m[0] - m[1], m[0], order[id(m[2])])):
        spans = taken.setdefault(pattern.frame, [])
        if any(s < end and start < e for s, e in spans):
            continue
        spans.append((start, end))
        kept.append((start, end, pattern))
    kept.sort(key=lambda m: (m[0], m[1], m[2].frame))
    return kept


@Language.factory(
    "policytext_rhetoric",
    default_config={"codebook": None},
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_rhetoric_tagger(nlp: Language, name: str, codebook: str | None) -> RhetoricTagger:
    """Build the rhetoric tagger for ``nlp`` from a codebook path (``None``: the default codebook).

    Parameters
    ----------
    nlp:
        The pipeline.
    name:
        The component name.
    codebook:
        Path of a TOML codebook or a quanteda/LIWC dictionary; ``None`` for the default.

    Returns
    -------
    RhetoricTagger

    Example::

        >>> import spacy
        >>> tagger = spacy.blank("en").add_pipe("policytext_rhetoric")
        >>> tagger.codebook.frames[0]
        'empowerment'
    """
    try:
        loaded = load_codebook(codebook)
    except CodebookError as exc:
        if codebook is None or Path(codebook).exists():
            raise
        # spacy.load builds the component from its config before from_disk restores
        # the saved codebook: a path that is gone is an error only if nothing restores it.
        return RhetoricTagger._unloaded(nlp, name, str(exc))
    return RhetoricTagger(nlp, name, codebook=loaded)


# -- a vectorised sentencizer ----------------------------------------------------------


class FastSentencizer:
    """spaCy's rule-based Sentencizer, computed with numpy instead of a loop over tokens.

    It makes the same boundaries as ``nlp.add_pipe("sentencizer")`` with the
    default punctuation: a sentence starts at the first word after a token of
    sentence-final punctuation. Registered as ``policytext_sentencizer``.

    Example::

        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> _ = nlp.add_pipe("policytext_sentencizer")
        >>> [s.text for s in nlp("One. Two!").sents]
        ['One.', 'Two!']
    """

    def __init__(self, nlp: Language, name: str = "policytext_sentencizer") -> None:
        from spacy.pipeline import Sentencizer

        self.name = name
        import numpy as np

        self._punct = [nlp.vocab.strings.add(c) for c in Sentencizer.default_punct_chars]
        self._punct_sorted = np.array(sorted(set(self._punct)), dtype="uint64")

    def __call__(self, doc: Doc) -> Doc:
        """Set ``is_sent_start`` on every token of ``doc``."""
        import numpy as np
        from spacy.attrs import IS_PUNCT, ORTH, SENT_START

        if len(doc) == 0:
            return doc
        array = doc.to_array([ORTH, IS_PUNCT])
        # A binary search in the sorted marks beats np.isin's sort of the whole Doc.
        punct = self._punct_sorted
        slot = np.searchsorted(punct, array[:, 0])
        slot[slot == len(punct)] = 0
        in_punct = punct[slot] == array[:, 0]
        words = np.flatnonzero(~in_punct & (array[:, 1] == 0))
        seen = np.concatenate(([0], np.cumsum(in_punct)))  # seen[i] = final marks before token i
        previous = np.concatenate(([0], words[:-1] + 1))
        starts = words[(seen[words] - seen[previous]) > 0]
        values = np.full(len(doc), -1, dtype="int64")
        values[0] = 1
        values[starts] = 1
        doc.from_array([SENT_START], values.astype("uint64").reshape(-1, 1))  # type: ignore[arg-type]
        return doc

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """Nothing to save: the rules are fixed."""
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> FastSentencizer:
        """Nothing to load."""
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Nothing to save: the rules are fixed."""

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> FastSentencizer:
        """Nothing to load."""
        return self


@Language.factory("policytext_sentencizer", assigns=["token.is_sent_start"])
def make_fast_sentencizer(nlp: Language, name: str) -> FastSentencizer:
    """Build the vectorised rule-based sentencizer (same boundaries as spaCy's ``sentencizer``).

    Example::

        >>> import spacy
        >>> isinstance(spacy.blank("en").add_pipe("policytext_sentencizer"), FastSentencizer)
        True
    """
    return FastSentencizer(nlp, name)


def build_pipeline(codebook: Codebook | str | Path | None = None, *, model: str | None = None) -> Language:
    """A pipeline that tags rhetoric: blank English + sentencizer (or ``model``) + the tagger.

    The blank pipeline uses :class:`FastSentencizer`, which makes the same
    boundaries as spaCy's ``sentencizer`` in a fraction of the time; no
    lemmatizer runs, because lemma patterns are compiled into word forms.

    Parameters
    ----------
    codebook:
        A loaded codebook, a path, or ``None`` for the default codebook.
    model:
        A trained spaCy pipeline to start from (e.g. ``"en_core_web_sm"``);
        its parser supplies sentences and dependency attributes.

    Returns
    -------
    Language

    Example::

        >>> nlp = build_pipeline()
        >>> nlp.pipe_names
        ['policytext_sentencizer', 'policytext_rhetoric']
    """
    import spacy

    if model:
        try:
            nlp = spacy.load(model, exclude=["ner"])
        except OSError:
            raise InputError(
                f"--model: cannot load spaCy pipeline {model!r}; install it "
                f"(python -m spacy download {model}) or leave --model out"
            ) from None
        if not nlp.has_pipe("parser") and not nlp.has_pipe("senter"):
            nlp.add_pipe("sentencizer", first=True)
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("policytext_sentencizer")
    loaded = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    tagger = nlp.add_pipe("policytext_rhetoric")
    assert isinstance(tagger, RhetoricTagger)
    if loaded is not tagger.codebook:
        tagger.codebook = loaded
        tagger._compile()
    return nlp


def sentence_starts(doc: Doc) -> list[int]:
    """Token indices where the sentences of ``doc`` start (``[0]`` when none are set).

    Example::

        >>> sentence_starts(build_pipeline()("One. Two."))
        [0, 2]
    """
    import numpy as np
    from spacy.attrs import SENT_START

    if len(doc) == 0:
        return []
    if not doc.has_annotation("SENT_START"):
        return [0]
    values = doc.to_array([SENT_START]).astype("int64").reshape(-1)
    starts: list[int] = np.flatnonzero(values == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


def doc_matches(doc: Doc, *, offset: int = 0, first_sentence: int = 0) -> list[Match]:
    """The matches of a tagged Doc as :class:`Match` records.

    Parameters
    ----------
    doc:
        A Doc processed by the tagger.
    offset:
        Added to character offsets (when the Doc is a piece of a longer text).
    first_sentence:
        Added to sentence indices, for the same reason.

    Returns
    -------
    list[Match]

    Example::

        >>> [m.frame for m in doc_matches(build_pipeline()("Localism works."))]
        ['devolution']
    """
    if SPAN_KEY not in doc.spans or not len(doc.spans[SPAN_KEY]):
        return []
    starts = sentence_starts(doc)
    matches = []
    for span in doc.spans[SPAN_KEY]:
        index = bisect.bisect_right(starts, span.start) - 1
        last = (starts[index + 1] if index + 1 < len(starts) else len(doc)) - 1
        matches.append(
            Match(
                sentence=first_sentence + index,
                sent_start=offset + doc[starts[index]].idx,
                sent_end=offset + doc[last].idx + len(doc[last].text),
                start_char=offset + span.start_char,
                end_char=offset + span.end_char,
                frame=span.label_,
                pattern_id=span.id_,
                text=span.text,
                negated=bool(span._.rhetoric_negated),
            )
        )
    return matches
