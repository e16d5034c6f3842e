"""Which KB version answers: the published one (reloaded after a publish) or a retained earlier one.

Requests already running finish on the version they started with: each holds its own composer.
"""

from __future__ import annotations

import threading
from typing import Any

from bot.answer.composer import AnswerComposer
from bot.answer.llm.composer import LLMComposer, Metrics
from knowledge.catalog.search import CatalogSearch
from knowledge.errors import UnknownVersionError
from knowledge.index.embedders import Embedder
from knowledge.kb.knowledge_base import load_kb
from knowledge.kb.registry import KBRegistry
from knowledge.settings import Settings

Composer = AnswerComposer | LLMComposer


class ComposerCache:
    """One composer per KB version: the published one, plus one pinned earlier version at a time."""

    def __init__(self, settings: Settings, *, registry: KBRegistry, client: Any, embedder: Embedder,
                 catalog: CatalogSearch, chat: Any = None, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.registry = registry
        self.client = client
        self.embedder = embedder
        self.catalog = catalog
        self.chat = chat  # the configured LLM (None: extractive answers only)
        self.metrics = metrics or Metrics()
        self._current: AnswerComposer | None = None
        self._pinned: dict[int, AnswerComposer] = {}
        self._lock = threading.Lock()

    def _load(self, version: int | None) -> AnswerComposer:
        kb = load_kb(self.settings, version, registry=self.registry, client=self.client, embedder=self.embedder)
        return AnswerComposer(kb, catalog=self.catalog)

    def current(self) -> AnswerComposer:
        """The extractive composer over the published version (reloaded after a publish by any
        process of the deployment: the pointer is read from the database on every call)."""
        published = self.registry.current_version()
        current = self._current
        if current is not None and current.kb.version == published:
            return current
        with self._lock:
            if self._current is None or self._current.kb.version != published:
                self._current = self._load(None)
            return self._current

    def extractive(self, version: int | None = None) -> AnswerComposer:
        """The extractive composer of ``version`` (a retained one, to reproduce an old answer) or the
        published one; UnknownVersionError when ``version`` is not retained."""
        current = self.current()
        if version is None or version == current.kb.version:
            return current
        if version not in self.registry.retained_versions():
            raise UnknownVersionError(f"知识库版本 {version} 不存在或已被清理 / KB version {version} is not retained")
        with self._lock:
            pinned = self._pinned.get(version)
            if pinned is None:
                pinned = self._load(version)
                self._pinned = {version: pinned}  # keep one pinned version in memory
            return pinned

    def answerer(self, version: int | None = None) -> Composer:
        """What answers questions: the extractive composer, wrapped by the LLM one when configured."""
        base = self.extractive(version)
        return LLMComposer(base, self.chat, self.metrics) if self.chat is not None else base
