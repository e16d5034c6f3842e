"""Sessions in the deployment's database (table ``conversation_sessions``), shared by every process
and host that opens it — SQLite by default, PostgreSQL for scale-out.

One row per session: the facts stated so far and the previous turn, each as JSON with the time it
was written (each expires on its own, like a conversation left idle), and the time the session was
last written, which orders eviction. Reads never write. Every ``sweep_every``-th write of a store
deletes the expired rows and, beyond ``max_sessions``, the least recently used ones — so the table
holds at most ``max_sessions`` rows plus the writes since the last sweep, at the cost of one indexed
delete and one count per ``sweep_every`` writes instead of a scan on every request.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, Float, String, Text, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.answer.conversation.followups import Turn
from bot.answer.conversation.sessions import MAX_AGE_S, MAX_SESSIONS
from knowledge.db.engine import create_when_missing

SWEEP_EVERY = 100
_KEY_MAX = 200  # longer session ids are stored by their hash


class _Base(DeclarativeBase):
    pass


class SessionRow(_Base):
    """``conversation_sessions``: one row per conversation."""

    __tablename__ = "conversation_sessions"

    session_id: Mapped[str] = mapped_column(String(_KEY_MAX), primary_key=True)
    facts: Mapped[str] = mapped_column(Text, default="{}")
    facts_at: Mapped[float] = mapped_column(Float, default=0.0)
    turn: Mapped[str | None] = mapped_column(Text)
    turn_at: Mapped[float] = mapped_column(Float, default=0.0)
    used_at: Mapped[float] = mapped_column(Float, index=True)


def _key(session_id: str) -> str:
    if len(session_id) <= _KEY_MAX:
        return session_id
    return "sha256:" + hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class SqlSessionStore:
    """session_id → facts and previous turn, in the database behind ``engine`` (table created when
    missing); any store on the same database sees what another wrote. Safe across threads."""

    def __init__(self, engine: Engine, max_sessions: int = MAX_SESSIONS, max_age_s: float = MAX_AGE_S, *,
                 sweep_every: int = SWEEP_EVERY, clock: Callable[[], float] = time.time) -> None:
        create_when_missing(engine, _Base.metadata.create_all)
        self.engine = engine
        self.max_sessions = max_sessions
        self.max_age_s = max_age_s
        self.sweep_every = max(1, sweep_every)
        self._clock = clock  # wall-clock seconds: comparable across processes and hosts
        self._writes = itertools.count(1)
        self.sweep()

    # -- reads ----------------------------------------------------------------------------------------
    def _read(self, session_id: str | None, value: Any, written_at: Any) -> str | None:
        if not session_id:
            return None
        with self.engine.connect() as connection:
            row = connection.execute(select(value, written_at).where(SessionRow.session_id == _key(session_id))).first()
        if row is None or row[0] is None or self._clock() - row[1] > self.max_age_s:
            return None
        return str(row[0])

    def get(self, session_id: str | None) -> dict[str, Any]:
        """The session's facts (empty for no session, an unknown one or one idle too long)."""
        stored = self._read(session_id, SessionRow.facts, SessionRow.facts_at)
        try:
            facts = json.loads(stored) if stored else {}
        except ValueError:
            return {}
        return facts if isinstance(facts, dict) else {}

    def turn(self, session_id: str | None) -> Turn | None:
        """The session's previous turn (None when there is none, it expired or another version wrote it
        in a shape this one does not read)."""
        stored = self._read(session_id, SessionRow.turn, SessionRow.turn_at)
        if stored is None:
            return None
        try:
            return Turn.from_dict(json.loads(stored))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    # -- writes ---------------------------------------------------------------------------------------
    def remember(self, session_id: str | None, facts: dict[str, Any]) -> None:
        """Store ``facts`` as the session's profile (no-op without a session id)."""
        if session_id:
            now = self._clock()
            self._upsert(_key(session_id), {"facts": _json(dict(facts)), "facts_at": now, "used_at": now})

    def remember_turn(self, session_id: str | None, turn: Turn | None) -> None:
        """Keep ``turn`` as the session's previous turn (None forgets it; no-op without a session id)."""
        if session_id:
            now = self._clock()
            stored = _json(turn.to_dict()) if turn is not None else None
            self._upsert(_key(session_id), {"turn": stored, "turn_at": now, "used_at": now})

    def _upsert(self, key: str, values: dict[str, Any]) -> None:
        with self.engine.begin() as connection:
            name = connection.dialect.name
            if name in ("postgresql", "sqlite"):
                dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
                stmt = dialect_insert(SessionRow).values(session_id=key, **values)
                connection.execute(stmt.on_conflict_do_update(index_elements=["session_id"], set_=values))
            elif connection.execute(update(SessionRow).where(SessionRow.session_id == key)
                                    .values(**values)).rowcount == 0:
                connection.execute(insert(SessionRow).values(session_id=key, **values))
        if next(self._writes) % self.sweep_every == 0:
            self.sweep()

    def sweep(self) -> int:
        """Delete the sessions idle longer than ``max_age_s`` and, beyond ``max_sessions``, the least
        recently written; returns how many rows went."""
        cutoff = self._clock() - self.max_age_s
        with self.engine.begin() as connection:
            gone = connection.execute(delete(SessionRow).where(SessionRow.used_at < cutoff)).rowcount
            count = int(connection.execute(select(func.count()).select_from(SessionRow)).scalar_one())
            if count > self.max_sessions:
                oldest = (select(SessionRow.session_id).order_by(SessionRow.used_at, SessionRow.session_id)
                          .limit(count - self.max_sessions))
                gone += connection.execute(delete(SessionRow).where(SessionRow.session_id.in_(oldest))).rowcount
        return int(gone)
