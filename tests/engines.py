"""Real database and vector servers for tests, on 127.0.0.1 and a free port, in temp dirs.

- :class:`PostgresServer`: a PostgreSQL cluster made by ``initdb`` and run by ``postgres`` (Debian's
  ``postgresql`` package, binaries under ``/usr/lib/postgresql/*/bin``; ``make services`` installs it).
  PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user (or
  ``nobody``). ``new_database()`` gives a test an empty database of its own.
- :class:`ChromaServer`: ``chroma run --path <tmp> --host 127.0.0.1 --port <free>``, started through the
  entry point the ``chroma`` console script calls (``chromadb_rust_bindings.cli``) without first
  importing chromadb, which would cost seconds per start; ready once ``/api/v2/heartbeat`` answers.

Both can be stopped and started again on the same port and data (``stop``, ``start``, ``restart``),
for tests of a dependency going down and coming back. The fixtures (session-scoped, started on first
use) are registered in ``conftest.py``; when a server's binaries are missing, a test that asks for it
fails and says what to install.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

START_TIMEOUT_S = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, chars: int = 2000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and postgres (None when missing)."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb") if Path(p).with_name("postgres").exists()]
    found.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else None


class _Process:
    """A server subprocess that can be stopped and started again on the same port and data."""

    name = "server"

    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.host = "127.0.0.1"
        self.port = port
        self.log = root / f"{self.name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.uid: int | None = None  # run as this user (when the tests run as root)
        self.gid: int | None = None

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        """Start the server and return once it answers (pytest.fail with its log when it does not)."""
        if self.process is not None and self.process.poll() is None:
            return
        command = self._command()
        if shutil.which("setpriv"):  # the server goes when the test process dies, even by SIGKILL
            command = ["setpriv", "--pdeathsig", "TERM", "--", *command]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, user=self.uid, group=self.gid)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{self.name} did not start on {self.host}:{self.port}:\n{_tail(self.log)}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and wait for it; no-op when it is not running."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(self._stop_signal)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    _stop_signal = signal.SIGTERM

    def restart(self) -> None:
        """Stop, then start again on the same port and data."""
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None


class PostgresServer(_Process):
    """A throw-away PostgreSQL cluster (superuser ``jingpin``, trust auth on 127.0.0.1)."""

    name = "postgres"
    _stop_signal = signal.SIGINT  # "fast" shutdown: ends open sessions at once

    def __init__(self, root: Path, port: int, bin_dir: Path) -> None:
        super().__init__(root, port)
        self.bin_dir = bin_dir
        self.data = root / "data"
        if os.geteuid() == 0:  # postgres will not run as root
            entry = pwd.getpwnam("postgres" if _has_user("postgres") else "nobody")
            self.uid, self.gid = entry.pw_uid, entry.pw_gid
            os.chown(root, entry.pw_uid, entry.pw_gid)
        result = subprocess.run([str(bin_dir / "initdb"), "-D", str(self.data), "-U", "jingpin", "--auth=trust",
                                 "-E", "UTF8", "--no-locale", "--no-sync"], capture_output=True, text=True,
                                user=self.uid, group=self.gid)
        if result.returncode != 0:
            pytest.fail(f"initdb failed: {result.stderr[-2000:]}")

    def _command(self) -> list[str]:
        options = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                   "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"]
        return [str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.root),
                *options]

    def _ready(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.url("postgres"), connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    def url(self, database: str = "jingpin") -> str:
        """The URL of ``database`` on this server, as ``JINGPIN_DATABASE_URL`` takes it."""
        return f"postgresql://jingpin@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class ChromaServer(_Process):
    """A Chroma server (``chroma run``) over a temp dir."""

    name = "chroma"

    def _command(self) -> list[str]:
        args = ["chroma", "run", "--path", str(self.root / "chroma"), "--host", self.host, "--port", str(self.port)]
        return [sys.executable, "-c", f"import chromadb_rust_bindings; chromadb_rust_bindings.cli({args!r})"]

    def _ready(self) -> bool:
        try:
            return httpx.get(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=1, trust_env=False).is_success
        except httpx.HTTPError:
            return False


def _temp_root(prefix: str) -> Path:
    # Not under pytest's tmp tree: that is private to root, and the postgres user must enter this one.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    return root


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on loopback for the whole session (stopped and removed at the end)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run `make services` "
                    "or `apt-get install postgresql`")
    try:
        import psycopg
    except ImportError:
        pytest.fail("psycopg 3 is not installed: pip install 'jingpin[postgres]' (or make install-dev)")
    root = _temp_root("jingpin-pg-")
    server = PostgresServer(root, free_port(), bin_dir)
    try:
        server.start()
        with psycopg.connect(server.url("postgres"), autocommit=True) as connection:
            connection.execute('CREATE DATABASE "jingpin"')
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres: PostgresServer) -> str:
    """The URL of the session's PostgreSQL database ``jingpin`` (shared: tests that need an empty
    database call ``postgres.new_database()``)."""
    return postgres.url()


@pytest.fixture(scope="session")
def chroma_server() -> Iterator[ChromaServer]:
    """A real Chroma server on loopback (``.host``, ``.port``; ``stop()``, ``start()``, ``restart()``)."""
    try:
        import chromadb_rust_bindings  # noqa: F401
    except ImportError:
        pytest.fail("chromadb is not installed (no chromadb_rust_bindings for `chroma run`): make install-dev")
    root = _temp_root("jingpin-chroma-")
    server = ChromaServer(root, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
