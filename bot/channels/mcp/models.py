"""The structured output of the MCP tools: pydantic models built from the library's typed results
(field names as in the HTTP API's JSON, so a host sees one vocabulary everywhere)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from bot.answer import Answer
from bot.answer.documents import ClauseView, DocumentView
from bot.answer.verdicts.checks import Eligibility, ProcurementCheck
from knowledge.catalog.models import CatalogHit, Product
from knowledge.kb.models import Citation
from knowledge.rules.engine import Verdict
from knowledge.rules.facts import show

CLAUSE_URI = "jingpin://clause/{doc_id}/{clause_id}"


def clause_uri(doc_id: str, clause_id: str) -> str:
    """The MCP resource URI of a clause (both parts percent-encoded: clause ids are Chinese)."""
    return CLAUSE_URI.format(doc_id=quote(doc_id, safe=""), clause_id=quote(clause_id, safe=""))


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CitationOut(_Out):
    """A cited clause (or 《目录》 row) with the verbatim quote that supports the answer."""

    doc_id: str
    doc_title: str = Field(description="document title 文件标题")
    doc_number: str = Field(description="文号, e.g. 浙经信技术〔2013〕573号")
    clause_id: str
    label: str = Field(description="clause label as printed, e.g. 三（二）7")
    quote: str = Field(description="verbatim words of the clause 原文引用")
    kind: str = Field(description="clause (policy text) or catalog (a 《目录》 row)")
    source: str = ""
    uri: str | None = Field(default=None, description="the clause as an MCP resource")

    @classmethod
    def of(cls, citation: Citation) -> CitationOut:
        """From a library citation."""
        uri = clause_uri(citation.doc_id, citation.clause_id) if citation.kind == "clause" else None
        return cls.model_validate({**citation.to_dict(), "uri": uri})


class ConditionOut(_Out):
    """One condition of a rule as evaluated for the case."""

    label: str
    fact: str | None
    required: str
    given: Any
    status: str = Field(description="met / not_met / needs_info")
    note: str = ""


class VerdictOut(_Out):
    """The verdict of one rule: its status, each condition, what is missing, the clauses it rests on."""

    rule_id: str
    title: str
    audience: str
    status: str = Field(description="met / not_met / needs_info")
    conditions: list[ConditionOut]
    missing_facts: list[str]
    citations: list[CitationOut]
    explanation: str
    outcome: str
    as_of: str
    compliance: str | None = None

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictOut:
        """From a library verdict."""
        return cls.model_validate({**verdict.to_dict(), "citations": [CitationOut.of(c) for c in verdict.citations]})


class ProductOut(_Out):
    """A 《目录》 product; ``is_sample``: generated 示例 data, never the official catalog."""

    product_id: str
    product_name: str
    enterprise: str
    region: str
    sector: str
    batch_year: int | None
    certified_on: str | None
    core_tech_level: str
    brand: str
    description: str
    status: str = Field(description="active 在册 / withdrawn 已退出")
    withdrawn_on: str | None
    withdrawal_reason: str
    source: str
    is_sample: bool = Field(description="示例 sample row (made-up enterprise), not official")
    match: str | None = None

    @classmethod
    def of(cls, product: Product, match: str | None = None) -> ProductOut:
        """From a library product."""
        return cls.model_validate({**product.to_dict(), "match": match})


class AskResult(_Out):
    """A grounded answer: text with clause labels, its conclusion, and every citation verbatim."""

    answer: str
    conclusion: str = Field(description="yes / no / conditional / not_specified / informational / needs_info / "
                                        "out_of_scope")
    grounded: bool = Field(description="false: the knowledge base does not cover the question (nothing cited)")
    intent: str
    citations: list[CitationOut]
    verdicts: list[VerdictOut]
    products: list[ProductOut]
    facts: dict[str, Any]
    kb_version: int

    @classmethod
    def of(cls, answer: Answer) -> AskResult:
        """From a library answer."""
        return cls(answer=answer.answer, conclusion=answer.conclusion, grounded=answer.grounded, intent=answer.intent,
                   citations=[CitationOut.of(c) for c in answer.citations],
                   verdicts=[VerdictOut.of(v) for v in answer.verdicts],
                   products=[ProductOut.of(p) for p in answer.products],
                   facts={k: show(v) for k, v in answer.facts.items()}, kb_version=answer.kb_version)


class EligibilityResult(_Out):
    """Every selected rule's verdict for the case on ``as_of``, with a readable summary."""

    summary: str
    verdicts: list[VerdictOut]
    missing_facts: list[str] = Field(description="facts still needed to decide the undecided rules")
    facts: dict[str, Any]
    as_of: str
    kb_version: int

    @classmethod
    def of(cls, result: Eligibility) -> EligibilityResult:
        """From a library eligibility result."""
        return cls(summary=result.text(), verdicts=[VerdictOut.of(v) for v in result.verdicts],
                   missing_facts=result.missing_facts(), facts={k: show(v) for k, v in result.facts.items()},
                   as_of=result.as_of.isoformat(), kb_version=result.kb_version)


class ProcurementResult(EligibilityResult):
    """A buyer's obligations and options, with the active 《目录》 products of the category."""

    products: list[ProductOut]
    citations: list[CitationOut]

    @classmethod
    def of_check(cls, check: ProcurementCheck) -> ProcurementResult:
        """From a library procurement check."""
        base = EligibilityResult.of(check.eligibility).model_dump()
        return cls(**base, products=[ProductOut.of(p, m) for p, m in zip(check.products, check.matches, strict=True)],
                   citations=[CitationOut.of(c) for c in check.citations])


class CatalogResult(_Out):
    """One page of 《目录》 search results."""

    total: int
    items: list[ProductOut]
    note: str = ""

    @classmethod
    def of(cls, total: int, hits: list[CatalogHit]) -> CatalogResult:
        """From a library catalog page."""
        items = [ProductOut.of(h.product, h.match) for h in hits]
        note = "含示例数据（虚构企业），非官方《目录》 / includes sample rows (made up), not the official catalog" \
            if any(i.is_sample for i in items) else ""
        return cls(total=total, items=items, note=note)


class ClauseResult(_Out):
    """One clause, verbatim, with where it sits in its document."""

    doc_id: str
    doc_title: str
    doc_number: str
    clause_id: str
    label: str
    heading: str
    text: str = Field(description="the clause's full text, verbatim")
    parent_id: str | None
    children: list[str]
    kb_version: int
    uri: str

    @classmethod
    def of(cls, view: ClauseView) -> ClauseResult:
        """From a library clause view."""
        c = view.citation
        return cls(doc_id=c.doc_id, doc_title=c.doc_title, doc_number=c.doc_number, clause_id=c.clause_id,
                   label=c.label, heading=view.heading, text=c.text, parent_id=view.parent_id,
                   children=list(view.children), kb_version=view.kb_version, uri=clause_uri(c.doc_id, c.clause_id))

    def as_text(self) -> str:
        """The clause as a resource's text: document, 文号 and label, then the clause."""
        return f"《{self.doc_title}》（{self.doc_number}）〔{self.label}〕{self.heading}\n{self.text}"


class DocumentOut(_Out):
    """A policy document of the served KB version."""

    doc_id: str
    title: str
    doc_number: str
    issuers: list[str]
    issued_on: str | None
    status: str
    clauses: int
    series: str = ""


class DocumentsResult(_Out):
    """The documents of the served KB version."""

    documents: list[DocumentOut]
    kb_version: int

    @classmethod
    def of(cls, views: list[DocumentView], kb_version: int) -> DocumentsResult:
        """From the library's document views."""
        return cls(documents=[DocumentOut(doc_id=v.document.doc_id, title=v.document.title,
                                          doc_number=v.document.doc_number, issuers=list(v.document.issuers),
                                          issued_on=v.document.issued_on, status=v.document.status, clauses=v.clauses,
                                          series=v.document.series) for v in views], kb_version=kb_version)
