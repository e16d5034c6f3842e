"""On-disk layout of knowledge base versions and the atomic pointer to the published one.

    <data_dir>/kb/CURRENT             {"version": n}   replaced by an atomic rename
    <data_dir>/kb/v000n/manifest.json version, created_at, embedder, documents, counts
    <data_dir>/kb/v000n/PUBLISHED     {"published_at": …}  written right after its first switch
    <data_dir>/kb/v000n/clauses.jsonl every clause of every document, reading order
    <data_dir>/kb/v000n/passages.jsonl retrieval units
    <data_dir>/kb/v000n/rules/*.yaml  the rules files this version serves (manifest "rules": name → origin,
                                      bundled or uploaded); a version without "rules" serves the bundled ones
    Chroma collection  policy-v000n   passage vectors

A version directory is complete once its manifest exists; the manifest is written last. Only a
version that was once published (or is published now) is retained and may be rolled back to: a
build killed between its manifest and the switch is a leftover, never offered.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from knowledge.errors import KBBusyError, KBNotBuiltError
from knowledge.kb.models import Clause, Document, Passage

MANIFEST = "manifest.json"
PUBLISHED = "PUBLISHED"
RULES = "rules"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def version_dir(kb_dir: Path, version: int) -> Path:
    """Directory of KB version ``version``."""
    return kb_dir / f"v{version:04d}"


def collection_name(version: int) -> str:
    """Chroma collection holding the passage vectors of ``version``."""
    return f"policy-v{version:04d}"


def rules_dir(kb_dir: Path, version: int) -> Path:
    """Directory of the rules files version ``version`` serves."""
    return version_dir(kb_dir, version) / RULES


def read_rules(kb_dir: Path, version: int) -> dict[str, tuple[str, str]]:
    """The rules files of a complete version: name → (YAML text, origin); empty for a version
    built before versions held rules."""
    manifest = json.loads((version_dir(kb_dir, version) / MANIFEST).read_text(encoding="utf-8"))
    folder = rules_dir(kb_dir, version)
    return {name: ((folder / name).read_text(encoding="utf-8"), origin)
            for name, origin in manifest.get(RULES, {}).items()}


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextmanager
def publish_lock(kb_dir: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the one publish lock of ``kb_dir`` (an OS file lock: a killed process releases it).
    Raises :class:`KBBusyError` at once when another publish holds it and ``wait`` is false."""
    kb_dir.mkdir(parents=True, exist_ok=True)
    with (kb_dir / ".publish.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KBBusyError("另一个发布正在进行，请稍后再试 / another publish is in progress") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_version(kb_dir: Path) -> int | None:
    """The published version number, or None when nothing has been published."""
    try:
        data = json.loads((kb_dir / "CURRENT").read_text(encoding="utf-8"))
        return int(data["version"])
    except (FileNotFoundError, ValueError, KeyError):
        return None


def publish(kb_dir: Path, version: int) -> None:
    """Make ``version`` the published one with one atomic rename (readers see old or new, never half)."""
    if not (version_dir(kb_dir, version) / MANIFEST).exists():
        raise KBNotBuiltError(f"版本 {version} 不完整，不能发布 / version {version} is incomplete")
    _atomic_write(kb_dir / "CURRENT", json.dumps({"version": version}))
    mark_published(kb_dir, version)


def mark_published(kb_dir: Path, version: int) -> None:
    """Record that ``version`` has been served (kept if already recorded)."""
    marker = version_dir(kb_dir, version) / PUBLISHED
    if not marker.exists():
        _atomic_write(marker, json.dumps({"published_at": _now()}))


def was_published(kb_dir: Path, version: int) -> bool:
    """True when ``version`` has been served at some time."""
    return (version_dir(kb_dir, version) / PUBLISHED).exists()


def retained_versions(kb_dir: Path) -> list[int]:
    """Complete versions that were published at some time (the ones a rollback may return to), ascending."""
    current = current_version(kb_dir)
    return [v for v in complete_versions(kb_dir) if v == current or was_published(kb_dir, v)]


def remove_temp_files(kb_dir: Path) -> int:
    """Delete half-written files a killed writer left (``.CURRENT.*`` and the like); call under the
    publish lock. Returns how many were removed."""
    removed = 0
    for pattern in (".CURRENT.*", "v*/.*.*", f"v*/{RULES}/.*.*"):
        for path in kb_dir.glob(pattern) if kb_dir.exists() else []:
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def complete_versions(kb_dir: Path) -> list[int]:
    """Numbers of the versions whose build finished (manifest present), ascending."""
    if not kb_dir.exists():
        return []
    out = []
    for child in kb_dir.iterdir():
        if child.is_dir() and child.name.startswith("v") and child.name[1:].isdigit():
            if (child / MANIFEST).exists():
                out.append(int(child.name[1:]))
    return sorted(out)


def next_version(kb_dir: Path) -> int:
    """A version number no existing directory (complete or not) uses."""
    used = [int(c.name[1:]) for c in kb_dir.glob("v*") if c.name[1:].isdigit()] if kb_dir.exists() else []
    return max(used, default=0) + 1


def remove_version_dir(kb_dir: Path, version: int) -> None:
    """Delete a version's files (not its Chroma collection)."""
    shutil.rmtree(version_dir(kb_dir, version), ignore_errors=True)


def write_version(kb_dir: Path, version: int, *, documents: Iterable[Document], clauses: Iterable[Clause],
                  passages: Iterable[Passage], embedder: str, extra: dict[str, Any] | None = None,
                  rules: Mapping[str, tuple[str, str]] | None = None) -> Path:
    """Write a version's files (``rules``: name → (YAML text, origin)); the manifest goes last so a
    crash leaves it incomplete, never wrong."""
    vdir = version_dir(kb_dir, version)
    vdir.mkdir(parents=True, exist_ok=True)
    for name, (text, _) in (rules or {}).items():
        _atomic_write(vdir / RULES / name, text)
    clause_list, passage_list, doc_list = list(clauses), list(passages), list(documents)
    _atomic_write(vdir / "clauses.jsonl",
                  "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in clause_list))
    _atomic_write(vdir / "passages.jsonl", "".join(
        json.dumps({"passage_id": p.passage_id, "doc_id": p.doc_id, "clause_id": p.clause_id,
                    "text": p.text, "context": p.context}, ensure_ascii=False) + "\n" for p in passage_list))
    manifest = {
        "version": version,
        "created_at": _now(),
        "embedder": embedder,
        "documents": [d.to_dict() for d in doc_list],
        "counts": {"documents": len(doc_list), "clauses": len(clause_list), "passages": len(passage_list)},
        **({RULES: {name: origin for name, (_, origin) in sorted(rules.items())}} if rules is not None else {}),
        **(extra or {}),
    }
    _atomic_write(vdir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return vdir


def read_version(kb_dir: Path, version: int) -> tuple[dict[str, Any], list[Document], list[Clause], list[Passage]]:
    """Read a complete version's manifest, documents, clauses and passages."""
    vdir = version_dir(kb_dir, version)
    try:
        manifest = json.loads((vdir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise KBNotBuiltError(f"知识库版本 {version} 不存在 / KB version {version} not found") from exc
    documents = [Document.from_dict(d) for d in manifest["documents"]]
    with (vdir / "clauses.jsonl").open(encoding="utf-8") as fh:
        clauses = [Clause(**json.loads(line)) for line in fh if line.strip()]
    with (vdir / "passages.jsonl").open(encoding="utf-8") as fh:
        passages = [Passage(**json.loads(line)) for line in fh if line.strip()]
    return manifest, documents, clauses, passages
