"""jingpin's answering library: no channel logic lives here, and nothing here imports a channel.

    from bot.answer import Assistant, Answer, Question

An :class:`Assistant` is built once by :mod:`bot.app`; every channel (HTTP, Telegram, CLI, the web
page) calls its methods and only translates the typed results to its own protocol.
"""

from bot.answer.answer import Answer, CatalogNeed
from bot.answer.assistant import Assistant
from bot.answer.question import Question

__all__ = ["Answer", "Assistant", "CatalogNeed", "Question"]
