"""The composition root: settings → services → which channels run.

Nothing else builds the store, the embedder, the catalog search, the assistant or the staff
operations; channels receive them in :class:`Services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.answer.assistant import Assistant
from bot.answer.conversation.sessions import SessionStore
from bot.answer.llm.composer import make_chat_model
from bot.answer.versions import ComposerCache
from bot.settings import BotSettings
from ingest.catalog.importer import ensure_catalog
from ingest.policy.builder import clean_leftovers, ensure_kb
from ingest.staff import StaffOperations
from knowledge.catalog.search import CatalogSearch
from knowledge.catalog.vectors import ProductVectors
from knowledge.db.engine import make_engine
from knowledge.index.dense import make_client
from knowledge.index.embedders import Embedder, load_embedder
from knowledge.settings import Settings
from knowledge.text.lexicon import shared_lexicon


@dataclass(frozen=True)
class Services:
    """What the channels get: the settings, the answering library and the staff operations."""

    settings: BotSettings
    assistant: Assistant
    staff: StaffOperations


@dataclass(frozen=True)
class Storage:
    """The deployment's stores: the SQL database, the vector store and the embedder."""

    engine: Engine
    client: Any
    embedder: Embedder
    vectors: ProductVectors


def open_storage(settings: Settings) -> Storage:
    """Open the database (tables created when missing), the vector store and the embedder."""
    embedder = load_embedder(settings.embedder)
    client = make_client(settings)
    return Storage(make_engine(settings), client, embedder, ProductVectors(client, embedder))


def build_staff(settings: Settings, storage: Storage | None = None) -> StaffOperations:
    """The staff operations alone (what ``jingpin admin`` and ``jingpin catalog import`` need)."""
    storage = storage or open_storage(settings)
    return StaffOperations(settings, storage.engine, embedder=storage.embedder, client=storage.client,
                           vectors=storage.vectors)


def build_services(settings: BotSettings, *, build_if_missing: bool = True, warm: bool = True) -> Services:
    """Open the stores; build the KB and import the sample catalog from the bundled data when the
    deployment has none (``build_if_missing``); load the published version now (``warm``) so the
    first question is not the slow one."""
    storage = open_storage(settings)
    if build_if_missing:
        ensure_kb(settings, embedder=storage.embedder, client=storage.client, engine=storage.engine)
        ensure_catalog(storage.engine, storage.vectors)
    clean_leftovers(settings, storage.client, storage.engine)
    catalog = CatalogSearch(storage.engine, shared_lexicon(), storage.embedder, storage.vectors)
    chat = make_chat_model(settings) if settings.llm_enabled else None
    versions = ComposerCache(settings, client=storage.client, embedder=storage.embedder, catalog=catalog, chat=chat)
    sessions = SessionStore(max_sessions=settings.max_sessions, max_age_s=settings.session_ttl_s)
    services = Services(settings=settings, assistant=Assistant(versions, catalog, sessions),
                        staff=build_staff(settings, storage))
    if warm:
        versions.current()
        catalog.index()
    return services


def telegram_channel(services: Services, *, polling: bool | None = None) -> Any:
    """The Telegram application when a token is set (polling unless a webhook secret is set), else None."""
    if not services.settings.telegram_token:
        return None
    from bot.channels.telegram.application import build_application

    if polling is None:
        polling = not services.settings.telegram_webhook_secret
    return build_application(services, updater=polling)


def http_app(services: Services) -> Any:
    """The HTTP channel (API, web page, Telegram webhook) with the Telegram bot beside it when configured."""
    from bot.channels.http.app import create_app

    return create_app(services, telegram=telegram_channel(services))


def serve(services: Services, *, host: str, port: int) -> None:
    """Run the HTTP channel (and the Telegram bot when a token is set) until stopped."""
    import signal

    import uvicorn

    from bot.server_registry import announce

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit instead lets
    # the announcement below be withdrawn.
    signal.signal(signal.SIGTERM, stop)
    with announce(services.settings, host, port):
        uvicorn.run(http_app(services), host=host, port=port, log_level="warning")
