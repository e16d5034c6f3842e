"""Documents and clauses of a KB version as the channels show them (lists, 查看原文, /clause)."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.errors import UnknownClauseError
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation, Document


@dataclass(frozen=True)
class DocumentView:
    """A document of the served version with its number of clauses."""

    document: Document
    clauses: int


@dataclass(frozen=True)
class ClauseView:
    """One clause, verbatim, with where it sits in its document."""

    citation: Citation  # the clause as a citation (quote empty)
    heading: str
    parent_id: str | None
    children: tuple[str, ...]
    kb_version: int


def canonical_clause_id(clause_id: str) -> str:
    """The stored form of a clause id: 三（二）2 and 三(二)2 name the same clause."""
    return clause_id.strip().replace("（", "(").replace("）", ")")


def list_documents(kb: KnowledgeBase) -> list[DocumentView]:
    """The documents of ``kb`` in publishing order."""
    return [DocumentView(d, len(kb.clauses_of(d.doc_id))) for d in kb.documents.values()]


def find_clause(kb: KnowledgeBase, doc_id: str | None, clause_id: str) -> ClauseView:
    """The clause ``clause_id`` (id or label form) of ``doc_id``, or of the first document that has it
    when no document is named; UnknownClauseError when there is none."""
    wanted = canonical_clause_id(clause_id)
    if not doc_id:
        doc_id = next((d for d in kb.documents if kb.has_clause(d, wanted)), "")
    if doc_id not in kb.documents:
        raise UnknownClauseError(f"条款不存在 / no such clause: {doc_id} {clause_id}")
    clause = kb.clause(doc_id, wanted)
    document = kb.documents[doc_id]
    children = tuple(c.clause_id for c in kb.clauses_of(doc_id) if c.parent_id == clause.clause_id)
    citation = Citation(doc_id=doc_id, doc_title=document.title, doc_number=document.doc_number,
                        clause_id=clause.clause_id, label=clause.label, quote="", text=clause.text)
    return ClauseView(citation, clause.heading, clause.parent_id, children, kb.version)
