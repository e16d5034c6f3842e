"""``GET /healthz`` and ``POST /v1/ask``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from bot.channels.http.deps import AssistantDep
from bot.channels.http.schemas import AskRequest, AskResponse, Health

router = APIRouter()


@router.get("/healthz", response_model=Health)
def healthz(assistant: AssistantDep) -> Health:
    """Liveness plus the KB version being served."""
    index = assistant.catalog_snapshot()
    return Health(status="ok", kb_version=assistant.kb().version, catalog_revision=index.revision,
                  catalog_products=len(index), metrics=assistant.metrics())


@router.post("/v1/ask", response_model=AskResponse)
def ask(body: AskRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Answer a question with clause citations (or say the KB does not cover it). Facts stated
    in the question, in ``profile`` and earlier in the session feed the verdicts."""
    session = f"api:{body.session_id}" if body.session_id else None  # never another channel's session
    answer = assistant.ask(body.question, session_id=session, profile=body.profile, as_of=body.as_of,
                           kb_version=body.kb_version)
    return answer.to_dict()
