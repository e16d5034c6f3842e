"""Intent of a question: eligibility, incentive, procurement, catalog, general (or out_of_scope)."""

from __future__ import annotations

import re
from typing import Literal

Intent = Literal["eligibility", "incentive", "procurement", "catalog", "general", "out_of_scope"]

_CATALOG = re.compile(
    r"替代|替换|平替|哪些.{0,12}目录产品|目录产品有哪些|哪些.{0,6}(目录产品|产品|企业|厂家)(可以|能)?(选|用|买|采购)|有没有.{0,12}(目录产品|产品)(可以|能)"
    r"|在(不在)?目录(里|中|内)(吗|么|没有)?|进(了)?目录(了)?没有|目录(里|中)有(没有|哪些)|查(询|一下).{0,8}目录"
    r"|alternatives?\b|substitutes? (for|to)\b|which (catalog(ue)? )?products|is .{1,40} (in|on) the catalog(ue)?\b(?!\s*(valid|for|forever|permanent|after|once|until|when|if))|list of products",
    re.IGNORECASE,
)
_KEYWORDS: dict[str, re.Pattern[str]] = {
    "procurement": re.compile(
        r"采购|招标|投标|业绩|排斥|同等条件|品牌|技术标准|首购首用|订购|招标人|采购单位|建设单位|甲方"
        r"|procure|tender|bid|buyer|purchas|brand|track record",
        re.IGNORECASE,
    ),
    "incentive": re.compile(
        r"奖励|补贴|资助|资金|信贷|金融|保险|保费|展会|参展|展位费|会展|名额|技术改造|优秀新产品|宣传|补助|减免"
        r"|subsid|award|reward|loan|credit|financ|insurance|premium|exhibit|booth|fund",
        re.IGNORECASE,
    ),
    "eligibility": re.compile(
        r"认定|申报|条件|资格|评上|入选|进入目录|列入目录|标准|退出机制|考评|重点领域|qualif|eligib|criteri|certif"
        r"|recogni|apply|withdraw",
        re.IGNORECASE,
    ),
}
_ORDER = ("procurement", "incentive", "eligibility")


def classify_intent(canonical_question: str) -> Intent:
    """Classify an in-scope question from its canonical text (see ``Lexicon.query_text``)."""
    if _CATALOG.search(canonical_question):
        return "catalog"
    counts = {name: len(pattern.findall(canonical_question)) for name, pattern in _KEYWORDS.items()}
    best = max(_ORDER, key=lambda name: (counts[name], -_ORDER.index(name)))
    return best if counts[best] else "general"  # type: ignore[return-value]


def is_catalog_question(canonical_question: str) -> bool:
    """True when the question asks about catalog products (alternatives, lookups) rather than rules."""
    return bool(_CATALOG.search(canonical_question))
