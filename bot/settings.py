"""jingpin's settings: the knowledge side's storage settings plus the channels' own (Telegram, LLM).

Built once, by the entry point (:mod:`bot.channels.cli.main`), and passed down; nothing reads the
environment at import time.
"""

from __future__ import annotations

import hmac

from pydantic import Field

from knowledge.settings import Settings


class BotSettings(Settings):
    """Every ``JINGPIN_*`` setting: storage (inherited) and the channels'."""

    telegram_token: str | None = None
    telegram_base_url: str | None = None
    telegram_staff_ids: str = ""
    telegram_webhook_secret: str | None = None
    llm_provider: str | None = Field(default=None, description="e.g. openai (any OpenAI-compatible server)")
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, description="largest public API request body")
    rate_limit_per_minute: int = Field(default=120, ge=0,
                                       description="public /v1 requests per client address and minute (0: off)")
    max_sessions: int = Field(default=10_000, ge=1, description="conversations remembered at once")
    session_ttl_s: float = Field(default=6 * 3600, gt=0, description="a conversation idle this long is forgotten")
    api_keys: str = Field(default="", description="comma-separated keys required as Authorization: Bearer on "
                          "/v1/chat/completions, /v1/models and /mcp (empty: no key needed)")

    @property
    def llm_enabled(self) -> bool:
        """True when a model is configured (otherwise answers are extractive)."""
        return bool(self.llm_provider and self.llm_model)

    @property
    def api_key_set(self) -> frozenset[str]:
        """The keys of ``JINGPIN_API_KEYS`` (empty: the OpenAI-compatible API and /mcp need no key)."""
        return frozenset(k.strip() for k in self.api_keys.split(",") if k.strip())

    def accepts_key(self, authorization: str) -> bool:
        """Whether an ``Authorization`` header may use the OpenAI-compatible API and /mcp: always when
        no ``JINGPIN_API_KEYS`` are set, else only ``Bearer <one of them>`` (compared in constant time)."""
        keys = self.api_key_set
        if not keys:
            return True
        scheme, _, token = authorization.partition(" ")
        given = token.strip().encode()
        return scheme.lower() == "bearer" and any(hmac.compare_digest(given, k.encode()) for k in keys)

    @property
    def staff_ids(self) -> frozenset[int]:
        """Telegram user ids allowed to change the knowledge base."""
        raw = self.telegram_staff_ids.replace(";", ",").split(",")
        return frozenset(int(x) for x in raw if x.strip().isdigit())
