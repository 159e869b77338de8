"""``codebook check``: errors and warnings about a codebook, each ``FILE:LINE: problem``.

Errors: everything :func:`~policytext.codebook.load_codebook` refuses (invalid TOML,
unknown keys, invalid or catastrophically backtracking regular expressions, ...)
and token values that can never match one token. Warnings: attributes only a
trained pipeline sets, and confusable or invisible characters in the file
(Cyrillic or Greek letters that look Latin, full-width forms, ligatures, zero-width
and other invisible characters), which silently never match English text as typed.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from policytext._text import blank_english
from policytext.codebook.load import default_codebook_path, load_codebook
from policytext.codebook.model import _STRING_ATTRS, _TRAINED_ATTRS, CodebookProblem, Exclusion, Pattern
from policytext.errors import CodebookError

__all__ = ["check_codebook", "character_problems"]

# Scripts whose letters look like Latin ones ("е" is CYRILLIC SMALL LETTER IE).
_LOOKALIKE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def check_codebook(path: str | Path | None = None) -> list[CodebookProblem]:
    """Validate a codebook and find patterns that can never match.

    Beyond the errors :func:`load_codebook` raises, this tokenises every
    literal value of a token pattern and reports values the tokenizer splits
    (a multi-word entry in one token slot never matches), upper-case values
    given for ``LOWER``, duplicate patterns, attributes a blank pipeline never
    sets, and confusable or invisible characters (the last two are warnings).

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
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""  # load_codebook below reports why
    try:
        codebook = load_codebook(path)
    except CodebookError as exc:
        errors = []
        for message in exc.problems:  # every broken pattern and exclusion, not only the first
            found = re.match(r"^(.*?):(\d+): (.*)$", message)
            if found:
                errors.append(CodebookProblem(found.group(1), int(found.group(2)), found.group(3)))
            else:
                errors.append(CodebookProblem(source, 0, message.split(": ", 1)[-1]))
        return [*errors, *character_problems(text, source=source)]
    tokenizer = blank_english().tokenizer
    problems: list[CodebookProblem] = []
    signatures: dict[str, str] = {}
    entries: list[Pattern | Exclusion] = [*codebook.patterns, *codebook.exclusions]
    raw = _raw_entries(text, source)
    for entry in entries:
        frame = entry.frame if isinstance(entry, Pattern) else ",".join(entry.frames)
        signature = json.dumps(
            [
                entry.kind,
                frame,
                entry.terms,
                entry.tokens,
                getattr(entry, "near", None),
                getattr(entry, "dependency", None),
                entry.gap,
                getattr(entry, "window", None),
                getattr(entry, "ordered", None),
                getattr(entry, "scope", None),
            ],
            sort_keys=True,
            default=list,
        )
        if signature in signatures:
            problems.append(
                CodebookProblem(source, entry.line, f"{entry.id!r} duplicates {signatures[signature]!r}")
            )
        signatures[signature] = entry.id
        problems += _idle_keys(source, entry, raw.get((type(entry), entry.id), {}))
        for position, token in enumerate(entry.tokens, start=1):
            for attr, value in token.items():
                problems += _token_problems(source, entry, position, attr.upper(), value, tokenizer)
        if isinstance(entry, Pattern) and entry.kind == "dependency":
            problems.append(
                CodebookProblem(
                    source, entry.line,
                    f"{entry.id!r} is a dependency pattern: it needs a pipeline with a parser "
                    "(policytext tag --pipeline en_core_web_sm) and never matches in the default "
                    "blank pipeline",
                    is_error=False,
                )
            )  # fmt: skip
            for position, node in enumerate(entry.dependency, start=1):
                for attr, value in node["RIGHT_ATTRS"].items():
                    if attr.upper() in _TRAINED_ATTRS:
                        continue  # the pattern already needs a trained pipeline
                    problems += _token_problems(source, entry, position, attr.upper(), value, tokenizer)
    return problems + character_problems(text, source=source)


def _raw_entries(text: str, source: str) -> dict[tuple[type, str], dict[str, Any]]:
    """A TOML codebook's ``[[patterns]]`` and ``[[exclusions]]`` as written, by kind and id."""
    if not source.endswith(".toml"):
        return {}
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    out: dict[tuple[type, str], dict[str, Any]] = {}
    for table, kind in (("patterns", Pattern), ("exclusions", Exclusion)):
        entries = data.get(table, [])
        for item in entries if isinstance(entries, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out[(kind, item["id"])] = item
    return out


def _idle_keys(source: str, entry: Pattern | Exclusion, given: dict[str, Any]) -> list[CodebookProblem]:
    """Warnings for keys given to an entry they do nothing for (``gap`` off phrases, ...)."""
    idle = []
    if entry.kind != "phrase" and (entry.gap or "gap" in given):
        idle.append("gap (phrases only)")
    if isinstance(entry, Pattern) and entry.kind != "proximity":
        idle += [f"{key} (proximity rules only)" for key in ("window", "ordered") if key in given]
    what = f"{entry.id!r} is a {entry.kind} entry"
    return [CodebookProblem(source, entry.line, f"{what}: {key} does nothing here", False) for key in idle]


def _token_problems(
    source: str, entry: Pattern | Exclusion, position: int, name: str, value: Any, tokenizer: Any
) -> list[CodebookProblem]:
    """What is wrong with one attribute test of one token slot of ``entry``."""

    def problem(message: str, *, is_error: bool = True) -> CodebookProblem:
        return CodebookProblem(source, entry.line, f"{entry.id!r} token {position}{message}", is_error)

    problems: list[CodebookProblem] = []
    if name in _TRAINED_ATTRS:
        problems.append(
            problem(
                f" uses {name}, which only a trained pipeline sets; it never matches in the "
                "default blank pipeline",
                is_error=False,
            )
        )
    if name not in _STRING_ATTRS:
        return problems
    regex = value.get("REGEX") if isinstance(value, dict) else None
    if isinstance(regex, str):
        why = _regex_problem(regex, tokenizer)
        if why:
            # With alternatives, another branch may still match: a warning.
            branches = "|" in regex
            problems.append(
                problem(
                    f": {name} REGEX {regex!r} {'has a branch that ' if branches else ''}can never "
                    f"match one token; {why}",
                    is_error=not branches,
                )
            )
    for literal in _literal_values(value):
        pieces = [t.text for t in tokenizer(literal)]
        if len(pieces) != 1:
            problems.append(
                problem(
                    f": {name} {literal!r} can never match one token; the tokenizer splits it "
                    f"into {' | '.join(pieces) or 'nothing'}"
                )
            )
        elif name == "LOWER" and literal != literal.lower():
            problems.append(problem(f": LOWER {literal!r} has capitals and can never match"))
    return problems


def character_problems(text: str, *, source: str) -> list[CodebookProblem]:
    """Warnings for confusable or invisible characters in a codebook file, one per kind and line.

    Example::

        >>> warnings = character_problems('phrase = "\\u0435mpower"', source="cb.toml")
        >>> str(warnings[0]).split(" (U+")[0]
        "cb.toml:1: warning: 'еmpower' contains CYRILLIC SMALL LETTER IE"
    """
    problems: list[CodebookProblem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        seen: set[str] = set()  # one warning per kind of trap per line
        for column, char in enumerate(line):
            why = _character_problem(char)
            kind = why.split(",", 1)[0].split(";", 1)[0]
            if not why or kind in seen:
                continue
            seen.add(kind)
            word = _word_at(line, column)
            name = unicodedata.name(char, "an unnamed character")
            problems.append(
                CodebookProblem(
                    source, number, f"{word!r} contains {name} (U+{ord(char):04X}), {why}", is_error=False
                )
            )
    return problems


def _character_problem(char: str) -> str:
    """Why ``char`` in a pattern is a trap, or ""."""
    if char.isascii():
        return ""
    name = unicodedata.name(char, "")
    # A space NFKC makes plain (no-break, thin, ideographic) is no trap: patterns are normalised.
    if unicodedata.category(char) == "Cf" or (char.isspace() and _nfkc(char) not in "\t\n\r "):
        return "an invisible character: the pattern never matches text typed without it"
    if name.startswith(_LOOKALIKE_SCRIPTS) and char.isalpha():
        return "which looks like a Latin letter but never matches one"
    if name.startswith(("FULLWIDTH", "HALFWIDTH")):
        return f"a full-width form; patterns are compared after NFKC normalisation, as {_nfkc(char)!r}"
    if "LIGATURE" in name:
        return f"a ligature; patterns are compared after NFKC normalisation, as {_nfkc(char)!r}"
    return ""


def _nfkc(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


def _word_at(line: str, column: int) -> str:
    start = column
    while start > 0 and not line[start - 1].isspace() and line[start - 1] not in "\"'[]{},=":
        start -= 1
    end = column + 1
    while end < len(line) and not line[end].isspace() and line[end] not in "\"'[]{},=":
        end += 1
    return line[start:end]


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
