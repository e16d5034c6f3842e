"""The Telegram bot: the real python-telegram-bot Application against our Bot API server on 127.0.0.1,
driving whole conversations; the webhook through a real uvicorn server."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from bot_api_server import FakeBotAPI, parse_html
from conftest import serve_app

from bot.app import Services, http_app
from bot.channels.telegram.application import build_application, register_commands
from bot.channels.telegram.format import answer_html, clause_html, split_message
from knowledge.kb.models import Citation

pytestmark = pytest.mark.slow  # a bot polling a Bot API server on loopback

TOKEN = "123456:TEST"


@pytest.fixture(scope="module")
def bot_api() -> Iterator[tuple[FakeBotAPI, str]]:
    fake = FakeBotAPI()
    with serve_app(fake.app) as url:
        yield fake, f"{url}/bot"


def _with_telegram(services: Services, base_url: str, **extra: Any) -> Services:
    settings = services.settings.model_copy(update={"telegram_token": TOKEN, "telegram_base_url": base_url, **extra})
    return dataclasses.replace(services, settings=settings)


@contextmanager
def running_bot(services: Services, base_url: str, state_file: Path) -> Iterator[None]:
    """The bot polling our Bot API server from a thread, as ``jingpin bot`` would."""
    application = build_application(_with_telegram(services, base_url), rate_limit=5, state_file=state_file)
    stop = threading.Event()

    async def run() -> None:
        async with application:
            await register_commands(application)  # what run_polling's post_init does
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            while not stop.is_set():
                await asyncio.sleep(0.05)
            await application.updater.stop()
            await application.stop()

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def polling_bot(services: Services, bot_api: tuple[FakeBotAPI, str],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeBotAPI]:
    fake, base_url = bot_api
    with running_bot(services, base_url, tmp_path_factory.mktemp("tg") / "state.pickle"):
        yield fake


def test_start_greets_and_registers_commands_in_two_languages(polling_bot: FakeBotAPI) -> None:
    polling_bot.push_text(101, "/start")
    greeting = polling_bot.wait_messages(101, 1)[0]
    assert "浙江制造精品" in greeting["text"] and "/check" in greeting["text"]
    polling_bot.push_text(102, "/start", language="en")
    assert polling_bot.wait_messages(102, 1)[0]["text"].startswith("Hello!")
    languages = {c.get("language_code") for c in polling_bot.calls("setMyCommands")}
    assert languages == {None, "en"}


def test_question_gets_cited_answer_and_the_source_button_shows_the_clause(polling_bot: FakeBotAPI) -> None:
    polling_bot.push_text(103, "参加省级政府组织的展会，展位费有资助吗？")
    answer = polling_bot.wait_messages(103, 1)[0]
    assert "〔三（二）4〕" in answer["text"] and "依据" in answer["text"]
    button = answer["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "查看原文 三（二）4"
    polling_bot.push_callback(103, button["callback_data"], answer)
    clause = polling_bot.wait_messages(103, 2)[1]
    assert "〔三（二）4〕" in clause["text"] and "展位费资助" in clause["text"]
    html_sent = polling_bot.calls("sendMessage")[-1]["text"]
    assert "<b>" in html_sent and "展位费资助" in html_sent.split("<b>", 1)[1].split("</b>", 1)[0]
    assert polling_bot.calls("answerCallbackQuery")


def test_follow_up_questions_use_the_chat_as_session(polling_bot: FakeBotAPI) -> None:
    polling_bot.push_text(107, "有没有可以替代进口工业机器人的目录产品？")
    first = polling_bot.wait_messages(107, 1)[0]
    polling_bot.push_text(107, "有没有别的产品？")
    more = polling_bot.wait_messages(107, 2)[1]
    assert "其他在册产品" in more["text"] and more["text"] != first["text"]


def test_clause_catalog_and_alternatives_commands(polling_bot: FakeBotAPI) -> None:
    polling_bot.push_text(104, "/clause 三（二）6")
    assert "三个以上品牌" in polling_bot.wait_messages(104, 1)[0]["text"]
    polling_bot.push_text(104, "/alt 工业机器人")
    page = polling_bot.wait_messages(104, 2)[1]
    assert "【示例】" in page["text"] and "已退出" not in page["text"]
    next_button = page["reply_markup"]["inline_keyboard"][0][-1]
    assert next_button["text"] == "下一页"
    polling_bot.push_callback(104, next_button["callback_data"], page)
    assert "第 6–" in polling_bot.wait_messages(104, 3)[2]["text"]
    polling_bot.push_text(104, "/clause 九（九）")
    assert "没有找到条款" in polling_bot.wait_messages(104, 4)[3]["text"]


def test_rate_limit_answers_kindly(polling_bot: FakeBotAPI) -> None:
    for _ in range(6):
        polling_bot.push_text(105, "文号是什么？")
    replies = polling_bot.wait_messages(105, 6)
    assert "太频繁" in replies[-1]["text"]


def test_long_answers_are_split_at_sentence_ends_into_valid_html() -> None:
    sentence = "对列入《目录》的产品，<政府采购单位> & 国有投资为主的项目建设单位不得将其排斥在招标采购项目之外。"
    text = "结论：可以。\n" + sentence * 150  # about 6000 characters on one line
    parts = split_message(answer_html(text))
    assert len(parts) >= 2 and all(len(p) <= 4096 for p in parts)
    visible = [parse_html(p) for p in parts]  # each part parses on its own, as Telegram requires
    assert all(v.rstrip().endswith("。") or v.startswith("结论") for v in visible[1:])
    assert "".join(v.replace("\n", "") for v in visible) == text.replace("\n", "")


def test_webhook_needs_the_secret_and_answers_with_it(services: Services, bot_api: tuple[FakeBotAPI, str]) -> None:
    fake, base_url = bot_api
    app = http_app(_with_telegram(services, base_url, telegram_webhook_secret="s3cret"))
    with serve_app(app) as api:
        url = f"{api}/telegram/webhook"
        update = fake.update_json(106, "文号是什么？")
        assert httpx.post(url, json=update).status_code == 403
        assert httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 403
        assert fake.messages(106) == []
        ok = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}, timeout=60)
        assert ok.status_code == 200
        assert "浙经信技术〔2013〕573号" in fake.wait_messages(106, 1)[0]["text"]
        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        malformed = [{}, [], "x", 1, None, {"update_id": "x"}, {"update_id": 1, "message": {}},
                     {"update_id": 2, "message": {"text": "hi"}},
                     {"update_id": 3, "message": {"message_id": 1, "date": 0, "chat": {"id": 107, "type": "private"},
                                                  "text": 5}}]
        statuses = [httpx.post(url, json=body, headers=secret, timeout=60).status_code for body in malformed]
        assert all(s < 500 for s in statuses), statuses
        assert httpx.post(url, content=b"\xff{", headers=secret).status_code == 422
        again = fake.update_json(108, "文号是什么？")
        assert httpx.post(url, json=again, headers=secret, timeout=60).status_code == 200
        assert "573号" in fake.wait_messages(108, 1)[0]["text"]


ANSWERS = {"哪一方": "k|enterprise", "是否已列入《目录》": "k|是", "核心技术水平": "k|国际先进", "自主知识产权": "k|是",
           "自主品牌": "k|是", "产品编号": "/skip", "认定日期": "2025年3月1日"}


def test_check_questionnaire_survives_a_restart_and_ends_with_verdicts(services: Services, tmp_path: Path) -> None:
    fake = FakeBotAPI()
    chat, asked, restarted = 201, [], False
    with serve_app(fake.app) as url:
        base_url, state = f"{url}/bot", tmp_path / "state.pickle"
        bot = running_bot(services, base_url, state)
        bot.__enter__()
        fake.push_text(chat, "/check")
        while True:
            last = fake.wait_messages(chat, len(asked) + 1)[-1]
            asked.append(last["text"])
            if "结论" in last["text"] or len(asked) > 20:
                break
            reply = next((a for q, a in ANSWERS.items() if q in last["text"]), "/skip")
            if len(asked) == 3 and not restarted:  # stop the bot mid-questionnaire, start it again
                bot.__exit__(None, None, None)
                bot = running_bot(services, base_url, state)
                bot.__enter__()
                restarted = True
            if reply.startswith("k|"):
                fake.push_callback(chat, reply, last)
            else:
                fake.push_text(chat, reply)
        bot.__exit__(None, None, None)
    final = asked[-1]
    assert restarted and "结论" in final
    assert "【自认定之日起二年内视同已具备相应工程或销售业绩】" in final and "〔三（二）2〕" in final
    questions = asked[1:-1]
    assert len(questions) == len(set(questions))  # nothing asked twice
    assert any("认定日期" in q for q in questions) and any("产品编号" in q for q in questions)


STAFF, VISITOR = 301, 302
NEW_ROWS = ("产品名称,企业名称,所在地区,领域,年度,认定日期,产品简介\n"
            "智能巡检机器人,浙江测试巡检科技有限公司,杭州市,装备制造,2026,2026-05-01,变电站智能巡检\n")


def test_staff_upload_is_published_only_after_confirm_and_others_are_refused(tmp_path: Path) -> None:
    from bot.app import build_services
    from bot.settings import BotSettings

    services = build_services(BotSettings(data_dir=tmp_path / "data", embedder="hash",
                                       telegram_staff_ids=f"{STAFF}, 999"))
    fake = FakeBotAPI()
    with serve_app(fake.app) as url, running_bot(services, f"{url}/bot", tmp_path / "state.pickle"):
        fake.push_document(VISITOR, "目录2026.csv", NEW_ROWS.encode())
        assert "只有工作人员" in fake.wait_messages(VISITOR, 1)[0]["text"]
        before = len(services.assistant.catalog.index())

        fake.push_document(STAFF, "目录2026.csv", NEW_ROWS.encode())
        report = fake.wait_messages(STAFF, 1)[0]
        assert "试运行" in report["text"] and "新增 1" in report["text"]
        assert len(services.assistant.catalog.index()) == before  # nothing published yet
        confirm = report["reply_markup"]["inline_keyboard"][0][0]
        assert confirm["text"] == "确认发布"
        fake.push_callback(STAFF, confirm["callback_data"], report)
        assert "已导入" in fake.wait_messages(STAFF, 2)[1]["text"]
        assert len(services.assistant.catalog.index()) == before + 1

        policy = (Path(__file__).parent / "data" / "article_style.txt").read_bytes()
        fake.push_document(STAFF, "notice.txt", policy)
        dry = fake.wait_messages(STAFF, 3)[2]
        assert "试运行：新增" in dry["text"]
        version = services.assistant.kb().version
        fake.push_callback(STAFF, dry["reply_markup"]["inline_keyboard"][0][0]["callback_data"], dry)
        assert "已发布知识库版本" in fake.wait_messages(STAFF, 4)[3]["text"]
        assert services.assistant.kb().version == version + 1

        fake.push_text(STAFF, "/kb")
        assert f"知识库版本 {version + 1}" in fake.wait_messages(STAFF, 5)[4]["text"]

        # A 6000-character clause comes back in several messages, each valid HTML within the limit.
        sentence = "对列入《目录》的产品，<采购单位> & 建设单位不得将其排斥在招标采购项目之外。"
        long_doc = f"关于测试的通知\n\n一、总则\n{sentence * 160}\n".encode()
        fake.push_document(STAFF, "longdoc.txt", long_doc)
        dry = fake.wait_messages(STAFF, 6)[5]
        doc_id = re.search(r"\[([^\]]+)\]", dry["text"]).group(1)  # type: ignore[union-attr]  # same id as an HTTP upload
        fake.push_callback(STAFF, dry["reply_markup"]["inline_keyboard"][0][0]["callback_data"], dry)
        fake.wait_messages(STAFF, 7)
        fake.push_text(STAFF, f"/clause {doc_id} 一")
        time.sleep(1.0)
        parts = fake.messages(STAFF)[7:]
        assert len(parts) >= 2 and all(len(p["text"]) <= 4096 for p in parts)
        assert all(p["text"].rstrip().endswith("。") for p in parts)
        assert sum(p["text"].count("<采购单位> & 建设单位") for p in parts) == 160
        fake.push_text(VISITOR, "/withdraw X 原因")
        assert "只有工作人员" in fake.wait_messages(VISITOR, 2)[1]["text"]


def test_set_webhook_registers_the_url_with_the_secret(services: Services, bot_api: tuple[FakeBotAPI, str]) -> None:
    fake, base_url = bot_api
    env = {**os.environ, "JINGPIN_DATA_DIR": str(services.settings.data_dir), "JINGPIN_TELEGRAM_TOKEN": TOKEN,
           "JINGPIN_TELEGRAM_BASE_URL": base_url, "JINGPIN_TELEGRAM_WEBHOOK_SECRET": "s3cret"}
    out = subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "bot", "--set-webhook", "https://example.org/telegram/webhook"],
                         env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    call = fake.calls("setWebhook")[-1]
    assert call["url"] == "https://example.org/telegram/webhook" and call["secret_token"] == "s3cret"
    no_token = subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "bot"], capture_output=True, text=True, timeout=180,
                              env={k: v for k, v in env.items() if k != "JINGPIN_TELEGRAM_TOKEN"})
    assert no_token.returncode == 2 and "JINGPIN_TELEGRAM_TOKEN" in no_token.stderr


def test_serve_runs_the_bot_beside_the_api_when_a_token_is_set(services: Services) -> None:
    fake = FakeBotAPI()
    with serve_app(fake.app) as bot_url, serve_app(http_app(_with_telegram(services, f"{bot_url}/bot"))) as api:
        assert httpx.get(f"{api}/healthz").json()["status"] == "ok"
        fake.push_text(401, "/help")
        assert "/check" in fake.wait_messages(401, 1)[0]["text"]
        assert fake.calls("setMyCommands")


def test_a_long_clause_whose_quote_spans_the_split_is_valid_html() -> None:
    sentence = "对列入《目录》的产品，政府采购单位 & 国有投资为主的项目建设单位不得将其排斥在招标采购项目之外。"
    text = sentence * 120  # one clause of about 5,500 characters
    quote = sentence * 100  # the quoted part runs across the 4,096-character cut
    clause = Citation("notice-x", "测试用长文件（虚构）", "", "一", "一", quote, text)
    parts = split_message(clause_html(clause))
    assert len(parts) >= 2 and all(len(p) <= 4096 for p in parts)
    visible = [parse_html(p) for p in parts]  # raises on a cut inside <b>…</b>, as Telegram would reject it
    assert "".join(v.replace("\n", "") for v in visible).endswith(text)
