"""A publish or rollback killed (SIGKILL) at each step, then a restart: the served version is one that
was published, every version ever served has exactly one audit entry, and nothing is left over.

The kill is injected in a child process by wrapping the step's function so the process kills itself
right before or after it; the parent then restarts the services on the same data dir as a server would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.app import build_services
from bot.settings import BotSettings

pytestmark = pytest.mark.slow

NOTICE = Path(__file__).parent / "data" / "article_style.txt"
CRASH = """
import os, signal, sys
from pathlib import Path
from bot.app import build_services
from bot.settings import BotSettings
from ingest.staff import parse_document
from knowledge.index import dense
from knowledge.kb import registry

data_dir, point, action, notice = sys.argv[1:5]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def after(owner, name):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        original(*args, **kwargs)
        die()
    setattr(owner, name, wrapper)

services = build_services(BotSettings(data_dir=Path(data_dir), embedder="hash"), warm=False)
{"after_build": lambda: after(dense.DenseIndex, "add"),
 "after_write": lambda: after(registry.KBRegistry, "write_version"),
 "in_switch": lambda: setattr(registry, "AuditRow", die),  # the pointer moved, its transaction not committed
 "after_switch": lambda: after(registry.KBRegistry, "publish")}[point]()
if action == "publish":
    services.staff.upload_document(parse_document(Path(notice), source="notice.txt"), actor="crash-test",
                                   dry_run=False)
else:
    services.staff.rollback(int(action), actor="crash-test")
print("not killed")
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with two published versions (the bundled build, then the notice)."""
    data_dir = tmp_path_factory.mktemp("crash-template") / "data"
    services = build_services(BotSettings(data_dir=data_dir, embedder="hash"), warm=False)
    from ingest.staff import parse_document

    services.staff.upload_document(parse_document(NOTICE, source="notice.txt"), actor="setup", dry_run=False)
    services.staff.rollback(1, actor="setup")
    return data_dir


def _audited_versions(entries: list[dict[str, object]]) -> list[object]:
    return [e["version_after"] for e in entries if e["action"] in ("build_bundled", "publish_document", "rollback")]


@pytest.mark.parametrize(("point", "action"), [
    ("after_build", "publish"), ("after_write", "publish"), ("in_switch", "publish"), ("after_switch", "publish"),
    ("in_switch", "2"), ("after_switch", "2"),
])
def test_a_killed_publish_leaves_a_served_audited_version(template: Path, tmp_path: Path, point: str,
                                                          action: str) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    stale_upload = data_dir / "uploads" / "0123abcd"
    stale_upload.mkdir(parents=True)
    (stale_upload / "upload.txt").write_text("left by a killed request", encoding="utf-8")
    os.utime(stale_upload, (time.time() - 7200, time.time() - 7200))

    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    run = subprocess.run([sys.executable, "-c", CRASH, str(data_dir), point, action, str(NOTICE)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, (run.stdout, run.stderr)

    services = build_services(BotSettings(data_dir=data_dir, embedder="hash"))  # the restart
    staff = services.staff
    current = staff.current_version()
    listed = staff.versions()
    retained = [v["version"] for v in listed]
    assert current in retained and [v["version"] for v in listed if v["published"]] == [current]
    switched = point == "after_switch"
    if action == "publish":
        assert current == (3 if switched else 1)
        assert retained == ([3, 2, 1] if switched else [2, 1]), "a version never served is not offered"
    else:
        assert current == (2 if switched else 1)
    audited = _audited_versions(staff.audit(100))
    for version in retained:
        assert version in audited, f"v{version} was served but has no audit entry"
    mine = [e for e in staff.audit(100) if e["actor"] == "crash-test"]
    assert len(mine) == (1 if switched else 0), "the killed change is audited exactly once, if it happened"
    assert all(v["created_at"] for v in listed)
    assert staff.registry.all_versions() == sorted(retained), "no leftover of the killed build"
    prefix = staff.registry.collection_prefix
    assert sorted(c.name for c in staff.client.list_collections() if c.name.startswith(prefix)) == \
        [staff.registry.collection_name(v) for v in sorted(retained)]
    assert not stale_upload.exists()
    assert services.assistant.ask("展会有补贴吗").citations
