"""The HTTP channel's app factory: the /v1 API, the web page and the Telegram webhook. OpenAPI at /docs.

Routes live in :mod:`bot.channels.http.routes` (one module per resource); what they share (services,
auth, the error → status table) in :mod:`bot.channels.http.deps`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot.app import Services
from bot.channels.http.deps import install_admin_guard
from bot.channels.http.errors import DependencyErrors, install_error_handlers
from bot.channels.http.lifespan import app_lifespan
from bot.channels.http.limits import RequestLimits
from bot.channels.http.openapi import install_openapi
from bot.channels.http.routes import admin, ask, catalog, documents, rules, web
from bot.channels.mcp.http import mount_mcp
from bot.channels.openai_compat import errors as openai_errors
from bot.channels.openai_compat import routes as openai_routes
from bot.channels.telegram.webhook import router as telegram_router


def create_app(services: Services, *, telegram: Any = None) -> FastAPI:
    """The FastAPI app over already-built services; ``telegram`` is the bot application to run beside
    it (polling, or fed by ``POST /telegram/webhook``), or None."""
    app = FastAPI(
        title="jingpin 浙江制造精品政策问答",
        version="0.1.0",
        description="Grounded answers about 浙经信技术〔2013〕573号 and its 《目录》, every statement cited.",
        lifespan=app_lifespan,
    )
    app.state.services = services
    app.state.telegram = telegram
    install_admin_guard(app)
    app.add_middleware(DependencyErrors)  # outside the admin guard (its token look-up reads the database)
    web.install_security_headers(app)
    settings = services.settings
    app.add_middleware(RequestLimits, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes, rate_limit_per_minute=settings.rate_limit_per_minute)
    install_error_handlers(app)
    for module in (ask, documents, catalog, rules, admin, web):
        app.include_router(module.router)
    app.include_router(openai_routes.router)
    app.include_router(telegram_router)
    mount_mcp(app, services.assistant, settings)
    app.mount("/static", StaticFiles(directory=web.STATIC), name="static")
    install_openapi(app, extend=(openai_errors.document_errors,))
    return app
