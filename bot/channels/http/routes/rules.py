"""Rule endpoints: ``GET /v1/facts``, ``POST /v1/eligibility`` (verdicts for a profile) and
``POST /v1/procurement/check`` (a buyer's obligations and options, with active catalog products)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from bot.channels.http.deps import AssistantDep
from bot.channels.http.schemas import EligibilityRequest, ProcurementRequest
from knowledge.rules.facts import show

router = APIRouter(prefix="/v1", tags=["rules 规则判断"])


@router.get("/facts")
def facts(assistant: AssistantDep) -> dict[str, Any]:
    """The fact vocabulary (name, type, label, question, values) and which audience's rules use each."""
    return {"facts": assistant.fact_vocabulary()}


@router.post("/eligibility")
def eligibility(body: EligibilityRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Every rule's verdict (met / not_met / needs_info) for the profile on ``as_of`` (default today)."""
    result = assistant.check_eligibility(body.profile, as_of=body.as_of, rule_ids=body.rule_ids,
                                         audience=body.audience)
    return {"verdicts": [v.to_dict() for v in result.verdicts], "as_of": result.as_of.isoformat(),
            "facts": {k: show(v) for k, v in result.facts.items()}, "kb_version": result.kb_version}


@router.post("/procurement/check")
def procurement_check(body: ProcurementRequest, assistant: AssistantDep) -> dict[str, Any]:
    """The buyer's obligations and options with citations, plus active catalog products of the category."""
    check = assistant.procurement_check(body.facts, product_category=body.product_category, as_of=body.as_of)
    result = check.eligibility
    return {"answer": result.text(), "verdicts": [v.to_dict() for v in result.verdicts],
            "products": [{**p.to_dict(), "match": m} for p, m in zip(check.products, check.matches, strict=True)],
            "citations": [c.to_dict() for c in check.citations], "as_of": result.as_of.isoformat(),
            "facts": {k: show(v) for k, v in result.facts.items()}, "kb_version": result.kb_version}
