"""The rules engine: (rules, facts, as_of) → one verdict per rule. Pure: no I/O, no clock.

A condition is met, not met, or needs information; a fact nobody has given always means
needs_info, never not_met. A rule is not_met when any condition is not met, needs_info when any
still needs information, met otherwise. Text (here or from an LLM) may explain a verdict but
never changes it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from knowledge.kb.models import Citation
from knowledge.rules.facts import FACTS, MOUNTAIN_AREA, DateRange, in_mountain_area, parse_facts, show
from knowledge.rules.loader import ConditionSpec, Rule
from knowledge.rules.periods import HOLIDAY_NOTE, period_end

Status = Literal["met", "not_met", "needs_info"]


@dataclass(frozen=True)
class ConditionResult:
    """One condition as evaluated: what it requires, what was given, and its own status."""

    label: str
    fact: str | None
    required: str
    given: Any
    status: Status
    note: str = ""
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``missing`` is reported once, on the verdict)."""
        data = asdict(self)
        data.pop("missing")
        return data


@dataclass(frozen=True)
class Verdict:
    """The verdict of one rule for one set of facts on one day."""

    rule_id: str
    title: str
    audience: str
    status: Status
    conditions: list[ConditionResult]
    missing_facts: list[str]
    citations: list[Citation]
    explanation: str
    outcome: str
    as_of: str
    computed: dict[str, str] = field(default_factory=dict)
    compliance: str | None = None  # for rules with obligations: complies / violates / unknown

    def to_dict(self) -> dict[str, Any]:
        """The verdict in the public contract's shape (plus outcome, as_of, computed, compliance)."""
        return {
            "rule_id": self.rule_id, "title": self.title, "audience": self.audience, "status": self.status,
            "conditions": [c.to_dict() for c in self.conditions], "missing_facts": self.missing_facts,
            "citations": [c.to_dict() for c in self.citations], "explanation": self.explanation,
            "outcome": self.outcome, "as_of": self.as_of, "computed": self.computed, "compliance": self.compliance,
        }


def _yes_no(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class _Evaluator:
    def __init__(self, facts: dict[str, Any], as_of: dt.date) -> None:
        self.facts = facts
        self.as_of = as_of
        self.computed: dict[str, str] = {}

    def condition(self, spec: ConditionSpec) -> ConditionResult:
        test = spec.test
        if test == "assessment":
            return ConditionResult(spec.label, None, spec.assessment or "", None, "needs_info",
                                   "需经认定评审确定，请准备相应的说明材料")
        if test == "any_of":
            return self._any_of(spec)
        assert spec.fact is not None
        if test == "listed_on_as_of":
            return self._listed(spec)
        value = self.facts.get(spec.fact)
        required = self._required(spec)
        if value is None:
            return ConditionResult(spec.label, spec.fact, required, None, "needs_info", missing=(spec.fact,))
        if test == "within_years":
            return self._within(spec, value, required)
        for maybe, note in (spec.unsure or {}).items():  # 国有企业: covered only if its project is state-funded
            if value == parse_facts({spec.fact: maybe})[spec.fact]:
                return ConditionResult(spec.label, spec.fact, required, show(value), "needs_info", note)
        ok = self._holds(spec, value)
        undecided = self._undecided_region(spec, value) if not ok else None
        if undecided:  # it would hold with the threshold of a region the case may be in
            return ConditionResult(spec.label, spec.fact, required, show(value), "needs_info",
                                   f"{MOUNTAIN_AREA if undecided == 'mountain_county' else '部分地区'}的标准不同，"
                                   "请说明企业所在地区", missing=(undecided,))
        return ConditionResult(spec.label, spec.fact, required, show(value), "met" if ok else "not_met")

    def _required(self, spec: ConditionSpec) -> str:
        test = spec.test
        if test == "is_":
            return _yes_no(spec.is_)
        if test == "in_":
            return " / ".join(str(v) for v in spec.in_ or [])
        if test == "contains_any":
            items = spec.contains_any or []
            return "、".join(items) + "等领域" if len(items) > 1 else f"{items[0]}类领域" if items else ""
        if test in ("at_least", "at_most"):
            sign, unit = "≥" if test == "at_least" else "≤", FACTS[spec.fact or ""].unit
            unit = unit if unit in ("", "%") else f" {unit}"
            shown = f"{sign} {self._threshold(spec):g}{unit}"
            region = self._region_of(spec)
            if region:
                return f"{shown}（{region}）"
            others = "；".join(f"{k} {sign} {v:g}{unit}" for k, v in (spec.by_region or {}).items())
            return f"{shown}（{others}）" if others else shown
        if test == "within_years":
            return f"认定之日起 {spec.within_years} 年内"
        return "是"

    def _in_region(self, name: str) -> bool | None:
        """Whether the case lies in the ``by_region`` key ``name`` (None: not known)."""
        if name == MOUNTAIN_AREA:
            return in_mountain_area(self.facts)
        region = self.facts.get("region")
        return bool(name in region or region in name) if region else None

    def _region_of(self, spec: ConditionSpec) -> str | None:
        return next((name for name in spec.by_region or {} if self._in_region(name)), None)

    def _threshold(self, spec: ConditionSpec) -> float:
        default = spec.at_least if spec.at_least is not None else spec.at_most
        region = self._region_of(spec)
        return float((spec.by_region or {})[region]) if region else float(default or 0)

    def _undecided_region(self, spec: ConditionSpec, value: Any) -> str | None:
        """The fact to ask for when ``value`` fails the threshold but would meet that of a region
        the case may lie in (``mountain_county`` for 山区26县, else ``region``)."""
        if self._region_of(spec):
            return None
        for name, threshold in (spec.by_region or {}).items():
            holds = float(value) >= threshold if spec.test == "at_least" else float(value) <= threshold
            if holds and self._in_region(name) is None:
                return "mountain_county" if name == MOUNTAIN_AREA else "region"
        return None

    def _holds(self, spec: ConditionSpec, value: Any) -> bool:
        test = spec.test
        if test == "is_":  # compare in the fact's own form (是 / true, English enum spellings …)
            return bool(value == parse_facts({spec.fact or "": spec.is_})[spec.fact or ""])
        if test == "in_":
            return value in [parse_facts({spec.fact or "": v})[spec.fact or ""] for v in spec.in_ or []]
        if test == "contains_any":
            return any(item in str(value) for item in spec.contains_any or [])
        if test == "at_least":
            return float(value) >= self._threshold(spec)
        return float(value) <= self._threshold(spec)

    def _within(self, spec: ConditionSpec, value: DateRange, required: str) -> ConditionResult:
        years = spec.within_years or 0
        first_end, last_end = period_end(value.first, years=years), period_end(value.last, years=years)
        shown = first_end.isoformat() if value.exact else f"{first_end.isoformat()} 至 {last_end.isoformat()} 之间"
        self.computed[f"{spec.fact}_period_end"] = shown
        required = f"{required}（至 {shown}）"
        if self.as_of < value.first or self.as_of > last_end:
            note = "尚未认定" if self.as_of < value.first else f"期限已于 {shown} 届满"
            return ConditionResult(spec.label, spec.fact, required, show(value), "not_met", note)
        if value.last <= self.as_of <= first_end:
            return ConditionResult(spec.label, spec.fact, required, show(value), "met", HOLIDAY_NOTE)
        return ConditionResult(spec.label, spec.fact, required, show(value), "needs_info",
                               "只知道认定的年月，请提供具体认定日期", missing=(spec.fact or "",))

    def _listed(self, spec: ConditionSpec) -> ConditionResult:
        in_catalog, status = self.facts.get("in_catalog"), self.facts.get("catalog_status")
        withdrawn_on: DateRange | None = self.facts.get("withdrawn_on")
        certified_on: DateRange | None = self.facts.get("certified_on")
        given = {"in_catalog": in_catalog, "catalog_status": status, "withdrawn_on": show(withdrawn_on)}
        given = {k: v for k, v in given.items() if v is not None}

        def result(status_: Status, note: str = "", missing: tuple[str, ...] = ()) -> ConditionResult:
            return ConditionResult(spec.label, spec.fact, f"{self.as_of.isoformat()} 在《目录》中（未退出）",
                                   given or None, status_, note, missing)

        if in_catalog is False:
            return result("not_met", "未列入《目录》")
        if in_catalog is None and status is None and withdrawn_on is None:
            return result("needs_info", missing=("in_catalog",))
        if certified_on is not None and self.as_of < certified_on.first:
            return result("not_met", "该日期尚未认定")
        if certified_on is not None and self.as_of < certified_on.last:
            return result("needs_info", "只知道认定的年月，请提供具体认定日期", ("certified_on",))
        if status == "withdrawn" or withdrawn_on is not None:  # a withdrawal date means it was withdrawn
            if withdrawn_on is None:
                return result("needs_info", "已退出《目录》，需要退出日期", ("withdrawn_on",))
            if self.as_of >= withdrawn_on.last:
                return result("not_met", f"已于 {show(withdrawn_on)} 退出《目录》，自退出之日起不再享受")
            if self.as_of < withdrawn_on.first:
                return result("met", f"{show(withdrawn_on)} 退出前仍在《目录》中")
            return result("needs_info", "请提供具体退出日期", ("withdrawn_on",))
        return result("met")

    def _any_of(self, spec: ConditionSpec) -> ConditionResult:
        parts = [self.condition(c) for c in spec.any_of or []]
        statuses = {p.status for p in parts}
        status: Status = "met" if "met" in statuses else "needs_info" if "needs_info" in statuses else "not_met"
        given = {p.fact: p.given for p in parts if p.given is not None and p.fact}
        missing = tuple(m for p in parts for m in p.missing) if status == "needs_info" else ()
        return ConditionResult(spec.label, None, " 或 ".join(f"{p.label}" for p in parts), given or None, status,
                               missing=missing)


def requirement(spec: ConditionSpec) -> str:
    """What a condition requires, as a verdict shows it for a case nothing is known of (thresholds
    with their units and regional variants: ``≥ 2000 万元（山区26县 ≥ 1000）``)."""
    if spec.test == "any_of":
        return " 或 ".join(f"{c.label}（{requirement(c)}）" for c in spec.any_of or [])
    if spec.test == "assessment":
        return f"{spec.assessment}（评审确定）"
    return _Evaluator({}, dt.date.min)._required(spec)  # the day plays no part in what is required


def _combine(results: list[ConditionResult]) -> Status:
    statuses = {r.status for r in results}
    return "not_met" if "not_met" in statuses else "needs_info" if "needs_info" in statuses else "met"


def _explain(rule: Rule, status: Status, results: list[ConditionResult], computed: dict[str, str]) -> str:
    if status == "met":
        until = "".join(f"（期限至 {v}）" for v in computed.values())
        return f"适用：{rule.spec.outcome}{until}"
    if status == "not_met":
        failed = [r for r in results if r.status == "not_met"]
        return "不适用：" + "；".join(f"{r.label}不满足" + (f"（{r.note}）" if r.note else "") for r in failed)
    pending = [r for r in results if r.status == "needs_info"]
    return "尚需确认：" + "；".join(r.label for r in pending)


def evaluate(rules: list[Rule], facts: dict[str, Any], as_of: dt.date) -> list[Verdict]:
    """One verdict per rule, in the rules' order. ``facts`` are validated facts (see
    :func:`knowledge.facts.parse_facts`), already merged with any catalog facts."""
    verdicts: list[Verdict] = []
    for rule in rules:
        evaluator = _Evaluator(facts, as_of)
        results = [evaluator.condition(c) for c in rule.spec.conditions]
        status = _combine(results)
        missing = list(dict.fromkeys(m for r in results for m in r.missing if m in FACTS))
        compliance = None
        if rule.spec.requires and status == "met":
            duties = [evaluator.condition(c) for c in rule.spec.requires]
            results += duties
            duty = _combine(duties)
            compliance = {"met": "complies", "not_met": "violates", "needs_info": "unknown"}[duty]
        verdicts.append(Verdict(
            rule_id=rule.rule_id, title=rule.spec.title, audience=rule.spec.audience, status=status,
            conditions=results, missing_facts=missing, citations=list(rule.citations),
            explanation=_explain(rule, status, results, evaluator.computed), outcome=rule.spec.outcome,
            as_of=as_of.isoformat(), computed=evaluator.computed, compliance=compliance,
        ))
    return verdicts
