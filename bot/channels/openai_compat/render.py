"""An :class:`~bot.answer.Answer` as a chat completion: the message text (the answer, then its
sources as readable lines) and the completion or the stream of chunks that carries it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from bot.answer import Answer
from bot.channels.openai_compat.schemas import MODEL_ID

NOT_GROUNDED = "（知识库未覆盖此问题，以上回答未引用任何条款 / the knowledge base does not cover this question; no clause is cited）"
SOURCES = "来源 / Sources:"


def sources_text(answer: Answer) -> str:
    """The answer's citations as numbered lines: clause label, document title, 文号 (each clause once)."""
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for c in answer.citations:
        if (c.doc_id, c.clause_id) in seen:
            continue
        seen.add((c.doc_id, c.clause_id))
        where = f"《{c.doc_title}》" if c.doc_title else ""
        number = f"（{c.doc_number}）" if c.doc_number else ""
        source = f"〔{c.source}〕" if c.source else ""
        lines.append(f"{len(lines) + 1}. {c.label} {where}{number}{source}".rstrip())
    return "\n".join([SOURCES, *lines]) if lines else ""


def message_text(answer: Answer) -> str:
    """The assistant message: the answer text (it carries its clause labels), a note when the answer is
    not grounded in the KB, then the sources."""
    parts = [answer.answer.rstrip()]
    if not answer.grounded:
        parts.append(NOT_GROUNDED)
    sources = sources_text(answer)
    if sources:
        parts.append(sources)
    return "\n\n".join(parts)


def usage(prompt_chars: int, content: str) -> dict[str, int]:
    """Usage in characters (no tokenizer is involved in composing an answer)."""
    return {"prompt_tokens": prompt_chars, "completion_tokens": len(content),
            "total_tokens": prompt_chars + len(content)}


def _envelope(kind: str) -> dict[str, Any]:
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": kind, "created": int(time.time()), "model": MODEL_ID}


def completion(answer: Answer, prompt_chars: int) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` body, with the ``/v1/ask`` body of the answer as ``jingpin``."""
    content = message_text(answer)
    return {**_envelope("chat.completion"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": usage(prompt_chars, content), "jingpin": answer.to_dict()}


def chunks(answer: Answer, prompt_chars: int, *, include_usage: bool = False) -> Iterator[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a streamed answer: the role, the text line by line (the
    deltas concatenate to the non-streamed content), then ``finish_reason`` with ``jingpin`` on the last
    choice chunk, then the usage when asked for."""
    content = message_text(answer)
    base = _envelope("chat.completion.chunk")

    def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}

    yield chunk({"role": "assistant", "content": ""})
    for line in content.splitlines(keepends=True):
        yield chunk({"content": line})
    yield chunk({}, "stop", jingpin=answer.to_dict())
    if include_usage:
        yield {**base, "choices": [], "usage": usage(prompt_chars, content)}


def sse(events: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    """Server-sent events of ``events``, ending with ``data: [DONE]``."""
    for event in events:
        yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()
    yield b"data: [DONE]\n\n"
