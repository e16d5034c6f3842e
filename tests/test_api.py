"""The HTTP API through a real uvicorn server on 127.0.0.1, and the CLI against the same data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest

from bot.app import Services


def _without_timings(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "timings_ms"}


def test_health_reports_the_kb_version(base_url: str, services: Services) -> None:
    body = httpx.get(f"{base_url}/healthz").json()
    assert body["status"] == "ok" and body["kb_version"] == services.assistant.kb().version
    assert body["catalog_products"] == 300 and body["catalog_revision"] >= 1  # the bundled sample


def test_ask_returns_the_contract(base_url: str) -> None:
    r = httpx.post(f"{base_url}/v1/ask", json={"question": "我们的产品进了《目录》，没有以往业绩能参加工程投标吗？"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "intent", "grounded", "citations", "products", "verdicts", "facts", "kb_version",
                         "timings_ms", "composer", "sentences_removed", "conclusion", "lead", "points"}
    assert body["composer"] == "extractive" and body["sentences_removed"] == 0
    assert body["conclusion"] == "needs_info"  # a stated fact makes it the asker's case; the rule needs more
    assert body["grounded"] is True and body["intent"] == "procurement"
    assert set(body["timings_ms"]) == {"retrieve", "compose", "total"}
    first = body["citations"][0]
    assert set(first) == {"doc_id", "doc_title", "doc_number", "clause_id", "label", "quote", "text", "kind", "source"}
    assert first["kind"] == "clause"
    assert first["clause_id"] == "三(二)2" and first["quote"] in first["text"]


def test_out_of_scope_over_http(base_url: str) -> None:
    body = httpx.post(f"{base_url}/v1/ask", json={"question": "明天宁波会下雨吗？"}).json()
    assert body["grounded"] is False and body["citations"] == [] and body["intent"] == "out_of_scope"
    assert "本知识库未收录" in body["answer"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"question": "   "}, "问题不能为空"),
        ({"question": "问" * 2001}, "问题过长"),
        ({"question": 42}, "问题必须是文字"),
        ({}, "缺少问题字段"),
        ({"question": "文号是什么", "as_of": "not-a-date"}, "字段 as_of 无效：应为 YYYY-MM-DD"),
    ],
)
def test_bad_input_is_a_clear_422(base_url: str, payload: dict[str, Any], fragment: str) -> None:
    r = httpx.post(f"{base_url}/v1/ask", json=payload)
    assert r.status_code == 422
    assert fragment in r.json()["detail"] and "/" in r.json()["detail"]  # Chinese / English


def test_invalid_json_is_422(base_url: str) -> None:
    r = httpx.post(f"{base_url}/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "JSON" in r.json()["detail"]


def test_documents_and_clauses(base_url: str) -> None:
    docs = httpx.get(f"{base_url}/v1/documents").json()
    assert [d["doc_number"] for d in docs] == ["浙经信技术〔2013〕573号"]
    doc_id = docs[0]["doc_id"]
    clause = httpx.get(f"{base_url}/v1/clauses/{doc_id}/三(二)").json()
    assert clause["children"] == [f"三(二){i}" for i in range(1, 8)]
    by_label = httpx.get(f"{base_url}/v1/clauses/{doc_id}/三（二）4").json()
    assert by_label["clause_id"] == "三(二)4" and "展位费资助" in by_label["text"]
    assert httpx.get(f"{base_url}/v1/clauses/{doc_id}/九(九)").status_code == 404
    assert httpx.get(f"{base_url}/v1/clauses/nope/一").status_code == 404
    assert httpx.get(f"{base_url}/docs").status_code == 200


@pytest.mark.slow
def test_cli_json_equals_api_json(base_url: str, services: Services) -> None:
    question = "参加省级政府组织的展会，展位费有资助吗？"
    api = httpx.post(f"{base_url}/v1/ask", json={"question": question}).json()
    env = {**os.environ, "JINGPIN_DATA_DIR": str(services.settings.data_dir)}
    out = subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "ask", question, "--json"], env=env,
                         capture_output=True, text=True, check=True, timeout=120)
    assert _without_timings(json.loads(out.stdout)) == _without_timings(api)


@pytest.mark.slow
def test_cli_rejects_empty_question(services: Services) -> None:
    env = {**os.environ, "JINGPIN_DATA_DIR": str(services.settings.data_dir)}
    out = subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "ask", "  "], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and "问题不能为空" in out.stderr


def test_catalog_search_filters_and_pages(base_url: str) -> None:
    r = httpx.get(f"{base_url}/v1/catalog/search", params={"q": "工业机器人", "status": "active", "limit": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] > 3 and len(body["items"]) == 3
    assert all(item["status"] == "active" and item["is_sample"] and "工业机器人" in item["product_name"]
               for item in body["items"])
    second = httpx.get(f"{base_url}/v1/catalog/search",
                       params={"q": "工业机器人", "status": "active", "limit": 3, "offset": 3}).json()
    assert not {i["product_id"] for i in second["items"]} & {i["product_id"] for i in body["items"]}
    sector = httpx.get(f"{base_url}/v1/catalog/search", params={"sector": "新材料", "year": 2020}).json()
    assert sector["total"] > 0 and all(i["sector"] == "新材料" and i["batch_year"] == 2020 for i in sector["items"])


def test_catalog_product_alternatives_and_errors(base_url: str) -> None:
    first = httpx.get(f"{base_url}/v1/catalog/search", params={"q": "集成灶", "status": "active"}).json()["items"][0]
    one = httpx.get(f"{base_url}/v1/catalog/{first['product_id']}")
    assert one.status_code == 200 and one.json()["enterprise"] == first["enterprise"]
    alternatives = httpx.get(f"{base_url}/v1/catalog/{first['product_id']}/alternatives").json()
    assert alternatives and alternatives[0]["product_name"].endswith("集成灶")
    assert all(a["status"] == "active" and a["enterprise"] != first["enterprise"] and a["sector"] == first["sector"]
               for a in alternatives)
    missing = httpx.get(f"{base_url}/v1/catalog/NO-SUCH-ID")
    assert missing.status_code == 404 and "没有编号为" in missing.json()["detail"]
    bad = httpx.get(f"{base_url}/v1/catalog/search", params={"status": "gone"})
    assert bad.status_code == 422 and "status" in bad.json()["detail"]


def test_ask_for_alternatives_lists_sample_products_with_procurement_clauses(base_url: str) -> None:
    body = httpx.post(f"{base_url}/v1/ask", json={"question": "有没有可以替代进口医用内窥镜的目录产品？"}).json()
    assert body["intent"] == "catalog" and body["grounded"] is True
    assert body["products"] and all(p["status"] == "active" and p["is_sample"] for p in body["products"])
    assert all("内窥镜" in p["product_name"] for p in body["products"])
    labels = [c["label"] for c in body["citations"]]
    assert labels[0] == "三（二）2" and "三（二）6" in labels
    assert any(c["kind"] == "catalog" and c["quote"] in c["text"] for c in body["citations"])
    assert "示例" in body["answer"]
