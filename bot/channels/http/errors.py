"""How the HTTP channel reports errors: one table from library errors to statuses, and every error
body in one shape, ``{"detail": "<中文> / <English>", "errors"?: [...]}``.

Framework errors (bad JSON, unknown path, wrong method) get the same bilingual shape as ours, and
invalid input is always a 422 that names the field. A database or vector store that does not answer
is a 503 naming it, wherever below the channel it failed (:class:`DependencyErrors`).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ingest.errors import IngestError, UnknownDocumentError
from knowledge.dependencies import DependencyUnavailable, dependency_down
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
BAD_BODY = "请求体不是合法的 JSON（须为 UTF-8，嵌套不宜过深） / the request body is not valid JSON"
#: The framework's English-only messages, said in both languages.
FRAMEWORK_DETAIL = {
    404: "未找到 / not found",
    405: "不支持此请求方法 / method not allowed",
    400: BAD_BODY,
}

#: pydantic error types in Chinese (the English half keeps pydantic's own message).
TYPE_ZH = {
    "date_parsing": "应为 YYYY-MM-DD 格式的日期", "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_type": "应为 YYYY-MM-DD 格式的日期", "int_parsing": "应为整数", "int_type": "应为整数",
    "int_from_float": "应为整数", "float_parsing": "应为数字", "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false", "string_type": "应为文字", "string_too_long": "过长",
    "string_too_short": "过短", "string_pattern_mismatch": "含有不允许的字符", "too_long": "项数过多",
    "greater_than_equal": "小于允许的最小值", "greater_than": "小于允许的最小值",
    "less_than_equal": "大于允许的最大值", "less_than": "大于允许的最大值", "dict_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象", "list_type": "应为列表", "literal_error": "不是允许的取值",
    "enum": "不是允许的取值", "extra_forbidden": "不是可用的字段",
}


def status_for(exc: Exception) -> int:
    """The HTTP status of a library error (500 only for what the table does not know)."""
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500


def validation_message(errors: list[Any]) -> str:
    """One bilingual sentence for the first problem, naming the field it is about."""
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        msg = str(error.get("msg", ""))
        field = ".".join(loc[1:]) or (loc[0] if loc else "")
        if error.get("type") == "json_invalid":
            return BAD_BODY
        if msg.startswith("Value error, "):  # our validators' own bilingual sentence
            own = msg.removeprefix("Value error, ")
            return own if loc[-1:] == ["question"] or not field else f"{field}：{own}"
        if loc[-1:] == ["question"]:
            if error.get("type") == "missing":
                return "缺少问题字段 question / the field 'question' is required"
            return "问题必须是文字 / the question must be a string"
        if error.get("type") == "missing":
            return f"缺少字段 {field} / the field '{field}' is required"
        zh = TYPE_ZH.get(str(error.get("type", "")), msg)
        if loc and loc[0] in ("query", "path"):
            return f"参数 {field} 无效：{zh} / invalid parameter {field}: {msg}"
        if field:
            return f"字段 {field} 无效：{zh} / invalid field {field}: {msg}"
    return "请求格式不正确 / invalid request"


def _invalid(errors: list[Any]) -> JSONResponse:
    public = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in errors]
    return JSONResponse(status_code=422, content={"detail": validation_message(errors), "errors": public})


def install_error_handlers(app: FastAPI) -> None:
    """Bad input → 422 naming the problem; unknown things 404; a busy publish 409; the KB down 503."""

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _invalid(list(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail
        if exc.status_code == 400:  # FastAPI could not decode the body (bad UTF-8, too deep): bad input
            return JSONResponse(status_code=422, content={"detail": BAD_BODY})
        if not isinstance(detail, str) or "/" not in detail:  # the framework's English phrase
            detail = FRAMEWORK_DETAIL.get(exc.status_code, str(detail))
        return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=exc.headers)

    async def on_library_error(_: Request, exc: Exception) -> JSONResponse:
        status = status_for(exc)
        if isinstance(exc, DependencyUnavailable):
            return unavailable_response(exc)
        if status >= 500:
            log.error("knowledge base unavailable: %s", exc)
            return JSONResponse(status_code=503, content={"detail": UNAVAILABLE})
        return JSONResponse(status_code=status, content={"detail": str(exc)})

    for error in ERROR_STATUS:
        app.add_exception_handler(error, on_library_error)


def unavailable_response(down: DependencyUnavailable) -> JSONResponse:
    """503 naming the dependency that is down: ``{"detail": "向量库不可用… / vector store unavailable…",
    "dependency": "vector_store"}``."""
    return JSONResponse(status_code=503, content={"detail": str(down), "dependency": down.dependency})


class DependencyErrors:
    """ASGI middleware: a connection failure of the database or the vector store anywhere below it (a
    route, the admin guard's token look-up) answers 503 naming the dependency instead of a bare 500.
    Nothing is kept: the next request tries the dependency again."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; turn a dependency failure raised before the response started into a 503."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            down = dependency_down(exc)
            if down is None or started:
                raise
            log.warning("%s %s: %s is down: %s", scope.get("method"), scope.get("path"), down.dependency, exc)
            await unavailable_response(down)(scope, receive, send)
