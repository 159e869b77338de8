"""What a catalogue scrape would fetch, entry by entry, with no network."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from policytext.collect._scraper import FALLBACK_RECIPE as _FALLBACK_RECIPE
from policytext.collect.catalogue import CatalogueEntry, load_catalogue
from policytext.collect.recipes import Recipe, load_recipes, recipe_for_url, with_archive_routes
from policytext.collect.sources import Adapter, Target, adapter_for
from policytext.errors import InputError

__all__ = ["plan_catalogue", "route_entry"]


def route_entry(
    entry: CatalogueEntry,
    recipes: Mapping[str, Recipe],
    adapter_of: Callable[[Recipe], Adapter] = adapter_for,
) -> tuple[Recipe, Target, list[str]]:
    """The recipe, the first target and what is uncertain for one catalogue entry.

    An entry with ``archived = true`` (or on a recipe routed through an archive)
    is fetched as the nearest raw Wayback capture of its URL; a capture URL in
    the catalogue is fetched raw and extracted by the original host's recipe.
    """
    doubts: list[str] = []
    try:
        recipe = recipe_for_url(entry.url, recipes)
    except InputError:
        recipe = recipes[_FALLBACK_RECIPE]
        doubts.append("no recipe for this host: read as a generic page or PDF")
    if (
        entry.archived
        and not recipe.archive_root
        and not recipe.host_map
        and recipe.adapter not in ("wayback", "ukgwa")
    ):
        wayback = recipes.get("wayback")
        if wayback is None:
            raise InputError(f"{entry.where}: archived = true needs the wayback recipe")
        stamp = (entry.date or "").replace("-", "") or "2"
        capture = f"{wayback.base_url}{wayback.replay_path}/{stamp}id_/{entry.url}"
        doubts = [f"archived: the capture nearest {stamp} is used (its date is the archive's choice)"]
        if recipe.name == _FALLBACK_RECIPE:
            doubts.append("no recipe for the original host: read as a generic page or PDF")
        target = adapter_of(wayback).resolve(capture, metadata=entry.metadata())
        return wayback, replace(target, catalogue_id=entry.id or None), doubts
    if recipe.document_pattern and not doubts and not re.search(recipe.document_pattern, entry.url):
        doubts.append(f"URL does not look like a {recipe.name} document")
    target = adapter_of(recipe).resolve(entry.url, metadata=entry.metadata())
    target = replace(target, catalogue_id=entry.id or None)
    if recipe.archive_root and not recipe.host_map:
        doubts.append(
            f"site gone: fetched through the archive (nearest capture to {recipe.archive_timestamp})"
        )
    return recipe, target, doubts


def plan_catalogue(
    catalogue: str | Path,
    *,
    recipes: Mapping[str, Recipe] | None = None,
) -> list[dict[str, str]]:
    """What a catalogue scrape would fetch, entry by entry, with no network.

    Each row gives the entry's ``id``, the ``recipe`` chosen from the URL's
    host, the ``fetch_url`` (a GOV.UK page becomes its Content API URL, an
    archive link its raw memento, an entry of a gone site or with
    ``archived = true`` its raw Wayback capture) and a ``check``: ``ok`` when
    nothing is uncertain, else what is.

    Example::

        >>> plan_catalogue("corpus/catalogue.toml")[0]["recipe"]   # doctest: +SKIP
        'bps'
    """
    all_recipes = with_archive_routes(recipes if recipes is not None else load_recipes())
    rows = []
    for entry in load_catalogue(catalogue):
        recipe, target, doubts = route_entry(entry, all_recipes)
        rows.append(
            {
                "id": entry.id or "",
                "recipe": recipe.name,
                "url": entry.url,
                "fetch_url": recipe.rewrite(target.url),
                "check": "; ".join(doubts) or "ok",
            }
        )
    return rows
