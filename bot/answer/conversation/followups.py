"""Follow-up questions in a conversation, resolved against the previous turn (both composers).

- 那展会呢？ / What about exhibitions? → a question about the new topic (那X呢 → 关于X有什么规定？)
- 第二个条件是什么意思？ → the n-th condition of the previous verdict, with its clause
- 有没有别的产品？ / Any other products? → the next products for the previous catalog need
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from bot.answer.composer import Answer, AnswerComposer
from knowledge.kb.models import Citation

_MORE = re.compile(r"^(还有|有没有|还有没有)?(别的|其他|其它|更多|另外的)(的)?(产品|厂家|企业|选择)?(吗|呢|么)?[？?。]*$"
                   r"|^(are there |any )?(other|more) (products|alternatives|options)\??$", re.IGNORECASE)
_NTH = re.compile(r"^第\s*(?P<n>[一二三四五六七八九十\d]+)\s*(?:(个|项)(条件|要求)?|条(条件|要求))"
                  r"(是什么意思|什么意思|指什么|是什么|怎么理解)[？?]*$")
_WHAT_ABOUT = re.compile(r"^(那如果是|那要是|那么|那)(?P<topic>[^？?，,。]{1,20}?)(呢|怎么样|如何)[？?]*$")
_EN_WHAT_ABOUT = re.compile(r"^(and |what about |how about )(?P<topic>[^?]{2,60})\??$", re.IGNORECASE)
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass
class Turn:
    """What a session's previous answer was about."""

    question: str
    intent: str
    catalog_need: str = ""
    catalog_region: str | None = None
    shown: int = 0  # catalog products listed so far for that need
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _CN_NUM.get(text, 0)


def rewrite(question: str, last: Turn | None, english: bool) -> str:
    """The question to ask: a 那X呢 / what-about follow-up becomes a question about X."""
    if last is None:
        return question
    text = question.strip()
    if (m := _WHAT_ABOUT.match(text)) is not None:
        return f"关于{m.group('topic')}，有什么规定？"
    if english and (m := _EN_WHAT_ABOUT.match(text)) is not None:
        return f"What does the policy say about {m.group('topic')}?"
    return question


def answer_follow_up(question: str, last: Turn | None, composer: AnswerComposer, english: bool) -> Answer | None:
    """A direct answer for follow-ups that need the previous turn's products or verdicts, or None."""
    if last is None:
        return None
    text = question.strip()
    if _MORE.match(text) and last.catalog_need:
        return composer.more_products(last.catalog_need, last.catalog_region, last.shown, english)
    if (m := _NTH.match(text)) is not None and last.verdicts:
        conditions = [(v, c) for v in last.verdicts for c in v["conditions"]]
        n = _number(m.group("n"))
        if 1 <= n <= len(conditions):
            return _explain_condition(n, *conditions[n - 1], composer, english)
    return None


def _explain_condition(n: int, verdict: dict[str, Any], condition: dict[str, Any], composer: AnswerComposer,
                       english: bool) -> Answer:
    given = condition.get("given")
    shown = "未提供" if given is None else ("是" if given is True else "否" if given is False else given)
    status = {"met": "满足", "not_met": "不满足", "needs_info": "待确认"}[condition["status"]]
    labels = "、".join(f"〔{c['label']}〕" for c in verdict["citations"])
    lines = [f"第{n}个条件是“{condition['label']}”（{verdict['title']}）{labels}。",
             f"要求：{condition['required']}；您的情况：{shown}（{status}）。"]
    lines.append("依据：")
    lines += [f"〔{c['label']}〕“{c['quote']}”" for c in verdict["citations"]]
    citations = [Citation(**c) for c in verdict["citations"]]
    return Answer(answer="\n".join(lines), intent="eligibility", grounded=True, citations=citations,
                  kb_version=composer.kb.version, timings_ms={"retrieve": 0.0, "compose": 0.0, "total": 0.0},
                  verdicts=[verdict])


def next_turn(question: str, answer: Answer, last: Turn | None) -> Turn:
    """The turn to remember after ``answer``."""
    shown = len(answer.products)
    if last is not None and answer.catalog_need and answer.catalog_need == last.catalog_need:
        shown += last.shown
    return Turn(question=question, intent=answer.intent, catalog_need=answer.catalog_need,
                catalog_region=answer.catalog_region, shown=shown,
                verdicts=answer.verdicts or (last.verdicts if last and answer.intent == "eligibility" else []),
                citations=answer.citations)


def ask_in_session(services: Any, question: str, *, session_id: str | None, profile: dict[str, Any] | None = None,
                   as_of: Any = None, kb_version: int | None = None) -> Answer:
    """Answer ``question`` as a turn of ``session_id``: follow-ups resolved, stated facts kept."""
    from knowledge.rules.facts import show

    started = time.perf_counter()
    sessions = services.sessions
    last: Turn | None = sessions.turn(session_id)
    composer = services.composer_for(kb_version)
    english = composer.kb.lexicon.is_english(question)
    answer = answer_follow_up(question, last, composer, english)
    if answer is None:
        merged = {**sessions.get(session_id), **(profile or {})}
        answer = services.answerer(kb_version).ask(rewrite(question, last, english), profile=merged, as_of=as_of)
        sessions.remember(session_id, {k: show(v) for k, v in answer.facts.items()})
    answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
    sessions.remember_turn(session_id, next_turn(question, answer, last))
    return answer
