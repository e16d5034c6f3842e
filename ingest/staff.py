"""Staff operations on the knowledge base: upload (dry-run diff or publish), delete a document,
list versions, roll back. Every publish goes through :func:`ingest.builder.build_version` (one
lock, built off to the side, one atomic switch); every change is written to the audit log."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ingest.errors import UnknownDocumentError, UnknownVersionError, UploadRejectedError
from ingest.policy.builder import build_version
from ingest.policy.parser import ParseResult, parse_text
from ingest.policy.readers import read_file
from knowledge.db.admin import record_audit
from knowledge.index.embedders import Embedder
from knowledge.kb import store
from knowledge.settings import Settings


@dataclass
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

    def summary(self) -> dict[str, Any]:
        """Counts for the audit log."""
        return {"doc_id": self.doc_id, "added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed)}

    def to_dict(self) -> dict[str, Any]:
        """JSON form for the API."""
        return dataclasses.asdict(self)


def parse_upload(path: Path, *, source: str, doc_id: str | None = None, title: str | None = None,
                 doc_number: str | None = None, issued_on: str | None = None,
                 issuers: str | None = None) -> ParseResult:
    """Parse a checked upload; given metadata overrides what is read from the text (``issuers``
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


def _published(settings: Settings) -> tuple[int | None, dict[str, Any], dict[tuple[str, str], str]]:
    current = store.current_version(settings.kb_dir)
    if current is None:
        return None, {}, {}
    _, documents, clauses, _ = store.read_version(settings.kb_dir, current)
    return current, {d.doc_id: d for d in documents}, {(c.doc_id, c.clause_id): c.text for c in clauses}


def document_change(settings: Settings, result: ParseResult) -> DocumentChange:
    """The clause-level diff of ``result`` against the same document in the published version."""
    current, _, old = _published(settings)
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
    )


def upload_document(settings: Settings, engine: Engine, result: ParseResult, *, actor: str, dry_run: bool,
                    supersedes: str | None = None, embedder: Embedder | None = None,
                    client: Any = None) -> DocumentChange:
    """Diff the document against the published version; unless ``dry_run``, publish a new version
    holding it (``supersedes`` marks an older document superseded)."""
    change = document_change(settings, result)
    if supersedes and supersedes == result.document.doc_id:
        raise UploadRejectedError("文件不能替代它自己（supersedes 应为另一文件的编号） / a document cannot supersede itself")
    if supersedes:
        _, documents, _ = _published(settings)
        if supersedes not in documents:
            raise UnknownDocumentError(f"要替代的文件 {supersedes} 不在知识库中 / unknown document {supersedes}")
    if dry_run:
        return change
    report = build_version(settings, [result], embedder=embedder, client=client,
                           statuses={supersedes: "superseded"} if supersedes else None)
    change.dry_run, change.version_after = False, report.version
    record_audit(engine, actor=actor, action="publish_document", target=result.document.doc_id,
                 version_before=change.version_before, version_after=report.version, summary=change.summary())
    return change


def delete_document(settings: Settings, engine: Engine, doc_id: str, *, actor: str, embedder: Embedder | None = None,
                    client: Any = None) -> int:
    """Publish a version without ``doc_id``; returns the new version number."""
    current, documents, _ = _published(settings)
    if doc_id not in documents:
        raise UnknownDocumentError(f"知识库中没有文件 {doc_id} / no document {doc_id}")
    if len(documents) == 1:
        raise UploadRejectedError("不能删除最后一个文件 / the last document cannot be deleted")
    report = build_version(settings, [], embedder=embedder, client=client, remove=[doc_id])
    record_audit(engine, actor=actor, action="delete_document", target=doc_id, version_before=current,
                 version_after=report.version, summary={"documents": report.documents})
    return report.version


def list_versions(settings: Settings) -> list[dict[str, Any]]:
    """Retained complete versions, newest first, with counts and which one is published."""
    current = store.current_version(settings.kb_dir)
    out = []
    for version in reversed(store.complete_versions(settings.kb_dir)):
        manifest, _, _, _ = store.read_version(settings.kb_dir, version)
        out.append({"version": version, "published": version == current, "counts": manifest.get("counts", {}),
                    "documents": [d["doc_id"] for d in manifest.get("documents", [])],
                    "created_at": manifest.get("created_at")})
    return out


def rollback(settings: Settings, engine: Engine, version: int, *, actor: str) -> int:
    """Publish the retained ``version`` again (one atomic switch); returns the previous version."""
    with store.publish_lock(settings.kb_dir):
        before = store.current_version(settings.kb_dir)
        if version not in store.complete_versions(settings.kb_dir):
            raise UnknownVersionError(f"版本 {version} 不存在或已被清理 / version {version} is not retained")
        store.publish(settings.kb_dir, version)
    record_audit(engine, actor=actor, action="rollback", target=f"v{version}", version_before=before,
                 version_after=version)
    return before or 0
