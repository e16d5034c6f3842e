"""Staff over Telegram: uploads (policy documents, catalog files, rules files ``.yaml``/``.yml``)
with a dry-run report and a 确认发布 button, /withdraw and /kb.

Everything goes through :class:`ingest.staff.StaffOperations`, like the HTTP admin API and the CLI:
the same upload guard (size, type from content, zip bombs), the same clause diff, the same publish
and the same audit record (actor ``telegram:<user id> <name>``). Anyone not listed in
``JINGPIN_TELEGRAM_STAFF_IDS`` is refused and nothing happens.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.answer import Assistant
from bot.channels.telegram.format import escape, send
from ingest.errors import CatalogImportError, IngestError
from ingest.rules_upload import RULES_SUFFIXES, RulesChange
from ingest.staff import DocumentChange, StaffOperations, parse_document
from ingest.upload_guard import CATALOG_KINDS, POLICY_KINDS, CheckedUpload
from knowledge.errors import KnowledgeError

REFUSAL = "抱歉，只有工作人员可以上传文件或修改知识库，您的文件未作任何处理。/ Only staff may change the knowledge base."
_PENDING = "uploads"


def change_report(change: DocumentChange) -> str:
    """A document's dry-run diff as a short message."""
    lines = [f"《{change.title}》{change.doc_number} [{change.doc_id}]",
             f"试运行：新增 {len(change.added)}，修改 {len(change.changed)}，删除 {len(change.removed)}"
             f"（当前知识库版本 {change.version_before}）"]
    lines += [f"  修改：{'、'.join(c['clause_id'] for c in change.changed[:20])}"] if change.changed else []
    lines += [f"  删除：{'、'.join(c['clause_id'] for c in change.removed[:20])}"] if change.removed else []
    lines += [f"  警告：{w}" for w in change.warnings]
    return "\n".join(lines)


def rules_report(change: RulesChange) -> str:
    """A rules file's dry run as a short message: what it adds or replaces, then each rule's
    conditions with their thresholds and the clauses it cites."""
    lines = [f"规则文件 {change.name}（依据 [{change.doc_id}]《{change.doc_title}》）",
             f"试运行：新增 {len(change.added)}，替换 {len(change.replaced)}，删除 {len(change.removed)}"
             f"（当前知识库版本 {change.version_before}）"]
    for row in change.table[:20]:
        lines.append(f"• {row['rule_id']}：{row['title']}")
        lines += [f"  - {c['label']}：{c['required']}" for c in row["conditions"]]
        lines.append("  依据：" + "、".join(c["label"] for c in row["cites"]))
    return "\n".join(lines)


class StaffDesk:
    """Staff handlers; a checked upload waits (in bot_data) until it is confirmed or cancelled."""

    def __init__(self, staff: StaffOperations, assistant: Assistant, staff_ids: frozenset[int]) -> None:
        self.staff = staff
        self.assistant = assistant
        self.staff_ids = staff_ids

    @staticmethod
    def _actor(update: Update) -> str:
        user = update.effective_user
        return f"telegram:{user.id} {user.full_name}" if user else "telegram"

    def _is_staff(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.staff_ids

    @staticmethod
    async def _say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await send(update, escape(text), markup)

    def _dry_run(self, checked: CheckedUpload, name: str, actor: str) -> tuple[str, bool]:
        """The report of what publishing the upload would change, and whether it can be published."""
        if checked.kind == "rules":
            return rules_report(self.staff.preview_rules(name, checked.path.read_bytes())), True
        if checked.kind in CATALOG_KINDS:
            try:
                report = self.staff.import_catalog(checked.path, actor=actor, dry_run=True, source=name)
            except CatalogImportError as exc:
                return f"试运行发现问题，未导入：\n{exc}", False
            return "试运行：" + report.summary(), True
        return change_report(self.staff.preview(parse_document(checked.path, source=name))), True

    async def upload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A document: staff get a dry-run report and a 确认发布 button; others a refusal."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        if not self._is_staff(update):
            return await self._say(update, REFUSAL)
        name = Path(message.document.file_name or "upload").name
        limit = self.staff.settings.max_upload_bytes
        if (message.document.file_size or 0) > limit:
            return await self._say(update, f"无法处理 {name}：文件过大，上限 {limit / 1048576:g} MB")
        data = bytes(await (await context.bot.get_file(message.document.file_id)).download_as_bytearray())
        checked: CheckedUpload | None = None
        try:
            if name.lower().endswith(RULES_SUFFIXES):  # a rules file: UTF-8 YAML, checked by preview_rules
                checked = CheckedUpload("rules", self.staff.receive(data, name, allowed=("txt",)).path)
            else:
                checked = self.staff.receive(data, name, allowed=POLICY_KINDS + CATALOG_KINDS)
            text, ok = await asyncio.to_thread(self._dry_run, checked, name, self._actor(update))
        except (IngestError, KnowledgeError) as exc:
            text, ok = f"无法处理 {name}：{exc}", False
        if not ok or checked is None:
            if checked is not None:
                self.staff.discard(checked)
            return await self._say(update, text)
        token = secrets.token_hex(6)
        context.bot_data.setdefault(_PENDING, {})[token] = {"path": str(checked.path), "kind": checked.kind,
                                                            "name": name}
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("确认发布", callback_data=f"u|{token}"),
                                        InlineKeyboardButton("取消", callback_data=f"x|{token}")]])
        await self._say(update, text, markup)

    def _publish(self, checked: CheckedUpload, name: str, actor: str) -> str:
        if checked.kind == "rules":
            rules = self.staff.publish_rules(name, checked.path.read_bytes(), actor=actor)
            return (f"已发布知识库版本 {rules.version_after}：规则文件 {rules.name} 新增 {len(rules.added)}，"
                    f"替换 {len(rules.replaced)}，删除 {len(rules.removed)}")
        if checked.kind in CATALOG_KINDS:
            return self.staff.import_catalog(checked.path, actor=actor, source=name).summary()
        change = self.staff.upload_document(parse_document(checked.path, source=name), actor=actor, dry_run=False)
        return (f"已发布知识库版本 {change.version_after}：《{change.title}》新增 {len(change.added)}，"
                f"修改 {len(change.changed)}，删除 {len(change.removed)}")

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """确认发布 / 取消 for a pending upload (staff only)."""
        query = update.callback_query
        if query is None or not query.data:
            return
        await query.answer()
        if not self._is_staff(update):
            return await self._say(update, REFUSAL)
        action, token = query.data.split("|", 1)
        pending = context.bot_data.get(_PENDING, {}).pop(token, None)
        if pending is None:
            return await self._say(update, "这个上传已处理或已过期。")
        checked = CheckedUpload(pending["kind"], Path(pending["path"]))
        try:
            if action == "x":
                return await self._say(update, "已取消，知识库未改变。")
            text = await asyncio.to_thread(self._publish, checked, pending["name"], self._actor(update))
        except (IngestError, KnowledgeError) as exc:
            text = f"发布失败，知识库保持原样：{exc}"
        finally:
            self.staff.discard(checked)
        await self._say(update, text)

    async def withdraw(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/withdraw <product_id> <原因>`` (退出机制; dated today)."""
        if not self._is_staff(update):
            return await self._say(update, REFUSAL)
        args = context.args or []
        if len(args) < 2:
            return await self._say(update, "用法：/withdraw 产品编号 退出原因")
        try:
            product = await asyncio.to_thread(self.staff.withdraw, args[0], actor=self._actor(update),
                                              reason=" ".join(args[1:]), on=dt.date.today())
        except (IngestError, KnowledgeError) as exc:
            return await self._say(update, str(exc))
        await self._say(update, f"已退出：{product.product_name}（{product.enterprise}），"
                                f"{product.withdrawn_on}，原因：{product.withdrawal_reason}")

    async def kb(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/kb``: the served KB version and its documents."""
        if not self._is_staff(update):
            return await self._say(update, REFUSAL)
        index = self.assistant.catalog_snapshot()
        documents = self.assistant.documents()
        lines = [f"知识库版本 {self.assistant.kb().version}；《目录》修订号 {index.revision}，{len(index)} 项产品"]
        lines += [f"• 《{d.document.title}》{d.document.doc_number}（{d.clauses} 条款）" for d in documents]
        await self._say(update, "\n".join(lines))
