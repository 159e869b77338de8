"""``codebook check``: errors and warnings about a codebook, each ``FILE:LINE: problem``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from policytext.codebook.load import default_codebook_path, load_codebook
from policytext.codebook.model import _STRING_ATTRS, _TRAINED_ATTRS, CodebookProblem, Exclusion, Pattern
from policytext.errors import CodebookError

__all__ = ["check_codebook"]


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
