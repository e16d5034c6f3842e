"""The catalog table: SQLite (default, in the data dir) or any SQLAlchemy URL, through SQLAlchemy 2.0.

The table is the system of record; the vector and BM25 indexes are derived from it. Every change
bumps ``catalog_meta.revision`` in the same transaction, so readers can tell when to reload.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Engine, Integer, String, Text, func, select
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
    value = session.get(CatalogMeta, "revision")
    return int(value.value) if value else 0


def bump_revision(session: Session) -> int:
    """Increase the revision inside the caller's transaction; returns the new number."""
    row = session.get(CatalogMeta, "revision")
    if row is None:
        row = CatalogMeta(key="revision", value="0")
        session.add(row)
    row.value = str(int(row.value) + 1)
    return int(row.value)


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
