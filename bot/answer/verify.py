"""Check citations against the knowledge base before anyone sees them."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation


def citation_problem(kb: KnowledgeBase, citation: Citation, retrieved: set[tuple[str, str]]) -> str | None:
    """Why ``citation`` cannot be shown, or None when it is sound.

    Sound means: the clause exists in this KB version, it was among the retrieved clauses, the
    quote is a non-empty verbatim substring of the clause text, and the document fields match.
    """
    key = (citation.doc_id, citation.clause_id)
    if not kb.has_clause(*key):
        return "unknown clause"
    if key not in retrieved:
        return "not retrieved"
    clause = kb.clause(*key)
    if not citation.quote.strip() or citation.quote not in clause.text:
        return "quote not verbatim"
    if citation.text != clause.text or citation.label != clause.label:
        return "clause text or label differs"
    document = kb.documents.get(citation.doc_id)
    if document is None or (citation.doc_title, citation.doc_number) != (document.title, document.doc_number):
        return "document fields differ"
    return None


def verify_citations(kb: KnowledgeBase, citations: Iterable[Citation],
                     retrieved: set[tuple[str, str]]) -> tuple[list[Citation], list[tuple[Citation, str]]]:
    """Split citations into (kept, dropped with reason); order of the kept ones is preserved."""
    kept: list[Citation] = []
    dropped: list[tuple[Citation, str]] = []
    for citation in citations:
        problem = citation_problem(kb, citation, retrieved)
        if problem is None:
            kept.append(citation)
        else:
            dropped.append((citation, problem))
    return kept, dropped
