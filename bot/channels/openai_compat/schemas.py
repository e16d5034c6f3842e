"""Request and response bodies of the OpenAI-compatible API (the Chat Completions shape, plus the
``jingpin`` field: the ``POST /v1/ask`` body of the same answer)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr

from bot.channels.http.schemas import SESSION_ID_MAX, AskResponse

MODEL_ID = "jingpin"
MODEL_CREATED = 1_735_689_600  # 2025-01-01, a fixed date: the model's identity does not change with the KB
MAX_MESSAGES = 1000


class ContentPart(BaseModel):
    """One part of a message's content; only ``text`` parts can be answered."""

    model_config = ConfigDict(extra="ignore")

    type: StrictStr = Field(max_length=64, description="only text is supported / 仅支持 text")
    text: StrictStr | None = None


class ChatMessage(BaseModel):
    """One message of the conversation."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: StrictStr | list[ContentPart] | None = None
    name: StrictStr | None = Field(default=None, max_length=256)


class StreamOptions(BaseModel):
    """``stream_options``: ``include_usage`` adds a last chunk with the usage."""

    model_config = ConfigDict(extra="ignore")

    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """``POST /v1/chat/completions`` body. Sampling settings (temperature, top_p, max_tokens …) are
    accepted and ignored: answers are composed from the policy text, not sampled."""

    model_config = ConfigDict(extra="ignore")

    model: StrictStr = Field(max_length=256, description="jingpin")
    messages: list[ChatMessage] = Field(max_length=MAX_MESSAGES, description=(
        "the conversation; the last user message is the question (1–2000 characters), earlier user messages "
        "give follow-up context"))
    stream: bool | None = False
    stream_options: StreamOptions | None = None
    user: StrictStr | None = Field(default=None, max_length=SESSION_ID_MAX,
                                   description="your end user's id: keeps different users' conversations apart")
    as_of: dt.date | None = Field(default=None, description="jingpin extension: judge rules on this day (default today)")


class AssistantMessage(BaseModel):
    """The answer as a chat message."""

    role: Literal["assistant"]
    content: str


class Choice(BaseModel):
    """The one choice of a completion."""

    index: int
    message: AssistantMessage
    finish_reason: Literal["stop"]


class Usage(BaseModel):
    """Sizes in characters (jingpin composes from text and counts no tokens)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    """``POST /v1/chat/completions`` response (non-streamed). ``jingpin`` carries the citations, the
    verdicts, the conclusion, ``grounded`` and ``kb_version`` as ``POST /v1/ask`` returns them."""

    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    jingpin: AskResponse


class ModelCard(BaseModel):
    """A model of ``GET /v1/models``."""

    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(BaseModel):
    """``GET /v1/models``."""

    object: Literal["list"]
    data: list[ModelCard]


class OpenAIErrorDetail(BaseModel):
    """The ``error`` of an OpenAI-style error body; ``message`` is in Chinese and English."""

    message: str
    type: str
    param: str | None
    code: str | None


class OpenAIErrorBody(BaseModel):
    """An error of the OpenAI-compatible API: ``{"error": {"message", "type", "param", "code"}}``."""

    error: OpenAIErrorDetail


def model_card() -> ModelCard:
    """The one model served: ``jingpin``."""
    return ModelCard(id=MODEL_ID, object="model", created=MODEL_CREATED, owned_by="jingpin")
