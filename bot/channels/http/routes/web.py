"""``GET /``: the web chat page (plain HTML, JS and CSS from the package; no CDN, no build step)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter()


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    """The web chat page."""
    return FileResponse(STATIC / "index.html")
