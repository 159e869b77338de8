"""Regular expressions in token patterns: invalid ones and ones that can backtrack catastrophically.

spaCy's Matcher (and the fast matcher) run a token pattern's ``REGEX`` with Python's
backtracking ``re`` engine on every token, so a pattern such as ``(a+)+$`` can take
exponential time on one long token. Such patterns are rejected when a codebook is
loaded: a quantifier that repeats something which itself has a variable-length
quantifier (``(a+)+``, ``(\\w*\\s?)*``, ``(x{1,3})+``) is refused, with the advice to
write the inner part once (``a+``) or make it possessive (``(a+)++``, Python 3.11+).

Example::

    >>> regex_problem("^empower(ed|ing)?$")
    ''
    >>> regex_problem("([unclosed")
    'invalid regular expression (unterminated character set at position 1)'
    >>> regex_problem("(a+)+$").startswith("nested quantifiers")
    True
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser is private; sre_parse is its deprecated alias
    import re._parser as _parser  # type: ignore[import-not-found, unused-ignore]
    from re import _constants as _const  # type: ignore[attr-defined, unused-ignore]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _const  # type: ignore[no-redef, unused-ignore]
    import sre_parse as _parser  # type: ignore[no-redef, unused-ignore]

__all__ = ["regex_problem"]

_REPEATS = {_const.MAX_REPEAT, _const.MIN_REPEAT}


def regex_problem(pattern: str) -> str:
    """Why ``pattern`` may not be used as a token regex, or ``""`` when it is fine."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression ({exc})"
    except (OverflowError, RecursionError) as exc:  # pragma: no cover - pathological input
        return f"invalid regular expression ({exc})"
    if _nested_repeat(_parser.parse(pattern)):
        return (
            "nested quantifiers (a repeated group that itself repeats, like (a+)+) can backtrack "
            "catastrophically; write the inner part once (a+) or make it possessive ((a+)++)"
        )
    return ""


def _is_variable(low: int, high: int) -> bool:
    return bool(high != low and (high > 1 or high == _const.MAXREPEAT))


def _children(op: Any, value: Any) -> list[Any]:
    """The sub-patterns of one parsed node (groups, branches, repeats, conditionals)."""
    if op in _REPEATS or op == _const.POSSESSIVE_REPEAT:
        return [value[2]]
    if op == _const.SUBPATTERN:
        return [value[-1]]
    if op == _const.BRANCH:
        return list(value[1])
    if op in (_const.ASSERT, _const.ASSERT_NOT):
        return [value[1]]
    if op == _const.GROUPREF_EXISTS:
        return [v for v in value[1:] if v is not None]
    return []


def _has_variable_repeat(parsed: Any) -> bool:
    for op, value in parsed:
        if op == _const.ATOMIC_GROUP or op == _const.POSSESSIVE_REPEAT:
            continue  # no backtracking into these
        if op in _REPEATS and _is_variable(value[0], value[1]):
            return True
        if any(_has_variable_repeat(child) for child in _children(op, value)):
            return True
    return False


def _nested_repeat(parsed: Any) -> bool:
    for op, value in parsed:
        if op == _const.ATOMIC_GROUP or op == _const.POSSESSIVE_REPEAT:
            continue
        repeats_more = op in _REPEATS and (value[1] > 1 or value[1] == _const.MAXREPEAT)
        if repeats_more and _has_variable_repeat(value[2]):
            return True
        if any(_nested_repeat(child) for child in _children(op, value)):
            return True
    return False
