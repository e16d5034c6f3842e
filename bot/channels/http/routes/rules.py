"""Rule endpoints: ``POST /v1/eligibility`` (verdicts for a profile) and ``POST /v1/procurement/check``
(a buyer's obligations and options, with active catalog products of the category)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from bot.answer.verdicts.answers import render_verdicts
from bot.app import Services
from knowledge.catalog.search import CatalogFilters
from knowledge.errors import FactError
from knowledge.rules.engine import catalog_facts, evaluate
from knowledge.rules.facts import FACTS, parse_facts, show

PROCUREMENT_FACTS = ("buyer_type", "project_funding", "below_tender_threshold", "sector", "brands_recommended",
                     "catalog_brand_included", "catalog_has_category", "must_cite_supplier_standard", "region")


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]
router = APIRouter(prefix="/v1", tags=["rules 规则判断"])


class EligibilityRequest(BaseModel):
    """``POST /v1/eligibility`` body: facts (see knowledge/facts.py), the day to judge for, optional filters."""

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


@router.get("/facts")
def facts(svc: ServicesDep) -> dict[str, Any]:
    """The fact vocabulary (name, type, label, question, values) and which audience's rules use each."""
    used: dict[str, set[str]] = {}
    for rule in svc.composer().rules:
        pending = [*rule.spec.conditions, *rule.spec.requires]
        while pending:
            condition = pending.pop()
            pending.extend(condition.any_of or [])
            if condition.fact:
                used.setdefault(condition.fact, set()).add(rule.spec.audience)
                if condition.fact == "in_catalog":  # the listing test also reads these
                    for extra in ("catalog_status", "withdrawn_on", "product_id"):
                        used.setdefault(extra, set()).add(rule.spec.audience)
    return {"facts": [{"name": spec.name, "kind": spec.kind, "label": spec.label, "question": spec.question,
                       "values": list(spec.values), "audiences": sorted(used.get(spec.name, set()))}
                      for spec in FACTS.values()]}


@router.post("/eligibility")
def eligibility(body: EligibilityRequest, svc: ServicesDep) -> dict[str, Any]:
    """Every rule's verdict (met / not_met / needs_info) for the profile on ``as_of`` (default today)."""
    composer = svc.composer()
    facts = parse_facts(body.profile)
    if "product_id" in facts:
        facts.update(catalog_facts(svc.catalog.get(facts["product_id"])))
    known = {r.rule_id for r in composer.rules}
    unknown = [r for r in body.rule_ids or [] if r not in known]
    if unknown:
        raise FactError(f"未知的规则：{', '.join(unknown)}（可用：{', '.join(sorted(known))}） / unknown rule ids")
    rules = [r for r in composer.rules
             if (body.rule_ids is None or r.rule_id in body.rule_ids)
             and (body.audience is None or r.spec.audience == body.audience)]
    as_of = body.as_of or dt.date.today()
    return {"verdicts": [v.to_dict() for v in evaluate(rules, facts, as_of)], "as_of": as_of.isoformat(),
            "facts": {k: show(v) for k, v in facts.items()}, "kb_version": composer.kb.version}


@router.post("/procurement/check")
def procurement_check(body: ProcurementRequest, svc: ServicesDep) -> dict[str, Any]:
    """The buyer's obligations and options with citations, plus active catalog products of the category."""
    composer = svc.composer()
    outside = [k for k in body.facts if k not in PROCUREMENT_FACTS]
    if outside:
        raise FactError(f"采购检查不接受这些事实项：{', '.join(outside)}（可用：{', '.join(PROCUREMENT_FACTS)}） / "
                        "facts not used by the procurement check")
    facts = parse_facts(body.facts)
    products: list[dict[str, Any]] = []
    if body.product_category and body.product_category.strip():
        page = svc.catalog.search(body.product_category.strip(), CatalogFilters(status="active"), limit=20)
        products = [{**h.product.to_dict(), "match": h.match} for h in page.hits]
        facts.setdefault("catalog_has_category", page.total > 0)
    as_of = body.as_of or dt.date.today()
    verdicts = evaluate([r for r in composer.rules if r.spec.audience == "buyer"], facts, as_of)
    citations = list({(c.clause_id, c.quote): c.to_dict() for v in verdicts for c in v.citations}.values())
    return {"answer": render_verdicts(verdicts, english=False), "verdicts": [v.to_dict() for v in verdicts],
            "products": products, "citations": citations, "as_of": as_of.isoformat(),
            "facts": {k: show(v) for k, v in facts.items()}, "kb_version": composer.kb.version}
