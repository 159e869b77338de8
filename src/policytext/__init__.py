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

from policytext.collect.importing import import_paths
from policytext.errors import (
    AddressNotAllowed,
    CodebookError,
    DeadlineExceeded,
    ExtractionError,
    FetchError,
    GoldFileError,
    HostUnreachable,
    ImportFormatError,
    InputError,
    MetadataError,
    ModelError,
    NotFittedError,
    PolicytextError,
    SchemaError,
    StoreError,
)
from policytext.people import PartialDate, government_on, parse_date, resolve_speaker
from policytext.store.corpus import AddOutcome, AddSummary, Corpus, Document, StoredDocument
from policytext.store.filters import GROUP_FIELDS, DocumentFilter

logging.getLogger(__name__).addHandler(logging.NullHandler())

# Public names loaded on first use: name -> module.
_LAZY = {
    "Codebook": "policytext.codebook",
    "evaluate_codebook": "policytext.evaluate",
    "load_codebook": "policytext.codebook",
    "tag_corpus": "policytext.tagging",
    "TagSummary": "policytext.tagging",
    "Tagging": "policytext.store.tags",
    "current_tagging": "policytext.store.tags",
    "FetchSettings": "policytext.collect.fetch",
    "ScrapeSummary": "policytext.collect.scrape",
    "load_catalogue": "policytext.collect.catalogue",
    "load_recipes": "policytext.collect.recipes",
    "scrape": "policytext.collect.scrape",
    "scrape_archive": "policytext.collect.scrape",
    "frequency_table": "policytext.tables",
    "keyness": "policytext.tables",
    "concordance": "policytext.tables",
    "TopicModel": "policytext.topics",
    "DynamicTopicModel": "policytext.topics",
    "analyse_topics": "policytext.topics",
    "write_report": "policytext.report",
    "RunManifest": "policytext.report",
    "run_manifest": "policytext.report",
    "TopicAnalysis": "policytext.topics",
    "Evaluation": "policytext.evaluate",
    "ImportSummary": "policytext.collect.importing",
    "DuplicateCluster": "policytext.store.duplicates",
    "CodebookRecord": "policytext.store.tags",
}

__all__ = [
    "__version__",
    "AddressNotAllowed",
    "CodebookRecord",
    "DeadlineExceeded",
    "DocumentFilter",
    "DuplicateCluster",
    "Evaluation",
    "GROUP_FIELDS",
    "HostUnreachable",
    "ImportSummary",
    "RunManifest",
    "run_manifest",
    "TopicAnalysis",
    "AddOutcome",
    "AddSummary",
    "analyse_topics",
    "Codebook",
    "CodebookError",
    "concordance",
    "Corpus",
    "current_tagging",
    "Document",
    "DynamicTopicModel",
    "evaluate_codebook",
    "ExtractionError",
    "FetchError",
    "FetchSettings",
    "frequency_table",
    "GoldFileError",
    "government_on",
    "import_paths",
    "ImportFormatError",
    "InputError",
    "keyness",
    "load_catalogue",
    "load_codebook",
    "load_recipes",
    "MetadataError",
    "ModelError",
    "NotFittedError",
    "parse_date",
    "PartialDate",
    "PolicytextError",
    "resolve_speaker",
    "SchemaError",
    "scrape",
    "scrape_archive",
    "ScrapeSummary",
    "StoredDocument",
    "StoreError",
    "tag_corpus",
    "Tagging",
    "TagSummary",
    "TopicModel",
    "write_report",
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
