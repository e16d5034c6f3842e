"""A small Telegram Bot API server for tests, run by uvicorn on 127.0.0.1.

It speaks the HTTP shape python-telegram-bot uses (``/bot<token>/<method>``, form or multipart
parameters, ``{"ok": ..., "result": ...}``), queues updates that a test pushes, records what the
bot sends and, like Telegram, rejects HTML it cannot parse and texts over 4096 characters.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
from html.parser import HTMLParser
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "jingpin", "username": "jingpin_test_bot"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                "blockquote", "span"}


class _TelegramHTML(HTMLParser):
    """Telegram's HTML rules: known tags only, properly nested; collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f"Unsupported start tag \"{tag}\""
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f"Can't find end tag corresponding to start tag \"{tag}\""
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML; raises ValueError like the real server's 400."""
    if re.search(r"&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)", text):
        raise ValueError("Bad Request: can't parse entities: unescaped &")
    if re.search(r"<(?![a-zA-Z/])", text):
        raise ValueError("Bad Request: can't parse entities: unexpected <")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.error or parser.stack:
        raise ValueError(f"Bad Request: can't parse entities: {parser.error or 'unclosed tag'}")
    return html.unescape("".join(parser.text))


class FakeBotAPI:
    """State of the fake server; thread-safe, as tests push from another thread than uvicorn's."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []  # every call the bot made, with its parameters
        self.files: dict[str, bytes] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self.app = Starlette(routes=[
            Route("/bot{token}/{method}", self._method, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
        ])

    # --- what tests do -------------------------------------------------------------------------
    def push_text(self, chat_id: int, text: str, *, language: str = "zh-hans", user_id: int | None = None) -> None:
        """A user sends ``text`` (a leading /command gets its bot_command entity)."""
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                                   "chat": {"id": chat_id, "type": "private"},
                                   "from": {"id": user_id or chat_id, "is_bot": False, "first_name": "测试",
                                            "language_code": language}, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self._push({"message": message})

    def push_document(self, chat_id: int, file_name: str, content: bytes, *, user_id: int | None = None) -> None:
        """A user sends a file (kept here for getFile and the download)."""
        file_id = f"file{next(self._message_ids)}"
        with self.lock:
            self.files[file_id] = content
        self._push({"message": {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
            "from": {"id": user_id or chat_id, "is_bot": False, "first_name": "测试"},
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": file_name,
                         "file_size": len(content)}}})

    def push_callback(self, chat_id: int, data: str, message: dict[str, Any]) -> None:
        """A user presses an inline button with ``data`` under the bot's ``message``."""
        self._push({"callback_query": {"id": str(next(self._message_ids)), "chat_instance": "ci", "data": data,
                                       "from": {"id": chat_id, "is_bot": False, "first_name": "测试"},
                                       "message": message}})

    def update_json(self, chat_id: int, text: str) -> dict[str, Any]:
        """An update body as Telegram would POST it to a webhook."""
        return {"update_id": next(self._update_ids), "message": {
            "message_id": next(self._message_ids), "date": int(time.time()), "text": text,
            "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id, "is_bot": False, "first_name": "测试"}}}

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to ``chat_id`` so far (as returned to the bot)."""
        with self.lock:
            return [c["result"] for c in self.sent if c["method"] == "sendMessage" and c["result"]["chat"]["id"] == chat_id]

    def wait_messages(self, chat_id: int, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Block until the bot has sent ``count`` messages to the chat."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.messages(chat_id)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"bot sent {len(self.messages(chat_id))} messages, expected {count}")

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of ``method``."""
        with self.lock:
            return [c["params"] for c in self.sent if c["method"] == method]

    # --- the server ----------------------------------------------------------------------------
    def _push(self, body: dict[str, Any]) -> None:
        with self.lock:
            self.updates.append({"update_id": next(self._update_ids), **body})

    async def _method(self, request: Request) -> Response:
        method = request.path_params["method"]
        form = await request.form() if request.method == "POST" else request.query_params
        params: dict[str, Any] = {}
        for key, value in form.items():
            if hasattr(value, "read"):
                params[key] = {"filename": value.filename, "content": await value.read()}
            else:
                params[key] = value
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": f"Not Found: {method}"}, 404)
        try:
            result = await handler(params) if asyncio.iscoroutinefunction(handler) else handler(params)
        except ValueError as exc:
            return JSONResponse({"ok": False, "error_code": 400, "description": str(exc)}, 400)
        with self.lock:
            self.sent.append({"method": method, "params": params, "result": result})
        return JSONResponse({"ok": True, "result": result})

    async def _file(self, request: Request) -> Response:
        content = self.files.get(request.path_params["path"])
        return Response(content, 200) if content is not None else Response(b"", 404)

    def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.time() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self.lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                ready = list(self.updates)
            if ready or time.time() >= deadline:
                return ready
            await asyncio.sleep(0.05)

    def _message(self, params: dict[str, Any], text: str) -> dict[str, Any]:
        visible = parse_html(text) if params.get("parse_mode") == "HTML" else text
        if len(visible) > 4096:
            raise ValueError("Bad Request: message is too long")
        message: dict[str, Any] = {"message_id": next(self._message_ids), "date": int(time.time()),
                                   "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER,
                                   "text": visible}
        if params.get("reply_markup"):
            markup = json.loads(params["reply_markup"])
            if "inline_keyboard" in markup:
                message["reply_markup"] = markup
        return message

    def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, params["text"])

    def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, params["text"])

    def _sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, params.get("caption", ""))

    def _getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.files.get(file_id, b"")),
                "file_path": file_id}

    def _answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _close(self, params: dict[str, Any]) -> bool:
        return True
