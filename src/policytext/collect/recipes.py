"""Loads the declarative site recipes (``scrapers/*.toml``, shipped as package data).

A recipe says which hosts a source may use, how documents are discovered, how
their fields are extracted and how fast to go. See docs/scraping.md for the
format. ``--base-url SOURCE=URL`` gives a recipe another origin with every path
unchanged (:meth:`Recipe.with_base_url`).

Example::

    >>> recipes = load_recipes()
    >>> recipes["govuk"].hosts[0]
    'www.gov.uk'
    >>> recipe_for_url("https://www.gov.uk/government/speeches/x", recipes).name
    'govuk'
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from policytext.errors import InputError

__all__ = [
    "Recipe",
    "load_recipe",
    "load_recipes",
    "parse_base_urls",
    "recipe_for_url",
    "with_archive_routes",
]

logger = logging.getLogger(__name__)

_KEYS = {
    "name",
    "title",
    "adapter",
    "base_url",
    "hosts",
    "delay",
    "doc_type",
    "licence",
    "discover",
    "extract",
    "document_pattern",
    "archive",
    "archive_timestamp",
    "replay_path",
}
_REQUIRED = ("name", "adapter", "base_url", "hosts")
_ADAPTERS = ("govuk", "hansard", "html", "ukgwa", "pdf", "wayback")


@dataclass(frozen=True)
class Recipe:
    """One source site: hosts, discovery, extraction rules and rate.

    Attributes
    ----------
    name:
        Short name used by ``--source`` and ``--base-url`` (``govuk``).
    adapter:
        The module in :mod:`policytext.collect.sources` that does the work.
    base_url:
        The origin the recipe's paths hang from (``https://www.gov.uk``).
    hosts:
        ``host[:port]`` names the recipe may fetch from; redirects elsewhere are refused.
    delay:
        Seconds between requests to one host (at least the fetcher's delay).
    discover, extract:
        Adapter-specific settings from the TOML tables of the same names.
    document_pattern:
        A regular expression document URLs of the site match (used to check
        catalogue entries; empty: not checked).
    archive, archive_timestamp:
        The site is gone: fetch its pages through this web-archive recipe
        (``"wayback"``), as raw captures ``<root>/<archive_timestamp>id_/<url>``
        (the archive answers with its nearest capture). A ``--base-url`` for
        the recipe itself takes precedence.
    replay_path:
        For an archive recipe: the path its captures hang from (``/web``).
    archive_root, archive_delay:
        Set by :func:`with_archive_routes`: where the raw captures are fetched,
        and the delay between requests there (None for a ``--base-url`` mirror).
    """

    name: str
    adapter: str
    base_url: str
    hosts: tuple[str, ...]
    title: str = ""
    delay: float = 1.0
    doc_type: str | None = None
    licence: str = ""
    discover: Mapping[str, Any] = field(default_factory=dict)
    extract: Mapping[str, Any] = field(default_factory=dict)
    path: str = ""
    public_url: str = ""
    document_pattern: str = ""
    host_map: Mapping[str, str] = field(default_factory=dict)
    archive: str = ""
    archive_timestamp: str = "2"
    replay_path: str = ""
    archive_root: str = ""
    archive_delay: float | None = None

    @property
    def fetch_hosts(self) -> tuple[str, ...]:
        """The hosts requests may go to: the recipe's own, plus its archive's when routed."""
        if not self.archive_root:
            return self.hosts
        return (*self.hosts, urlsplit(self.archive_root).netloc.lower())

    def capture_url(self, url: str, timestamp: str | None = None) -> str:
        """The raw archive capture of ``url`` nearest to ``timestamp`` (this recipe's route)."""
        return f"{self.archive_root}/{timestamp or self.archive_timestamp}id_/{url}"

    def with_base_url(self, base_url: str) -> Recipe:
        """The recipe pointed at another origin: every host of the recipe maps to it.

        Example::

            >>> load_recipes()["govuk"].with_base_url("http://127.0.0.1:8080").hosts
            ('127.0.0.1:8080',)
        """
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"--base-url {self.name}={base_url}: not an http(s) origin")
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        host_map = {host: origin for host in self.hosts}
        return replace(
            self,
            base_url=origin + parts.path.rstrip("/"),
            hosts=(parts.netloc.lower(),),
            host_map=MappingProxyType(host_map),
            archive_root="",
        )

    @property
    def home(self) -> str:
        """The recipe's public origin (before any ``--base-url``), for stored URLs."""
        return self.public_url or self.base_url

    def public(self, url: str) -> str:
        """A URL fetched from an overriding origin or an archive, given back on the public origin."""
        if self.archive_root and url.startswith(self.archive_root + "/"):
            match = _CAPTURE.match(url[len(self.archive_root) :])
            return match.group(1) if match else url
        if not self.host_map or not self.public_url:
            return url
        parts = urlsplit(url)
        if parts.netloc.lower() not in self.hosts:
            return url
        home = urlsplit(self.public_url)
        return urlunsplit((home.scheme, home.netloc, parts.path, parts.query, ""))

    def rewrite(self, url: str) -> str:
        """A URL on one of the recipe's original hosts, moved to the overriding origin."""
        if not self.host_map:
            if self.archive_root and urlsplit(url).netloc.lower() in self.hosts:
                return self.capture_url(url)
            return url
        parts = urlsplit(url)
        origin = self.host_map.get(parts.netloc.lower())
        if origin is None:
            return url
        new = urlsplit(origin)
        return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, ""))

    def handles(self, url: str) -> bool:
        """Whether the URL is on one of the recipe's own (public) hosts."""
        host = urlsplit(url).netloc.lower()
        return host in (self.host_map or self.hosts)


_CAPTURE = re.compile(r"^/\d{1,14}(?:[a-z]{2}_)?/(https?://.+)$")


def with_archive_routes(recipes: Mapping[str, Recipe]) -> dict[str, Recipe]:
    """Recipes whose ``archive`` names another recipe, routed through it.

    A recipe given a ``--base-url`` keeps its mirror (no archive route).

    Raises
    ------
    InputError
        ``archive`` names no recipe, or one without a ``replay_path``.
    """
    out = dict(recipes)
    for name, recipe in recipes.items():
        if not recipe.archive or recipe.host_map:
            continue
        archive = recipes.get(recipe.archive)
        if archive is None or not archive.replay_path:
            raise InputError(
                f"{recipe.path or name}: archive {recipe.archive!r} is not an archive recipe "
                "(a recipe with a replay_path)"
            )
        # The archive's own pace, unless it is a --base-url mirror (then the fetcher's).
        delay = None if archive.host_map else max(archive.delay, recipe.delay)
        out[name] = replace(recipe, archive_root=archive.base_url + archive.replay_path, archive_delay=delay)
    return out


def _recipe_dir() -> Any:
    try:
        return resources.files("policytext.scrapers")
    except ModuleNotFoundError:
        # An editable install or a source checkout: the top-level scrapers/ folder.
        folder = Path(__file__).resolve().parents[3] / "scrapers"
        if not folder.is_dir():
            raise InputError(f"{folder}: the recipes shipped with policytext are missing") from None
        return folder


def load_recipe(path: str | Path, *, text: str | None = None) -> Recipe:
    """Read and check one recipe file.

    Raises
    ------
    InputError
        Naming the file and the bad key or value.
    """
    where = str(path)
    try:
        data = tomllib.loads(text if text is not None else Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{where}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(_KEYS))})")
    for key in _REQUIRED:
        if not data.get(key):
            raise InputError(f"{where}: missing required key {key!r}")
    if data["adapter"] not in _ADAPTERS:
        raise InputError(f"{where}: adapter {data['adapter']!r} is not one of {', '.join(_ADAPTERS)}")
    hosts = data["hosts"]
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise InputError(f"{where}: 'hosts' must be a list of host names")
    base = urlsplit(str(data["base_url"]))
    if base.scheme not in ("http", "https") or base.netloc.lower() not in [h.lower() for h in hosts]:
        raise InputError(f"{where}: base_url {data['base_url']!r} must be http(s) on one of 'hosts'")
    delay = data.get("delay", 1.0)
    if not isinstance(delay, int | float) or delay < 0:
        raise InputError(f"{where}: 'delay' must be a number of seconds >= 0, not {delay!r}")
    pattern = data.get("document_pattern", "")
    try:
        re.compile(str(pattern))
    except re.error as exc:
        raise InputError(
            f"{where}: document_pattern {pattern!r} is not a regular expression ({exc})"
        ) from None
    stamp = str(data.get("archive_timestamp", "2"))
    if not re.fullmatch(r"\d{1,14}", stamp):
        raise InputError(f"{where}: archive_timestamp {stamp!r} must be 1 to 14 digits (YYYYMMDDhhmmss)")
    for table in ("discover", "extract"):
        if not isinstance(data.get(table, {}), dict):
            raise InputError(f"{where}: [{table}] must be a table")
    return Recipe(
        name=str(data["name"]),
        adapter=str(data["adapter"]),
        base_url=str(data["base_url"]).rstrip("/"),
        hosts=tuple(h.lower() for h in hosts),
        title=str(data.get("title", "")),
        delay=float(delay),
        doc_type=data.get("doc_type"),
        licence=str(data.get("licence", "")),
        discover=MappingProxyType(dict(data.get("discover", {}))),
        extract=MappingProxyType(dict(data.get("extract", {}))),
        path=where,
        public_url=str(data["base_url"]).rstrip("/"),
        document_pattern=str(pattern),
        archive=str(data.get("archive", "")),
        archive_timestamp=str(data.get("archive_timestamp", "2")),
        replay_path=str(data.get("replay_path", "")).rstrip("/"),
    )


def load_recipes(folder: str | Path | None = None) -> dict[str, Recipe]:
    """All recipes of a folder (default: the ones shipped with policytext), by name.

    Raises
    ------
    InputError
        A bad recipe file, or two recipes with one name.
    """
    recipes: dict[str, Recipe] = {}
    if folder is None:
        entries = [
            (f"scrapers/{e.name}", e.read_text(encoding="utf-8"))
            for e in _recipe_dir().iterdir()
            if e.name.endswith(".toml")
        ]
    else:
        folder = Path(folder)
        if not folder.is_dir():
            raise InputError(f"{folder}: no such recipe folder")
        entries = [(str(p), p.read_text(encoding="utf-8")) for p in folder.glob("*.toml")]
    for where, text in sorted(entries):
        recipe = load_recipe(where, text=text)
        if recipe.name in recipes:
            raise InputError(
                f"{where}: recipe name {recipe.name!r} already used by {recipes[recipe.name].path}"
            )
        recipes[recipe.name] = recipe
    return recipes


def recipe_for_url(url: str, recipes: Mapping[str, Recipe]) -> Recipe:
    """The recipe whose hosts include the URL's host.

    Raises
    ------
    InputError
        No recipe handles the host.
    """
    for recipe in recipes.values():
        if recipe.handles(url):
            return recipe
    host = urlsplit(url).netloc or url
    raise InputError(f"{url}: no recipe handles host {host!r} (recipes: {', '.join(sorted(recipes))})")


def parse_base_urls(values: list[str] | tuple[str, ...], recipes: Mapping[str, Recipe]) -> dict[str, str]:
    """``SOURCE=URL`` strings to a mapping, checking the source names.

    Raises
    ------
    InputError
        A value without ``=`` or naming an unknown source.
    """
    out: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not url:
            raise InputError(f"--base-url {value!r}: expected SOURCE=URL")
        if name not in recipes:
            raise InputError(
                f"--base-url {value!r}: unknown source {name!r} (sources: {', '.join(sorted(recipes))})"
            )
        out[name] = url
    return out
