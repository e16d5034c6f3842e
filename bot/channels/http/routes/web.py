"""``GET /``: the web chat page (plain HTML, JS and CSS from the package; no CDN, no build step)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter()

#: The page loads only its own script and style and talks only to its own API.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}


def install_security_headers(app: FastAPI) -> None:
    """nosniff and no framing on every response; a strict Content-Security-Policy on the page."""

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        response.headers.update(ALWAYS)
        if request.url.path == "/" or request.url.path.startswith("/static/"):
            response.headers["Content-Security-Policy"] = PAGE_POLICY
        return response


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The web chat page."""
    return FileResponse(STATIC / "index.html")
