"""The end-of-run report of a scrape."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ScrapeSummary"]


@dataclass
class ScrapeSummary:
    """What a scrape did, for the end-of-run report.

    ``failed`` and ``robots`` list ``(url, reason)``; ``unreachable`` maps a
    host to why it could not be reached and ``not_reached`` counts the URLs
    not fetched because their host could not be reached (they count as failed
    in the report); ``gone`` lists documents the site removed or withheld.
    """

    fetched: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    outside_dates: int = 0
    robots: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    not_reached: int = 0

    def unreachable_message(self, *, max_hosts: int = 3) -> str:
        """One short line naming at most ``max_hosts`` unreachable hosts and the count.

        Example::

            >>> hosts = {"a.org": "", "b.org": "", "c.org": "", "d.org": ""}
            >>> s = ScrapeSummary(unreachable=hosts, not_reached=9)
            >>> s.unreachable_message()
            'could not connect to a.org, b.org, c.org and 1 more host (4 hosts); 9 URLs not fetched'
        """
        hosts = sorted(self.unreachable)
        named = ", ".join(hosts[:max_hosts])
        more = len(hosts) - max_hosts
        if more > 0:
            named += f" and {more} more host{'s' if more > 1 else ''} ({len(hosts)} hosts)"
        urls = f"{self.not_reached} URL{'s' if self.not_reached != 1 else ''}"
        return f"could not connect to {named}; {urls} not fetched"

    def report(self) -> str:
        """Several lines: counts, then each failure with its reason."""
        lines = [
            f"fetched {self.fetched}, stored {self.stored} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.robots)} skipped by robots.txt, "
            f"{len(self.gone)} gone or withheld, {len(self.failed) + self.not_reached} failed"
            + (f" ({self.not_reached} on hosts not reached)" if self.not_reached else "")
            + (f", {self.outside_dates} outside the dates" if self.outside_dates else "")
        ]
        for host, reason in sorted(self.unreachable.items()):
            lines.append(f"unreachable: {host} ({reason})")
        for url, _reason in self.robots:
            lines.append(f"robots.txt: {url}")
        for message in self.gone:
            lines.append(f"gone: {message}")
        for url, reason in self.failed:
            lines.append(f"failed: {reason}" if url in reason else f"failed: {url}: {reason}")
        return "\n".join(lines)
