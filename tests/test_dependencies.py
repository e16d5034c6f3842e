"""A dependency that goes down gives a 503 naming it, and jingpin recovers by itself when it is back.

Real parts: a ``chroma run`` server and a PostgreSQL server on loopback (tests/engines.py) that the
tests stop and start again on the same data and port, and jingpin (hash embedder) over both in a real
uvicorn server on 127.0.0.1 that is never restarted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpx
import pytest
from conftest import serve_app
from engines import ChromaServer, PostgresServer
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from sqlalchemy import create_engine, text

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings
from knowledge.dependencies import DependencyUnavailable, dependency_down, probe

pytestmark = pytest.mark.slow  # a chroma run server
QUESTION = {"question": "进了目录的产品投标能视同有业绩吗？"}
CHAT = {"model": "jingpin", "messages": [{"role": "user", "content": "进了目录的产品投标能视同有业绩吗？"}]}


@pytest.fixture(scope="module")
def deployment(chroma_server: ChromaServer, postgres: PostgresServer,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services]]:
    """jingpin over the Chroma server and a database of its own on the PostgreSQL server."""
    settings = BotSettings(data_dir=tmp_path_factory.mktemp("deps") / "data", embedder="hash",
                           database_url=postgres.new_database(), chroma_host=chroma_server.host,
                           chroma_port=chroma_server.port, rate_limit_per_minute=0)
    services = build_services(settings)
    with serve_app(create_app(services)) as url:
        yield url, services


@asynccontextmanager
async def _mcp(url: str) -> AsyncIterator[ClientSession]:
    async with streamable_http_client(f"{url}/mcp") as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def _mcp_ask(url: str) -> tuple[bool, str]:
    """(is_error, the text) of one ``ask_policy`` call over ``/mcp``."""
    async def main() -> tuple[bool, str]:
        with anyio.fail_after(60):
            async with _mcp(url) as session:
                result = await session.call_tool("ask_policy", QUESTION)
                return bool(result.is_error), str(getattr(result.content[0], "text", ""))

    return asyncio.run(main())


def _all_ok(url: str) -> None:
    health = httpx.get(f"{url}/healthz", timeout=30)
    assert health.status_code == 200, health.text
    assert health.json()["dependencies"] == {"database": "ok", "vector_store": "ok"}
    asked = httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=30)
    assert asked.status_code == 200 and asked.json()["citations"], asked.text
    assert httpx.post(f"{url}/v1/chat/completions", json=CHAT, timeout=30).status_code == 200
    assert _mcp_ask(url)[0] is False


def test_the_vector_store_down_is_a_503_naming_it_and_back_without_a_restart(
        deployment: tuple[str, Services], chroma_server: ChromaServer) -> None:
    url, _ = deployment
    _all_ok(url)
    chroma_server.stop()
    try:
        health = httpx.get(f"{url}/healthz", timeout=30)
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "unavailable"
        assert body["dependencies"] == {"database": "ok", "vector_store": "down"}
        assert body["detail"].startswith("向量库不可用") and "vector store unavailable" in body["detail"]

        asked = httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=30)
        assert asked.status_code == 503, asked.text
        assert asked.json()["dependency"] == "vector_store"
        assert "向量库" in asked.json()["detail"] and "vector store" in asked.json()["detail"]

        chat = httpx.post(f"{url}/v1/chat/completions", json=CHAT, timeout=30)
        assert chat.status_code == 503, chat.text
        error = chat.json()["error"]  # OpenAI's shape, so the SDKs raise their own error
        assert error["code"] == "vector_store_unavailable" and "向量库" in error["message"]

        is_error, text = _mcp_ask(url)
        assert is_error and "向量库" in text and "vector store" in text
        # What does not need the vector store still answers.
        assert httpx.get(f"{url}/v1/catalog/search", params={"q": "工业机器人"}, timeout=30).status_code == 200
    finally:
        chroma_server.start()
    _all_ok(url)


def _mcp_search(url: str) -> tuple[bool, str]:
    async def main() -> tuple[bool, str]:
        with anyio.fail_after(60):
            async with _mcp(url) as session:
                result = await session.call_tool("search_catalog", {"q": "工业机器人"})
                return bool(result.is_error), str(getattr(result.content[0], "text", ""))

    return asyncio.run(main())


def test_the_database_down_is_a_503_naming_it_and_back_without_a_restart(
        deployment: tuple[str, Services], postgres: PostgresServer) -> None:
    url, services = deployment
    token = services.staff.create_token("运维测试", "staff", actor="test")[1]
    admin = {"Authorization": f"Bearer {token}"}
    _all_ok(url)
    postgres.stop()
    try:
        health = httpx.get(f"{url}/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["dependencies"] == {"database": "down", "vector_store": "ok"}
        assert health.json()["detail"].startswith("数据库不可用") and "database unavailable" in health.json()["detail"]
        for response in (httpx.get(f"{url}/v1/catalog/search", params={"q": "工业机器人"}, timeout=30),
                         httpx.get(f"{url}/v1/admin/versions", headers=admin, timeout=30),  # the token look-up
                         httpx.get(f"{url}/v1/catalog/no-such-product", timeout=30)):
            assert response.status_code == 503, response.text
            assert response.json()["dependency"] == "database" and "数据库" in response.json()["detail"]
        for asked in (httpx.post(f"{url}/v1/ask", json=QUESTION, timeout=30),
                      httpx.post(f"{url}/v1/chat/completions", json=CHAT, timeout=30)):
            assert asked.status_code in (200, 503), asked.text  # never a 500: answered, or the database named
            assert asked.status_code == 200 or "数据库" in asked.text
        is_error, text = _mcp_search(url)
        assert is_error and "数据库" in text and "database" in text
    finally:
        postgres.start()
    _all_ok(url)  # the very next requests: pooled connections are checked before use
    assert httpx.get(f"{url}/v1/admin/versions", headers=admin, timeout=30).status_code == 200
    assert _mcp_search(url)[0] is False


def test_the_classification_reads_real_failures(chroma_server: ChromaServer,
                                                 deployment: tuple[str, Services]) -> None:
    """What chromadb's HttpClient raises with its server gone, and SQLAlchemy with its database gone,
    both name their dependency; other errors are left alone."""
    _, services = deployment
    client, engine = services.staff.client, services.staff.engine
    assert probe(engine, client) == {"database": True, "vector_store": True}
    chroma_server.stop()
    try:
        with pytest.raises(Exception) as raised:
            client.heartbeat()
        down = dependency_down(raised.value)
        assert isinstance(down, DependencyUnavailable) and down.dependency == "vector_store"
        assert probe(engine, client)["vector_store"] is False
    finally:
        chroma_server.start()
    assert probe(engine, client)["vector_store"] is True

    gone = create_engine(f"sqlite:///{Path('/nonexistent-dir/x.sqlite3')}")
    with pytest.raises(Exception) as raised, gone.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert getattr(dependency_down(raised.value), "dependency", None) == "database"
    for other in (ValueError("bad input"), KeyError("x"), httpx.ConnectError("no request attached")):
        assert dependency_down(other) is None
