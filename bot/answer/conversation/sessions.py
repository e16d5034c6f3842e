"""Per-session memory: the facts a user has stated so far and the previous turn, so a follow-up
need not repeat them.

This is the interface the Assistant and the conversation helpers use. The store is
:class:`bot.answer.conversation.sql_sessions.SqlSessionStore`, in the deployment's database, so a
follow-up finds its session whichever process or host behind a load balancer it reaches.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.answer.conversation.followups import Turn

MAX_SESSIONS = 10_000
MAX_AGE_S = 24 * 3600


class SessionStore(Protocol):
    """session_id → the facts stated so far and the previous turn, bounded in number and idle age."""

    def get(self, session_id: str | None) -> dict[str, Any]:
        """The session's facts (empty for no session, an unknown one or one idle too long)."""
        ...

    def remember(self, session_id: str | None, facts: dict[str, Any]) -> None:
        """Store ``facts`` as the session's profile (no-op without a session id)."""
        ...

    def turn(self, session_id: str | None) -> Turn | None:
        """The session's previous turn (None when there is none or it expired)."""
        ...

    def remember_turn(self, session_id: str | None, turn: Turn | None) -> None:
        """Keep ``turn`` as the session's previous turn (None forgets it; no-op without a session id)."""
        ...
