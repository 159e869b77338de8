"""The spaCy component ``policytext_rhetoric``: finds codebook frames in each Doc.

Like spaCy's ``span_ruler``, the factory only builds the component; its codebook
is loaded by :meth:`RhetoricTagger.initialize` (``nlp.initialize()``, with the
codebook from the ``[initialize.components.policytext_rhetoric]`` settings or the
component's ``codebook`` config), restored by ``from_disk``/``from_bytes`` when a
saved pipeline is loaded, or, for convenience, loaded on first use. Matches go to
``doc.spans[spans_key]`` (config ``spans_key``, default ``"rhetoric"``).

Texts and patterns are compared after Unicode NFKC normalisation: the tokens
NFKC changes are matched on their normal forms (:mod:`policytext.rhetoric.normalise`),
so full-width letters and ligatures ("ﬁnance") match plain patterns. Short Docs
given to :meth:`RhetoricTagger.pipe` are matched in batches.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import IS_ASCII, IS_SPACE, LOWER, SENT_START
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span

from policytext._text import with_chunk_cache
from policytext.codebook import Codebook, Exclusion, Pattern, codebook_from_dict, load_codebook
from policytext.errors import InputError
from policytext.rhetoric.classifier import SentenceClassifier, load_classifier, scored_word
from policytext.rhetoric.forms import phrase_specs, token_specs
from policytext.rhetoric.matcher import FastMatcher, fast_specs, split_groups
from policytext.rhetoric.normalise import nfkc_changes, normalised, patch_normal_forms, plain_quotes
from policytext.rhetoric.overlaps import pair_hits, resolve_overlaps
from policytext.rhetoric.sentencizer import batched, sentence_starts
from policytext.rhetoric.spans import (
    SPAN_KEY,
    SPANS_KEY_DATA,
    STARTS_DATA,
    Match,
    doc_matches,
    set_extensions,
    tagged_sentence_starts,
)

__all__ = [
    "SPAN_KEY",
    "Match",
    "RhetoricTagger",
    "doc_matches",
    "make_rhetoric_tagger",
    "tagged_sentence_starts",
]

logger = logging.getLogger(__name__)

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


# -- the component --------------------------------------------------------------------


class RhetoricTagger:
    """Finds the patterns of a :class:`~policytext.codebook.Codebook` in each Doc.

    Parameters
    ----------
    nlp:
        The pipeline (its tokenizer splits phrase terms the way texts are split).
    name:
        The component name.
    codebook:
        The codebook to apply, or the path to load it from in :meth:`initialize`
        (``None``: the default codebook).
    spans_key:
        The ``doc.spans`` key matches go to.

    Example::

        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> _ = nlp.add_pipe("sentencizer")
        >>> _ = nlp.add_pipe("policytext_rhetoric")
        >>> nlp.initialize()  # doctest: +ELLIPSIS
        <...>
        >>> nlp("Power to the people.")._.rhetoric_counts
        {'empowerment': 1}
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "policytext_rhetoric",
        *,
        codebook: Codebook | str | Path | None = None,
        spans_key: str = SPAN_KEY,
    ) -> None:
        set_extensions()
        self.name = name
        self.vocab = nlp.vocab
        self.spans_key = spans_key
        self._tokenizer = nlp.tokenizer
        self._source = None if isinstance(codebook, Codebook) else codebook
        self._codebook: Codebook | None = None
        if isinstance(codebook, Codebook):
            self._compile(codebook)

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
        codebook: Any = None,
    ) -> None:
        """Load and compile the codebook: ``codebook`` if given, else the configured one.

        Called by ``nlp.initialize()``; settings come from the config's
        ``[initialize.components.policytext_rhetoric]`` block, as for ``span_ruler``.
        ``codebook`` is a :class:`Codebook`, a path or ``None`` (typed ``Any`` because
        spaCy validates these settings with pydantic, which cannot check a Codebook).
        """
        if codebook is None:
            codebook = self._source
        self._compile(codebook if isinstance(codebook, Codebook) else load_codebook(codebook))

    @property
    def codebook(self) -> Codebook:
        """The codebook applied (loaded on first use when :meth:`initialize` was not called)."""
        if self._codebook is None:
            self.initialize()
        assert self._codebook is not None
        return self._codebook

    # -- compiling -------------------------------------------------------------

    def _tokenize(self, text: str) -> list[str]:
        """A term's tokens, lower-cased, as the pipeline's tokenizer splits them (one call per term).

        A lower-case word that no special case, prefix, suffix, infix or token rule of the
        tokenizer applies to is its own token; it skips the tokenizer (most terms are such
        words, and building a pipeline is a fixed cost of every ``tag`` run).
        """
        known = self._tokenized.get(text)
        if known is None:
            known = [text] if self._plain_word(text) else [
                t.text.lower() for t in self._tokenizer(text) if not t.is_space
            ]  # fmt: skip
            self._tokenized[text] = known
        return list(known)

    def _plain_word(self, text: str) -> bool:
        """Whether spaCy's tokenizer would keep ``text`` (lower-case letters) as one token."""
        tokenizer: Any = self._tokenizer
        if not (text.isascii() and text.isalpha() and text.islower()):
            return False
        if not isinstance(getattr(tokenizer, "rules", None), dict) or text in tokenizer.rules:
            return False
        searches = [
            getattr(tokenizer, name, None)
            for name in ("prefix_search", "suffix_search", "token_match", "url_match")
        ]
        if any(search is not None and search(text) for search in searches):
            return False
        infixes = getattr(tokenizer, "infix_finditer", None)
        return infixes is None or next(iter(infixes(text)), None) is None

    def _compile(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self._tokenized: dict[str, list[str]] = {}  # term -> its tokens (this compile only)
        if not codebook.patterns:
            logger.warning("codebook %s has no patterns; the tagger will find nothing", codebook.name)
        self._matcher = Matcher(self.vocab)
        self._dependency = DependencyMatcher(self.vocab)  # dependency patterns (need a parser)
        self._keys: dict[int, tuple[str, int, int]] = {}  # match key -> (role, index, side)

        self._fast = FastMatcher(self.vocab)
        strings = self.vocab.strings

        def add_specs(key: str, specs: list[dict[str, Any]]) -> None:
            fast = fast_specs(specs, strings)
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
                    phrase_specs(pattern.terms, pattern.gap, self._tokenize),
                )
            elif pattern.kind == "tokens":
                add(f"p:{pattern.id}", "pattern", index, 0, token_specs(pattern.tokens))
            elif pattern.kind == "dependency":
                key = f"p:{pattern.id}"
                nodes = [
                    {**node, "RIGHT_ATTRS": token_specs([node["RIGHT_ATTRS"]])[0]}
                    for node in pattern.dependency
                ]
                self._dependency.add(key, [nodes])
                self._keys[strings.add(key)] = ("pattern", index, 0)
            else:
                for side in (0, 1):
                    key = f"n{side}:{pattern.id}"
                    for term in pattern.near[side]:
                        add_specs(key, phrase_specs(term.split(), 0, self._tokenize))
                    self._keys[strings.add(key)] = ("near", index, side)
        for index, exclusion in enumerate(codebook.exclusions):
            specs = (
                phrase_specs(exclusion.terms, exclusion.gap, self._tokenize)
                if exclusion.kind == "phrase"
                else token_specs(exclusion.tokens)
            )
            add(f"x:{exclusion.id}", "exclusion", index, 0, specs)
        # Typographic apostrophes ("don’t", common in published speeches) count as "n't".
        self._negation_cues = frozenset(plain_quotes(c) for c in codebook.negation_cues)
        ref = codebook.classifier
        self._classifier: SentenceClassifier | None = None
        if ref is not None:
            self._classifier = load_classifier(ref.path, ref.sha256)
            where = f"{codebook.source or codebook.name}: classifier {Path(ref.path).name}"
            untrained = [f for f in ref.frames if f not in self._classifier.frames]
            if untrained:
                raise InputError(f"{where} was not trained on frame {untrained[0]!r} ([classifier] frames)")
            # The frames it may add must be the codebook's: with ``frames``, those it lists.
            unknown = [f for f in self._classifier.frames if f not in codebook.frames and not ref.frames]
            if unknown:
                raise InputError(
                    f"{where} predicts frame {unknown[0]!r}, which the codebook does not define; "
                    "list the frames it may add with frames = [...] in [classifier]"
                )

    # -- running -----------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Tag ``doc``: set ``doc.spans[spans_key]`` and the negation flags."""
        self._tag_batch([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterable[Doc]:
        """Tag a stream of Docs, matching short ones in batches (the same tags as one by one).

        Docs are gathered until they hold about
        :data:`~policytext.rhetoric.sentencizer.BATCH_TOKENS` tokens (or
        ``max(batch_size, BATCH_MOST_DOCS)`` Docs) and matched in one pass: a corpus of short
        documents (paragraphs, Hansard contributions) would otherwise pay the matcher's
        and the classifier's fixed cost per document. A long Doc makes a batch alone.
        """
        yield from batched(stream, self._tag_batch, batch_size)

    def _tag_batch(self, docs: list[Doc]) -> None:
        """Tag ``docs``: the fast matcher and the classifier run once over all of them."""
        codebook = self.codebook  # loaded here on first use
        attrs = [LOWER, *self._fast.flag_attrs()]
        # Words are compared after NFKC. Only spaCy's matchers need a normalised copy of a
        # Doc; the fast matcher, the classifier and the negation test take the normal
        # forms' values at the tokens NFKC changes. IS_ASCII (NFKC changes only non-ASCII
        # words), SENT_START and IS_SPACE come in the same array, after the columns the matcher reads.
        copies = len(self._matcher) > 0 or len(self._dependency) > 0
        every = [*attrs, IS_ASCII, SENT_START, IS_SPACE]
        views: list[Doc] = []
        arrays: list[np.ndarray] = []
        normal_lowers: list[dict[int, str]] = []
        starts_of: list[list[int]] = []
        for doc in docs:
            array = doc.to_array(every).reshape(len(doc), len(every))
            changes = nfkc_changes(doc, array[:, -3])
            view = normalised(doc, changes) if changes and copies else doc
            if view is not doc:
                array = view.to_array(every).reshape(len(view), len(every))
            starts_of.append(sentence_starts(view, array[:, -2]))
            if changes and view is doc:
                patch_normal_forms(array, attrs, changes, self.vocab)
                normal_lowers.append({index: normal.lower() for index, normal in changes.items()})
            else:
                normal_lowers.append({})
            views.append(view)
            arrays.append(array)
        lengths = [len(view) for view in views]
        offsets = np.cumsum([0, *lengths]).tolist()
        array = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        segments = np.array(offsets[:-1], dtype="int64")
        words, sent_start, is_space = array[:, : len(attrs)], array[:, -2], array[:, -1]
        found = _groups_across_spaces(self._fast, words, is_space, sent_start, segments)
        pairs: list[list[tuple[int, int, Pattern]]] | None = None
        if not len(self._matcher):  # every proximity hit is the fast matcher's: pair them at once
            found, pairs = self._pair_batch(found, starts_of, offsets)
        groups = split_groups(found, offsets)
        classify = codebook.classifier is not None and len(array) > 0
        above = self._above(self._probabilities(array[:, 0], starts_of, lengths)) if classify else None
        # How many sentences before each row reach the threshold: a Doc with none skips the step.
        reached: list[int] = []
        if above is not None:
            reached = np.concatenate([[0], np.cumsum(above.any(axis=1))]).tolist()
        row = 0
        for index, (doc, view, sent_starts) in enumerate(zip(docs, views, starts_of, strict=True)):
            rows = len(sent_starts)
            mine = None
            if above is not None and reached[row + rows] > reached[row]:
                mine = above[row : row + rows]
            row += rows
            paired = pairs[index] if pairs is not None else None
            self._tag_one(doc, view, sent_starts, groups[index], mine, normal_lowers[index], paired)

    def _pair_batch(
        self,
        groups: list[tuple[int, list[int], list[int]]],
        starts_of: list[list[int]],
        offsets: list[int],
    ) -> tuple[list[tuple[int, list[int], list[int]]], list[list[tuple[int, int, Pattern]]]]:
        """Proximity rules paired over Docs laid end to end: the other groups, and each Doc's pairs.

        A proximity rule's words may match thousands of times in a batch; pairing them with
        the batch's sentence starts (a Doc's first token starts a sentence, so no pair spans
        two Docs) and handing each Doc its pairs costs less than cutting the hits per Doc.
        """
        near: dict[int, tuple[list[int], list[int], list[int], list[int]]] = {}
        rest: list[tuple[int, list[int], list[int]]] = []
        for key, starts, ends in groups:
            role, index, side = self._keys[key]
            if role == "near":
                sides = near.setdefault(index, ([], [], [], []))
                sides[2 * side].extend(starts)
                sides[2 * side + 1].extend(ends)
            else:
                rest.append((key, starts, ends))
        per_doc: list[list[tuple[int, int, Pattern]]] = [[] for _ in starts_of]
        if not near:
            return rest, per_doc
        shifted = [
            np.array(starts, dtype="int64") + offset
            for starts, offset in zip(starts_of, offsets, strict=False)
        ]
        bounds = np.concatenate(shifted)
        for index, (left_starts, left_ends, right_starts, right_ends) in near.items():
            if left_starts and right_starts:
                pattern = self.codebook.patterns[index]
                left, right = (left_starts, left_ends), (right_starts, right_ends)
                for start, end, paired in pair_hits(pattern, left, right, bounds):
                    doc = bisect.bisect_right(offsets, start) - 1
                    per_doc[doc].append((start - offsets[doc], end - offsets[doc], paired))
        return rest, per_doc

    def _above(self, probabilities: np.ndarray) -> np.ndarray:
        """Which sentence-frames the classifier may add: at its threshold and among its ``frames``."""
        classifier, ref = self._classifier, self.codebook.classifier
        assert classifier is not None and ref is not None
        above: np.ndarray = probabilities >= ref.threshold
        if ref.frames:
            above[:, [f not in ref.frames for f in classifier.frames]] = False
        return above

    def _probabilities(self, ids: np.ndarray, starts_of: list[list[int]], lengths: list[int]) -> np.ndarray:
        """The classifier's probabilities for every sentence of Docs laid end to end (rows in order)."""
        classifier, ref = self._classifier, self.codebook.classifier
        assert classifier is not None and ref is not None
        strings = self.vocab.strings
        marks = np.zeros(len(ids), dtype=np.int64)
        offset = 0
        for sent_starts, length in zip(starts_of, lengths, strict=True):
            if length:
                marks[offset + np.array(sent_starts, dtype=np.int64)] = 1
            offset += length
        rows = np.cumsum(marks) - 1  # every Doc opens with a sentence start
        columns = [j for j, frame in enumerate(classifier.frames) if not ref.frames or frame in ref.frames]
        return classifier.token_probabilities(
            ids, rows, int(marks.sum()), lambda key: scored_word(strings[key]), columns
        )

    def _tag_one(
        self,
        doc: Doc,
        view: Doc,
        sent_starts: list[int],
        groups: list[tuple[int, list[int], list[int]]],
        above: np.ndarray | None,
        normal_lowers: dict[int, str],
        pairs: list[tuple[int, int, Pattern]] | None = None,
    ) -> None:
        """Set ``doc``'s spans from its fast-matcher ``groups`` and the classifier's sentence-frames.

        ``above``: per sentence and frame, whether the classifier may add it (:meth:`_above`),
        None when it adds nothing here; ``normal_lowers``: the lower-case NFKC forms of tokens
        ``view`` still has unnormalised; ``pairs``: the proximity rules' matches when the
        batch paired them.
        """

        def sentence_of(token: int) -> int:
            return bisect.bisect_right(sent_starts, token) - 1

        found, excluded = self._find(view, sent_starts, groups, pairs)
        # The sentence is the unit of coding: a match may not run into the next sentence,
        # and neither may an exclusion's.
        excluded = [x for x in excluded if sentence_of(x[1] - 1) == sentence_of(x[0])]
        kept = [
            (start, end, pattern)
            for start, end, pattern in found
            if sentence_of(end - 1) == sentence_of(start)
            and not self._is_excluded(start, end, pattern.frame, excluded, sentence_of)
        ]
        doc.spans[self.spans_key] = [
            Span(doc, start, end, label=pattern.frame, span_id=pattern.id)
            for start, end, pattern in resolve_overlaps(kept)
        ]
        if self.spans_key != SPAN_KEY:
            doc.user_data[SPANS_KEY_DATA] = self.spans_key
        doc.user_data[STARTS_DATA] = (len(doc), sent_starts)
        for span in doc.spans[self.spans_key]:
            if self._is_negated(view, span.start, sent_starts[sentence_of(span.start)], normal_lowers):
                span._.rhetoric_negated = True
        if above is not None:
            classified = self._classified(doc, above, sent_starts, excluded, sentence_of)
            if classified:
                doc.spans[self.spans_key] = sorted(
                    [*doc.spans[self.spans_key], *classified], key=lambda span: (span.start, span.end)
                )

    def _classified(
        self,
        doc: Doc,
        above: np.ndarray,
        sent_starts: list[int],
        excluded: list[tuple[int, int, Exclusion]],
        sentence_of: Callable[[int], int],
    ) -> list[Span]:
        """The classifier's matches: a whole-sentence span per sentence-frame the patterns missed.

        A frame is not added where a pattern of it matched in the sentence (negated or not)
        or an exclusion for it fired there.
        """
        classifier, ref = self._classifier, self.codebook.classifier
        assert classifier is not None and ref is not None
        bounds = [*sent_starts, len(doc)]
        taken = {(sentence_of(span.start), span.label_) for span in doc.spans[self.spans_key]}
        for x_start, _x_end, exclusion in excluded:
            for frame in exclusion.frames or classifier.frames:
                taken.add((sentence_of(x_start), frame))
        out = []
        for index, column in zip(*np.nonzero(above), strict=True):
            frame = classifier.frames[column]
            if (index, frame) in taken:
                continue
            start, end = bounds[index], bounds[index + 1]
            while end > start and doc[end - 1].is_space:
                end -= 1
            if end > start:
                out.append(Span(doc, start, end, label=frame, span_id=ref.pattern_id))
        return out

    def _find(
        self,
        doc: Doc,
        sent_starts: list[int],
        groups: list[tuple[int, list[int], list[int]]],
        pairs: list[tuple[int, int, Pattern]] | None = None,
    ) -> tuple[list[tuple[int, int, Pattern]], list[tuple[int, int, Exclusion]]]:
        """Pattern matches (proximity pairs included) and exclusion matches in ``doc``.

        ``groups`` are the fast matcher's; spaCy's Matcher and the dependency matcher add theirs.
        ``pairs`` are the proximity matches when they were paired already (then no group is a side's).
        """
        codebook = self.codebook
        found: list[tuple[int, int, Pattern]] = []
        excluded: list[tuple[int, int, Exclusion]] = []
        # Per proximity rule: the starts and ends of its left-hand hits, then of its right-hand ones.
        near_hits: dict[int, tuple[list[int], list[int], list[int], list[int]]] = {}
        groups = list(groups)
        if len(self._matcher) and len(doc):
            groups.extend((key, [start], [end]) for key, start, end in self._matcher(doc))
        if len(self._dependency) and doc.has_annotation("DEP"):
            # A dependency match spans its tokens (from the first to the last).
            groups.extend((key, [min(tokens)], [max(tokens) + 1]) for key, tokens in self._dependency(doc))
        for key, starts, ends in groups:
            role, index, side = self._keys[key]
            if role == "pattern":
                pattern = codebook.patterns[index]
                found.extend((start, end, pattern) for start, end in zip(starts, ends, strict=True))
            elif role == "exclusion":
                exclusion = codebook.exclusions[index]
                excluded.extend((start, end, exclusion) for start, end in zip(starts, ends, strict=True))
            else:
                sides = near_hits.setdefault(index, ([], [], [], []))
                sides[2 * side].extend(starts)
                sides[2 * side + 1].extend(ends)
        if pairs is not None:
            found.extend(pairs)
        elif near_hits:
            bounds = np.array(sent_starts, dtype="int64")
            for index, (left_starts, left_ends, right_starts, right_ends) in near_hits.items():
                if left_starts and right_starts:
                    pattern = codebook.patterns[index]
                    found.extend(
                        pair_hits(pattern, (left_starts, left_ends), (right_starts, right_ends), bounds)
                    )
        return found, excluded

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

    def _is_negated(
        self, doc: Doc, start: int, sentence_start: int, normal_lowers: dict[int, str] | None = None
    ) -> bool:
        lowered = normal_lowers or {}
        lowest = max(sentence_start, start - self.codebook.negation_window)
        for i in range(start - 1, lowest - 1, -1):
            word = plain_quotes(lowered.get(i) or doc[i].lower_)
            if word in self._negation_cues:
                following = (lowered.get(i + 1) or doc[i + 1].lower_) if i + 1 < len(doc) else ""
                if (word, following) not in _NOT_NEGATING:
                    return True
            if word in _CLAUSE_BREAKS:
                return False
        return False

    # -- serialisation -------------------------------------------------------------

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The codebook as canonical JSON bytes."""
        return self.codebook.to_json().encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RhetoricTagger:
        """Restore the codebook written by :meth:`to_bytes`."""
        self._compile(codebook_from_dict(json.loads(data.decode("utf-8")), source="<serialised>"))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the codebook to ``path/codebook.json``."""
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "codebook.json").write_text(self.codebook.to_json(), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RhetoricTagger:
        """Read the codebook written by :meth:`to_disk` (patterns travel with the pipeline)."""
        file = Path(path) / "codebook.json"
        self._compile(codebook_from_dict(json.loads(file.read_text(encoding="utf-8")), source=str(file)))
        return self


def _groups_across_spaces(
    fast: FastMatcher, array: np.ndarray, is_space: np.ndarray, sent_start: np.ndarray, segments: np.ndarray
) -> list[tuple[int, list[int], list[int]]]:
    """The fast matcher's groups with whitespace tokens passed over, in the tokens' own indices.

    A line break or a run of spaces inside a sentence is a token of its own in spaCy
    ("devolve\\npower" is three tokens); words are matched as if it were not there, so
    a phrase matches across a wrapped line, and a match's span still covers it. Where
    whitespace stands only before a sentence's start (paragraph breaks), nothing changes.
    """
    if not is_space.any():
        return fast.groups_of(array, segments)
    starts = sent_start == 1
    starts[segments[segments < len(starts)]] = True  # each Doc's first token (an empty Doc has none)
    if not (is_space[:-1].astype(bool) & ~starts[1:]).any():
        return fast.groups_of(array, segments)
    kept = np.flatnonzero(is_space == 0)
    # Each Doc's first kept token; a Doc of nothing but whitespace is an empty segment.
    groups = fast.groups_of(array[kept], np.searchsorted(kept, segments))
    every = kept.tolist()
    return [
        (key, [every[start] for start in starts], [every[end - 1] + 1 for end in ends])
        for key, starts, ends in groups
    ]


@Language.factory(
    "policytext_rhetoric",
    default_config={"codebook": None, "spans_key": SPAN_KEY},
    assigns=["doc.spans"],
    requires=["token.is_sent_start"],
)
def make_rhetoric_tagger(nlp: Language, name: str, codebook: str | None, spans_key: str) -> RhetoricTagger:
    """Build the rhetoric tagger; its codebook (a path, ``None`` for the default) is loaded later.

    Parameters
    ----------
    nlp:
        The pipeline.
    name:
        The component name.
    codebook:
        Path of a TOML codebook or a quanteda/LIWC dictionary; ``None`` for the default.
    spans_key:
        The ``doc.spans`` key matches go to.

    Returns
    -------
    RhetoricTagger

    Example::

        >>> import spacy
        >>> tagger = spacy.blank("en").add_pipe("policytext_rhetoric")
        >>> tagger.codebook.frames[0]
        'empowerment'
    """
    # The file is read in initialize() (or on first use), not here: spacy.load builds the
    # component from its config before from_disk restores the saved codebook.
    return RhetoricTagger(nlp, name, codebook=codebook, spans_key=spans_key)


def build_pipeline(codebook: Codebook | str | Path | None = None, *, model: str | None = None) -> Language:
    """A pipeline that tags rhetoric: blank English + sentencizer (or ``model``) + the tagger.

    The blank pipeline uses :class:`FastSentencizer`, which makes the same
    boundaries as spaCy's ``sentencizer`` in a fraction of the time; no
    lemmatizer runs, because lemma patterns are compiled into word forms. Either
    pipeline's tokenizer is wrapped in :class:`~policytext._text.ChunkCacheTokenizer`
    (the same tokens; long texts about twice as fast).

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
    with_chunk_cache(nlp)  # the same tokens, long texts about twice as fast
    tagger = nlp.add_pipe("policytext_rhetoric")
    assert isinstance(tagger, RhetoricTagger)
    tagger.initialize(codebook=codebook)
    return nlp
