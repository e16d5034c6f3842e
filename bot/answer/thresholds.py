"""A figure the asker states about their own case, against the minimum a cited clause sets for it.

"我们去年营收2800万，研发占比1.8%，能申报吗？" is answered by the notice's own lines: 主营业务收入不低于
3000万元；山区26县企业不低于1000万元 and 研发费用占…比重不低于3%；山区26县企业不低于2%. A stated figure
below every minimum the clause gives → 不符合 (no); below the general minimum but not the 山区26县 one →
conditional on being in the 山区26县 (settled when the asker's region says so); at or above it settles
nothing (the clause's other conditions and the category's still decide). Only the first cited clause counts: its
neighbours may be alternatives (another category's conditions) rather than further conditions.
Nothing is inferred beyond the figures written there, and the lead quotes the clause's sentence verbatim.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.answer.conclusion import Concluded
from bot.answer.form import asked_sentence
from bot.answer.verdicts.stated_amounts import in_wan
from knowledge.kb.models import Citation
from knowledge.rules.facts import in_mountain_area


@dataclass(frozen=True)
class _Measure:
    fact: str
    minimum: re.Pattern[str]
    unit: str
    name: str
    english: str


_MEASURES = (
    _Measure("unit_price", re.compile(r"(?:单台（套）|单台|每台（套）|每台)?销售价格[^。；;]{0,6}?不低于\s*(\d+(?:\.\d+)?)\s*(亿|万)元"),
             "万元", "单台（套）销售价格", "unit price"),
    _Measure("main_business_revenue",
             re.compile(r"(?:主营业务收入|营业收入)[^。；;]{0,12}?不低于\s*(\d+(?:\.\d+)?)\s*(亿|万)元"), "万元",
             "主营业务收入", "main business revenue"),
    _Measure("rd_share", re.compile(r"研发[^。；;]{0,24}?不低于\s*(\d+(?:\.\d+)?)\s*()[%％]"), "%",
             "研发费用占比", "R&D share"),
    _Measure("sales_revenue", re.compile(r"(?<!主营业务)销售收入[^。；;]{0,12}?不低于\s*(\d+(?:\.\d+)?)\s*(亿|万)元"), "万元",
             "销售收入", "sales revenue"),
    _Measure("market_years", re.compile(r"投放市场满\s*(\d+)\s*()年|上市销售满\s*(\d+)\s*()年"), "年",
             "产品上市销售年限", "years on the market"),
    _Measure("invention_patents", re.compile(r"发明专利[^。；;]{0,6}?(?:不少于|不低于|至少)\s*(\d+)\s*()(?:项|件|个)"), "项",
             "有效发明专利", "invention patents"),
)
_COUNTED = frozenset({"%", "年", "项"})  # figures read as they are written, not as amounts of money
_MOUNTAIN = re.compile(r"^[；;]\s*山区\s*(?:26|二十六)\s*县[^。；;]{0,8}?不低于\s*(\d+(?:\.\d+)?)\s*(亿|万)?")

Standing = Literal["met", "mountain_only", "below"]


@dataclass(frozen=True)
class Finding:
    """One stated figure against one clause's minimum: where, what the clause says, how it stands."""

    citation: Citation
    sentence: str  # the clause's sentence (with its 山区26县 part), verbatim
    standing: Standing
    measure: _Measure
    value: float


def _number(match: re.Match[str], unit: str) -> float:
    figure = next(g for g in match.groups() if g)  # the first group that holds the figure
    return float(figure) if unit in _COUNTED else in_wan(match.group(1), match.group(2) or "万")


def _sentence(text: str, start: int) -> str:
    """The sentence of ``text`` around ``start`` (to its 。, taking the ；-parts in between)."""
    begin = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    end = text.find("。", start)
    return text[begin: end + 1 if end >= 0 else len(text)].strip()


#: The asked sentence naming the requirement's own figure ("当时是不是要求满3年？").
_ASKS_THE_RULE = re.compile(r"(要求|规定|门槛|标准|条件是|须|必须)[^，。？?；\d]{0,6}(?<!\d)\d{1,3}(?:\.\d+)?\s*(年|万|亿|%|％|项|件|个)"
                            r"|(require|minimum|threshold)[^,.?;\d]{0,16}(?<!\d)\d{1,3}(?:\.\d+)?\s*(years?|%|million)", re.IGNORECASE)

#: "一台设备卖了80万", "单价80万左右": the price of one unit, as the asker states it.
_UNIT_PRICE = re.compile(r"(?:单价|售价|一台|每台|单台)[^，。？?；\d]{0,8}?(\d+(?:\.\d+)?)\s*(万|亿)")


def stated_unit_price(question: str) -> float | None:
    """The price of one unit the question states, in 万元 (None when it states none)."""
    found = _UNIT_PRICE.search(question)
    return in_wan(found.group(1), found.group(2)) if found else None


def findings(citations: Sequence[Citation], stated: Mapping[str, Any]) -> list[Finding]:
    """Each stated figure (营收, 研发占比, 单价) against the minimum the first cited clause sets for it
    (and the other conditions of its list, when they must all be met: ``citations`` after the first
    are those)."""
    out = []
    mountain = in_mountain_area(stated)
    for citation in citations:
        for measure in _MEASURES:
            value = stated.get(measure.fact)
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            match = measure.minimum.search(citation.text)
            if match is None:
                continue
            alternative = _MOUNTAIN.search(citation.text[match.end():])
            general = _number(match, measure.unit)
            lowest = min(general, _number(alternative, measure.unit)) if alternative else general
            standing: Standing = "met" if value >= general else "below" if value < lowest else "mountain_only"
            if standing == "mountain_only" and mountain is not None:
                standing = "met" if mountain else "below"
            out.append(Finding(citation, _sentence(citation.text, match.start()), standing, measure, float(value)))
    return out


def _shown(finding: Finding) -> str:
    return f"{finding.value:g}{finding.measure.unit}"


Settled = tuple[Literal["no", "conditional"], str, Finding]


def stated_against_minimums(citations: Sequence[Citation], stated: Mapping[str, Any], english: bool,
                            question: str = "") -> Settled | None:
    """The conclusion the asker's stated figures (``stated``, and a unit price written in ``question``)
    settle against the minimums of ``citations`` — the first cited clause, then the other conditions of
    its list when all must hold (None: none apply):
    ``no`` when one is below every minimum, ``conditional`` when it reaches only the 山区26县 one; with
    the lead sentence and the finding it rests on (its citation and verbatim sentence lead the answer)."""
    if _ASKS_THE_RULE.search(asked_sentence(question)):
        return None  # "是不是要求满3年？" confirms the rule; it does not ask whether the asker meets it
    price = stated_unit_price(question)
    found = findings(citations, {**stated, "unit_price": price} if price is not None else stated)
    # A figure that is met settles nothing: the clause's other conditions and the category's still apply.
    for standing in ("below", "mountain_only"):
        finding = next((f for f in found if f.standing == standing), None)
        if finding is None:
            continue
        name = finding.measure.english if english else finding.measure.name
        said = f"“{finding.sentence}”"
        if standing == "below":
            return "no", (f"No: the requirement is {said}; you state a {name} of {_shown(finding)}." if english
                          else f"不符合。要求{said}，您所述的{name}为{_shown(finding)}。"), finding
        return "conditional", (
            f"Only if the enterprise is in the 26 mountain counties: the requirement is {said}; you state a "
            f"{name} of {_shown(finding)}." if english else
            f"仅当企业属山区26县时符合。要求{said}，您所述的{name}为{_shown(finding)}。"), finding
    return None


def settled_by_figures(concluded: Concluded, citations: list[Citation], settled: Settled
                       ) -> tuple[Concluded, list[Citation]]:
    """The answer's conclusion and citations once the asker's figures settle it: the clause whose
    minimum decides leads, its sentence quoted."""
    kind, lead, finding = settled
    rest = [c for c in citations if (c.doc_id, c.clause_id) != (finding.citation.doc_id, finding.citation.clause_id)]
    return dataclasses.replace(concluded, kind=kind, lead=lead, decisive=finding.sentence, support=()), \
        [finding.citation, *rest]
