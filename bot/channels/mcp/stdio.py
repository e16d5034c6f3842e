"""MCP over stdio (``jingpin mcp``): stdout carries only the protocol; everything else goes to stderr."""

from __future__ import annotations

from bot.answer import Assistant
from bot.channels.mcp.server import build_server


def run_stdio(assistant: Assistant) -> None:
    """Serve MCP over stdin/stdout until the host closes the connection."""
    build_server(assistant).run("stdio")
