"""Checks on a generated answer before anyone sees it.

The model returns sentences, each with the clause ids it rests on. A sentence survives only when
its ids are among the clauses it was given, every number, date, percentage and named body in it
occurs in those clauses, and it does not contradict a verdict of the rules engine.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from knowledge.kb.models import Clause
from knowledge.rules.engine import Verdict

_FACT_TOKENS = re.compile(
    r"\d+(?:\.\d+)?\s*%|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d+(?:\.\d+)?"
    r"|百分之[零〇一二两三四五六七八九十百千]+"
    r"|[零〇一二两三四五六七八九十百千万亿]+(?:年|个月|个以上|个品牌|项|倍|万元|亿元|元|天|次|家|成)"
    r"|(?:省|市|县|国家)[\u4e00-\u9fff]{0,6}?(?:委员会|委|厅|局|办公室)"
)

_POSITIVE = re.compile(r"可以|能够|能享受|适用|符合条件|视同|\b(yes|can|applies|eligible)\b", re.IGNORECASE)
_NEGATIVE = re.compile(r"不可以|不能|不适用|不符合|无法|不得享受|\b(no|cannot|can't|not eligible|does not apply)\b",
                       re.IGNORECASE)


class MalformedOutputError(ValueError):
    """The model's output is not the JSON shape the prompt asked for."""


@dataclass(frozen=True)
class Sentence:
    """One generated sentence and the clause ids it cites."""

    text: str
    cites: tuple[str, ...]


@dataclass(frozen=True)
class Checked:
    """The sentences that survived and why the others were removed."""

    kept: list[Sentence]
    removed: list[tuple[Sentence, str]]


def parse_output(content: str) -> list[Sentence]:
    """``{"sentences": [{"text": ..., "cites": [...]}]}`` (a fenced code block around it is allowed)."""
    body = content.strip()
    fenced = re.search(r"```(?:json)?\s*(.*?)```", body, re.DOTALL)
    if fenced:
        body = fenced.group(1)
    try:
        data: Any = json.loads(body)
        items = data["sentences"]
        sentences = [Sentence(str(i["text"]).strip(), tuple(_norm(str(c)) for c in i.get("cites", []))) for i in items]
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedOutputError(f"模型输出不是约定的 JSON：{exc}") from exc
    if not sentences or any(not s.text for s in sentences):
        raise MalformedOutputError("模型输出没有句子")
    return sentences


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def _iso(token: str) -> str:
    """A 2027年3月1日 token as 2027-03-01 (dates the rules engine computed are allowed)."""
    m = re.fullmatch(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", token.strip())
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else token.strip() or "\x00"


def fact_tokens(text: str, labels: tuple[str, ...] = ()) -> list[str]:
    """Numbers, dates, percentages and named bodies in ``text`` (each must be backed by a clause).
    The labels of the clauses given (三（二）4, 〔三（二）4〕) are references, not facts; nothing else
    is skipped, so a figure cannot hide in brackets."""
    for label in sorted(labels, key=len, reverse=True):
        text = text.replace(f"〔{label}〕", " ").replace(label, " ")
    return [m.group(0) for m in _FACT_TOKENS.finditer(text)]


def check_sentences(sentences: list[Sentence], clauses: dict[str, Clause],
                    verdicts: Sequence[Verdict]) -> Checked:
    """Keep the sentences that cite given clauses, state only what those clauses state, and agree
    with the engine's verdicts."""
    kept: list[Sentence] = []
    removed: list[tuple[Sentence, str]] = []
    for sentence in sentences:
        cited = [clauses.get(_norm(c)) for c in sentence.cites]
        if not sentence.cites or any(c is None for c in cited):
            removed.append((sentence, "cites a clause it was not given"))
            continue
        # Whole tokens, not substrings: "1项" is not backed by "2013", nor "5%" by "15%".
        source = {_norm(tok) for c in cited if c is not None for tok in fact_tokens(c.text)}
        engine = {str(x) for v in verdicts for x in (v.as_of, *v.computed.values())}
        labels = tuple(c.label for c in clauses.values())
        unsupported = [tok for tok in fact_tokens(sentence.text, labels)
                       if _norm(tok) not in source and _iso(tok) not in engine]
        if unsupported:
            removed.append((sentence, f"not in the cited clauses: {', '.join(unsupported)}"))
            continue
        if _contradicts(sentence, verdicts):
            removed.append((sentence, "contradicts a verdict"))
            continue
        kept.append(sentence)
    return Checked(kept, removed)


def _contradicts(sentence: Sentence, verdicts: Sequence[Verdict]) -> bool:
    cites = {_norm(c) for c in sentence.cites}
    negative = bool(_NEGATIVE.search(sentence.text))
    positive = bool(_POSITIVE.search(sentence.text)) and not negative
    for verdict in verdicts:
        about = {_norm(c.clause_id) for c in verdict.citations}
        if not cites & about:
            continue
        if verdict.status in ("not_met", "needs_info") and positive:  # only the engine may say yes
            return True
        if verdict.status == "met" and negative:
            return True
    return False
