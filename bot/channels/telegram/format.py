"""Telegram HTML for answers and clauses: escaping, footnotes, buttons, splitting at 4096 characters.

Answers are plain text from the composer; here they are escaped (《》“” pass through, <>& become
entities) and cut into messages at line or sentence boundaries. Tags are only added inside one line,
so a cut never falls inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from knowledge.kb.models import Citation
from knowledge.text.normalize import pack

LIMIT = 4096
# After a sentence end (not ";": it ends every escaped entity, &amp;), or after the </b> that closes one.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?])(?!</b>)|(?<=</b>)")


def escape(text: str) -> str:
    """Text safe inside Telegram HTML (only <, > and & need entities)."""
    return html.escape(text, quote=False)


def _pieces(line: str, limit: int) -> list[str]:
    """A too-long escaped line cut at sentence ends, then hard at ``limit`` outside entities."""
    sentences: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        while len(sentence) > limit:
            cut = sentence.rfind("&", 0, limit)
            cut = cut if cut > 0 and ";" not in sentence[cut:limit] else limit
            sentences.append(sentence[:cut])
            sentence = sentence[cut:]
        sentences.append(sentence)
    return pack(sentences, limit)


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """``text`` (already HTML) as messages of at most ``limit`` characters, cut between lines, else
    between sentences. Each line's tags are balanced, so every message parses on its own."""
    messages: list[str] = []
    current = ""
    for line in text.split("\n"):
        for piece in _pieces(line, limit) if len(line) > limit else [line]:
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) > limit:
                messages.append(current)
                current = piece
            else:
                current = candidate
    if current.strip():
        messages.append(current)
    return [m for m in messages if m.strip()]


def answer_html(answer: str) -> str:
    """The composer's answer as Telegram HTML: conclusion line in bold, the rest escaped."""
    lines = answer.split("\n")
    # Bold only a line short enough never to be cut (a cut inside <b>…</b> would not parse).
    first = (f"<b>{escape(lines[0])}</b>" if len(lines[0]) < 1000 else escape(lines[0])) if lines else ""
    return "\n".join([first, *(escape(line) for line in lines[1:])])


def clause_html(citation: Citation) -> str:
    """A clause in full with the quoted part in bold, headed by document, 文号 and label."""
    text = escape(citation.text)
    quote = escape(citation.quote)
    # Bold sentence by sentence: a long clause is cut between sentences, never inside a <b>…</b>.
    bold = "".join(f"<b>{s}</b>" if s.strip() and len(s) < LIMIT // 2 else s for s in _SENTENCE_END.split(quote))
    body = text.replace(quote, bold, 1) if quote and quote in text else text
    return f"《{escape(citation.doc_title)}》（{escape(citation.doc_number)}）〔{escape(citation.label)}〕\n{body}"


def clause_callback(citation: Citation) -> str:
    """Callback data of a 查看原文 button (Telegram allows 64 bytes)."""
    data = f"c|{citation.doc_id}|{citation.clause_id}"
    return data if len(data.encode()) <= 64 else f"c||{citation.clause_id}"


def citation_buttons(citations: Sequence[Citation], english: bool = False) -> InlineKeyboardMarkup | None:
    """One 查看原文 button per policy clause cited (catalog rows have their own views)."""
    seen: dict[tuple[str, str], Citation] = {}
    for c in citations:
        if c.kind == "clause":
            seen.setdefault((c.doc_id, c.clause_id), c)
    if not seen:
        return None
    word = "Source" if english else "查看原文"
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"{word} {c.label}", callback_data=clause_callback(c))]
                                 for c in seen.values()])


async def send(update: Update, html_text: str, markup: Any = None) -> None:
    """Reply with ``html_text`` (already Telegram HTML) in as many messages as it needs; the buttons
    go with the last one. The one way every handler replies."""
    message = update.effective_message
    if message is None:
        return
    parts = split_message(html_text)
    for i, part in enumerate(parts):
        await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=markup if i == len(parts) - 1 else None)
