"""What a catalogue scrape would fetch, entry by entry, with no network."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from policytext.collect._scraper import FALLBACK_RECIPE as _FALLBACK_RECIPE
from policytext.collect.catalogue import load_catalogue
from policytext.collect.recipes import Recipe, load_recipes, recipe_for_url
from policytext.collect.sources import adapter_for
from policytext.errors import (
    InputError,
)

__all__ = ["plan_catalogue"]


def plan_catalogue(
    catalogue: str | Path,
    *,
    recipes: Mapping[str, Recipe] | None = None,
) -> list[dict[str, str]]:
    """What a catalogue scrape would fetch, entry by entry, with no network.

    Each row gives the entry's ``id``, the ``recipe`` chosen from the URL's
    host, the ``fetch_url`` (a GOV.UK page becomes its Content API URL, an
    archive link its raw memento) and a ``check``: ``ok`` when the URL has the
    shape of the recipe's documents, else what is uncertain about it.

    Example::

        >>> plan_catalogue("corpus/catalogue.toml")[0]["recipe"]   # doctest: +SKIP
        'bps'
    """
    import re

    all_recipes = dict(recipes if recipes is not None else load_recipes())
    rows = []
    for entry in load_catalogue(catalogue):
        try:
            recipe = recipe_for_url(entry.url, all_recipes)
            check = "ok"
        except InputError:
            recipe = all_recipes[_FALLBACK_RECIPE]
            check = "no recipe for this host: read as a generic page or PDF"
        if check == "ok" and recipe.document_pattern and not re.search(recipe.document_pattern, entry.url):
            check = f"URL does not look like a {recipe.name} document"
        target = adapter_for(recipe).resolve(entry.url)
        rows.append(
            {
                "id": entry.id or "",
                "recipe": recipe.name,
                "url": entry.url,
                "fetch_url": target.url,
                "check": check,
            }
        )
    return rows
