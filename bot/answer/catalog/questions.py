"""Which catalog question is this: a lookup of named products, or a need to meet from the catalog?

- lookup: the question names an enterprise (full, short or mistyped) or a product, and asks
  whether it is in the catalog — "天喜厨电的集成灶在目录里吗？";
- need: the question asks which catalog products fit a need — "有没有可以替代进口高压变频器的目录产品？";
  the need is what remains after the asking words are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from knowledge.catalog.models import CatalogHit
from knowledge.catalog.search import CatalogSearch
from knowledge.text.lexicon import Lexicon
from knowledge.text.names import CITIES

_LOOKUP = re.compile(
    r"在(不在)?《?目录》?(里|中|内|上)|进(了|入|没进)?《?目录|入选|列入|收录|上榜|名单|是不是.{0,8}精品|是否.{0,8}(精品|目录)"
    r"|\b(is|are)\b.{1,60}\b(in|on) the (catalog|catalogue)\b",
    re.IGNORECASE,
)
_NEED = re.compile(
    r"替代|替换|平替|代替|取代|有没有|有哪些|哪些|哪家|可选|选用|选哪|能买|可以买|可以用|可以采购"
    r"|alternative|substitut|replace|recommend|which|what products|are there|any\b",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(r"替代|替换|平替|代替|取代|alternative|substitut|replace", re.IGNORECASE)
_CATALOG_WORD = re.compile(r"目录|catalog", re.IGNORECASE)
#: "X 在不在目录里": the subject X names something to look up even when the catalog does not hold it.
_SUBJECT = re.compile(
    r"^(?P<subject>[^，,。？?；;]{2,40}?)(?:是否|是不是|有没有|有无|已经|已)?(?:在不在|在|进没进|进了|进入|入选了?|被?列入了?|收录)了?《?目录"
)
#: Words that ask or rule rather than name (能不能不让 列入目录的产品…): such a "subject" is no product name.
_ASKS = re.compile(r"能不能|可不可以|能否|可否|是否|是不是|不让|不准|不得|禁止|拒绝|排斥|排除|必须|一定|要不要|需不需要|"
                   r"怎么|如何|为什么|多久|什么时候")
_NAMES_ENTERPRISE = re.compile(r"公司|集团|厂|企业名称|company|co\.|ltd|group", re.IGNORECASE)
#: Words that ask rather than name the need (compared per jieba word, so 智能 in 智能门锁 survives).
_FILLER_WORDS = frozenset(
    ["浙江制造精品", "目录", "目录产品", "精品", "有没有", "有", "没有", "哪些", "有哪些", "哪家", "哪个", "什么", "可以", "能够", "能", "可", "用来", "用于", "用作", "替代", "替换", "平替", "代替", "取代", "进口", "国外", "外国", "国产", "同类", "类似", "推荐", "采购", "购买", "选用", "选择", "想要", "需要", "要", "想", "我们", "我", "请问", "请", "帮", "帮忙", "帮我", "找", "找找", "一下", "查", "查询", "看看", "哪里", "在", "在不在", "里", "中", "内", "进", "进了", "进入", "入选", "列入", "收录", "上榜", "名单", "的", "了", "吗", "呢", "么", "吧", "啊", "是", "不", "产品", "企业", "厂家", "厂商", "供应商", "单位", "项目", "政府", "国有", "本省", "省内", "浙江", "浙江省", "给", "一些", "一个", "些", "家", "are", "is", "there", "any", "some", "catalog", "catalogue", "product", "products", "alternative", "alternatives", "substitute", "substitutes", "to", "for", "the", "a", "an", "of", "in", "on", "that", "which", "what", "can", "could", "replace", "imported", "import", "do", "does", "you", "have", "list", "listed", "recommend", "please", "find", "me", "we", "our", "us", "buy", "purchase", "procure", "选", "买", "用", "选购"]
)
_TOKEN = re.compile(r"[\w\-]+")
_REGION = re.compile(rf"({'|'.join(CITIES)})(市|地区)?")


@dataclass(frozen=True)
class CatalogQuestion:
    """What a catalog question asks for."""

    kind: Literal["lookup", "need"]
    need: str = ""
    region: str | None = None
    mentions: list[CatalogHit] = field(default_factory=list)
    names_enterprise: bool = False
    strong: bool = True  # False: answer from the policy instead when no product fits


def need_text(question: str, lexicon: Lexicon) -> str:
    """The need in a question, without the asking words: 有没有可以替代进口高压变频器的目录产品 → 高压变频器."""
    text = _REGION.sub("", question)
    kept = [w for w in lexicon.plain_words(text) if _TOKEN.search(w) and w.lower() not in _FILLER_WORDS]
    out = ""
    for word in kept:  # Chinese words join up again; English ones keep their spaces
        spaced = out and word != "-" and out[-1] != "-" and (word.isascii() or out[-1].isascii())
        out += f" {word}" if spaced else word
    return out.strip()


def route_catalog(question: str, catalog: CatalogSearch, *, intent_is_catalog: bool,
                  is_policy_talk: Callable[[str], bool]) -> CatalogQuestion | None:
    """Decide whether ``question`` is a catalog question and of which kind (None: a policy question).

    ``intent_is_catalog`` (alternatives, "which products …") is a strong sign: such a question gets a
    catalog answer even when nothing fits, unless its need is the policy's own words. A weaker sign
    (有没有 … 目录) yields a ``need`` marked not ``strong``, answered from the catalog only when a
    product fits.
    """
    asks_lookup = bool(_LOOKUP.search(question))
    names_enterprise = bool(_NAMES_ENTERPRISE.search(question))
    asks_need = bool(_NEED.search(question)) and bool(_CATALOG_WORD.search(question))
    if not (intent_is_catalog or asks_lookup or asks_need or names_enterprise):
        return None
    region_match = _REGION.search(question)
    region = region_match.group(1) if region_match else None
    need = need_text(question, catalog.lexicon)
    if not _ALTERNATIVE.search(question):
        mentions = catalog.mentions(question)
        by_enterprise = bool(mentions) and mentions[0].match == "enterprise"
        if by_enterprise and (asks_lookup or names_enterprise or asks_need):
            return CatalogQuestion("lookup", need, region, mentions, names_enterprise)
        if mentions and asks_lookup:
            # A named enterprise the catalog does not hold is "not found", not its rivals' products.
            return CatalogQuestion("lookup", need, region, [] if names_enterprise else mentions, names_enterprise)
        subject = _SUBJECT.search(question.strip())
        if subject and not _NEED.search(question) and not _ASKS.search(subject.group("subject")):
            named = need_text(subject.group("subject"), catalog.lexicon)
            # "已经进了目录的产品…": an everyday word (已经) names no product
            names_something = any(catalog.lexicon.general_rarity(w) >= 0.15 for w in catalog.lexicon.words(named))
            if named and names_something and not is_policy_talk(named):
                return CatalogQuestion("lookup", named, region, [], names_enterprise)
    if (intent_is_catalog or asks_need) and need:
        return CatalogQuestion("need", need, region, strong=intent_is_catalog)
    return None
