"""Limits that keep one client from exhausting the server: request body size and a per-client rate.

A pure ASGI middleware, so that a body is counted as it streams in (a chunked upload without a
Content-Length is cut off at the limit, not read whole) and a refused request never reaches a route.

- Body size: ``max_body_bytes`` for the public API, ``max_upload_bytes`` plus multipart overhead for
  ``/v1/admin`` (uploads). Over the limit → 413.
- Rate: a token bucket per client address over the public ``/v1`` API (``rate_limit_per_minute``,
  0 turns it off). A request costs 1 plus 1 per ``COST_BYTES`` of body, so a 2,000-character
  question (which costs about 2 s of CPU) counts as about a dozen short ones. Over the limit → 429
  with ``Retry-After``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]

MULTIPART_OVERHEAD = 1024 * 1024
COST_BYTES = 600  # ≈ 200 Chinese characters of question
MAX_CLIENTS = 10_000
RATED_PREFIX = "/v1/"
UNRATED_PREFIXES = ("/v1/admin",)


class RateBuckets:
    """Token buckets per client, oldest forgotten first; safe across threads."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill_per_s = per_minute / 60.0
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, cost: float) -> float:
        """Spend ``cost`` from the client's bucket: 0.0 when allowed, else seconds until it would be."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.refill_per_s)
            cost = min(cost, self.capacity)
            wait = 0.0 if tokens >= cost else (cost - tokens) / self.refill_per_s
            self._buckets[client] = (tokens - cost if wait == 0.0 else tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


def _kb(n: int) -> str:
    return f"{n / 1048576:g} MB" if n >= 1048576 else f"{math.ceil(n / 1024)} KB"


async def _send_json(send: Any, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": payload})


class RequestLimits:
    """ASGI middleware: 413 for bodies over the limit, 429 for clients over their rate."""

    def __init__(self, app: Any, *, max_body_bytes: int, max_upload_bytes: int, rate_limit_per_minute: int) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes + MULTIPART_OVERHEAD
        self.max_file = max_upload_bytes
        self.buckets = RateBuckets(rate_limit_per_minute) if rate_limit_per_minute > 0 else None

    def _too_large(self, limit: int) -> dict[str, Any]:
        if limit == self.max_upload:  # say the file limit staff know, not the multipart allowance
            return {"detail": f"上传文件过大，上限 {_kb(self.max_file)}，未做任何更改 / "
                              f"upload too large (limit {_kb(self.max_file)})"}
        return {"detail": f"请求体过大，上限 {_kb(limit)}，未做任何更改 / request body too large (limit {_kb(limit)})"}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.max_upload if path.startswith("/v1/admin") else self.max_body
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        length = int(declared) if declared.isdigit() else 0
        if length > limit:
            await _send_json(send, 413, self._too_large(limit), [(b"connection", b"close")])
            return
        if self.buckets and path.startswith(RATED_PREFIX) and not path.startswith(UNRATED_PREFIXES):
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.buckets.take(client, 1 + length // COST_BYTES)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _send_json(send, 429, {"detail": f"请求过于频繁，请 {seconds} 秒后再试 / too many requests, "
                                             f"retry in {seconds} s"}, [(b"retry-after", str(seconds).encode())])
                return
        received = 0
        started = answered = False

        async def counted_receive() -> Message:
            # Over the limit: answer 413 now and tell the app the client left, so it stops reading.
            nonlocal received, answered
            if answered:
                return {"type": "http.disconnect"}
            message: Message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started:
                        await _send_json(send, 413, self._too_large(limit), [(b"connection", b"close")])
                    answered = True
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if answered:  # the app's own reply to the cut-off body is dropped
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, tracked_send)
