"""The deployment's shared dependencies — the SQL database and the vector store (Chroma) — and what
to say when one of them is down.

One home for two behaviours every channel needs:

- :func:`dependency_down` reads any exception (a SQLAlchemy connection error, the httpx error Chroma's
  ``HttpClient`` raises when its server is gone …) as a :class:`DependencyUnavailable` naming the
  dependency, or None when the exception is something else. The channels turn it into a 503 (HTTP,
  OpenAI-compatible), a tool error (MCP) or a reply (Telegram), with the same bilingual message.
- :func:`probe` asks each dependency whether it answers now (``SELECT 1``; Chroma's heartbeat), for
  ``/healthz``.

Nothing needs re-creating when a dependency comes back: SQLAlchemy's pool drops a connection that
failed, and chromadb's ``HttpClient`` opens a new connection for the next request (both tested
against real servers in ``tests/test_dependencies.py``).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

import httpx
from sqlalchemy import Engine, exc, text

from knowledge.errors import KnowledgeError

log = logging.getLogger(__name__)

Dependency = Literal["database", "vector_store"]
DEPENDENCIES: tuple[Dependency, ...] = ("database", "vector_store")
#: Each dependency's name in Chinese and English.
NAMES: dict[Dependency, tuple[str, str]] = {"database": ("数据库", "database"),
                                            "vector_store": ("向量库", "vector store")}
CHROMA_API_PATH = "/api/v2/"  # every request of chromadb's HttpClient
_CHROMA_DOWN = "Could not connect to a Chroma server"  # chromadb's ValueError when a client cannot connect
_DEPTH = 8  # how far along __cause__ / __context__ to look


def unavailable_message(down: list[Dependency] | tuple[Dependency, ...]) -> str:
    """The bilingual sentence for the dependencies in ``down``, Chinese first, e.g.
    ``向量库不可用 / vector store unavailable``."""
    zh = "、".join(NAMES[d][0] for d in down)
    en = " and ".join(NAMES[d][1] for d in down)
    return f"{zh}不可用，请稍后再试 / {en} unavailable, please try again shortly"


class DependencyUnavailable(KnowledgeError):
    """The database or the vector store did not answer; nothing was changed by the failed call."""

    def __init__(self, dependency: Dependency) -> None:
        super().__init__(unavailable_message((dependency,)))
        self.dependency: Dependency = dependency


def _is_chroma_request(error: httpx.TransportError) -> bool:
    try:
        return error.request.url.path.startswith(CHROMA_API_PATH)
    except RuntimeError:  # no request attached: not one of chromadb's calls
        return False


def _classify(error: BaseException) -> Dependency | None:
    if isinstance(error, DependencyUnavailable):
        return error.dependency
    if isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError | exc.DisconnectionError):
        return "database"  # refused, reset, unreachable, the pool exhausted waiting for a connection
    if isinstance(error, exc.DBAPIError) and (error.connection_invalidated or type(error) is exc.DatabaseError):
        return "database"  # a dropped connection, or a database file that is no database any more
    if isinstance(error, httpx.TransportError) and _is_chroma_request(error):
        return "vector_store"  # connect refused, reset, timed out
    if isinstance(error, ValueError) and _CHROMA_DOWN in str(error):
        return "vector_store"
    return None


def dependency_down(error: BaseException) -> DependencyUnavailable | None:
    """``error`` as the dependency it says is down (looking along its causes too), or None when it is
    not a connection failure of the database or the vector store."""
    seen: BaseException | None = error
    for _ in range(_DEPTH):
        if seen is None:
            return None
        dependency = _classify(seen)
        if dependency is not None:
            return error if isinstance(error, DependencyUnavailable) else DependencyUnavailable(dependency)
        seen = seen.__cause__ or seen.__context__
    return None


def _database_answers(engine: Engine) -> bool:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        if engine.dialect.name == "sqlite":  # SELECT 1 does not touch the file; the schema version does
            connection.exec_driver_sql("PRAGMA schema_version")
    return True


def _vector_store_answers(client: Any) -> bool:
    client.heartbeat()
    return True


def probe(engine: Engine, client: Any) -> dict[Dependency, bool]:
    """Whether each dependency answers right now: ``{"database": bool, "vector_store": bool}``. Never
    raises: a probe that fails for any reason counts the dependency as down (and is logged)."""
    checks = {"database": lambda: _database_answers(engine), "vector_store": lambda: _vector_store_answers(client)}
    result: dict[Dependency, bool] = {}
    for name in DEPENDENCIES:
        try:
            result[name] = checks[name]()
        except Exception as error:  # down, whatever the reason: /healthz must answer
            log.warning("%s probe failed: %s", name, error)
            result[name] = False
    return result
