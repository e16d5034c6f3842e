"""The OpenAPI document says what the API really answers: every error status an operation can
give, in the one error shape :mod:`.errors` produces, and the bearer token on ``/v1/admin``.

FastAPI documents only 200 and its own validation-error array; our 422 body is
``{"detail": str, "errors": [...]}``, and 401/403/404/409/413/429/503 come from the guards,
the limits and the library errors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "中文说明 / English explanation"},
        "errors": {"type": "array", "items": {"type": "object"},
                   "description": "for 422: each problem with its location (loc), message and type"},
        "dependency": {"type": "string", "enum": ["database", "vector_store"],
                       "description": "for 503: the dependency that does not answer"},
    },
}
DESCRIPTIONS = {
    "401": "缺少或无效的令牌 / missing or invalid bearer token",
    "403": "角色不足 / the token's role may not do this",
    "404": "不存在 / not found",
    "409": "另一个发布或导入正在进行 / a concurrent publish or import",
    "413": "请求体过大 / request body too large",
    "422": "输入无效（指明字段） / invalid input, naming the field",
    "429": "请求过于频繁（见 Retry-After） / too many requests (see Retry-After)",
    "503": "知识库或依赖暂不可用 / the knowledge base or a dependency is unavailable",
}
BODY_METHODS = {"post", "put", "patch"}


def _error(code: str) -> dict[str, Any]:
    response: dict[str, Any] = {"description": DESCRIPTIONS[code],
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if code == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
    return response


def error_codes(path: str, method: str) -> list[str]:
    """The error statuses an operation can answer with."""
    codes = ["422", "503"]
    if path.startswith("/v1/admin"):
        codes += ["401", "403", "404", "409", "413"]
    elif path.startswith("/v1/"):
        codes += ["404", "429"] + (["413"] if method in BODY_METHODS else [])
    return sorted(set(codes))


def install_openapi(app: FastAPI, extend: Sequence[Callable[[dict[str, Any]], None]] = ()) -> None:
    """Replace the app's OpenAPI generator with one that documents the real error responses; each of
    ``extend`` then adjusts the document in place (a channel whose errors have another shape)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        components = doc.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Error"] = ERROR_SCHEMA
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer",
                                                    "description": "staff/admin token (jingpin admin create-token)"}}
        for path, operations in doc.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code in error_codes(path, method):
                    if code == "422" or code not in responses:  # a route's own error body stays (/healthz 503)
                        responses[code] = _error(code)
                if path.startswith("/v1/admin"):
                    operation["security"] = [{"bearer": []}]
        for adjust in extend:
            adjust(doc)
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
