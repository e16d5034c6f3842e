"""The app's lifespan: what runs beside the API while it serves — the MCP session manager and the
Telegram bot — started in that order and stopped in reverse."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.channels.mcp.http import mcp_lifespan
from bot.channels.telegram.webhook import telegram_lifespan


@asynccontextmanager
async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start MCP over HTTP and the Telegram bot (each only when configured) with the server; stop both after."""
    async with mcp_lifespan(app), telegram_lifespan(app):
        yield
