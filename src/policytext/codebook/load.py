"""Loading a codebook from a file: the reader is chosen by the file's suffix."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from policytext.codebook.build import codebook_from_dict
from policytext.codebook.dictionaries import parse_liwc_dic, parse_quanteda_yaml
from policytext.codebook.model import Codebook
from policytext.codebook.toml_format import parse_toml_codebook
from policytext.errors import CodebookError

__all__ = ["READERS", "default_codebook_path", "load_codebook"]


def _parse_json(text: str, *, source: str) -> Codebook:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodebookError(f"{source}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    return codebook_from_dict(data, source=source)


#: Reader of each codebook file suffix (anything else is read as TOML).
READERS: dict[str, Callable[..., Codebook]] = {
    ".toml": parse_toml_codebook,
    ".yml": parse_quanteda_yaml,
    ".yaml": parse_quanteda_yaml,
    ".dic": parse_liwc_dic,
    ".json": _parse_json,
}


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
        '1.9'
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
    reader = READERS.get(path.suffix.lower(), parse_toml_codebook)
    return reader(text, source=str(path))
