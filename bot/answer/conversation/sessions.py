"""Per-session memory: the facts a user has stated so far and the previous turn, so a follow-up
need not repeat them.

Kept in memory (a restart forgets them), bounded in size and age; safe across threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

MAX_SESSIONS = 10_000
MAX_AGE_S = 24 * 3600


class SessionStore:
    """session_id → raw fact values, most recently used last."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, max_age_s: float = MAX_AGE_S) -> None:
        self._data: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._turns: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_sessions = max_sessions
        self.max_age_s = max_age_s

    def get(self, session_id: str | None) -> dict[str, Any]:
        """The session's facts (empty for no session, an unknown one or one idle too long)."""
        if not session_id:
            return {}
        with self._lock:
            entry = self._data.get(session_id)
            if entry is None or time.monotonic() - entry[0] > self.max_age_s:
                self._data.pop(session_id, None)
                return {}
            return dict(entry[1])

    def remember(self, session_id: str | None, facts: dict[str, Any]) -> None:
        """Store ``facts`` as the session's profile (no-op without a session id)."""
        if not session_id:
            return
        with self._lock:
            self._data[session_id] = (time.monotonic(), dict(facts))
            self._data.move_to_end(session_id)
            while len(self._data) > self.max_sessions:
                self._data.popitem(last=False)

    def turn(self, session_id: str | None) -> Any:
        """The session's previous turn (None when there is none or it expired)."""
        if not session_id:
            return None
        with self._lock:
            entry = self._turns.get(session_id)
            if entry is None or time.monotonic() - entry[0] > self.max_age_s:
                self._turns.pop(session_id, None)
                return None
            return entry[1]

    def remember_turn(self, session_id: str | None, turn: Any) -> None:
        """Keep ``turn`` as the session's previous turn (bounded like the profiles)."""
        if not session_id:
            return
        with self._lock:
            self._turns[session_id] = (time.monotonic(), turn)
            self._turns.move_to_end(session_id)
            while len(self._turns) > self.max_sessions:
                self._turns.popitem(last=False)
