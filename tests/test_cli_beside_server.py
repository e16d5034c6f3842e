"""A staff member with shell access: ``jingpin`` CLI writes on the data dir of a running ``jingpin serve``.

Both are real processes on one data dir with the embedded Chroma store. The CLI hands each write
to the server, so the server keeps answering (it used to answer 500 until restarted) and serves
the change at once, and the audit log still names the CLI user.
"""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

NOTICE = Path(__file__).parent / "data" / "article_style.txt"
HEADER = "产品编号,产品名称,企业名称,统一社会信用代码,所在地区,领域,年度,认定日期,核心技术水平,明晰自主知识产权,品牌,产品简介,状态,退出日期,退出原因,来源"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data_dir = tmp_path_factory.mktemp("beside") / "data"
    env = {**os.environ, "JINGPIN_DATA_DIR": str(data_dir), "JINGPIN_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1"}
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.channels.cli.main", "serve", "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.time() < deadline, "jingpin serve did not start"
        time.sleep(0.3)
    try:
        yield url, env
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        assert not (data_dir / "server.json").exists(), "a stopped server must not stay announced"


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.channels.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=300)


def _catalog(path: Path, rows: int) -> Path:
    lines = [HEADER] + [f"ZZ20260{i:05d},测试{i}号数控磨床,杭州虚构机械有限公司（测试虚构）,,杭州市,高端装备,2026,"
                        f"2026-10-01,国内领先,是,虚构,测试用虚构产品（测试数据）,有效,,,测试数据（虚构）" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_catalog_import_from_the_cli_is_served_without_a_restart(server: tuple[str, dict[str, str]],
                                                                  tmp_path: Path) -> None:
    url, env = server
    before = httpx.get(f"{url}/healthz").json()
    done = _cli(env, "catalog", "import", str(_catalog(tmp_path / "new.csv", 30)))
    assert done.returncode == 0, done.stderr
    assert "新增 30" in done.stdout and "已交给运行中的服务" in done.stderr
    health = httpx.get(f"{url}/healthz")
    assert health.status_code == 200
    assert health.json()["catalog_products"] == before["catalog_products"] + 30
    assert health.json()["catalog_revision"] > before["catalog_revision"]
    found = httpx.get(f"{url}/v1/catalog/search", params={"q": "测试7号数控磨床"}).json()
    assert found["items"][0]["product_id"] == "ZZ2026000007"
    assert httpx.post(f"{url}/v1/ask", json={"question": "数控磨床有哪些目录产品？"}).status_code == 200

    withdrawn = _cli(env, "catalog", "withdraw", "ZZ2026000007", "--reason", "测试退出（虚构）")
    assert withdrawn.returncode == 0, withdrawn.stderr
    product = httpx.get(f"{url}/v1/catalog/ZZ2026000007").json()
    assert product["status"] == "withdrawn"
    entries = _cli(env, "admin", "audit", "--limit", "2")
    assert f"cli:{getpass.getuser()}" in entries.stdout and "catalog_withdraw" in entries.stdout


def test_document_publish_and_rollback_from_the_cli_reach_the_server(server: tuple[str, dict[str, str]]) -> None:
    url, env = server
    version = httpx.get(f"{url}/healthz").json()["kb_version"]
    published = _cli(env, "ingest", str(NOTICE))
    assert published.returncode == 0, published.stderr
    assert httpx.get(f"{url}/healthz").json()["kb_version"] == version + 1
    docs = {d["doc_id"] for d in httpx.get(f"{url}/v1/documents").json()}
    assert len(docs) == 2
    back = _cli(env, "admin", "rollback", str(version))
    assert back.returncode == 0, back.stderr
    assert httpx.get(f"{url}/healthz").json()["kb_version"] == version
    assert httpx.post(f"{url}/v1/ask", json={"question": "展会有补贴吗"}).status_code == 200
    tokens = _cli(env, "admin", "tokens")
    assert tokens.returncode == 0 and "cli:" not in tokens.stdout, "the handoff token must not outlive the command"


def test_a_second_server_on_the_same_data_dir_is_refused(server: tuple[str, dict[str, str]]) -> None:
    url, env = server
    second = _cli(env, "serve", "--port", str(_free_port()))
    assert second.returncode == 2 and url in second.stderr
    assert httpx.get(f"{url}/healthz").status_code == 200
