"""Staff tokens and the audit log, in the same database as the catalog.

Tokens are stored as SHA-256 hashes; the plain token is shown once, when it is created. Every
change to the knowledge base is written to ``audit_log``: who, when, what, version before and
after, and a summary of the change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Engine, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from knowledge.errors import InvalidInputError

ROLES: tuple[str, ...] = ("staff", "admin")


class _Base(DeclarativeBase):
    pass


class TokenRow(_Base):
    """``admin_tokens``: one row per issued token (hash only)."""

    __tablename__ = "admin_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(_Base):
    """``audit_log``: one row per change of the knowledge base or the catalog."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(Text, default="")
    version_before: Mapped[int | None] = mapped_column(Integer)
    version_after: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text, default="{}")


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid token belongs to."""

    token_id: int
    name: str
    role: str


def ensure_admin_tables(engine: Engine) -> None:
    """Create the token and audit tables when missing."""
    _Base.metadata.create_all(engine, checkfirst=True)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def create_token(engine: Engine, name: str, role: str) -> tuple[int, str]:
    """Issue a token; returns (id, plain token). Only the hash is stored."""
    if role not in ROLES:
        raise InvalidInputError(f"角色应为 {' / '.join(ROLES)}，收到：{role} / role must be staff or admin")
    if not name.strip():
        raise InvalidInputError("请填写令牌持有人姓名 / a name is required")
    ensure_admin_tables(engine)
    token = "jp_" + secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        row = TokenRow(name=name.strip(), role=role, token_hash=_hash(token), created_at=_now(), revoked=False)
        session.add(row)
        session.flush()
        return row.id, token


def token_holder(engine: Engine, token: str) -> TokenHolder | None:
    """The holder of a valid, unrevoked token (None otherwise)."""
    ensure_admin_tables(engine)
    with Session(engine) as session:
        row = session.scalar(select(TokenRow).where(TokenRow.token_hash == _hash(token)))
        if row is None or row.revoked:
            return None
        return TokenHolder(row.id, row.name, row.role)


def revoke_token(engine: Engine, token_id: int) -> bool:
    """Revoke a token; False when there is no such token."""
    if not 0 < token_id < 2**63:  # beyond SQL integers: no such token
        return False
    ensure_admin_tables(engine)
    with Session(engine) as session, session.begin():
        row = session.get(TokenRow, token_id)
        if row is None:
            return False
        row.revoked = True
        return True


def delete_token(engine: Engine, token_id: int) -> None:
    """Remove a token row entirely (for the CLI's short-lived handoff tokens, which nobody lists)."""
    with Session(engine) as session, session.begin():
        row = session.get(TokenRow, token_id)
        if row is not None:
            session.delete(row)


def list_tokens(engine: Engine) -> list[dict[str, Any]]:
    """Issued tokens (never the token itself)."""
    ensure_admin_tables(engine)
    with Session(engine) as session:
        return [{"id": r.id, "name": r.name, "role": r.role, "created_at": r.created_at, "revoked": r.revoked}
                for r in session.scalars(select(TokenRow).order_by(TokenRow.id))]


def record_audit(engine: Engine, *, actor: str, action: str, target: str = "", version_before: int | None = None,
                 version_after: int | None = None, summary: dict[str, Any] | None = None) -> None:
    """Append one entry to the audit log."""
    ensure_admin_tables(engine)
    with Session(engine) as session, session.begin():
        session.add(AuditRow(at=_now(), actor=actor, action=action, target=target, version_before=version_before,
                             version_after=version_after, summary=json.dumps(summary or {}, ensure_ascii=False)))


def has_audit_mark(engine: Engine, mark: str) -> bool:
    """True when an audit entry's summary carries ``mark`` (a journal id: recorded already)."""
    ensure_admin_tables(engine)
    with Session(engine) as session:
        return session.scalar(select(AuditRow.id).where(AuditRow.summary.contains(mark, autoescape=True))
                              .limit(1)) is not None


def read_audit(engine: Engine, limit: int = 100) -> list[dict[str, Any]]:
    """The newest audit entries first."""
    ensure_admin_tables(engine)
    with Session(engine) as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "target": r.target,
                 "version_before": r.version_before, "version_after": r.version_after,
                 "summary": json.loads(r.summary or "{}")} for r in rows]
