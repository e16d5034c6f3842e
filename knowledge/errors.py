"""Errors of the knowledge side.

    KnowledgeError
     ├── KBNotBuiltError      no published knowledge base version in the data dir
     ├── UnknownClauseError   a (doc_id, clause_id) pair that the KB does not hold
     └── EmbedderError        the configured embedder cannot be loaded
"""


class KnowledgeError(Exception):
    """Base class of every error raised by ``knowledge``."""


class KBNotBuiltError(KnowledgeError):
    """The data dir holds no published knowledge base version."""


class UnknownClauseError(KnowledgeError):
    """The KB holds no clause with this document and clause id."""


class EmbedderError(KnowledgeError):
    """The embedder named in the settings cannot be loaded."""
