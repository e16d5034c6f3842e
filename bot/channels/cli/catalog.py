"""``jingpin catalog import | withdraw | search | show`` — staff and lookup commands over the catalog."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.channels.cli.admin import actor
from bot.channels.cli.handoff import HANDED_OVER, server_session
from bot.server_registry import running_server
from bot.settings import BotSettings

SettingsFor = Callable[[argparse.Namespace], BotSettings]


def cmd_import(args: argparse.Namespace, settings: BotSettings) -> int:
    """Import a .csv/.xlsx catalog (audited): a progress bar while embedding, then the report."""
    from tqdm import tqdm

    from bot.app import build_staff
    from ingest.errors import CatalogImportError

    path = Path(args.file)
    url = running_server(settings)
    if url:
        with server_session(settings, url, actor()) as server:
            result = server.import_catalog(path, partial=args.partial, dry_run=args.dry_run, replace=args.replace)
        print(result["summary"])
        print(HANDED_OVER.format(url=url), file=sys.stderr)
        return 0
    staff = build_staff(settings)
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc="嵌入新产品", unit="条", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        report = staff.import_catalog(path, actor=actor(), partial=args.partial, dry_run=args.dry_run,
                                      replace=args.replace, source=path.name, progress=progress)
    except CatalogImportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        if bar is not None:
            bar.close()
    print(report.summary())
    return 0


def cmd_withdraw(args: argparse.Namespace, settings: BotSettings) -> int:
    """Withdraw a product (退出机制, audited): kept with status 已退出, never recommended again."""
    from bot.app import build_staff

    url = running_server(settings)
    if url:
        with server_session(settings, url, actor()) as server:
            row = server.call("POST", f"/v1/admin/catalog/{quote(args.product_id, safe='')}/withdraw",
                              {"reason": args.reason, "date": args.date})
        name, enterprise, withdrawn_on = row["product_name"], row["enterprise"], row["withdrawn_on"]
        reason = row["withdrawal_reason"]
        print(HANDED_OVER.format(url=url), file=sys.stderr)
    else:
        product = build_staff(settings).withdraw(args.product_id, actor=actor(), reason=args.reason, on=args.date)
        name, enterprise, withdrawn_on = product.product_name, product.enterprise, product.withdrawn_on
        reason = product.withdrawal_reason
    print(f"已退出：{name}（{enterprise}，{args.product_id}），退出日期 {withdrawn_on}，原因：{reason}")
    return 0


def _assistant(settings: BotSettings) -> Any:
    from bot.app import build_services

    return build_services(settings, build_if_missing=False, warm=False).assistant


def cmd_search(args: argparse.Namespace, settings: BotSettings) -> int:
    """Search the catalog with optional filters; ``--json`` prints product dicts."""
    from knowledge.catalog.models import STATUS_LABELS
    from knowledge.catalog.search import CatalogFilters

    filters = CatalogFilters(region=args.region, sector=args.sector, year=args.year, status=args.status)
    page = _assistant(settings).search_catalog(args.query or "", filters, limit=args.limit)
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


def cmd_show(args: argparse.Namespace, settings: BotSettings) -> int:
    """Print one product as JSON."""
    print(json.dumps(_assistant(settings).product(args.product_id).to_dict(), ensure_ascii=False, indent=2))
    return 0


def add_catalog_commands(sub: Any, settings_for: SettingsFor) -> None:
    """Register ``catalog`` and its subcommands on the main parser's subparsers."""
    catalog = sub.add_parser("catalog", help="《目录》导入、退出与查询 / catalog import, withdraw, search")
    commands = catalog.add_subparsers(dest="catalog_command", required=True)

    def bind(parser: argparse.ArgumentParser, func: Callable[[argparse.Namespace, BotSettings], int]) -> None:
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
