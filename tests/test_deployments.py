"""One contract for every deployment: embedded Chroma + SQLite, and a ``chroma run`` server + a real
PostgreSQL server (both started by the tests on loopback, see tests/engines.py).

Each test runs against both: build on first start, ask, publish, rollback, delete, catalog import
and withdrawal, tokens, audit, sessions — and what makes a deployment more than one process: a
second host with an empty data dir serves the current version, sees every change at once, and two
deployments on one Chroma server never touch each other's collections.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from engines import ChromaServer, PostgresServer

from bot.app import Services, build_services
from bot.settings import BotSettings
from ingest.staff import parse_document
from knowledge.catalog.db import current_revision
from knowledge.db.engine import database_url

NOTICE = Path(__file__).parent / "data" / "article_style.txt"
EXHIBITION = "参加境外展会有补贴吗？"
Deploy = Callable[..., BotSettings]


@pytest.fixture(params=["embedded", "servers"])
def deploy(request: pytest.FixtureRequest, tmp_path: Path) -> Deploy:
    """Settings factory for one deployment: ``deploy()`` is its first host, ``deploy("b")`` another host
    (own, empty data dir) of the same deployment."""
    if request.param == "embedded":
        first = BotSettings(data_dir=tmp_path / "host-a", embedder="hash")
        url = database_url(first)  # other hosts share the first one's SQLite file

        def embedded(host: str = "a") -> BotSettings:
            return first if host == "a" else BotSettings(data_dir=tmp_path / f"host-{host}", embedder="hash",
                                                         database_url=url)
        return embedded
    postgres: PostgresServer = request.getfixturevalue("postgres")
    chroma: ChromaServer = request.getfixturevalue("chroma_server")
    shared_url = postgres.new_database()

    def servers(host: str = "a") -> BotSettings:
        return BotSettings(data_dir=tmp_path / f"host-{host}", embedder="hash", database_url=shared_url,
                           chroma_host=chroma.host, chroma_port=chroma.port)
    return servers


def _start(settings: BotSettings) -> Services:
    return build_services(settings)


def _catalog_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["产品编号", "产品名称", "企业名称", "所在地区", "领域", "年度", "产品简介"], *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_first_start_builds_and_answers(deploy: Deploy) -> None:
    services = _start(deploy())
    answer = services.assistant.ask(EXHIBITION)
    assert answer.grounded and answer.citations[0].label == "三（二）4" and answer.kb_version == 1
    assert services.assistant.catalog_snapshot().products, "the sample catalog is imported on first start"
    assert [e["action"] for e in services.staff.audit()] .count("build_bundled") == 1


def test_publish_rollback_delete_reach_every_host(deploy: Deploy) -> None:
    a = _start(deploy())
    b = _start(deploy("b"))  # joins with an empty data dir
    assert b.assistant.ask(EXHIBITION).kb_version == 1
    notice = parse_document(NOTICE, source="notice.txt")
    a.staff.upload_document(notice, actor="staff-a", dry_run=False)
    assert b.assistant.ask("示例产品认定结果在哪里公示？").citations[0].doc_id == notice.document.doc_id
    b.staff.rollback(1, actor="staff-b")
    assert a.assistant.ask(EXHIBITION).kb_version == 1
    assert [v["version"] for v in a.staff.versions()] == [2, 1]
    b.staff.rollback(2, actor="staff-b")
    version = a.staff.delete_document(notice.document.doc_id, actor="staff-a")
    assert b.assistant.ask(EXHIBITION).kb_version == version == 3
    audit = [(e["actor"], e["action"], e["version_after"]) for e in b.staff.audit()]
    assert audit[:4] == [("staff-a", "delete_document", 3), ("staff-b", "rollback", 2), ("staff-b", "rollback", 1),
                         ("staff-a", "publish_document", 2)]


def test_catalog_changes_and_revision_are_shared(deploy: Deploy, tmp_path: Path) -> None:
    a, b = _start(deploy()), _start(deploy("b"))
    before = current_revision(a.staff.engine)
    rows = [["CT-1", "测试用高压变频器", "浙江示例电气有限公司", "杭州市", "装备制造", "2024", "示例数据，测试编造"]]
    a.staff.import_catalog(_catalog_csv(tmp_path / "c.csv", rows), actor="staff-a")
    assert "CT-1" in {p.product_id for p in b.assistant.catalog_snapshot().products}
    b.staff.withdraw("CT-1", actor="staff-b", reason="测试：动态考评未通过（编造）")
    assert a.assistant.product("CT-1").status == "withdrawn"
    assert current_revision(b.staff.engine) == before + 2


def test_tokens_and_sessions_work_from_any_host(deploy: Deploy) -> None:
    a, b = _start(deploy()), _start(deploy("b"))
    token_id, token = a.staff.create_token("王五", "staff", actor="admin-a")
    holder = b.staff.holder(token)
    assert holder is not None and holder.name == "王五" and holder.role == "staff"
    assert b.staff.revoke_token(token_id, actor="admin-b") and a.staff.holder(token) is None
    session = uuid.uuid4().hex
    assert a.assistant.ask("找银行融资有支持吗？", session_id=session).citations[0].label == "三（二）7"
    follow = b.assistant.ask("那展会呢？", session_id=session)  # the follow-up lands on the other host
    assert follow.citations[0].label == "三（二）4"


def test_a_second_deployment_never_touches_the_first(deploy: Deploy, tmp_path: Path) -> None:
    a = _start(deploy())
    other = deploy().model_copy(update={"data_dir": tmp_path / "other",
                                        "database_url": None if deploy().chroma_host is None else
                                        f"sqlite:///{tmp_path / 'other.sqlite3'}"})
    second = _start(other)  # its own database; on a shared Chroma server, the same server
    assert second.staff.registry.deployment_id != a.staff.registry.deployment_id
    second.staff.upload_document(parse_document(NOTICE, source="notice.txt"), actor="other", dry_run=False)
    _start(other)  # a restart runs the cleanup
    assert a.assistant.ask(EXHIBITION).grounded
    names = {c.name for c in a.staff.client.list_collections()}
    assert a.staff.registry.collection_name(1) in names


def test_one_publish_at_a_time_across_hosts(deploy: Deploy) -> None:
    from knowledge.errors import KBBusyError

    a, b = _start(deploy()), _start(deploy("b"))
    with a.staff.registry.publish_lock(), pytest.raises(KBBusyError, match="另一个发布"):
        b.staff.rollback(1, actor="staff-b")  # another host's publish holds the deployment's lock
    assert b.staff.rollback(1, actor="staff-b") == 1  # released: the next one goes through
