"""What every route shares: the services, the bearer-token check, and the one table that turns
library errors into HTTP statuses (with the Chinese/English message each error carries)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.answer.assistant import Assistant
from bot.app import Services
from ingest.errors import IngestError, UnknownDocumentError
from ingest.staff import StaffOperations
from ingest.upload_guard import MAX_UPLOAD
from knowledge.db.admin import ROLES, TokenHolder
from knowledge.errors import (
    FactError,
    InvalidInputError,
    KBBusyError,
    KnowledgeError,
    RulesError,
    UnknownClauseError,
    UnknownProductError,
    UnknownVersionError,
)

log = logging.getLogger(__name__)

#: Library errors → status, most specific first (looked up along the error's class hierarchy).
ERROR_STATUS: dict[type[Exception], int] = {
    UnknownClauseError: 404, UnknownProductError: 404, UnknownVersionError: 404, UnknownDocumentError: 404,
    KBBusyError: 409,
    FactError: 422, RulesError: 422, InvalidInputError: 422, IngestError: 422,  # RulesError: a publish would break a rule
    KnowledgeError: 503,
}
UNAVAILABLE = "知识库暂不可用 / knowledge base unavailable"


def get_services(request: Request) -> Services:
    """The services the app was created with."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_assistant(request: Request) -> Assistant:
    """The answering library."""
    return get_services(request).assistant


def get_staff(request: Request) -> StaffOperations:
    """The staff operations (every write audited)."""
    return get_services(request).staff


AssistantDep = Annotated[Assistant, Depends(get_assistant)]
StaffDep = Annotated[StaffOperations, Depends(get_staff)]


def bearer_problem(staff: StaffOperations, authorization: str) -> str:
    """Why an Authorization header does not name a valid token ("" when it does)."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "需要令牌：Authorization: Bearer … / a bearer token is required"
    if staff.holder(token.strip()) is None:
        return "令牌无效或已吊销 / invalid or revoked token"
    return ""


def _holder(request: Request, staff: StaffDep) -> TokenHolder:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    holder = staff.holder(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if holder is None:
        raise HTTPException(401, bearer_problem(staff, header) or "令牌无效或已吊销 / invalid or revoked token",
                            headers={"WWW-Authenticate": "Bearer"})
    return holder


def role(required: str) -> Callable[..., TokenHolder]:
    """Dependency: a token holder with at least ``required`` (staff < admin)."""

    def check(holder: Annotated[TokenHolder, Depends(_holder)]) -> TokenHolder:
        if ROLES.index(holder.role) < ROLES.index(required):
            raise HTTPException(403, f"此操作需要 {required} 角色 / this needs the {required} role")
        return holder

    return check


Staff = Annotated[TokenHolder, Depends(role("staff"))]
Admin = Annotated[TokenHolder, Depends(role("admin"))]


def status_for(exc: Exception) -> int:
    """The HTTP status of a library error (500 only for what the table does not know)."""
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500


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


def install_error_handlers(app: FastAPI) -> None:
    """Bad input → 422 naming the problem; unknown things 404; a busy publish 409; the KB down 503."""

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[dict[str, Any]] = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")} for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": _validation_message(exc), "errors": errors})

    async def on_library_error(_: Request, exc: Exception) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("knowledge base unavailable: %s", exc)
            return JSONResponse(status_code=503, content={"detail": UNAVAILABLE})
        return JSONResponse(status_code=status, content={"detail": str(exc)})

    for error in ERROR_STATUS:
        app.add_exception_handler(error, on_library_error)


def install_admin_guard(app: FastAPI) -> None:
    """Refuse /v1/admin requests without a valid token (401), or too large (413), before their body is read."""

    @app.middleware("http")
    async def admin_guard(request: Request, call_next: Any) -> Any:
        if request.url.path.startswith("/v1/admin"):
            problem = bearer_problem(get_staff(request), request.headers.get("authorization", ""))
            if problem:
                return JSONResponse(status_code=401, headers={"WWW-Authenticate": "Bearer"}, content={"detail": problem})
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > MAX_UPLOAD + 1024 * 1024:
                return JSONResponse(status_code=413, content={"detail": "上传过大 / upload too large"})
        return await call_next(request)
