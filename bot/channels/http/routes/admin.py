"""Staff endpoints ``/v1/admin/*`` (bearer token): documents, rules files, catalog, versions, rollback,
audit, tokens.

Roles: staff may upload documents and rules files (dry run), import the catalog and withdraw
products; admin may also publish documents and rules files, delete documents, roll back and manage tokens. Every write goes through
:class:`ingest.staff.StaffOperations`, which audits it; a publish that is refused or fails changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from fastapi import Path as PathParam

from bot.channels.http.deps import Admin, Staff, StaffDep
from bot.channels.http.schemas import RollbackRequest, TokenRequest, WithdrawRequest
from ingest.rules_upload import MAX_RULES_BYTES
from ingest.staff import parse_document
from ingest.upload_guard import CATALOG_KINDS, POLICY_KINDS, CheckedUpload

router = APIRouter(prefix="/v1/admin", tags=["admin 知识库管理"])


async def _received(staff: StaffDep, upload: UploadFile, allowed: tuple[str, ...]) -> CheckedUpload:
    limit = staff.settings.max_upload_bytes
    return staff.receive(await upload.read(limit + 1), upload.filename or "", allowed=allowed)


@router.post("/documents")
async def post_document(staff: StaffDep, holder: Staff, file: Annotated[UploadFile, File()],
                        dry_run: Annotated[bool, Form()] = False, doc_id: Annotated[str | None, Form()] = None,
                        title: Annotated[str | None, Form()] = None, doc_number: Annotated[str | None, Form()] = None,
                        supersedes: Annotated[str | None, Form()] = None,
                        issued_on: Annotated[dt.date | None, Form()] = None,
                        issuers: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    """Upload a policy document: ``dry_run`` returns the clause diff; otherwise (admin) publish it."""
    if not dry_run and holder.role != "admin":
        raise HTTPException(403, "发布需要 admin 角色；staff 可用 dry_run=true 预览 / publishing needs the admin role")
    checked = await _received(staff, file, POLICY_KINDS)
    try:
        result = await asyncio.to_thread(parse_document, checked.path, source=Path(file.filename or "").name,
                                         doc_id=doc_id, title=title, doc_number=doc_number,
                                         issued_on=issued_on.isoformat() if issued_on else None, issuers=issuers)
        change = await asyncio.to_thread(staff.upload_document, result, actor=holder.name, dry_run=dry_run,
                                         supersedes=supersedes)
    finally:
        staff.discard(checked)
    return change.to_dict()


@router.post("/rules")
async def post_rules(staff: StaffDep, holder: Staff, file: Annotated[UploadFile, File()],
                     dry_run: Annotated[bool, Form()] = False) -> dict[str, Any]:
    """Upload a rules file (UTF-8 YAML): ``dry_run`` validates it and returns the rules it adds or
    replaces with their verdict table; otherwise (admin) publish a KB version holding it."""
    if not dry_run and holder.role != "admin":
        raise HTTPException(403, "发布需要 admin 角色；staff 可用 dry_run=true 预览 / publishing needs the admin role")
    data = await file.read(MAX_RULES_BYTES + 1)
    name = file.filename or ""
    if dry_run:
        change = await asyncio.to_thread(staff.preview_rules, name, data)
    else:
        change = await asyncio.to_thread(staff.publish_rules, name, data, actor=holder.name)
    return change.to_dict()


@router.delete("/documents/{doc_id}")
def remove_document(doc_id: str, staff: StaffDep, holder: Admin) -> dict[str, Any]:
    """Publish a version without the document (its clauses are never cited again)."""
    return {"deleted": doc_id, "kb_version": staff.delete_document(doc_id, actor=holder.name)}


@router.post("/catalog/import")
async def post_catalog(staff: StaffDep, holder: Staff, file: Annotated[UploadFile, File()],
                       dry_run: Annotated[bool, Form()] = False, partial: Annotated[bool, Form()] = False,
                       replace: Annotated[bool, Form()] = False) -> dict[str, Any]:
    """Import a .csv/.xlsx catalog (same code as ``jingpin catalog import``)."""
    if replace and not dry_run and holder.role != "admin":
        raise HTTPException(403, "replace 需要 admin 角色（staff 可用 dry_run=true 预览） / replace needs the admin role")
    checked = await _received(staff, file, CATALOG_KINDS)
    try:
        report = await asyncio.to_thread(staff.import_catalog, checked.path, actor=holder.name, partial=partial,
                                         dry_run=dry_run, replace=replace,
                                         source=Path(file.filename or "catalog").name)
    finally:
        staff.discard(checked)
    return {"summary": report.summary(), "applied": report.applied, "added": report.added, "updated": report.updated,
            "unchanged": len(report.unchanged), "removed": report.removed,
            "rejected": [str(p) for p in report.rejected], "revision": report.revision}


@router.post("/catalog/{product_id}/withdraw")
def post_withdraw(product_id: str, body: WithdrawRequest, staff: StaffDep, holder: Staff) -> dict[str, Any]:
    """退出机制: the product is kept, marked withdrawn, never recommended again."""
    return staff.withdraw(product_id, actor=holder.name, reason=body.reason, on=body.date or dt.date.today()).to_dict()


@router.get("/versions")
def get_versions(staff: StaffDep, holder: Staff) -> dict[str, Any]:
    """Retained versions, newest first; which one is published."""
    return {"current": staff.current_version(), "versions": staff.versions()}


@router.post("/rollback")
def post_rollback(body: RollbackRequest, staff: StaffDep, holder: Admin) -> dict[str, Any]:
    """Publish a retained earlier version again (one atomic switch)."""
    return {"kb_version": body.version, "previous": staff.rollback(body.version, actor=holder.name)}


@router.get("/audit")
def get_audit(staff: StaffDep, holder: Staff, limit: int = 100) -> dict[str, Any]:
    """Who changed what, when, and the versions before and after (newest first)."""
    return {"entries": staff.audit(max(1, min(limit, 1000)))}


@router.post("/tokens")
def post_token(body: TokenRequest, staff: StaffDep, holder: Admin) -> dict[str, Any]:
    """Issue a token (shown once)."""
    token_id, token = staff.create_token(body.name, body.role, actor=holder.name)
    return {"id": token_id, "name": body.name, "role": body.role, "token": token}


@router.get("/tokens")
def get_tokens(staff: StaffDep, holder: Admin) -> dict[str, Any]:
    """Issued tokens (never the secrets)."""
    return {"tokens": staff.tokens()}


@router.delete("/tokens/{token_id}")
def delete_token(token_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)], staff: StaffDep, holder: Admin) -> dict[str, Any]:
    """Revoke a token."""
    if not staff.revoke_token(token_id, actor=holder.name):
        raise HTTPException(404, f"没有编号为 {token_id} 的令牌 / no token {token_id}")
    return {"revoked": token_id}
