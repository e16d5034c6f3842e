"""MCP over streamable HTTP at ``/mcp`` of the API (stdio: :mod:`.stdio`).

HTTP: stateless JSON responses (no session to lose across a restart or between workers); the SDK's
session manager runs in the app's lifespan (:func:`mcp_lifespan`), a fresh one each time the app
starts. With ``JINGPIN_API_KEYS`` set, ``/mcp`` needs ``Authorization: Bearer <key>`` as the
OpenAI-compatible API does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from bot.answer import Assistant
from bot.channels.mcp.server import JingpinServer, build_server
from bot.settings import BotSettings

PATH = "/mcp"
KEY_NEEDED = "需要有效的 API 密钥：Authorization: Bearer <key> / a valid API key is required (Authorization: Bearer)"
NOT_STARTED = "MCP 服务尚未启动 / the MCP endpoint is not running"


class MCPEndpoint:
    """The ASGI endpoint of ``/mcp``: the key check, then the SDK's session manager of the running app."""

    def __init__(self, server: JingpinServer, settings: BotSettings) -> None:
        self.server = server
        self.settings = settings
        self.running = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve one MCP request (401 without a valid key when keys are set; 503 outside the lifespan)."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if not self.settings.accepts_key(headers.get("authorization", "")):
            await _refuse(send, 401, KEY_NEEDED, [(b"www-authenticate", b"Bearer")])
            return
        if not self.running:
            await _refuse(send, 503, NOT_STARTED, [])
            return
        await self.server.session_manager.handle_request(scope, receive, send)

    @asynccontextmanager
    async def run(self) -> AsyncIterator[None]:
        """A new session manager for this run of the app (the SDK's can run only once)."""
        # Host checks are off: the API may be served under any name; exposed deployments set API keys.
        self.server.streamable_http_app(streamable_http_path=PATH, stateless_http=True, json_response=True,
                                        transport_security=TransportSecuritySettings(
                                            enable_dns_rebinding_protection=False))
        async with self.server.session_manager.run():
            self.running = True
            try:
                yield
            finally:
                self.running = False


async def _refuse(send: Any, status: int, detail: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def mount_mcp(app: FastAPI, assistant: Assistant, settings: BotSettings) -> None:
    """Serve MCP at ``/mcp`` of ``app`` (started and stopped by :func:`mcp_lifespan`)."""
    endpoint = MCPEndpoint(build_server(assistant), settings)
    app.state.mcp = endpoint
    app.router.routes.append(Route(PATH, endpoint=endpoint, include_in_schema=False))


@asynccontextmanager
async def mcp_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the MCP session manager while the app runs (nothing when MCP is not mounted)."""
    endpoint: MCPEndpoint | None = getattr(app.state, "mcp", None)
    if endpoint is None:
        yield
        return
    async with endpoint.run():
        yield
