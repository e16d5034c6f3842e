"""Amounts a question states about the asker's own case, for the criteria of a year's 申报通知:
营收 3000 万, 产品销售收入 1.2 亿元, 研发投入占比 3.5%, 上市销售 3 年, 发明专利 1 件, 在浙江注册, 山区26县.

Only a stated value counts: "营收要达到多少？" states none, and a figure the question only asks
about ("营收2000万够不够？" does state 2000 万). Amounts are returned in 万元, shares in %, years as
years — the units of the fact vocabulary (knowledge/rules/facts.py).
"""

from __future__ import annotations

import re
from typing import Any

from knowledge.text.numerals import cn_number

_NUMBER = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?:点[一二三四五六七八九〇零]+)?)"
_AMOUNT = _NUMBER + r"\s*(亿|千万|百万|万|元)"
_GAP = r"[^，。,；;？?\d]{0,8}?"
_SALES = re.compile(r"(?:产品)?(?:年?销售收入|销售额|年销售|卖了|卖出|销量额)(?:是|为|有|达到?|约|大约|超过)?" + _GAP + _AMOUNT)
_REVENUE = re.compile(r"(?:主营业务收入|主营收入|营业收入|营收|年收入|营业额)(?:是|为|有|达到?|约|大约|超过)?" + _GAP + _AMOUNT)
_SHARE = re.compile(r"研发(?:投入|费用|经费)?(?:大概|大约|约|差不多|将近)?(?:占比|占[^，。,；;？?\d]{0,10}?(?:比例|比重)?)?"
                    r"(?:是|为|有|达到?|约|大约|大概)?\s*"
                    r"(?:(\d+(?:\.\d+)?)\s*[%％]|百分之([一二两三四五六七八九十点〇零\d.]+))")
_EN_SHARE = re.compile(r"R&D[^.,;?]{0,30}?(\d+(?:\.\d+)?)\s*%", re.IGNORECASE)
_YEARS = re.compile(r"(?:上市|投放市场|销售|卖)(?:已经?|了|才|仅|只|刚|刚满|满)?(?:有)?\s*" + r"(\d+|[一二两三四五六七八九十]+)\s*(?:多)?年")
_PATENTS = re.compile(r"发明专利(?:只有|仅有|才|有|拥有|共|一共)?\s*" + _NUMBER + r"\s*(?:件|项|个)")
_EN_MONEY = re.compile(r"(revenue|sales)[^.,;?]{0,20}?(?:of\s*)?(?:RMB|CNY|¥)?\s*(\d+(?:\.\d+)?)\s*(million|billion|"
                       r"ten thousand)", re.IGNORECASE)
_IN_PROVINCE = re.compile(r"(?:在|是)浙江(?:省内|省)?(?:注册|登记)|浙江(?:本地|省内)企业|registered in Zhejiang", re.IGNORECASE)
_OUT_OF_PROVINCE = re.compile(r"(?:外省|省外|不在浙江)(?:注册|企业|公司)?|registered outside Zhejiang", re.IGNORECASE)
_MOUNTAIN = re.compile(r"山区\s*26\s*县|山区二十六县|26个山区县")
# A figure of the rule, not of the asker: 要求销售收入不低于800万元 / 门槛是多少 / 不到2000万 (no exact value).
_RULE_CONTEXT = re.compile(r"要求|需要|须|门槛|标准|至少|规定|条件|不低于|不少于|以上|不到|不足|低于|少于|不超过|未达|required|at least|minimum",
                           re.IGNORECASE)
_UNIT = {"亿": 10_000.0, "千万": 1_000.0, "百万": 100.0, "万": 1.0, "元": 0.0001}
_EN_UNIT = {"million": 100.0, "billion": 100_000.0, "ten thousand": 1.0}


def _value(numeral: str) -> float:
    """12 / 3.5 / 三 / 一点五 as a number (0 when it is none)."""
    numeral = numeral.strip()
    try:
        return float(numeral)
    except ValueError:
        pass
    whole, _, fraction = numeral.partition("点")
    if "千" in whole:  # cn_number reads below 1000: 两千三百 = 2 × 1000 + 三百
        thousands, _, rest = whole.partition("千")
        return (cn_number(thousands) or 1) * 1000 + (cn_number(rest.lstrip("零")) if rest else 0)
    digits = "".join(str(cn_number(c)) for c in fraction if c not in "〇零") if fraction else ""
    zeros = "".join("0" for c in fraction if c in "〇零")
    return float(f"{cn_number(whole) if whole else 0}.{zeros}{digits}" if fraction else cn_number(whole))


def in_wan(numeral: str, unit: str) -> float:
    """An amount written as ``numeral`` ``unit`` (12 万, 1.2 亿, 三千万, 800 元) in 万元."""
    return round(_value(numeral) * _UNIT[unit], 4)


def _amount(match: re.Match[str]) -> float:
    return in_wan(match.group(1), match.group(2))


def _own(text: str, match: re.Match[str] | None) -> re.Match[str] | None:
    """``match`` when it states the asker's own figure, None when it is a figure of the rule."""
    if match is None:
        return None
    around = text[max(0, match.start() - 6): match.end() + 3]
    return None if _RULE_CONTEXT.search(around) else match


def stated_amounts(text: str) -> dict[str, Any]:
    """The amounts, shares, years and location facts ``text`` states (raw values by fact name)."""
    facts: dict[str, Any] = {}
    if (sales := _own(text, _SALES.search(text))) is not None:
        facts["sales_revenue"] = _amount(sales)
    if (revenue := _own(text, _REVENUE.search(text))) is not None:
        facts["main_business_revenue"] = _amount(revenue)
    for english in filter(None, (_own(text, m) for m in _EN_MONEY.finditer(text))):
        name = "sales_revenue" if english.group(1).lower() == "sales" else "main_business_revenue"
        facts.setdefault(name, round(float(english.group(2)) * _EN_UNIT[english.group(3).lower()], 4))
    if (share := _own(text, _SHARE.search(text))) is not None:
        facts["rd_share"] = _value(share.group(1) or share.group(2))
    elif (en_share := _own(text, _EN_SHARE.search(text))) is not None:
        facts["rd_share"] = float(en_share.group(1))
    if (years := _own(text, _YEARS.search(text))) is not None:
        facts["market_years"] = cn_number(years.group(1))
    if (patents := _own(text, _PATENTS.search(text))) is not None:
        facts["invention_patents"] = _value(patents.group(1))
    if _OUT_OF_PROVINCE.search(text):
        facts["registered_in_province"] = False
    elif _IN_PROVINCE.search(text):
        facts["registered_in_province"] = True
    if _MOUNTAIN.search(text):
        facts["mountain_county"] = not re.search(r"(不是|不属于|不在|非)[^，。,；;？?]{0,4}山区", text)
    return facts
