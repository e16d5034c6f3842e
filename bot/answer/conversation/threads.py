"""Sessions for clients that resend the whole conversation each time (OpenAI-style chat front-ends).

Such a client names no session; it sends every earlier message. The session of a turn is derived
from the user questions asked so far, so the state a turn leaves (the facts stated, the previous turn
for follow-ups) is found again by the next request of the same conversation, wherever it came from:

    turn 1  [q1]            asked as  key(q1)       (nothing before it)
    turn 2  [q1, a1, q2]    asked as  key(q1, q2)   starting from the state key(q1) left

Two conversations with the same questions share a key, and they would have reached the same state
anyway; an edited or regenerated question forks the conversation from the turn before it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from bot.answer.conversation.sessions import SessionStore


def thread_key(namespace: str, questions: Sequence[str]) -> str:
    """The session id of a conversation whose user questions so far are ``questions``."""
    digest = hashlib.sha256(json.dumps([namespace, *questions], ensure_ascii=False).encode()).hexdigest()
    return f"thread:{digest[:40]}"


def thread_session(sessions: SessionStore, namespace: str, earlier: Sequence[str], question: str) -> str:
    """The session id to ask ``question`` under as the next turn after the ``earlier`` user questions:
    it starts from the state the previous turn left (or from nothing when there was none or it has
    been forgotten), so the answer is the one a session-keeping client would get."""
    current = thread_key(namespace, [*earlier, question])
    previous = thread_key(namespace, earlier) if earlier else None
    sessions.remember(current, sessions.get(previous))
    sessions.remember_turn(current, sessions.turn(previous))
    return current
