"""Errors of the knowledge side.

    KnowledgeError
     ├── KBNotBuiltError      no published knowledge base version in the data dir
     ├── UnknownClauseError   a (doc_id, clause_id) pair that the KB does not hold
     ├── EmbedderError        the configured embedder cannot be loaded
     ├── UnknownProductError  a product id the catalog does not hold
     ├── FactError            an unknown fact name or a value of the wrong type
     ├── RulesError           a rules file that does not load or cites a clause the KB lacks
     ├── KBBusyError          another publish holds the lock
     ├── UnknownVersionError  a KB version that does not exist or is no longer retained
     ├── InvalidInputError    a value that cannot be used (e.g. a blank token name)
     ├── DependencyError      an optional package a setting needs is not installed
     └── DependencyUnavailable  the database or the vector store does not answer (knowledge/dependencies.py)
"""


class KnowledgeError(Exception):
    """Base class of every error raised by ``knowledge``."""


class KBNotBuiltError(KnowledgeError):
    """The data dir holds no published knowledge base version."""


class UnknownClauseError(KnowledgeError):
    """The KB holds no clause with this document and clause id."""


class EmbedderError(KnowledgeError):
    """The embedder named in the settings cannot be loaded."""


class UnknownProductError(KnowledgeError):
    """The catalog holds no product with this id."""

    def __init__(self, product_id: str) -> None:
        super().__init__(f"《目录》中没有编号为 {product_id} 的产品 / no catalog product with id {product_id}")
        self.product_id = product_id


class FactError(KnowledgeError):
    """A fact that is not in the vocabulary, or a value that does not fit its type."""


class RulesError(KnowledgeError):
    """A rules file that is malformed or cites what the knowledge base does not hold."""


class KBBusyError(KnowledgeError):
    """Another publish is running; this one was not started."""


class UnknownVersionError(KnowledgeError):
    """A knowledge base version that does not exist or is no longer retained."""


class InvalidInputError(KnowledgeError):
    """A value a caller gave that cannot be used (e.g. a blank token name); nothing was changed."""


class DependencyError(KnowledgeError):
    """An optional package that the settings need (e.g. the PostgreSQL driver) is not installed."""
