"""Command line: ``jingpin serve | ask | bot | mcp | ingest | catalog | check | eval`` — a thin layer over the same services."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.answer.question import question_problem
from bot.channels.cli.admin import actor, add_admin_commands
from bot.channels.cli.catalog import add_catalog_commands
from bot.channels.cli.check import add_check_command
from bot.evaluation.sets import QUESTION_SET_NAMES
from bot.server_registry import running_server
from bot.settings import BotSettings
from ingest.errors import IngestError
from knowledge.dependencies import dependency_down
from knowledge.errors import KnowledgeError


def _settings(args: argparse.Namespace) -> BotSettings:
    overrides = {"data_dir": Path(args.data_dir)} if args.data_dir else {}
    return BotSettings.from_env(**overrides)


def _data_dir_taken(settings: BotSettings, use: str = "") -> bool:
    """True, having said so on stderr, when a running server owns this data dir's embedded Chroma
    store (only one process may open it); ``use`` names that server's endpoint to use instead."""
    other = running_server(settings)
    if not other or settings.chroma_host:
        return False
    hint = f"，请改用 {other}{use}" if use else ""
    print(f"jingpin: 数据目录 {settings.data_dir} 已由运行中的服务 {other} 使用（内置 Chroma 只允许一个进程）{hint} / "
          f"the data dir is already served by {other}" + (f": use {other}{use}" if use else ""), file=sys.stderr)
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    """Build the KB when missing, then serve the HTTP API, the web page and (with a token) the Telegram bot,
    in this process or (``--workers N``, which needs a Chroma server) in N worker processes."""
    from bot.app import build_services, serve, workers_problem

    settings = _settings(args)
    problem = workers_problem(settings, args.workers)
    if problem:
        print(f"jingpin: {problem}", file=sys.stderr)
        return 2
    if _data_dir_taken(settings):
        return 2
    services = build_services(settings, warm=args.workers == 1)  # workers load the KB themselves
    workers = f"，{args.workers} 个工作进程" if args.workers > 1 else ""
    print(f"jingpin: 知识库版本 {services.staff.current_version()}{workers}，服务地址 http://{args.host}:{args.port}/ "
          "(API 文档 /docs)", flush=True)
    serve(services, host=args.host, port=args.port, workers=args.workers)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question; ``--json`` prints exactly the API's response body."""
    from bot.app import build_services

    problem = question_problem(args.question)
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        problem = problem or f"--as-of 日期格式应为 YYYY-MM-DD，收到：{args.as_of} / expected YYYY-MM-DD"
    if problem:
        print(f"jingpin: {problem}", file=sys.stderr)
        return 2
    answer = build_services(_settings(args)).assistant.ask(args.question, as_of=as_of)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
    return 0


def cmd_bot(args: argparse.Namespace) -> int:
    """Run the Telegram bot by polling, or register the webhook URL with Telegram."""
    import asyncio

    from bot.app import build_services, telegram_channel

    settings = _settings(args)
    if not settings.telegram_token:
        print("jingpin: 请设置 JINGPIN_TELEGRAM_TOKEN / set JINGPIN_TELEGRAM_TOKEN", file=sys.stderr)
        return 2
    application = telegram_channel(build_services(settings), polling=True)
    if args.set_webhook:
        if not settings.telegram_webhook_secret:
            print("jingpin: webhook 需要 JINGPIN_TELEGRAM_WEBHOOK_SECRET / set JINGPIN_TELEGRAM_WEBHOOK_SECRET",
                  file=sys.stderr)
            return 2

        async def register() -> bool:
            async with application:
                return bool(await application.bot.set_webhook(args.set_webhook,
                                                              secret_token=settings.telegram_webhook_secret))

        ok = asyncio.run(register())
        print(f"jingpin: webhook {'已设置' if ok else '设置失败'}：{args.set_webhook}")
        return 0 if ok else 1
    print("jingpin: Telegram 机器人已启动（轮询） / bot polling", flush=True)
    application.run_polling()
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve jingpin's MCP tools and clause resources over stdin/stdout for an MCP host (Claude Desktop,
    Cursor …). stdout carries only the protocol: building the KB and every log line go to stderr."""
    import contextlib
    import logging

    from bot.app import build_services
    from bot.channels.mcp.stdio import run_stdio

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    settings = _settings(args)
    if _data_dir_taken(settings, use="/mcp"):
        return 2
    with contextlib.redirect_stdout(sys.stderr):
        services = build_services(settings)
    print(f"jingpin mcp: 知识库版本 {services.assistant.kb().version}（stdio） / serving MCP on stdio",
          file=sys.stderr, flush=True)
    run_stdio(services.assistant)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Parse policy files and publish a new KB version that includes them (audited)."""
    from bot.app import build_services, build_staff
    from ingest.policy.builder import parse_files

    settings = _settings(args)
    url = running_server(settings)
    if url:
        return _ingest_through(settings, url, args)
    # Without --replace the new version keeps the published documents, so build those first.
    staff = build_staff(settings) if args.replace else build_services(settings, warm=False).staff
    results = parse_files([Path(p) for p in args.paths])
    changes = staff.publish(results, actor=actor(), replace_all=args.replace)
    for result in results:
        doc = result.document
        print(f"《{doc.title}》{doc.doc_number} [{doc.doc_id}]：{len(result.clauses)} 条款")
        for warning in result.warnings:
            print(f"  警告 / warning: {warning}")
    version = changes[0].version_after if changes else staff.current_version()
    print(f"已发布知识库版本 {version}：{sum(len(r.clauses) for r in results)} 条款")
    return 0


def _ingest_through(settings: BotSettings, url: str, args: argparse.Namespace) -> int:
    """``jingpin ingest`` beside a running server: each file is published by the server, one version each."""
    from bot.channels.cli.handoff import HANDED_OVER, server_session

    if args.replace:
        print(f"jingpin: 服务 {url} 运行中，--replace 需先停止服务 / stop the server to use --replace", file=sys.stderr)
        return 2
    with server_session(settings, url, actor()) as server:
        for path in args.paths:
            change = server.upload_document(Path(path), dry_run=False)
            print(f"《{change['title']}》{change.get('doc_number') or ''} [{change['doc_id']}]：已发布知识库版本 "
                  f"{change['version_after']}")
    print(HANDED_OVER.format(url=url), file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score answers on the labelled question set, with the two baselines beside them."""
    from bot.app import build_services
    from bot.evaluation.runner import format_report, is_holdout, load_questions, question_set, run_evaluation

    services = build_services(_settings(args))
    path = Path(args.questions) if args.questions else question_set(args.set)
    report = run_evaluation(services, load_questions(path), baselines=not args.no_baselines,
                            show_misses=not is_holdout(path))
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``jingpin`` command."""
    parser = argparse.ArgumentParser(prog="jingpin", description="“浙江制造精品”政策问答 / policy Q&A")
    parser.add_argument("--data-dir", help="数据目录（默认 $JINGPIN_DATA_DIR 或 ./data）")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="启动 HTTP API 与网页 / serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="工作进程数（>1 需要 Chroma 服务器：JINGPIN_CHROMA_HOST） / worker processes (>1 needs a Chroma server)")
    serve.set_defaults(func=cmd_serve)

    ask = sub.add_parser("ask", help="提问 / ask a question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="输出与 API 相同的 JSON")
    ask.add_argument("--as-of", help="按哪一天判断规则（YYYY-MM-DD，默认今天）")
    ask.set_defaults(func=cmd_ask)

    ingest = sub.add_parser("ingest", help="导入政策文件 / ingest policy files (.txt .md .docx .pdf .html)")
    ingest.add_argument("paths", nargs="+")
    ingest.add_argument("--replace", action="store_true", help="新版本只包含这些文件")
    ingest.set_defaults(func=cmd_ingest)

    telegram = sub.add_parser("bot", help="运行 Telegram 机器人 / run the Telegram bot (polling)")
    telegram.add_argument("--set-webhook", metavar="URL", help="向 Telegram 注册 webhook 地址（…/telegram/webhook）")
    telegram.set_defaults(func=cmd_bot)

    mcp = sub.add_parser("mcp", help="以 stdio 提供 MCP 工具（Claude Desktop、Cursor 等） / serve MCP over stdio")
    mcp.set_defaults(func=cmd_mcp)

    add_catalog_commands(sub, _settings)
    add_check_command(sub, _settings)
    add_admin_commands(sub, _settings)

    evaluate = sub.add_parser("eval", help="评测 / evaluate on the labelled question set")
    evaluate.add_argument("--set", choices=list(QUESTION_SET_NAMES), default="eval",
                          help="随包附带的问题集：eval / answers（调参用），holdout / answers_holdout（从不用于调参，不列出未命中）")
    evaluate.add_argument("--questions", help="自己的 JSONL 问题集（id, question, gold[, conclusion, key_facts, lang]）")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--no-baselines", action="store_true")
    evaluate.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jingpin`` console script."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:  # the database or the vector store down (e.g. at start) is said as on the API
        down = dependency_down(exc)
        if down is None and not isinstance(exc, IngestError | KnowledgeError | ValueError):
            raise
        print(f"jingpin: {down or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
