"""``GET /v1/documents`` and ``GET /v1/clauses/{doc_id}/{clause_id}``."""

from __future__ import annotations

from fastapi import APIRouter

from bot.channels.http.deps import AssistantDep
from bot.channels.http.schemas import ClausePublic, DocumentPublic

router = APIRouter(prefix="/v1", tags=["documents 文件与条款"])


@router.get("/documents", response_model=list[DocumentPublic])
def documents(assistant: AssistantDep) -> list[DocumentPublic]:
    """The policy documents in the served KB version."""
    return [DocumentPublic(doc_id=v.document.doc_id, title=v.document.title, doc_number=v.document.doc_number,
                           issuers=list(v.document.issuers), issued_on=v.document.issued_on,
                           status=v.document.status, clauses=v.clauses, series=v.document.series,
                           cites=list(v.document.cites))
            for v in assistant.documents()]


@router.get("/clauses/{doc_id}/{clause_id}", response_model=ClausePublic)
def clause(doc_id: str, clause_id: str, assistant: AssistantDep) -> ClausePublic:
    """One clause, verbatim (``三（二）2`` or ``三(二)2``; 404 when the document or clause is unknown)."""
    view = assistant.clause(doc_id, clause_id)
    c = view.citation
    return ClausePublic(doc_id=c.doc_id, doc_title=c.doc_title, doc_number=c.doc_number, clause_id=c.clause_id,
                        label=c.label, heading=view.heading, text=c.text, parent_id=view.parent_id,
                        children=list(view.children), kb_version=view.kb_version)
