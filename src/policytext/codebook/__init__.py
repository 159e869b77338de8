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

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policytext._text import sha256_hex
from policytext.errors import CodebookError

if TYPE_CHECKING:
    from policytext.store.corpus import Corpus

__all__ = [
    "PATTERN_KINDS",
    "Codebook",
    "CodebookProblem",
    "Exclusion",
    "Frame",
    "Pattern",
    "check_codebook",
    "codebook_from_dict",
    "default_codebook_path",
    "describe_codebook",
    "load_codebook",
]

PATTERN_KINDS = ("phrase", "tokens", "proximity")
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
    order when ``ordered``). ``line`` is where it was defined (0 when unknown).
    """

    id: str
    frame: str
    kind: str
    terms: tuple[str, ...] = ()
    tokens: tuple[dict[str, Any], ...] = ()
    near: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
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
class Codebook:
    """A validated codebook.

    ``frames`` holds the frame ids in order; ``frame_defs`` the full
    :class:`Frame` records. ``hash`` identifies the content (not the file), so
    tags made with it can be traced and replaced when it changes.

    Example::

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
        return data

    def to_json(self) -> str:
        """Canonical JSON of the content (sorted keys, no whitespace)."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def hash(self) -> str:
        """SHA-256 (hex) of the canonical content (computed once: the codebook is frozen)."""
        return sha256_hex(self.to_json())


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


def default_codebook_path() -> Path:
    """The path of the default codebook shipped with policytext."""
    return Path(str(resources.files("policytext") / "data" / "codebook.toml"))


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook; ``None`` gives the default one.

    Parameters
    ----------
    path:
        A ``.toml`` codebook, a quanteda ``.yml``/``.yaml`` dictionary or a
        LIWC ``.dic`` dictionary.

    Returns
    -------
    Codebook
        The validated codebook.

    Raises
    ------
    CodebookError
        ``FILE:LINE: problem`` for the first error found.

    Example::

        >>> load_codebook().version
        '1.2'
    """
    if path is None:
        return _load_default()
    return _load_path(Path(path))


@cache
def _load_default() -> Codebook:
    return _load_path(default_codebook_path())


def _load_path(path: Path) -> Codebook:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(f"{path}: no such codebook file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot read codebook ({exc})") from None
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        from policytext.codebook.dictionaries import parse_quanteda_yaml

        return parse_quanteda_yaml(text, source=str(path))
    if suffix == ".dic":
        from policytext.codebook.dictionaries import parse_liwc_dic

        return parse_liwc_dic(text, source=str(path))
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CodebookError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        return codebook_from_dict(data, source=str(path))
    return parse_toml_codebook(text, source=str(path))


# -- TOML ----------------------------------------------------------------------


class _Lines:
    """Finds the line of a ``[[table]]`` entry and of a key inside it (tomllib gives none)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?")

    def __init__(self, text: str) -> None:
        self.headers: list[tuple[int, str, bool]] = []  # (line, name, is_array)
        self.lines = text.splitlines()
        for number, line in enumerate(self.lines, start=1):
            match = self._HEADER.match(line)
            if match:
                self.headers.append((number, match.group(1), line.lstrip().startswith("[[")))

    def entry(self, table: str, index: int) -> tuple[int, int]:
        """First and last line of entry ``index`` of ``[[table]]``."""
        seen = -1
        for position, (number, name, is_array) in enumerate(self.headers):
            if name == table and is_array:
                seen += 1
                if seen == index:
                    end = (
                        self.headers[position + 1][0] - 1
                        if position + 1 < len(self.headers)
                        else len(self.lines)
                    )
                    return number, end
        return 0, 0

    def key(self, table: str, index: int, key: str) -> int:
        """Line of ``key = ...`` in entry ``index`` of ``[[table]]`` (the header line if absent)."""
        start, end = self.entry(table, index)
        if not start:
            return 0
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, end + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def table(self, name: str) -> int:
        for number, header, _ in self.headers:
            if header == name:
                return number
        return 0


def parse_toml_codebook(text: str, *, source: str = "<codebook>") -> Codebook:
    """Parse and validate the text of a TOML codebook.

    Parameters
    ----------
    text:
        The TOML text.
    source:
        The file name used in error messages.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        ``SOURCE:LINE: problem``.

    Example::

        >>> cb = parse_toml_codebook('''
        ... [[frames]]
        ... id = "devolution"
        ... label = "Devolution"
        ... [[patterns]]
        ... id = "dev-devolve"
        ... frame = "devolution"
        ... phrase = "devolve power"
        ... ''')
        >>> cb.patterns[0].terms
        ('devolve', 'power')
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        line = found.group(1) if found else "1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise CodebookError(f"{source}:{line}: invalid TOML ({message})") from None
    return codebook_from_dict(data, source=source, lines=_Lines(text))


def codebook_from_dict(
    data: dict[str, Any], *, source: str = "<codebook>", lines: _Lines | None = None
) -> Codebook:
    """Build and validate a codebook from plain data (parsed TOML or :meth:`Codebook.to_dict`).

    Parameters
    ----------
    data:
        Either the TOML layout (``[codebook]``, ``[[frames]]``, ``[[patterns]]``,
        ``[[exclusions]]``, ``[negation]``) or the flat layout of ``to_dict``.
    source:
        The file name used in error messages.

    Returns
    -------
    Codebook

    Example::

        >>> cb = load_codebook()
        >>> codebook_from_dict(cb.to_dict()).hash == cb.hash
        True
    """
    if not isinstance(data, dict):
        raise CodebookError(f"{source}:1: a codebook must be a table")
    if "frame_defs" in data:  # the flat layout of Codebook.to_dict
        data = {
            "codebook": {
                "name": data.get("name"),
                "version": data.get("version"),
                "description": data.get("description", ""),
            },
            "frames": [dict(f) for f in data.get("frame_defs", [])],
            "patterns": [_flat_entry(p) for p in data.get("patterns", [])],
            "exclusions": [_flat_entry(p) for p in data.get("exclusions", [])],
            "negation": {
                "cues": list(data.get("negation_cues", DEFAULT_NEGATION_CUES)),
                "window": data.get("negation_window", 5),
            },
        }
    return _Builder(data, source, lines or _Lines("")).build()


def _flat_entry(item: dict[str, Any]) -> dict[str, Any]:
    entry = {k: v for k, v in item.items() if v not in ((), [], "", None) or k == "tokens"}
    kind = entry.pop("kind", "phrase")
    terms = entry.pop("terms", [])
    near = entry.pop("near", [[], []])
    tokens = entry.pop("tokens", [])
    if kind == "phrase":
        entry["phrase"] = " ".join(terms)
    elif kind == "tokens":
        entry["tokens"] = [dict(t) for t in tokens]
    else:
        entry["near"] = [list(near[0]), list(near[1])]
    return entry


class _Builder:
    def __init__(self, data: dict[str, Any], source: str, lines: _Lines) -> None:
        self.data = data
        self.source = source
        self.lines = lines

    def fail(self, line: int, message: str) -> CodebookError:
        return CodebookError(f"{self.source}:{line or 1}: {message}")

    def build(self) -> Codebook:
        known = {"codebook", "frames", "patterns", "exclusions", "negation"}
        for key in self.data:
            if key not in known:
                raise self.fail(
                    self.lines.table(key),
                    f"unknown table {key!r}; expected one of {', '.join(sorted(known))}",
                )
        meta = self.data.get("codebook", {})
        if not isinstance(meta, dict):
            raise self.fail(self.lines.table("codebook"), "[codebook] must be a table")
        name = str(meta.get("name") or Path(self.source).stem)
        version = meta.get("version", "0")
        if not isinstance(version, (str, int, float)):
            raise self.fail(self.lines.table("codebook"), "codebook version must be a string")
        frames = self.frames()
        frame_ids = {f.id for f in frames}
        patterns = self.patterns(frame_ids)
        exclusions = self.exclusions(frame_ids)
        negation = self.data.get("negation", {})
        cues = negation.get("cues", list(DEFAULT_NEGATION_CUES))
        window = negation.get("window", 5)
        line = self.lines.table("negation")
        if not isinstance(cues, list) or not all(isinstance(c, str) and c.strip() for c in cues):
            raise self.fail(line, "negation cues must be a list of words")
        if not isinstance(window, int) or isinstance(window, bool) or window < 1:
            raise self.fail(line, f"negation window must be a positive integer, not {window!r}")
        used = {p.frame for p in patterns}
        for frame in frames:
            if frame.id not in used:
                raise self.fail(self._frame_line(frame.id), f"frame {frame.id!r} has no patterns")
        return Codebook(
            name=name,
            version=str(version),
            frame_defs=tuple(frames),
            patterns=tuple(patterns),
            exclusions=tuple(exclusions),
            negation_cues=tuple(c.strip().lower() for c in cues),
            negation_window=window,
            description=str(meta.get("description", "")),
            source=self.source,
        )

    def _frame_line(self, frame_id: str) -> int:
        for index, item in enumerate(self.data.get("frames", [])):
            if isinstance(item, dict) and item.get("id") == frame_id:
                return self.lines.entry("frames", index)[0]
        return 0

    def _entries(self, table: str) -> list[Any]:
        entries = self.data.get(table, [])
        if not isinstance(entries, list):
            raise self.fail(self.lines.table(table), f"{table} must be an array of tables [[{table}]]")
        return entries

    def frames(self) -> list[Frame]:
        frames: list[Frame] = []
        entries = self._entries("frames")
        if not entries:
            raise self.fail(0, "no frames defined; add [[frames]] entries")
        seen: set[str] = set()
        for index, item in enumerate(entries):
            line = self.lines.entry("frames", index)[0]
            if not isinstance(item, dict):
                raise self.fail(line, "each frame must be a table")
            self._no_unknown(item, {"id", "label", "definition"}, "frames", index)
            frame_id = item.get("id")
            if not isinstance(frame_id, str) or not _ID.match(frame_id):
                raise self.fail(
                    self.lines.key("frames", index, "id"),
                    f"frame id {frame_id!r} must be lower-case letters, digits and underscores",
                )
            if frame_id in seen:
                raise self.fail(self.lines.key("frames", index, "id"), f"duplicate frame id {frame_id!r}")
            seen.add(frame_id)
            label = item.get("label", frame_id.replace("_", " ").capitalize())
            frames.append(Frame(frame_id, str(label), str(item.get("definition", "")).strip()))
        return frames

    def _no_unknown(self, item: dict[str, Any], allowed: set[str], table: str, index: int) -> None:
        for key in item:
            if key not in allowed:
                raise self.fail(
                    self.lines.key(table, index, key),
                    f"unknown key {key!r} in [[{table}]]; expected one of {', '.join(sorted(allowed))}",
                )

    def _kind(self, item: dict[str, Any], table: str, index: int, kinds: tuple[str, ...]) -> str:
        given = [k for k in ("phrase", "tokens", "near") if k in item]
        if len(given) != 1:
            what = "phrase, tokens or near" if "proximity" in kinds else "phrase or tokens"
            raise self.fail(
                self.lines.entry(table, index)[0],
                f"[[{table}]] {item.get('id', index + 1)!r} needs exactly one of {what}",
            )
        kind = {"phrase": "phrase", "tokens": "tokens", "near": "proximity"}[given[0]]
        if kind not in kinds:
            raise self.fail(
                self.lines.key(table, index, given[0]), f"{given[0]} is not allowed in [[{table}]]"
            )
        return kind

    def _terms(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        if not isinstance(value, str) or not value.split():
            raise self.fail(line, f"{what} must be a non-empty string of words")
        return tuple(value.lower().split())

    def _tokens(self, value: Any, line: int) -> tuple[dict[str, Any], ...]:
        if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
            raise self.fail(line, 'tokens must be a non-empty list of token tables, e.g. [{LOWER = "power"}]')
        for token in value:
            for attr in token:
                if attr.upper() not in _KNOWN_ATTRS:
                    raise self.fail(line, f"unknown token attribute {attr!r}")
            op = token.get("OP")
            if op is not None and not (isinstance(op, str) and re.match(r"^([!?+*]|\{\d*,?\d*\})$", op)):
                raise self.fail(line, f"bad OP {op!r}; use one of ! ? + * or {{n,m}}")
        return tuple(dict(t) for t in value)

    def _int(self, item: dict[str, Any], key: str, default: int, line: int, lowest: int) -> int:
        value = item.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            raise self.fail(line, f"{key} must be an integer >= {lowest}, not {value!r}")
        return value

    def _id(self, item: dict[str, Any], table: str, index: int, seen: set[str]) -> str:
        pattern_id = item.get("id")
        line = self.lines.key(table, index, "id")
        if not isinstance(pattern_id, str) or not _PATTERN_ID.match(pattern_id):
            raise self.fail(
                line,
                f"[[{table}]] entry needs an id of letters, digits, '-', '_' or '.', not {pattern_id!r}",
            )
        if pattern_id in seen:
            raise self.fail(line, f"duplicate id {pattern_id!r}")
        seen.add(pattern_id)
        return pattern_id

    def patterns(self, frame_ids: set[str]) -> list[Pattern]:
        patterns: list[Pattern] = []
        seen: set[str] = set()
        allowed = {"id", "frame", "phrase", "tokens", "near", "window", "gap", "ordered", "note"}
        for index, item in enumerate(self._entries("patterns")):
            start = self.lines.entry("patterns", index)[0]
            if not isinstance(item, dict):
                raise self.fail(start, "each pattern must be a table")
            self._no_unknown(item, allowed, "patterns", index)
            pattern_id = self._id(item, "patterns", index, seen)
            frame = item.get("frame")
            if frame not in frame_ids:
                raise self.fail(
                    self.lines.key("patterns", index, "frame"),
                    f"pattern {pattern_id!r}: frame {frame!r} is not defined in [[frames]]",
                )
            kind = self._kind(item, "patterns", index, PATTERN_KINDS)
            key_line = self.lines.key(
                "patterns", index, {"phrase": "phrase", "tokens": "tokens"}.get(kind, "near")
            )
            common: dict[str, Any] = {
                "id": pattern_id,
                "frame": str(frame),
                "kind": kind,
                "note": str(item.get("note", "")),
                "line": start,
                "gap": self._int(item, "gap", 0, self.lines.key("patterns", index, "gap"), 0),
            }
            if kind == "phrase":
                common["terms"] = self._terms(item["phrase"], key_line, f"pattern {pattern_id!r}: phrase")
            elif kind == "tokens":
                common["tokens"] = self._tokens(item["tokens"], key_line)
            else:
                near = item["near"]
                if not (
                    isinstance(near, list)
                    and len(near) == 2
                    and all(isinstance(side, list) and side for side in near)
                    and all(isinstance(t, str) and t.split() for side in near for t in side)
                ):
                    raise self.fail(
                        key_line,
                        f"pattern {pattern_id!r}: near must be two non-empty lists of terms, "
                        'e.g. near = [["power"], ["people", "community"]]',
                    )
                common["near"] = (
                    tuple(" ".join(t.lower().split()) for t in near[0]),
                    tuple(" ".join(t.lower().split()) for t in near[1]),
                )
                common["window"] = self._int(
                    item, "window", 8, self.lines.key("patterns", index, "window"), 1
                )
                ordered = item.get("ordered", False)
                if not isinstance(ordered, bool):
                    raise self.fail(
                        self.lines.key("patterns", index, "ordered"),
                        "ordered must be true or false",
                    )
                common["ordered"] = ordered
            patterns.append(Pattern(**common))
        return patterns

    def exclusions(self, frame_ids: set[str]) -> list[Exclusion]:
        exclusions: list[Exclusion] = []
        seen: set[str] = set()
        allowed = {"id", "frames", "phrase", "tokens", "scope", "gap", "note"}
        for index, item in enumerate(self._entries("exclusions")):
            start = self.lines.entry("exclusions", index)[0]
            if not isinstance(item, dict):
                raise self.fail(start, "each exclusion must be a table")
            self._no_unknown(item, allowed, "exclusions", index)
            exclusion_id = self._id(item, "exclusions", index, seen)
            kind = self._kind(item, "exclusions", index, EXCLUSION_KINDS)
            frames = item.get("frames", [])
            frames_line = self.lines.key("exclusions", index, "frames")
            if isinstance(frames, str):
                frames = [frames]
            if isinstance(frames, tuple):
                frames = list(frames)
            if not isinstance(frames, list):
                raise self.fail(frames_line, "frames must be a list of frame ids")
            for frame in frames:
                if frame not in frame_ids:
                    raise self.fail(
                        frames_line, f"exclusion {exclusion_id!r}: frame {frame!r} is not defined"
                    )
            scope = item.get("scope", "overlap")
            if scope not in ("overlap", "sentence"):
                raise self.fail(
                    self.lines.key("exclusions", index, "scope"),
                    f"scope must be 'overlap' or 'sentence', not {scope!r}",
                )
            key_line = self.lines.key("exclusions", index, "phrase" if kind == "phrase" else "tokens")
            exclusions.append(
                Exclusion(
                    id=exclusion_id,
                    kind=kind,
                    terms=self._terms(item["phrase"], key_line, f"exclusion {exclusion_id!r}: phrase")
                    if kind == "phrase"
                    else (),
                    tokens=self._tokens(item["tokens"], key_line) if kind == "tokens" else (),
                    frames=tuple(frames),
                    scope=scope,
                    gap=self._int(item, "gap", 0, self.lines.key("exclusions", index, "gap"), 0),
                    note=str(item.get("note", "")),
                    line=start,
                )
            )
        return exclusions


# -- checking ------------------------------------------------------------------


def check_codebook(path: str | Path | None = None) -> list[CodebookProblem]:
    """Validate a codebook and find patterns that can never match.

    Beyond the errors :func:`load_codebook` raises, this tokenises every
    literal value of a token pattern and reports values the tokenizer splits
    (a multi-word entry in one token slot never matches), upper-case values
    given for ``LOWER``, duplicate patterns and attributes a blank pipeline
    never sets (a warning: they need a trained pipeline).

    Parameters
    ----------
    path:
        The codebook (default: the shipped one).

    Returns
    -------
    list[CodebookProblem]
        Empty when the codebook is sound.

    Example::

        >>> check_codebook()
        []
    """
    source = str(path) if path is not None else str(default_codebook_path())
    try:
        codebook = load_codebook(path)
    except CodebookError as exc:
        message = str(exc)
        found = re.match(r"^(.*?):(\d+): (.*)$", message)
        if found:
            return [CodebookProblem(found.group(1), int(found.group(2)), found.group(3))]
        return [CodebookProblem(source, 0, message.split(": ", 1)[-1])]
    from policytext._text import blank_english

    tokenizer = blank_english().tokenizer
    problems: list[CodebookProblem] = []
    signatures: dict[str, str] = {}
    entries: list[Pattern | Exclusion] = [*codebook.patterns, *codebook.exclusions]
    for entry in entries:
        frame = entry.frame if isinstance(entry, Pattern) else ",".join(entry.frames)
        signature = json.dumps(
            [entry.kind, frame, entry.terms, entry.tokens, getattr(entry, "near", None)],
            sort_keys=True,
            default=list,
        )
        if signature in signatures:
            problems.append(
                CodebookProblem(source, entry.line, f"{entry.id!r} duplicates {signatures[signature]!r}")
            )
        signatures[signature] = entry.id
        for position, token in enumerate(entry.tokens, start=1):
            for attr, value in token.items():
                name = attr.upper()
                if name in _TRAINED_ATTRS:
                    problems.append(
                        CodebookProblem(
                            source,
                            entry.line,
                            f"{entry.id!r} token {position} uses {name}, which only a trained "
                            "pipeline sets; it never matches in the default blank pipeline",
                            is_error=False,
                        )
                    )
                if name not in _STRING_ATTRS:
                    continue
                regex = value.get("REGEX") if isinstance(value, dict) else None
                if isinstance(regex, str):
                    problem = _regex_problem(regex, tokenizer)
                    if problem:
                        # With alternatives, another branch may still match: a warning.
                        branches = "|" in regex
                        problems.append(
                            CodebookProblem(
                                source,
                                entry.line,
                                f"{entry.id!r} token {position}: {name} REGEX {regex!r} "
                                f"{'has a branch that ' if branches else ''}can never match "
                                f"one token; {problem}",
                                is_error=not branches,
                            )
                        )
                values = _literal_values(value)
                for literal in values:
                    pieces = [t.text for t in tokenizer(literal)]
                    if len(pieces) != 1:
                        problems.append(
                            CodebookProblem(
                                source,
                                entry.line,
                                f"{entry.id!r} token {position}: {name} {literal!r} can never match one "
                                f"token; the tokenizer splits it into {' | '.join(pieces) or 'nothing'}",
                            )
                        )
                    elif name == "LOWER" and literal != literal.lower():
                        problems.append(
                            CodebookProblem(
                                source,
                                entry.line,
                                f"{entry.id!r} token {position}: LOWER {literal!r} has capitals "
                                "and can never match",
                            )
                        )
    return problems


def _regex_problem(regex: str, tokenizer: Any) -> str:
    """Why a regex on one token's text can never match, or "" (spaces, split hyphens)."""
    if re.search(r"(?<!\\) ", regex):
        return "tokens contain no spaces"
    for fragment in re.findall(r"(?<![\\\[])[A-Za-z]+-[A-Za-z]+", regex):
        pieces = [t.text for t in tokenizer(fragment)]
        if len(pieces) != 1:
            return f"the tokenizer splits {fragment!r} into {' | '.join(pieces)}"
    return ""


def _literal_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        found: list[str] = []
        for op, operand in value.items():
            if op.upper() in ("IN", "==") and isinstance(operand, (list, str)):
                found.extend(
                    [operand] if isinstance(operand, str) else [v for v in operand if isinstance(v, str)]
                )
        return found
    return []


def describe_codebook(codebook: Codebook, *, fmt: str = "md") -> str:
    """A codebook for reading: Markdown (frames with their patterns and notes) or JSON.

    Example::

        >>> describe_codebook(load_codebook()).splitlines()[0]
        '# policytext-default 1.2'
    """
    if fmt == "json":
        return json.dumps({"hash": codebook.hash, **codebook.to_dict()}, indent=2, ensure_ascii=False)
    lines = [f"# {codebook.name} {codebook.version}", "", f"hash: {codebook.hash}", ""]
    if codebook.description:
        lines += [codebook.description, ""]
    for frame in codebook.frame_defs:
        lines += [f"## {frame.id}: {frame.label}", "", frame.definition, ""]
        for pattern in codebook.patterns:
            if pattern.frame != frame.id:
                continue
            lines.append(
                f"- `{pattern.id}` ({pattern.kind}) {_pattern_text(pattern)}"
                + (f": {pattern.note}" if pattern.note else "")
            )
        lines.append("")
    if codebook.exclusions:
        lines += ["## exclusions", ""]
        for exclusion in codebook.exclusions:
            frames = ", ".join(exclusion.frames) or "all frames"
            lines.append(
                f"- `{exclusion.id}` ({frames}) {_pattern_text(exclusion)}"
                + (f": {exclusion.note}" if exclusion.note else "")
            )
        lines.append("")
    lines.append(f"negation cues: {', '.join(codebook.negation_cues)} (window {codebook.negation_window})")
    return "\n".join(lines)


def _pattern_text(entry: Pattern | Exclusion) -> str:
    if entry.kind == "phrase":
        return f'"{" ".join(entry.terms)}"'
    if entry.kind == "tokens":
        return json.dumps(list(entry.tokens), ensure_ascii=False)
    assert isinstance(entry, Pattern)
    return f"{' | '.join(entry.near[0])} within {entry.window} of {' | '.join(entry.near[1])}"


def codebook_from_stored(corpus: Corpus) -> Codebook:
    """The codebook the corpus was last tagged with (as stored with its tags).

    Raises
    ------
    CodebookError
        When the corpus has not been tagged.

    Example::

        codebook = codebook_from_stored(Corpus.open("corpus/policytext.db"))
    """
    row = corpus.conn.execute(
        "SELECT c.content, c.hash FROM tagged_documents t JOIN codebooks c ON c.hash = t.codebook_hash "
        "ORDER BY t.tagged_at DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise CodebookError(f"{corpus.path}: not tagged yet; run 'policytext tag' first")
    return codebook_from_dict(json.loads(row[0]), source=f"{corpus.path} (codebook {row[1][:12]})")
