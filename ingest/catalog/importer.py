"""Catalog changes: import a staff file, withdraw a product — each one transaction, or nothing.

Import order: read and validate every row → report → (stop here on any rejected row, unless
``partial``) → embed the rows whose text is new → write rows and bump the revision in one commit.
Vectors are stored before the commit and keyed by text, so a failure at any point leaves the
catalog exactly as it was, and readers never see a row without its vector.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.orm import Session

from ingest.catalog.files import read_catalog_file
from ingest.catalog.rows import CatalogRow, parse_date, row_problems
from ingest.errors import CatalogChangeError, CatalogImportError
from knowledge.catalog.db import (
    ProductRow,
    bump_revision,
    count_products,
    current_revision,
    load_products,
    revision,
    row_values,
    to_product,
)
from knowledge.catalog.models import STATUS_LABELS, Product
from knowledge.catalog.vectors import ProductVectors

Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the file was rejected."""

    line: int
    messages: tuple[str, ...]

    def __str__(self) -> str:
        return f"第 {self.line} 行：{'；'.join(self.messages)}"


@dataclass
class ImportReport:
    """What an import did (or, when not ``applied``, would have done)."""

    file: str
    rows: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    applied: bool = False
    embedded: int = 0
    pruned: int = 0  # stored vectors no row uses any more, deleted after the change
    revision: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """The report in Chinese, one rejected row per line."""
        state = "已导入" if self.applied else "未导入（全部或全无：请修正后重新导入，或使用 --partial 只导入有效行）"
        lines = [
            f"{self.file}：共 {self.rows} 行 — 新增 {len(self.added)}，更新 {len(self.updated)}，"
            f"未变 {len(self.unchanged)}，{f'删除 {len(self.removed)}，' if self.removed else ''}拒绝 {len(self.rejected)}。{state}",
        ]
        if self.rejected and self.applied:
            lines[0] = lines[0].replace("已导入", "已导入有效行")
        if self.applied and (self.added or self.updated or self.removed):
            lines.append(f"目录修订号 {self.revision}，新嵌入 {self.embedded} 条，用时 {self.seconds:.1f} 秒")
        if self.ignored_headers:
            lines.append(f"未识别的列（已忽略）：{'、'.join(self.ignored_headers)}")
        lines += [f"  {p}" for p in self.rejected]
        return "\n".join(lines)


def _plan(engine: Engine, path: Path, source: str | None, replace: bool) -> tuple[ImportReport, list[Product], list[Product]]:
    table = read_catalog_file(path)
    report = ImportReport(file=path.name, rows=len(table.rows), ignored_headers=table.ignored_headers)
    existing = {p.product_id: p for p in load_products(engine)}
    seen: dict[str, int] = {}
    added: list[Product] = []
    changed: list[Product] = []
    default_source = source or f"导入自 {path.name}"
    for line, raw in table.rows:
        try:
            row = CatalogRow.model_validate(raw)
        except ValidationError as exc:
            report.rejected.append(RowProblem(line, tuple(row_problems(exc))))
            continue
        product_id = row.derived_id()
        if product_id in seen:
            what = "产品编号" if row.product_id else "企业、产品名称与年度"
            report.rejected.append(RowProblem(line, (f"与第 {seen[product_id]} 行重复（{what}相同）",)))
            continue
        seen[product_id] = line
        current = existing.get(product_id)
        product = row.to_product(source=default_source, current=current)
        if current is None:
            added.append(product)
            report.added.append(product_id)
        elif current.content_hash != product.content_hash:
            changed.append(product)
            report.updated.append(product_id)
        else:
            report.unchanged.append(product_id)
    if replace:
        report.removed = [pid for pid in existing if pid not in seen]
    return report, added, changed


def import_catalog(engine: Engine, vectors: ProductVectors | None, path: Path, *, partial: bool = False,
                   dry_run: bool = False, replace: bool = False, source: str | None = None,
                   progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import a .csv/.xlsx catalog file. Raises :class:`CatalogImportError` (nothing changed) when a row
    is rejected and ``partial`` is false; ``dry_run`` validates and reports without writing; ``replace``
    deletes the products the file does not list (e.g. the bundled sample when the official catalog comes)."""
    started = time.perf_counter()
    report, added, changed = _plan(engine, path, source, replace)
    if report.rejected and not partial:
        report.seconds = time.perf_counter() - started
        raise CatalogImportError(report.summary(), report)
    if dry_run or not (added or changed or report.removed):
        report.applied = not dry_run
        report.revision = current_revision(engine)
        report.seconds = time.perf_counter() - started
        return report
    if vectors is not None:
        texts = [p.embedding_text for p in added + changed]
        todo = len(vectors.missing(texts))
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress(done, todo)

        report.embedded = vectors.ensure(texts, progress=step)
    with Session(engine) as session, session.begin():
        if added:
            session.execute(insert(ProductRow), [row_values(p) for p in added])
        if changed:
            session.execute(update(ProductRow), [row_values(p) for p in changed])
        for start in range(0, len(report.removed), 500):
            session.execute(delete(ProductRow).where(ProductRow.product_id.in_(report.removed[start : start + 500])))
        report.revision = bump_revision(session)
    if vectors is not None and (changed or report.removed):
        report.pruned = vectors.prune([p.embedding_text for p in load_products(engine)])
    report.applied = True
    report.seconds = time.perf_counter() - started
    return report


def withdraw_product(engine: Engine, product_id: str, *, reason: str, on: str | dt.date | None = None) -> Product:
    """Mark a product withdrawn (退出机制): kept in the table, never recommended again."""
    reason = reason.strip()
    if not reason:
        raise CatalogChangeError("请填写退出原因 / a withdrawal reason is required")
    try:
        date = parse_date(on) if on else dt.date.today().isoformat()
    except ValueError as exc:
        raise CatalogChangeError(f"{exc} / invalid date") from None
    with Session(engine) as session, session.begin():
        row = session.get(ProductRow, product_id)
        if row is None:
            raise CatalogChangeError(f"《目录》中没有编号为 {product_id} 的产品 / no catalog product with id {product_id}")
        if row.status == "withdrawn":
            raise CatalogChangeError(
                f"{row.product_name}（{product_id}）已于 {row.withdrawn_on or '此前'}{STATUS_LABELS['withdrawn']} / "
                "already withdrawn"
            )
        product = to_product(row)
        values = row_values(Product(**{**product.__dict__, "status": "withdrawn", "withdrawn_on": date,
                                       "withdrawal_reason": reason}))
        session.execute(update(ProductRow), [values])
        bump_revision(session)
    return to_product_by_id(engine, product_id)


def to_product_by_id(engine: Engine, product_id: str) -> Product:
    """The stored product (after a change)."""
    return load_products(engine, [product_id])[0]


def bundled_sample_catalog() -> Path:
    """The generated sample catalog shipped in the package data (示例, not the official 《目录》)."""
    return Path(str(resources.files("knowledge") / "data" / "catalog" / "sample_catalog.csv"))


def ensure_catalog(engine: Engine, vectors: ProductVectors | None) -> ImportReport | None:
    """Import the bundled sample catalog when the catalog has never been imported into."""
    with Session(engine) as session:
        if revision(session) > 0:
            return None
    if count_products(engine):
        return None
    from knowledge.catalog.models import SAMPLE_SOURCE

    return import_catalog(engine, vectors, bundled_sample_catalog(), source=SAMPLE_SOURCE)
