"""Errors of the OpenAI-compatible API in OpenAI's shape, ``{"error": {"message", "type", "param",
"code"}}``, so the official SDKs raise their own error types (BadRequestError, NotFoundError,
AuthenticationError …). The messages are the bilingual ones of the rest of the API.

Every route of the channel uses :class:`OpenAIRoute`: invalid input, an undecodable body and library
errors all leave it in this shape. The body-size and rate limits answer before any route
(``{"detail": …}``, as on every /v1 path); :func:`document_errors` says so in the OpenAPI document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from bot.channels.http.errors import BAD_BODY, ERROR_STATUS, UNAVAILABLE, status_for, validation_message
from bot.channels.openai_compat.schemas import OpenAIErrorBody
from knowledge.dependencies import dependency_down

log = logging.getLogger(__name__)
PATH_PREFIXES = ("/v1/chat/", "/v1/models")
TYPES = {401: "authentication_error", 404: "invalid_request_error", 429: "rate_limit_error", 503: "server_error"}


class OpenAIError(Exception):
    """An error to answer with: status, bilingual message, and OpenAI's ``param`` and ``code``."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.param, self.code, self.headers = status, message, param, code, headers

    def response(self) -> JSONResponse:
        """The error as an HTTP response."""
        return error_response(self.status, self.message, param=self.param, code=self.code, headers=self.headers)


def error_response(status: int, message: str, *, param: str | None = None, code: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """An OpenAI-style error body with ``status``."""
    body = {"error": {"message": message, "type": TYPES.get(status, "invalid_request_error"), "param": param,
                      "code": code}}
    return JSONResponse(status_code=status, content=body, headers=headers)


def _param(errors: list[Any]) -> str | None:
    loc = [str(p) for p in (errors[0].get("loc", ()) if errors else ())]
    return ".".join(loc[1:]) or None


class OpenAIRoute(APIRoute):
    """A route whose every failure is an OpenAI-style error (400 for invalid input, as OpenAI does)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, translating its errors."""
        handler = super().get_route_handler()

        async def translated(request: Request) -> Response:
            try:
                return await handler(request)
            except OpenAIError as exc:
                return exc.response()
            except RequestValidationError as exc:
                errors = list(exc.errors())
                return error_response(400, validation_message(errors), param=_param(errors), code="invalid_value")
            except HTTPException as exc:  # FastAPI could not decode the body
                if exc.status_code == 400:
                    return error_response(400, BAD_BODY, code="invalid_json")
                raise
            except Exception as exc:
                down = dependency_down(exc)
                if down is not None:  # the database or the vector store does not answer
                    log.warning("%s is down: %s", down.dependency, exc)
                    return error_response(503, str(down), code=f"{down.dependency}_unavailable")
                if not isinstance(exc, tuple(ERROR_STATUS)):
                    raise
                status = status_for(exc)
                if status >= 500:
                    log.error("knowledge base unavailable: %s", exc)
                    return error_response(503, UNAVAILABLE, code="unavailable")
                return error_response(400 if status == 422 else status, str(exc), code="invalid_value")

        return translated


DESCRIPTIONS = {
    "400": "输入无效（指明字段） / invalid input, naming the field",
    "401": "缺少或无效的 API 密钥（设置了 JINGPIN_API_KEYS 时） / missing or invalid API key",
    "404": "模型不存在 / no such model",
    "503": "知识库、数据库或向量库暂不可用 / the knowledge base, the database or the vector store is unavailable",
}
LIMITS = ("413", "429")  # answered by the request limits, in the API's {"detail": …} shape


def document_errors(doc: dict[str, Any]) -> None:
    """Document the channel's error responses in the OpenAPI document ``doc`` (in place): OpenAI's
    shape for its own errors, the API's shape for the body-size and rate limits; the API key."""
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schema = OpenAIErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        schemas[name] = definition
    schemas["OpenAIErrorBody"] = schema
    components.setdefault("securitySchemes", {})["apiKey"] = {
        "type": "http", "scheme": "bearer", "description": "a key of JINGPIN_API_KEYS (needed only when it is set)"}
    own = {"application/json": {"schema": {"$ref": "#/components/schemas/OpenAIErrorBody"}}}
    for path, operations in doc.get("paths", {}).items():
        if not path.startswith(PATH_PREFIXES):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            kept = {code: responses[code] for code in LIMITS if code in responses}
            operation["responses"] = {code: r for code, r in responses.items() if code.startswith("2")}
            for code, description in DESCRIPTIONS.items():
                operation["responses"][code] = {"description": description, "content": own}
            operation["responses"].update(kept)
            operation["security"] = [{"apiKey": []}, {}]
