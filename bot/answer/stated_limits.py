"""What the asker states about their own case against a limit one sentence of the clause sets.

- A place below the ranking the text admits: 起草单位里我们排第四 against 起草单位排名前三 → 不能.
- A date of the same act outside the period the text sets: 22年5月发布 against 2022年7月1日至2023年6月30日期间
  正式发布 → 不能 (the words after both dates must share a word, so a date of something else is not compared).
- A figure above a cap (保险费率按不超过3%计算; 每项最高不超过50万元) → 不能 when the question asks for that
  figure or for the whole (全额/whole); otherwise yes on the cap, quoted.

Each comparison uses only figures written in the question and the sentence; the lead quotes the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer.answer import Conclusion
from bot.answer.form import asked_sentence
from bot.answer.verdicts.stated_amounts import in_wan
from knowledge.text.numerals import cn_number

_N = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
#: 起草单位排名前三, 前五名: a rank the text admits up to (not 前三季度 or 前两年).
_RANK_LIMIT = re.compile(rf"(?:排名|排序|排位|名次|位次)[^，。；;、)）]{{0,4}}?前\s*{_N}|前\s*{_N}\s*(?:名|位)(?!数)")
#: 排第四, 排名第4, 第五名, "ranked fourth": the asker's own rank.
_RANK_STATED = re.compile(rf"(?:排|排名|排在|排序|名次|位列)[^，。？?；;\d一二两三四五六七八九十]{{0,4}}第\s*{_N}|第\s*{_N}\s*(?:名|位)"
                          r"|\branked (?:no\.?\s*)?(\d{1,2}|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
                          r"|\b(\d{1,2})(?:st|nd|rd|th) (?:place|position|among)", re.IGNORECASE)
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
                "ninth": 9, "tenth": 10}


def _rank(figure: str) -> int:
    return _EN_ORDINALS.get(figure.lower()) or cn_number(figure.replace("两", "二"))


def rank_passed(question: str, sentence: str) -> bool:
    """True when the sentence admits only the first N of a ranking (起草单位排名前三) and the question
    states a lower place ("起草单位里我们排第四", "ranked fifth")."""
    limits = [_rank(next(g for g in m.groups() if g)) for m in _RANK_LIMIT.finditer(sentence)]
    stated = [_rank(next(g for g in m.groups() if g)) for m in _RANK_STATED.finditer(question)]
    return bool(limits and stated) and min(stated) > max(limits) > 0


_WINDOW = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?\s*(?:起)?\s*(?:至|到|—|－|-|~)\s*"
                     r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?([^。；;]{0,16})")
_DATE_STATED = re.compile(r"(?<!\d)(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*月份?\s*(?:(\d{1,2})\s*[日号])?([^，。？?；;]{0,8})")


def _bigrams(text: str) -> set[str]:
    return {text[i: i + 2] for i in range(len(text) - 1) if all("\u4e00" <= c <= "\u9fff" for c in text[i: i + 2])}


def window_passed(question: str, sentence: str) -> bool:
    """True when the sentence sets a period (2022年7月1日至2023年6月30日期间正式发布) and the question dates
    the same act outside it ("22年5月发布的"): the words after the asker's date share a word with those
    after the period, so a date of something else (公司2010年成立) is not compared."""
    for w in _WINDOW.finditer(sentence):
        start = (int(w.group(1)), int(w.group(2)), int(w.group(3) or 1))
        end = (int(w.group(4)), int(w.group(5)), int(w.group(6) or 31))
        for d in _DATE_STATED.finditer(question):
            year = int(d.group(1)) + (2000 if len(d.group(1)) == 2 else 0)
            if not _bigrams(d.group(4)) & _bigrams(w.group(7)):
                continue
            if d.group(3):
                outside = not start <= (year, int(d.group(2)), int(d.group(3))) <= end
            else:
                outside = not start[:2] <= (year, int(d.group(2))) <= end[:2]
            if outside:
                return True
    return False


_CAP = re.compile(r"([\u4e00-\u9fff]{2,8}?)(?:按|为)?(?:最高|最多)?(?:不超过|不高于|最高为?|上限为?)\s*"
                  r"(\d+(?:\.\d+)?)\s*([%％]|万元|亿元|万|亿)")
_FIGURE = {"%": re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之([一二三四五六七八九十]+)"),
           "money": re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)")}
_WHOLE = re.compile(r"全额|全部|整个|全覆盖|都补|都能|\b(whole|full|entire|all of)\b", re.IGNORECASE)


def _over_cap(question: str, sentence: str, words: Sequence[str]) -> tuple[bool, bool] | None:
    """(exceeded, asked): whether a figure of the question exceeds a cap the sentence sets on a thing
    the question names, and whether the asking part of the question asks for that figure or the whole.
    In Chinese the figure must stand in the same comma part as the thing (保险费率是4%, not 按80%补贴)."""
    asking = re.split(r"[，,]", asked_sentence(question))[-1]
    parts = [question] if question.isascii() else re.split(r"[，,。；;？?！!]", question)
    for cap in _CAP.finditer(sentence):
        thing = _bigrams(cap.group(1))
        if not _bigrams(sentence[: cap.end(1)]) & _bigrams(question + " " + "".join(words)):  # about what is asked
            continue
        unit = "%" if cap.group(3) in "%％" else "money"
        limit = float(cap.group(2)) if unit == "%" else in_wan(cap.group(2), cap.group(3)[0])
        # an amount of money asked for ("能拿80万吗？") is of the capped thing; a share is only beside its name
        over = [m.group(0) for part in parts if question.isascii() or thing & _bigrams(part)
                or (unit == "money" and part in asking) for m in _FIGURE[unit].finditer(part) if _value(m, unit) > limit]
        if over:
            return True, bool(_WHOLE.search(asking)) or any(o in asking for o in over)
    return None


def _value(match: re.Match[str], unit: str) -> float:
    if unit == "%":
        return float(match.group(1)) if match.group(1) else float(cn_number(match.group(2)))
    return in_wan(match.group(1), match.group(2))


def beyond_limit(question: str, sentence: str, words: Sequence[str] = ()) -> tuple[Conclusion, str] | None:
    """(conclusion, lead key) when what the question states passes a limit the sentence sets: a rank,
    a period or a cap (see the module docstring; ``words``: the question's words, English ones in Chinese); None when it states nothing beyond one."""
    if rank_passed(question, sentence):
        return "no", "rank_passed"
    if window_passed(question, sentence):
        return "no", "window_passed"
    capped = _over_cap(question, sentence, words)
    if capped is not None:
        return ("no", "cap_passed") if capped[1] else ("conditional", "cap_cond")
    return None
