"""A deployment of several real processes on one PostgreSQL + one ``chroma run`` server.

Two ``jingpin serve`` processes start at once on the empty deployment; a third "host" joins with
its own empty data dir; a CLI on yet another data dir writes beside them. Staff change the KB and
the catalog through each; follow-ups alternate between processes; ten withdrawals run at once.
Every response is 2xx or a clear 4xx, the revision moves by exactly the number of changes, every
process serves each change within 1 s, and no collection in use is lost.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engines import ChromaServer, PostgresServer, free_port

pytestmark = pytest.mark.slow

NOTICE = Path(__file__).parent / "data" / "article_style.txt"
HEADER = "产品编号,产品名称,企业名称,所在地区,领域,年度,产品简介"
SAMPLE_ROWS = 300  # rows of the bundled 示例 catalog (knowledge/data/catalog/sample_catalog.csv)
SEEN_WITHIN_S = 1.0


class Cluster:
    """The processes of one deployment and every response they gave."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env, self.tmp = env, tmp
        self.urls: list[str] = []
        self.procs: list[subprocess.Popen[bytes]] = []
        self.statuses: list[int] = []
        self.token = ""

    def start(self, host: str) -> subprocess.Popen[bytes]:
        port = free_port()
        env = {**self.env, "JINGPIN_DATA_DIR": str(self.tmp / host)}
        proc = subprocess.Popen([sys.executable, "-m", "bot.channels.cli.main", "serve", "--port", str(port)], env=env)
        self.procs.append(proc)
        self.urls.append(f"http://127.0.0.1:{port}")
        return proc

    def wait_ready(self) -> None:
        deadline = time.time() + 240
        for url, proc in zip(self.urls, self.procs, strict=True):
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert proc.poll() is None, f"jingpin serve at {url} died"
                assert time.time() < deadline, f"jingpin serve at {url} did not start"
                time.sleep(0.3)

    def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if "/v1/admin" in url else {}
        r = httpx.request(method, url, headers=headers, timeout=120, **kwargs)
        self.statuses.append(r.status_code)
        return r

    def health(self, url: str) -> dict[str, Any]:
        r = self.call("GET", f"{url}/healthz")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def all_see(self, check: Callable[[dict[str, Any]], bool]) -> float:
        """Seconds until every process's /healthz satisfies ``check`` (fails beyond SEEN_WITHIN_S)."""
        started = time.monotonic()
        while True:
            if all(check(self.health(url)) for url in self.urls):
                return time.monotonic() - started
            assert time.monotonic() - started < SEEN_WITHIN_S, [self.health(u) for u in self.urls]
            time.sleep(0.05)


@pytest.fixture(scope="module")
def cluster(postgres: PostgresServer, chroma_server: ChromaServer,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    env = {**os.environ, "JINGPIN_DATABASE_URL": postgres.new_database(), "JINGPIN_CHROMA_HOST": chroma_server.host,
           "JINGPIN_CHROMA_PORT": str(chroma_server.port), "JINGPIN_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1",
           "JINGPIN_RATE_LIMIT_PER_MINUTE": "0"}
    cluster = Cluster(env, tmp_path_factory.mktemp("cluster"))
    cluster.start("a")
    cluster.start("b")  # both on the empty deployment at once
    try:
        cluster.wait_ready()
        from knowledge.db.admin import create_token
        from knowledge.db.engine import make_engine
        from knowledge.settings import Settings

        engine = make_engine(Settings(data_dir=cluster.tmp / "tokens", database_url=env["JINGPIN_DATABASE_URL"]))
        cluster.token = create_token(engine, "测试管理员", "admin")[1]
        engine.dispose()
        cluster.start("c")  # a third host joins later with an empty data dir
        cluster.wait_ready()
        yield cluster
    finally:
        for proc in cluster.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in cluster.procs:
            proc.wait(timeout=30)


def test_first_start_builds_and_imports_once(cluster: Cluster) -> None:
    first = cluster.health(cluster.urls[0])
    assert all(cluster.health(u)["kb_version"] == first["kb_version"] == 1 for u in cluster.urls)
    assert all(cluster.health(u)["catalog_products"] == SAMPLE_ROWS for u in cluster.urls)
    audit = cluster.call("GET", f"{cluster.urls[2]}/v1/admin/audit").json()
    entries = audit if isinstance(audit, list) else audit.get("entries", [])
    assert [e["action"] for e in entries].count("build_bundled") == 1


def test_changes_through_each_process_reach_all_within_a_second(cluster: Cluster) -> None:
    a, b, c = cluster.urls
    start = cluster.health(a)["kb_version"]
    published = cluster.call("POST", f"{a}/v1/admin/documents", files={"file": ("notice.txt", NOTICE.read_bytes())})
    assert published.status_code == 200, published.text
    cluster.all_see(lambda h: h["kb_version"] == start + 1)
    r = cluster.call("POST", f"{b}/v1/admin/rollback", json={"version": start})
    assert r.status_code == 200, r.text
    cluster.all_see(lambda h: h["kb_version"] == start)
    r = cluster.call("POST", f"{c}/v1/admin/rollback", json={"version": start + 1})
    assert r.status_code == 200, r.text
    cluster.all_see(lambda h: h["kb_version"] == start + 1)
    for url in cluster.urls:
        answer = cluster.call("POST", f"{url}/v1/ask", json={"question": "示例产品认定结果在哪里公示？"}).json()
        assert answer["citations"][0]["doc_id"] == published.json()["doc_id"] and answer["kb_version"] == start + 1


def test_cli_beside_the_servers_and_concurrent_withdrawals(cluster: Cluster) -> None:
    before = cluster.health(cluster.urls[0])
    rows = [f"SC-{i:03d},测试用数控磨床{i}号,杭州虚构机械有限公司（测试编造）,杭州市,高端装备,2026,测试用编造数据"
            for i in range(10)]
    path = cluster.tmp / "made-up.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "catalog", "import", str(path)],
                          env={**cluster.env, "JINGPIN_DATA_DIR": str(cluster.tmp / "cli")},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    cluster.all_see(lambda h: h["catalog_products"] == before["catalog_products"] + 10
                    and h["catalog_revision"] == before["catalog_revision"] + 1)

    def withdraw(i: int) -> int:
        url = cluster.urls[i % 3]
        return cluster.call("POST", f"{url}/v1/admin/catalog/SC-{i:03d}/withdraw",
                            json={"reason": "测试：动态考评未通过（编造）"}).status_code

    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        assert list(pool.map(withdraw, range(10))) == [200] * 10
    cluster.all_see(lambda h: h["catalog_revision"] == before["catalog_revision"] + 11)
    for url in cluster.urls:
        product = cluster.call("GET", f"{url}/v1/catalog/SC-007").json()
        assert product["status"] == "withdrawn"


def test_follow_ups_alternate_between_processes(cluster: Cluster) -> None:
    session = uuid.uuid4().hex
    a, b, c = cluster.urls
    first = cluster.call("POST", f"{a}/v1/ask", json={"question": "找银行融资有支持吗？", "session_id": session}).json()
    assert first["citations"][0]["label"] == "三（二）7"
    follow = cluster.call("POST", f"{b}/v1/ask", json={"question": "那展会呢？", "session_id": session}).json()
    assert follow["citations"][0]["label"] == "三（二）4"
    again = cluster.call("POST", f"{c}/v1/ask", json={"question": "那信贷呢？", "session_id": session}).json()
    assert again["citations"][0]["label"] == "三（二）7"


def test_no_server_error_and_no_collection_lost(cluster: Cluster, chroma_server: ChromaServer) -> None:
    import chromadb

    assert cluster.statuses and all(s < 500 for s in cluster.statuses), sorted(set(cluster.statuses))
    names = {c.name for c in chromadb.HttpClient(host=chroma_server.host, port=chroma_server.port).list_collections()}
    served = cluster.health(cluster.urls[0])["kb_version"]
    assert any(n.endswith(f"-policy-v{served:04d}") for n in names), names
