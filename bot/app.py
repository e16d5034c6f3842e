"""The one place that builds jingpin's services; channels (API, CLI) receive them from here."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from bot.answer.composer import AnswerComposer
from bot.answer.conversation.sessions import SessionStore
from bot.answer.llm.composer import LLMComposer, Metrics, make_chat_model
from ingest.catalog.importer import ensure_catalog
from ingest.errors import UnknownVersionError
from ingest.policy.builder import clean_leftovers, ensure_kb
from knowledge.catalog.db import make_engine
from knowledge.catalog.search import CatalogSearch
from knowledge.catalog.vectors import ProductVectors
from knowledge.index.dense import make_client
from knowledge.index.embedders import Embedder, load_embedder
from knowledge.kb import store
from knowledge.kb.knowledge_base import KnowledgeBase, load_kb
from knowledge.settings import Settings
from knowledge.text.lexicon import shared_lexicon


@dataclass
class Services:
    """Settings, the Chroma client, the embedder and the composer of the published KB version.

    When staff publish a new version, the next request picks it up; requests already running
    finish on the version they started with (each holds its own composer reference).
    """

    settings: Settings
    client: Any
    embedder: Embedder
    engine: Engine
    catalog: CatalogSearch
    sessions: SessionStore = field(default_factory=SessionStore)
    metrics: Metrics = field(default_factory=Metrics)
    chat: Any = None  # the configured LLM (None: extractive answers only)
    _composer: AnswerComposer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pinned: dict[int, AnswerComposer] = field(default_factory=dict)

    def composer(self) -> AnswerComposer:
        """The composer over the currently published KB version (reloaded after a publish)."""
        published = store.current_version(self.settings.kb_dir)
        current = self._composer
        if current is not None and current.kb.version == published:
            return current
        with self._lock:
            if self._composer is None or self._composer.kb.version != published:
                kb = load_kb(self.settings, client=self.client, embedder=self.embedder)
                self._composer = AnswerComposer(kb, catalog=self.catalog)
            return self._composer

    def composer_for(self, version: int | None) -> AnswerComposer:
        """The composer of a retained earlier version (to reproduce an old answer), or the current one."""
        current = self.composer()
        if version is None or version == current.kb.version:
            return current
        if version not in store.complete_versions(self.settings.kb_dir):
            raise UnknownVersionError(f"知识库版本 {version} 不存在或已被清理 / KB version {version} is not retained")
        with self._lock:
            pinned = self._pinned.get(version)
            if pinned is None:
                kb = load_kb(self.settings, version, client=self.client, embedder=self.embedder)
                pinned = AnswerComposer(kb, catalog=self.catalog)
                self._pinned = {version: pinned}  # keep one pinned version in memory
            return pinned

    def answerer(self, version: int | None = None) -> AnswerComposer | LLMComposer:
        """What answers questions: the extractive composer, wrapped by the LLM one when configured."""
        base = self.composer_for(version)
        return LLMComposer(base, self.chat, self.metrics) if self.chat is not None else base

    def kb(self) -> KnowledgeBase:
        """The published KB version."""
        return self.composer().kb


def build_services(settings: Settings, *, build_if_missing: bool = True) -> Services:
    """Open the store and embedder; build the KB from the bundled data when none is published."""
    embedder = load_embedder(settings.embedder)
    client = make_client(settings)
    engine = make_engine(settings)
    vectors = ProductVectors(client, embedder)
    if build_if_missing:
        ensure_kb(settings, embedder=embedder, client=client)
        ensure_catalog(engine, vectors)
    clean_leftovers(settings, client)
    catalog = CatalogSearch(engine, shared_lexicon(), embedder, vectors)
    chat = make_chat_model(settings) if settings.llm_enabled else None
    services = Services(settings=settings, client=client, embedder=embedder, engine=engine, catalog=catalog,
                        chat=chat)
    services.composer()  # load now, so the first question is not the slow one
    catalog.index()
    return services
