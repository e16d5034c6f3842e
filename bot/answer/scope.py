"""Is a question about what the knowledge base covers? Prompt injections and off-topic asks are not.

The measure is coverage: how much of the question's meaning (its content words, weighted by how
specific they are) the KB's vocabulary accounts for. Words the KB never uses weigh the most, so
"目录产品的增值税税率" is out of scope although 目录产品 alone is in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.text.spelling import asking_words

_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|跳过).{0,8}(之前|以上|上面|上述|前面|先前|所有|全部).{0,8}(指令|指示|提示|要求|规则|设定|内容)"
    r"|系统提示|提示词|system\s*prompt|ignore\s+(all\s+|the\s+|any\s+)?(previous|prior|above|earlier)"
    r"|disregard\s+(all\s+|the\s+)?(previous|prior|above)|jailbreak|越狱|你现在(是|扮演)|扮演一个|pretend\s+(to\s+be|you)"
    r"|act\s+as\s+(a|an)\s|developer\s+mode|开发者模式",
    re.IGNORECASE,
)

#: Provincial-level regions other than Zhejiang: a question about their rules asks about another policy.
OTHER_REGIONS = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "安徽", "福建", "江西",
    "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
    "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "深圳",
    "beijing", "tianjin", "shanghai", "chongqing", "jiangsu", "anhui", "fujian", "shandong", "guangdong",
    "sichuan", "hubei", "hunan", "henan", "shenzhen",
)

_QUESTION_WORD = re.compile(r"[哪怎吗呢啥]|什么|多少|几[个项条种类方年次]")

#: A figure or a relative time the asker states about their case (600, 万, 去年): no topic of its own.
_AMOUNT_OR_TIME = re.compile(r"^(?:[\d.,%]+|[\d.]*[万亿千百元]+|去年|今年|前年|明年|后年|上年|本年|当年|上个月|下个月|这个月|"
                             r"年底|年初|月底|月初|半年|上半年|下半年)$")

#: Below this share of the question's weighted meaning, the KB does not cover the question.
PROGRAMME_WEIGHT = 0.3  # of a word the KB never uses
MIN_COVERAGE = 0.15


@dataclass(frozen=True)
class ScopeVerdict:
    """Whether to answer, and why not when not."""

    in_scope: bool
    coverage: float
    reason: str  # "ok" | "programme_only" | "injection" | "other_region" | "uncovered_topic" | "uncovered" | "empty"
    unknown_words: tuple[str, ...] = ()


@cache
def uncovered_topics() -> frozenset[str]:
    """Subjects a policy question may stray into (taxes, land, weather …), from the package data."""
    text = (resources.files("knowledge") / "data" / "uncovered_topics.txt").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return frozenset(w.lower() for ln in lines for w in ln.split())


def is_injection(question: str) -> bool:
    """True for attempts to override the assistant's instructions."""
    return bool(_INJECTION.search(question))


def assess_scope(kb: KnowledgeBase, question: str) -> ScopeVerdict:
    """Decide whether ``question`` is within what ``kb`` covers."""
    if is_injection(question):
        return ScopeVerdict(False, 0.0, "injection")
    lexicon = kb.lexicon
    folded = lexicon.canonicalize(question)
    if any(region in folded and region not in kb.corpus_text for region in OTHER_REGIONS):
        return ScopeVerdict(False, 0.0, "other_region")
    words = lexicon.words(lexicon.query_text(question))
    unknown_english: list[str] = []
    if lexicon.is_english(question):
        _, unknown_english = lexicon.translate_english(question)
        unknown_english = [w for w in unknown_english if not kb.knows_word(w)]  # OEM is in the text
        words = [w for w in words if not re.fullmatch(r"[a-z0-9'&\-]+", w)]  # English words judged via glossary
    # 哪些方面, 怎么样, 一劳永逸, 要不要: the ask, not the topic (asking words are neither known nor unknown)
    words = [w for w in words if not _QUESTION_WORD.search(w) and w not in asking_words() and not _AMOUNT_OR_TIME.match(w)]
    if not words and not unknown_english:
        return ScopeVerdict(False, 0.0, "empty")
    topics = uncovered_topics()
    foreign = [w for w in [*words, *unknown_english] if w in topics and not kb.knows_word(w)]
    # A topic term the segmenter split (高新技术|企业, 小|巨人) is still named by the question.
    foreign += [t for t in topics if len(t) >= 3 and not t.isascii() and t in folded and not kb.knows_word(t)
                and t not in kb.corpus_text]
    if foreign:
        return ScopeVerdict(False, 0.0, "uncovered_topic", tuple(foreign))
    ceiling = kb.word_weight("\x00")  # weight of a word the KB never uses
    known = sum(kb.word_weight(w) for w in words if kb.knows_word(w))
    # Naming the programme (浙江制造精品) says what the question is about, though every clause repeats the
    # name and so weighs it little: "评浙江制造精品要交些什么资料？" is asked of this KB.
    named = ceiling * PROGRAMME_WEIGHT if any(len(t) >= 3 and t in folded for t in kb.programme_tokens) else 0.0
    unknown = [w for w in words if not kb.knows_word(w)]
    # An unknown everyday word (厂, 便宜) says little about the topic; an unknown rare one (税率) a lot.
    unknown_weight = sum(ceiling * max(0.15, lexicon.general_rarity(w)) for w in unknown)
    unknown_weight += ceiling * 0.6 * len(unknown_english)
    unknown += unknown_english
    total = known + unknown_weight
    coverage = known / total if total else 0.0
    if coverage < MIN_COVERAGE:
        with_name = (known + named) / (total + named)
        if with_name >= MIN_COVERAGE:  # about the programme, on something its text does not take up
            return ScopeVerdict(True, with_name, "programme_only", tuple(unknown))
        return ScopeVerdict(False, coverage, "uncovered", tuple(unknown))
    return ScopeVerdict(True, coverage, "ok", tuple(unknown))
