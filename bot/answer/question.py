"""A question, read once: its text, canonical form, words, language and the facts it states.

Everything downstream (scope, intent, routing, retrieval, verdicts) reads this value instead of
re-reading the raw text, the way httpx parses a URL once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.answer.verdicts.stated_facts import extract_facts
from knowledge.errors import FactError
from knowledge.rules.facts import parse_facts
from knowledge.text.lexicon import Lexicon
from knowledge.text.normalize import to_simplified

MAX_QUESTION = 2000


def question_problem(text: str) -> str | None:
    """Why ``text`` cannot be asked (empty, or over 2000 characters after trimming), in Chinese and
    English; None when it can. Every channel checks questions with this."""
    length = len(text.strip())
    if not length:
        return "问题不能为空 / the question must not be empty"
    if length > MAX_QUESTION:
        return (f"问题过长（{length} 字），最多 {MAX_QUESTION} 字 / "
                f"the question is too long ({length} characters, at most {MAX_QUESTION})")
    return None


@dataclass(frozen=True)
class Question:
    """One question as the library understands it."""

    text: str  # as asked, trimmed, in simplified characters, near-miss spellings of known terms read as them
    canonical: str  # width-folded, synonyms mapped, English glossary terms appended (what the KB is matched on)
    words: tuple[str, ...]  # content words of the canonical text
    english: bool
    stated_facts: Mapping[str, Any] = field(default_factory=dict)  # raw values, each valid on its own

    @classmethod
    def parse(cls, text: str, lexicon: Lexicon, sectors: Iterable[str] = (), corpus: str = "") -> Question:
        """Read ``text`` (already validated: 1–2000 characters). ``sectors`` are the sector names the
        rules and the catalog know, so a stated sector (智能交通) is recognised; ``corpus`` is the policy
        text, whose words a near-miss spelling (采够, 拍斥) is read as."""
        text = to_simplified(text.strip())  # traditional characters are read as simplified
        text = lexicon.respell(text, corpus)  # 政府采够 → 政府采购: every reading below matches the terms
        canonical = lexicon.query_text(text)
        return cls(text=text, canonical=canonical, words=tuple(lexicon.words(canonical)),
                   english=lexicon.is_english(text), stated_facts=_valid_facts(extract_facts(text, sectors)))


def _valid_facts(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The stated facts that parse; a statement such as 2025年13月 is left out, not an error."""
    kept: dict[str, Any] = {}
    for name, value in raw.items():
        try:
            parse_facts({name: value})
        except FactError:
            continue
        kept[name] = value
    return kept
