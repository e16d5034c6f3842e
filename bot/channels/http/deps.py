"""What every route shares: the services and the bearer-token check (errors: :mod:`.errors`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from bot.answer.assistant import Assistant
from bot.app import Services
from ingest.staff import StaffOperations
from knowledge.db.admin import ROLES, TokenHolder

GUARDED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"})  # others: the router's 405


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


def install_admin_guard(app: FastAPI) -> None:
    """Refuse /v1/admin requests without a valid token (401) before their body is read."""

    @app.middleware("http")
    async def admin_guard(request: Request, call_next: Any) -> Any:
        if request.url.path.startswith("/v1/admin") and request.method in GUARDED_METHODS:
            problem = bearer_problem(get_staff(request), request.headers.get("authorization", ""))
            if problem:
                return JSONResponse(status_code=401, headers={"WWW-Authenticate": "Bearer"}, content={"detail": problem})
        return await call_next(request)
