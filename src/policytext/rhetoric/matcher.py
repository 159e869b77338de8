"""The fast matcher: word-test patterns compiled into sets of lexeme hashes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np
from spacy.attrs import IS_ALPHA, IS_DIGIT, IS_PUNCT, IS_TITLE, IS_UPPER, LOWER
from spacy.tokens import Doc

__all__ = ["FastMatcher", "fast_specs", "split_groups"]

# -- the fast matcher ----------------------------------------------------------------------
#
# spaCy's Matcher evaluates IN/REGEX predicates and {n,m} operators in Python for
# every token and pattern state, which costs several times the tokenizer. Patterns
# made only of lower-case word tests (the common case: lemma forms, literal words,
# globs) and token flags (punctuation, title case, ...) compile instead into sets of
# lexeme hashes and bit tests; a Doc is matched
# by looking up candidate start tokens in one numpy pass and running each pattern
# from those positions only. Other patterns (POS, DEP, ...) use spaCy's Matcher.

# Token flags the fast matcher tests, as bits of one integer per token.
_FLAGS = {"IS_PUNCT": (IS_PUNCT, 1), "IS_TITLE": (IS_TITLE, 2), "IS_UPPER": (IS_UPPER, 4),
          "IS_DIGIT": (IS_DIGIT, 8), "IS_ALPHA": (IS_ALPHA, 16)}  # fmt: skip

#: Per token of a batch: the first token of its segment and the end of its segment.
_Bounds = tuple[list[int], list[int]]

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
    """One token slot: a test on the lower-case form (set or regex) or on token flags.

    ``flags`` is ``(mask, value)``: the slot takes a token whose flag bits under ``mask``
    equal ``value`` (``IS_PUNCT = false`` is ``(1, 0)``, ``IS_TITLE = true`` ``(2, 2)``).
    """

    __slots__ = ("flags", "hashes", "high", "low", "negate", "regex")

    def __init__(
        self,
        low: int,
        high: int,
        *,
        hashes: AbstractSet[int] | None = None,
        regex: re.Pattern[str] | None = None,
        flags: tuple[int, int] | None = None,
        negate: bool = False,
    ) -> None:
        self.low, self.high = low, high
        self.hashes, self.regex, self.flags = hashes, regex, flags
        self.negate = negate  # NOT_IN: the slot takes a word that is *not* in ``hashes``


def fast_specs(specs: list[dict[str, Any]], strings: Any) -> list[_FastSpec] | None:
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
            elif isinstance(value, dict) and set(value) == {"NOT_IN"}:
                words = frozenset(strings.add(v) for v in value["NOT_IN"])
                out.append(_FastSpec(*bounds, hashes=words, negate=True))
            elif isinstance(value, dict) and set(value) == {"REGEX"}:
                out.append(_FastSpec(*bounds, regex=re.compile(value["REGEX"])))
            else:
                return None
        elif keys and keys <= set(_FLAGS) and all(isinstance(spec[k], bool) for k in keys):
            mask = sum(_FLAGS[k][1] for k in keys)
            value = sum(_FLAGS[k][1] for k in keys if spec[k])
            out.append(_FastSpec(*bounds, flags=(mask, value)))
        else:
            return None
    return out


class FastMatcher:
    """Matches compiled lower-case patterns; returns ``(key, start, end)`` with the longest end per start.

    Every required word slot is indexed: one numpy pass finds the tokens of
    every indexed word, patterns with a required slot absent from the document
    are skipped, and each other pattern is triggered by its slot with fewest
    tokens in the document. The slots before the trigger run backwards from its
    tokens to the start positions they allow, and the pattern runs forwards from
    those. Regex slots become sets of word hashes that grow as new words are
    seen, so a word is tested against a regex once per process.
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
        # Per pattern, its required word slots ("options"), any of which may trigger it:
        # (spec, fewest, most tokens before it, slot index).
        self._plans: list[list[tuple[_FastSpec, int, int, int]]] | None = None
        # trigger word hash (or regex) -> (pattern index, trigger option index) pairs
        self._by_hash: dict[int, list[tuple[int, int]]] = {}
        self._by_regex: dict[str, list[tuple[int, int]]] = {}
        # Options numbered across patterns (pattern ``i``'s from ``_offsets[i]``): per word, the
        # numbers of the options it fills, and the patterns with options with their first number.
        self._option_numbers: dict[int, Any] = {}
        self._offsets: list[int] = []
        self._optioned: Any = None
        self._optioned_offsets: Any = None
        self._option_rank: Any = None  # per option numbered across patterns: its index in its pattern's,
        self._option_span = 1  # and more than any pattern's number of options
        self._option_shift: Any = None
        self._whole: list[bool] = []  # per pattern: one slot of one token (a trigger is a match)
        self._steps: list[list[_Step]] = []  # per pattern: its slots as _match_specs runs them
        self._always: list[int] = []  # plans without a usable trigger: tried everywhere
        self._first: list[frozenset[int] | None] = []
        # Per pattern, when every slot takes exactly one token: (hashes or None, flags, negate).
        self._fixed: list[list[tuple[AbstractSet[int] | None, tuple[int, int] | None, bool]] | None] = []
        self._flag_bits = 0  # the flag bits some slot tests
        self._anchors: Any = None

    def add(self, key: int, specs: list[_FastSpec]) -> None:
        for spec in specs:
            if spec.regex is not None:
                # Specs with the same regex share one growing set of hashes.
                spec.hashes = self._regex_sets.setdefault(spec.regex.pattern, set())
                self._regex_specs.append(spec)
                self._checked = set()
            if spec.flags is not None:
                self._flag_bits |= spec.flags[0]
        self.patterns.append((key, specs))
        self._plans = None

    def _plan(self) -> None:
        """Choose each pattern's trigger slot and the offsets of its start before the trigger."""

        self._plans, self._by_hash, self._by_regex, self._always = [], {}, {}, []
        self._fixed = [
            [(spec.hashes, spec.flags, spec.negate) for spec in specs]
            if all(spec.low == spec.high == 1 for spec in specs)
            else None
            for _, specs in self.patterns
        ]
        self._first = []
        for _, specs in self.patterns:
            # Words that can stand at a match's first token (None: any token may).
            first: set[int] | None = set()
            for spec in specs:
                if spec.regex is not None or spec.hashes is None or spec.negate or first is None:
                    first = None
                    break
                first |= spec.hashes
                if spec.low > 0:
                    break
            self._first.append(frozenset(first) if first is not None else None)
        for index, (_, specs) in enumerate(self.patterns):
            # Every required word slot is indexed and may trigger the pattern: a document without
            # a word for one of them cannot match, and each document starts from the one with
            # fewest tokens (counting them alone did better than weighting those after a gap).
            options: list[tuple[_FastSpec, int, int, int]] = []
            low = high = 0
            for slot, spec in enumerate(specs):
                if spec.low > 0 and spec.hashes is not None and not spec.negate:
                    options.append((spec, low, high, slot))
                low += spec.low
                high = min(self._UNBOUNDED, high + spec.high)
            self._plans.append(options)
            if not options:
                self._always.append(index)
            for option, (spec, _, _, _) in enumerate(options):
                if spec.regex is not None:
                    self._by_regex.setdefault(spec.regex.pattern, []).append((index, option))
                else:
                    for value in spec.hashes or ():
                        self._by_hash.setdefault(value, []).append((index, option))
        self._anchors = np.array(sorted(self._by_hash), dtype="uint64")
        # A one-slot pattern is a whole match at its trigger only when the slot takes exactly
        # one token ("power+" may run on: "power power" is one longer match) and is a word test.
        self._whole = [
            len(specs) == 1 and specs[0].low == specs[0].high == 1 and bool(options)
            for (_, specs), options in zip(self.patterns, self._plans, strict=True)
        ]
        self._steps = [_steps(specs) for _, specs in self.patterns]
        self._option_numbers = {}
        self._offsets = np.cumsum([0, *(len(options) for options in self._plans)]).tolist()
        self._option_rank = np.array(
            [i for options in self._plans for i in range(len(options))], dtype="int64"
        )
        self._option_span = max((len(options) for options in self._plans), default=0) + 1
        # Per option: how far back its pattern starts when that is fixed (else 0: it runs backwards).
        self._option_shift = np.array(
            [low if low == high else 0 for options in self._plans for _, low, high, _ in options],
            dtype="int64",
        )
        optioned = [index for index, options in enumerate(self._plans) if options]
        self._optioned = np.array(optioned, dtype="int64")
        self._optioned_offsets = np.array([self._offsets[index] for index in optioned], dtype="int64")

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
                        self._option_numbers.pop(value, None)
                        grown = True
        self._checked |= fresh
        if grown:
            self._anchors = np.array(sorted(self._by_hash), dtype="uint64")

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        """``(key, start, end)`` of every match in ``doc``."""
        return [
            (key, start, end)
            for key, starts, ends in self.groups(doc)
            for start, end in zip(starts, ends, strict=True)
        ]

    def flag_attrs(self) -> list[int | str]:
        """The token flags (spaCy attribute ids) the slots test, in the order :meth:`groups_of` takes them."""
        return [attr for attr, bit in _FLAGS.values() if self._flag_bits & bit]

    def groups(self, doc: Doc, lower_ids: np.ndarray | None = None) -> list[tuple[int, list[int], list[int]]]:
        """The matches of ``doc`` per pattern that has any: ``(key, starts, ends)``, patterns in order added.

        The same matches as calling the matcher, in the same order, without a tuple per match
        (a proximity rule's words may match thousands of times in a long text). ``lower_ids``
        is ``doc.to_array(LOWER)`` when the caller has it already.
        """
        if not self.patterns or len(doc) == 0:
            return []
        flag_attrs = self.flag_attrs()
        if lower_ids is None:  # one call for the words and the flags
            array = doc.to_array([LOWER, *flag_attrs]).reshape(len(doc), -1)  # one attribute: a flat array
        elif flag_attrs:
            array = np.column_stack([lower_ids, doc.to_array(flag_attrs).reshape(len(doc), -1)])
        else:
            array = lower_ids.reshape(-1, 1)
        return self.groups_of(array)

    def groups_of(
        self, array: np.ndarray, segments: np.ndarray | None = None
    ) -> list[tuple[int, list[int], list[int]]]:
        """:meth:`groups` for token arrays: column 0 the ``LOWER`` ids, then :meth:`flag_attrs`.

        ``segments`` (the first token of each of several Docs laid end to end, starting
        with 0) keeps every match inside one of them: the tagger matches a batch of short
        Docs in one pass, with the matches each would have alone.
        """
        if not self.patterns or len(array) == 0:
            return []
        if self._plans is None:
            self._plan()
        lower_arr = array[:, 0]
        lower: list[int] = lower_arr.tolist()
        bits = np.zeros(len(lower), dtype="int64")
        used = [bit for _attr, bit in _FLAGS.values() if self._flag_bits & bit]
        for column, bit in enumerate(used, start=1):
            bits |= array[:, column].astype("int64") * bit
        token_flags: list[int] = bits.tolist()  # the flag bits of every token
        bounds: _Bounds | None = None
        firsts: Any = None  # per token, the first token of its segment (None: one segment)
        if segments is not None and len(segments) > 1:
            lengths = np.diff(np.append(segments, len(lower)))
            firsts = np.repeat(segments, lengths)
            bounds = (
                firsts.tolist(),  # per token: its segment's first token
                np.repeat(np.append(segments[1:], len(lower)), lengths).tolist(),  # and its end
            )
        if self._regex_specs:
            self._learn_words(lower)
        results: list[tuple[int, list[int], list[int]]] = []
        for index, option, found_at in self._triggers(*self._positions(lower_arr), firsts):
            candidates = self._candidates(index, option, found_at, lower, token_flags, bounds)
            if not candidates:
                continue
            key = self.patterns[index][0]
            fixed = self._fixed[index]
            if self._whole[index]:  # the trigger is the whole pattern
                starts = list(candidates)
                results.append((key, starts, [start + 1 for start in starts]))
                continue
            stops = bounds[1] if bounds is not None else None
            if fixed is not None:
                found = _match_fixed(fixed, candidates, lower, token_flags, stops)
            else:
                steps, first = self._steps[index], self._first[index]
                found = _match_specs(steps, first, candidates, lower, token_flags, stops)
            if found:
                results.append((key, [start for start, _ in found], [end for _, end in found]))
        return results

    def _positions(self, lower_arr: Any) -> tuple[list[int], Any, Any]:
        """The anchor words in the Doc and their tokens: ``(words, cuts, tokens)``.

        ``words`` are the distinct anchor words present; the tokens of ``words[i]`` are
        ``tokens[cuts[i]:cuts[i + 1]]`` (arrays), in order.
        """
        anchors = self._anchors
        none: tuple[list[int], Any, Any] = ([], np.zeros(1, dtype="int64"), np.zeros(0, dtype="int64"))
        if not len(anchors):
            return none
        # The anchors are sorted: a binary search per token beats np.isin's sort.
        slot = np.searchsorted(anchors, lower_arr)
        slot[slot == len(anchors)] = 0
        where = np.flatnonzero(anchors[slot] == lower_arr)
        if not len(where):
            return none
        # Grouped by word with numpy (function words are anchors too: no loop over their tokens).
        anchor = slot[where]
        order = np.argsort(anchor, kind="stable")
        anchor, tokens = anchor[order], where[order]
        firsts = np.flatnonzero(np.append(True, anchor[1:] != anchor[:-1]))
        cuts = np.append(firsts, len(tokens))
        return anchors[anchor[firsts]].tolist(), cuts, tokens

    def _triggers(
        self, words: list[int], cuts: Any, tokens: Any, firsts: Any = None
    ) -> list[tuple[int, int, list[int]]]:
        """Every pattern whose required slots all have a token here, with its trigger and where it is.

        ``(pattern index, trigger option, tokens)``: the trigger is the option with fewest
        tokens (the first of equals); ``tokens`` are the start tokens its words allow
        when it sits at a fixed distance from the start (within the trigger's segment:
        ``firsts`` gives each token its segment's first token), else the trigger's own
        tokens (sorted). Patterns without options come with -1 and no tokens: they are
        tried everywhere.
        """
        chosen: list[tuple[int, int, list[int]]] = [(index, -1, []) for index in self._always]
        if not words or not len(self._optioned):
            return chosen
        numbers = self._option_numbers
        for value in set(words) - numbers.keys():
            numbers[value] = np.array(
                [self._offsets[index] + option for index, option in self._by_hash[value]], dtype="int64"
            )
        # Per option numbered across patterns, the tokens of its words: one bincount, not a
        # loop over every (word, pattern) pair; then per pattern, whether every option has a
        # token and which has fewest (tokens, then option number, in one minimum).
        found = [numbers[value] for value in words]
        lengths = np.array([len(f) for f in found], dtype="int64")
        options = np.concatenate(found)
        per_word = np.diff(cuts)
        per_option = np.bincount(options, weights=np.repeat(per_word, lengths), minlength=self._offsets[-1])
        per_option = per_option.astype("int64")
        complete = np.minimum.reduceat(per_option, self._optioned_offsets) > 0
        if not complete.any():
            return chosen
        ranked = per_option * self._option_span + self._option_rank
        best = np.minimum.reduceat(ranked, self._optioned_offsets)[complete] % self._option_span
        active = self._optioned[complete]
        triggers = self._optioned_offsets[complete] + best
        # The tokens of every trigger at once: each (word, trigger option) pair expands into
        # the word's tokens, sorted by option then token, shifted to the start when fixed.
        is_trigger = np.zeros(self._offsets[-1], dtype=bool)
        is_trigger[triggers] = True
        pairs = is_trigger[options]
        pair_option = options[pairs]
        pair_word = np.repeat(np.arange(len(words)), lengths)[pairs]
        sizes = per_word[pair_word]
        option_of = np.repeat(pair_option, sizes)
        offsets = np.repeat(cuts[pair_word] - (np.cumsum(sizes) - sizes), sizes)
        trigger_at = tokens[offsets + np.arange(len(option_of))]
        token = trigger_at - self._option_shift[option_of]
        # A start before the trigger's segment (or the text) belongs to another Doc: not tried
        # (the match tests would turn it down too, as it cannot reach its end in that Doc).
        keep = token >= (0 if firsts is None else firsts[trigger_at])
        option_of, token = option_of[keep], token[keep]
        order = np.lexsort((token, option_of))
        option_of, token = option_of[order], token[order]
        bounds = np.searchsorted(option_of, triggers, side="left").tolist()
        ends = np.searchsorted(option_of, triggers, side="right").tolist()
        every = token.tolist()
        chosen.extend(
            (index, option, every[a:b])
            for index, option, a, b in zip(active.tolist(), best.tolist(), bounds, ends, strict=True)
        )
        return sorted(chosen) if self._always else chosen

    def _candidates(
        self,
        index: int,
        option: int,
        found: list[int],
        lower: list[int],
        token_flags: list[int],
        bounds: _Bounds | None = None,
    ) -> list[int] | range:
        """Start tokens to try for pattern ``index`` from its trigger ``option`` found at ``found``."""
        assert self._plans is not None
        if option < 0:
            return range(len(lower))
        _, low, high, slot = self._plans[index][option]
        if low == high:  # the trigger sits at a fixed distance from the start: found are the starts
            return found  # (each within its trigger's segment: see _triggers)
        # The slots before the trigger run backwards from its tokens: only the starts they
        # reach can match (every start in a window before the trigger was tried before).
        floors = bounds[0] if bounds is not None else None
        return sorted(_starts_before(self.patterns[index][1][:slot], set(found), lower, token_flags, floors))


def _match_fixed(
    fixed: list[tuple[AbstractSet[int] | None, tuple[int, int] | None, bool]],
    candidates: Iterable[int],
    lower: list[int],
    token_flags: list[int],
    stops: list[int] | None = None,
) -> list[tuple[int, int]]:
    """Matches of a pattern whose every slot takes exactly one token: test the slots in place.

    ``stops`` gives each token the end of its segment (see :meth:`FastMatcher.groups_of`).
    """
    found: list[tuple[int, int]] = []
    width, size = len(fixed), len(lower)
    for start in candidates:
        if start + width > (size if stops is None else stops[start]):
            continue
        for offset, (slot_words, flags, negate) in enumerate(fixed):
            value = lower[start + offset]
            if slot_words is not None:
                if (value in slot_words) == negate:
                    break
            elif flags is not None and token_flags[start + offset] & flags[0] != flags[1]:
                break
        else:
            found.append((start, start + width))
    return found


def _starts_before(
    prefix: list[_FastSpec],
    ends: set[int],
    lower: list[int],
    token_flags: list[int],
    floors: list[int] | None = None,
) -> set[int]:
    """The tokens from which the slots ``prefix`` can run up to just before one of ``ends``.

    ``floors`` gives each token the first token of its segment: no start goes before the
    segment of the token it runs back from (see :meth:`FastMatcher.groups_of`).
    """
    frontier = ends
    for spec in reversed(prefix):
        reached: set[int] = set()
        hashes = spec.hashes
        for position in frontier:
            count = 0
            if spec.low == 0:
                reached.add(position)
            floor = 0 if floors is None or position >= len(floors) else floors[position]
            while position > floor and count < spec.high:
                if hashes is not None:
                    if (lower[position - 1] in hashes) == spec.negate:
                        break
                elif spec.flags is not None and token_flags[position - 1] & spec.flags[0] != spec.flags[1]:
                    break
                position -= 1
                count += 1
                if count >= spec.low:
                    reached.add(position)
        frontier = reached
        if not frontier:
            break
    return frontier


#: A slot as :func:`_match_specs` runs it: (fewest, most tokens, word hashes or None, whether
#: the words are excluded, (flag mask, flag value)); a slot without words tests the flags.
_Step = tuple[int, int, AbstractSet[int] | None, bool, tuple[int, int]]


def _steps(specs: list[_FastSpec]) -> list[_Step]:
    return [(spec.low, spec.high, spec.hashes, spec.negate, spec.flags or (0, 0)) for spec in specs]


def _match_specs(
    steps: list[_Step],
    first: frozenset[int] | None,
    candidates: Iterable[int],
    lower: list[int],
    token_flags: list[int],
    stops: list[int] | None = None,
) -> list[tuple[int, int]]:
    """Matches of a pattern with variable-length slots: the longest end from each start.

    ``stops`` gives each token the end of its segment (see :meth:`FastMatcher.groups_of`).
    """
    found: list[tuple[int, int]] = []
    size = len(lower)
    for start in candidates:
        if first is not None and lower[start] not in first:
            continue
        if stops is not None:
            size = stops[start]
        frontier = {start}
        for low, high, hashes, negate, (mask, value) in steps:
            reached: set[int] = set()
            for position in frontier:
                count = 0
                if low == 0:
                    reached.add(position)
                while position < size and count < high:
                    if hashes is not None:
                        if (lower[position] in hashes) == negate:
                            break
                    elif token_flags[position] & mask != value:
                        break
                    position += 1
                    count += 1
                    if count >= low:
                        reached.add(position)
            frontier = reached
            if not frontier:
                break
        if frontier:
            end = max(frontier)
            if end > start:
                found.append((start, end))
    return found


def split_groups(
    groups: list[tuple[int, list[int], list[int]]], offsets: list[int]
) -> list[list[tuple[int, list[int], list[int]]]]:
    """The fast matcher's groups over Docs laid end to end, per Doc (token indices of each)."""
    per_doc: list[list[tuple[int, list[int], list[int]]]] = [[] for _ in offsets[:-1]]
    if len(per_doc) == 1:
        per_doc[0] = groups
        return per_doc
    for key, starts, ends in groups:
        # Within a group the starts ascend and no match leaves its Doc: cut where Docs end.
        low, size, doc = 0, len(starts), 0
        while low < size:
            doc = bisect.bisect_right(offsets, starts[low], doc) - 1  # an empty Doc is passed over
            high = bisect.bisect_left(starts, offsets[doc + 1], low)
            shift = offsets[doc]
            if shift:
                moved = ([s - shift for s in starts[low:high]], [e - shift for e in ends[low:high]])
            else:
                moved = (starts[low:high], ends[low:high])
            per_doc[doc].append((key, *moved))
            low = high
    return per_doc
