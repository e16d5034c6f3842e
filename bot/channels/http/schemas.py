"""Request and response bodies of the HTTP API (the public contract in DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from bot.answer.question import question_problem
from knowledge.kb.models import Citation

SESSION_ID_MAX = 128
SESSION_ID_PATTERN = r"^[A-Za-z0-9_.:\-]+$"


class AskRequest(BaseModel):
    """``POST /v1/ask`` body."""

    model_config = ConfigDict(extra="ignore")

    question: StrictStr = Field(description="1–2000 characters after trimming")
    session_id: StrictStr | None = Field(default=None, max_length=SESSION_ID_MAX, pattern=SESSION_ID_PATTERN,
                                         description="your conversation's id: 1–128 letters, digits, _ . : -")
    profile: dict[str, Any] | None = None
    as_of: dt.date | None = None
    kb_version: int | None = Field(default=None, ge=1, description="answer against this retained earlier version")

    @field_validator("question")
    @classmethod
    def _question_length(cls, value: str) -> str:
        problem = question_problem(value)
        if problem:
            raise ValueError(problem)
        return value.strip()


class PointPublic(BaseModel):
    """One 要点 of an answer: a verbatim sentence of a cited clause."""

    text: str
    doc_id: str
    clause_id: str
    label: str


class AskResponse(BaseModel):
    """``POST /v1/ask`` response."""

    answer: str
    conclusion: Literal["yes", "no", "conditional", "not_specified", "informational", "needs_info", "out_of_scope"] = Field(
        default="informational", description="what the answer's first line concludes (added in 0.2; see docs/answers.md)")
    lead: str = Field(default="", description="the conclusion sentence of a clause answer, without its label")
    points: list[PointPublic] = Field(default_factory=list, description="要点: verbatim sentences of the cited clauses")
    intent: Literal["eligibility", "incentive", "procurement", "catalog", "general", "out_of_scope"]
    grounded: bool
    citations: list[Citation]  # the knowledge-side record is the public shape
    products: list[ProductPublic]
    verdicts: list[dict[str, Any]]
    facts: dict[str, Any] = {}
    composer: Literal["extractive", "llm"] = "extractive"
    sentences_removed: int = 0
    kb_version: int
    timings_ms: dict[str, float]


class ProductPublic(BaseModel):
    """A 《目录》 product (``is_sample``: generated sample data, never official)."""

    product_id: str
    product_name: str
    enterprise: str
    credit_code: str
    region: str
    sector: str
    batch_year: int | None
    certified_on: str | None
    core_tech_level: str
    has_clear_ip: bool | None
    brand: str
    description: str
    status: Literal["active", "withdrawn"]
    withdrawn_on: str | None
    withdrawal_reason: str
    source: str
    is_sample: bool
    match: str | None = None
    score: float | None = None


class CatalogPagePublic(BaseModel):
    """One page of catalog search results."""

    total: int
    limit: int
    offset: int
    items: list[ProductPublic]


class DocumentPublic(BaseModel):
    """A policy document in the KB."""

    doc_id: str
    title: str
    doc_number: str
    issuers: list[str]
    issued_on: str | None
    status: str
    clauses: int
    series: str = Field(default="", description="e.g. the yearly 浙江制造精品 notices (added in 0.2)")
    cites: list[str] = Field(default_factory=list, description="文号 or titles this document is based on (added in 0.2)")


class ClausePublic(BaseModel):
    """One clause, verbatim, with where it sits in its document."""

    doc_id: str
    doc_title: str
    doc_number: str
    clause_id: str
    label: str
    heading: str
    text: str
    parent_id: str | None
    children: list[str]
    kb_version: int


class Health(BaseModel):
    """``GET /healthz``."""

    status: Literal["ok"]
    kb_version: int
    catalog_revision: int = 0
    catalog_products: int = 0
    metrics: dict[str, int] = {}
    dependencies: dict[str, Literal["ok", "down"]] = Field(
        default={}, description="each dependency probed: database (SELECT 1), vector_store (Chroma heartbeat)")


class HealthUnavailable(BaseModel):
    """``GET /healthz`` when a dependency does not answer (503): which one, in both languages."""

    status: Literal["unavailable"]
    detail: str = Field(description="中文说明 / English, naming the dependency, e.g. 向量库不可用 / vector store unavailable")
    dependencies: dict[str, Literal["ok", "down"]]



class EligibilityRequest(BaseModel):
    """``POST /v1/eligibility`` body: facts (see knowledge/rules/facts.py), the day to judge for, optional filters."""

    model_config = ConfigDict(extra="forbid")

    profile: dict[str, Any] = Field(default_factory=dict)
    as_of: dt.date | None = None
    rule_ids: list[str] | None = None
    audience: Literal["enterprise", "buyer"] | None = None


class ProcurementRequest(BaseModel):
    """``POST /v1/procurement/check`` body."""

    model_config = ConfigDict(extra="forbid")

    facts: dict[str, Any] = Field(default_factory=dict)
    product_category: str | None = Field(None, max_length=100)
    as_of: dt.date | None = None


class WithdrawRequest(BaseModel):
    """``POST /v1/admin/catalog/{product_id}/withdraw`` body."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
    date: dt.date | None = None


class RollbackRequest(BaseModel):
    """``POST /v1/admin/rollback`` body."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)


class TokenRequest(BaseModel):
    """``POST /v1/admin/tokens`` body."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(pattern="^(staff|admin)$")


AskResponse.model_rebuild()
