"""The MCP channel: jingpin's tools and clauses for MCP hosts, over stdio (``jingpin mcp``) or
streamable HTTP (``/mcp`` of the API)."""
