"""Request and response bodies of the HTTP API (the public contract in DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from knowledge.kb.models import Citation

MAX_QUESTION = 2000


class AskRequest(BaseModel):
    """``POST /v1/ask`` body."""

    model_config = ConfigDict(extra="ignore")

    question: StrictStr = Field(description="1–2000 characters after trimming")
    session_id: StrictStr | None = None
    profile: dict[str, Any] | None = None
    as_of: dt.date | None = None
    kb_version: int | None = Field(default=None, ge=1, description="answer against this retained earlier version")

    @field_validator("question")
    @classmethod
    def _question_length(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("问题不能为空 / the question must not be empty")
        if len(value) > MAX_QUESTION:
            raise ValueError(
                f"问题过长（{len(value)} 字），最多 {MAX_QUESTION} 字 / "
                f"the question is too long ({len(value)} characters, at most {MAX_QUESTION})"
            )
        return value


class AskResponse(BaseModel):
    """``POST /v1/ask`` response."""

    answer: str
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


AskResponse.model_rebuild()
