"""Audit entries that survive a crash between a version switch and its audit write.

A publish or rollback writes its audit entry here *before* it switches ``CURRENT`` and moves it to
the audit log right after. A process killed in between leaves the entry in ``<kb_dir>/journal/``;
:func:`settle` (run at start, under the publish lock) records it when its switch happened and
drops it when it did not, so every version ever served has its audit entry, exactly once.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from knowledge.db import admin as admin_db
from knowledge.kb import store

BUILD = "build"  # a new version: it happened if the version was ever published
SWITCH = "switch"  # a rollback to an existing version: it happened if that version is current


def _dir(kb_dir: Path) -> Path:
    return kb_dir / "journal"


def write_pending(kb_dir: Path, *, kind: str, actor: str, action: str, target: str, version_before: int | None,
                  version_after: int, summary: dict[str, Any]) -> str:
    """Write an audit entry for a switch about to happen; returns its id."""
    entry_id = uuid.uuid4().hex
    folder = _dir(kb_dir)
    folder.mkdir(parents=True, exist_ok=True)
    entry = {"id": entry_id, "kind": kind, "actor": actor, "action": action, "target": target,
             "version_before": version_before, "version_after": version_after, "summary": summary}
    tmp = folder / f".{entry_id}.tmp"
    tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / f"{entry_id}.json")
    return entry_id


def _happened(kb_dir: Path, entry: dict[str, Any]) -> bool:
    version = int(entry["version_after"])
    if entry.get("kind") == BUILD:
        return store.was_published(kb_dir, version) or store.current_version(kb_dir) == version
    return store.current_version(kb_dir) == version


def _settle_file(engine: Engine, kb_dir: Path, path: Path, *, recovered: bool) -> bool:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        path.unlink(missing_ok=True)
        return False
    recorded = False
    if _happened(kb_dir, entry) and not admin_db.has_audit_mark(engine, entry["id"]):
        summary = {**entry["summary"], "journal": entry["id"], **({"recovered": True} if recovered else {})}
        admin_db.record_audit(engine, actor=entry["actor"], action=entry["action"], target=entry["target"],
                              version_before=entry["version_before"], version_after=entry["version_after"],
                              summary=summary)
        recorded = True
    path.unlink(missing_ok=True)
    return recorded


def discard(kb_dir: Path, entry_id: str) -> None:
    """Drop an entry whose switch will not happen (the build failed before it)."""
    (_dir(kb_dir) / f"{entry_id}.json").unlink(missing_ok=True)


def commit(engine: Engine, kb_dir: Path, entry_id: str) -> None:
    """Move one entry to the audit log now that its switch is done."""
    _settle_file(engine, kb_dir, _dir(kb_dir) / f"{entry_id}.json", recovered=False)


def settle(engine: Engine, kb_dir: Path) -> int:
    """At start, under the publish lock: record the entries whose switch happened, drop the rest;
    returns how many were recorded."""
    folder = _dir(kb_dir)
    if not folder.exists():
        return 0
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    return sum(_settle_file(engine, kb_dir, path, recovered=True) for path in sorted(folder.glob("*.json")))
