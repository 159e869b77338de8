"""The corpus store: one SQLite file holding documents, provenance, tags and evaluations.

Every query of the library runs here; the other stages ask the store through its methods.

    documents.py   Document, StoredDocument, validation and ids
    schema.py      migrations and the checks made before writing
    filters.py     DocumentFilter, GROUP_FIELDS and the SQL of a filter
    corpus.py      Corpus: reading, writing, summaries, export
    duplicates.py  exact and near-duplicate clusters
"""

from policytext.store.corpus import Corpus, Document, StoredDocument
from policytext.store.duplicates import DuplicateCluster
from policytext.store.filters import FILTER_FIELDS, GROUP_FIELDS, DocumentFilter

__all__ = [
    "Corpus",
    "Document",
    "StoredDocument",
    "DocumentFilter",
    "DuplicateCluster",
    "GROUP_FIELDS",
    "FILTER_FIELDS",
]
