"""The Telegram bot's handlers for questions, clauses and catalog look-ups.

They translate between Telegram and :class:`bot.answer.Assistant` (the same library as
``POST /v1/ask``, with the chat as the session); nothing here decides an answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.answer import Assistant
from bot.answer.catalog.answers import product_line
from bot.answer.question import question_problem
from bot.channels.telegram.format import answer_html, citation_buttons, clause_html, escape, send
from knowledge.catalog.search import CatalogFilters
from knowledge.dependencies import dependency_down
from knowledge.errors import KnowledgeError
from knowledge.kb.models import Citation

log = logging.getLogger(__name__)

RATE_LIMIT = 20  # questions per chat per minute
PAGE = 5
KEYBOARD = ReplyKeyboardMarkup([["问政策", "资格自测"], ["找目录产品", "帮助"]], resize_keyboard=True)
GREETING_ZH = ("您好！我是“浙江制造精品”政策助手，依据浙经信技术〔2013〕573号及其《目录》回答问题，每个回答都注明条款原文。\n"
               "• 直接发送问题，例如：进了目录的产品投标能视同有业绩吗？\n• /check 资格自测\n• /alt 高压变频器 找目录替代产品\n"
               "• /catalog 天喜厨电 查目录产品\n• /clause 三（二）2 查看条款原文")
GREETING_EN = ("Hello! I answer questions about the Zhejiang Made quality products policy (浙经信技术〔2013〕573号) "
               "and its catalog, citing the clause for every answer.\n• Send a question, e.g. Can catalog products "
               "count as having a track record?\n• /check eligibility questionnaire\n• /alt <need> catalog alternatives\n"
               "• /catalog <enterprise or product>\n• /clause 三（二）2")
HELP_ZH = ("命令与示例：\n/check —— 资格自测，逐项询问\n/alt 高压变频器 —— 目录中的在册替代产品\n/catalog 天喜厨电 —— 查企业或产品是否在目录\n"
           "/clause 三（二）6 —— 条款原文\n直接发送文字即提问，如：省级展会的展位费有资助吗？")
HELP_EN = ("Commands:\n/check — eligibility questionnaire\n/alt industrial robots — active catalog alternatives\n"
           "/catalog 天喜厨电 — look a product up\n/clause 三（二）6 — a clause in full\nAny text is a question.")


def _english(update: Update) -> bool:
    user = update.effective_user
    return bool(user and (user.language_code or "").lower().startswith("en"))


class RateLimiter:
    """At most ``limit`` events per chat in any ``window`` seconds."""

    def __init__(self, limit: int = RATE_LIMIT, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[int, deque[float]] = defaultdict(deque)

    def allow(self, chat_id: int) -> bool:
        """Record an event; False when the chat is over its limit."""
        now = time.monotonic()
        seen = self._seen[chat_id]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        return True


class JingpinBot:
    """Handlers over the shared :class:`Assistant`."""

    def __init__(self, assistant: Assistant, rate_limit: int = RATE_LIMIT) -> None:
        self.assistant = assistant
        self.limiter = RateLimiter(rate_limit)

    @staticmethod
    async def reply(update: Update, html_text: str, markup: Any = None) -> None:
        """Send ``html_text`` (see :func:`bot.channels.telegram.format.send`)."""
        await send(update, html_text, markup)

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greeting, what the bot does, the reply keyboard."""
        if update.effective_message is not None:
            await send(update, escape(GREETING_EN if _english(update) else GREETING_ZH), KEYBOARD)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Commands with one example each."""
        await self.reply(update, escape(HELP_EN if _english(update) else HELP_ZH))

    async def question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any text: answered by the composer, with a 查看原文 button per cited clause."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or not message.text:
            return
        text = message.text.strip()
        if text in ("帮助", "help"):
            return await self.help(update, context)
        if text in ("问政策", "找目录产品"):
            hint = "请直接发送您的问题。" if text == "问政策" else "请发送 /alt 加需求，或 /catalog 加企业或产品名称。"
            return await self.reply(update, escape(hint))
        if not self.limiter.allow(chat.id):
            return await self.reply(update, escape("提问太频繁了，请稍等一分钟再试。/ Too many questions, please wait a minute."))
        if problem := question_problem(text):
            return await self.reply(update, escape(problem.split(" / ")[1 if _english(update) else 0]))
        answer = await asyncio.to_thread(self.assistant.ask, text, session_id=f"telegram:{chat.id}")
        await self.reply(update, answer_html(answer.answer), citation_buttons(answer.citations, _english(update)))

    def _citation(self, doc_id: str, clause_id: str) -> Citation:
        """The clause as a citation; without a doc_id, from the first document that has it."""
        return self.assistant.clause(doc_id or None, clause_id).citation

    async def show_clause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The 查看原文 button: the whole clause, the part quoted in the answer in bold."""
        query = update.callback_query
        if query is None or not query.data:
            return
        await query.answer()
        _, doc_id, clause_id = query.data.split("|", 2)
        citation = self._citation(doc_id, clause_id)
        quoted = self._quoted(query, citation)
        await self.reply(update, clause_html(Citation(**{**citation.to_dict(), "quote": quoted})))

    @staticmethod
    def _quoted(query: Any, citation: Citation) -> str:
        """The longest sentence of the clause that the answer message quoted."""
        shown = query.message.text if query.message and query.message.text else ""
        parts = [p for p in citation.text.replace("；", "。").split("。") if p and p in shown]
        return max(parts, key=len) if parts else ""

    async def clause_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/clause 三（二）2`` or ``/clause <doc_id> <clause_id>``."""
        args = context.args or []
        if not args:
            return await self.reply(update, escape("用法：/clause 三（二）2（或 /clause 文件编号 条款）"))
        doc_id, wanted = (args[0], " ".join(args[1:])) if len(args) > 1 else ("", args[0])
        try:
            citation = self._citation(doc_id, wanted)
        except KnowledgeError:
            return await self.reply(update, escape(f"没有找到条款“{wanted}”。示例：/clause 三（二）2"))
        await self.reply(update, clause_html(citation))

    async def catalog_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/catalog <企业或产品>``: exact and fuzzy lookup with batch year and status."""
        wanted = " ".join(context.args or []).strip()
        if not wanted:
            return await self.reply(update, escape("用法：/catalog 天喜厨电"))
        page = await asyncio.to_thread(self.assistant.search_catalog, wanted, None, limit=PAGE)
        if not page.hits:
            return await self.reply(update, escape(f"《目录》中没有找到与“{wanted}”相符的产品。"))
        lines = [f"“{wanted}”在《目录》中找到 {page.total} 项："] + [product_line(h.product, False) for h in page.hits]
        await self.reply(update, escape("\n".join(lines)))

    async def alt_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """``/alt <需求或产品>``: active catalog products that fit, paged with buttons."""
        wanted = " ".join(context.args or []).strip()
        if not wanted:
            return await self.reply(update, escape("用法：/alt 高压变频器"))
        if context.chat_data is not None:
            context.chat_data["alt_query"] = wanted
        await self._alt_page(update, wanted, 0)

    async def alt_more(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The 下一页 / 上一页 buttons of /alt."""
        query = update.callback_query
        if query is None or not query.data:
            return
        await query.answer()
        wanted = (context.chat_data or {}).get("alt_query", "")
        if wanted:
            await self._alt_page(update, wanted, int(query.data.split("|")[1]))

    async def _alt_page(self, update: Update, wanted: str, offset: int) -> None:
        page = await asyncio.to_thread(self.assistant.search_catalog, wanted, CatalogFilters(status="active"),
                                       limit=PAGE, offset=offset)
        if not page.hits:
            return await self.reply(update, escape(f"《目录》中暂无与“{wanted}”相符的在册产品。"))
        lines = [f"与“{wanted}”相符的在册《目录》产品（第 {offset + 1}–{offset + len(page.hits)} 项，共 {page.total} 项）："]
        lines += [product_line(h.product, False) for h in page.hits]
        buttons = []
        if offset > 0:
            buttons.append(InlineKeyboardButton("上一页", callback_data=f"a|{max(0, offset - PAGE)}"))
        if offset + PAGE < page.total:
            buttons.append(InlineKeyboardButton("下一页", callback_data=f"a|{offset + PAGE}"))
        await self.reply(update, escape("\n".join(lines)), InlineKeyboardMarkup([buttons]) if buttons else None)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error; tell the user something went wrong, without internals (naming the database or
        the vector store when that is what does not answer)."""
        down = dependency_down(context.error) if context.error is not None else None
        if down is not None:
            log.warning("telegram handler: %s is down: %s", down.dependency, context.error)
        else:
            log.error("telegram handler failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_message is not None:
            text = f"抱歉，{down}" if down else "抱歉，处理时出了问题，请稍后再试。/ Sorry, something went wrong."
            await update.effective_message.reply_text(text)
