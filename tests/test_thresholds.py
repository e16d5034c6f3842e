"""The asker's stated figures against the minimums a cited clause sets (made-up clause text)."""

from __future__ import annotations

import pytest

from bot.answer.thresholds import stated_against_minimums
from knowledge.kb.models import Citation

REVENUE = "企业2024年度主营业务收入不低于3000万元；山区26县企业不低于1000万元。"
RD = "企业研发费用占主营业务收入比重不低于5%，该比例不区分地区。"
MARKET = "申报产品投放市场满2年（即2023年4月30日前已实现销售），近两年累计销售收入不低于500万元。"
PATENTS = "先进制造类：产品主要技术指标达到国内领先及以上水平，企业拥有与申报产品相关的有效发明专利不少于2项。"


def _cite(text: str) -> Citation:
    return Citation(doc_id="notice", doc_title="申报通知（虚构，测试用）", doc_number="", clause_id="二(一)2",
                    label="二（一）2", quote=text, text=text)


@pytest.mark.parametrize(("text", "stated", "expected"), [
    (REVENUE, {"main_business_revenue": 800.0}, "no"),  # below both minimums
    (REVENUE, {"main_business_revenue": 1500.0}, "conditional"),  # only the 山区26县 minimum
    (REVENUE, {"main_business_revenue": 1500.0, "region": "丽水市"}, None),  # in the 山区: met, nothing settled
    (REVENUE, {"main_business_revenue": 1500.0, "region": "宁波市"}, "no"),  # not in the 山区
    (REVENUE, {"main_business_revenue": 3500.0}, None),  # met: the other conditions decide
    (RD, {"rd_share": 3.5}, "no"),
    (RD, {"main_business_revenue": 100.0}, None),  # no minimum for what was stated
    ("每家企业申报产品不超过2项。", {"main_business_revenue": 100.0}, None),
    (MARKET, {"market_years": 1}, "no"),  # years on the market
    (MARKET, {"sales_revenue": 300.0}, "no"),  # sales, not the enterprise's main revenue
    (MARKET, {"market_years": 3, "sales_revenue": 800.0}, None),
    (MARKET, {"main_business_revenue": 300.0}, None),  # 主营业务收入 is not what this line counts
    (PATENTS, {"invention_patents": 1}, "no"),
    (PATENTS, {"invention_patents": 2}, None),
])
def test_a_stated_figure_against_the_clauses_minimum(text: str, stated: dict[str, object], expected: str | None) -> None:
    settled = stated_against_minimums([_cite(text)], stated, english=False)
    assert (settled[0] if settled else None) == expected
    if settled:
        _kind, lead, finding = settled
        assert f"“{text}”" in lead and finding.sentence == text  # the requirement is quoted verbatim


def test_the_lead_says_the_figure_in_english() -> None:
    settled = stated_against_minimums([_cite(REVENUE)], {"main_business_revenue": 800.0}, english=True)
    assert settled is not None and settled[1].startswith("No: the requirement is “") and "800万元" in settled[1]


def test_every_condition_of_a_must_all_hold_list_counts_and_a_unit_price_is_read_from_the_question() -> None:
    first, price = _cite("已被认定为首台（套）装备，且在认定之日起3年有效期内；"), _cite("单台（套）销售价格不低于100万元；")
    settled = stated_against_minimums([first, price], {}, False, "一台设备卖了80万，能申请保费补贴吗？")
    assert settled is not None and settled[0] == "no" and settled[2].citation is price
    assert stated_against_minimums([first, price], {}, False, "一台设备卖了120万，能申请吗？") is None


@pytest.mark.parametrize(("question", "expected"), [
    ("我们的产品投放市场才1年，今年能报吗？", "no"),  # asks whether they meet it
    ("产品才上市一年，是不是要求满2年？", None),  # confirms the rule's own figure: not settled by the asker's
])
def test_a_question_about_the_rules_figure_is_not_settled_by_the_askers(question: str, expected: str | None) -> None:
    settled = stated_against_minimums([_cite(MARKET)], {"market_years": 1}, False, question)
    assert (settled[0] if settled else None) == expected
