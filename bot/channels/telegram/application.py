"""The Telegram bot (python-telegram-bot 22): the application, its commands and its handlers.

Handlers live in :mod:`.handlers` (questions, clauses, catalog), :mod:`.check` (the /check
questionnaire) and :mod:`.staff` (uploads, withdrawals); all of them call the shared
:class:`bot.answer.Assistant` and :class:`ingest.staff.StaffOperations`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram import BotCommand
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)

from bot.app import Services
from bot.channels.telegram.check import check_conversation
from bot.channels.telegram.handlers import RATE_LIMIT, JingpinBot
from bot.channels.telegram.staff import StaffDesk

COMMANDS_ZH = [BotCommand("start", "开始"), BotCommand("help", "帮助与示例"), BotCommand("check", "资格自测"),
               BotCommand("alt", "找目录替代产品"), BotCommand("catalog", "查目录产品"), BotCommand("clause", "查看条款原文")]
COMMANDS_EN = [BotCommand("start", "Start"), BotCommand("help", "Help and examples"),
               BotCommand("check", "Eligibility questionnaire"), BotCommand("alt", "Catalog alternatives"),
               BotCommand("catalog", "Look up a catalog product"), BotCommand("clause", "Show a clause")]


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Commands in Chinese (default) and English (users whose language is English)."""
    await application.bot.set_my_commands(COMMANDS_ZH)
    await application.bot.set_my_commands(COMMANDS_EN, language_code="en")


def build_application(services: Services, *, updater: bool = True, rate_limit: int = RATE_LIMIT,
                      state_file: Path | None = None) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot over ``services`` (token and base URL from the settings). Conversation state is kept
    in ``state_file`` (default ``telegram_state.pickle`` in the data dir)."""
    settings = services.settings
    if not settings.telegram_token:
        raise ValueError("未设置 JINGPIN_TELEGRAM_TOKEN / JINGPIN_TELEGRAM_TOKEN is not set")
    state_file = state_file or settings.data_dir / "telegram_state.pickle"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    persistence = PicklePersistence(filepath=state_file)
    builder = ApplicationBuilder().token(settings.telegram_token).post_init(register_commands).persistence(persistence)
    if settings.telegram_base_url:
        base = settings.telegram_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.rsplit("/", 1)[0] + "/file/bot")
    if not updater:
        builder = builder.updater(None)
    application = builder.build()
    handlers = JingpinBot(services.assistant, rate_limit)
    application.add_handler(check_conversation(services.assistant))
    staff = StaffDesk(services.staff, services.assistant, services.settings.staff_ids)
    application.add_handler(MessageHandler(filters.Document.ALL, staff.upload))
    application.add_handler(CallbackQueryHandler(staff.confirm, pattern=r"^[ux]\|"))
    application.add_handler(CommandHandler("withdraw", staff.withdraw))
    application.add_handler(CommandHandler("kb", staff.kb))
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help))
    application.add_handler(CommandHandler("clause", handlers.clause_command))
    application.add_handler(CommandHandler("catalog", handlers.catalog_command))
    application.add_handler(CommandHandler("alt", handlers.alt_command))
    application.add_handler(CallbackQueryHandler(handlers.show_clause, pattern=r"^c\|"))
    application.add_handler(CallbackQueryHandler(handlers.alt_more, pattern=r"^a\|"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.question))
    application.add_error_handler(handlers.on_error)
    return application
