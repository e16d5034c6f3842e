"""Staff over Telegram: uploads (policy documents, catalog files) with a dry-run report and a
确认发布 button, /withdraw and /kb. Everything goes through the same ingest code as the CLI; anyone
not listed in ``JINGPIN_TELEGRAM_STAFF_IDS`` is refused and nothing happens."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app import Services
from bot.channels.telegram.format import escape, split_message
from ingest.catalog.importer import import_catalog, withdraw_product
from ingest.errors import CatalogImportError, IngestError
from ingest.policy.builder import build_version, parse_files
from knowledge.db.admin import record_audit
from knowledge.errors import KnowledgeError

POLICY_TYPES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
CATALOG_TYPES = (".csv", ".xlsx")
REFUSAL = "抱歉，只有工作人员可以上传文件或修改知识库，您的文件未作任何处理。/ Only staff may change the knowledge base."


def staff_ids(services: Services) -> set[int]:
    """Telegram user ids allowed to change the knowledge base."""
    return {int(x) for x in services.settings.telegram_staff_ids.replace(";", ",").split(",") if x.strip().isdigit()}


class StaffDesk:
    """Staff handlers; pending uploads wait in bot_data until confirmed."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @staticmethod
    def _actor(update: Update) -> str:
        user = update.effective_user
        return f"telegram:{user.id} {user.full_name}" if user else "telegram"

    def _is_staff(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in staff_ids(self.services)

    async def _send(self, update: Update, text: str, markup: Any = None) -> None:
        message = update.effective_message
        if message is not None:
            for i, part in enumerate(parts := split_message(escape(text))):
                await message.reply_text(part, parse_mode=ParseMode.HTML,
                                         reply_markup=markup if i == len(parts) - 1 else None)

    def _policy_report(self, path: Path) -> str:
        result = parse_files([path])[0]
        kb = self.services.kb()
        doc = result.document
        old = {c.clause_id: c.text for c in kb.clauses_of(doc.doc_id)} if doc.doc_id in kb.documents else {}
        new = {c.clause_id: c.text for c in result.clauses}
        added = [k for k in new if k not in old]
        changed = [k for k in new if k in old and old[k] != new[k]]
        removed = [k for k in old if k not in new]
        lines = [f"《{doc.title}》{doc.doc_number} [{doc.doc_id}]：{len(new)} 条款",
                 f"试运行：新增 {len(added)}，修改 {len(changed)}，删除 {len(removed)}（当前知识库版本 {kb.version}）"]
        lines += [f"  修改：{'、'.join(changed[:20])}"] if changed else []
        lines += [f"  删除：{'、'.join(removed[:20])}"] if removed else []
        lines += [f"  警告：{w}" for w in result.warnings]
        return "\n".join(lines)

    def _catalog_report(self, path: Path) -> tuple[str, bool]:
        try:
            report = import_catalog(self.services.engine, self.services.catalog.vectors, path, dry_run=True)
            return "试运行：" + report.summary(), True
        except CatalogImportError as exc:
            return f"试运行发现问题，未导入：\n{exc}", False

    async def upload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document: staff get a dry-run report and a 确认发布 button; others a refusal."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        if not self._is_staff(update):
            return await self._send(update, REFUSAL)
        name = Path(message.document.file_name or "upload").name
        suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
        kind = "policy" if f".{suffix}" in POLICY_TYPES else "catalog" if f".{suffix}" in CATALOG_TYPES else ""
        if not kind:
            return await self._send(update, f"不支持的文件类型：{name}（政策文件 {' '.join(POLICY_TYPES)}；目录 {' '.join(CATALOG_TYPES)}）")
        token = secrets.token_hex(6)
        path = self.services.settings.data_dir / "uploads" / token / name
        path.parent.mkdir(parents=True, exist_ok=True)
        file = await context.bot.get_file(message.document.file_id)
        await file.download_to_drive(path)
        try:
            if kind == "policy":
                text, ok = await asyncio.to_thread(self._policy_report, path), True
            else:
                text, ok = await asyncio.to_thread(self._catalog_report, path)
        except (IngestError, KnowledgeError) as exc:
            text, ok = f"无法处理 {name}：{exc}", False
        if not ok:
            return await self._send(update, text)
        context.bot_data.setdefault("uploads", {})[token] = {"path": str(path), "kind": kind}
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("确认发布", callback_data=f"u|{token}"),
                                        InlineKeyboardButton("取消", callback_data=f"x|{token}")]])
        await self._send(update, text, markup)

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """确认发布 / 取消 for a pending upload (staff only)."""
        query = update.callback_query
        if query is None or not query.data:
            return
        await query.answer()
        if not self._is_staff(update):
            return await self._send(update, REFUSAL)
        action, token = query.data.split("|", 1)
        pending = context.bot_data.get("uploads", {}).pop(token, None)
        if pending is None:
            return await self._send(update, "这个上传已处理或已过期。")
        if action == "x":
            return await self._send(update, "已取消，知识库未改变。")
        path = Path(pending["path"])
        actor = self._actor(update)
        try:
            if pending["kind"] == "policy":
                before = self.services.kb().version
                report = await asyncio.to_thread(build_version, self.services.settings, parse_files([path]),
                                                 embedder=self.services.embedder, client=self.services.client)
                text = f"已发布知识库版本 {report.version}：{len(report.documents)} 个文件，{report.clauses} 条款"
                record_audit(self.services.engine, actor=actor, action="publish_document", target=path.name,
                             version_before=before, version_after=report.version,
                             summary={"documents": report.documents, "clauses": report.clauses})
            else:
                done = await asyncio.to_thread(import_catalog, self.services.engine, self.services.catalog.vectors, path)
                text = done.summary()
                record_audit(self.services.engine, actor=actor, action="catalog_import", target=path.name,
                             version_after=done.revision,
                             summary={"added": len(done.added), "updated": len(done.updated)})
        except (IngestError, KnowledgeError) as exc:
            text = f"发布失败，知识库保持原样：{exc}"
        await self._send(update, text)

    async def withdraw(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/withdraw <product_id> <原因>`` (退出机制; dated today)."""
        if not self._is_staff(update):
            return await self._send(update, REFUSAL)
        args = context.args or []
        if len(args) < 2:
            return await self._send(update, "用法：/withdraw 产品编号 退出原因")
        try:
            product = await asyncio.to_thread(withdraw_product, self.services.engine, args[0],
                                              reason=" ".join(args[1:]), on=dt.date.today())
        except IngestError as exc:
            return await self._send(update, str(exc))
        record_audit(self.services.engine, actor=self._actor(update), action="catalog_withdraw", target=args[0],
                     summary={"reason": product.withdrawal_reason, "date": product.withdrawn_on})
        await self._send(update, f"已退出：{product.product_name}（{product.enterprise}），"
                                 f"{product.withdrawn_on}，原因：{product.withdrawal_reason}")

    async def kb(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/kb``: the served KB version and its documents."""
        if not self._is_staff(update):
            return await self._send(update, REFUSAL)
        kb = self.services.kb()
        index = self.services.catalog.index()
        lines = [f"知识库版本 {kb.version}；《目录》修订号 {index.revision}，{len(index)} 项产品"]
        lines += [f"• 《{d.title}》{d.doc_number}（{len(kb.clauses_of(d.doc_id))} 条款）" for d in kb.documents.values()]
        await self._send(update, "\n".join(lines))
