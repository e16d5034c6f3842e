"""jingpin's settings: the knowledge side's storage settings plus the channels' own (Telegram, LLM).

Built once, by the entry point (:mod:`bot.channels.cli.main`), and passed down; nothing reads the
environment at import time.
"""

from __future__ import annotations

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

    @property
    def llm_enabled(self) -> bool:
        """True when a model is configured (otherwise answers are extractive)."""
        return bool(self.llm_provider and self.llm_model)

    @property
    def staff_ids(self) -> frozenset[int]:
        """Telegram user ids allowed to change the knowledge base."""
        raw = self.telegram_staff_ids.replace(";", ",").split(",")
        return frozenset(int(x) for x in raw if x.strip().isdigit())
