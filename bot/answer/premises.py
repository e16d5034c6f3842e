"""What the question's own statements settle beyond the answering sentence.

- A confirm question whose premise the sentence states differently ("年均增长20%，对吧？" against 15%,
  省财政厅 against 省经信委, 递交之日 against 认定之日, three years against 二年内) → 不是.
- A penalty no document provides ("不用会被处罚吗？" → 不会; "会被怎么处罚？" → 文件没有规定).
- A rule for listed products asked about a product the asker says was withdrawn → 不能.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from knowledge.text.numerals import cn_number

if TYPE_CHECKING:  # conclusion.py imports this module for premise_contradicted
    from bot.answer.conclusion import Concluded

_FIGURES = (re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之[一二三四五六七八九十]+"), re.compile(r"\d{4}\s*年"),
            re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿|个|项|家|倍)"), re.compile(r"(?<!\d)\d{1,2}\s*年(?:内|以内)?"))
_ORG = re.compile(r"省[\u4e00-\u9fff]{1,6}?(厅|委|局|办)")
_ANCHOR = re.compile(r"(?:从|自)([^，。？?]{1,16}?)(?:那天|那一天|之日|当天|起)")
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
               "ten": 10}
_EN_DURATION = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})[- ]years?\b", re.IGNORECASE)
_CN_DURATION = re.compile(r"(?<![\d〇零一二两三四五六七八九十])([一二两三四五六七八九十]{1,3})\s*年(?=内|以内|有效|期|前|了|[，。？?吗么的]|$)")


def _figures_as_digits(text: str) -> str:
    """Durations written in words as digits (三年 → 3年, three years → 3年), so they compare with 二年内."""
    text = _EN_DURATION.sub(lambda m: f"{_EN_NUMBERS.get(m.group(1).lower(), m.group(1))}年", text)
    return _CN_DURATION.sub(lambda m: f"{cn_number(m.group(1).replace('两', '二'))}年", text)


def premise_contradicted(question: str, sentence: str) -> bool:
    """True when a confirm question states a figure, a body or a starting day that the sentence states
    differently ("…年均增长20%，对吧？" against 15%; 省财政厅 against 省经信委; 递交之日 against 认定之日)."""
    question, sentence = _figures_as_digits(question), _figures_as_digits(sentence)
    for pattern in (*_FIGURES, _ORG):
        asked = {m.group(0) for m in pattern.finditer(question)}
        given = {m.group(0) for m in pattern.finditer(sentence)}
        if asked and given and not asked & given:
            return True
    asked_anchor, given_anchor = _ANCHOR.search(question), _ANCHOR.search(sentence)
    return bool(asked_anchor and given_anchor and given_anchor.group(1) not in asked_anchor.group(1))


def premise_confirmed(asked: str, sentence: str) -> bool:
    """True when the asked sentence of a confirm question states figures ("是不是要求满3年？") and the
    sentence states every one of them (满3年): the premise is the text's own."""
    asked, sentence = _figures_as_digits(asked), _figures_as_digits(sentence)
    figures = {m.group(0).replace(" ", "") for pattern in _FIGURES for m in pattern.finditer(asked)}
    given = {m.group(0).replace(" ", "") for pattern in _FIGURES for m in pattern.finditer(sentence)}
    return bool(figures) and figures <= given


_WITHIN = re.compile(r"(?<!\d)(\d{1,2})\s*年(?:内|以内)")
_ELAPSED = re.compile(r"(?<!\d)(\d{1,2})\s*年(?:前|多前|了|多了|有余)|(?<!\d)(\d{1,2})\s*年(?=，|,|\s*$)|(?:for|after) (\d{1,2})年|(?<!\d)(\d{1,2})\s*年\s*ago")


def limit_passed(question: str, sentence: str) -> bool:
    """True when the sentence limits something to N年内 (自认定之日起二年内) and the question says more
    than N years have passed or asks for longer ("三年前认定的", "valid for three years")."""
    limits = [int(m.group(1)) for m in _WITHIN.finditer(_figures_as_digits(sentence))]
    if not limits:
        return False
    asked = [int(next(g for g in m.groups() if g)) for m in _ELAPSED.finditer(_figures_as_digits(question))]
    return bool(asked) and max(asked) > max(limits)


_HOW = re.compile(r"怎么|怎样|如何|什么|哪些|多少|how|what", re.IGNORECASE)
_SANCTION = re.compile(r"处罚|罚款|惩罚|追责|问责|罚金|penalt|\bfined?\b|punish|sanction", re.IGNORECASE)


def settled_by_the_case(concluded: Concluded, question: str, stated: Mapping[str, Any], corpus: str,
                        english: bool) -> Concluded:
    """What the asker's own statements or the KB as a whole settle beyond the sentence: a penalty no
    document provides ("不用会被处罚吗？" → 不会), a rule for listed products asked about a product the
    asker says was withdrawn (→ 不能)."""
    if _SANCTION.search(question) and not _SANCTION.search(corpus):
        if _HOW.search(question):  # "会被怎么处罚？" asks what the penalty is: none is set out
            return dataclasses.replace(concluded, kind="not_specified", lead=(
                "The policy sets out no penalty." if english else "文件未规定处罚。文件只写到以下内容。"))
        return dataclasses.replace(concluded, kind="no", lead=(
            "No: the policy provides no penalty." if english else "不会。本文件没有规定处罚。"))
    if stated.get("catalog_status") == "withdrawn" and concluded.kind in ("yes", "conditional") \
            and "《目录》" in concluded.decisive:
        return dataclasses.replace(concluded, kind="no", lead=(
            "No: this applies to products in the Catalogue, and you say yours was withdrawn from it." if english
            else "不能。该规定针对列入《目录》的产品，而您说明产品已退出《目录》。"))
    return concluded
