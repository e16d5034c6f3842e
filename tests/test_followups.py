"""Follow-up questions in a conversation over the API (the Telegram path is in test_telegram)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx


def _ask(base_url: str, session: str, question: str) -> dict[str, Any]:
    r = httpx.post(f"{base_url}/v1/ask", json={"question": question, "session_id": session, "as_of": "2026-11-24"},
                   timeout=60)
    assert r.status_code == 200
    return r.json()


def test_what_about_another_topic(base_url: str) -> None:
    session = uuid.uuid4().hex
    first = _ask(base_url, session, "找银行融资有支持吗？")
    assert first["citations"][0]["label"] == "三（二）7"
    follow = _ask(base_url, session, "那展会呢？")
    assert follow["citations"][0]["label"] == "三（二）4"


def test_other_products_continue_the_list(base_url: str) -> None:
    session = uuid.uuid4().hex
    first = _ask(base_url, session, "有没有可以替代进口工业机器人的目录产品？")
    shown = {p["product_id"] for p in first["products"]}
    assert first["intent"] == "catalog" and shown
    more = _ask(base_url, session, "有没有别的产品？")
    assert more["intent"] == "catalog" and more["products"]
    assert not shown & {p["product_id"] for p in more["products"]}
    assert "其他在册产品" in more["answer"]


def test_nth_condition_of_the_previous_verdict(base_url: str) -> None:
    session = uuid.uuid4().hex
    verdict = _ask(base_url, session, "我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？")
    assert verdict["verdicts"][0]["status"] == "met"
    second = _ask(base_url, session, "第二个条件是什么意思？")
    assert "产品核心技术高于国内领先水平" in second["answer"] and "国际先进" in second["answer"]
    assert second["citations"][0]["label"] == "三（二）2"


def test_follow_up_patterns() -> None:
    from bot.answer.conversation.followups import Turn, rewrite

    last = Turn(question="找银行融资有支持吗？", intent="incentive")
    assert rewrite("那么展会呢？", last, False) == "关于展会，有什么规定？"
    assert rewrite("那如果是小微企业呢", last, False) == "关于小微企业，有什么规定？"
    assert rewrite("展会呢", None, False) == "展会呢"
