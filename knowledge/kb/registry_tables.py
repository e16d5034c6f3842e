"""The tables of the knowledge base version registry, in the deployment's database.

    kb_versions  one row per version: state (building | complete), when it was created and first
                 published, the embedder, its manifest (documents, counts), clauses and passages
                 (JSON lines) and the rules files it serves
    kb_meta      key/value: ``current`` (the published version) and ``deployment`` (the id that
                 prefixes this deployment's Chroma collections)

Every host reads the same rows, so a host joining with an empty data dir serves the current version.
"""

from __future__ import annotations

from sqlalchemy import Engine, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

BUILDING = "building"
COMPLETE = "complete"


class _Base(DeclarativeBase):
    pass


class VersionRow(_Base):
    """``kb_versions``: one knowledge base version."""

    __tablename__ = "kb_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(10), default=BUILDING)
    created_at: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    embedder: Mapped[str] = mapped_column(String(200), default="")
    manifest: Mapped[str] = mapped_column(Text, default="{}")
    clauses: Mapped[str] = mapped_column(Text, default="")
    passages: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON name → [text, origin]; None: legacy


class MetaRow(_Base):
    """``kb_meta``: the registry's key/value state."""

    __tablename__ = "kb_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def ensure_registry_tables(engine: Engine) -> None:
    """Create the registry tables when missing (any number of processes may start at once)."""
    from knowledge.db.engine import create_when_missing

    create_when_missing(engine, lambda e: _Base.metadata.create_all(e, checkfirst=True))
