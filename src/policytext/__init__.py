"""policytext: collect, tag and measure British governing rhetoric about
empowerment and devolution.

Example::

    >>> import policytext
    >>> with policytext.Corpus.open(":memory:") as corpus:
    ...     _ = corpus.add(policytext.Document(text="Power to the people.", speaker="Tony Blair"))
    ...     corpus.count(speaker="Tony Blair")
    1
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

from policytext.catalogue import load_catalogue
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
from policytext.fetch import FetchSettings
from policytext.importing import import_paths
from policytext.people import PartialDate, government_on, parse_date, resolve_speaker
from policytext.recipes import load_recipes
from policytext.scraping import ScrapeSummary, scrape, scrape_archive

logging.getLogger(__name__).addHandler(logging.NullHandler())

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
