"""Build a knowledge base version off to the side and publish it with one atomic switch.

Unchanged passages reuse their vectors from the previous version, so re-ingesting is cheap.
A failure before :meth:`KBRegistry.publish` leaves the previous version served.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ingest.policy.parser import ParseResult, parse_text
from ingest.policy.passages import make_passages
from ingest.policy.readers import read_file
from ingest.policy.rulesets import check_version_rules, next_rules
from knowledge.db.engine import make_engine
from knowledge.errors import KBBusyError
from knowledge.index.dense import DenseIndex, drop_collection, make_client
from knowledge.index.embedders import Embedder, load_embedder
from knowledge.kb.legacy import migrate_data_dir
from knowledge.kb.models import Clause, Document, Passage
from knowledge.kb.registry import AuditEntry, KBRegistry
from knowledge.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    """What a build did: the published version and counts, for CLI/API output."""

    version: int
    documents: list[str]
    clauses: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    warnings: dict[str, list[str]] = field(default_factory=dict)


def default_registry(settings: Settings) -> KBRegistry:
    """The registry in the settings' database (for callers that hold no storage of their own)."""
    return KBRegistry(make_engine(settings))


def bundled_policy_files() -> list[Path]:
    """The policy documents shipped in the package data (the seed KB)."""
    folder = resources.files("knowledge") / "data" / "policies"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".txt", ".md")))


def _doc_id_for(path: Path) -> str | None:
    stem = path.stem.lower()
    return stem if stem.isascii() and any(ch.isalnum() for ch in stem) else None


def parse_files(paths: Sequence[Path]) -> list[ParseResult]:
    """Read and parse each file; ids come from ASCII file names, else from the 文号."""
    return [parse_text(read_file(p), doc_id=_doc_id_for(p), source=p.name) for p in paths]


def _all_passages(documents: Sequence[Document], clauses: Sequence[Clause]) -> list[Passage]:
    by_key = {(c.doc_id, c.clause_id): c for c in clauses}
    out: list[Passage] = []
    for clause in clauses:
        ancestors: list[Clause] = []
        parent = clause.parent_id
        while parent and (clause.doc_id, parent) in by_key:
            ancestors.insert(0, by_key[(clause.doc_id, parent)])
            parent = by_key[(clause.doc_id, parent)].parent_id
        out.extend(make_passages(clause, ancestors))
    return out


def _previous_vectors(client: Any, registry: KBRegistry, embedder: Embedder) -> dict[str, tuple[str, np.ndarray]]:
    version = registry.current_version()
    if version is None:
        return {}
    try:
        manifest, _, _, passages = registry.read_version(version)
        if manifest.get("embedder") != embedder.spec:
            return {}
        dense = DenseIndex(client, registry.collection_name(version), embedder)
        vectors = dense.vectors([p.passage_id for p in passages])
    except Exception as exc:  # an unreadable old version only costs re-embedding
        log.warning("previous vectors unavailable: %s", exc)
        return {}
    return {p.passage_id: (p.indexed_text, v) for p, v in zip(passages, vectors, strict=True)}


def build_version(settings: Settings, results: Sequence[ParseResult], *, replace_all: bool = False,
                  embedder: Embedder | None = None, client: Any = None, remove: Sequence[str] = (),
                  statuses: dict[str, str] | None = None, wait: bool = False,
                  audit: AuditEntry | None = None, rules: dict[str, str | None] | None = None,
                  registry: KBRegistry | None = None) -> BuildReport:
    """Build and publish a new version holding ``results`` plus (unless ``replace_all``) the current
    version's other documents; a document with the same doc_id is replaced, those in ``remove``
    are left out and ``statuses`` changes documents' status (e.g. superseded). The version holds the
    bundled rules files, the uploaded ones of the current version and ``rules`` (name → YAML text;
    None removes one; see :mod:`ingest.policy.rulesets`). The whole build holds the deployment's
    publish lock: a second publish gets :class:`KBBusyError` (or waits, with ``wait``). ``audit`` is
    written in the same transaction as the switch."""
    registry = registry or default_registry(settings)
    with registry.publish_lock(wait=wait):
        return _build(settings, registry, results, replace_all=replace_all, embedder=embedder, client=client,
                      remove=remove, statuses=statuses or {}, audit=audit, rules=rules)


def _build(settings: Settings, registry: KBRegistry, results: Sequence[ParseResult], *, replace_all: bool,
           embedder: Embedder | None, client: Any, remove: Sequence[str], statuses: dict[str, str],
           audit: AuditEntry | None, rules: dict[str, str | None] | None = None) -> BuildReport:
    started = time.perf_counter()
    embedder = embedder or load_embedder(settings.embedder)
    client = client or make_client(settings)

    documents: dict[str, Document] = {}
    clauses: dict[str, list[Clause]] = {}
    current = registry.current_version()
    if current is not None and not replace_all:
        _, old_docs, old_clauses, _ = registry.read_version(current)
        for doc in old_docs:
            documents[doc.doc_id] = doc
            clauses[doc.doc_id] = [c for c in old_clauses if c.doc_id == doc.doc_id]
    for result in results:
        documents[result.document.doc_id] = result.document
        clauses[result.document.doc_id] = result.clauses
    for doc_id in remove:
        documents.pop(doc_id, None)
        clauses.pop(doc_id, None)
    for doc_id, status in statuses.items():
        if doc_id in documents:
            documents[doc_id] = dataclasses.replace(documents[doc_id], status=status)  # type: ignore[arg-type]
    all_clauses = [c for doc_id in documents for c in clauses[doc_id]]
    passages = _all_passages(list(documents.values()), all_clauses)

    previous = _previous_vectors(client, registry, embedder)
    vectors = np.zeros((len(passages), embedder.dim), np.float32)
    todo = []
    for i, p in enumerate(passages):
        old = previous.get(p.passage_id)
        if old is not None and old[0] == p.indexed_text:
            vectors[i] = old[1]
        else:
            todo.append(i)
    if todo:
        vectors[todo] = embedder.embed_passages([passages[i].indexed_text for i in todo])

    # A version the rules cannot load on (a cited clause deleted or reworded) is never published.
    rules_files = next_rules(registry, current, rules)
    check_version_rules(list(documents.values()), all_clauses, rules_files)
    version = registry.allocate()
    name = registry.collection_name(version)
    try:
        drop_collection(client, name)
        DenseIndex(client, name, embedder).add(passages, vectors)
        registry.write_version(version, documents=documents.values(), clauses=all_clauses,
                               passages=passages, embedder=embedder.spec, rules=rules_files)
        if audit is not None:
            audit = dataclasses.replace(audit, summary={**audit.summary, "documents": list(documents),
                                                        "clauses": len(all_clauses)})
        registry.publish(version, audit)
    except BaseException:
        drop_collection(client, name)
        registry.remove([version])
        raise
    collect_garbage(settings, registry, client)
    return BuildReport(
        version=version,
        documents=list(documents),
        clauses=len(all_clauses),
        passages=len(passages),
        embedded=len(todo),
        reused=len(passages) - len(todo),
        seconds=time.perf_counter() - started,
        warnings={r.document.doc_id: r.warnings for r in results if r.warnings},
    )


def collect_garbage(settings: Settings, registry: KBRegistry, client: Any) -> list[int]:
    """Remove versions older than the newest ``keep_versions`` retained ones (never the published
    one), leftovers of unfinished or never-published builds and their collections; only this
    deployment's collections are touched. Returns the removed version numbers. Call under the
    publish lock."""
    current = registry.current_version()
    retained = registry.retained_versions()
    keep = set(retained[-settings.keep_versions :]) | ({current} if current else set())
    removed = [v for v in registry.all_versions() if v not in keep]
    registry.remove(removed)
    kept = {registry.collection_name(v) for v in keep}
    for collection in client.list_collections():  # a build killed before its row was written
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith(registry.collection_prefix) and name not in kept:
            drop_collection(client, name)
    return sorted(removed)


def clean_leftovers(settings: Settings, client: Any, registry: KBRegistry) -> list[int]:
    """At start, unless a publish is running right now (in any process of the deployment): remove
    what killed builds and uploads left behind."""
    try:
        with registry.publish_lock():
            removed = collect_garbage(settings, registry, client)
    except KBBusyError:
        return []
    _remove_stale_uploads(settings.data_dir / "uploads")
    return removed


def _remove_stale_uploads(folder: Path, older_than_s: float = 3600.0) -> None:
    """Uploads are deleted after their request; what a killed request left is removed once stale."""
    cutoff = time.time() - older_than_s
    for child in folder.iterdir() if folder.exists() else []:
        if child.is_dir() and child.stat().st_mtime < cutoff:
            shutil.rmtree(child, ignore_errors=True)


def ensure_kb(settings: Settings, *, embedder: Embedder | None = None, client: Any = None,
              registry: KBRegistry | None = None) -> BuildReport | None:
    """Build the KB from the bundled policy documents when the deployment has none published
    (audited as ``system``); versions of an older data dir are brought into the registry instead.
    Of several processes starting at once, one builds and the others wait for it."""
    registry = registry or default_registry(settings)
    if registry.current_version() is not None:
        return None
    embedder = embedder or load_embedder(settings.embedder)
    client = client or make_client(settings)
    if migrate_data_dir(settings.kb_dir, registry, client=client, embedder=embedder):
        return None
    with registry.publish_lock(wait=True):
        if registry.current_version() is not None:
            return None
        return _build(settings, registry, parse_files(bundled_policy_files()), replace_all=True,
                      embedder=embedder, client=client, remove=(), statuses={},
                      audit=AuditEntry("system", "build_bundled", "bundled policy documents"))
