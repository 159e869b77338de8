"""The TOML codebook format (documented in ``docs/codebook.md``)."""

from __future__ import annotations

import re
import tomllib

from policytext.codebook.build import SourceLines, codebook_from_dict
from policytext.codebook.model import Codebook
from policytext.errors import CodebookError

__all__ = ["parse_toml_codebook"]


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
    return codebook_from_dict(data, source=source, lines=SourceLines(text))
