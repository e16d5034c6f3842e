"""Answers over several documents: each answer names its document and year, the question's year or
programme picks the document, the newest notice of a series wins for "今年", and a retired document
only comes up when it is named. The notices here are made up (marked 虚构，测试用)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answer.clause_extras import conditions_with
from bot.answer.thresholds import stated_against_minimums
from bot.app import Services, build_services
from bot.settings import BotSettings
from ingest.policy.parser import parse_text
from knowledge.kb.models import Citation
from knowledge.text.lexicon import shared_lexicon

NOTICE = """关于组织开展{year}年度“浙江制造精品”申报工作的通知（虚构，测试用）
浙经信技术〔{year}〕9{n}号
各市经信局：
根据《关于“浙江制造精品”认定推广和应用的实施意见》（浙经信技术〔2013〕573号），现将有关事项通知如下：
一、申报条件
（一）申报企业应在浙江省内注册，主营业务收入不低于{revenue}万元。
（二）申报产品上市销售满{years}年。
二、时间安排
请于{year}年{month}月30日前将申报材料报送省经信厅。
浙江省经济和信息化厅
{year}年3月1日
"""
INSURANCE = """关于开展2024年度首台（套）装备保险补偿工作的通知（虚构，测试用）
浙经信装备〔2024〕977号
各市经信局：
根据《关于“浙江制造精品”认定推广和应用的实施意见》（浙经信技术〔2013〕573号），为推动首台（套）装备推广应用，现将首台（套）装备保险补偿有关事项通知如下：
一、补偿对象
（一）省内首台（套）装备的制造企业，为首台（套）装备投保首台（套）重大技术装备综合险的。
（二）申请保费补贴的装备须同时满足以下条件：
1. 已被认定为省内首台（套）装备，且在认定之日起3年有效期内；
2. 单台（套）销售价格不低于100万元。
二、补偿标准
（一）对投保首台（套）装备综合险的企业，按保费的80%给予保费补贴，单个首台（套）产品补贴不超过200万元。
（二）已获得首台（套）保费补贴的产品，不得再提出保费补贴申请。
三、不予补偿情形
有下列情形之一的，不予补偿：
1. 软件类产品和单纯的零部件；
2. 企业自用或在关联企业之间销售的装备。
浙江省经济和信息化厅
2024年5月1日
"""


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("multi") / "data", embedder="hash"))
    old = parse_text(NOTICE.format(year=2022, n=1, revenue=5000, years=2, month=6), source="2022.txt",
                     doc_id="notice-2022")
    new = parse_text(NOTICE.format(year=2025, n=2, revenue=2000, years=1, month=8), source="2025.txt",
                     doc_id="notice-2025")
    insurance = parse_text(INSURANCE, source="insurance.txt", doc_id="insurance-2024")
    services.staff.publish([old, new, insurance], actor="test")
    yield services


def _first_doc(services: Services, question: str) -> str:
    return services.assistant.ask(question).citations[0].doc_id


def test_an_answer_names_its_document_and_year(services: Services) -> None:
    answer = services.assistant.ask("2025年度精品申报对主营业务收入有什么要求？")
    assert answer.citations[0].doc_id == "notice-2025"
    assert "出处：浙经信技术〔2025〕92号" in answer.answer
    english = services.assistant.ask("What revenue does the 2025 notice require?")
    assert "Source: 浙经信技术〔2025〕92号" in english.answer


def test_the_year_asked_picks_the_notice_of_that_year(services: Services) -> None:
    assert _first_doc(services, "2022年度申报主营业务收入要多少？") == "notice-2022"
    assert _first_doc(services, "2025年度申报主营业务收入要多少？") == "notice-2025"


def test_this_year_prefers_the_newest_notice_and_says_its_year(services: Services) -> None:
    answer = services.assistant.ask("今年申报精品，主营业务收入要达到多少？")
    assert answer.citations[0].doc_id == "notice-2025"
    assert "最新的是2025年" in answer.answer  # the KB holds no notice of the current year
    assert _first_doc(services, "申报精品的产品要上市销售几年？") != "notice-2022"  # no year named: not the older one


def test_the_programme_named_picks_its_document(services: Services) -> None:
    answer = services.assistant.ask("首台套保险的保费补贴比例是多少？")
    assert answer.citations[0].doc_id == "insurance-2024"
    assert "80%" in answer.answer


def test_a_superseded_notice_comes_up_only_when_named(services: Services) -> None:
    staff = services.staff
    kb = services.assistant.kb()
    retired = dataclasses.replace(kb.documents["notice-2025"], status="superseded")
    assert retired.status == "superseded"
    staff.publish([parse_text(NOTICE.format(year=2025, n=2, revenue=2000, years=1, month=8), source="2025.txt",
                              doc_id="notice-2025")], actor="test", supersedes="notice-2022")
    assert _first_doc(services, "申报精品主营业务收入要多少？") == "notice-2025"
    named = services.assistant.ask("2022年度的通知对主营业务收入要求多少？")
    assert named.citations[0].doc_id == "notice-2022"
    assert "（已被替代）" in named.answer


def test_a_first_person_question_about_a_notice_is_answered_from_the_notice(services: Services) -> None:
    answer = services.assistant.ask("我们公司主营业务收入3000万元，今年能申报精品吗？")
    assert any(c.doc_id == "notice-2025" for c in answer.citations), [c.doc_id for c in answer.citations]


def test_a_programme_named_does_not_outrank_the_base_policys_own_clause_on_it(services: Services) -> None:
    # 573号 三（二）3 and 三（二）7 speak of 首台（套）; the insurance notice (which cites 573号) is about it.
    # A question the base policy's clause answers is answered from it, and says so.
    answer = services.assistant.ask("产品被认定为首台（套）以后，申请列入《目录》能不能优先推荐？")
    assert (answer.citations[0].doc_id, answer.citations[0].clause_id) == ("zjjx-2013-573", "三(二)3")
    assert "出处：浙经信技术〔2013〕573号" in answer.answer
    financing = services.assistant.ask("我们的首台（套）装备在《目录》里，生产企业投保的保费能优先得到补贴吗？")
    assert (financing.citations[0].doc_id, financing.citations[0].clause_id) == ("zjjx-2013-573", "三(二)7")
    assert _first_doc(services, "首台套保险的保费补贴比例是多少？") == "insurance-2024"  # the notice's own detail


def test_a_year_said_the_short_way_picks_the_notice_of_that_year(services: Services) -> None:
    answer = services.assistant.ask("22年那次申报，主营业务收入要求多少？")
    assert answer.citations[0].doc_id == "notice-2022"
    assert "5000万元" in answer.answer and "出处：浙经信技术〔2022〕91号" in answer.answer
    assert _first_doc(services, "25年申报主营业务收入要多少？") == "notice-2025"


ALONE_QUESTIONS = ("目录产品有没有退出机制？", "政府采购是不是必须买目录里的产品？", "参加展会的展位费有补助吗？",
                   "“技术先进、设计新颖、质量可靠、效益优良”是对什么的要求？", "动态考评由谁负责？")


def test_adding_notices_keeps_the_policys_own_clauses_in_their_order(services: Services, tmp_path: Path) -> None:
    # A notice changes the KB-wide word statistics; 573号's own clauses still rank as they did alone.
    alone = build_services(BotSettings(data_dir=tmp_path / "alone", embedder="hash"))

    def policy_order(s: Services, question: str) -> list[str]:
        hits = s.assistant.versions.current().retriever.retrieve(question, k=12).clauses
        return [h.clause.clause_id for h in hits if h.clause.doc_id == "zjjx-2013-573"][:3]

    for question in ALONE_QUESTIONS:
        assert policy_order(services, question) == policy_order(alone, question), question


def test_a_deadline_question_is_answered_by_the_notices_date_not_its_title_lines(services: Services) -> None:
    # The title, 文号 and preamble share the most words with the question; the date is in 二、时间安排.
    answer = services.assistant.ask("2022年度精品申报是几号截止的？")
    assert answer.citations[0].doc_id == "notice-2022", [c.doc_id for c in answer.citations]
    assert "2022年6月30日前" in answer.citations[0].quote
    assert answer.conclusion == "informational"


def test_this_year_said_of_a_purchase_does_not_send_a_buyer_to_the_newest_notice(services: Services) -> None:
    # "今年" picks the newest notice of a series among its years; it does not point away from 573号.
    question = "我们单位今年要采购一批办公设备，政府采购是不是必须买目录里的产品？"
    prior = services.assistant.versions.current().retriever.prior.bonus(question)
    assert prior["zjjx-2013-573"] > 0 and prior["notice-2025"] > prior["notice-2022"], prior
    answer = services.assistant.ask(question)
    assert answer.citations[0].doc_id == "zjjx-2013-573", [c.doc_id for c in answer.citations]
    assert answer.conclusion == "no"


def test_a_revenue_below_the_notices_minimum_is_answered_no_with_the_requirement_quoted(services: Services) -> None:
    answer = services.assistant.ask("我们公司去年营收1500万，今年能申报浙江制造精品吗？")
    assert answer.conclusion == "no", answer.answer
    assert answer.citations[0].doc_id == "notice-2025" and "不低于2000万元" in answer.lead


def test_an_english_question_naming_a_programme_picks_its_document(services: Services) -> None:
    # The programme is named in English (first-of-a-kind equipment, insurance): the glossary's terms count.
    assert _first_doc(services, "What share of the insurance premium is subsidised for first-of-a-kind equipment?") \
        == "insurance-2024"


def test_this_year_chooses_among_a_series_years_not_between_programmes(services: Services) -> None:
    # The insurance notice is the only one of its kind: "今年" does not pick it over the others.
    prior = services.assistant.versions.current().retriever.prior.bonus("今年申报要准备哪些材料？")
    assert prior.get("insurance-2024", 0.0) <= 0 < prior["notice-2025"], prior
    # A programme named says which series "今年" is about: not the yearly 申报 notices.
    named = services.assistant.versions.current().retriever.prior.bonus("今年首台（套）装备保险补偿按什么标准补？")
    assert named["insurance-2024"] > named.get("notice-2025", 0.0), named
    assert _first_doc(services, "今年首台（套）装备保险补偿按什么标准补？") == "insurance-2024"


@pytest.mark.parametrize("question", ["我们是做工业软件的，产品被认定为首台（套）了，能申请保险补偿吗？",
                                      "我们把首台（套）装备卖给了自己的控股子公司，还能申请保费补贴吗？",
                                      "Can software products get the first-of-a-kind equipment insurance subsidy?"])
def test_a_case_the_notice_excludes_answers_a_may_question_with_no(services: Services, question: str) -> None:
    # The general eligibility clause shares the most words; the exclusion list names the asker's case.
    answer = services.assistant.ask(question)
    assert answer.conclusion == "no", answer.answer
    assert answer.citations[0].doc_id == "insurance-2024" and answer.citations[0].clause_id.startswith("三")



def test_the_conditions_that_must_all_hold_are_checked_together(services: Services) -> None:
    # 一（二）1 is cited; 一（二）2 of the same 须同时满足以下条件 list is checked against the stated price.
    kb = services.assistant.kb()
    clause = kb.clause("insurance-2024", "一(二)1")
    first = Citation(doc_id=clause.doc_id, doc_title="", doc_number="", clause_id=clause.clause_id, label=clause.label,
                     quote=clause.text, text=clause.text)
    listed = conditions_with(kb, first)
    assert [c.clause_id for c in listed] == ["一(二)1", "一(二)2"]
    settled = stated_against_minimums(listed, {}, False, "认定才一年，单价80万，能申请保费补贴吗？")
    assert settled is not None and settled[0] == "no" and "不低于100万元" in settled[1]
    assert conditions_with(kb, dataclasses.replace(first, clause_id="二(一)")) [1:] == []  # not a must-all list


BASIC = """关于组织开展2026年度“优质产品”申报工作的通知（虚构，测试用）
浙经信技术〔2026〕999号
各市经信局：
现将有关事项通知如下：
一、申报条件
（一）基本条件
1. 企业2025年度研发费用占主营业务收入比重不低于3%。
2. 企业2025年度主营业务收入不低于3000万元；山区26县企业不低于1000万元。
（二）分类条件
1. 先进制造类：企业拥有有效发明专利不少于1项。
2. 特色类：企业拥有有效发明专利不少于2项。
浙江省经济和信息化厅
2026年3月1日
"""


def test_every_item_under_a_basic_conditions_heading_is_checked(tmp_path: Path) -> None:
    # 基本条件: every applicant meets each item; 分类条件: one category's, so its siblings are not checked.
    services = build_services(BotSettings(data_dir=tmp_path / "data", embedder="hash"))
    services.staff.publish([parse_text(BASIC, source="basic.txt", doc_id="basic-2026")], actor="test")
    kb = services.assistant.kb()

    def cite(clause_id: str) -> Citation:
        clause = kb.clause("basic-2026", clause_id)
        return Citation(doc_id=clause.doc_id, doc_title="", doc_number="", clause_id=clause.clause_id,
                        label=clause.label, quote=clause.text, text=clause.text)

    listed = conditions_with(kb, cite("一(一)1"))
    assert [c.clause_id for c in listed] == ["一(一)1", "一(一)2"]
    settled = stated_against_minimums(listed, {"main_business_revenue": 2600.0, "rd_share": 3.5,
                                                "region": "宁波市"}, False)
    assert settled is not None and settled[0] == "no" and "不低于3000万元" in settled[1]
    assert [c.clause_id for c in conditions_with(kb, cite("一(二)1"))] == ["一(二)1"]


def test_a_year_the_askers_own_figure_is_of_names_no_document(services: Services) -> None:
    # "24年主营业务收入…" is the asker's revenue of 2024, not the 2024 insurance notice.
    prior = services.assistant.versions.current().retriever.prior.bonus("我们24年主营业务收入1500万，今年能申报精品吗？")
    assert prior.get("insurance-2024", 0.0) <= 0 < prior["notice-2025"], prior
    assert _first_doc(services, "22年那次申报，主营业务收入要求多少？") == "notice-2022"  # a year that names one


def test_users_words_for_the_review_and_the_exit_are_read_as_the_policys() -> None:
    lexicon = shared_lexicon()
    assert "退出机制" in lexicon.canonicalize("表现不好会不会被清退") and "考评" in lexicon.canonicalize("还会有考核吗")
