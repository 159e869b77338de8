"""Where a TOML codebook's tables, entries and keys are: the ``LINE`` of ``FILE:LINE`` errors."""

from __future__ import annotations

import re

__all__ = ["SourceLines"]


class SourceLines:
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
