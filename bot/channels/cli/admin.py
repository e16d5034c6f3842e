"""``jingpin admin …``: staff operations on the server (same code as ``/v1/admin``).

    jingpin admin create-token --name 张三 --role staff   # the token is the last line printed
    jingpin admin tokens | revoke-token ID
    jingpin admin versions | rollback N | delete-document DOC_ID | audit [--limit N]
    jingpin admin document FILE [--dry-run] [--doc-id --title --doc-number --supersedes]
    jingpin admin rules FILE.yaml [--dry-run]            # a rules file: its verdict table, or publish it
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.channels.cli.handoff import HANDED_OVER, ServerHandoff, server_session
from bot.server_registry import running_server
from bot.settings import BotSettings

SettingsFor = Callable[[argparse.Namespace], BotSettings]


def actor() -> str:
    """Who runs a CLI write, for the audit log."""
    return f"cli:{getpass.getuser()}"


def _print(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _remote_admin(args: argparse.Namespace, server: ServerHandoff) -> int:
    """The admin subcommand through the running server's ``/v1/admin`` API (same output as locally)."""
    action = args.admin_command
    if action == "create-token":
        made = server.call("POST", "/v1/admin/tokens", {"name": args.name, "role": args.role})
        print(f"已为 {args.name}（{args.role}）创建令牌 #{made['id']}，只显示这一次，请妥善保存：")
        print(made["token"])
    elif action == "tokens":
        _print([t for t in server.call("GET", "/v1/admin/tokens")["tokens"] if t["id"] != server.token_id])
    elif action == "revoke-token":
        server.call("DELETE", f"/v1/admin/tokens/{args.token_id}")
        print(f"已吊销令牌 #{args.token_id}")
    elif action == "versions":
        _print(server.call("GET", "/v1/admin/versions")["versions"])
    elif action == "rollback":
        before = server.call("POST", "/v1/admin/rollback", {"version": args.version})["previous"]
        print(f"已回滚：当前版本 {args.version}（之前 {before}）")
    elif action == "delete-document":
        version = server.call("DELETE", f"/v1/admin/documents/{quote(args.doc_id, safe='')}")["kb_version"]
        print(f"已删除 {args.doc_id}，发布版本 {version}")
    elif action == "audit":
        _print(server.call("GET", f"/v1/admin/audit?limit={args.limit}")["entries"])
    elif action == "document":
        _print(server.upload_document(Path(args.file), dry_run=args.dry_run, doc_id=args.doc_id, title=args.title,
                                      doc_number=args.doc_number, supersedes=args.supersedes))
    elif action == "rules":
        _read_bytes(args.file)  # a missing or unreadable file is said as locally
        _print(server.upload_rules(Path(args.file), dry_run=args.dry_run))
    return 0


def cmd_admin(args: argparse.Namespace, settings: BotSettings) -> int:
    """Run one admin subcommand; every write goes through the audited staff operations (those of the
    running server when one serves this data dir)."""
    from bot.app import build_staff
    from ingest.staff import parse_document

    url = running_server(settings)
    if url:
        with server_session(settings, url, actor()) as server:
            code = _remote_admin(args, server)
        print(HANDED_OVER.format(url=url), file=sys.stderr)
        return code
    staff = build_staff(settings)
    action = args.admin_command
    if action == "create-token":
        token_id, token = staff.create_token(args.name, args.role, actor=actor())
        print(f"已为 {args.name}（{args.role}）创建令牌 #{token_id}，只显示这一次，请妥善保存：")
        print(token)
    elif action == "tokens":
        _print(staff.tokens())
    elif action == "revoke-token":
        if not staff.revoke_token(args.token_id, actor=actor()):
            print(f"jingpin: 没有编号为 {args.token_id} 的令牌")
            return 1
        print(f"已吊销令牌 #{args.token_id}")
    elif action == "versions":
        _print(staff.versions())
    elif action == "rollback":
        before = staff.rollback(args.version, actor=actor())
        print(f"已回滚：当前版本 {args.version}（之前 {before}）")
    elif action == "delete-document":
        version = staff.delete_document(args.doc_id, actor=actor())
        print(f"已删除 {args.doc_id}，发布版本 {version}")
    elif action == "audit":
        _print(staff.audit(args.limit))
    elif action == "document":
        result = parse_document(Path(args.file), source=Path(args.file).name, doc_id=args.doc_id,
                                title=args.title, doc_number=args.doc_number)
        change = staff.upload_document(result, actor=actor(), dry_run=args.dry_run, supersedes=args.supersedes)
        _print(change.to_dict())
    elif action == "rules":
        data, name = _read_bytes(args.file), Path(args.file).name
        rules = staff.preview_rules(name, data) if args.dry_run else staff.publish_rules(name, data, actor=actor())
        _print(rules.to_dict())
    return 0


def _read_bytes(file: str) -> bytes:
    """The first bytes of a rules file (one more than the limit, so an oversized file is refused)."""
    from ingest.errors import UnreadableFileError
    from ingest.rules_upload import MAX_RULES_BYTES

    try:
        with Path(file).open("rb") as handle:
            return handle.read(MAX_RULES_BYTES + 1)
    except OSError as exc:
        raise UnreadableFileError(f"无法读取文件 {file}：{exc.strerror} / cannot read the file") from exc


def add_admin_commands(sub: Any, settings_for: SettingsFor) -> None:
    """Register ``jingpin admin``."""
    admin = sub.add_parser("admin", help="知识库管理：令牌、版本、回滚、审计 / staff administration")
    commands = admin.add_subparsers(dest="admin_command", required=True)
    token = commands.add_parser("create-token", help="创建令牌（只显示一次）")
    token.add_argument("--name", required=True)
    token.add_argument("--role", choices=["staff", "admin"], required=True)
    commands.add_parser("tokens", help="列出令牌")
    revoke = commands.add_parser("revoke-token", help="吊销令牌")
    revoke.add_argument("token_id", type=int)
    commands.add_parser("versions", help="保留的知识库版本")
    back = commands.add_parser("rollback", help="回滚到保留的版本")
    back.add_argument("version", type=int)
    delete = commands.add_parser("delete-document", help="删除文件并发布新版本")
    delete.add_argument("doc_id")
    audit = commands.add_parser("audit", help="审计日志")
    audit.add_argument("--limit", type=int, default=50)
    document = commands.add_parser("document", help="上传政策文件：--dry-run 只看条款差异")
    document.add_argument("file")
    document.add_argument("--dry-run", action="store_true")
    for name in ("--doc-id", "--title", "--doc-number", "--supersedes"):
        document.add_argument(name)
    rules = commands.add_parser("rules", help="上传规则文件（YAML）：--dry-run 只校验并显示判断表")
    rules.add_argument("file")
    rules.add_argument("--dry-run", action="store_true")
    admin.set_defaults(func=lambda args: cmd_admin(args, settings_for(args)))
