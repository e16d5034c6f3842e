"""One question, one answer: ``/v1/ask``, ``/v1/chat/completions`` (the official ``openai`` SDK) and the
MCP tool ``ask_policy`` (the official ``mcp`` SDK over ``/mcp``) give the same answer text, the same
citations and the same verdicts on the same server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import serve_app
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from openai import OpenAI

from bot.app import build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings

pytestmark = pytest.mark.slow  # a uvicorn server
AS_OF = "2026-11-24"
QUESTIONS = [
    "我们的产品2025年3月1日认定，核心技术国际先进，有发明专利，现在投标能视同有业绩吗？",
    "找银行融资有支持吗？",
    "What does the policy say about exhibition booth fees?",
    "上海的首台套政策怎么申请？",
]


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("agree-ai") / "data", embedder="hash",
                                          rate_limit_per_minute=0))
    with serve_app(create_app(services)) as base:
        yield base


def _citations(citations: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    keys = ("doc_id", "doc_title", "doc_number", "clause_id", "label", "quote", "kind")
    return [tuple(str(c[k]) for k in keys) for c in citations]


def _verdicts(verdicts: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(v["rule_id"], v["status"], tuple((c["label"], c["status"]) for c in v["conditions"]),
             tuple(_citations(v["citations"]))) for v in verdicts]


async def _mcp(url: str, question: str) -> dict[str, Any]:
    async with streamable_http_client(f"{url}/mcp") as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        result = await session.call_tool("ask_policy", {"question": question, "as_of": AS_OF})
        assert not result.is_error and result.structured_content is not None
        return result.structured_content


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_same_question_gets_the_same_answer_on_every_channel(url: str, question: str) -> None:
    api = httpx.post(f"{url}/v1/ask", json={"question": question, "as_of": AS_OF}, timeout=60).json()
    done = OpenAI(base_url=f"{url}/v1", api_key="x", max_retries=0).chat.completions.create(
        model="jingpin", messages=[{"role": "user", "content": question}], extra_body={"as_of": AS_OF})
    chat = (done.model_extra or {})["jingpin"]
    mcp = asyncio.run(_mcp(url, question))

    assert api["answer"] == chat["answer"] == mcp["answer"]
    assert (done.choices[0].message.content or "").startswith(api["answer"].rstrip())
    assert _citations(api["citations"]) == _citations(chat["citations"]) == _citations(mcp["citations"])
    assert _verdicts(api["verdicts"]) == _verdicts(chat["verdicts"]) == _verdicts(mcp["verdicts"])
    assert api["conclusion"] == chat["conclusion"] == mcp["conclusion"]
    assert api["grounded"] == chat["grounded"] == mcp["grounded"]
    if question.startswith("我们的产品"):
        assert api["verdicts"] and api["citations"]
