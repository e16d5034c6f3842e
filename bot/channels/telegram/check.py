"""``/check``: the eligibility questionnaire as a ConversationHandler.

It asks only for facts the rules still need (one at a time, with buttons for yes/no and
enumerations), accepts /skip and /cancel, and ends with the verdicts and their clauses. Answers
are kept in chat_data and the conversation state in the application's persistence, so a restart
of the bot continues where the user was.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.answer import Assistant
from bot.answer.verdicts.checks import Eligibility
from bot.channels.telegram.format import answer_html, citation_buttons, escape, send
from knowledge.errors import FactError, KnowledgeError
from knowledge.rules.facts import FACTS

AUDIENCE, ANSWER = range(2)
# The questionnaire is one conversation per chat; buttons need not be tracked per message.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
_KEY = "check"


def _state(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    data = context.chat_data if context.chat_data is not None else {}
    state: dict[str, Any] = data.setdefault(_KEY, {"audience": "enterprise", "facts": {}, "skipped": [], "asking": None})
    return state


class CheckQuestionnaire:
    """The /check conversation over :meth:`Assistant.check_eligibility` (the verdicts of
    ``POST /v1/eligibility`` and ``jingpin check`` for the same facts)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def _eligibility(self, state: dict[str, Any]) -> Eligibility:
        return self.assistant.check_eligibility(state["facts"], audience=state["audience"])

    @staticmethod
    def _next_fact(state: dict[str, Any], eligibility: Eligibility) -> str | None:
        missing = eligibility.missing_facts(frozenset(state["skipped"]))
        if not missing:
            return None
        listed = eligibility.facts.get("in_catalog") is True
        if missing[0] == "certified_on" and listed and "product_id" not in state["facts"] \
                and "product_id" not in state["skipped"]:
            return "product_id"  # a catalog id settles the certification date and status at once
        return missing[0]

    @staticmethod
    async def _send(update: Update, text: str, markup: Any = None) -> None:
        await send(update, text, markup)

    async def _ask_next(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        state = _state(context)
        eligibility = await asyncio.to_thread(self._eligibility, state)
        name = self._next_fact(state, eligibility)
        if name is None:
            state["asking"] = None
            citations = [c for v in eligibility.verdicts for c in v.citations]
            await self._send(update, answer_html(eligibility.text(english=False)), citation_buttons(citations))
            if context.chat_data is not None:
                context.chat_data.pop(_KEY, None)
            return ConversationHandler.END
        state["asking"] = name
        spec = FACTS[name]
        options = ["是", "否"] if spec.kind == "bool" else list(spec.values) if spec.kind == "enum" else []
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(o, callback_data=f"k|{o}") for o in options[i:i + 3]]
                                       for i in range(0, len(options), 3)]) if options else None
        hint = "（点选，或 /skip 跳过，/cancel 结束）" if options else "（直接回复，/skip 跳过，/cancel 结束）"
        if name == "product_id":
            hint = "（回复产品编号；不知道可 /skip，改为回答认定日期）"
        await self._send(update, escape(spec.question + hint), markup)
        return ANSWER

    async def begin(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """/check: choose the side first."""
        if context.chat_data is not None:
            context.chat_data.pop(_KEY, None)
        _state(context)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("企业（申报、享受政策）", callback_data="k|enterprise"),
                                        InlineKeyboardButton("采购方", callback_data="k|buyer")]])
        await self._send(update, escape("资格自测：您是哪一方？（/cancel 结束）"), markup)
        return AUDIENCE

    async def audience(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """The side button."""
        query = update.callback_query
        if query is None or not query.data:
            return AUDIENCE
        await query.answer()
        _state(context)["audience"] = "buyer" if query.data.endswith("buyer") else "enterprise"
        return await self._ask_next(update, context)

    async def _take(self, update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> int:
        state = _state(context)
        name = state.get("asking")
        if not name:
            return await self._ask_next(update, context)
        try:
            await asyncio.to_thread(self.assistant.case, {name: value})  # parses it; a product id must exist
        except (FactError, KnowledgeError) as exc:
            await self._send(update, escape(f"{str(exc).split(' / ')[0]}。请重新回答，或 /skip 跳过。"))
            return ANSWER
        state["facts"][name] = value
        return await self._ask_next(update, context)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """An option button."""
        query = update.callback_query
        if query is None or not query.data:
            return ANSWER
        await query.answer()
        return await self._take(update, context, query.data.split("|", 1)[1])

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """A typed answer."""
        message = update.effective_message
        return await self._take(update, context, (message.text or "").strip() if message else "")

    async def skip(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """/skip: leave this fact unknown (its rules stay 待确认)."""
        state = _state(context)
        if state.get("asking"):
            state["skipped"].append(state["asking"])
        return await self._ask_next(update, context)

    async def cancel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """/cancel: end without a verdict."""
        if context.chat_data is not None:
            context.chat_data.pop(_KEY, None)
        await self._send(update, escape("已结束资格自测。随时发送 /check 重新开始。"))
        return ConversationHandler.END


def check_conversation(assistant: Assistant) -> ConversationHandler[Any]:
    """The /check ConversationHandler (persistent under the name ``check``)."""
    flow = CheckQuestionnaire(assistant)
    return ConversationHandler(
        entry_points=[CommandHandler("check", flow.begin), MessageHandler(filters.Regex(r"^资格自测$"), flow.begin)],
        states={
            AUDIENCE: [CallbackQueryHandler(flow.audience, pattern=r"^k\|")],
            ANSWER: [CallbackQueryHandler(flow.button, pattern=r"^k\|"), CommandHandler("skip", flow.skip),
                     MessageHandler(filters.TEXT & ~filters.COMMAND, flow.text)],
        },
        fallbacks=[CommandHandler("cancel", flow.cancel), CommandHandler("check", flow.begin)],
        name="check",
        persistent=True,
    )
