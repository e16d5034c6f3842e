"""The deployment's database: SQLite in the data dir by default, or any SQLAlchemy URL
(``JINGPIN_DATABASE_URL``). It holds the catalog, the staff tokens, the audit log and the sessions.

PostgreSQL (``postgresql://…``, the ``postgres`` extra) is reached through psycopg 3. Several
processes, on one host or many, may open one database at once: creating the tables is safe when
they all start together, and a pooled connection is checked before use, so a database restart
costs the next request nothing once the server is back.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from knowledge.catalog.db import Base, ensure_meta_rows
from knowledge.db.admin import ensure_admin_tables
from knowledge.errors import DependencyError
from knowledge.settings import Settings

POSTGRES_DRIVER = "postgresql+psycopg://"
MISSING_DRIVER = ("未安装 PostgreSQL 驱动 psycopg 3，无法连接 {url}：请运行 pip install 'jingpin[postgres]' / "
                  "the PostgreSQL driver psycopg 3 is not installed, cannot open {url}: run pip install 'jingpin[postgres]'")
_SCHEMA_LOCK_KEY = 0x6A696E67  # "jing": the advisory lock that orders table creation on PostgreSQL
_CREATE_ATTEMPTS = 5


def database_url(settings: Settings) -> str:
    """``JINGPIN_DATABASE_URL`` (a PostgreSQL URL names the psycopg 3 driver), or SQLite in the data dir."""
    if settings.database_url:
        return driver_url(settings.database_url)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(settings.data_dir / 'jingpin.sqlite3').resolve()}"


def driver_url(url: str) -> str:
    """``url`` with ``postgresql://`` / ``postgres://`` spelled ``postgresql+psycopg://`` (psycopg 3, not
    SQLAlchemy's default psycopg2); any other URL unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return POSTGRES_DRIVER + url[len(prefix):]
    return url


def _require_driver(url: str) -> None:
    if not url.startswith(POSTGRES_DRIVER):
        return
    try:
        importlib.import_module("psycopg")
    except ImportError:
        raise DependencyError(MISSING_DRIVER.format(url=make_url(url).render_as_string(hide_password=True))) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The timeout first: switching to WAL needs a moment alone with the file when several processes
    # open it at once. WAL lets the server read while a CLI import writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@contextmanager
def advisory_lock(engine: Engine, key: int, *, wait: bool = True) -> Iterator[bool]:
    """Hold the PostgreSQL advisory lock ``key`` on a connection kept open for the duration (the server
    releases it if this process dies). Yields True while held; with ``wait`` false and the lock taken by
    another session, yields False at once without holding it."""
    with engine.connect() as connection:
        if wait:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            held = True
        else:
            held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar())
        connection.commit()
        try:
            yield held
        finally:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold the database-wide lock for creating tables (a PostgreSQL advisory lock; a no-op elsewhere,
    where :func:`create_when_missing` retries instead)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with advisory_lock(engine, _SCHEMA_LOCK_KEY):
        yield


def create_when_missing(engine: Engine, *steps: Callable[[Engine], None]) -> None:
    """Run the table-creating ``steps`` (each idempotent, e.g. ``metadata.create_all``) so that any
    number of processes starting at once on one empty database all succeed and create each table once."""
    for attempt in range(_CREATE_ATTEMPTS):
        try:
            with schema_lock(engine):
                for step in steps:
                    step(engine)
            return
        except (OperationalError, ProgrammingError, IntegrityError):
            # Another process created a table between our check and our CREATE; look again.
            if attempt == _CREATE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def make_engine(settings: Settings) -> Engine:
    """Open the deployment's database and create jingpin's tables (catalog, tokens, audit) when missing.
    DependencyError (with the pip command) when the URL needs a driver that is not installed."""
    url = database_url(settings)
    _require_driver(url)
    if url.startswith("sqlite"):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    create_when_missing(engine, Base.metadata.create_all, ensure_admin_tables, ensure_meta_rows)
    return engine
