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

from policytext.codebook import Codebook, load_codebook
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
from policytext.evaluate import evaluate_codebook
from policytext.importing import import_paths
from policytext.people import PartialDate, government_on, parse_date, resolve_speaker
from policytext.tagging import tag_corpus

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "AddOutcome",
    "AddSummary",
    "Codebook",
    "CodebookError",
    "Corpus",
    "Document",
    "ExtractionError",
    "FetchError",
    "GoldFileError",
    "ImportFormatError",
    "InputError",
    "MetadataError",
    "ModelError",
    "NotFittedError",
    "PartialDate",
    "PolicytextError",
    "SchemaError",
    "StoreError",
    "StoredDocument",
    "__version__",
    "evaluate_codebook",
    "government_on",
    "import_paths",
    "load_codebook",
    "parse_date",
    "resolve_speaker",
    "tag_corpus",
]
