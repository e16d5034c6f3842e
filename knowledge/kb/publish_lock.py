"""The one publish lock of a deployment, held by the database so every process and host sees it.

PostgreSQL: a session-level advisory lock on a connection kept for the lock's duration; the server
releases it when that connection ends, so a killed process never leaves it held. SQLite (one host
by nature): an OS file lock beside the database file, which the kernel releases likewise.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from knowledge.db.engine import advisory_lock
from knowledge.errors import KBBusyError

LOCK_KEY = 573_2013  # the advisory lock id jingpin uses; one deployment per database
BUSY = "另一个发布正在进行，请稍后再试 / another publish is in progress"


def _sqlite_lock_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise KBBusyError("内存数据库不支持发布锁 / an in-memory database cannot hold the publish lock")
    return Path(f"{database}.publish.lock")


@contextmanager
def _file_lock(path: Path, wait: bool) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KBBusyError(BUSY) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def publish_lock(engine: Engine, *, wait: bool = False) -> Iterator[None]:
    """Hold the deployment's publish lock. Raises :class:`KBBusyError` at once when another publish
    (in any process or on any host of the deployment) holds it and ``wait`` is false."""
    if engine.dialect.name == "postgresql":
        with advisory_lock(engine, LOCK_KEY, wait=wait) as held:
            if not held:
                raise KBBusyError(BUSY)
            yield
    else:
        with _file_lock(_sqlite_lock_path(engine), wait):
            yield
