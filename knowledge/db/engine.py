"""The deployment's database: SQLite in the data dir by default, or any SQLAlchemy URL
(``JINGPIN_DATABASE_URL``). It holds the catalog, the staff tokens and the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event

from knowledge.catalog.db import Base
from knowledge.db.admin import ensure_admin_tables
from knowledge.settings import Settings


def database_url(settings: Settings) -> str:
    """``JINGPIN_DATABASE_URL``, or SQLite in the data dir."""
    if settings.database_url:
        return settings.database_url
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(settings.data_dir / 'jingpin.sqlite3').resolve()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the server read while a CLI import writes; the timeout waits out a writer's lock.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(settings: Settings) -> Engine:
    """Open the deployment's database and create jingpin's tables (catalog, tokens, audit) when missing."""
    url = database_url(settings)
    engine = create_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    Base.metadata.create_all(engine)
    ensure_admin_tables(engine)
    return engine
