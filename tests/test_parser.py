"""The policy parser: structure of the bundled document and of other numbering styles and formats."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from ingest.errors import EmptyDocumentError, UnsupportedFormatError
from ingest.policy.builder import bundled_policy_files
from ingest.policy.parser import parse_text
from ingest.policy.readers import read_bytes, read_file

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
