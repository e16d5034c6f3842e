"""The web page in a real browser: Playwright driving Debian's Chromium against a real uvicorn
server on 127.0.0.1, at phone width. Screenshots of each tab are kept in the test's output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.app import Services
from knowledge.db.admin import create_token

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
POLICY = Path(__file__).parents[1] / "knowledge" / "data" / "policies" / "zjjx-2013-573.txt"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a phone
    page = context.new_page()
    page.goto(base_url + "/")
    yield page
    context.close()


def _shows_chinese(page: Page, shot: Path) -> None:
    """Chinese text is in the DOM and the CJK font is there to draw it (else it renders as boxes)."""
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    assert page.evaluate("document.fonts.check('16px \"WenQuanYi Zen Hei\"')")
    assert "政策" in page.inner_text("body")


def test_ask_and_open_the_cited_clause(page: Page, tmp_path: Path) -> None:
    page.get_by_role("button", name="参加省级政府组织的展会，展位费有资助吗？").click()
    marker = page.get_by_role("button", name="查看原文 三（二）4").first
    expect(marker).to_be_visible(timeout=30_000)
    _shows_chinese(page, tmp_path / "ask.png")
    marker.click()
    dialog = page.locator("#clause-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#clause-meta")).to_contain_text("浙经信技术〔2013〕573号")
    expect(dialog.locator("mark")).to_contain_text("展位费资助")
    page.keyboard.press("Escape")
    question = page.get_by_role("textbox", name="问题")
    question.fill("有没有可以替代进口高压变频器的目录产品？")
    question.press("Enter")
    expect(page.locator("#log .card").first).to_contain_text("示例", timeout=30_000)


def test_an_answer_shows_its_conclusion_points_and_sources(page: Page, tmp_path: Path) -> None:
    question = page.get_by_role("textbox", name="问题")
    question.fill("招标文件里能写明不接受目录产品投标吗？")
    question.press("Enter")
    answer = page.locator("#log .msg[data-conclusion]").last
    expect(answer.locator(".badge.no")).to_have_text("不可以 / 不是", timeout=30_000)
    expect(answer.locator(".points li").first).to_contain_text("不得将其排斥在招标采购项目之外")
    source = answer.locator(".source").first
    expect(source).to_contain_text("浙经信技术〔2013〕573号")
    _shows_chinese(page, tmp_path / "structured.png")
    source.click()
    expect(page.locator("#clause-dialog mark")).to_contain_text("不得将其排斥")


def test_self_check_reaches_a_verdict_with_the_end_date(page: Page, tmp_path: Path) -> None:
    page.get_by_role("tab", name="资格自测").click()
    page.locator("select[name=in_catalog]").select_option("true")
    page.locator("select[name=core_tech_level]").select_option("国际先进")
    page.locator("select[name=has_clear_ip]").select_option("true")
    page.locator("input[name=certified_on]").fill("2025-03-01")
    page.locator("#as-of").fill("2026-11-24")
    page.locator("#as-of").dispatch_event("change")
    verdict = page.locator(".verdict.met", has_text="视同已具备相应工程或销售业绩")
    expect(verdict).to_contain_text("2027-03-01", timeout=15_000)
    _shows_chinese(page, tmp_path / "check.png")
    page.get_by_label("我是").select_option("buyer")
    expect(page.locator("select[name=buyer_type]")).to_be_visible()
    expect(page.locator("select[name=core_tech_level]")).to_have_count(0)


def test_catalog_search_and_alternatives(page: Page, tmp_path: Path) -> None:
    page.get_by_role("tab", name="目录").click()
    page.get_by_placeholder("产品、企业或需求").fill("工业机器人")
    page.get_by_role("button", name="搜索").click()
    first = page.locator("#catalog-results .card").first
    expect(first).to_contain_text("工业机器人", timeout=15_000)
    expect(first.locator(".tag").first).to_have_text("示例")
    first.get_by_role("button", name="替代产品").click()
    expect(first.locator(".cards .card").first).to_be_visible(timeout=15_000)
    _shows_chinese(page, tmp_path / "catalog.png")


def test_staff_upload_needs_a_good_token_and_shows_the_diff(page: Page, services: Services, tmp_path: Path) -> None:
    changed = tmp_path / "573-修订.txt"
    changed.write_text(POLICY.read_text(encoding="utf-8").replace("两种资源、两个市场", "国内国际两种资源、两个市场"),
                       encoding="utf-8")
    page.get_by_role("tab", name="管理").click()
    page.get_by_label("令牌").fill("jp_not_a_token")
    page.get_by_role("button", name="使用此令牌").click()
    page.get_by_label("文件编号（可选）").fill("zjjx-2013-573")
    page.get_by_label("文件", exact=True).set_input_files(str(changed))
    page.get_by_role("button", name="试运行（预览差异）").click()
    expect(page.locator("#admin-result .error")).to_contain_text("令牌无效", timeout=15_000)

    page.get_by_label("令牌").fill(create_token(services.staff.engine, "网页测试", "staff")[1])
    page.get_by_role("button", name="使用此令牌").click()
    page.get_by_role("button", name="试运行（预览差异）").click()
    expect(page.locator("#admin-result table")).to_contain_text("三(二)4", timeout=30_000)
    expect(page.locator("#admin-result ins")).to_contain_text("国内国际两种资源")
    _shows_chinese(page, tmp_path / "admin.png")


def test_language_switch_and_keyboard_tabs(page: Page) -> None:
    page.get_by_role("button", name="Switch language").click()
    expect(page.get_by_role("tab", name="Self-check")).to_be_visible()
    page.get_by_role("tab", name="Ask").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Self-check")).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Switch language").click()
    expect(page.get_by_role("tab", name="资格自测")).to_be_visible()
