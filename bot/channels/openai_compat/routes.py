"""``GET /v1/models`` and ``POST /v1/chat/completions``: jingpin as an OpenAI-compatible model, for chat
front-ends (Open WebUI, Cherry Studio, LobeChat …) and the official SDKs.

The last user message is the question; the earlier user messages make it a turn of a conversation
(:mod:`bot.answer.conversation.threads`), so "那展会呢？" is read as on ``/v1/ask`` with a session.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse

from bot.answer.conversation.threads import thread_session
from bot.answer.question import question_problem
from bot.channels.http.deps import AssistantDep, get_services
from bot.channels.http.schemas import SESSION_ID_MAX, SESSION_ID_PATTERN
from bot.channels.openai_compat.errors import OpenAIError, OpenAIRoute
from bot.channels.openai_compat.render import chunks, completion, sse
from bot.channels.openai_compat.schemas import (
    MODEL_ID,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessage,
    ModelCard,
    ModelList,
    model_card,
)

KEY_NEEDED = "需要有效的 API 密钥：Authorization: Bearer <key> / a valid API key is required (Authorization: Bearer)"


def require_key(request: Request) -> None:
    """Refuse the request (401) when ``JINGPIN_API_KEYS`` is set and it does not carry one of them."""
    if not get_services(request).settings.accepts_key(request.headers.get("authorization", "")):
        raise OpenAIError(401, KEY_NEEDED, code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"})


router = APIRouter(prefix="/v1", tags=["openai 兼容接口"], route_class=OpenAIRoute, dependencies=[Depends(require_key)])
STREAM_DOC: dict[int | str, dict[str, Any]] = {200: {
    "description": "a chat.completion, or with stream: true server-sent chat.completion.chunk events ending "
                   "with data: [DONE]",
    "content": {"text/event-stream": {"schema": {"type": "string"}}}}}


@router.get("/models", response_model=ModelList)
def models() -> ModelList:
    """The models served: only ``jingpin``."""
    return ModelList(object="list", data=[model_card()])


@router.get("/models/{model_id}", response_model=ModelCard)
def model(model_id: str) -> ModelCard:
    """One model (404 unless it is ``jingpin``)."""
    if model_id != MODEL_ID:
        raise _unknown_model(model_id, "model_id")
    return model_card()


def _unknown_model(name: str, param: str) -> OpenAIError:
    return OpenAIError(404, f"模型 {name!r} 不存在，可用模型：{MODEL_ID} / the model {name!r} does not exist "
                            f"(available: {MODEL_ID})", param=param, code="model_not_found")


def _text(message: ChatMessage, index: int) -> str:
    """The text of a message; a part other than text is refused."""
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    for part in message.content:
        if part.type != "text" or part.text is None:
            raise OpenAIError(400, f"仅支持文字内容，不支持 {part.type}（messages[{index}]） / only text content is "
                                   f"supported, not {part.type}", param=f"messages.{index}.content",
                              code="unsupported_content")
    return "\n".join(part.text or "" for part in message.content)


def _conversation(messages: list[ChatMessage]) -> tuple[list[str], str, int]:
    """The earlier user questions, the question (the last user message) and the prompt's size."""
    if not messages:
        raise OpenAIError(400, "messages 不能为空 / messages must not be empty", param="messages", code="empty_messages")
    texts = [_text(m, i) for i, m in enumerate(messages)]
    asked = [t.strip() for m, t in zip(messages, texts, strict=True) if m.role == "user"]
    if not asked:
        raise OpenAIError(400, "messages 中没有用户消息（role: user） / messages contain no user message",
                          param="messages", code="no_user_message")
    problem = question_problem(asked[-1])
    if problem:
        raise OpenAIError(400, problem, param="messages", code="invalid_question")
    return asked[:-1], asked[-1], sum(len(t) for t in texts)


@router.post("/chat/completions", response_model=ChatCompletion, responses=STREAM_DOC)
def chat_completions(
    body: ChatCompletionRequest,
    assistant: AssistantDep,
    x_session_id: Annotated[str | None, Header(max_length=SESSION_ID_MAX, pattern=SESSION_ID_PATTERN,
                                               description="optional: your conversation's id, as session_id on "
                                                           "/v1/ask (otherwise derived from the messages)")] = None,
) -> Any:
    """Answer the last user message with clause citations, as a chat completion (``stream: true``:
    server-sent chunks). Citations, verdicts, conclusion, grounded and kb_version: the ``jingpin`` field."""
    if body.model != MODEL_ID:
        raise _unknown_model(body.model, "model")
    earlier, question, prompt_chars = _conversation(body.messages)
    if x_session_id:
        session = f"openai:{x_session_id}"  # never another channel's session
    else:
        session = thread_session(assistant.sessions, f"openai:{body.user or ''}", earlier, question)
    answer = assistant.ask(question, session_id=session, as_of=body.as_of)
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return StreamingResponse(sse(chunks(answer, prompt_chars, include_usage=include_usage)),
                                 media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
    return JSONResponse(completion(answer, prompt_chars))
