"""The policy parser: structure of the bundled document and of other numbering styles and formats."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import docx
import pytest
from sqlalchemy import create_engine

from ingest.errors import EmptyDocumentError, UnsupportedFormatError
from ingest.policy.builder import bundled_policy_files
from ingest.policy.metadata import series_of
from ingest.policy.parser import ParseResult, parse_text
from ingest.policy.passages import make_passages
from ingest.policy.readers import read_bytes, read_file
from ingest.staff import StaffOperations, parse_document
from knowledge.index.sparse import SparseIndex
from knowledge.kb.models import Passage
from knowledge.settings import Settings
from knowledge.text.lexicon import Lexicon

DATA = Path(__file__).parent / "data"

BUNDLED_IDS = [
    "title", "number", "addressees", "preamble",
    "一", "一(一)", "一(二)",
    "二", "二(一)", "二(二)", "二(二)1", "二(二)2", "二(二)3", "二(二)4",
    "三", "三(一)", "三(二)", "三(二)1", "三(二)2", "三(二)3", "三(二)4", "三(二)5", "三(二)6", "三(二)7", "三(三)",
    "attachment", "issuers",
]


def _bundled() -> str:
    return read_file(bundled_policy_files()[0])


def test_bundled_document_clause_ids_are_pinned() -> None:
    result = parse_text(_bundled(), doc_id="zjjx-2013-573")
    assert [c.clause_id for c in result.clauses] == BUNDLED_IDS
    assert result.warnings == []
    tops = [c for c in result.clauses if c.parent_id is None and c.kind != "special"]
    assert [c.clause_id for c in tops] == ["一", "二", "三"]
    assert len([c for c in result.clauses if c.parent_id == "三(二)"]) == 7


def test_bundled_document_metadata_and_special_parts() -> None:
    result = parse_text(_bundled(), doc_id="zjjx-2013-573")
    doc = result.document
    assert doc.doc_number == "浙经信技术〔2013〕573号"
    assert doc.title == "关于“浙江制造精品”认定推广和应用的实施意见"
    assert doc.issuers == ("浙江省经济和信息化委员会", "浙江省发展和改革委员会")
    by_id = {c.clause_id: c for c in result.clauses}
    assert by_id["attachment"].text == "附件：“浙江制造精品”认定方案(试行）"  # mixed brackets kept verbatim
    assert by_id["addressees"].text.startswith("各市、县（市、区）经信委（局）")
    assert by_id["三(二)2"].label == "三（二）2"
    assert by_id["三(二)2"].heading == "引导和鼓励使用“浙江制造精品”产品"
    assert "自认定之日起二年内视同已具备相应工程或销售业绩" in by_id["三(二)2"].text
    assert by_id["三(二)"].text == "加强政策支撑力度"  # a bare heading


def test_article_style_document() -> None:
    result = parse_text(read_file(DATA / "article_style.txt"))
    ids = [c.clause_id for c in result.clauses]
    assert ids == [
        "title", "number", "addressees", "preamble",
        "第一章", "第一条", "第二条", "第二章", "第三条", "第三条(一)", "第三条(二)", "第三条(三)",
        "第四条", "第四条第一款", "第四条第二款", "第三章", "第五条", "attachment", "issuers",
    ]
    by_id = {c.clause_id: c for c in result.clauses}
    assert by_id["第三条"].parent_id == "第二章"
    assert by_id["第三条(二)"].text == "技术水平达到国内领先；"
    assert by_id["第四条第二款"].text == "认定结果在省经信厅网站公示，公示期为七个工作日。"
    assert result.document.doc_number == "浙示例〔2024〕12号"
    assert result.document.issued_on == "2024-02-01"
    assert result.document.issuers == ("浙江省经济和信息化厅",)


def test_half_width_brackets_and_indentation() -> None:
    text = "关于测试的通知\n\n各单位：\n\n   一、总则\n  (一)适用范围\n本通知适用于全省。\n    1.范围一。具体内容。\n(二）职责\n由省厅负责。\n"
    ids = [c.clause_id for c in parse_text(text, doc_id="t").clauses]
    assert ids == ["title", "addressees", "一", "一(一)", "一(一)1", "一(二)"]


def test_gb18030_text_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(_bundled().encode("gb18030"))
    result = parse_text(read_file(path), doc_id="zjjx-2013-573")
    assert [c.clause_id for c in result.clauses] == BUNDLED_IDS


def test_docx_input(tmp_path: Path) -> None:
    document = docx.Document()
    for line in _bundled().splitlines():
        document.add_paragraph(line)
    path = tmp_path / "policy.docx"
    document.save(str(path))
    result = parse_text(read_file(path), doc_id="zjjx-2013-573")
    assert [c.clause_id for c in result.clauses] == BUNDLED_IDS


def test_markdown_and_html_input() -> None:
    md = "# 关于测试的通知\n\n各单位：\n\n## 一、总则\n\n**（一）范围**\n\n- 本通知适用于全省。\n"
    assert [c.clause_id for c in parse_text(read_bytes(md.encode(), "a.md"), doc_id="m").clauses] == [
        "title", "addressees", "一", "一(一)"]
    html = "<html><body><h1>关于测试的通知</h1><p>各单位：</p><p>一、总则</p><p>（一）范围</p><p>适用于全省。</p></body></html>"
    clauses = parse_text(read_bytes(html.encode("utf-8"), "a.html"), doc_id="h").clauses
    assert [c.clause_id for c in clauses] == ["title", "addressees", "一", "一(一)"]
    assert clauses[-1].text == "适用于全省。"


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(UnsupportedFormatError, match="不支持的文件类型"):
        read_bytes(b"x", "a.exe")
    with pytest.raises(EmptyDocumentError):
        parse_text("   \n\n")


# -- messy real-world input: flattened PDF text, web-page chrome, spaced-out and traditional text --------

MESSY = DATA / "messy"
#: sha256 of the bundled 573号's clauses (``Clause.to_dict`` list, sorted keys) as parsed before the messy-input
#: work; the document must read exactly as it did.
BUNDLED_CLAUSES_SHA256 = "910d5e4d580439774d30c32f2a0e940a95d4ec237ab667b5f96b2c71bfa27a76"
CHROME_WORDS = ("来源:", "来源：", "阅读", "发布时间", "发布部门", "浏览次数", "字号", "打印", "关闭", "分享到", "當前位置",
                "当前位置", "文号:", "文号：", "成文日期", "索引号")
SERIES_2022_2025 = "关于组织开展浙江制造精品申报工作的通知（虚构，测试用）"

# file → (title, 文号, issuers, issued_on, clause ids, cites, series)
MESSY_EXPECTED: dict[str, tuple[str, str, tuple[str, ...], str, list[str], tuple[str, ...], str]] = {
    "flattened_pdf.txt": (
        "关于组织开展2025年度“浙江制造精品”申报工作的通知（虚构，测试用）", "浙经信技术〔2025〕9001号",
        ("浙江省经济和信息化厅",), "2025-03-01",
        ["title", "number", "addressees", "preamble", "一", "二", "二(一)", "二(二)", "二(三)", "二(四)", "三",
         "attachment", "issuers"],
        ("浙经信技术〔2013〕573号",), SERIES_2022_2025),
    "web_chrome.txt": (
        "关于公布2024年度浙江制造精品名单的通知（虚构，测试用）", "浙经信技术〔2024〕9211号",
        ("浙江省经济和信息化厅",), "2024-10-18",
        ["title", "number", "addressees", "preamble", "一", "二", "二(一)", "二(二)", "attachment", "issuers"],
        ("关于组织开展2024年度浙江制造精品申报工作的通知",), "关于公布浙江制造精品名单的通知（虚构，测试用）"),
    "label_number.txt": (
        "关于开展2023年度浙江制造精品推广应用典型案例征集的通知（虚构，测试用）", "浙经信技术〔2023〕9188号",
        ("浙江省经济和信息化厅",), "2023-06-12",
        ["title", "number", "addressees", "preamble", "一", "二", "二1", "二2", "issuers"],
        ("浙经信技术〔2022〕9050号", "浙经信技术〔2013〕573号"), "关于开展浙江制造精品推广应用典型案例征集的通知（虚构，测试用）"),
    "spaced_pdf.txt": (
        "关于做好2024年浙江制造精品推广应用工作的通知（虚构，测试用）", "浙经信技术〔2024〕9066号",
        ("浙江省经济和信息化厅",), "2024-05-20",
        ["title", "number", "addressees", "preamble", "一", "二", "二(一)", "二(二)", "issuers"],
        ("浙经信技术〔2023〕9012号",), "关于做好浙江制造精品推广应用工作的通知（虚构，测试用）"),
    "traditional.txt": (
        "關於組織開展2022年度「浙江製造精品」申報工作的通知（虚构，测试用）", "浙經信技術〔2022〕9033號",
        ("浙江省經濟和信息化廳",), "2022-04-08",
        ["title", "number", "addressees", "preamble", "一", "一(一)", "一(二)", "二", "issuers"],
        ("浙经信技术〔2013〕573号",), SERIES_2022_2025),
    "stray_numbering.txt": (
        "关于开展2023年度浙江制造精品复核工作的通知（虚构，测试用）", "浙经信技术〔2023〕9077号",
        ("浙江省经济和信息化厅",), "2023-07-10",
        ["title", "number", "addressees", "preamble", "一", "一(一)", "一(二)", "二", "二(一)", "二(一)1", "二(一)2",
         "二(一)2(1)", "二(一)2(2)", "二(二)", "三", "issuers"],
        (), "关于开展浙江制造精品复核工作的通知（虚构，测试用）"),
    "embedded_measures.txt": (
        "浙江省经济和信息化厅关于印发《测试产品认定管理办法（试行）》的通知（虚构，测试用）", "浙经信技术〔2026〕9401号",
        ("浙江省经济和信息化厅",), "2026-03-05",
        ["title", "number", "addressees", "preamble", "第一章", "第一条", "第二条", "第二章", "第三条", "第四条",
         "attachment", "issuers"],
        (), ""),
    "attachment_end.txt": (
        "关于印发《浙江制造精品培育工作指引（2024年版）》的通知（虚构，测试用）", "浙经信技术〔2024〕9105号",
        ("浙江省经济和信息化厅",), "2024-11-05",
        ["title", "number", "addressees", "preamble", "一", "二", "二1", "二2", "attachment", "issuers"],
        ("浙经信技术〔2013〕573号",), "关于印发《浙江制造精品培育工作指引》的通知（虚构，测试用）"),
}


def _messy(name: str) -> ParseResult:
    return parse_text(read_file(MESSY / name), source=name)


def test_bundled_document_parses_exactly_as_before() -> None:
    result = parse_text(_bundled(), doc_id="zjjx-2013-573")
    blob = json.dumps([c.to_dict() for c in result.clauses], ensure_ascii=False, sort_keys=True)
    assert len(result.clauses) == 27
    assert hashlib.sha256(blob.encode("utf-8")).hexdigest() == BUNDLED_CLAUSES_SHA256
    assert result.document.cites == () and result.document.series == ""  # no 根据《…》, no year in its title


def test_every_messy_fixture_is_pinned_and_marked_made_up() -> None:
    assert sorted(p.name for p in MESSY.glob("*.txt")) == sorted(MESSY_EXPECTED)
    for name in MESSY_EXPECTED:
        assert "（虚构，测试用）" in _messy(name).document.title


@pytest.mark.parametrize("name", sorted(MESSY_EXPECTED))
def test_messy_fixture_metadata_and_clauses(name: str) -> None:
    title, number, issuers, issued_on, ids, cites, series = MESSY_EXPECTED[name]
    result = _messy(name)
    doc = result.document
    assert (doc.title, doc.doc_number, doc.issuers, doc.issued_on) == (title, number, issuers, issued_on)
    assert [c.clause_id for c in result.clauses] == ids
    assert (doc.cites, doc.series) == (cites, series)
    assert result.warnings == []
    for clause in result.clauses:
        assert not any(word in clause.text or word in clause.heading for word in CHROME_WORDS), clause
        assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]", clause.text), clause  # no "浙 江 省"


def test_flattened_text_keeps_numbers_inside_sentences() -> None:
    by_id = {c.clause_id: c for c in _messy("flattened_pdf.txt").clauses}
    assert by_id["一"].heading == "重点领域" and by_id["一"].text.startswith("聚焦高端装备")
    assert by_id["二"].text == "浙江制造精品申报要求"
    assert "近三年(2022-2024年)" in by_id["二(一)"].text
    assert "包括：1.核心技术为企业自有；2.研发投入强度达到行业平均水平的1.5倍；3.近两年实现批量销售。" in by_id["二(二)"].text
    assert by_id["二(三)"].text == "请于2025年10月18日前完成网上申报。"
    assert by_id["二(四)"].text.endswith("不低于 800万元。")
    assert by_id["preamble"].text.endswith("通知如下:")
    assert by_id["addressees"].text == "各市、县（市、区）经信局，各有关单位："
    assert by_id["attachment"].text == "附件：1.2025年度浙江制造精品申报书 2.推荐汇总表"


def test_inline_markers_open_clauses_only_in_sequence() -> None:
    text = ("关于测试的通知 各单位： 为做好工作，通知如下。 一、总体要求 2024年10月18日起实施，按 1.5倍 计， 3、4月份除外。"
            " 三、不在序列 内容。 二、工作措施 ( 一)第一项 内容一。 （三）跳号 内容。 ( 二)第二项 内容二。")
    result = parse_text(text, doc_id="seq")
    assert [c.clause_id for c in result.clauses if c.kind != "special"] == ["一", "二", "二(一)", "二(二)"]
    by_id = {c.clause_id: c for c in result.clauses}
    assert "三、不在序列" in by_id["一"].text and "（三）跳号" in by_id["二(一)"].text


def test_web_page_chrome_becomes_metadata_not_text() -> None:
    result = _messy("web_chrome.txt")
    by_id = {c.clause_id: c for c in result.clauses}
    assert by_id["title"].text == "关于公布2024年度浙江制造精品名单的通知（虚构，测试用）"
    assert by_id["number"].text == "浙经信技术〔2024〕9211号"  # from the 文号: field, without the label
    assert by_id["attachment"].text == "附件：2024年度浙江制造精品名单"
    flattened = _messy("flattened_pdf.txt")
    assert flattened.document.title == "关于组织开展2025年度“浙江制造精品”申报工作的通知（虚构，测试用）"
    assert flattened.document.issued_on == "2025-03-01"  # the signed date, not the page's 时间:2025-03-03


def test_attachment_list_after_the_signature() -> None:
    by_id = {c.clause_id: c for c in _messy("attachment_end.txt").clauses}
    assert by_id["attachment"].text == "附件：\n1. 浙江制造精品培育工作指引（2024年版）\n2. 浙江制造精品培育库入库申请表"
    assert by_id["二2"].text == "开展质量提升诊断服务。"  # the signature is not part of the last clause


def test_spaced_out_text_is_joined_in_clauses() -> None:
    by_id = {c.clause_id: c for c in _messy("spaced_pdf.txt").clauses}
    assert by_id["preamble"].text.startswith("为进一步扩大浙江制造精品市场应用，按照《浙江省经济和信息化厅")
    assert by_id["二(一)"].text == "政府采购优先选用。"
    assert by_id["addressees"].text == "各市经信局："


def test_traditional_clause_found_by_simplified_question_through_indexed_text() -> None:
    result = _messy("traditional.txt")
    passages = [p for c in result.clauses for p in make_passages(c, [])]
    target = next(p for p in passages if p.clause_id == "一(一)")
    assert target.text.startswith("申報企業應在浙江省內註冊")  # stored verbatim
    assert "申报企业应在浙江省内注册" in target.indexed_text  # indexed simplified
    lexicon = Lexicon()
    index = SparseIndex.from_texts([p.indexed_text for p in passages], lexicon)
    scores = index.scores(lexicon.words("申报企业需要在浙江省内注册吗"))
    assert passages[int(scores.argmax())].clause_id == "一(一)"
    spaced = [p for c in _messy("spaced_pdf.txt").clauses for p in make_passages(c, [])]
    assert all("按 照" not in p.indexed_text for p in spaced)
    assert any("按照《浙江省经济和信息化厅关于推广应用浙江制造精品的意见》" in p.indexed_text for p in spaced)
    assert Passage("d:c:0", "d", "c", "浙 江 製 造", "標題").indexed_text == "标题\n浙江制造"


def test_yearly_notices_share_a_series() -> None:
    assert _messy("traditional.txt").document.series == _messy("flattened_pdf.txt").document.series
    assert series_of("关于组织开展 2025 年度“浙江制造精品”申报工作的通知") == "关于组织开展浙江制造精品申报工作的通知"
    assert series_of("关于“浙江制造精品”认定推广和应用的实施意见") == ""


def test_traditional_articles_and_full_width_numbers() -> None:
    text = "測試辦法（虚构，测试用）\n第一條 總則內容。\n第 二 條 範圍內容：\n（１）甲；\n（２）乙。\n"
    ids = [c.clause_id for c in parse_text(text, doc_id="t").clauses]
    assert ids == ["title", "第一条", "第二条", "第二条(1)", "第二条(2)"]


def test_dry_run_shows_what_was_detected(tmp_path: Path) -> None:
    staff = StaffOperations(Settings(data_dir=tmp_path), create_engine("sqlite://"))
    change = staff.preview(_messy("flattened_pdf.txt")).to_dict()
    assert change["issuers"] == ["浙江省经济和信息化厅"] and change["issued_on"] == "2025-03-01"
    assert change["series"] == SERIES_2022_2025 and change["cites"] == ["浙经信技术〔2013〕573号"]
    assert change["clause_tree"][4] == {"clause_id": "一", "label": "一", "heading": "重点领域"}
    assert [n["clause_id"] for n in change["clause_tree"]] == MESSY_EXPECTED["flattened_pdf.txt"][4]
    assert json.loads(json.dumps(change, ensure_ascii=False)) == change
    # Upload metadata still overrides what was detected.
    overridden = parse_document(MESSY / "web_chrome.txt", source="web_chrome.txt", issued_on="2024-10-20",
                                issuers="浙江省经济和信息化厅、浙江省财政厅", doc_number="浙经信技术〔2024〕9999号")
    change = staff.preview(overridden).to_dict()
    assert change["issued_on"] == "2024-10-20" and change["doc_number"] == "浙经信技术〔2024〕9999号"
    assert change["issuers"] == ["浙江省经济和信息化厅", "浙江省财政厅"]


def test_html_page_chrome_split_over_lines() -> None:
    html = ("<html><body><div>当前位置：<a>首页</a> &gt; <a>通知公告</a></div><h1>关于测试的通知（虚构，测试用）</h1>"
            "<div><span>发布时间：</span><span>2024-10-18 09:36</span><span>发布部门：</span><span>浙江省经济和信息化厅</span>"
            "</div><div>文号：浙经信技术〔2024〕9300号</div><p>各市经信局：</p><p>一、总则</p><p>（一）范围</p>"
            "<p>时间：2025年4月1日</p><p>资金来源：省级财政</p><div>【打印】</div><div>【关闭】</div></body></html>")
    result = parse_text(read_bytes(html.encode("utf-8"), "notice.html"), doc_id="h")
    doc = result.document
    assert (doc.title, doc.doc_number, doc.issuers, doc.issued_on) == (
        "关于测试的通知（虚构，测试用）", "浙经信技术〔2024〕9300号", ("浙江省经济和信息化厅",), "2024-10-18")
    by_id = {c.clause_id: c for c in result.clauses}
    assert list(by_id) == ["title", "number", "addressees", "一", "一(一)", "issuers"]
    assert by_id["一(一)"].text == "时间：2025年4月1日\n资金来源：省级财政"  # body lines that look like labels stay


def test_bundled_document_flattened_onto_one_line_reads_the_same() -> None:
    lines = [ln.strip() for ln in _bundled().splitlines() if ln.strip()]
    reference = [c.to_dict() for c in parse_text(_bundled(), doc_id="zjjx-2013-573").clauses]
    flattened = "\n".join(lines[:4]) + "\n" + " ".join(lines[4:])  # body, attachment note and signature on one line
    assert [c.to_dict() for c in parse_text(flattened, doc_id="zjjx-2013-573").clauses] == reference


def test_a_notice_that_prints_its_measures_after_signing() -> None:
    """印发通知 + 办法: the signature before 附件 is the document's, the 办法's articles its body; the
    breadcrumb above the title, the publicity note and the page buttons are no text of it."""
    result = _messy("embedded_measures.txt")
    doc = result.document
    assert (doc.title, doc.doc_number, doc.issuers, doc.issued_on) == (
        "浙江省经济和信息化厅关于印发《测试产品认定管理办法（试行）》的通知（虚构，测试用）",
        "浙经信技术〔2026〕9401号", ("浙江省经济和信息化厅",), "2026-03-05")
    by_id = {c.clause_id: c for c in result.clauses}
    assert [c.label for c in result.clauses if c.kind == "article"] == ["第一条", "第二条", "第三条", "第四条"]
    assert by_id["attachment"].text == "附件：测试产品认定管理办法（试行）"
    body = "\n".join(c.text for c in result.clauses if c.kind != "special")
    assert "此件公开发布" not in body and "打印本页" not in body and "二○二六年" not in body
    assert "5个工作日" in by_id["第四条"].text


@pytest.mark.parametrize(("first_line", "title"), [
    ("您当前的位置：首页 > 政务公开 > 通知公告 > 关于测试工作的通知（虚构，测试用）", "关于测试工作的通知（虚构，测试用）"),
    ("首页 > 通知公告 > 正文 关于测试工作的通知（虚构，测试用）", "关于测试工作的通知（虚构，测试用）"),
    ("首頁 > 政務公開 > 通知公告", "關於測試工作的通知（虚构，测试用）"),
])
def test_a_breadcrumb_is_no_part_of_the_title(first_line: str, title: str) -> None:
    second = "" if "通知（" in first_line else ("關於測試工作的通知（虚构，测试用）\n" if "首頁" in first_line else "")
    text = f"{first_line}\n{second}各市经信局：\n一、总则\n（一）本通知自发布之日起施行。\n浙江省经济和信息化厅\n2026年1月5日\n"
    assert parse_text(text, doc_id="crumb").document.title == title


def test_a_document_without_a_title_does_not_take_its_addressees_as_one() -> None:
    text = "各市经信局：\n为做好测试工作，现将有关事项通知如下：\n一、总则\n（一）本通知自发布之日起施行。\n浙江省经济和信息化厅\n2026年1月5日\n"
    result = parse_text(text, doc_id="untitled")
    by_id = {c.clause_id: c for c in result.clauses}
    assert result.document.title == "" and by_id["addressees"].text == "各市经信局："
    assert "未识别到标题 / no title found" in result.warnings
