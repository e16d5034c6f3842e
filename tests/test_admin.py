"""Staff administration through a real uvicorn server: tokens and roles, dry-run diffs, publish,
rollback, delete, catalog import and withdrawal, audit, upload safety, concurrent publishes,
answers pinned to an old version, and a build killed with SIGKILL half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import PNG_AS_TEXT, ZIP_BOMB, serve_app, zip_bytes

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings
from knowledge.db.admin import create_token

POLICY = Path(__file__).parents[1] / "knowledge" / "data" / "policies" / "zjjx-2013-573.txt"
NOTICE = Path(__file__).parent / "data" / "article_style.txt"
EXHIBITION = "参加省级政府组织的展会，展位费有资助吗？"


@pytest.fixture(scope="module")
def admin_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services, dict[str, str]]]:
    services = build_services(BotSettings(data_dir=tmp_path_factory.mktemp("admin") / "data", embedder="hash"))
    tokens = {role: create_token(services.staff.engine, f"测试{role}", role)[1] for role in ("staff", "admin")}
    with serve_app(create_app(services)) as url:
        yield url, services, tokens


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _upload(url: str, token: str, content: bytes, name: str, **form: Any) -> httpx.Response:
    return httpx.post(f"{url}/v1/admin/documents", headers=_auth(token), files={"file": (name, content)},
                      data={k: str(v).lower() if isinstance(v, bool) else v for k, v in form.items()}, timeout=120)


def _ask(url: str, question: str, **extra: Any) -> dict[str, Any]:
    return httpx.post(f"{url}/v1/ask", json={"question": question, **extra}, timeout=60).json()


def test_tokens_and_roles(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, _, tokens = admin_env
    assert httpx.get(f"{url}/v1/admin/versions").status_code == 401
    assert httpx.get(f"{url}/v1/admin/versions", headers=_auth("jp_wrong")).status_code == 401
    assert httpx.get(f"{url}/v1/admin/versions", headers=_auth(tokens["staff"])).status_code == 200
    forbidden = httpx.post(f"{url}/v1/admin/rollback", json={"version": 1}, headers=_auth(tokens["staff"]))
    assert forbidden.status_code == 403 and "admin" in forbidden.json()["detail"]
    assert httpx.get(f"{url}/v1/admin/tokens", headers=_auth(tokens["staff"])).status_code == 403
    made = httpx.post(f"{url}/v1/admin/tokens", json={"name": "李四", "role": "staff"}, headers=_auth(tokens["admin"]))
    new_token, token_id = made.json()["token"], made.json()["id"]
    assert httpx.get(f"{url}/v1/admin/audit", headers=_auth(new_token)).status_code == 200
    assert httpx.delete(f"{url}/v1/admin/tokens/{token_id}", headers=_auth(tokens["admin"])).status_code == 200
    assert httpx.get(f"{url}/v1/admin/audit", headers=_auth(new_token)).status_code == 401
    listed = httpx.get(f"{url}/v1/admin/tokens", headers=_auth(tokens["admin"])).json()["tokens"]
    assert all("token" not in t and "hash" not in str(t) for t in listed)


@pytest.mark.slow
def test_cli_create_token_prints_it_last(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, services, _ = admin_env
    env = {**os.environ, "JINGPIN_DATA_DIR": str(services.settings.data_dir), "JINGPIN_EMBEDDER": "hash"}
    out = subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "admin", "create-token", "--name", "王五", "--role", "admin"],
                         env=env, capture_output=True, text=True, timeout=120, check=True)
    token = out.stdout.strip().splitlines()[-1]
    assert httpx.get(f"{url}/v1/admin/tokens", headers=_auth(token)).status_code == 200


def test_dry_run_diff_then_publish_rollback_and_pinned_answers(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, _, tokens = admin_env
    original = POLICY.read_text(encoding="utf-8")
    changed = original.replace("充分利用两种资源、两个市场", "充分利用国内国际两种资源、百分之五十的市场")
    assert changed != original
    before = httpx.get(f"{url}/v1/admin/versions", headers=_auth(tokens["staff"])).json()["current"]

    dry = _upload(url, tokens["staff"], changed.encode(), "573.txt", dry_run=True, doc_id="zjjx-2013-573")
    assert dry.status_code == 200
    diff = dry.json()
    assert [c["clause_id"] for c in diff["changed"]] == ["三(二)4"] and not diff["added"] and not diff["removed"]
    assert "百分之五十" in diff["changed"][0]["new"] and diff["dry_run"] is True
    assert _ask(url, EXHIBITION)["kb_version"] == before  # nothing published

    staff_publish = _upload(url, tokens["staff"], changed.encode(), "573.txt", doc_id="zjjx-2013-573")
    assert staff_publish.status_code == 403
    published = _upload(url, tokens["admin"], changed.encode(), "573.txt", doc_id="zjjx-2013-573").json()
    assert published["version_after"] == before + 1
    now = _ask(url, EXHIBITION)
    assert now["kb_version"] == before + 1 and "百分之五十" in now["citations"][0]["text"]

    pinned = _ask(url, EXHIBITION, kb_version=before)
    assert pinned["kb_version"] == before and "百分之五十" not in pinned["citations"][0]["text"]
    assert httpx.post(f"{url}/v1/ask", json={"question": EXHIBITION, "kb_version": 999}).status_code == 404

    back = httpx.post(f"{url}/v1/admin/rollback", json={"version": before}, headers=_auth(tokens["admin"]))
    assert back.status_code == 200
    after = _ask(url, EXHIBITION)
    assert after["kb_version"] == before and "百分之五十" not in after["citations"][0]["text"]
    audit = httpx.get(f"{url}/v1/admin/audit", headers=_auth(tokens["staff"])).json()["entries"]
    assert [e["action"] for e in audit[:2]] == ["rollback", "publish_document"]
    assert audit[1]["version_before"] == before and audit[1]["version_after"] == before + 1
    assert audit[1]["summary"]["changed"] == 1 and audit[1]["actor"] == "测试admin"


def test_deleted_documents_are_never_cited_again(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, _, tokens = admin_env
    published = _upload(url, tokens["admin"], NOTICE.read_bytes(), "notice.txt", doc_id="test-notice")
    assert published.status_code == 200
    docs = {d["doc_id"] for d in httpx.get(f"{url}/v1/documents").json()}
    assert "test-notice" in docs
    gone = httpx.delete(f"{url}/v1/admin/documents/test-notice", headers=_auth(tokens["admin"]))
    assert gone.status_code == 200
    assert "test-notice" not in {d["doc_id"] for d in httpx.get(f"{url}/v1/documents").json()}
    answer = _ask(url, EXHIBITION)
    assert all(c["doc_id"] != "test-notice" for c in answer["citations"])
    assert httpx.delete(f"{url}/v1/admin/documents/test-notice", headers=_auth(tokens["admin"])).status_code == 404


def test_catalog_import_and_withdrawal_over_the_api(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, _, tokens = admin_env
    rows = "产品名称,企业名称,所在地区,领域,年度,认定日期\n智能巡检机器人,浙江测试巡检科技有限公司,杭州市,装备制造,2026,2026-05-01\n"
    done = httpx.post(f"{url}/v1/admin/catalog/import", headers=_auth(tokens["staff"]),
                      files={"file": ("目录.csv", rows.encode())}).json()
    assert done["applied"] and len(done["added"]) == 1
    product_id = done["added"][0]
    assert httpx.get(f"{url}/v1/catalog/search", params={"q": "智能巡检机器人", "status": "active"}).json()["total"] == 1
    withdrawn = httpx.post(f"{url}/v1/admin/catalog/{product_id}/withdraw", headers=_auth(tokens["staff"]),
                           json={"reason": "动态考评不合格", "date": "2026-10-01"})
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert httpx.get(f"{url}/v1/catalog/search", params={"q": "智能巡检机器人", "status": "active"}).json()["total"] == 0
    assert httpx.post(f"{url}/v1/admin/catalog/NOPE/withdraw", headers=_auth(tokens["staff"]),
                      json={"reason": "x"}).status_code == 422


@pytest.mark.parametrize(("content", "name", "fragment"), [
    (ZIP_BOMB, "bomb.docx", "压缩炸弹"),
    (PNG_AS_TEXT, "notice.txt", "不是文本"),
    (zip_bytes({"xl/workbook.xml": b"<workbook/>"}), "policy.docx", "xlsx"),
    (b"", "empty.txt", "文件为空"),
    (b"%PDF-1.4 broken", "../../etc/passwd.pdf", "PDF"),
])
def test_unsafe_uploads_are_refused_and_change_nothing(admin_env: tuple[str, Services, dict[str, str]],
                                                       content: bytes, name: str, fragment: str) -> None:
    url, services, tokens = admin_env
    before = services.staff.registry.current_version()
    r = _upload(url, tokens["admin"], content, name)
    assert r.status_code == 422 and fragment in r.json()["detail"], r.json()
    assert services.staff.registry.current_version() == before
    assert not (services.settings.data_dir.parent / "etc").exists()


def test_a_publish_while_another_runs_gets_409(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, services, tokens = admin_env
    before = services.staff.registry.current_version()
    with services.staff.registry.publish_lock():  # another publish is running
        busy = _upload(url, tokens["admin"], NOTICE.read_bytes(), "notice.txt", doc_id="busy-notice")
        rolled = httpx.post(f"{url}/v1/admin/rollback", json={"version": before}, headers=_auth(tokens["admin"]))
    assert busy.status_code == 409 and "另一个发布" in busy.json()["detail"]
    assert rolled.status_code == 409
    assert services.staff.registry.current_version() == before


BIG_BUILD = """
import sys
from pathlib import Path
from ingest.policy.builder import build_version
from ingest.policy.parser import parse_text
from bot.settings import BotSettings
text = "关于测试的通知\\n\\n" + "".join(f"{i}、第{i}条规定。" + "内容" * 400 + "\\n" for i in range(1, 3000))
build_version(BotSettings(data_dir=Path(sys.argv[1]), embedder="hash"), [parse_text(text, doc_id="big-notice")])
"""


@pytest.mark.slow
def test_a_build_killed_half_way_leaves_the_previous_version_answering(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    services = build_services(BotSettings(data_dir=data_dir, embedder="hash"))
    before = services.staff.registry.current_version()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    build = subprocess.Popen([sys.executable, "-c", BIG_BUILD, str(data_dir)], env=env)
    time.sleep(3.0)
    assert build.poll() is None, "the build finished before it could be killed"
    os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    assert services.staff.registry.current_version() == before
    answer = services.assistant.ask(EXHIBITION)
    assert answer.grounded and answer.kb_version == before
    restarted = build_services(BotSettings(data_dir=data_dir, embedder="hash"))  # cleans leftovers at start
    registry = restarted.staff.registry
    assert registry.all_versions() == [before], "the killed build's version is gone"
    assert restarted.assistant.ask(EXHIBITION).grounded
    assert [c.name for c in restarted.staff.client.list_collections()
            if c.name.startswith(registry.collection_prefix)] == [registry.collection_name(before)]


def test_a_change_that_breaks_a_rule_citation_is_refused(admin_env: tuple[str, Services, dict[str, str]]) -> None:
    url, services, tokens = admin_env
    before = services.staff.registry.current_version()
    broken = POLICY.read_text(encoding="utf-8").replace("给予一定比例的展位费资助", "给予全额展位费资助")
    dry = _upload(url, tokens["admin"], broken.encode(), "573.txt", dry_run=True, doc_id="zjjx-2013-573")
    assert dry.status_code == 200 and [c["clause_id"] for c in dry.json()["changed"]] == ["三(二)4"]
    refused = _upload(url, tokens["admin"], broken.encode(), "573.txt", doc_id="zjjx-2013-573")
    assert refused.status_code == 422 and "exhibition_support" in refused.json()["detail"]
    assert services.staff.registry.current_version() == before
    assert _ask(url, EXHIBITION)["grounded"] is True
