"""Which server serves a data dir: ``<data_dir>/server.json`` while ``jingpin serve`` runs.

The embedded Chroma store may only be written by one process. A running server announces itself
here, so that CLI writes on the same data dir are handed to it (``bot.channels.cli.handoff``)
instead of writing the store beside it, and a second server on the same data dir is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx

from knowledge.errors import KnowledgeError
from knowledge.settings import Settings

FILE_NAME = "server.json"


class ServerUnresponsiveError(KnowledgeError):
    """A server process holds the data dir but does not answer; nothing was changed."""


def _path(settings: Settings) -> Path:
    return settings.data_dir / FILE_NAME


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


@contextlib.contextmanager
def announce(settings: Settings, host: str, port: int) -> Iterator[None]:
    """Record this process as the data dir's server while the block runs (removed on the way out)."""
    path = _path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"pid": os.getpid(), "url": f"http://{local}:{port}"}), encoding="utf-8")
    os.replace(tmp, path)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()


def running_server(settings: Settings, *, timeout: float = 5.0) -> str | None:
    """The base URL of the live server on this data dir, or None when no server runs there.

    Raises :class:`ServerUnresponsiveError` when the recorded process is alive but does not answer
    ``/healthz`` (starting up or stuck): writing beside it would be unsafe, so callers stop.
    """
    path = _path(settings)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        pid, url = int(record["pid"]), str(record["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid() or not _alive(pid):
        return None
    try:
        httpx.get(f"{url}/healthz", timeout=timeout)
    except httpx.HTTPError as exc:
        raise ServerUnresponsiveError(
            f"服务进程 {pid}（{url}）正在使用数据目录 {settings.data_dir}，但没有响应；未做任何更改，请稍后再试 / "
            f"server process {pid} at {url} holds this data dir but does not answer; nothing was changed"
        ) from exc
    return url
