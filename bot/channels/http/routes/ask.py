"""``GET /healthz`` and ``POST /v1/ask``."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.channels.http.deps import AssistantDep, ServicesDep
from bot.channels.http.schemas import AskRequest, AskResponse, Health, HealthUnavailable
from knowledge.dependencies import dependency_down, unavailable_message

router = APIRouter()


@router.get("/healthz", response_model=Health, responses={503: {
    "model": HealthUnavailable, "description": "数据库或向量库不可用 / the database or the vector store is down"}})
def healthz(services: ServicesDep) -> Any:
    """Readiness: the database and the vector store answer (else 503 naming the one that does not),
    plus the KB version and catalog revision being served."""
    answers = services.dependencies()
    shown: dict[str, Literal["ok", "down"]] = {name: "ok" if up else "down" for name, up in answers.items()}
    down = [name for name, up in answers.items() if not up]
    if not down:
        try:
            assistant = services.assistant
            index = assistant.catalog_snapshot()
            return Health(status="ok", kb_version=assistant.kb().version, catalog_revision=index.revision,
                          catalog_products=len(index), metrics=assistant.metrics(), dependencies=shown)
        except Exception as error:  # went down between the probe and now
            failed = dependency_down(error)
            if failed is None:
                raise
            down, shown[failed.dependency] = [failed.dependency], "down"
    body = HealthUnavailable(status="unavailable", detail=unavailable_message(down), dependencies=shown)
    return JSONResponse(status_code=503, content=body.model_dump())


@router.post("/v1/ask", response_model=AskResponse)
def ask(body: AskRequest, assistant: AssistantDep) -> dict[str, Any]:
    """Answer a question with clause citations (or say the KB does not cover it). Facts stated
    in the question, in ``profile`` and earlier in the session feed the verdicts."""
    session = f"api:{body.session_id}" if body.session_id else None  # never another channel's session
    answer = assistant.ask(body.question, session_id=session, profile=body.profile, as_of=body.as_of,
                           kb_version=body.kb_version)
    return answer.to_dict()
