"""The conclusion of a clause answer, table-driven: question form × the force of the answering sentence
× whom it binds, against the real clauses of 573号 (no embedding model: the clause is given)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer.conclusion import conclude
from bot.answer.conditions import shared_words, stated_in
from bot.answer.form import question_parts, read_form
from bot.answer.leading import force_first
from bot.app import Services
from ingest.policy.parser import parse_text
from knowledge.kb.models import Citation
from knowledge.text.lexicon import shared_lexicon
from knowledge.text.modality import forces
from knowledge.text.spelling import near_miss

POLICY = Path(__file__).parents[1] / "knowledge" / "data" / "policies" / "zjjx-2013-573.txt"
NO_EXCLUSION = "不得将其排斥在招标采购项目之外"
NO_EXCLUSION_SENTENCE = "对列入《目录》的产品，政府采购单位和国有投资为主的项目建设单位不得将其排斥在招标采购项目之外；"
CLAUSES = {c.clause_id: c.text for c in parse_text(POLICY.read_text(encoding="utf-8")).clauses}
SEATS = "联席会议办公室设在省经信委。"


def _conclude(question: str, clause_id: str, quote: str | None = None) -> tuple[str, str, str]:
    lexicon = shared_lexicon()
    text = CLAUSES[clause_id]
    words = lexicon.words(lexicon.query_text(question))
    done = conclude(read_form(question), question, quote or text, text, words, lexicon.words,
                    lexicon.is_english(question))
    return done.kind, done.lead, done.decisive


@pytest.mark.parametrize(("question", "clause", "kind", "lead"), [
    # obligation × preference / prohibition of exclusion → not required
    ("我们单位采购，是不是一定要选目录里的？", "三(二)2", "no", "不是必须"),
    ("Are we required to purchase listed products?", "三(二)2", "no", "not required"),
    # obligation × a duty on a condition → the condition itself, quoted
    ("招标人必须允许目录产品参加投标吗？", "三(二)2", "conditional", "产品核心技术高于国内领先水平，并具有明晰自主知识产权"),
    # obligation × an exception the asker is in → no
    ("如果《目录》中没有这类产品，推荐三个以上品牌时还必须放一个目录产品吗？", "三(二)6", "no", "例外"),
    # may they exclude? × 不得 → no; the question stating the ban is confirmed
    ("标书里可以注明不让目录产品参加吗？", "三(二)2", "no", "不可以"),
    ("Can a state-funded project owner exclude catalogue products from its tender?", "三(二)2", "no", "No."),
    ("政府采购单位是不是不允许把目录产品排斥在招标之外？", "三(二)2", "yes", "是的"),
    ("我们是区里的政府采购单位，招标的时候能不能把目录里的产品直接排除在外？", "三(二)2", "no", "不可以"),
    # a duty on public money, asked for a private project → not for you, scope quoted
    ("私营公司用自有资金建仓库，也要优先选目录产品吗？", "三(二)2", "no", "国有企业投资的项目"),
    # existence × provision: conditional unless the question states the condition
    ("展位费有资助吗？", "三(二)4", "conditional", "企业参加由省级政府层面主办或组织的品牌展会和推广活动"),
    ("参加省级政府主办的品牌展会，展位费有资助吗？", "三(二)4", "yes", "有。"),
    # value questions: the value when the text gives one, else not specified
    ("展位费资助的比例是多少？", "三(二)4", "not_specified", "未作具体规定"),
    ("How much is the fiscal reward?", "三(二)3", "not_specified", "does not specify"),
    ("视同业绩的有效期是几年？", "三(二)2", "informational", "根据文件规定"),
    ("联席会议办公室设在哪个部门？", "三(一)", "informational", "根据文件规定"),
    ("申报需要走什么流程？", "三(二)1", "not_specified", "未作具体规定"),
    # confirm questions: a premise the text states differently, a claim of "forever"
    ("文件目标是到2015年规上工业新产品产值年均增长20%，对吧？", "一(二)", "no", "不是"),
    ("联席会议办公室是不是设在省财政厅？", "三(一)", "no", "不是"),
    ("列入以后是永久的吗？", "三(二)1", "no", "不是"),
    # the asker says more time has passed than the period the text sets (二年内)
    ("Our product was recognized three years ago. Is the deemed track record valid for three years?", "三(二)2",
     "no", "period the policy sets has passed"),
    ("视同业绩的有效期是不是3年？", "三(二)2", "no", "不是"),
    # terms the asker says are not equal: the preference does not reach them
    ("我们是目录产品，报价比别家高一些，政府采购时也能优先让我们中标吗？", "三(二)2", "no", "不能。文件规定的优先仅限同等条件下"),
    # money asked of a sentence that only encourages: no money is provided
    ("电商平台有补贴吗", "三(二)4", "not_specified", "文件未作具体规定"),
    # a condition with a count (三个以上) is not met by a question that gives none
    ("单位推荐品牌的时候，必须把目录产品放进去吗？", "三(二)6", "conditional", "如允许单位推荐三个以上品牌的"),
    # "要求…吗？ / 受约束吗？" ask a duty; an encouragement or a scope that leaves the asker out is no duty
    ("作为普通消费者，政策要求我买浙江制造精品吗？", "三(三)", "no", "不是必须"),
    ("民企自建项目受约束吗", "三(二)2", "no", "只针对"),
    # a public buyer asking whether to give priority: yes, that is the duty (同等条件下 is what priority means)
    ("我们是国有企业投资的项目，需要优先采购目录产品吗？", "三(二)2", "yes", "是的"),
])
def test_conclusion_for_each_form(question: str, clause: str, kind: str, lead: str) -> None:
    got_kind, got_lead, decisive = _conclude(question, clause)
    assert (got_kind, lead in got_lead) == (kind, True), got_lead
    assert decisive in CLAUSES[clause]  # the sentence it rests on is verbatim


def test_the_decisive_sentence_is_the_one_with_the_force_asked_about() -> None:
    # The quote retrieval chose is the track-record sentence; "may they keep it out?" rests on 不得排斥.
    track_record = CLAUSES["三(二)2"].split("。")[-2] + "。"
    _, _, decisive = _conclude("招标文件里能写明不接受目录产品投标吗？", "三(二)2", quote=track_record)
    assert "不得将其排斥在招标采购项目之外" in decisive


def test_the_seat_of_the_office_is_found_in_its_own_sentence() -> None:
    assert SEATS in CLAUSES["三(一)"]
    _, _, decisive = _conclude("联席会议办公室是不是设在省财政厅？", "三(一)")
    assert decisive == SEATS


@pytest.mark.parametrize(("sentence", "expected"), [
    ("政府采购单位和国有投资为主的项目建设单位不得将其排斥在招标采购项目之外；", {"prohibition", "public_scope"}),
    ("同等条件下优先采购《目录》产品。", {"preference", "condition"}),
    # 政府采购竞争 names the competition, not whose projects are bound: no scope
    ("招标人须允许其参加工程的投标和政府采购竞争。", {"duty"}),
    ("鼓励企业应用第三方电子商务平台发布信息、开拓市场。", {"encouragement"}),
    ("对列入《目录》的装备制造业首台（套）产品生产企业的保费优先给予补贴。", {"preference", "provision"}),
])
def test_modality_is_read_from_the_wording(sentence: str, expected: set[str]) -> None:
    assert expected <= forces(sentence)


@pytest.mark.parametrize(("question", "kind", "project"), [
    ("我们的产品是伺服电机，已经进了目录。能不能参加政府采购投标？", "permission", "public"),
    ("区属国企的项目，同等条件下要不要优先采购目录产品？", "obligation", "public"),
    ("民营企业自筹资金的项目必须买目录产品吗？", "obligation", "private"),
    ("财政奖励能拿吗？具体多少钱？", "quantity", None),
    ("What must a buyer do when it lets bidders recommend brands?", "obligation", None),
    ("When does the deemed track record expire?", "time", None),
    ("Is the deemed track record valid for three years?", "confirm", None),  # states the value it asks about
    ("有效期是不是3年？", "confirm", None),
    ("Who compiles the catalogue?", "actor", None),
    ("这个实施意见是哪几个单位联合发的？", "actor", None),  # 哪几个 names bodies, not a number
    ("推荐三个品牌时还要放一个目录产品吗？", "obligation", None),  # 还要…吗 asks whether it is required
])
def test_the_form_is_read_from_the_whole_question(question: str, kind: str, project: str | None) -> None:
    form = read_form(question)
    assert (form.kind, form.project) == (kind, project)


@pytest.mark.parametrize(("question", "kind"), [
    ("我们内部在讨论要不要把它拿掉，想确认一下：文件里有没有这方面的依据？", "existence"),  # the last clause asks
    ("允许推荐的品牌数达到几个时，才必须包含目录产品？", "quantity"),  # a value asked anywhere wins
    ("Does the policy oblige government buyers to give priority to listed products?", "obligation"),
    ("民企自建项目受约束吗", "obligation"),
    ("我们县经信局在推广这块需要干些什么？", "open"),  # the 么 of 什么 is no 吗
    ("需要交钱吗？", "obligation"),
])
def test_the_clause_that_asks_decides_the_form(question: str, kind: str) -> None:
    assert read_form(question).kind == kind


@pytest.mark.parametrize("question", ["Can a listed product be kept out of a state-funded tender?",
                                      "May the buyer exclude catalogue products?", "能不能把目录产品拒之门外？"])
def test_asking_to_keep_a_product_out_is_read_as_such(question: str) -> None:
    assert read_form(question).excluding


def test_an_exclusion_told_of_is_not_an_exclusion_asked_about() -> None:
    # the asker tells of a buyer keeping them out, and asks whether they may take part: not "may we exclude?"
    assert not read_form("招标人说没业绩不让投，我们的目录产品能不能参加投标？").excluding
    assert read_form("标书里可以注明不让目录产品参加吗？").excluding




def test_a_multi_part_question_is_split_into_its_parts() -> None:
    parts = question_parts("目录谁负责编？是怎么公布的？已经入选的产品会不会被退出？")
    assert len(parts) == 3 and parts[-1].startswith("已经入选")
    assert question_parts("参加展会有补贴吗？") == ["参加展会有补贴吗？"]


# -- what a user reads first, through the real assistant ------------------------------------------------

@pytest.mark.parametrize(("question", "lead", "clause", "quoted"), [
    # near-miss spellings (拒决, 采够, 排出) still ask "may they keep it out?" → 不可以 on the 不得 sentence
    ("我是县里的采购单位，能不能拒决目录产品参加投标？", "不可以。", "三(二)2", NO_EXCLUSION),
    ("能不能不让列入目彔的产品参与政府采够？", "不可以。", "三(二)2", NO_EXCLUSION),
    ("我们是省属事业单位，用财政资金采购，目录产品能被排出在外吗？", "不可以。", "三(二)2", NO_EXCLUSION),
    # 必需 (a real word beside 必须) asks an obligation: never "是的"
    ("作为采购人，我们必需买目录里的产品吗？", "不是必须", None, None),
    # a private project may leave the public-money duty aside: the scope is quoted
    ("我们公司是民营的，项目全是自筹资金，招标时可以不考虑目录产品吗？", "可以。本文件的这项要求只针对", None, "国有投资"),
    # a product the asker says was taken off the catalogue
    ("我们的产品被从目录里撤下来了，还能享受视同业绩吗？", "不能。", "三(二)2", None),
    # the finance departments' support is not a duty of public buyers: a private 技改 project gets it
    ("私营企业的技改项目买了目录里的设备，能得到财政支持吗？", "可以，但仅限同等条件下", "三(二)3", "各级财政部门优先支持"),
    ("Is a listing in the catalogue valid forever once we get in?", "No", "三(二)1", None),
    # "有没有退出机制？" rests on the sentence that sets it up, not on the clause's first sentence
    ("目录产品有没有退出机制？", "有。", "三(二)1", "建立退出机制"),
    # a yes must rest on a sentence about what was asked: the programme's name alone (精品) is not enough
    ("我们公司去年这个产品卖了600来万，还能报精品吗？", "", None, None),
    # whether a standing lasts is a rule question, not a catalog lookup ("一直挂在目录里")
    ("精品是不是评上就终身有效，一直挂在目录里？", "不是", "三(二)1", None),
    # plural English words are read as the glossary's singular ones (fairs, fees)
    ("Will the province pay our booth fees at trade fairs?", "Yes, on this condition", "三(二)4", None),
])
def test_the_first_line_answers_the_question_asked(services: Services, question: str, lead: str,
                                                   clause: str | None, quoted: str | None) -> None:
    answer = services.assistant.ask(question)
    assert answer.answer.startswith(lead), answer.answer.splitlines()[0]
    assert lead or answer.conclusion not in ("yes", "conditional"), answer.answer.splitlines()[0]
    first = answer.citations[0]
    assert clause is None or first.clause_id == clause
    assert quoted is None or quoted in first.quote
    assert first.quote in first.text  # verbatim


def test_a_ban_stated_inside_the_question_is_no_permission(services: Services) -> None:
    # 不得投标 inside the question is what the buyer wants to write, not the listed product taking part.
    answer = services.assistant.ask("招标文件能写“非目录产品不得投标”吗？")
    assert answer.conclusion not in ("yes", "conditional")
    assert not answer.answer.startswith("可以")


def test_may_against_a_ban_is_never_yes() -> None:
    # "may they …?" answered by a 不得 sentence is not 可以 unless it asks about taking part.
    kind, lead, _ = _conclude("招标时能不能对目录产品另设门槛？", "三(二)2", quote=NO_EXCLUSION_SENTENCE)
    assert kind not in ("yes", "conditional") and not lead.startswith("可以")
    # "may we leave it aside?" reverses the answer: a public project is never told 可以 by a binding clause.
    kind, lead, _ = _conclude("国企项目可以不考虑目录产品吗？", "三(二)2")
    assert kind not in ("yes", "conditional") and not lead.startswith("可以")
    kind, lead, _ = _conclude("国企项目可以不考虑目录产品吗？", "三(二)2", quote=NO_EXCLUSION_SENTENCE)
    assert kind == "no" and lead == "不可以。"


@pytest.mark.parametrize(("typed", "read"), [
    ("区里的采够单位可以拍斥目录产品吗？", "区里的采购单位可以排斥目录产品吗？"),
    ("浙江制照精品怎么申报", "浙江制造精品怎么申报"),
    ("首台套保线有补贴吗", "首台套保险有补贴吗"),
    ("信货支持有吗", "信贷支持有吗"),
    ("我们是民盈企业", "我们是民营企业"),
    # well-formed text is read as written: words of their own, everyday pairs, a wider window
    ("政府采购单位能不能排斥目录产品？", "政府采购单位能不能排斥目录产品？"),
    ("有一部分设备是用社会捐赠的钱买的", "有一部分设备是用社会捐赠的钱买的"),
    ("展位费能补助多少？", "展位费能补助多少？"),
    ("能不能以业绩不足为由不让它投标？", "能不能以业绩不足为由不让它投标？"),
    ("Can a buyer exclude catalogue products?", "Can a buyer exclude catalogue products?"),
])
def test_near_miss_spellings_are_read_as_the_terms(typed: str, read: str) -> None:
    assert shared_lexicon().respell(typed, POLICY.read_text(encoding="utf-8")) == read


def test_a_term_the_knowledge_base_writes_so_is_not_a_slip() -> None:
    # 字/质 sound alike, so 品字 reads as 品质 — unless a document in the KB says 品字标 (made-up text).
    question = "品字标的支持资金是谁给的？"
    assert shared_lexicon().respell(question, "提升产品品质。") == "品质标的支持资金是谁给的？"
    assert shared_lexicon().respell(question, "提升产品品质。获得“品字标浙江制造”认证的给予支持。") == question


def test_near_misses_sound_or_look_alike() -> None:
    assert near_miss("够", "购") and near_miss("拍", "排") and near_miss("货", "贷") and near_miss("照", "造")
    assert not near_miss("能", "得") and not near_miss("购", "购")


@pytest.mark.parametrize(("question", "sentence", "kind"), [
    # a figure of the asked kind is stated → the text answers; a vaguer wording is not that figure
    ("保费补贴按多少比例补？", "保费补贴比例为企业实际缴纳保费的80%。", "informational"),
    ("保费交了60万，能补多少钱？", "保费补贴比例为企业实际缴纳保费的80%。", "informational"),  # a share of a sum
    ("一个产品能奖多少钱？", "到2015年，规模以上工业新产品产值年均增长15%。", "not_specified"),  # a share not paid out
    ("保费补贴按多少比例补？", "给予一定比例的保费补贴。", "not_specified"),
    ("一个产品最多能奖多少钱？", "每个产品给予不超过50万元的一次性奖励。", "informational"),
    ("一个产品最多能奖多少钱？", "对列入《目录》的产品给予一定财政资金奖励。", "not_specified"),
    ("拟认定名单公示几天？", "拟认定名单在省经信厅网站公示5个工作日。", "informational"),
    ("银企对接活动多久搞一次？", "定期开展银企对接活动。", "not_specified"),
    ("两年视同业绩是从哪天开始算的？", "自认定之日起二年内视同已具备相应工程或销售业绩。", "informational"),
    ("百千万工程从哪年开始？", "从2013年起，组织实施“百千万”工程。", "informational"),
    ("联席会议办公室的电话是多少？", "联席会议办公室设在省经信委。", "not_specified"),
    ("What is the phone number of the joint conference office?", "联席会议办公室设在省经信委。", "not_specified"),
    ("财政奖励有没有具体金额？", "对列入《目录》的产品给予一定财政资金奖励。", "not_specified"),
    ("展位费资助是按什么比例给的？", "按相关管理办法给予一定比例的展位费资助。", "not_specified"),
    ("这个政策有效期到哪年？", "到2015年，规模以上工业新产品产值年均增长15%。", "not_specified"),
    # a ban on a case the asker says they are in ("已获得补贴的，不得再提出…") answers "may we?" with no
    ("我们去年已经拿过一次省里的保费补贴了，今年还能再申请吗？",
     "同一首台（套）装备产品只能享受一次省级保费补贴，已获得补贴的，不得再提出保费补贴申请。", "no"),
    ("我们还没拿过保费补贴，能申请吗？",
     "同一首台（套）装备产品只能享受一次省级保费补贴，已获得补贴的，不得再提出保费补贴申请。", "informational"),
])
def test_a_value_question_is_answered_only_by_that_kind_of_value(question: str, sentence: str, kind: str) -> None:
    lexicon = shared_lexicon()
    words = lexicon.words(lexicon.query_text(question))
    done = conclude(read_form(question), question, sentence, sentence, words, lexicon.words, False)
    assert done.kind == kind, done.lead


def test_a_list_item_carries_the_force_of_its_lead_in() -> None:
    """"有下列情形之一的，不予补偿：1. 软件类产品…": a software maker asking whether it may apply gets 不可以."""
    lexicon = shared_lexicon()
    question = "我们是做工业软件的，产品被认定为首台套了，能申请保险补偿吗？"
    item = "软件类产品和单纯的零部件；"
    words = lexicon.words(lexicon.query_text(question))
    done = conclude(read_form(question), question, item, item, words, lexicon.words, False,
                    lead_in="有下列情形之一的，不予补偿：")
    assert (done.kind, done.decisive) == ("no", item)
    unrelated = "我们是做数控机床的，产品被认定为首台套了，能申请保险补偿吗？"  # not the case the item names
    words = lexicon.words(lexicon.query_text(unrelated))
    assert conclude(read_form(unrelated), unrelated, item, item, words, lexicon.words, False,
                    lead_in="有下列情形之一的，不予补偿：").kind != "no"


def test_the_clause_stating_the_asked_figure_leads() -> None:
    """"公示几天？": a further retrieved clause of the same document that states the days comes first;
    one about something else, with a figure of the same kind, does not."""
    def cite(clause_id: str, text: str, doc_id: str = "notice") -> Citation:
        return Citation(doc_id=doc_id, doc_title="通知（虚构，测试用）", doc_number="", clause_id=clause_id, label=clause_id,
                        quote=text, text=text)

    lexicon = shared_lexicon()
    question = "拟认定名单要公示几天？"
    words = lexicon.words(lexicon.query_text(question))
    first = cite("三", "评审结果经省经信厅审定后确定拟认定名单。")
    days = cite("四", "拟认定名单在省经信厅网站公示5个工作日。")
    other = cite("五", "企业应在15个工作日内补正材料。")
    shared = lambda text: shared_words(lexicon.canonicalize(text), words)  # noqa: E731
    assert force_first(read_form(question), question, [first], lambda _: [other, days], shared)[0] is days
    assert force_first(read_form(question), question, [first], lambda _: [other], shared)[0] is first


def _cite(clause_id: str, text: str, doc_id: str = "zjjx-2013-573") -> Citation:
    return Citation(doc_id=doc_id, doc_title="实施意见", doc_number="", clause_id=clause_id, label=clause_id,
                    quote=text, text=text)


@pytest.mark.parametrize(("question", "leads"), [
    # the listing itself: what ends it (退出机制) answers, not the two years one benefit lasts
    ("列入以后是永久的吗？", "三(二)1"),
    ("Is the listing permanent?", "三(二)1"),
    # the benefit the question names: its own period answers
    ("视同业绩是永久有效的吗？", "三(二)2"),
])
def test_whether_a_standing_lasts_rests_on_what_limits_the_thing_asked(question: str, leads: str) -> None:
    lexicon = shared_lexicon()
    words = lexicon.words(lexicon.query_text(question))
    shared = lambda text: shared_words(lexicon.canonicalize(text), words)  # noqa: E731
    cited = [_cite("三(二)2", CLAUSES["三(二)2"]), _cite("三(二)3", CLAUSES["三(二)3"])]
    first = force_first(read_form(question), question, cited, lambda _: [_cite("三(二)1", CLAUSES["三(二)1"])], shared)[0]
    kind, lead, _ = _conclude(question, first.clause_id)
    assert (first.clause_id, kind) == (leads, "no")
    assert ("退出机制" if leads == "三(二)1" else "二年内") in lead  # the limit itself, quoted in the first line


def test_a_claim_of_automatic_listing_is_not_confirmed_by_a_text_that_does_not_say_so() -> None:
    # A made-up notice sentence on listed 首台（套） equipment says nothing of being listed automatically.
    question = "我们的产品已经认定为首台（套）了，是不是自动就进浙江制造精品目录了？"
    lexicon = shared_lexicon()
    sentence = "列入“浙江制造精品”《目录》的首台（套）装备，在年度补偿资金不足时优先给予补贴。"
    done = conclude(read_form(question), question, sentence, sentence, lexicon.words(lexicon.query_text(question)),
                    lexicon.words, False)
    assert (done.kind, done.lead.startswith("不是")) == ("no", True)


@pytest.mark.parametrize(("question", "leads", "kind"), [
    # the asker describes the case 三（二）5 is written for (below the tender threshold): its 鼓励 decides
    ("区里一个小额政府采购，金额在招标金额标准以下，是不是必须选目录产品？", "三(二)5", "no"),
    # a question that names only whose project it is (国有投资为主) does not describe that case
    ("国有投资为主的项目写招标技术参数，是不是得照着目录厂家的标准来写？", "三(二)6", "conditional"),
])
def test_the_clause_written_for_the_askers_case_leads(question: str, leads: str, kind: str) -> None:
    lexicon = shared_lexicon()
    words = lexicon.words(lexicon.query_text(question))
    cited = [_cite("三(二)6", CLAUSES["三(二)6"]), _cite("三(二)5", CLAUSES["三(二)5"])]
    first = force_first(read_form(question), question, cited, lambda _: [],
                        stated=lambda text: stated_in(text, question, words, lexicon.words))[0]
    assert (first.clause_id, _conclude(question, first.clause_id)[0]) == (leads, kind)


@pytest.mark.parametrize(("question", "sentence", "kind"), [
    # made-up notice sentences: a ban on the very act asked about answers "may we?" with 不可以
    ("同一个项目，可以新产品和新技术两边都报吗？", "同一项目不得同时以新产品和新技术两个类别申报。", "no"),
    # 不列入…范围 excludes the case the asker names (涉密 is 涉及国家秘密)
    ("我们有个涉密项目，能报优秀工业新产品吗？", "涉及国家秘密的项目、单纯的工艺改进项目以及外购技术直接生产的产品不列入本次评选范围。", "no"),
    # a ban on a case the asker says they are not in is no 不可以
    ("我们还没拿过保费补贴，能申请吗？", "已获得省级保费补贴的，不得再提出保费补贴申请。", "informational"),
])
def test_a_may_question_against_a_ban(question: str, sentence: str, kind: str) -> None:
    lexicon = shared_lexicon()
    words = lexicon.words(lexicon.query_text(question))
    assert conclude(read_form(question), question, sentence, sentence, words, lexicon.words, False).kind == kind


def test_a_requirement_the_text_waives_is_answered_no() -> None:
    # a made-up notice line: 新技术类 need not show sales
    text = "已实现产业化。新产品类项目2023年度销售收入不低于300万元；新技术类项目不作销售收入要求，但须已在2家以上企业推广应用。"
    question = "新技术类的项目有没有销售收入要求？"
    lexicon = shared_lexicon()
    done = conclude(read_form(question), question, text, text, lexicon.words(lexicon.query_text(question)),
                    lexicon.words, False)
    assert (done.kind, "新技术类项目不作销售收入要求" in done.lead) == ("no", True)


def test_a_minority_state_share_is_not_a_state_investment() -> None:
    kind, lead, _ = _conclude("我们这个项目国有资本只占三成，大头是民营资本，“不得排斥目录产品”这条管得到我们吗？", "三(二)2")
    assert (kind, "只针对" in lead) == ("no", True)


@pytest.mark.parametrize(("question", "clause", "kind"), [
    # the asker says their case is not the one the condition names → no, not "yes on the condition"
    ("我们自己报名去德国参加一个商业行业展，不是政府组织的，展位费能资助吗？", "三(二)4", "no"),
    # the exception, said in other words (那类东西 for 产品)
    ("要是目录里根本没有我们要采购的那类东西，推荐三个以上品牌时还得放目录产品吗？", "三(二)6", "no"),
    # "leave … out" asks to exclude
    ("can a government purchaser leave catalogue products out of a tender?", "三(二)2", "no"),
])
def test_what_the_asker_says_of_their_case_settles_the_condition(question: str, clause: str, kind: str) -> None:
    assert _conclude(question, clause)[0] == kind


# made-up notice sentences (in the style of real 品字标 and 首台（套） notices; not official text)
_RANKED = "企业主导制定并正式发布“浙江制造”标准的，每项给予一次性补助20万元；作为主要参与单位（起草单位排名前三）的，每项给予5万元。"
_WINDOW = "申请标准研制支持的，相关“浙江制造”标准须于2022年7月1日至2023年6月30日期间正式发布。"
_CAPPED = "保费补贴比例为企业实际缴纳保费的80%，保险费率按不超过3%计算，超出部分由企业自行承担。"
_ONCE = "同一首台（套）装备产品只能享受一次省级保费补贴，已获得补贴的，不得再提出保费补贴申请。"
_REFUND = "企业获得保费补贴后，不得在保险期限内擅自退保；确需退保的，须将已获得的补贴资金如数退回。"


@pytest.mark.parametrize(("question", "text", "kind", "decisive"), [
    # a place below the ranking the text admits → 不能, whichever sentence of the clause sets the rank
    ("起草单位里我们排第四，能拿那个5万的补助吗？", _RANKED, "no", "起草单位排名前三"),
    ("We were ranked fifth among the drafting units. Can we get the subsidy?", _RANKED, "no", "起草单位排名前三"),
    ("起草单位里我们排第二，能拿5万的补助吗？", _RANKED, "not no", ""),
    # a date of the same act outside the period the text sets → 不能; a date of something else is not compared
    ("我们的标准是22年5月正式发布的，能申请标准研制支持吗？", _WINDOW, "no", "2022年7月1日至2023年6月30日"),
    ("我们的标准是2023年4月发布的，能申请标准研制支持吗？", _WINDOW, "not no", ""),
    ("我们公司2010年5月成立，能申请标准研制支持吗？", _WINDOW, "not no", ""),
    # a figure above a cap: 不能 when the whole is asked for, else yes within the cap, quoted
    ("Our policy was priced at a 4% premium rate. Will the subsidy cover 80% of the whole premium?", _CAPPED, "no",
     "不超过3%"),
    ("我们的保险费率是4%，能申请保费补贴吗？", _CAPPED, "conditional", "不超过3%"),
    ("我们的保险费率是2.5%，能按80%补贴吗？", _CAPPED, "not no", ""),
    ("我们的项目能拿到80万的补助吗？", "对认定的项目给予补助，每项最高不超过50万元。", "no", "不超过50万元"),
    # a ban on what was already done (已获得补贴的) does not cover an asker who does not say they did it
    ("我们的保险费率是4%，能申请保费补贴吗？", _ONCE, "not no", ""),
    ("我们已经拿过一次保费补贴了，还能再申请吗？", _ONCE, "no", "已获得补贴的"),
    # a sentence for one sector (…的首台（套）装备) asked about by a maker of another (印染面料) → 不可以
    ("我们做印染面料的，首台套保费补贴能申请吗？", "列入《目录》的首台（套）装备，在年度补偿资金不足时优先给予补贴。", "no",
     "首台（套）装备"),
    ("我们做数控机床的，首台套保费补贴能申请吗？", "列入《目录》的首台（套）装备，在年度补偿资金不足时优先给予补贴。", "not no", ""),
    # must we …? answered by the duty written for the case the asker names (确需退保的，须…), not by the ban beside it
    ("拿到保费补贴后，客户想中途退保，补贴还得退吗？", _REFUND, "yes", "确需退保的"),
])
def test_what_the_asker_states_against_a_rank_a_period_or_a_case(question: str, text: str, kind: str,
                                                                 decisive: str) -> None:
    lexicon = shared_lexicon()
    done = conclude(read_form(question), question, text, text, lexicon.words(lexicon.query_text(question)),
                    lexicon.words, lexicon.is_english(question))
    if kind == "not no":
        assert done.kind != "no", done.lead
    else:
        assert (done.kind, decisive in done.decisive) == (kind, True), done.lead


@pytest.mark.parametrize(("question", "kind"), [
    # a duty only where citing one supplier's standard is necessary; the asker says it is not
    ("我们的招标需求用通用国家标准就能描述清楚，是不是也得引用目录厂家的标准？", "no"),
    ("国有投资项目招标时，是不是得引用目录厂家的技术标准？", "conditional"),
])
def test_a_necessity_the_asker_says_is_not_theirs(question: str, kind: str) -> None:
    assert _conclude(question, "三(二)6")[0] == kind


@pytest.mark.parametrize(("question", "universal"), [
    ("精品目录是一次全部公布，还是分几批公布？", False),  # asks which of two, claims neither
    ("目录是一次全部公布的吗？", True),
])
def test_a_choice_between_two_claims_neither(question: str, universal: bool) -> None:
    assert read_form(question).universal is universal


def test_a_claim_of_certainty_is_not_confirmed_by_a_preference() -> None:
    kind, lead, _ = _conclude("进了精品目录，是不是政府采购就肯定会买我家的？", "三(二)2")
    assert (kind, lead.startswith("不是")) == ("no", True)
