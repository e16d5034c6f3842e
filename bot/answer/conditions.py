"""What a policy sentence makes its statement depend on, and how much of it a question states.

- a requirement (对…的产品), a circumstance (同等条件下) or an exception (除…外): :func:`condition_of`;
- whether the question itself states it (over a third of its words, and any count it names):
  :func:`stated_in`;
- whom a sentence binds (政府采购、国有企业投资的项目…): :func:`scope_of`;
- the question's own words in a sentence, not the programme's name every clause shares: :func:`shared_words`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from knowledge.kb.models import Citation
from knowledge.text.modality import find, forces, pieces
from knowledge.text.names import sector_words, sectors_named

WordsOf = Callable[[str], list[str]]

_CONDITION = re.compile(r"对(?!列入《目录》的产品)(?P<c>[^。；]{2,80}?)的(?=《目录》|产品|项目|[，,])"
                        r"|对(?!列入《目录》的产品)(?P<t>[^，。；]{2,60})的[^，。；的]{1,8}(?=优先|给予|实施|不得|须)"
                        r"|(?P<r>具有[^。；]{2,60}?)的(?=[^。；]{0,8}产品)|(?P<w>如果[^。；]{2,80}?时)"
                        r"|(?P<s>在符合条件的情况下|同等条件下)|(?P<x>除[^，。；]{1,30}外)")
_COUNTED = re.compile(r"([\d一二两三四五六七八九十]+)\s*(个|年|项|家|倍|%)")


_EN_COUNT = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+) (or more )?[a-z]+", re.IGNORECASE)


def _counted_units(text: str) -> set[str]:
    """The units the question counts in (三个 → 个, 2年 → 年; an English count, "three brands" → 个)."""
    return {unit for _, unit in _COUNTED.findall(text)} | ({"个"} if _EN_COUNT.search(text) else set())


CASE = re.compile(r"如(?:果)?[^。；]{2,80}?(?:时|的)(?=，)")
GENERIC = frozenset({"目录", "产品", "目录产品", "精品", "浙江制造", "浙江制造精品", "企业", "项目", "列入", "的"})
#: Asks for money or a waiver (a provision), not for support or priority in general.
ASKS_MONEY = re.compile(r"补贴|补助|补帖|资助|奖励|奖金|减免|免费|贴息|给钱|发钱|拨款|subsid|grant|reward|bonus|cash|money",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Condition:
    """A condition a sentence states, verbatim: a requirement (对…的), a circumstance (同等条件下) or an
    exception (除…外)."""

    text: str
    kind: str  # requirement | circumstance | exception


def condition_of(sentence: str) -> Condition | None:
    """The first condition ``sentence`` states, or None."""
    m = _CONDITION.search(sentence)
    if m is None:
        return None
    text = m.group("c") or m.group("t") or m.group("r") or m.group("w")
    if text:
        return Condition(text, "requirement")
    return Condition(m.group("s"), "circumstance") if m.group("s") else Condition(m.group("x"), "exception")


def stated_in(condition: str, question: str, question_words: Sequence[str], words_of: WordsOf) -> bool:
    """True when the question itself states the condition: over a third of the condition's content
    words (canonical forms: 省里 = 省级) are among the question's; for a condition of only generic
    words (除《目录》中没有的产品外), its remaining wording occurs in the question."""
    figures = _COUNTED.findall(condition)
    if figures and not any(unit in _counted_units(question) for _, unit in figures):
        return False  # "三个以上品牌" is not stated by a question that names no number of brands
    wanted = {w for w in words_of(condition) if w not in GENERIC and len(w) > 1}
    if not wanted:  # 除《目录》中没有的产品外: its words in order, close together (目录…没有…产品)
        tokens = [t for t in re.split(r"[《》“”，、的中除外]+", condition) if t]
        if len(tokens) > 2 and tokens[-1] in GENERIC:  # 目录里根本没有我们要采购的那类东西: 产品 in other words
            tokens = tokens[:-1]
        return bool(tokens) and re.search(".{0,12}".join(map(re.escape, tokens)), question) is not None
    return len(wanted & set(question_words)) >= 0.35 * len(wanted)


_NEGATION = re.compile(r"不是|并非|并不是|非|不属于|没有|不在")


def denied_in(condition: str, question: str, words_of: WordsOf) -> bool:
    """True when a part of the question says the asker's case is *not* the condition: a negation
    followed by at least two of the condition's own words ("不是政府组织的" against 省级政府层面主办或组织)."""
    wanted = {w for w in words_of(condition) if w not in GENERIC and len(w) > 1}
    for part in re.split(r"[，,。；;？?！!]", question):
        m = _NEGATION.search(part)
        if m and len(wanted & set(words_of(part[m.end():]))) >= 2:
            return True
    return False


def scope_of(sentence: str) -> str:
    """The part of a sentence naming whom it covers (up to the first comma after the scope words)."""
    m = find("public_scope", sentence)
    if m is None:
        return ""
    head = sentence[: m.start()]
    start = max(head.rfind("，"), head.rfind("；"), head.rfind("。")) + 1
    end = sentence.find("，", m.end())
    return sentence[start: end if end > 0 else len(sentence)].strip("，。； ")


def specific(words: Sequence[str]) -> list[str]:
    """The question's words without those every answer shares (目录, 产品 …) and without money words."""
    return [w for w in words if w not in GENERIC and not ASKS_MONEY.fullmatch(w)]


def shared_words(text: str, words: Sequence[str]) -> int:
    """How many of the question's own words (not 目录, 产品 … nor money words) ``text`` contains."""
    folded = text.replace("《", "").replace("》", "")
    return sum(1 for w in set(specific(words)) if len(w) > 1 and w in folded)


def overlap(text: str, words: Sequence[str]) -> int:
    """How much of the question ``text`` repeats: the length of the (multi-character) words it contains."""
    folded = text.replace("《", "").replace("》", "")
    return sum(len(w) for w in set(words) if len(w) > 1 and w in folded)


_CASE_BEFORE_BAN = (re.compile(r"([^，,。；;]{2,30})的[，,]\s*(?:[^，,。；;]{0,6})?(?:不予|不得|不能|不准|不属于|不列入|不再)"),
                    re.compile(r"([^，,。；;]*?)(?:不属于|不予|不列入)"))


def banned_case(sentence: str) -> str:
    """What a banning sentence bans, the part before its ban (已获得补贴的，不得再提出… → 已获得补贴;
    证书复评、换证、扩项不属于首次认证 → 证书复评、换证、扩项; 逾期不予受理 → 逾期); "" when it bans no case."""
    if "prohibition" not in forces(sentence):
        return ""
    return next((m.group(1) for pattern in _CASE_BEFORE_BAN if (m := pattern.search(sentence))), "")


_CASE_BEFORE_DUTY = re.compile(r"([^，,。；;]{2,30})的[，,]\s*(?:[^，,。；;]{0,6}?)(?:须|必须|应当|应)")


def case_duty(clause_text: str, words: Sequence[str]) -> str | None:
    """The sentence of the clause that binds in a case the question names (确需退保的，须将已获得的补贴资金如数
    退回 for "客户想中途退保，补贴还得退吗？"): its case shares two characters' worth of the question's own
    words. None when no duty of the clause is written for such a case."""
    own = specific(words)
    found = [(overlap(m.group(1), own), -i, piece) for i, piece in enumerate(pieces(clause_text))
             if "duty" in forces(piece) and (m := _CASE_BEFORE_DUTY.search(piece))]
    best = max(found, default=None)
    return best[2] if best is not None and best[0] >= 2 else None


_PAST_CASE = re.compile(r"^[^，,]{0,4}(?:已|曾|已经)")
_DONE = re.compile(r"已|曾|拿过|拿到了|获得过|领过|享受过|得到过|批了|获批|\b(already|received|got|have had|were granted)\b",
                   re.IGNORECASE)


def past_case_unsaid(case: str, question: str) -> bool:
    """True when a banned case is something already done (已获得补贴的) and the question does not say the
    asker has done it: "保险费率是4%，能申请保费补贴吗？" is not in the case 已获得补贴."""
    return bool(_PAST_CASE.search(case)) and not _DONE.search(question)


def excluded_case(citation: Citation, lead_in: str) -> str:
    """The case a clause excludes ("" when it excludes none): an item of a list whose lead-in bans (有下列
    情形之一的，不予补偿：) is the case itself; otherwise what a banning sentence of it bans."""
    if "prohibition" in forces(lead_in):
        return citation.text
    return next((case for piece in pieces(citation.text) if (case := banned_case(piece))), "")


_TAKE_PART = re.compile(r"参加|参与|投标|竞标|参投|participat|\bbid|take part|compete", re.IGNORECASE)
_NOT_BEFORE = re.compile(r"(不|不得|不能|不准|禁止|严禁|\bnot|n't|\bno)\s*$", re.IGNORECASE)


def takes_part_in(question: str) -> bool:
    """True when ``question`` asks about taking part (参加/投标/bid), not about keeping someone from it
    ("…不得投标" is not)."""
    return any(not _NOT_BEFORE.search(question[max(0, m.start() - 3): m.start()]) for m in _TAKE_PART.finditer(question))


def other_sector(sentence: str, question: str) -> str:
    """The comma part of ``sentence`` that limits it to a sector (…的首台（套）装备) which the asker's own
    product, named in everyday words (做印染面料的), is not in; "" when the question names no sector of
    its own, names that one, or the sentence names none."""
    own = set(sectors_named(question))
    if not own:
        return ""
    for part in re.split(r"(?<=[，,；;])", sentence):
        named = {sector for word, sector in sector_words() if word in part}
        if named and not named & own:
            return part.strip("，,；;。 ")
    return ""


_NEEDED_FOR = re.compile(r"才能([^，,。；;]{2,24})")
_DONE_WITHOUT = re.compile(r"(?:就能|就可以|也能|也可以|已经能|足以)([^，,。？?；;]{2,12})")


def _bigrams(text: str) -> set[str]:
    return {text[i: i + 2] for i in range(len(text) - 1) if all("\u4e00" <= c <= "\u9fff" for c in text[i: i + 2])}


def necessity_denied(case: str, question: str) -> bool:
    """True when a duty's case is a necessity (必须引用…才能准确或清楚地说明…时) and the asker says it is
    met without it ("用通用国家标准就能描述清楚"): what 才能 is needed for, the question says is done
    (就能/也能 followed by a word of it)."""
    need = _NEEDED_FOR.search(case)
    return need is not None and any(_bigrams(m.group(1)) & _bigrams(need.group(1))
                                    for m in _DONE_WITHOUT.finditer(question))
