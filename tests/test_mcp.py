"""The MCP channel through the official ``mcp`` SDK client: ``jingpin mcp`` as a stdio subprocess and
``/mcp`` of a real uvicorn server (streamable HTTP) answer the same tools with structured content,
serve the clauses as resources and turn bad input into tool errors."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from conftest import serve_app
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from bot.app import build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings

pytestmark = pytest.mark.slow  # a subprocess and a uvicorn server
ROOT = Path(__file__).parents[1]
AS_OF = "2026-11-24"
VERDICT_QUESTION = "我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？"
TOOLS = {"ask_policy", "check_eligibility", "procurement_check", "search_catalog", "get_clause", "list_documents"}


@pytest.fixture(scope="module")
def http_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("mcp-http") / "data", embedder="hash",
                                          rate_limit_per_minute=0))
    with serve_app(create_app(services)) as url:
        yield f"{url}/mcp"


@asynccontextmanager
async def _stdio(data_dir: Path, errlog: Path) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(command=sys.executable, args=["-m", "bot.channels.cli.main", "mcp"], cwd=ROOT,
                                   env={"JINGPIN_DATA_DIR": str(data_dir), "JINGPIN_EMBEDDER": "hash",
                                        "HF_HUB_OFFLINE": "1", "PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    with errlog.open("w") as log:
        async with stdio_client(params, errlog=log) as (read, write), ClientSession(read, write) as session:
            yield session


@asynccontextmanager
async def _http(url: str) -> AsyncIterator[ClientSession]:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        yield session


async def _call(session: ClientSession, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await session.call_tool(name, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def _exercise(session: ClientSession) -> None:
    """Every tool, a resource and a bad call, checked on what they return."""
    await session.initialize()
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.output_schema and " / " in (tool.description or ""), tool.name
    assert "in_catalog" in (tools["check_eligibility"].description or ""), "the fact names are in the description"

    asked = await _call(session, "ask_policy", {"question": VERDICT_QUESTION, "as_of": AS_OF})
    assert asked["grounded"] is True and asked["verdicts"][0]["status"] == "met" and asked["kb_version"] >= 1
    assert asked["citations"] and all(c["quote"] and c["doc_number"] and c["doc_title"] for c in asked["citations"])
    cited = asked["citations"][0]
    clause = await _call(session, "get_clause", {"doc_id": cited["doc_id"], "clause_id": cited["label"]})
    assert cited["quote"] in clause["text"], "quotes are verbatim"
    assert clause["doc_number"] == "浙经信技术〔2013〕573号"

    read = await session.read_resource(cited["uri"])
    text = read.contents[0].text  # type: ignore[union-attr]
    assert clause["text"] in text and cited["label"] in text
    listed = (await session.list_resources()).resources
    assert cited["uri"] in {r.uri for r in listed} and len(listed) >= 20
    templates = (await session.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["jingpin://clause/{doc_id}/{clause_id}"]

    out = await _call(session, "ask_policy", {"question": "上海的首台套政策怎么申请？"})
    assert out["grounded"] is False and out["citations"] == [] and out["conclusion"] == "out_of_scope"

    verdicts = await _call(session, "check_eligibility", {"profile": {"in_catalog": "是"}, "audience": "enterprise",
                                                         "as_of": AS_OF})
    assert verdicts["verdicts"] and {v["audience"] for v in verdicts["verdicts"]} == {"enterprise"}
    assert all(c["quote"] for v in verdicts["verdicts"] for c in v["citations"])
    assert any(c["status"] == "needs_info" for v in verdicts["verdicts"] for c in v["conditions"])
    assert verdicts["missing_facts"] and verdicts["summary"]

    buyer = await _call(session, "procurement_check", {"facts": {}, "product_category": "工业机器人"})
    assert buyer["products"] and all(p["status"] == "active" for p in buyer["products"])
    assert buyer["citations"] and {v["audience"] for v in buyer["verdicts"]} == {"buyer"}

    found = await _call(session, "search_catalog", {"q": "工业机器人", "status": "active"})
    assert found["total"] >= 1 and all(p["is_sample"] for p in found["items"]) and "示例" in found["note"]

    documents = await _call(session, "list_documents", {})
    assert "zjjx-2013-573" in {d["doc_id"] for d in documents["documents"]}

    for name, arguments, expected in [
        ("ask_policy", {"question": "问" * 2001}, "2000"),
        ("ask_policy", {"question": "   "}, "不能为空"),
        ("get_clause", {"doc_id": "zjjx-2013-573", "clause_id": "九十九"}, "条款不存在"),
        ("check_eligibility", {"profile": {"no_such_fact": 1}}, " / "),
        ("search_catalog", {"q": "机器人", "year": 1900}, "year"),
        ("no_such_tool", {}, "no_such_tool"),
    ]:
        bad = await session.call_tool(name, arguments)
        assert bad.is_error, (name, arguments)
        assert expected in bad.content[0].text, bad.content  # type: ignore[union-attr]


def _run(session: Any) -> None:
    async def main() -> None:
        with anyio.fail_after(180):
            async with session as connected:
                await _exercise(connected)

    asyncio.run(main())


def test_mcp_over_streamable_http(http_url: str) -> None:
    _run(_http(http_url))


def test_mcp_over_stdio(tmp_path: Path) -> None:
    _run(_stdio(tmp_path / "data", tmp_path / "stderr.log"))
    log = (tmp_path / "stderr.log").read_text()
    assert "jingpin mcp" in log, "what the server says goes to stderr, never stdout"
