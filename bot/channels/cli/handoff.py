"""CLI writes handed to the server that runs on the same data dir.

Only one process may write the embedded Chroma store; a ``jingpin catalog import`` beside a
running server used to leave that server answering 500 until restarted. When
:func:`bot.server_registry.running_server` finds a server, the CLI sends the change through the
server's own admin API instead, under a short-lived admin token named after the CLI user (so the
audit log still says ``cli:<login>``). The token is deleted when the command ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from knowledge.db import admin as admin_db
from knowledge.db.engine import make_engine
from knowledge.errors import InvalidInputError, KnowledgeError
from knowledge.settings import Settings

HANDED_OVER = "jingpin: 已交给运行中的服务 {url} 执行（同一数据目录只由一个进程写入） / handed to the server at {url}"


class HandoffError(KnowledgeError):
    """The server refused or failed the handed-over change (its message is kept)."""


class ServerHandoff:
    """An admin session on the running server, speaking its ``/v1/admin`` API."""

    def __init__(self, url: str, token: str, token_id: int) -> None:
        self.url = url
        self.token_id = token_id  # this session's own token, left out of token listings
        self._client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                                    timeout=httpx.Timeout(10.0, read=None))

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._client.request(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail", response.text)
            except ValueError:
                detail = response.text
            error = InvalidInputError if response.status_code in (400, 404, 409, 413, 422) else HandoffError
            raise error(f"{detail}（服务 {self.url} 返回 {response.status_code}）")
        return response.json()

    def _upload(self, path: str, file: Path, form: dict[str, Any]) -> Any:
        fields = {k: ("true" if v is True else "false" if v is False else str(v))
                  for k, v in form.items() if v is not None}
        with file.open("rb") as handle:
            return self._call("POST", path, files={"file": (file.name, handle)}, data=fields)

    def import_catalog(self, file: Path, *, partial: bool, dry_run: bool, replace: bool) -> dict[str, Any]:
        """``POST /v1/admin/catalog/import``: the import report."""
        result: dict[str, Any] = self._upload("/v1/admin/catalog/import", file,
                                              {"partial": partial, "dry_run": dry_run, "replace": replace})
        return result

    def upload_document(self, file: Path, **form: Any) -> dict[str, Any]:
        """``POST /v1/admin/documents``: the clause diff (dry run) or the published change."""
        result: dict[str, Any] = self._upload("/v1/admin/documents", file, form)
        return result

    def upload_rules(self, file: Path, *, dry_run: bool) -> dict[str, Any]:
        """``POST /v1/admin/rules``: the rules file's dry run or the published change."""
        result: dict[str, Any] = self._upload("/v1/admin/rules", file, {"dry_run": dry_run})
        return result

    def call(self, method: str, path: str, json: Any = None) -> Any:
        """Any other admin call, e.g. ``call("POST", "/v1/admin/rollback", {"version": 3})``."""
        return self._call(method, path, json=json)

    def close(self) -> None:
        """Close the connection."""
        self._client.close()


@contextlib.contextmanager
def server_session(settings: Settings, url: str, actor: str) -> Iterator[ServerHandoff]:
    """An admin session on the server at ``url`` for ``actor``; its token exists only inside the block."""
    engine = make_engine(settings)
    token_id, token = admin_db.create_token(engine, actor, "admin")
    session = ServerHandoff(url, token, token_id)
    try:
        yield session
    finally:
        session.close()
        admin_db.delete_token(engine, token_id)
