"""One behaviour, one home: the same case gets the same verdicts on every channel, a Telegram upload
meets the same upload guard as an HTTP one, and every write path leaves an audit record with its actor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bot_api_server import FakeBotAPI, parse_html
from conftest import PNG_AS_TEXT, ZIP_BOMB, serve_app
from test_telegram import running_bot

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.channels.telegram.format import answer_html
from bot.settings import BotSettings
from knowledge.db.admin import create_token

pytestmark = pytest.mark.slow  # servers, the bot and CLI subprocesses

AS_OF = "2026-11-24"
ACTIVE = "SL201900002"  # an active row of the bundled sample catalog
# The catalog is the record: an active product has no withdrawal, whatever the profile says.
PROFILE = {"product_id": ACTIVE, "withdrawn_on": "2025-01-01"}
LISTED = "列入《目录》且未退出"
STAFF = 301
NEW_ROWS = ("产品名称,企业名称,所在地区,领域,年度,认定日期,产品简介\n"
            "智能巡检机器人,浙江测试巡检科技有限公司,杭州市,装备制造,2026,2026-05-01,变电站智能巡检\n")
NOTICE = Path(__file__).parent / "data" / "article_style.txt"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services, str]]:
    settings = BotSettings(data_dir=tmp_path_factory.mktemp("agree") / "data", embedder="hash",
                           telegram_staff_ids=str(STAFF))
    services = build_services(settings)
    token = create_token(services.staff.engine, "测试管理员", "admin")[1]
    with serve_app(create_app(services)) as url:
        yield url, services, token


def _cli(services: Services, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "JINGPIN_EMBEDDER": "hash", "USER": "tester"}
    return subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "--data-dir",
                           str(services.settings.data_dir), *args], env=env, capture_output=True, text=True,
                          timeout=300)


def _statuses(verdicts: list[dict[str, Any]]) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    return {v["rule_id"]: (v["status"], tuple((c["label"], c["status"]) for c in v["conditions"])) for v in verdicts}


def test_a_stated_withdrawal_of_an_active_product_gets_the_same_verdicts_everywhere(
        deployment: tuple[str, Services, str]) -> None:
    url, services, _ = deployment
    api = httpx.post(f"{url}/v1/eligibility", json={"profile": PROFILE, "as_of": AS_OF}, timeout=60).json()
    by_api = _statuses(api["verdicts"])
    listed = [c for v in api["verdicts"] for c in v["conditions"] if c["label"] == LISTED]
    assert listed and all(c["status"] == "met" for c in listed)

    cli = _cli(services, "check", "--product-id", ACTIVE, "--fact", "withdrawn_on=2025-01-01", "--as-of", AS_OF,
               "--json")
    assert cli.returncode == 0, cli.stderr
    assert _statuses(json.loads(cli.stdout)["verdicts"]) == by_api

    asked = httpx.post(f"{url}/v1/ask", json={"question": "我们的产品现在投标能视同有业绩吗？", "profile": PROFILE,
                                              "as_of": AS_OF}, timeout=60).json()
    assert asked["verdicts"], asked["answer"]
    assert {k: by_api[k] for k in _statuses(asked["verdicts"])} == _statuses(asked["verdicts"])


def test_telegram_check_gives_the_verdicts_of_the_api(deployment: tuple[str, Services, str],
                                                      tmp_path: Path) -> None:
    _, services, _ = deployment
    replies = {"哪一方": "k|enterprise", "是否已列入《目录》": "k|是", "产品编号": ACTIVE}
    fake = FakeBotAPI()
    chat, seen = 211, 0
    with serve_app(fake.app) as bot_url, running_bot(services, f"{bot_url}/bot", tmp_path / "state.pickle"):
        fake.push_text(chat, "/check")
        while seen < 25:
            seen += 1
            last = fake.wait_messages(chat, seen)[-1]
            if "结论" in last["text"]:
                break
            reply = next((a for q, a in replies.items() if q in last["text"]), "/skip")
            if reply.startswith("k|"):
                fake.push_callback(chat, reply, last)
            else:
                fake.push_text(chat, reply)
        time.sleep(1.0)  # a long verdict list comes in several messages
        shown = "".join(m["text"] for m in fake.messages(chat)[seen - 1:])
    expected = services.assistant.check_eligibility({"in_catalog": "是", "product_id": ACTIVE}, audience="enterprise")
    assert "".join(shown.split()) == "".join(parse_html(answer_html(expected.text())).split())


@pytest.mark.parametrize(("content", "name"), [
    (ZIP_BOMB, "bomb.docx"),
    (PNG_AS_TEXT, "notice.txt"),
])
def test_telegram_uploads_meet_the_http_upload_guard(deployment: tuple[str, Services, str], tmp_path: Path,
                                                     content: bytes, name: str) -> None:
    url, services, token = deployment
    version = services.assistant.kb().version
    http = httpx.post(f"{url}/v1/admin/documents", headers={"Authorization": f"Bearer {token}"},
                      files={"file": (name, content)}, timeout=120)
    assert http.status_code == 422
    fake = FakeBotAPI()
    with serve_app(fake.app) as bot_url, running_bot(services, f"{bot_url}/bot", tmp_path / "state.pickle"):
        fake.push_document(STAFF, name, content)
        refusal = fake.wait_messages(STAFF, 1)[0]
    assert http.json()["detail"] in refusal["text"]
    assert "reply_markup" not in refusal  # nothing to confirm
    assert services.assistant.kb().version == version


def test_every_write_path_is_audited_with_its_actor(deployment: tuple[str, Services, str], tmp_path: Path) -> None:
    url, services, token = deployment
    auth = {"Authorization": f"Bearer {token}"}
    rows = tmp_path / "目录2026.csv"
    rows.write_text(NEW_ROWS, encoding="utf-8")

    assert httpx.post(f"{url}/v1/admin/catalog/import", headers=auth, files={"file": (rows.name, rows.read_bytes())},
                      timeout=120).status_code == 200
    imported = services.assistant.search_catalog("智能巡检机器人").hits[0].product.product_id
    for args in (("catalog", "import", str(rows)),
                 ("catalog", "withdraw", imported, "--reason", "测试退出（虚构）", "--date", "2026-10-01"),
                 ("ingest", str(NOTICE)),
                 ("admin", "revoke-token", str(create_token(services.staff.engine, "临时", "staff")[0]))):
        out = _cli(services, *args)
        assert out.returncode == 0, (args, out.stderr)

    fake = FakeBotAPI()
    with serve_app(fake.app) as bot_url, running_bot(services, f"{bot_url}/bot", tmp_path / "state.pickle"):
        fake.push_document(STAFF, "目录2026.csv", NEW_ROWS.encode())
        report = fake.wait_messages(STAFF, 1)[0]
        fake.push_callback(STAFF, report["reply_markup"]["inline_keyboard"][0][0]["callback_data"], report)
        assert "已导入" in fake.wait_messages(STAFF, 2)[1]["text"]

    entries = services.staff.audit(50)
    actors = {(e["action"], e["actor"]) for e in entries}
    assert ("catalog_import", "测试管理员") in actors
    for action in ("catalog_import", "catalog_withdraw", "publish_document", "revoke_token"):
        assert (action, "cli:tester") in actors, (action, actors)
    assert any(a == "catalog_import" and actor.startswith(f"telegram:{STAFF}") for a, actor in actors), actors
