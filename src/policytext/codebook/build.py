"""Validation: plain data (parsed TOML, a dictionary, stored JSON) into a :class:`Codebook`.

Every problem is a :class:`~policytext.errors.CodebookError` reading ``FILE:LINE: problem``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from spacy.schemas import validate_token_pattern

from policytext.codebook.model import (
    _ID,
    _KNOWN_ATTRS,
    _PATTERN_ID,
    DEFAULT_NEGATION_CUES,
    EXCLUSION_KINDS,
    PATTERN_KINDS,
    ClassifierRef,
    Codebook,
    Exclusion,
    Frame,
    Pattern,
)
from policytext.codebook.regex_safety import regex_problem
from policytext.codebook.source_lines import SourceLines
from policytext.errors import CodebookError

__all__ = ["SourceLines", "codebook_from_dict", "nfkc"]


def nfkc(value: Any) -> Any:
    """``value`` with every string in it NFKC-normalised (text is compared in that form too)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFKC", value)
    if isinstance(value, list | tuple):
        return [nfkc(v) for v in value]
    if isinstance(value, dict):
        return {k: nfkc(v) for k, v in value.items()}
    return value


def codebook_from_dict(
    data: dict[str, Any], *, source: str = "<codebook>", lines: SourceLines | None = None
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

        >>> from policytext.codebook import load_codebook
        >>> cb = load_codebook()
        >>> codebook_from_dict(cb.to_dict()).hash == cb.hash
        True
    """
    if not isinstance(data, dict):
        raise CodebookError(f"{source}:1: a codebook must be a table")
    if "frame_defs" in data:  # the flat layout of Codebook.to_dict
        stored = data.get("classifier")
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
        if isinstance(stored, dict):  # where the file was found stands in for the codebook's folder
            data["classifier"] = {
                "file": stored.get("path", ""),
                "sha256": stored.get("sha256"),
                "threshold": stored.get("threshold"),
                "frames": list(stored.get("frames", [])),
            }
    return _Builder(data, source, lines or SourceLines("")).build()


def _find_classifier(file: str, digest: str, folder: Path) -> Path | None:
    """The classifier file named ``file`` whose sha256 is ``digest``: beside the codebook, else shipped."""
    from importlib import resources

    shipped = Path(str(resources.files("policytext") / "data"))
    for candidate in (folder / file, shipped / Path(file).name):
        if candidate.is_file() and _file_sha256(candidate) == digest:
            return candidate.resolve()
    return None


def _file_sha256(path: Path) -> str:
    import hashlib

    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _SHA_CACHE:
        _SHA_CACHE[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _SHA_CACHE[key]


_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def _flat_entry(item: dict[str, Any]) -> dict[str, Any]:
    entry = {k: v for k, v in item.items() if v not in ((), [], "", None) or k == "tokens"}
    kind = entry.pop("kind", "phrase")
    terms = entry.pop("terms", [])
    near = entry.pop("near", [[], []])
    tokens = entry.pop("tokens", [])
    dependency = entry.pop("dependency", [])
    if kind == "phrase":
        entry["phrase"] = " ".join(terms)
    elif kind == "tokens":
        entry["tokens"] = [dict(t) for t in tokens]
    elif kind == "dependency":
        entry["dependency"] = [dict(t) for t in dependency]
    else:
        entry["near"] = [list(near[0]), list(near[1])]
    return entry


# The relation operators of spaCy's DependencyMatcher.
_REL_OPS = frozenset({">", "<", ">>", "<<", ".", ".*", ";", ";*", "$+", "$-", "$++", "$--",
                      ">+", ">-", ">++", ">--", "<+", "<-", "<++", "<--"})  # fmt: skip


#: The type names in spaCy's schema errors ("TokenPatternString", "str-enum[...]", "str").
_SCHEMA_TYPE = re.compile(r"^(?:[A-Z][a-z]\w*|str|int|bool|constrained-\w+|[\w-]+\[.*\])$")


def _schema_error(message: str) -> str:
    """spaCy's schema error in the codebook's terms: the token, its attribute path and why.

    Example::

        >>> _schema_error("[pattern -> 0 -> LOWER -> TokenPatternString -> FOO] Extra inputs")
        'token 1: LOWER -> FOO: Extra inputs'
    """
    found = re.match(r"^\[pattern -> (\d+) -> (.*?)\] (.*)$", message)
    if not found:
        return message
    # Leave out the schema's own type names ("TokenPatternString", "str-enum[...]").
    path = [part for part in found.group(2).split(" -> ") if not _SCHEMA_TYPE.match(part)]
    return f"token {int(found.group(1)) + 1}: {' -> '.join(path)}: {found.group(3)}"


def _line_of(error: CodebookError) -> int:
    """The line a ``FILE:LINE: problem`` error names (0 when it names none)."""
    found = re.search(r":(\d+): ", str(error))
    return int(found.group(1)) if found else 0


class _Builder:
    def __init__(self, data: dict[str, Any], source: str, lines: SourceLines) -> None:
        self.data = data
        self.source = source
        self.lines = lines

    def fail(self, line: int, message: str) -> CodebookError:
        return CodebookError(f"{self.source}:{line or 1}: {message}")

    def build(self) -> Codebook:
        # A problem does not stop the checks of the parts it leaves sound: every problem found
        # is raised at once (CodebookError.problems, in file order; the message is the first),
        # so ``codebook check`` reports them all in one run.
        broken: list[CodebookError] = []
        known = {"codebook", "frames", "patterns", "exclusions", "negation", "classifier"}
        for key in self.data:
            if key not in known:
                broken.append(
                    self.fail(
                        self.lines.table(key),
                        f"unknown table {key!r}; expected one of {', '.join(sorted(known))}",
                    )
                )
        name, version, description = self._meta(broken)
        frames = self.frames(broken)
        frame_ids = self._declared_frame_ids()  # a frame with a bad key is still declared
        before = len(broken)
        patterns = self.patterns(frame_ids, broken)
        if len(broken) == before:  # else a broken pattern (a mistyped frame, say) is the problem
            used = {p.frame for p in patterns}
            broken.extend(
                self.fail(self._frame_line(frame.id), f"frame {frame.id!r} has no patterns")
                for frame in frames
                if frame.id not in used
            )
        exclusions = self.exclusions(frame_ids, broken)
        cues, window = self._negation(broken)
        classifier = None
        try:
            classifier = self.classifier()
        except CodebookError as error:
            broken.append(error)
        if broken:
            broken.sort(key=_line_of)
            raise CodebookError(str(broken[0]), tuple(str(error) for error in broken))
        return Codebook(
            name=name,
            version=version,
            frame_defs=tuple(frames),
            patterns=tuple(patterns),
            exclusions=tuple(exclusions),
            negation_cues=tuple(c.strip().lower() for c in cues),
            negation_window=window,
            description=description,
            classifier=classifier,
            source=self.source,
        )

    def _meta(self, broken: list[CodebookError]) -> tuple[str, str, str]:
        """``[codebook]``: name (default: the file's stem), version and description."""
        meta = self.data.get("codebook", {})
        if not isinstance(meta, dict):
            broken.append(self.fail(self.lines.table("codebook"), "[codebook] must be a table"))
            meta = {}
        broken.extend(self._unknown_keys(meta, "codebook", ("name", "version", "description")))
        version = meta.get("version", "0")
        line = self.lines.table("codebook")
        if not isinstance(version, (str, int, float)):
            broken.append(self.fail(line, "codebook version must be a string"))
        texts = {"name": "", "description": ""}
        for key in texts:
            try:
                texts[key] = self._text(meta, key, "", line, "[codebook] ")
            except CodebookError as error:
                broken.append(error)
        return texts["name"] or Path(self.source).stem, str(version), texts["description"]

    def _unknown_keys(
        self, table: dict[str, Any], name: str, allowed: tuple[str, ...]
    ) -> list[CodebookError]:
        """An error per key of the single table ``[name]`` that the format does not have (a typo)."""
        expected = ", ".join(allowed)
        line = self.lines.table(name)
        return [
            self.fail(line, f"unknown key {key!r} in [{name}]; expected one of {expected}")
            for key in table
            if key not in allowed
        ]

    def _negation(self, broken: list[CodebookError]) -> tuple[list[str], int]:
        """``[negation]``: its cues and window (the defaults where it leaves them out)."""
        negation = self.data.get("negation", {})
        line = self.lines.table("negation")
        if not isinstance(negation, dict):
            broken.append(self.fail(line, "[negation] must be a table with cues and window"))
            negation = {}
        broken.extend(self._unknown_keys(negation, "negation", ("cues", "window")))
        cues = negation.get("cues", list(DEFAULT_NEGATION_CUES))
        window = negation.get("window", 5)
        if not isinstance(cues, list) or not all(isinstance(c, str) and c.strip() for c in cues):
            broken.append(self.fail(line, "negation cues must be a list of words"))
            cues = []
        if not isinstance(window, int) or isinstance(window, bool) or window < 1:
            broken.append(self.fail(line, f"negation window must be a positive integer, not {window!r}"))
            window = 5
        return cues, window

    def classifier(self) -> ClassifierRef | None:
        """The ``[classifier]`` table: ``file`` (beside the codebook), ``sha256``, ``threshold``.

        The file is looked for where ``file`` says (relative to the codebook's folder),
        then among the classifiers shipped with policytext, by name; the one whose
        sha256 matches is used, so a stored codebook finds a shipped classifier again.
        """
        table = self.data.get("classifier")
        if table is None:
            return None
        line = self.lines.table("classifier")
        if not isinstance(table, dict):
            raise self.fail(line, "[classifier] must be a table with file, sha256 and threshold")
        unknown = set(table) - {"file", "sha256", "threshold", "frames"}
        if unknown:
            raise self.fail(line, f"[classifier]: unknown key {sorted(unknown)[0]!r}; "
                                  "expected file, sha256, threshold, frames")  # fmt: skip
        frames = table.get("frames", [])
        defined = {f.get("id") for f in self.data.get("frames", []) if isinstance(f, dict)}
        if not isinstance(frames, list) or not all(isinstance(f, str) and f in defined for f in frames):
            raise self.fail(line, f"[classifier]: frames must list frame ids of [[frames]], not {frames!r}")
        file, digest, threshold = table.get("file"), table.get("sha256"), table.get("threshold", 0.5)
        if not isinstance(file, str) or not file.strip():
            raise self.fail(line, "[classifier]: file must name the classifier's weights (a .npz file)")
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise self.fail(line, "[classifier]: sha256 must be the file's SHA-256, 64 hex digits")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
            raise self.fail(
                line, f"[classifier]: threshold must be a probability between 0 and 1, not {threshold!r}"
            )
        path = _find_classifier(file, digest, Path(self.source).parent)
        if path is None:
            raise self.fail(line, f"[classifier]: {file}: no such file with sha256 {digest[:12]}... "
                                  "(beside the codebook or shipped with policytext)")  # fmt: skip
        return ClassifierRef(sha256=digest, threshold=float(threshold), frames=tuple(frames), path=str(path))

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

    def _raw_entries(self, table: str) -> list[Any]:
        """The table's entries as written, or none when it is not an array (reported elsewhere)."""
        entries = self.data.get(table, [])
        return entries if isinstance(entries, list) else []

    def _declared_frame_ids(self) -> set[str]:
        return {
            item["id"]
            for item in self._raw_entries("frames")
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        }

    def frames(self, broken: list[CodebookError]) -> list[Frame]:
        """Every valid frame; each invalid one's error goes to ``broken`` instead."""
        try:
            entries = self._entries("frames")
        except CodebookError as error:
            broken.append(error)
            return []
        if not entries:
            broken.append(self.fail(0, "no frames defined; add [[frames]] entries"))
            return []
        frames: list[Frame] = []
        seen: set[str] = set()
        for index, item in enumerate(entries):
            try:
                frames.append(self._frame(index, item, seen))
            except CodebookError as error:
                broken.append(error)
        return frames

    def _frame(self, index: int, item: Any, seen: set[str]) -> Frame:
        """One ``[[frames]]`` entry, checked (its error raised)."""
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
        label = self._text(
            item, "label", frame_id.replace("_", " ").capitalize(), line, f"frame {frame_id!r}: "
        )
        definition = self._text(item, "definition", "", line, f"frame {frame_id!r}: ")
        return Frame(frame_id, label, definition.strip())

    def _no_unknown(self, item: dict[str, Any], allowed: set[str], table: str, index: int) -> None:
        for key in item:
            if key not in allowed:
                raise self.fail(
                    self.lines.key(table, index, key),
                    f"unknown key {key!r} in [[{table}]]; expected one of {', '.join(sorted(allowed))}",
                )

    def _kind(self, item: dict[str, Any], table: str, index: int, kinds: tuple[str, ...]) -> str:
        given = [k for k in ("phrase", "tokens", "near", "dependency") if k in item]
        if len(given) != 1:
            what = "phrase, tokens, near or dependency" if "proximity" in kinds else "phrase or tokens"
            raise self.fail(
                self.lines.entry(table, index)[0],
                f"[[{table}]] {item.get('id', index + 1)!r} needs exactly one of {what}",
            )
        kind = {"phrase": "phrase", "tokens": "tokens", "near": "proximity", "dependency": "dependency"}[
            given[0]
        ]
        if kind not in kinds:
            raise self.fail(
                self.lines.key(table, index, given[0]), f"{given[0]} is not allowed in [[{table}]]"
            )
        return kind

    def _terms(self, value: Any, line: int, what: str) -> tuple[str, ...]:
        if not isinstance(value, str) or not value.split():
            raise self.fail(line, f"{what} must be a non-empty string of words")
        return tuple(nfkc(value).lower().split())

    def _tokens(self, value: Any, line: int) -> tuple[dict[str, Any], ...]:
        if not isinstance(value, list) or not value or not all(isinstance(t, dict) for t in value):
            raise self.fail(line, 'tokens must be a non-empty list of token tables, e.g. [{LOWER = "power"}]')
        for position, token in enumerate(value, start=1):
            for attr, spec in token.items():
                if attr.upper() not in _KNOWN_ATTRS:
                    raise self.fail(line, f"unknown token attribute {attr!r}")
                regex = spec.get("REGEX") if isinstance(spec, dict) else None
                if regex is not None:
                    problem = regex_problem(regex) if isinstance(regex, str) else "must be a string"
                    if problem:
                        raise self.fail(line, f"token {position}: {attr} REGEX {regex!r}: {problem}")
            op = token.get("OP")
            if op is not None and not (isinstance(op, str) and re.match(r"^([!?+*]|\{\d*,?\d*\})$", op)):
                raise self.fail(line, f"bad OP {op!r}; use one of ! ? + * or {{n,m}}")
            bounds = re.match(r"^\{(\d+),(\d+)\}$", op or "")
            if bounds and int(bounds.group(1)) > int(bounds.group(2)):
                low, high = bounds.groups()
                raise self.fail(line, f"bad OP {op!r}: at least {low} but at most {high} tokens")
        # spaCy's own schema: an unknown operator ({FOO = [...]}), a flag that is not a boolean,
        # an empty {} would pass the checks above and fail (or never match) when tagging.
        rejected = validate_token_pattern(value)
        if rejected:
            raise self.fail(line, f"spaCy rejects the token pattern: {_schema_error(rejected[0])}")
        return tuple({attr: nfkc(spec) for attr, spec in t.items()} for t in value)

    def _dependency(self, value: Any, line: int, pattern_id: str) -> tuple[dict[str, Any], ...]:
        """A spaCy DependencyMatcher pattern, checked node by node and then by spaCy itself."""
        usage = (
            f"pattern {pattern_id!r}: dependency must be a list of node tables, the first "
            '{RIGHT_ID = "verb", RIGHT_ATTRS = {LEMMA = "give"}}, each later one with '
            'LEFT_ID, REL_OP (">", "<", ".", ";", ...), RIGHT_ID and RIGHT_ATTRS'
        )
        if not isinstance(value, list) or not value or not all(isinstance(n, dict) for n in value):
            raise self.fail(line, usage)
        seen: set[str] = set()
        nodes: list[dict[str, Any]] = []
        for position, node in enumerate(value, start=1):
            keys = set(node)
            wanted = {"RIGHT_ID", "RIGHT_ATTRS"} | ({"LEFT_ID", "REL_OP"} if position > 1 else set())
            if keys != wanted:
                missing, extra = sorted(wanted - keys), sorted(keys - wanted)
                raise self.fail(
                    line, f"pattern {pattern_id!r}: dependency node {position}: missing {missing}, "
                    f"unexpected {extra}; {usage}",
                )  # fmt: skip
            right = node["RIGHT_ID"]
            if not isinstance(right, str) or not right or right in seen:
                raise self.fail(line, f"pattern {pattern_id!r}: dependency node {position}: RIGHT_ID "
                                      f"{right!r} must be a new name")  # fmt: skip
            if position > 1 and node["LEFT_ID"] not in seen:
                raise self.fail(line, f"pattern {pattern_id!r}: dependency node {position}: LEFT_ID "
                                      f"{node['LEFT_ID']!r} names no earlier node")  # fmt: skip
            if position > 1 and node["REL_OP"] not in _REL_OPS:
                known = " ".join(sorted(_REL_OPS))
                raise self.fail(line, f"pattern {pattern_id!r}: dependency node {position}: REL_OP "
                                      f"{node['REL_OP']!r} is not one of {known}")  # fmt: skip
            seen.add(right)
            attrs = self._tokens([node["RIGHT_ATTRS"]], line)[0] if node["RIGHT_ATTRS"] else {}
            if "OP" in attrs:
                raise self.fail(line, f"pattern {pattern_id!r}: dependency node {position}: OP is not "
                                      "allowed in RIGHT_ATTRS")  # fmt: skip
            nodes.append({**node, "RIGHT_ATTRS": attrs})
        try:
            from spacy.matcher import DependencyMatcher
            from spacy.vocab import Vocab

            DependencyMatcher(Vocab()).add(pattern_id, [nodes])
        except (ValueError, KeyError, TypeError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise self.fail(
                line, f"pattern {pattern_id!r}: spaCy rejects the dependency pattern: {first}"
            ) from None
        return tuple(nodes)

    def _text(self, item: dict[str, Any], key: str, default: str, line: int, what: str) -> str:
        """A key whose value is text (a name, a label, a note), checked: not a table, list or number."""
        value = item.get(key, default)
        if not isinstance(value, str):
            raise self.fail(line, f"{what}{key} must be a string, not {value!r}")
        return value

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
                f"[[{table}]] entry needs an id of letters, digits, '-', '_', '.' or ':', starting with a "
                f"letter or digit, not {pattern_id!r}",
            )
        if pattern_id in seen:
            raise self.fail(line, f"duplicate id {pattern_id!r}")
        seen.add(pattern_id)
        return pattern_id

    def patterns(self, frame_ids: set[str], broken: list[CodebookError]) -> list[Pattern]:
        """Every valid pattern; each invalid one's error goes to ``broken`` instead."""
        patterns: list[Pattern] = []
        seen: set[str] = set()
        allowed = {
            "id",
            "frame",
            "phrase",
            "tokens",
            "near",
            "dependency",
            "window",
            "gap",
            "ordered",
            "note",
        }
        try:
            entries = self._entries("patterns")
        except CodebookError as error:
            broken.append(error)
            return patterns
        for index, item in enumerate(entries):
            try:
                patterns.append(self._pattern(index, item, frame_ids, seen, allowed))
            except CodebookError as error:
                broken.append(error)
        return patterns

    def _pattern(
        self, index: int, item: Any, frame_ids: set[str], seen: set[str], allowed: set[str]
    ) -> Pattern:
        """One ``[[patterns]]`` entry, checked (its error raised)."""
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
            "patterns",
            index,
            {"phrase": "phrase", "tokens": "tokens", "dependency": "dependency"}.get(kind, "near"),
        )
        common: dict[str, Any] = {
            "id": pattern_id,
            "frame": str(frame),
            "kind": kind,
            "note": self._text(item, "note", "", start, f"pattern {pattern_id!r}: "),
            "line": start,
            "gap": self._int(item, "gap", 0, self.lines.key("patterns", index, "gap"), 0),
        }
        if kind == "phrase":
            common["terms"] = self._terms(item["phrase"], key_line, f"pattern {pattern_id!r}: phrase")
        elif kind == "tokens":
            common["tokens"] = self._tokens(item["tokens"], key_line)
        elif kind == "dependency":
            common["dependency"] = self._dependency(item["dependency"], key_line, pattern_id)
        else:
            common.update(self._near(item, index, key_line, pattern_id))
        return Pattern(**common)

    def _near(self, item: dict[str, Any], index: int, key_line: int, pattern_id: str) -> dict[str, Any]:
        """The fields of a proximity pattern: ``near``, ``window``, ``ordered``."""
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
        ordered = item.get("ordered", False)
        if not isinstance(ordered, bool):
            raise self.fail(self.lines.key("patterns", index, "ordered"), "ordered must be true or false")
        return {
            "near": tuple(tuple(" ".join(nfkc(t).lower().split()) for t in side) for side in near),
            "window": self._int(item, "window", 8, self.lines.key("patterns", index, "window"), 1),
            "ordered": ordered,
        }

    def exclusions(self, frame_ids: set[str], broken: list[CodebookError]) -> list[Exclusion]:
        """Every valid exclusion; each invalid one's error goes to ``broken`` instead."""
        exclusions: list[Exclusion] = []
        seen: set[str] = set()
        allowed = {"id", "frames", "phrase", "tokens", "scope", "gap", "note"}
        try:
            entries = self._entries("exclusions")
        except CodebookError as error:
            broken.append(error)
            return exclusions
        for index, item in enumerate(entries):
            try:
                exclusions.append(self._exclusion(index, item, frame_ids, seen, allowed))
            except CodebookError as error:
                broken.append(error)
        return exclusions

    def _exclusion(
        self, index: int, item: Any, frame_ids: set[str], seen: set[str], allowed: set[str]
    ) -> Exclusion:
        """One ``[[exclusions]]`` entry, checked (its error raised)."""
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
                raise self.fail(frames_line, f"exclusion {exclusion_id!r}: frame {frame!r} is not defined")
        scope = item.get("scope", "overlap")
        if scope not in ("overlap", "sentence"):
            raise self.fail(
                self.lines.key("exclusions", index, "scope"),
                f"scope must be 'overlap' or 'sentence', not {scope!r}",
            )
        key_line = self.lines.key("exclusions", index, "phrase" if kind == "phrase" else "tokens")
        return Exclusion(
            id=exclusion_id,
            kind=kind,
            terms=self._terms(item["phrase"], key_line, f"exclusion {exclusion_id!r}: phrase")
            if kind == "phrase"
            else (),
            tokens=self._tokens(item["tokens"], key_line) if kind == "tokens" else (),
            frames=tuple(frames),
            scope=scope,
            gap=self._int(item, "gap", 0, self.lines.key("exclusions", index, "gap"), 0),
            note=self._text(item, "note", "", start, f"exclusion {exclusion_id!r}: "),
            line=start,
        )
