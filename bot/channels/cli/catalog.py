"""``jingpin catalog import | withdraw | search | show`` — staff and lookup commands over the catalog."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge.settings import Settings

SettingsFor = Callable[[argparse.Namespace], Settings]


def _catalog_parts(settings: Settings, *, with_vectors: bool = True) -> tuple[Any, Any]:
    from knowledge.catalog.db import make_engine
    from knowledge.catalog.vectors import ProductVectors
    from knowledge.index.dense import make_client
    from knowledge.index.embedders import load_embedder

    engine = make_engine(settings)
    if not with_vectors:
        return engine, None
    return engine, ProductVectors(make_client(settings), load_embedder(settings.embedder))


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import a .csv/.xlsx catalog: a progress bar while embedding, then the report."""
    from tqdm import tqdm

    from ingest.catalog.importer import import_catalog
    from ingest.errors import CatalogImportError

    engine, vectors = _catalog_parts(settings)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc="嵌入新产品", unit="条", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        report = import_catalog(engine, vectors, Path(args.file), partial=args.partial, dry_run=args.dry_run,
                                replace=args.replace, progress=progress)
    except CatalogImportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    print(report.summary())
    return 0


def cmd_withdraw(args: argparse.Namespace, settings: Settings) -> int:
    """Withdraw a product (退出机制): kept with status 已退出, never recommended again."""
    from ingest.catalog.importer import withdraw_product

    engine, _ = _catalog_parts(settings, with_vectors=False)
    product = withdraw_product(engine, args.product_id, reason=args.reason, on=args.date)
    print(f"已退出：{product.product_name}（{product.enterprise}，{product.product_id}），"
          f"退出日期 {product.withdrawn_on}，原因：{product.withdrawal_reason}")
    return 0


def _search(settings: Settings) -> Any:
    from knowledge.catalog.search import CatalogSearch
    from knowledge.text.lexicon import shared_lexicon

    engine, vectors = _catalog_parts(settings)
    return CatalogSearch(engine, shared_lexicon(), vectors.embedder, vectors)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    """Search the catalog with optional filters; ``--json`` prints product dicts."""
    from knowledge.catalog.models import STATUS_LABELS
    from knowledge.catalog.search import CatalogFilters

    filters = CatalogFilters(region=args.region, sector=args.sector, year=args.year, status=args.status)
    page = _search(settings).search(args.query or "", filters, limit=args.limit)
    if args.json:
        print(json.dumps({"total": page.total, "items": [h.product.to_dict() for h in page.hits]},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"共 {page.total} 条")
    for hit in page.hits:
        p = hit.product
        mark = "【示例】" if p.is_sample else ""
        print(f"{p.product_id}\t{mark}{p.product_name}\t{p.enterprise}\t{p.region}\t{p.sector}\t{p.year}\t"
              f"{STATUS_LABELS[p.status]}")
    return 0


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    """Print one product as JSON."""
    print(json.dumps(_search(settings).get(args.product_id).to_dict(), ensure_ascii=False, indent=2))
    return 0


def add_catalog_commands(sub: Any, settings_for: SettingsFor) -> None:
    """Register ``catalog`` and its subcommands on the main parser's subparsers."""
    catalog = sub.add_parser("catalog", help="《目录》导入、退出与查询 / catalog import, withdraw, search")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)

    def bind(parser: argparse.ArgumentParser, func: Callable[[argparse.Namespace, Settings], int]) -> None:
        parser.set_defaults(func=lambda args: func(args, settings_for(args)))

    imp = commands.add_parser("import", help="导入 .csv/.xlsx 目录文件（默认全部或全无）")
    imp.add_argument("file")
    imp.add_argument("--partial", action="store_true", help="只导入有效行，报告其余")
    imp.add_argument("--dry-run", action="store_true", help="只校验和报告，不写入")
    imp.add_argument("--replace", action="store_true", help="以此文件替换整个目录（删除文件中没有的产品，如示例数据）")
    bind(imp, cmd_import)

    wd = commands.add_parser("withdraw", help="产品退出《目录》（保留记录，不再推荐）")
    wd.add_argument("product_id")
    wd.add_argument("--reason", required=True, help="退出原因")
    wd.add_argument("--date", help="退出日期（默认今天），如 2026-10-01")
    bind(wd, cmd_withdraw)

    se = commands.add_parser("search", help="查询目录产品")
    se.add_argument("query", nargs="?")
    se.add_argument("--region")
    se.add_argument("--sector")
    se.add_argument("--year", type=int)
    se.add_argument("--status", choices=["active", "withdrawn"])
    se.add_argument("--limit", type=int, default=20)
    se.add_argument("--json", action="store_true")
    bind(se, cmd_search)

    show = commands.add_parser("show", help="显示一个产品")
    show.add_argument("product_id")
    bind(show, cmd_show)
