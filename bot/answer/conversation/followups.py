"""Follow-up questions in a conversation, resolved against the previous turn (both composers).

- 那展会呢？ / What about exhibitions? → a question about the new topic (那X呢 → 关于X有什么规定？)
- 第二个条件是什么意思？ → the n-th condition of the previous verdict, with its clause
- 有没有别的产品？ / Any other products? → the next products for the previous catalog need
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from bot.answer.answer import Answer, CatalogNeed
from bot.answer.composer import AnswerComposer
from knowledge.kb.models import Citation
from knowledge.rules.engine import ConditionResult, Verdict
from knowledge.rules.facts import show
from knowledge.text.numerals import cn_number

_MORE = re.compile(r"^(还有|有没有|还有没有)?(别的|其他|其它|更多|另外的)(的)?(产品|厂家|企业|选择)?(吗|呢|么)?[？?。]*$"
                   r"|^(are there |any )?(other|more) (products|alternatives|options)\??$", re.IGNORECASE)
_NTH = re.compile(r"^第\s*(?P<n>[一二三四五六七八九十\d]+)\s*(?:(个|项)(条件|要求)?|条(条件|要求))"
                  r"(是什么意思|什么意思|指什么|是什么|怎么理解)[？?]*$")
_WHAT_ABOUT = re.compile(r"^(那如果是|那要是|那么|那)(?P<topic>[^？?，,。]{1,20}?)(呢|怎么样|如何)[？?]*$")
_EN_WHAT_ABOUT = re.compile(r"^(and |what about |how about )(?P<topic>[^?]{2,60})\??$", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """What a session's previous answer was about."""

    question: str
    intent: str
    catalog_need: CatalogNeed | None = None
    shown: int = 0  # catalog products listed so far for that need
    verdicts: tuple[Verdict, ...] = ()
    citations: tuple[Citation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form from which :meth:`from_dict` rebuilds an equal turn (a condition's given
        value that is not plain JSON, e.g. a date, is kept as the text the API shows for it)."""
        return {"question": self.question, "intent": self.intent,
                "catalog_need": asdict(self.catalog_need) if self.catalog_need else None, "shown": self.shown,
                "verdicts": [_verdict_dict(v) for v in self.verdicts], "citations": [c.to_dict() for c in self.citations]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        """The turn :meth:`to_dict` wrote; TypeError / KeyError when ``data`` is not of that shape."""
        need = data.get("catalog_need")
        return cls(question=data["question"], intent=data["intent"],
                   catalog_need=CatalogNeed(**need) if need else None, shown=int(data.get("shown", 0)),
                   verdicts=tuple(_verdict(v) for v in data.get("verdicts", ())),
                   citations=tuple(Citation(**c) for c in data.get("citations", ())))


def _verdict_dict(verdict: Verdict) -> dict[str, Any]:
    data = asdict(verdict)
    data["conditions"] = [{**c, "given": show(c["given"]), "missing": list(c["missing"])} for c in data["conditions"]]
    return data


def _verdict(data: dict[str, Any]) -> Verdict:
    conditions = [ConditionResult(**{**c, "missing": tuple(c.get("missing", ()))}) for c in data["conditions"]]
    return Verdict(**{**data, "conditions": conditions, "citations": [Citation(**c) for c in data["citations"]]})


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
    if _MORE.match(text) and last.catalog_need is not None:
        return composer.more_products(last.catalog_need, last.shown, english)
    if (m := _NTH.match(text)) is not None and last.verdicts:
        conditions = [(v, c) for v in last.verdicts for c in v.conditions]
        n = cn_number(m.group("n")) or 0
        if 1 <= n <= len(conditions):
            return _explain_condition(n, *conditions[n - 1], composer)
    return None


def _explain_condition(n: int, verdict: Verdict, condition: ConditionResult, composer: AnswerComposer) -> Answer:
    given = condition.given
    shown = "未提供" if given is None else ("是" if given is True else "否" if given is False else given)
    status = {"met": "满足", "not_met": "不满足", "needs_info": "待确认"}[condition.status]
    labels = "、".join(f"〔{c.label}〕" for c in verdict.citations)
    lines = [f"第{n}个条件是“{condition.label}”（{verdict.title}）{labels}。",
             f"要求：{condition.required}；您的情况：{shown}（{status}）。", "依据："]
    lines += [f"〔{c.label}〕“{c.quote}”" for c in verdict.citations]
    return Answer(answer="\n".join(lines), intent="eligibility", grounded=True, citations=tuple(verdict.citations),
                  kb_version=composer.kb.version, timings_ms={"retrieve": 0.0, "compose": 0.0, "total": 0.0},
                  verdicts=(verdict,))


def next_turn(question: str, answer: Answer, last: Turn | None) -> Turn:
    """The turn to remember after ``answer``."""
    shown = len(answer.products)
    if last is not None and answer.catalog_need is not None and answer.catalog_need == last.catalog_need:
        shown += last.shown
    return Turn(question=question, intent=answer.intent, catalog_need=answer.catalog_need, shown=shown,
                verdicts=answer.verdicts or (last.verdicts if last and answer.intent == "eligibility" else ()),
                citations=answer.citations)
