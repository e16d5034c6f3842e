"""The composition root: settings → services → which channels run.

Nothing else builds the store, the embedder, the catalog search, the assistant or the staff
operations; channels receive them in :class:`Services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from bot.answer.assistant import Assistant
from bot.answer.conversation.sql_sessions import SqlSessionStore
from bot.answer.llm.composer import make_chat_model
from bot.answer.versions import ComposerCache
from bot.settings import BotSettings
from ingest.catalog.importer import ensure_catalog
from ingest.policy.builder import clean_leftovers, ensure_kb
from ingest.staff import StaffOperations
from knowledge.catalog.search import CatalogSearch
from knowledge.catalog.vectors import ProductVectors
from knowledge.db.engine import make_engine
from knowledge.dependencies import Dependency, probe
from knowledge.index.dense import make_client
from knowledge.index.embedders import Embedder, load_embedder
from knowledge.kb.registry import KBRegistry
from knowledge.settings import Settings
from knowledge.text.lexicon import shared_lexicon


@dataclass(frozen=True)
class Services:
    """What the channels get: the settings, the answering library and the staff operations."""

    settings: BotSettings
    assistant: Assistant
    staff: StaffOperations

    def dependencies(self) -> dict[Dependency, bool]:
        """Whether the database and the vector store answer right now (``/healthz``); never raises."""
        return probe(self.staff.engine, self.staff.client)


@dataclass(frozen=True)
class Storage:
    """The deployment's stores: the SQL database, the vector store and the embedder."""

    engine: Engine
    registry: KBRegistry
    client: Any
    embedder: Embedder
    vectors: ProductVectors


def open_storage(settings: Settings) -> Storage:
    """Open the database (tables created when missing), the vector store and the embedder."""
    embedder = load_embedder(settings.embedder)
    client = make_client(settings)
    engine = make_engine(settings)
    registry = KBRegistry(engine)
    vectors = ProductVectors(client, embedder, prefix=f"{registry.deployment_id}-")
    return Storage(engine, registry, client, embedder, vectors)


def build_staff(settings: Settings, storage: Storage | None = None) -> StaffOperations:
    """The staff operations alone (what ``jingpin admin`` and ``jingpin catalog import`` need)."""
    storage = storage or open_storage(settings)
    return StaffOperations(settings, storage.engine, embedder=storage.embedder, client=storage.client,
                           vectors=storage.vectors, registry=storage.registry)


def build_services(settings: BotSettings, *, build_if_missing: bool = True, warm: bool = True,
                   clean: bool = True) -> Services:
    """Open the stores; build the KB and import the sample catalog from the bundled data when the
    deployment has none (``build_if_missing``); load the published version now (``warm``) so the
    first question is not the slow one. ``clean``: remove a killed build's leftovers (not in a worker
    of ``serve --workers``, which must not remove what another worker is publishing)."""
    storage = open_storage(settings)
    if build_if_missing:
        ensure_kb(settings, embedder=storage.embedder, client=storage.client, registry=storage.registry)
        ensure_catalog(storage.engine, storage.vectors)
    if clean:
        clean_leftovers(settings, storage.client, storage.registry)
    catalog = CatalogSearch(storage.engine, shared_lexicon(), storage.embedder, storage.vectors)
    chat = make_chat_model(settings) if settings.llm_enabled else None
    versions = ComposerCache(settings, registry=storage.registry, client=storage.client, embedder=storage.embedder,
                             catalog=catalog, chat=chat)
    sessions = SqlSessionStore(storage.engine, max_sessions=settings.max_sessions, max_age_s=settings.session_ttl_s)
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


#: The app factory each worker of ``serve --workers N`` builds its app with (settings from the environment).
FACTORY = "bot.channels.http.factory:create"
WORKER_PING_TIMEOUT_S = 60  # a worker that does not answer uvicorn's liveness ping this long is restarted


def workers_problem(settings: BotSettings, workers: int) -> str:
    """Why ``serve`` cannot run ``workers`` processes with these settings ("" when it can): several
    processes need a Chroma server (the embedded store is one process's) and a Telegram webhook
    (only one process may poll)."""
    if workers < 1:
        return "--workers 至少为 1 / --workers must be at least 1"
    if workers == 1:
        return ""
    if not settings.chroma_host:
        return ("多个工作进程需要 Chroma 服务器：内置 Chroma 只能由一个进程使用。请运行 chroma run 并设置 JINGPIN_CHROMA_HOST"
                "（及 JINGPIN_CHROMA_PORT） / --workers > 1 needs a Chroma server: the embedded store is not safe across "
                "processes; start `chroma run` and set JINGPIN_CHROMA_HOST (and JINGPIN_CHROMA_PORT)")
    if settings.telegram_token and not settings.telegram_webhook_secret:
        return ("多个工作进程时 Telegram 机器人须使用 webhook：请设置 JINGPIN_TELEGRAM_WEBHOOK_SECRET，或另行运行 jingpin bot / "
                "with --workers > 1 the Telegram bot needs webhook mode: set JINGPIN_TELEGRAM_WEBHOOK_SECRET, or run "
                "`jingpin bot` on its own")
    return ""


def serve(services: Services, *, host: str, port: int, workers: int = 1) -> None:
    """Run the HTTP channel (and the Telegram bot when a token is set) until stopped (SIGTERM, Ctrl-C).
    With ``workers`` > 1 (see :func:`workers_problem`) that many worker processes serve one socket, each
    building its own services from these settings (:data:`FACTORY`); this process announces them
    (``data/server.json``), restarts a worker that dies and stops them all on SIGTERM."""
    import signal

    import uvicorn

    from bot.server_registry import announce

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    # uvicorn re-raises SIGTERM after its graceful shutdown; exiting through SystemExit instead lets
    # the announcement below be withdrawn. (With workers, uvicorn's supervisor handles SIGTERM itself
    # and returns once every worker has stopped.)
    signal.signal(signal.SIGTERM, stop)
    with announce(services.settings, host, port):
        if workers > 1:
            from bot.channels.http.factory import export_settings

            export_settings(services.settings)
            # A worker loading the KB holds the GIL for seconds at a time (the jieba dictionary, the indexes),
            # so uvicorn's default 5 s liveness ping would kill and restart workers that are only starting.
            uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers, log_level="warning",
                        timeout_worker_healthcheck=WORKER_PING_TIMEOUT_S)
        else:
            uvicorn.run(http_app(services), host=host, port=port, log_level="warning")
