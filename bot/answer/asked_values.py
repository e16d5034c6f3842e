"""What kind of value a how-much / how-long / when question asks for, and whether a sentence states one.

"多少比例？" is answered by a percentage, "最多补多少钱？" by an amount of money, "公示几天？" by a number
of days, "截止到哪天？" by a date, "多久一次？" by a frequency. A sentence that only says 一定比例,
定期 or 年度 where a figure is asked states no such value (文件未作具体规定). With several documents in
the knowledge base, the clause that states the asked value is the one to lead with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE
_N = r"[\d一二两三四五六七八九十百千]"


@dataclass(frozen=True)
class AskedValue:
    """One kind of value: how the question asks for it, and how a sentence states it."""

    name: str
    asked: re.Pattern[str]
    stated: re.Pattern[str]


# Most specific first: a question asking "多少万元" is about money even though 多少 asks any number.
_KINDS: tuple[AskedValue, ...] = (
    AskedValue("contact", re.compile(r"电话|联系方式|联系人|地址|网址|邮箱|在哪(里|儿)?(办|报名|申请|交|开|举办)|去哪(里|儿)?(报名|办|申请)|"
                                     r"phone|address|e-?mail|website|contact", _I),
               re.compile(r"\d{3,4}-\d{7,8}|电话|地址|网址|邮箱|@|https?://|平台|系统")),
    AskedValue("ratio", re.compile(r"比例|百分之几|百分之多少|百分比|几成|多少个?点|费率|占比|多少%|percent|proportion|ratio|\brate\b|share of", _I),
               re.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之[一二三四五六七八九十百]+|[一二三四五六七八九]成")),
    AskedValue("money", re.compile(r"多少钱|多少万|几万|几十万|金额|多少资金|补多少|奖多少|奖励多少|资助多少|给多少|"
                                   r"how much (money|funding|subsidy|is|are|do|does|will|can)|amount|"
                                   r"(营收|营业收入|主营业务收入|销售额|销售收入)[^，。？?]{0,10}(门槛|要求|标准|下限)|"
                                   r"(revenue|turnover|sales)[^?]{0,20}(threshold|minimum|requirement)|"
                                   r"(threshold|minimum)[^?]{0,30}(revenue|turnover|sales)", _I),
               re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿|千)?\s*元|" + _N + r"+\s*(?:万|亿)\s*元")),
    AskedValue("days", re.compile(r"几天|多少天|几个工作日|多少个工作日|多少日|how many (working )?days", _I),
               re.compile(_N + r"+\s*个?\s*(?:工作日|日|天)")),
    AskedValue("validity", re.compile(r"有效期|还(执行|有效|算数)|失效|废止|valid (until|till|through)|still (in force|valid|apply)|expire", _I),
               re.compile(r"有效期|" + _N + r"+\s*年内|自[^，。；]{1,16}起[^，。；]{0,4}" + _N + r"+\s*年|废止|失效")),
    AskedValue("frequency", re.compile(r"多久.{0,3}一次|多长时间.{0,3}一次|每隔多久|几年.{0,3}一次|一年几次|频率|how often", _I),
               re.compile(r"每(?:年|季度|半年|月|两年|三年)|一年一次|" + _N + r"+年一次|年度")),
    AskedValue("start", re.compile(r"从(哪天|哪一天|什么时候|何时|哪年)|起算|开始算|算起|from (when|which date)|start(s|ing)? from", _I),
               re.compile(r"[自从][^，。；]{1,16}(?:之日|起)|[^，。；]{1,12}之日起|起算")),
    AskedValue("deadline", re.compile(r"截止|截至|最迟|最晚|哪天|几号|几月|什么时候(开始|报|交|截止)|何时(开始|截止)|"
                                      r"deadline|by when|what date|which date", _I),
               re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}\s*年\s*\d{1,2}\s*月|[一二三四五六七八九十]+月[一二三四五六七八九十]+日")),
    AskedValue("years", re.compile(r"几年|多少年|多长时间|多久|有效期|how many years|how long", _I),
               re.compile(_N + r"+\s*年(?:内|以上|以内|有效)?|有效期[^，。；]{0,6}" + _N)),
    AskedValue("number", re.compile(r"多少|几(个|项|家|次|名|件)|how many|how much", _I),
               re.compile(r"\d|" + _N + r"+\s*(?:个|项|家|次|名|件|年|元|倍|亿|万)")),
)


_RATIO = next(kind for kind in _KINDS if kind.name == "ratio")
_PAID = re.compile(r"补贴|补助|资助|奖励|补偿|给予")


def asked_value(question: str) -> AskedValue | None:
    """The kind of value ``question`` asks for (the most specific one), or None."""
    return next((kind for kind in _KINDS if kind.asked.search(question)), None)


def states_value(kind: AskedValue, sentence: str) -> bool:
    """True when ``sentence`` states a value of ``kind`` (a figure, not 一定比例 / 定期). An amount of money
    is also stated as a share of a sum ("能补多少？" → 保费补贴比例为实际缴纳保费的80%)."""
    if kind.name == "money" and _RATIO.stated.search(sentence) and _PAID.search(sentence):
        return True  # a share of what is paid out (补贴…保费的80%), not any percentage (年均增长15%)
    return bool(kind.stated.search(sentence))
