"""Staff upload the criteria of a notice as a rules file; rules belong to a KB version.

A made-up 2025 申报通知 (tests/data/notices/) is published as a document, then its rules file:
validation errors name the rule and the field and change nothing, a publish serves the new verdicts
(with the 山区26县 threshold) citing the notice verbatim, a rollback takes them away again while the
bundled 573号 rules answer as before. Real uvicorn server on 127.0.0.1, the CLI and the Telegram bot
as real processes/clients."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import serve_app

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings
from knowledge.db.admin import create_token

NOTICES = Path(__file__).parent / "data" / "notices"
NOTICE = NOTICES / "jingpin-2025-notice.txt"
RULES = NOTICES / "jingpin-2025-rules.yaml"
DOC_ID = "zjjx-2025-999"
NOTICE_RULES = {"notice2025_registered", "notice2025_revenue", "notice2025_rd_share", "notice2025_market",
                "notice2025_category", "notice2025_eligible"}
MEETS = {"registered_in_province": True, "main_business_revenue": 2500, "rd_share": "3.5%", "market_years": 2,
         "sales_revenue": 800, "application_category": "先进制造类", "region": "杭州市西湖区"}
DEEMED = {"in_catalog": True, "catalog_status": "active", "core_tech_level": "国际先进", "has_clear_ip": True,
          "certified_on": "2025-03-01"}
AS_OF = "2026-01-15"
# The broken variant: an unknown fact, and a quote that is not in its clause.
BROKEN = (RULES.read_text(encoding="utf-8")
          .replace("{fact: rd_share, at_least: 3, label: 上年度研发投入", "{fact: rd_ratio, at_least: 3, label: 上年度研发投入")
          .replace("quote: 申报产品上市销售满1年，上年度销售收入不低于500万元。\n\n",
                   "quote: 申报产品上市销售满2年，上年度销售收入不低于500万元。\n\n"))


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services, dict[str, str]]]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("rules") / "data", embedder="hash"))
    tokens = {role: create_token(services.staff.engine, f"测试{role}", role)[1] for role in ("staff", "admin")}
    with serve_app(create_app(services)) as url:
        yield url, services, tokens


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _rules(url: str, token: str, content: str | bytes, name: str = "jingpin-2025-rules.yaml",
           dry_run: bool = False) -> httpx.Response:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return httpx.post(f"{url}/v1/admin/rules", headers=_auth(token), files={"file": (name, data)},
                      data={"dry_run": str(dry_run).lower()}, timeout=120)


def _version(url: str, token: str) -> int:
    return int(httpx.get(f"{url}/v1/admin/versions", headers=_auth(token)).json()["current"])


def _verdicts(url: str, profile: dict[str, Any], **extra: Any) -> dict[str, dict[str, Any]]:
    response = httpx.post(f"{url}/v1/eligibility", json={"profile": profile, "as_of": AS_OF, **extra}, timeout=60)
    assert response.status_code == 200, response.text
    return {v["rule_id"]: v for v in response.json()["verdicts"]}


def _publish_notice(url: str, token: str) -> None:
    response = httpx.post(f"{url}/v1/admin/documents", headers=_auth(token), data={"doc_id": DOC_ID},
                          files={"file": (NOTICE.name, NOTICE.read_bytes())}, timeout=120)
    assert response.status_code == 200, response.text


def test_a_broken_rules_file_is_refused_naming_the_rule_and_field(env: tuple[str, Services, dict[str, str]]) -> None:
    url, _, tokens = env
    before = _version(url, tokens["staff"])
    unknown_doc = _rules(url, tokens["staff"], RULES.read_text(encoding="utf-8"), dry_run=True)
    assert unknown_doc.status_code == 422 and "字段 doc_id" in unknown_doc.json()["detail"]

    _publish_notice(url, tokens["admin"])
    published = _version(url, tokens["staff"])
    assert published == before + 1
    for token in (tokens["staff"], tokens["admin"]):
        for dry_run in (True, False):
            refused = _rules(url, token, BROKEN, dry_run=dry_run)
            assert refused.status_code == (403 if token == tokens["staff"] and not dry_run else 422), refused.text
    detail = _rules(url, tokens["staff"], BROKEN, dry_run=True).json()["detail"]
    assert "规则 notice2025_rd_share 的字段 conditions.0.fact" in detail and "rd_ratio" in detail
    assert "规则 notice2025_market 对条款 一（四） 的引文不是原文（字段 cites.0.quote）" in detail
    assert " / " in detail  # 中文 / English

    for content, name, words in [
        (b"\xff\xfe" + "doc_id: x".encode("utf-16-le"), "r.yaml", "UTF-8"),
        (RULES.read_bytes(), "rules.json", ".yaml"),
        ("a: &x [1]\nb: *x\n", "alias.yaml", "别名"),
        ("doc_id: [unclosed\n", "bad.yaml", "YAML"),
        ("# " + "长" * 400_000 + "\n", "big.yaml", "上限"),
    ]:
        response = _rules(url, tokens["admin"], content, name=name)
        assert response.status_code == 422 and words in response.json()["detail"], response.text
    assert _version(url, tokens["staff"]) == published  # nothing changed
    assert not NOTICE_RULES & set(_verdicts(url, MEETS))


def test_published_rules_answer_with_the_notice_until_rolled_back(env: tuple[str, Services, dict[str, str]]) -> None:
    url, services, tokens = env
    before = _version(url, tokens["staff"])
    bundled_before = _verdicts(url, DEEMED)["deemed_track_record"]

    dry = _rules(url, tokens["staff"], RULES.read_text(encoding="utf-8"), dry_run=True)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["dry_run"] and set(report["added"]) == NOTICE_RULES and not report["replaced"]
    revenue = next(r for r in report["table"] if r["rule_id"] == "notice2025_revenue")
    assert revenue["conditions"][0]["required"] == "≥ 2000 万元（山区26县 ≥ 1000 万元）"
    assert revenue["cites"][0]["label"] == "一（二）"
    assert _rules(url, tokens["staff"], RULES.read_text(encoding="utf-8")).status_code == 403
    assert _version(url, tokens["staff"]) == before

    published = _rules(url, tokens["admin"], RULES.read_text(encoding="utf-8"))
    assert published.status_code == 200, published.text
    assert published.json()["version_after"] == before + 1 == _version(url, tokens["staff"])
    audit = httpx.get(f"{url}/v1/admin/audit", headers=_auth(tokens["staff"])).json()["entries"][0]
    assert audit["action"] == "publish_rules" and audit["actor"] == "测试admin"
    assert audit["target"] == "jingpin-2025-rules.yaml" and audit["version_after"] == before + 1

    meets = _verdicts(url, MEETS)
    assert set(meets) >= NOTICE_RULES and all(meets[r]["status"] == "met" for r in NOTICE_RULES)
    kb = services.assistant.kb()
    for rule_id, label in [("notice2025_revenue", "一（二）"), ("notice2025_rd_share", "一（三）"),
                           ("notice2025_market", "一（四）")]:
        (citation,) = meets[rule_id]["citations"]
        assert citation["doc_id"] == DOC_ID and citation["label"] == label
        assert citation["quote"] in kb.clause(DOC_ID, citation["clause_id"]).text  # verbatim
    assert meets["deemed_track_record"]["status"] == "needs_info"  # the 573号 rules still answer

    def status(profile: dict[str, Any], rule_id: str) -> tuple[str, list[str]]:
        verdict = _verdicts(url, {**MEETS, **profile}, rule_ids=[rule_id])[rule_id]
        return verdict["status"], verdict["missing_facts"]

    assert status({"rd_share": 2.5}, "notice2025_rd_share") == ("not_met", [])
    assert status({"main_business_revenue": 1500}, "notice2025_revenue") == ("not_met", [])  # 杭州市西湖区
    assert status({"main_business_revenue": 1500, "region": "丽水市遂昌县"}, "notice2025_revenue") == ("met", [])

    # The same figures written in a question are read as facts (营收, 研发占比, 上市年限 …).
    asked = httpx.post(f"{url}/v1/ask", json={"question": "我们是在浙江注册的企业，营收2500万，研发投入占比3.5%，产品上市2年，"
                                                          "销售收入800万元，能申报吗？", "as_of": AS_OF}, timeout=60).json()
    by_rule = {v["rule_id"]: v["status"] for v in asked.get("verdicts", [])}
    assert by_rule.get("notice2025_revenue") == "met" and by_rule.get("notice2025_rd_share") == "met", asked
    low = httpx.post(f"{url}/v1/ask", json={"question": "我们营收1500万，研发占比2.5%，不在山区26县，能申报吗？",
                                            "as_of": AS_OF}, timeout=60).json()
    by_rule = {v["rule_id"]: v["status"] for v in low.get("verdicts", [])}
    assert by_rule.get("notice2025_revenue") == "not_met" and by_rule.get("notice2025_rd_share") == "not_met", low
    assert status({"main_business_revenue": 1500, "region": None, "mountain_county": True},
                  "notice2025_revenue") == ("met", [])
    assert status({"main_business_revenue": 900, "mountain_county": True}, "notice2025_revenue") == ("not_met", [])
    assert status({"main_business_revenue": 1500, "region": None}, "notice2025_revenue") == (
        "needs_info", ["mountain_county"])
    assert status({"market_years": 0.5}, "notice2025_eligible") == ("not_met", [])
    assert status({"application_category": "特色(消费品)类"}, "notice2025_category") == ("met", [])
    mountain = _verdicts(url, {**MEETS, "main_business_revenue": 1500, "region": "衢州市江山市"},
                         rule_ids=["notice2025_revenue"])["notice2025_revenue"]
    assert mountain["conditions"][0]["required"] == "≥ 1000 万元（山区26县）"

    # The notice is cited by rules now: deleting it or rewording a cited clause is refused.
    delete = httpx.delete(f"{url}/v1/admin/documents/{DOC_ID}", headers=_auth(tokens["admin"]), timeout=120)
    assert delete.status_code == 422 and "jingpin-2025-rules.yaml" in delete.json()["detail"]
    reworded = NOTICE.read_text(encoding="utf-8").replace("不低于3%", "不低于5%")
    rewrite = httpx.post(f"{url}/v1/admin/documents", headers=_auth(tokens["admin"]), data={"doc_id": DOC_ID},
                         files={"file": (NOTICE.name, reworded.encode())}, timeout=120)
    assert rewrite.status_code == 422 and "notice2025_rd_share" in rewrite.json()["detail"]
    assert _version(url, tokens["staff"]) == before + 1

    # A later build carries the uploaded rules forward.
    _publish_notice(url, tokens["admin"])  # same text: a new version, same clauses
    assert _version(url, tokens["staff"]) == before + 2
    assert set(_verdicts(url, MEETS)) >= NOTICE_RULES

    back = httpx.post(f"{url}/v1/admin/rollback", json={"version": before}, headers=_auth(tokens["admin"]))
    assert back.status_code == 200
    after = _verdicts(url, MEETS)
    assert not NOTICE_RULES & set(after)
    asked = httpx.post(f"{url}/v1/eligibility", json={"profile": MEETS, "rule_ids": ["notice2025_revenue"]})
    assert asked.status_code == 422 and "notice2025_revenue" in asked.json()["detail"]
    assert _verdicts(url, DEEMED)["deemed_track_record"] == bundled_before


def test_an_empty_rules_file_removes_it_and_then_the_notice_may_go(env: tuple[str, Services, dict[str, str]]) -> None:
    url, _, tokens = env
    assert _rules(url, tokens["admin"], RULES.read_text(encoding="utf-8")).status_code == 200
    empty = _rules(url, tokens["admin"], f"doc_id: {DOC_ID}\nrules: []\n", name="jingpin-2025-rules.yml")
    assert empty.status_code == 200, empty.text
    assert set(empty.json()["removed"]) == NOTICE_RULES and empty.json()["removes_file"]
    assert not NOTICE_RULES & set(_verdicts(url, MEETS))
    delete = httpx.delete(f"{url}/v1/admin/documents/{DOC_ID}", headers=_auth(tokens["admin"]), timeout=120)
    assert delete.status_code == 200, delete.text


@pytest.mark.slow
def test_cli_dry_run_prints_the_report(env: tuple[str, Services, dict[str, str]], tmp_path: Path) -> None:
    url, services, tokens = env
    if DOC_ID not in {d["doc_id"] for d in httpx.get(f"{url}/v1/documents").json()}:
        _publish_notice(url, tokens["admin"])
    cli = [sys.executable, "-m", "bot.channels.cli.main", "admin", "rules"]
    run_env = {**os.environ, "JINGPIN_DATA_DIR": str(services.settings.data_dir), "JINGPIN_EMBEDDER": "hash"}
    done = subprocess.run([*cli, str(RULES), "--dry-run"], env=run_env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert '"dry_run": true' in done.stdout and "notice2025_revenue" in done.stdout
    assert "≥ 2000 万元（山区26县 ≥ 1000 万元）" in done.stdout and '"label": "一（二）"' in done.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    failed = subprocess.run([*cli, str(broken), "--dry-run"], env=run_env, capture_output=True, text=True, timeout=180)
    assert failed.returncode != 0 and "notice2025_rd_share 的字段 conditions.0.fact" in failed.stdout + failed.stderr


@pytest.mark.slow
def test_telegram_staff_get_the_dry_run_and_a_confirm_button(tmp_path: Path) -> None:
    from bot_api_server import FakeBotAPI
    from test_telegram import running_bot

    staff_id = 4242
    services = build_services(BotSettings(data_dir=tmp_path / "data", embedder="hash",
                                          telegram_staff_ids=str(staff_id)))
    fake = FakeBotAPI()
    with serve_app(fake.app) as url, running_bot(services, f"{url}/bot", tmp_path / "state.pickle"):
        fake.push_document(staff_id, "notice.txt", NOTICE.read_bytes())
        dry = fake.wait_messages(staff_id, 1)[0]
        doc_id = re.search(r"\[([^\]]+)\]", dry["text"]).group(1)  # type: ignore[union-attr]  # read from the 文号
        rules = RULES.read_text(encoding="utf-8").replace(f"doc_id: {DOC_ID}", f"doc_id: {doc_id}").encode()
        fake.push_callback(staff_id, dry["reply_markup"]["inline_keyboard"][0][0]["callback_data"], dry)
        assert "已发布知识库版本" in fake.wait_messages(staff_id, 2)[1]["text"]
        version = services.assistant.kb().version

        fake.push_document(staff_id, "notice.yml", BROKEN.replace(DOC_ID, doc_id).encode())
        refused = fake.wait_messages(staff_id, 3)[2]
        assert "notice2025_rd_share" in refused["text"] and not refused.get("reply_markup")

        fake.push_document(staff_id, "jingpin-2025-rules.yaml", rules)
        report = fake.wait_messages(staff_id, 4)[3]
        assert "试运行：新增 6" in report["text"] and "≥ 2000 万元（山区26县 ≥ 1000 万元）" in report["text"]
        assert services.assistant.kb().version == version  # nothing published yet
        confirm = report["reply_markup"]["inline_keyboard"][0][0]
        assert confirm["text"] == "确认发布"
        fake.push_callback(staff_id, confirm["callback_data"], report)
        assert "规则文件 jingpin-2025-rules.yaml 新增 6" in fake.wait_messages(staff_id, 5)[4]["text"]
        assert services.assistant.kb().version == version + 1
        assert {r.rule_id for r in services.assistant.rules()} >= NOTICE_RULES
