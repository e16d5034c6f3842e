"""Staff endpoints ``/v1/admin/*`` (bearer token): documents, catalog, versions, rollback, audit, tokens.

Roles: staff may upload (dry run), import the catalog and withdraw products; admin may also
publish documents, delete them, roll back and manage tokens. Errors are 4xx with Chinese/English
messages; a publish that is refused or fails changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from bot.app import Services
from ingest.catalog.importer import import_catalog, withdraw_product
from ingest.errors import IngestError, UnknownDocumentError, UnknownVersionError
from ingest.staff import delete_document, list_versions, parse_upload, rollback, upload_document
from ingest.upload_guard import CATALOG_KINDS, MAX_UPLOAD, POLICY_KINDS, check_upload
from knowledge.db.admin import (
    ROLES,
    TokenHolder,
    create_token,
    list_tokens,
    read_audit,
    record_audit,
    revoke_token,
    token_holder,
)
from knowledge.errors import KBBusyError, RulesError
from knowledge.kb.store import current_version


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(_services)]
router = APIRouter(prefix="/v1/admin", tags=["admin 知识库管理"])


def _holder(request: Request, svc: ServicesDep) -> TokenHolder:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "需要令牌：Authorization: Bearer … / a bearer token is required",
                            headers={"WWW-Authenticate": "Bearer"})
    holder = token_holder(svc.engine, token.strip())
    if holder is None:
        raise HTTPException(401, "令牌无效或已吊销 / invalid or revoked token", headers={"WWW-Authenticate": "Bearer"})
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


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Map ingest, rules and lock errors to 4xx: bad input 422, unknown things 404, a busy publish 409."""
    try:
        yield
    except (UnknownDocumentError, UnknownVersionError) as exc:
        raise HTTPException(404, str(exc)) from exc
    except KBBusyError as exc:
        raise HTTPException(409, str(exc)) from exc
    except (IngestError, RulesError) as exc:  # RulesError: the new version would break a rule's citation
        raise HTTPException(422, str(exc)) from exc


async def _saved(svc: Services, upload: UploadFile, allowed: tuple[str, ...]) -> Any:
    data = await upload.read(MAX_UPLOAD + 1)
    folder = svc.settings.data_dir / "uploads" / uuid.uuid4().hex
    with _clear_errors():
        return check_upload(data, upload.filename or "", folder, allowed=allowed)


@router.post("/documents")
async def post_document(svc: ServicesDep, holder: Staff, file: Annotated[UploadFile, File()],
                        dry_run: Annotated[bool, Form()] = False, doc_id: Annotated[str | None, Form()] = None,
                        title: Annotated[str | None, Form()] = None, doc_number: Annotated[str | None, Form()] = None,
                        supersedes: Annotated[str | None, Form()] = None,
                        issued_on: Annotated[dt.date | None, Form()] = None,
                        issuers: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    """Upload a policy document: ``dry_run`` returns the clause diff; otherwise (admin) publish it."""
    if not dry_run and holder.role != "admin":
        raise HTTPException(403, "发布需要 admin 角色；staff 可用 dry_run=true 预览 / publishing needs the admin role")
    checked = await _saved(svc, file, POLICY_KINDS)
    try:
        with _clear_errors():
            result = await asyncio.to_thread(parse_upload, checked.path, source=Path(file.filename or "").name,
                                             doc_id=doc_id, title=title, doc_number=doc_number,
                                             issued_on=issued_on.isoformat() if issued_on else None, issuers=issuers)
            change = await asyncio.to_thread(upload_document, svc.settings, svc.engine, result, actor=holder.name,
                                             dry_run=dry_run, supersedes=supersedes, embedder=svc.embedder,
                                             client=svc.client)
    finally:
        shutil.rmtree(checked.path.parent, ignore_errors=True)
    return change.to_dict()


@router.delete("/documents/{doc_id}")
def remove_document(doc_id: str, svc: ServicesDep, holder: Admin) -> dict[str, Any]:
    """Publish a version without the document (its clauses are never cited again)."""
    with _clear_errors():
        version = delete_document(svc.settings, svc.engine, doc_id, actor=holder.name, embedder=svc.embedder,
                                  client=svc.client)
    return {"deleted": doc_id, "kb_version": version}


@router.post("/catalog/import")
async def post_catalog(svc: ServicesDep, holder: Staff, file: Annotated[UploadFile, File()],
                       dry_run: Annotated[bool, Form()] = False, partial: Annotated[bool, Form()] = False,
                       replace: Annotated[bool, Form()] = False) -> dict[str, Any]:
    """Import a .csv/.xlsx catalog (same code as ``jingpin catalog import``)."""
    if replace and holder.role != "admin":
        raise HTTPException(403, "replace 需要 admin 角色 / replace needs the admin role")
    checked = await _saved(svc, file, CATALOG_KINDS)
    before = svc.catalog.index().revision
    try:
        with _clear_errors():
            report = await asyncio.to_thread(import_catalog, svc.engine, svc.catalog.vectors, checked.path,
                                             partial=partial, dry_run=dry_run, replace=replace,
                                             source=Path(file.filename or "catalog").name)
    finally:
        shutil.rmtree(checked.path.parent, ignore_errors=True)
    if report.applied and not dry_run:
        record_audit(svc.engine, actor=holder.name, action="catalog_import", target=Path(file.filename or "").name,
                     version_before=before, version_after=report.revision,
                     summary={"added": len(report.added), "updated": len(report.updated),
                              "removed": len(report.removed), "rejected": len(report.rejected)})
    return {"summary": report.summary(), "applied": report.applied, "added": report.added, "updated": report.updated,
            "unchanged": len(report.unchanged), "removed": report.removed,
            "rejected": [str(p) for p in report.rejected], "revision": report.revision}


class WithdrawRequest(BaseModel):
    """``POST /v1/admin/catalog/{product_id}/withdraw`` body."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500)
    date: dt.date | None = None


@router.post("/catalog/{product_id}/withdraw")
def post_withdraw(product_id: str, body: WithdrawRequest, svc: ServicesDep, holder: Staff) -> dict[str, Any]:
    """退出机制: the product is kept, marked withdrawn, never recommended again."""
    with _clear_errors():
        product = withdraw_product(svc.engine, product_id, reason=body.reason, on=body.date or dt.date.today())
    record_audit(svc.engine, actor=holder.name, action="catalog_withdraw", target=product_id,
                 summary={"reason": body.reason, "date": product.withdrawn_on})
    return product.to_dict()


@router.get("/versions")
def get_versions(svc: ServicesDep, holder: Staff) -> dict[str, Any]:
    """Retained versions, newest first; which one is published."""
    return {"current": current_version(svc.settings.kb_dir), "versions": list_versions(svc.settings)}


class RollbackRequest(BaseModel):
    """``POST /v1/admin/rollback`` body."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)


@router.post("/rollback")
def post_rollback(body: RollbackRequest, svc: ServicesDep, holder: Admin) -> dict[str, Any]:
    """Publish a retained earlier version again (one atomic switch)."""
    with _clear_errors():
        before = rollback(svc.settings, svc.engine, body.version, actor=holder.name)
    return {"kb_version": body.version, "previous": before}


@router.get("/audit")
def get_audit(svc: ServicesDep, holder: Staff, limit: int = 100) -> dict[str, Any]:
    """Who changed what, when, and the versions before and after (newest first)."""
    return {"entries": read_audit(svc.engine, max(1, min(limit, 1000)))}


class TokenRequest(BaseModel):
    """``POST /v1/admin/tokens`` body."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(pattern="^(staff|admin)$")


@router.post("/tokens")
def post_token(body: TokenRequest, svc: ServicesDep, holder: Admin) -> dict[str, Any]:
    """Issue a token (shown once)."""
    try:
        token_id, token = create_token(svc.engine, body.name, body.role)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    record_audit(svc.engine, actor=holder.name, action="create_token", target=f"{body.name} ({body.role})")
    return {"id": token_id, "name": body.name, "role": body.role, "token": token}


@router.get("/tokens")
def get_tokens(svc: ServicesDep, holder: Admin) -> dict[str, Any]:
    """Issued tokens (never the secrets)."""
    return {"tokens": list_tokens(svc.engine)}


@router.delete("/tokens/{token_id}")
def delete_token(token_id: int, svc: ServicesDep, holder: Admin) -> dict[str, Any]:
    """Revoke a token."""
    if not revoke_token(svc.engine, token_id):
        raise HTTPException(404, f"没有编号为 {token_id} 的令牌 / no token {token_id}")
    record_audit(svc.engine, actor=holder.name, action="revoke_token", target=str(token_id))
    return {"revoked": token_id}
