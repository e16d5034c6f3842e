"""``jingpin serve --workers N``: refused without a Chroma server (the embedded store is one
process's); with one, N real worker processes answer on one port, the parent announces them in
``data/server.json``, and SIGTERM stops them all and withdraws the announcement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from engines import ChromaServer, free_port

pytestmark = pytest.mark.slow  # subprocesses and a chroma run server
QUESTIONS = ["进了目录的产品投标能视同有业绩吗？", "参加境外展会有补贴吗？", "文号是什么？", "首台套有什么支持？"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JINGPIN_")}
    return {**env, "JINGPIN_DATA_DIR": str(data_dir), "JINGPIN_EMBEDDER": "hash", "HF_HUB_OFFLINE": "1",
            "JINGPIN_RATE_LIMIT_PER_MINUTE": "0", **extra}


def _serve(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "bot.channels.cli.main", "serve", "--port", str(port), "--workers", str(workers)]


def _workers(parent: int) -> list[int]:
    """The uvicorn worker processes of ``parent`` (multiprocessing spawn children, not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in cmdline:
            found.append(int(entry.name))
    return sorted(found)


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def test_workers_without_a_chroma_server_are_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = subprocess.run(_serve(free_port(), 2), env=_env(data_dir), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "JINGPIN_CHROMA_HOST" in done.stderr and "Chroma 服务器" in done.stderr and "chroma run" in done.stderr
    assert not (data_dir / "server.json").exists() and not (data_dir / "kb").exists(), "refused before building"


def test_two_workers_on_a_chroma_server_answer_and_stop_on_sigterm(chroma_server: ChromaServer,
                                                                   tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = _env(data_dir, JINGPIN_CHROMA_HOST=chroma_server.host, JINGPIN_CHROMA_PORT=str(chroma_server.port))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    parent = subprocess.Popen(_serve(port, 2), env=env)
    try:
        deadline = time.time() + 240
        while len(_workers(parent.pid)) < 2 or not _healthy(url):
            assert parent.poll() is None and time.time() < deadline, "jingpin serve --workers 2 did not start"
            time.sleep(0.3)
        time.sleep(3)  # the second worker may still be loading after the first answers
        while not all(_healthy(url) for _ in range(6)):
            assert time.time() < deadline
            time.sleep(0.5)
        workers = _workers(parent.pid)
        assert len(workers) == 2
        assert f'"pid": {parent.pid}' in (data_dir / "server.json").read_text(), "the parent announces the workers"

        before = {pid: _cpu_s(pid) for pid in workers}
        with ThreadPoolExecutor(16) as pool:  # a new connection per request: the kernel spreads them
            answers = list(pool.map(lambda q: httpx.post(f"{url}/v1/ask", json={"question": q}, timeout=120),
                                    QUESTIONS * 12))
        assert all(a.status_code == 200 and a.json()["kb_version"] == 1 for a in answers)
        used = {pid: _cpu_s(pid) - before[pid] for pid in workers}
        assert all(seconds > 0.05 for seconds in used.values()), f"both workers answer: CPU s used {used}"
    finally:
        parent.send_signal(signal.SIGTERM)
        code = parent.wait(timeout=60)
    assert code == 0
    assert not (data_dir / "server.json").exists(), "a stopped server must not stay announced"
    assert not _workers(parent.pid) and not any(Path(f"/proc/{pid}").exists() for pid in workers)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
