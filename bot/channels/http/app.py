"""HTTP API (FastAPI): /healthz, /v1/ask, /v1/documents, /v1/clauses, /v1/catalog/…. OpenAPI at /docs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.answer.conversation.followups import ask_in_session
from bot.app import Services
from bot.channels.http.routes.admin import router as admin_router
from bot.channels.http.routes.catalog import router as catalog_router
from bot.channels.http.routes.rules import router as rules_router
from bot.channels.http.schemas import AskRequest, AskResponse, ClausePublic, DocumentPublic, Health
from bot.channels.telegram.webhook import add_webhook_route, telegram_application, telegram_lifespan
from ingest.errors import UnknownVersionError
from ingest.upload_guard import MAX_UPLOAD
from knowledge.db.admin import token_holder
from knowledge.errors import FactError, KBBusyError, KnowledgeError, UnknownClauseError, UnknownProductError

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
ERROR_STATUS: dict[type[Exception], int] = {UnknownClauseError: 404, UnknownProductError: 404, UnknownVersionError: 404,
                                            KBBusyError: 409, FactError: 422}


def _validation_message(exc: RequestValidationError) -> str:
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        msg = str(error.get("msg", ""))
        if msg.startswith("Value error, "):
            return msg.removeprefix("Value error, ")
        if "question" in loc:
            if error.get("type") == "missing":
                return "缺少问题字段 question / the field 'question' is required"
            return "问题必须是文字 / the question must be a string"
        if error.get("type") == "json_invalid":
            return "请求体不是合法的 JSON / the request body is not valid JSON"
        if loc and loc[0] in ("query", "path"):
            return f"参数 {loc[-1]} 无效：{msg} / invalid parameter {loc[-1]}: {msg}"
    return "请求格式不正确 / invalid request"


def get_services(request: Request) -> Services:
    """The services the app was created with."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def create_app(services: Services) -> FastAPI:
    """The FastAPI app over already-built services."""
    app = FastAPI(
        title="jingpin 浙江制造精品政策问答",
        version="0.1.0",
        description="Grounded answers about 浙经信技术〔2013〕573号 and its 《目录》, every statement cited.",
        lifespan=telegram_lifespan,
    )

    app.state.services = services
    app.state.telegram = telegram_application(services)

    @app.middleware("http")
    async def admin_guard(request: Request, call_next: Any) -> Any:
        """Refuse /v1/admin requests without a valid token, or too large, before their body is read."""
        if request.url.path.startswith("/v1/admin"):
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                detail = "需要令牌：Authorization: Bearer … / a bearer token is required"
            elif token_holder(services.engine, token.strip()) is None:
                detail = "令牌无效或已吊销 / invalid or revoked token"
            else:
                detail = ""
            if detail:
                return JSONResponse(status_code=401, headers={"WWW-Authenticate": "Bearer"}, content={"detail": detail})
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_UPLOAD + 1024 * 1024:
                return JSONResponse(status_code=413, content={"detail": "上传过大 / upload too large"})
        return await call_next(request)
    add_webhook_route(app, services)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[dict[str, Any]] = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")} for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": _validation_message(exc), "errors": errors})

    async def plain_error(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=ERROR_STATUS[type(exc)], content={"detail": str(exc)})

    for error in ERROR_STATUS:  # unknown things 404, a busy publish 409, bad facts 422
        app.add_exception_handler(error, plain_error)

    @app.exception_handler(KnowledgeError)
    async def on_knowledge_error(_: Request, exc: KnowledgeError) -> JSONResponse:
        log.error("knowledge base unavailable: %s", exc)
        return JSONResponse(status_code=503, content={"detail": "知识库暂不可用 / knowledge base unavailable"})

    @app.get("/healthz", response_model=Health)
    def healthz(svc: ServicesDep) -> Health:
        """Liveness plus the KB version being served."""
        index = svc.catalog.index()
        return Health(status="ok", kb_version=svc.kb().version, catalog_revision=index.revision,
                      catalog_products=len(index), metrics=svc.metrics.snapshot())

    @app.post("/v1/ask", response_model=AskResponse)
    def ask(body: AskRequest, svc: ServicesDep) -> dict[str, Any]:
        """Answer a question with clause citations (or say the KB does not cover it). Facts stated
        in the question, in ``profile`` and earlier in the session feed the verdicts."""
        session = f"api:{body.session_id}" if body.session_id else None  # never another channel's session
        answer = ask_in_session(svc, body.question, session_id=session, profile=body.profile,
                                as_of=body.as_of, kb_version=body.kb_version)
        return answer.to_dict()

    @app.get("/v1/documents", response_model=list[DocumentPublic])
    def documents(svc: ServicesDep) -> list[DocumentPublic]:
        """The policy documents in the served KB version."""
        kb = svc.kb()
        return [
            DocumentPublic(doc_id=d.doc_id, title=d.title, doc_number=d.doc_number, issuers=list(d.issuers),
                           issued_on=d.issued_on, status=d.status, clauses=len(kb.clauses_of(d.doc_id)))
            for d in kb.documents.values()
        ]

    @app.get("/v1/clauses/{doc_id}/{clause_id}", response_model=ClausePublic)
    def clause(doc_id: str, clause_id: str, svc: ServicesDep) -> ClausePublic:
        """One clause, verbatim (404 when the document or clause is unknown)."""
        kb = svc.kb()
        # Accept the label form too: 三（二）2 and 三(二)2 name the same clause.
        wanted = clause_id.replace("（", "(").replace("）", ")")
        c = kb.clause(doc_id, wanted)
        document = kb.documents[doc_id]
        children = [x.clause_id for x in kb.clauses_of(doc_id) if x.parent_id == c.clause_id]
        return ClausePublic(doc_id=doc_id, doc_title=document.title, doc_number=document.doc_number,
                            clause_id=c.clause_id, label=c.label, heading=c.heading, text=c.text,
                            parent_id=c.parent_id, children=children, kb_version=kb.version)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        """The web chat page (served from the package; no CDN)."""
        return FileResponse(STATIC / "index.html")

    app.include_router(catalog_router)
    app.include_router(rules_router)
    app.include_router(admin_router)
    return app
