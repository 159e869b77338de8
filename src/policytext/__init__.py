"""policytext: collect, tag and measure British governing rhetoric about
empowerment and devolution.

The names in ``__all__`` are the public API. Those that need heavy libraries
(requests, spaCy, pandas, scikit-learn) are loaded on first use, so
``import policytext`` stays fast and loads no model.

Example::

    >>> import policytext
    >>> with policytext.Corpus.open(":memory:") as corpus:
    ...     _ = corpus.add(policytext.Document(text="Power to the people.", speaker="Tony Blair"))
    ...     corpus.count(speaker="Tony Blair")
    1
"""

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

from policytext.corpus import AddOutcome, AddSummary, Corpus, Document, StoredDocument
from policytext.errors import (
    CodebookError,
    ExtractionError,
    FetchError,
    GoldFileError,
    ImportFormatError,
    InputError,
    MetadataError,
    ModelError,
    NotFittedError,
    PolicytextError,
    SchemaError,
    StoreError,
)
from policytext.importing import import_paths
from policytext.people import PartialDate, government_on, parse_date, resolve_speaker

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Public names loaded on first use: name -> module.
_LAZY = {
    "FetchSettings": "policytext.fetch",
    "ScrapeSummary": "policytext.scraping",
    "load_catalogue": "policytext.catalogue",
    "load_recipes": "policytext.recipes",
    "scrape": "policytext.scraping",
    "scrape_archive": "policytext.scraping",
}

__all__ = [
    "AddOutcome",
    "AddSummary",
    "CodebookError",
    "Corpus",
    "Document",
    "ExtractionError",
    "FetchError",
    "FetchSettings",
    "GoldFileError",
    "ImportFormatError",
    "InputError",
    "MetadataError",
    "ModelError",
    "NotFittedError",
    "PartialDate",
    "PolicytextError",
    "SchemaError",
    "ScrapeSummary",
    "StoreError",
    "StoredDocument",
    "__version__",
    "government_on",
    "import_paths",
    "load_catalogue",
    "load_recipes",
    "parse_date",
    "resolve_speaker",
    "scrape",
    "scrape_archive",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'policytext' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
