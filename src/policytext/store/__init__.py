"""The corpus store: one SQLite file holding documents, provenance, tags and evaluations.

Every query of the library runs here; the other stages ask the store through its methods.
"""

from policytext.store.corpus import Corpus, Document, StoredDocument
from policytext.store.filters import FILTER_FIELDS, GROUP_FIELDS, DocumentFilter

__all__ = ["Corpus", "Document", "StoredDocument", "DocumentFilter", "GROUP_FIELDS", "FILTER_FIELDS"]
