"""Verdict questions: which rules a question asks about, and the answer built from their verdicts.

The verdicts come from the rules engine; this module only picks rules and phrases what the engine
decided (conclusion first, then each condition, the computed dates, the facts still missing as
questions, then the quotes). It never changes a verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.answer.answer import Conclusion
from knowledge.rules.engine import Verdict
from knowledge.rules.facts import FACTS
from knowledge.rules.loader import Rule
from knowledge.text.modality import forces

_FIRST_PERSON = re.compile(r"我们|我司|我公司|本公司|我单位|本单位|我厂|我的|咱们|\bwe\b|\bour\b|\bmy\b|\bI\b", re.IGNORECASE)
_BENEFITS = re.compile(r"(能|可以)享受(哪些|什么)|有(哪些|什么)(优惠|政策|支持|好处|待遇)|what (benefits|support)", re.IGNORECASE)
_DUTIES = re.compile(r"(要|应该|应当|需要|必须)(做|注意|遵守)(什么|哪些)|(有|承担)(哪些|什么)义务|怎么做|what (must|should)|obligations?",
                     re.IGNORECASE)
_BUYER_FACTS = ("buyer_type", "project_funding", "below_tender_threshold", "brands_recommended", "catalog_brand_included",
                "must_cite_supplier_standard")
_ENTERPRISE_FACTS = ("in_catalog", "catalog_status", "certified_on", "withdrawn_on", "core_tech_level", "has_clear_ip",
                     "own_brand", "is_first_set_equipment", "exhibition_organizer", "tech_renovation_project")
_MARK = {"met": "✓", "not_met": "✗", "needs_info": "？"}
_STATUS_CN = {"met": "适用", "not_met": "不适用", "needs_info": "待确认"}
_STATUS_EN = {"met": "applies", "not_met": "does not apply", "needs_info": "needs more information"}


@dataclass(frozen=True)
class EligibilityQuestion:
    """The rules a question is about and whether it asks as the buyer side."""

    rules: list[Rule]
    buyer: bool


def pick_rules(question: str, rules: list[Rule], facts: dict[str, Any], *,
               profile_given: bool = False) -> EligibilityQuestion | None:
    """The rules to evaluate for ``question``, or None when it is not about the asker's own case.

    Own case means the asker speaks in the first person (我们、我司, we, our) or has given a profile;
    a general question (采购金额低于…的项目有什么政策) goes to clause retrieval instead. A rule is
    asked about when one of its keywords occurs, best matched first; when the stated facts show the
    asker's side (buyer or enterprise), only that side's rules count. A first-person question about
    benefits (能享受哪些) or duties (要注意什么) without a keyword takes every rule of that side.
    """
    if not (profile_given or _FIRST_PERSON.search(question)):
        return None
    lowered = question.lower()
    buyer = any(f in facts for f in _BUYER_FACTS)
    enterprise = any(f in facts for f in _ENTERPRISE_FACTS)
    hits = {r.rule_id: sum(k.lower() in lowered for k in r.spec.keywords) for r in rules}
    named = sorted((r for r in rules if hits[r.rule_id]), key=lambda r: -hits[r.rule_id])
    if buyer != enterprise:  # the stated facts say which side is asking
        named = [r for r in named if (r.spec.audience == "buyer") == buyer]
    if named:
        return EligibilityQuestion(named, all(r.spec.audience == "buyer" for r in named))
    if _BENEFITS.search(question) or _DUTIES.search(question):
        side = "buyer" if buyer or (_DUTIES.search(question) and not enterprise) else "enterprise"
        return EligibilityQuestion([r for r in rules if r.spec.audience == side], side == "buyer")
    return None


def verdict_conclusion(statuses: list[str]) -> Conclusion:
    """The conclusion class of a verdict answer: yes / no when every verdict agrees, needs_info while a
    fact is missing, else conditional (some rules apply, some do not)."""
    found = set(statuses)
    if found == {"met"}:
        return "yes"
    if found == {"not_met"}:
        return "no"
    return "needs_info" if "needs_info" in found else "conditional"


def forbids(verdicts: list[Verdict]) -> bool:
    """True when a rule that applies is a prohibition (its cited sentence says 不得/禁止 …): asked
    "能不能排斥…", the answer is then 不可以, although the rule "applies"."""
    return any(v.status == "met" and any("prohibition" in forces(c.quote) for c in v.citations) for v in verdicts)


def forbidden_text(text: str, english: bool) -> str:
    """The verdict answer ``text`` with its first line saying that the asked-for act is not allowed."""
    first = "Conclusion: No, the policy forbids this." if english else "结论：不可以，文件明确禁止这样做。"
    return "\n".join([first, *text.split("\n")[1:]])


def _conclusion(verdicts: list[Verdict], english: bool) -> str:
    statuses = {v.status for v in verdicts}
    if len(verdicts) == 1:
        status = verdicts[0].status
        if status == "not_met" and verdicts[0].audience == "buyer":  # a duty that does not bind this buyer
            return "No, this requirement does not apply to your case." if english else "不是。此项规定不适用于您的情形。"
        if status == "met" and verdicts[0].audience == "buyer":  # a duty that binds this buyer: not a permission
            return "Yes, this requirement applies to your case." if english else "是的。此项规定适用于您的情形。"
        if english:
            return {"met": "Yes.", "not_met": "No.", "needs_info": "More information is needed."}[status]
        return {"met": "可以。", "not_met": "不可以。", "needs_info": "需要补充信息后才能判断。"}[status]
    if english:
        return "Here is how each rule applies to your case."
    if statuses == {"met"}:
        return "以下各项均适用。"
    return "各项适用情况如下（✓ 满足，✗ 不满足，？ 待确认）。"


def _condition_line(label: str, status: str, given: Any, required: str, note: str, english: bool) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, bool):
            return ("yes" if value else "no") if english else ("是" if value else "否")
        return value

    shown = ("not given" if english else "未提供") if given is None else plain(given)
    if isinstance(shown, dict):
        shown = "，".join(f"{FACTS[k].label if k in FACTS else k}：{plain(v)}" for k, v in shown.items())
    line = f"  {_MARK[status]} {label}：{shown}（{'required' if english else '要求'}：{required}）"
    return line + (f"——{note}" if note else "")  # met ones too: e.g. the 第二百零三条 holiday note


def render_verdicts(verdicts: list[Verdict], english: bool) -> str:
    """The answer text for these verdicts: conclusion, per-rule lines, questions for missing facts, quotes."""
    lines = [("Conclusion: " if english else "结论：") + _conclusion(verdicts, english)]
    for v in verdicts:
        labels = "、".join(f"〔{c.label}〕" for c in v.citations)
        status = _STATUS_EN[v.status] if english else _STATUS_CN[v.status]
        lines.append(f"【{v.title}】{status}{labels}")
        if v.status == "met":
            lines.append(f"  {v.outcome}")
        for cond in v.conditions:
            lines.append(_condition_line(cond.label, cond.status, cond.given, cond.required, cond.note, english))
        for key, value in v.computed.items():
            if key.endswith("_period_end"):
                lead = "Period ends on" if english else "期限截止日"
                lines.append(f"  {lead}：{value}（{'as of' if english else '按'} {v.as_of}）")
        if v.compliance == "violates":
            lines.append("  ✗ " + ("Your plan does not meet this requirement." if english else "现有安排不符合该要求。"))
    missing = list(dict.fromkeys(f for v in verdicts if v.status == "needs_info" for f in v.missing_facts))
    if missing:
        lines.append("To decide, please tell me:" if english else "请补充以下信息：")
        lines += [f"  {i}. {FACTS[f].question}" for i, f in enumerate(missing, 1)]
    lines.append("Sources:" if english else "依据：")
    seen: set[tuple[str, str]] = set()
    for v in verdicts:
        for c in v.citations:
            if (c.clause_id, c.quote) not in seen:
                seen.add((c.clause_id, c.quote))
                lines.append(f"〔{c.label}〕“{c.quote}”（{c.doc_number}）")
    return "\n".join(lines)


def rule_sectors(rules: list[Rule]) -> set[str]:
    """Sector names the rules test for (e.g. the 三（二）5 list), for fact extraction."""
    found: set[str] = set()
    pending = [c for r in rules for c in (*r.spec.conditions, *r.spec.requires)]
    while pending:
        condition = pending.pop()
        found.update(condition.contains_any or [])
        pending.extend(condition.any_of or [])
    return found
