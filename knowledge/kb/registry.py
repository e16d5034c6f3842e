"""The knowledge base version registry: which versions exist, which one is published, and what each
holds — kept in the deployment's database, so every process and every host serves the same one.

A version is allocated (``building``) under the publish lock, filled, and marked ``complete``; it is
published — the ``current`` pointer moved and its audit entry written — in one transaction, so a
crash leaves either the old version served with no entry or the new one with its entry. Only
versions that were once published are retained and may be rolled back to. Passage vectors live in
the Chroma collection :meth:`KBRegistry.collection_name` names, prefixed with the deployment id.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.db.admin import AuditRow, ensure_admin_tables
from knowledge.errors import KBNotBuiltError
from knowledge.kb import publish_lock as locks
from knowledge.kb.models import Clause, Document, Passage
from knowledge.kb.registry_tables import BUILDING, COMPLETE, MetaRow, VersionRow, ensure_registry_tables

CURRENT, DEPLOYMENT = "current", "deployment"
RulesFiles = dict[str, tuple[str, str]]  # name → (YAML text, origin)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AuditEntry:
    """The audit entry a publish writes in the same transaction as its switch."""

    actor: str
    action: str
    target: str = ""
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VersionContent:
    """What a complete version holds."""

    manifest: dict[str, Any]
    documents: list[Document]
    clauses: list[Clause]
    passages: list[Passage]
    rules: RulesFiles | None  # None: built before versions held rules (serves the bundled ones)


class KBRegistry:
    """The versions of one deployment's knowledge base; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        ensure_registry_tables(engine)
        ensure_admin_tables(engine)
        self._content: dict[int, VersionContent] = {}  # complete versions never change: cache them

    # -- identity -------------------------------------------------------------------------------------
    @cached_property
    def deployment_id(self) -> str:
        """The id of this deployment (made once, kept in the database)."""
        with Session(self.engine) as session:
            row = session.get(MetaRow, DEPLOYMENT)
            if row is not None:
                return row.value
        try:
            with Session(self.engine) as session, session.begin():
                session.add(MetaRow(key=DEPLOYMENT, value=f"jp{uuid.uuid4().hex[:10]}"))
        except IntegrityError:
            pass  # another process made it first: use that one
        with Session(self.engine) as session:
            made = session.get(MetaRow, DEPLOYMENT)
            assert made is not None
            return made.value

    def collection_name(self, version: int) -> str:
        """Chroma collection holding the passage vectors of ``version``."""
        return f"{self.collection_prefix}{version:04d}"

    @property
    def collection_prefix(self) -> str:
        """What every policy collection of this deployment's name starts with."""
        return f"{self.deployment_id}-policy-v"

    # -- reading --------------------------------------------------------------------------------------
    def current_version(self) -> int | None:
        """The published version number, or None when nothing has been published (one key read)."""
        with Session(self.engine) as session:
            row = session.get(MetaRow, CURRENT)
            return int(row.value) if row is not None else None

    def complete_versions(self) -> list[int]:
        """Numbers of the versions whose build finished, ascending."""
        with Session(self.engine) as session:
            return list(session.scalars(select(VersionRow.version).where(VersionRow.state == COMPLETE)
                                        .order_by(VersionRow.version)))

    def all_versions(self) -> list[int]:
        """Every allocated version number, finished or not, ascending."""
        with Session(self.engine) as session:
            return list(session.scalars(select(VersionRow.version).order_by(VersionRow.version)))

    def retained_versions(self) -> list[int]:
        """Complete versions that were published at some time (those a rollback may return to), ascending."""
        with Session(self.engine) as session:
            return list(session.scalars(
                select(VersionRow.version).where(VersionRow.state == COMPLETE, VersionRow.published_at.is_not(None))
                .order_by(VersionRow.version)))

    def was_published(self, version: int) -> bool:
        """True when ``version`` has been served at some time."""
        return version in self.retained_versions()

    def read(self, version: int) -> VersionContent:
        """What a complete version holds; KBNotBuiltError when there is no such complete version."""
        cached = self._content.get(version)
        if cached is not None:
            return cached
        with Session(self.engine) as session:
            row = session.get(VersionRow, version)
            if row is None or row.state != COMPLETE:
                raise KBNotBuiltError(f"知识库版本 {version} 不存在 / KB version {version} not found")
            manifest = json.loads(row.manifest)
            content = VersionContent(
                manifest=manifest,
                documents=[Document.from_dict(d) for d in manifest["documents"]],
                clauses=[Clause(**json.loads(line)) for line in row.clauses.splitlines() if line.strip()],
                passages=[Passage(**json.loads(line)) for line in row.passages.splitlines() if line.strip()],
                rules=({name: (text, origin) for name, (text, origin) in json.loads(row.rules).items()}
                       if row.rules is not None else None),
            )
        if len(self._content) > 8:
            self._content.clear()
        self._content[version] = content
        return content

    def read_version(self, version: int) -> tuple[dict[str, Any], list[Document], list[Clause], list[Passage]]:
        """A complete version's manifest, documents, clauses and passages."""
        content = self.read(version)
        return content.manifest, content.documents, content.clauses, content.passages

    def read_rules(self, version: int) -> RulesFiles:
        """The rules files of a complete version: name → (YAML text, origin); empty for a version
        built before versions held rules."""
        return dict(self.read(version).rules or {})

    # -- writing (under the publish lock) ---------------------------------------------------------------
    @contextmanager
    def publish_lock(self, *, wait: bool = False) -> Iterator[None]:
        """Hold the deployment's one publish lock (KBBusyError at once when taken, unless ``wait``)."""
        with locks.publish_lock(self.engine, wait=wait):
            yield

    def allocate(self) -> int:
        """Reserve a new version number (state ``building``); call under the publish lock."""
        with Session(self.engine) as session, session.begin():
            used = session.scalar(select(VersionRow.version).order_by(VersionRow.version.desc()).limit(1))
            version = (used or 0) + 1
            session.add(VersionRow(version=version, state=BUILDING, created_at=_now()))
        return version

    def write_version(self, version: int, *, documents: Iterable[Document], clauses: Iterable[Clause],
                      passages: Iterable[Passage], embedder: str, extra: dict[str, Any] | None = None,
                      rules: Mapping[str, tuple[str, str]] | None = None) -> None:
        """Store an allocated version's content (``rules``: name → (YAML text, origin)) and mark it
        complete, in one transaction."""
        clause_list, passage_list, doc_list = list(clauses), list(passages), list(documents)
        manifest = {
            "version": version,
            "created_at": _now(),
            "embedder": embedder,
            "documents": [d.to_dict() for d in doc_list],
            "counts": {"documents": len(doc_list), "clauses": len(clause_list), "passages": len(passage_list)},
            **({"rules": {name: origin for name, (_, origin) in sorted(rules.items())}} if rules is not None else {}),
            **(extra or {}),
        }
        with Session(self.engine) as session, session.begin():
            session.execute(update(VersionRow).where(VersionRow.version == version).values(
                state=COMPLETE, created_at=manifest["created_at"], embedder=embedder,
                manifest=json.dumps(manifest, ensure_ascii=False),
                clauses="".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in clause_list),
                passages="".join(json.dumps({"passage_id": p.passage_id, "doc_id": p.doc_id,
                                             "clause_id": p.clause_id, "text": p.text, "context": p.context},
                                            ensure_ascii=False) + "\n" for p in passage_list),
                rules=(json.dumps({n: [t, o] for n, (t, o) in rules.items()}, ensure_ascii=False)
                       if rules is not None else None)))

    def publish(self, version: int, audit: AuditEntry | None = None) -> int | None:
        """Make ``version`` the published one and write ``audit`` in the same transaction (readers see
        old or new, never half); returns the version published before."""
        with Session(self.engine) as session, session.begin():
            row = session.get(VersionRow, version)
            if row is None or row.state != COMPLETE:
                raise KBNotBuiltError(f"版本 {version} 不完整，不能发布 / version {version} is incomplete")
            pointer = session.get(MetaRow, CURRENT, with_for_update=True)
            before = int(pointer.value) if pointer is not None else None
            if pointer is None:
                session.add(MetaRow(key=CURRENT, value=str(version)))
            else:
                pointer.value = str(version)
            if row.published_at is None:
                row.published_at = _now()
            if audit is not None:
                session.add(AuditRow(at=_now(), actor=audit.actor, action=audit.action, target=audit.target,
                                     version_before=before, version_after=version,
                                     summary=json.dumps(audit.summary, ensure_ascii=False)))
        return before

    def remove(self, versions: Iterable[int]) -> None:
        """Forget these versions (never the published one; their collections are the caller's)."""
        wanted = [v for v in versions if v != self.current_version()]
        if wanted:
            with Session(self.engine) as session, session.begin():
                session.execute(delete(VersionRow).where(VersionRow.version.in_(wanted)))
        for version in wanted:
            self._content.pop(version, None)

    def mark_all_published(self, versions: Iterable[int]) -> None:
        """Record these versions as served once (for versions brought over from an older data dir)."""
        with Session(self.engine) as session, session.begin():
            session.execute(update(VersionRow).where(VersionRow.version.in_(list(versions)),
                                                     VersionRow.published_at.is_(None)).values(published_at=_now()))
