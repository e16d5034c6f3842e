"""Bring the versions of an older data dir (files under ``<data_dir>/kb/``) into the registry.

Before the registry lived in the database, each version was a directory ``kb/v000n/`` with a
``manifest.json``, ``clauses.jsonl``, ``passages.jsonl``, ``rules/`` and a ``PUBLISHED`` marker,
``kb/CURRENT`` named the published one, and its vectors were in the Chroma collection
``policy-v000n``. On the first start against an empty registry those versions are copied in
(vectors included, so nothing is re-embedded) and the old directory is renamed ``kb.migrated``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from knowledge.index.dense import DenseIndex
from knowledge.index.embedders import Embedder
from knowledge.kb.models import Clause, Document, Passage
from knowledge.kb.registry import KBRegistry

log = logging.getLogger(__name__)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _old_versions(kb_dir: Path) -> tuple[int | None, list[int]]:
    try:
        current: int | None = int(_read_json(kb_dir / "CURRENT")["version"])
    except (FileNotFoundError, ValueError, KeyError):
        current = None
    complete = sorted(int(d.name[1:]) for d in kb_dir.glob("v*")
                      if d.name[1:].isdigit() and (d / "manifest.json").exists())
    markers = [v for v in complete if (kb_dir / f"v{v:04d}" / "PUBLISHED").exists()]
    served = [v for v in complete if v == current or v in markers] if markers else complete
    return current, served


def migrate_data_dir(kb_dir: Path, registry: KBRegistry, *, client: Any, embedder: Embedder) -> list[int]:
    """Copy an older data dir's served versions into an empty registry; returns the versions copied
    (empty when there is nothing to copy or the registry already holds versions)."""
    if not (kb_dir / "CURRENT").exists() or registry.all_versions():
        return []
    current, served = _old_versions(kb_dir)
    if current is None or current not in served:
        return []
    copied = []
    with registry.publish_lock(wait=True):
        if registry.all_versions():
            return []
        for version in served:
            folder = kb_dir / f"v{version:04d}"
            manifest = _read_json(folder / "manifest.json")
            if manifest.get("embedder") != embedder.spec:
                log.warning("not migrating KB version %s: built with %s", version, manifest.get("embedder"))
                continue
            passages = [Passage(**p) for p in _lines(folder / "passages.jsonl")]
            rules = ({name: ((folder / "rules" / name).read_text(encoding="utf-8"), origin)
                      for name, origin in manifest["rules"].items()} if "rules" in manifest else None)
            old = DenseIndex(client, f"policy-v{version:04d}", embedder)
            vectors = old.vectors([p.passage_id for p in passages]) if old.count() == len(passages) else None
            while registry.allocate() < version:
                pass  # keep the old numbers, so answers that name a version still reproduce
            DenseIndex(client, registry.collection_name(version), embedder).add(passages, vectors)
            registry.write_version(version, documents=[Document.from_dict(d) for d in manifest["documents"]],
                                   clauses=[Clause(**c) for c in _lines(folder / "clauses.jsonl")],
                                   passages=passages, embedder=manifest["embedder"], rules=rules)
            copied.append(version)
        registry.remove([v for v in registry.all_versions() if v not in copied])
        if current in copied:
            registry.mark_all_published(copied)
            registry.publish(current)
    if copied:
        kb_dir.rename(kb_dir.with_name("kb.migrated"))
        log.warning("KB versions %s moved from %s into the database", copied, kb_dir)
    return copied
