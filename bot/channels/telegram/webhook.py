"""Telegram inside the API process: ``POST /telegram/webhook`` and the bot's start/stop.

With ``JINGPIN_TELEGRAM_WEBHOOK_SECRET`` set the bot runs in webhook mode (Telegram posts updates
here; several API workers can share one bot); with only a token it polls beside the API.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from telegram import Update

from bot.channels.telegram.application import register_commands

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
router = APIRouter()


@asynccontextmanager
async def telegram_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the bot with the server (polling when it has an updater) and stop it after."""
    application = getattr(app.state, "telegram", None)
    if application is not None:
        await application.initialize()
        await register_commands(application)  # post_init only runs under run_polling/run_webhook
        await application.start()
        if application.updater is not None:
            await application.updater.start_polling(poll_interval=0.5, timeout=10)
    yield
    if application is not None:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        await application.stop()
        await application.shutdown()


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> JSONResponse:
    """An update from Telegram: 403 without the right secret header, 404 when the bot is off."""
    application = getattr(request.app.state, "telegram", None)
    secret = request.app.state.services.settings.telegram_webhook_secret
    if application is None or not secret:
        return JSONResponse({"detail": "未启用 Telegram webhook / Telegram webhook is not enabled"}, 404)
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return JSONResponse({"detail": "禁止访问 / forbidden"}, 403)
    try:
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
            raise ValueError("not an update object")
        update = Update.de_json(body, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError):  # what PTB raises on a malformed update
        return JSONResponse({"detail": "请求体不是合法的 Telegram 更新 / not a Telegram update"}, 422)
    try:
        await application.process_update(update)
    except Exception:  # a bad update must not make Telegram retry it forever
        log.exception("Telegram update %s could not be processed", update.update_id)
        return JSONResponse({"ok": False})
    return JSONResponse({"ok": True})
