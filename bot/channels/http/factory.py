"""The HTTP app built from the environment: what each worker of ``jingpin serve --workers N`` runs
(``uvicorn.run("bot.channels.http.factory:create", factory=True, workers=N)``), also usable as
``uvicorn --factory bot.channels.http.factory:create`` behind a process manager of one's own.

Workers are separate processes started afresh, so the settings travel through the environment:
the parent calls :func:`export_settings` before starting them, and :func:`create` reads them back.
The parent has already built the knowledge base and cleaned up after any killed build; a worker
only opens the stores and loads the published version.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from bot.settings import BotSettings

ENV_PREFIX = "JINGPIN_"


def export_settings(settings: BotSettings) -> None:
    """Put every setting into this process's environment (``JINGPIN_<NAME>``; unset when None), so
    that processes started from here build the same :class:`BotSettings` with ``from_env()``."""
    for name, value in settings.model_dump(mode="json").items():
        key = f"{ENV_PREFIX}{name.upper()}"
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = str(value)


def create() -> FastAPI:
    """The HTTP app (API, web page, MCP, Telegram webhook) over services built from ``JINGPIN_*``:
    the published KB version loaded, nothing built or cleaned (the parent did that)."""
    from bot.app import build_services, http_app

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    services = build_services(BotSettings.from_env(), build_if_missing=False, clean=False)
    app: FastAPI = http_app(services)
    return app
