"""The catalog table: SQLite (default, in the data dir) or any SQLAlchemy URL, through SQLAlchemy 2.0.

The table is the system of record; the vector and BM25 indexes are derived from it. Every change
bumps ``catalog_meta.revision`` in the same transaction, so readers can tell when to reload. The bump
is one ``UPDATE … SET value = value + 1``: its row lock orders concurrent changes from any number of
processes (PostgreSQL and SQLite alike), so the revision counts every committed change exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Connection, Engine, Integer, String, Text, cast, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from knowledge.catalog.models import Product


class Base(DeclarativeBase):
    """Declarative base of the catalog tables."""


class ProductRow(Base):
    """``products``: one row per catalog product (withdrawn products are kept)."""

    __tablename__ = "products"

    product_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    product_name: Mapped[str] = mapped_column(String(200), index=True)
    enterprise: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), default="")
    region: Mapped[str] = mapped_column(String(50), default="", index=True)
    sector: Mapped[str] = mapped_column(String(50), default="", index=True)
    batch_year: Mapped[int | None] = mapped_column(Integer, index=True)
    certified_on: Mapped[str | None] = mapped_column(String(10))
    core_tech_level: Mapped[str] = mapped_column(String(20), default="")
    has_clear_ip: Mapped[bool | None] = mapped_column(Boolean)
    brand: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    withdrawn_on: Mapped[str | None] = mapped_column(String(10))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(32))
    year: Mapped[int | None] = mapped_column(Integer, index=True)  # batch year, else year of certification


class CatalogMeta(Base):
    """``catalog_meta``: key/value state of the catalog (``revision``)."""

    __tablename__ = "catalog_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


REVISION = "revision"
_FIELDS = tuple(Product.__dataclass_fields__)


def to_product(row: ProductRow) -> Product:
    """The record for a table row."""
    return Product(**{name: getattr(row, name) for name in _FIELDS})  # type: ignore[arg-type]


def row_values(product: Product) -> dict[str, Any]:
    """Column values for a product, including its content hash and derived year."""
    values = {name: getattr(product, name) for name in _FIELDS}
    values["content_hash"] = product.content_hash
    values["year"] = product.year
    return values


def revision(session: Session) -> int:
    """The catalog revision: 0 before the first import, +1 on every committed change."""
    value = session.scalar(select(CatalogMeta.value).where(CatalogMeta.key == REVISION))
    return int(value) if value else 0


def insert_meta_if_missing(connection: Connection, key: str, value: str) -> bool:
    """Insert the ``catalog_meta`` row ``key`` unless it exists; True when this call inserted it.
    Of any number of concurrent callers exactly one gets True (the primary key decides)."""
    name = connection.dialect.name
    if name in ("postgresql", "sqlite"):
        dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
        stmt = (dialect_insert(CatalogMeta).values(key=key, value=value)
                .on_conflict_do_nothing(index_elements=["key"]).returning(CatalogMeta.key))
        return connection.execute(stmt).first() is not None  # (psycopg reports no rowcount here)
    try:
        with connection.begin_nested():
            connection.execute(insert(CatalogMeta).values(key=key, value=value))
    except IntegrityError:
        return False
    return True


def ensure_meta_rows(engine: Engine) -> None:
    """Create the revision row (value 0) when missing, so a bump never has to insert it."""
    with engine.begin() as connection:
        insert_meta_if_missing(connection, REVISION, "0")


_BUMP = (update(CatalogMeta).where(CatalogMeta.key == REVISION)
         .values(value=cast(cast(CatalogMeta.value, Integer) + 1, Text)))


def bump_revision(session: Session) -> int:
    """Increase the revision by one inside the caller's transaction, atomically, and return it.

    The UPDATE takes the row's write lock, which a concurrent change waits for until this
    transaction ends; so call it where the transaction should start to exclude other writers."""
    connection = session.connection()
    if connection.execute(_BUMP).rowcount == 0:  # a database created before the row was made up front
        insert_meta_if_missing(connection, REVISION, "0")
        connection.execute(_BUMP)
    return int(connection.execute(select(CatalogMeta.value).where(CatalogMeta.key == REVISION)).scalar_one())


def current_revision(engine: Engine) -> int:
    """The committed revision (one primary-key read)."""
    with Session(engine) as session:
        return revision(session)


def count_products(engine: Engine) -> int:
    """Number of rows in the table (withdrawn included)."""
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ProductRow)) or 0)


def load_products(engine: Engine, ids: Iterable[str] | None = None) -> list[Product]:
    """All products (or those with the given ids, in that order; unknown ids are skipped)."""
    with Session(engine) as session:
        if ids is None:
            return [to_product(r) for r in session.scalars(select(ProductRow).order_by(ProductRow.product_id))]
        wanted = list(ids)
        by_id: dict[str, Product] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = session.scalars(select(ProductRow).where(ProductRow.product_id.in_(chunk)))
            by_id.update((r.product_id, to_product(r)) for r in rows)
        return [by_id[i] for i in wanted if i in by_id]
