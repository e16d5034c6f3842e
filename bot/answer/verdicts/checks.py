"""Verdict checks asked for directly (not through a question): an enterprise's or buyer's profile
against the rules, and a buyer's procurement check with active catalog products of a category.

The facts of a case are always built by :func:`knowledge.rules.profile.case_facts`, so every channel
(HTTP, CLI, Telegram, web page) gets the same verdicts for the same profile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.answer.verdicts.answers import render_verdicts
from knowledge.catalog.models import Product
from knowledge.catalog.search import CatalogFilters, CatalogSearch
from knowledge.errors import FactError
from knowledge.kb.models import Citation
from knowledge.rules.engine import Verdict, evaluate
from knowledge.rules.facts import FACTS
from knowledge.rules.loader import Rule

Audience = Literal["enterprise", "buyer"]
PROCUREMENT_FACTS = ("buyer_type", "project_funding", "below_tender_threshold", "sector", "brands_recommended",
                     "catalog_brand_included", "catalog_has_category", "must_cite_supplier_standard", "region")


@dataclass(frozen=True)
class Eligibility:
    """Verdicts for one case on one day."""

    verdicts: tuple[Verdict, ...]
    facts: Mapping[str, Any]
    as_of: dt.date
    kb_version: int

    def missing_facts(self, skipped: frozenset[str] = frozenset()) -> list[str]:
        """Facts the undecided verdicts still need, in the order they are asked, without ``skipped``."""
        wanted = (f for v in self.verdicts if v.status == "needs_info" for f in v.missing_facts)
        return list(dict.fromkeys(f for f in wanted if f not in skipped))

    def text(self, english: bool = False) -> str:
        """The verdicts as answer text (conclusion, conditions, missing facts, quotes)."""
        return render_verdicts(list(self.verdicts), english)


@dataclass(frozen=True)
class ProcurementCheck:
    """A buyer's obligations and options, with the active catalog products of a category."""

    eligibility: Eligibility
    products: tuple[Product, ...]
    matches: tuple[str, ...]  # how each product matched the category

    @property
    def citations(self) -> list[Citation]:
        """The clauses the verdicts cite, each once."""
        return list({(c.clause_id, c.quote): c for v in self.eligibility.verdicts for c in v.citations}.values())


def select_rules(rules: Sequence[Rule], *, rule_ids: Sequence[str] | None = None,
                 audience: Audience | None = None) -> list[Rule]:
    """The rules asked for; FactError naming any unknown rule id."""
    known = {r.rule_id for r in rules}
    unknown = [r for r in rule_ids or [] if r not in known]
    if unknown:
        raise FactError(f"未知的规则：{', '.join(unknown)}（可用：{', '.join(sorted(known))}） / unknown rule ids")
    return [r for r in rules if (rule_ids is None or r.rule_id in rule_ids)
            and (audience is None or r.spec.audience == audience)]


def check_rules(rules: Sequence[Rule], facts: Mapping[str, Any], as_of: dt.date, kb_version: int) -> Eligibility:
    """Every given rule's verdict for ``facts`` on ``as_of``."""
    return Eligibility(tuple(evaluate(list(rules), dict(facts), as_of)), facts, as_of, kb_version)


def procurement_facts(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The buyer facts of a procurement check; FactError naming any fact it does not use."""
    outside = [k for k in raw if k not in PROCUREMENT_FACTS]
    if outside:
        raise FactError(f"采购检查不接受这些事实项：{', '.join(outside)}（可用：{', '.join(PROCUREMENT_FACTS)}） / "
                        "facts not used by the procurement check")
    return dict(raw)


def category_products(catalog: CatalogSearch, category: str | None) -> tuple[tuple[Product, ...], tuple[str, ...]]:
    """Active catalog products of ``category`` (up to 20), most relevant first, and how each matched."""
    if not category or not category.strip():
        return (), ()
    page = catalog.search(category.strip(), CatalogFilters(status="active"), limit=20)
    return tuple(h.product for h in page.hits), tuple(h.match for h in page.hits)


def fact_uses(rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """The fact vocabulary (name, kind, label, question, values, unit) and which audience's rules use each."""
    used: dict[str, set[str]] = {}
    for rule in rules:
        pending = [*rule.spec.conditions, *rule.spec.requires]
        while pending:
            condition = pending.pop()
            pending.extend(condition.any_of or [])
            if condition.fact:
                used.setdefault(condition.fact, set()).add(rule.spec.audience)
                if condition.fact == "in_catalog":  # the listing test also reads these
                    for extra in ("catalog_status", "withdrawn_on", "product_id"):
                        used.setdefault(extra, set()).add(rule.spec.audience)
    return [{"name": spec.name, "kind": spec.kind, "label": spec.label, "question": spec.question,
             "values": list(spec.values), "unit": spec.unit, "audiences": sorted(used.get(spec.name, set()))}
            for spec in FACTS.values()]
