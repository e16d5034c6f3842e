"""Staff operations: the one path for every change to the knowledge base, the catalog and tokens.

The HTTP admin API, the CLI and the Telegram staff desk all call :class:`StaffOperations`; each
write takes the actor and writes its own audit record. Publishes go through
:func:`ingest.policy.builder.build_version` (one lock, built off to the side, one atomic switch).
Uploads pass :func:`ingest.upload_guard.check_upload` (size, type from content, zip bombs) first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from ingest.catalog.importer import ImportReport, import_catalog, withdraw_product
from ingest.errors import UnknownDocumentError, UploadRejectedError
from ingest.policy.builder import build_version
from ingest.policy.parser import ParseResult, parse_text
from ingest.policy.readers import read_file
from ingest.rules_upload import MAX_RULES_BYTES, RulesChange, rules_change, rules_file_name, rules_text
from ingest.upload_guard import CheckedUpload, check_upload
from knowledge.catalog.models import Product
from knowledge.catalog.vectors import ProductVectors
from knowledge.db import admin as admin_db
from knowledge.errors import KBBusyError, UnknownVersionError
from knowledge.index.embedders import Embedder
from knowledge.kb.registry import AuditEntry, KBRegistry
from knowledge.settings import Settings


@dataclass(frozen=True)
class DocumentChange:
    """What uploading a document does (or did) to the published version."""

    doc_id: str
    title: str
    doc_number: str
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = True
    version_before: int | None = None
    version_after: int | None = None
    # What the parser detected, for staff to check before publishing (upload metadata overrides it).
    issuers: list[str] = field(default_factory=list)
    issued_on: str | None = None
    series: str = ""
    cites: list[str] = field(default_factory=list)
    clause_tree: list[dict[str, str]] = field(default_factory=list)  # {clause_id, label, heading}, reading order

    def summary(self) -> dict[str, Any]:
        """Counts for the audit log."""
        return {"doc_id": self.doc_id, "added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed)}

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the API."""
        return dataclasses.asdict(self)


def parse_document(path: Path, *, source: str, doc_id: str | None = None, title: str | None = None,
                   doc_number: str | None = None, issued_on: str | None = None,
                   issuers: str | None = None) -> ParseResult:
    """Parse a policy file; given metadata overrides what is read from the text (``issuers``
    separated by commas or 、)."""
    result = parse_text(read_file(path), doc_id=doc_id or None, source=source, title=title or None,
                        doc_number=doc_number or None)
    changes: dict[str, Any] = {}
    if issued_on:
        changes["issued_on"] = issued_on
    if issuers:
        changes["issuers"] = tuple(x.strip() for x in issuers.replace("、", ",").split(",") if x.strip())
    if changes:
        result.document = dataclasses.replace(result.document, **changes)
    return result


class StaffOperations:
    """Every write staff can make, audited; reads of versions, tokens and the audit log."""

    def __init__(self, settings: Settings, engine: Engine, *, embedder: Embedder | None = None, client: Any = None,
                 vectors: ProductVectors | None = None, registry: KBRegistry | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.registry = registry or KBRegistry(engine)
        self.embedder = embedder
        self.client = client
        self.vectors = vectors
        self._catalog_lock = threading.Lock()  # catalog writes of this process, one at a time

    # -- uploads --------------------------------------------------------------------------------------
    def receive(self, data: bytes, name: str, *, allowed: tuple[str, ...]) -> CheckedUpload:
        """Check an uploaded file (UploadRejectedError: too large, wrong type, zip bomb …) and keep it
        under a server-chosen name until :meth:`discard`."""
        return check_upload(data, name, self.settings.data_dir / "uploads" / uuid.uuid4().hex, allowed=allowed,
                            max_bytes=self.settings.max_upload_bytes, max_unzipped=self.settings.max_extracted_bytes,
                            max_pdf_content=self.settings.max_pdf_content_bytes)

    @staticmethod
    def discard(upload: CheckedUpload) -> None:
        """Remove a received upload."""
        shutil.rmtree(upload.path.parent, ignore_errors=True)

    # -- documents ------------------------------------------------------------------------------------
    def _published(self) -> tuple[int | None, dict[str, Any], dict[tuple[str, str], str]]:
        current = self.registry.current_version()
        if current is None:
            return None, {}, {}
        _, documents, clauses, _ = self.registry.read_version(current)
        return current, {d.doc_id: d for d in documents}, {(c.doc_id, c.clause_id): c.text for c in clauses}

    def preview(self, result: ParseResult) -> DocumentChange:
        """The clause-level diff of ``result`` against the same document in the published version, with
        the detected metadata (issuers, issued_on, series, cites) and clause tree for staff to check."""
        current, _, old = self._published()
        doc = result.document
        old_doc = {cid: text for (did, cid), text in old.items() if did == doc.doc_id}
        new_doc = {c.clause_id: c.text for c in result.clauses}
        return DocumentChange(
            doc_id=doc.doc_id, title=doc.title, doc_number=doc.doc_number, warnings=list(result.warnings),
            added=[{"clause_id": k, "text": v} for k, v in new_doc.items() if k not in old_doc],
            removed=[{"clause_id": k, "text": v} for k, v in old_doc.items() if k not in new_doc],
            changed=[{"clause_id": k, "old": old_doc[k], "new": v} for k, v in new_doc.items()
                     if k in old_doc and old_doc[k] != v],
            version_before=current,
            issuers=list(doc.issuers), issued_on=doc.issued_on, series=doc.series, cites=list(doc.cites),
            clause_tree=[{"clause_id": c.clause_id, "label": c.label, "heading": c.heading} for c in result.clauses],
        )

    def publish(self, results: Sequence[ParseResult], *, actor: str, replace_all: bool = False,
                supersedes: str | None = None) -> list[DocumentChange]:
        """Publish a new version holding ``results`` (with the other published documents unless
        ``replace_all``; ``supersedes`` marks an older document superseded); one audit record."""
        changes = [self.preview(r) for r in results]
        ids = {r.document.doc_id for r in results}
        if supersedes and supersedes in ids:
            raise UploadRejectedError("文件不能替代它自己（supersedes 应为另一文件的编号） / a document cannot supersede itself")
        if supersedes and supersedes not in self._published()[1]:
            raise UnknownDocumentError(f"要替代的文件 {supersedes} 不在知识库中 / unknown document {supersedes}")
        summary: dict[str, Any] = (changes[0].summary() if len(changes) == 1
                                   else {"changes": [c.summary() for c in changes]})
        if replace_all:
            summary["replace"] = True
        report = build_version(self.settings, results, replace_all=replace_all, embedder=self.embedder,
                               client=self.client, registry=self.registry, statuses={supersedes: "superseded"} if supersedes else None,
                               audit=AuditEntry(actor, "publish_document", ", ".join(sorted(ids)), summary))
        return [dataclasses.replace(c, dry_run=False, version_after=report.version) for c in changes]

    def upload_document(self, result: ParseResult, *, actor: str, dry_run: bool,
                        supersedes: str | None = None) -> DocumentChange:
        """The diff of one document; unless ``dry_run``, published as a new version."""
        if dry_run:
            return self.preview(result)
        return self.publish([result], actor=actor, supersedes=supersedes)[0]

    def delete_document(self, doc_id: str, *, actor: str) -> int:
        """Publish a version without ``doc_id``; returns the new version number."""
        _, documents, _ = self._published()
        if doc_id not in documents:
            raise UnknownDocumentError(f"知识库中没有文件 {doc_id} / no document {doc_id}")
        if len(documents) == 1:
            raise UploadRejectedError("不能删除最后一个文件 / the last document cannot be deleted")
        report = build_version(self.settings, [], embedder=self.embedder, client=self.client, remove=[doc_id],
                               registry=self.registry, audit=AuditEntry(actor, "delete_document", doc_id))
        return report.version

    # -- rules files ----------------------------------------------------------------------------------
    def preview_rules(self, name: str, yaml_text: str | bytes) -> RulesChange:
        """Dry run of an uploaded rules file: RulesError listing every problem (each naming the rule
        and the field), else the rules it adds, replaces and drops and its verdict table."""
        stored = rules_file_name(name)
        limit = min(MAX_RULES_BYTES, self.settings.max_upload_bytes)
        return rules_change(self.registry, stored, rules_text(yaml_text, max_bytes=limit))

    def publish_rules(self, name: str, yaml_text: str | bytes, *, actor: str) -> RulesChange:
        """Publish a new version with the rules file added or replaced (one with no rules removes
        the file of that name); one audit record."""
        change = self.preview_rules(name, yaml_text)
        text = rules_text(yaml_text, max_bytes=min(MAX_RULES_BYTES, self.settings.max_upload_bytes))
        report = build_version(self.settings, [], embedder=self.embedder, client=self.client, registry=self.registry,
                               rules={change.name: None if change.removes_file else text},
                               audit=AuditEntry(actor, "publish_rules", change.name, change.summary()))
        return dataclasses.replace(change, dry_run=False, version_after=report.version)

    # -- versions -------------------------------------------------------------------------------------
    def versions(self) -> list[dict[str, Any]]:
        """Retained complete versions, newest first, with counts and which one is published."""
        current = self.registry.current_version()
        out = []
        for version in reversed(self.registry.retained_versions()):
            manifest = self.registry.read(version).manifest
            out.append({"version": version, "published": version == current, "counts": manifest.get("counts", {}),
                        "documents": [d["doc_id"] for d in manifest.get("documents", [])],
                        "created_at": manifest.get("created_at")})
        return out

    def current_version(self) -> int | None:
        """The published version number (None before the first build)."""
        return self.registry.current_version()

    def rollback(self, version: int, *, actor: str) -> int:
        """Publish the retained ``version`` again (one atomic switch, audited in the same transaction);
        returns the previous version."""
        with self.registry.publish_lock():
            if version not in self.registry.retained_versions():
                raise UnknownVersionError(f"版本 {version} 不存在或已被清理 / version {version} is not retained")
            before = self.registry.publish(version, AuditEntry(actor, "rollback", f"v{version}"))
        return before or 0

    # -- the catalog ----------------------------------------------------------------------------------
    def import_catalog(self, path: Path, *, actor: str, partial: bool = False, dry_run: bool = False,
                       replace: bool = False, source: str | None = None,
                       progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Import a .csv/.xlsx catalog (CatalogImportError, nothing changed, when rows are rejected and
        not ``partial``); an applied import is audited."""
        from knowledge.catalog.db import current_revision

        with self._catalog_lock:
            before = current_revision(self.engine)
            try:
                report = import_catalog(self.engine, self.vectors, path, partial=partial, dry_run=dry_run,
                                        replace=replace, source=source, progress=progress)
            except IntegrityError as exc:  # another process wrote the same rows first; ours rolled back
                raise KBBusyError("另一个目录导入同时写入了相同的产品，本次未做任何更改，请重试 / "
                                  "a concurrent import wrote the same products; nothing was changed, retry") from exc
        if report.applied and not dry_run:
            admin_db.record_audit(self.engine, actor=actor, action="catalog_import", target=source or path.name,
                                  version_before=before, version_after=report.revision,
                                  summary={"added": len(report.added), "updated": len(report.updated),
                                           "removed": len(report.removed), "rejected": len(report.rejected)})
        return report

    def withdraw(self, product_id: str, *, actor: str, reason: str, on: str | dt.date | None = None) -> Product:
        """退出机制: the product is kept, marked withdrawn, never recommended again; audited."""
        with self._catalog_lock:
            product = withdraw_product(self.engine, product_id, reason=reason, on=on)
        admin_db.record_audit(self.engine, actor=actor, action="catalog_withdraw", target=product_id,
                              summary={"reason": product.withdrawal_reason, "date": product.withdrawn_on})
        return product

    # -- tokens and the audit log ---------------------------------------------------------------------
    def create_token(self, name: str, role: str, *, actor: str) -> tuple[int, str]:
        """Issue a token (returns id and the plain token, shown once); audited."""
        token_id, token = admin_db.create_token(self.engine, name, role)
        admin_db.record_audit(self.engine, actor=actor, action="create_token", target=f"{name.strip()} ({role})")
        return token_id, token

    def revoke_token(self, token_id: int, *, actor: str) -> bool:
        """Revoke a token (False when there is none); audited."""
        if not admin_db.revoke_token(self.engine, token_id):
            return False
        admin_db.record_audit(self.engine, actor=actor, action="revoke_token", target=str(token_id))
        return True

    def tokens(self) -> list[dict[str, Any]]:
        """Issued tokens (never the secrets)."""
        return admin_db.list_tokens(self.engine)

    def holder(self, token: str) -> admin_db.TokenHolder | None:
        """Who holds a valid, unrevoked token."""
        return admin_db.token_holder(self.engine, token)

    def audit(self, limit: int = 100) -> list[dict[str, Any]]:
        """The newest audit entries first."""
        return admin_db.read_audit(self.engine, limit)
