"""A small OpenAI-compatible chat-completions server for tests, with scripted replies.

``mode`` picks the reply: a faithful answer built from the clauses it was given, one with an
invented percentage, one citing a clause it was not given, one contradicting the verdict,
malformed JSON, a 30-second stall, or a 429 rate limit. Every request is kept for inspection.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def _given(user: str) -> list[tuple[str, str]]:
    """(clause id, text) of the clauses in the prompt."""
    return re.findall(r"^\[([^\]]+)\] 〔[^〕]*〕 (.*)$", user, re.MULTILINE)


class FakeChatServer:
    """State and ASGI app of the fake server."""

    def __init__(self) -> None:
        self.mode = "faithful"
        self.requests: list[dict[str, Any]] = []
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._complete, methods=["POST"])])

    def _reply(self, user: str) -> str:
        clauses = _given(user)
        cid, text = clauses[0]
        fragment = re.split(r"[，。；]", text)[0]
        faithful = {"text": f"根据条款：{fragment}。", "cites": [cid]}
        second = {"text": f"条款原文写明：{re.split(r'[，。；]', text)[1] if '，' in text else fragment}。", "cites": [cid]}
        sentences = {
            "faithful": [faithful, second],
            "one_invented": [faithful, second, {"text": "展位费资助比例为百分之八十。", "cites": [cid]}],
            "invented": [{"text": "展位费资助比例为百分之八十。", "cites": [cid]}],
            "unknown_clause": [{"text": "这一点另有规定。", "cites": ["九(九)"]}],
            "contradiction": [{"text": "不可以，你们的产品不能视同已具备业绩。", "cites": [cid]}],
        }.get(self.mode)
        return json.dumps({"sentences": sentences}, ensure_ascii=False) if sentences else "这不是JSON {"

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        if self.mode == "stall":
            await asyncio.sleep(30)
        if self.mode == "rate_limit":
            return JSONResponse({"error": {"message": "rate limited", "type": "rate_limit"}}, 429)
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        return JSONResponse({
            "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": body["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": self._reply(user)}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })
