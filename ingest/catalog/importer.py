"""Catalog changes: import a staff file, withdraw a product — each one transaction, or nothing.

Import order: read and validate every row → report → (stop here on any rejected row, unless
``partial``) → embed the rows whose text is new → write rows and bump the revision in one commit.
Vectors are stored before the commit and keyed by text, so a failure at any point leaves the
catalog exactly as it was, and readers never see a row without its vector.

Several processes (on one host or many, sharing one database) may change the catalog at once. Every
change starts its transaction by bumping the revision, whose row lock orders them; an import checks
that the revision is still the one it planned against, and plans again when another change came
first (the same file imported twice at once: one imports, the other finds nothing left to do). The
first start imports the bundled sample once, however many processes start together.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ingest.catalog.files import read_catalog_file
from ingest.catalog.rows import CatalogRow, parse_date, row_problems
from ingest.errors import CatalogChangeError, CatalogImportError
from knowledge.catalog.db import (
    CatalogMeta,
    ProductRow,
    bump_revision,
    count_products,
    current_revision,
    insert_meta_if_missing,
    load_products,
    row_values,
    to_product,
)
from knowledge.catalog.models import STATUS_LABELS, Product
from knowledge.catalog.vectors import ProductVectors
from knowledge.errors import KBBusyError

Progress = Callable[[int], None]
PLAN_ATTEMPTS = 3  # plans of one import, when other changes keep coming first
SAMPLE_CLAIM = "sample_import"  # catalog_meta row: who imports the bundled sample at the first start
BUSY = ("《目录》正被其他导入或退出同时修改，请稍后重试 / "
        "the catalog is being changed by another import or withdrawal at the same time; try again")


class _CatalogMoved(Exception):
    """Another change committed between an import's plan and its write."""


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
    for _ in range(PLAN_ATTEMPTS):
        planned = current_revision(engine)  # before the rows are read: a later change shows as a new revision
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
            report.embedded = _embed(vectors, added + changed, progress)
        try:
            report.revision = _write(engine, report, added, changed, planned)
        except _CatalogMoved:
            continue
        if vectors is not None and (changed or report.removed):
            report.pruned = vectors.prune([p.embedding_text for p in load_products(engine)])
        report.applied = True
        report.seconds = time.perf_counter() - started
        return report
    raise KBBusyError(BUSY)


def _embed(vectors: ProductVectors, products: list[Product], progress: Callable[[int, int], None] | None) -> int:
    texts = [p.embedding_text for p in products]
    todo = len(vectors.missing(texts))
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, todo)

    return vectors.ensure(texts, progress=step)


def _write(engine: Engine, report: ImportReport, added: list[Product], changed: list[Product], planned: int) -> int:
    """Write the planned rows in one transaction; _CatalogMoved (nothing written) when the catalog is no
    longer at revision ``planned``."""
    try:
        with Session(engine) as session, session.begin():
            new_revision = bump_revision(session)  # first: its lock keeps other changes out until the commit
            if new_revision != planned + 1:
                raise _CatalogMoved
            if added:
                session.execute(insert(ProductRow), [row_values(p) for p in added])
            if changed:
                session.execute(update(ProductRow), [row_values(p) for p in changed])
            for start in range(0, len(report.removed), 500):
                session.execute(delete(ProductRow).where(ProductRow.product_id.in_(report.removed[start : start + 500])))
    except IntegrityError:  # a row another change added in the meantime (a writer that skipped the revision)
        raise _CatalogMoved from None
    return new_revision


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
        bump_revision(session)  # first, as every change does: the lock orders concurrent withdrawals
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
    return to_product_by_id(engine, product_id)


def to_product_by_id(engine: Engine, product_id: str) -> Product:
    """The stored product (after a change)."""
    return load_products(engine, [product_id])[0]


def bundled_sample_catalog() -> Path:
    """The generated sample catalog shipped in the package data (示例, not the official 《目录》)."""
    return Path(str(resources.files("knowledge") / "data" / "catalog" / "sample_catalog.csv"))


def ensure_catalog(engine: Engine, vectors: ProductVectors | None, *, wait_s: float = 300.0,
                   stale_s: float = 1800.0) -> ImportReport | None:
    """Import the bundled sample catalog when the catalog has never been imported into.

    Of any number of processes starting at once on one database, exactly one imports (it wins the
    ``sample_import`` row of ``catalog_meta``); the others wait up to ``wait_s`` for its commit and
    return None. A claim older than ``stale_s`` whose import never committed (the process died) is
    taken over; a failed import gives its claim back."""
    from knowledge.catalog.models import SAMPLE_SOURCE

    deadline = time.monotonic() + wait_s
    while True:
        if current_revision(engine) > 0 or count_products(engine):
            return None
        if _claim_sample(engine, stale_s):
            break
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)
    try:
        return import_catalog(engine, vectors, bundled_sample_catalog(), source=SAMPLE_SOURCE)
    except BaseException:
        with engine.begin() as connection:
            connection.execute(delete(CatalogMeta).where(CatalogMeta.key == SAMPLE_CLAIM))
        raise


def _claim_sample(engine: Engine, stale_s: float) -> bool:
    """True when this process is the one to import the sample (a new claim, or a stale one taken over)."""
    now = time.time()
    mine = f"{now:.3f} {socket.gethostname()}:{os.getpid()}"
    with engine.begin() as connection:
        if insert_meta_if_missing(connection, SAMPLE_CLAIM, mine):
            return True
        theirs = connection.execute(select(CatalogMeta.value).where(CatalogMeta.key == SAMPLE_CLAIM)).scalar()
        if theirs is None:  # given back a moment ago: try again on the next round
            return False
        try:
            claimed_at = float(theirs.split()[0])
        except (ValueError, IndexError):
            claimed_at = 0.0
        if now - claimed_at <= stale_s:
            return False
        taken = connection.execute(update(CatalogMeta).where(CatalogMeta.key == SAMPLE_CLAIM,
                                                             CatalogMeta.value == theirs).values(value=mine))
        return taken.rowcount == 1
