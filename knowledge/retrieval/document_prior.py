"""Which documents a question is about, as a small prior added to the fused clause scores.

With one document in the KB the prior is empty. With several, clauses whose text matches equally
well are told apart by what the question says about the *document*:

- its programme or subject: question words that occur in few documents' titles (首台（套）, 品字标,
  优秀工业新产品, 浙江制造精品 …), weighted by how rare they are among the titles;
- its 文号 (``573号``, ``〔2025〕901号``);
- its year: a question naming a year (2022年度, 22年) prefers documents of that year; "今年 / 最新 / this year" and
  questions naming no year prefer the newest document of a series (the yearly notices) — a series the
  KB holds more than one year of; a lone notice is not "this year's" rather than another programme's;
- its status: superseded, repealed or expired documents only come up when the question names them;
- the base document: a question that names none of the above is about the document the others are
  based on (the one whose 文号 they cite, e.g. 573号 for the yearly notices). "今年" alone names none:
  it picks the newest notice among a series' years, but a buyer's "今年要采购一批设备" is still about
  573号 unless its content is the notice's.

A title word counts by how much of its use in the KB is in that document (首台（套） is the insurance
notice's word; 品牌 is everybody's), so shared vocabulary does not pull a question away. The base
document's own clauses that use the word (573号 三（二）3 and 三（二）7 speak of 首台（套）) get the same
programme prior (:meth:`DocumentPrior.clause_bonus`): naming a programme does not outrank the base
policy's clause on it, the question's other words decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Document

TITLE_WEIGHT = 0.03  # about the gap between neighbouring ranks near the top of the fused list
NUMBER_WEIGHT = 0.05
YEAR_WEIGHT = 0.04
OLDER_PENALTY = 0.04
RETIRED_PENALTY = 0.06
BASE_WEIGHT = 0.03
POINTING_EVIDENCE = 0.4  # title words this much one document's name it (else the base document keeps its prior)

_YEAR = re.compile(r"(20\d{2})\s*(?:年|年度)?")
_SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})\s*年")  # 22年那次, 24年啥时候: a year as people say it
_NUMBER_YEAR = re.compile(r"[〔\[［(（]\s*(20\d{2})\s*[〕\]］)）]")
_SERIAL = re.compile(r"(\d+)\s*号")
#: How a question names a year: 2022年度, 22年, 今年 … (it picks the document, not the clause).
YEAR_WORDS = re.compile(r"(?:20)?\d{2}\s*年度?|今年|本年度|去年|明年")
#: A year the asker's own figures or dates are of ("24年主营收入2600万", "2023年11月出的报告"): content, no document.
_CONTENT_YEAR = re.compile(r"(?:20)?\d{2}\s*年度?\s*(?:\d{1,2}\s*月|的?(?:主营|营收|营业|收入|销售|研发|卖|上市|投放|实现|"
                           r"出的|做的|发布))")
_NEWEST = re.compile(r"今年|本年度|当年|最新|新一年|this year|latest|current|newest", re.IGNORECASE)
_GENERIC_TITLE_WORDS = frozenset({"关于", "通知", "工作", "开展", "组织", "做好", "实施", "意见", "有关", "事项",
                                  "年度", "虚构", "测试", "测试用", "印发", "申报工作"})


def document_year(document: Document) -> int | None:
    """The year a document belongs to: from its 文号, else its title, else its date."""
    found = _NUMBER_YEAR.search(document.doc_number) or _YEAR.search(document.title)
    if found:
        return int(found.group(1))
    if document.issued_on and document.issued_on[:4].isdigit():
        return int(document.issued_on[:4])
    return None


@dataclass(frozen=True)
class _DocFacts:
    doc_id: str
    year: int | None
    series: str
    retired: bool
    serial: str  # the number of the 文号 ("573" of 浙经信技术〔2013〕573号)
    title_words: frozenset[str]


class DocumentPrior:
    """Per question, a score to add to each document's clauses (empty for a one-document KB)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.docs: list[_DocFacts] = []
        for d in kb.documents.values():
            serial = _SERIAL.search(d.doc_number)
            words = frozenset(w for w in kb.lexicon.words(d.title)  # the year is read apart: 24 is not 2024
                              if len(w) > 1 and w not in _GENERIC_TITLE_WORDS and not w.isdigit())
            self.docs.append(_DocFacts(d.doc_id, document_year(d), d.series, d.status != "in_force",
                                       serial.group(1) if serial else "", words))
        self.own_share = self._own_shares(kb)
        self.base = self._base_shares(kb)
        self.base_clauses = {c.key: kb.lexicon.canonicalize(c.text) for doc_id in self.base
                             for c in kb.clauses_of(doc_id) if c.kind != "special"}
        newest: dict[str, int] = {}
        members: dict[str, int] = {}
        for facts in self.docs:
            if facts.series and facts.year is not None:
                newest[facts.series] = max(newest.get(facts.series, facts.year), facts.year)
                members[facts.series] = members.get(facts.series, 0) + 1
        self.newest = newest
        self.yearly = {series for series, count in members.items() if count > 1}  # "今年" chooses among these

    def _own_shares(self, kb: KnowledgeBase) -> dict[tuple[str, str], float]:
        """(doc_id, title word) → the share of the word's occurrences in the KB that are in that document."""
        texts = {d.doc_id: kb.lexicon.canonicalize("\n".join(c.text for c in kb.clauses_of(d.doc_id)))
                 for d in self.docs}
        out: dict[tuple[str, str], float] = {}
        for facts in self.docs:
            for w in facts.title_words:
                counts = {doc_id: text.count(w) for doc_id, text in texts.items()}
                total = sum(counts.values())
                out[(facts.doc_id, w)] = counts[facts.doc_id] / total if total else 0.0
        return out

    def _base_shares(self, kb: KnowledgeBase) -> dict[str, float]:
        """doc_id → the share of the other documents that cite it (by 文号 in their text or cites)."""
        out: dict[str, float] = {}
        others = len(self.docs) - 1
        self.citing: dict[str, set[str]] = {}
        for d in kb.documents.values():
            if not d.doc_number or others < 1:
                continue
            citing = {e.doc_id for e in kb.documents.values() if e.doc_id != d.doc_id and (
                d.doc_number in e.cites or any(d.doc_number in c.text for c in kb.clauses_of(e.doc_id)))}
            if citing:
                out[d.doc_id] = len(citing) / others
                self.citing[d.doc_id] = citing
        return out

    def lexical_question(self, question: str) -> str:
        """The question as the lexical channels should match it: in a KB of several documents, the
        words that name a document's year pick the document (see :meth:`bonus`), not the clause."""
        if len(self.docs) < 2:
            return question
        known = {str(f.year) for f in self.docs if f.year is not None} | {str(f.year)[2:] for f in self.docs if f.year}

        content = [m.span() for m in _CONTENT_YEAR.finditer(question)]  # 24年主营收入: the asker's, kept

        def named(match: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", match.group(0))
            if any(start <= match.start() < end for start, end in content):
                return match.group(0)
            return " " if not digits or digits in known else match.group(0)

        return YEAR_WORDS.sub(named, question)

    def _matched(self, facts: _DocFacts, words: set[str]) -> list[str]:
        return [t for t in facts.title_words if any(w == t or (len(w) > 1 and w in t) for w in words)]

    def _evidence(self, facts: _DocFacts, matched: list[str]) -> float:
        return sum(max(0.0, (self.own_share.get((facts.doc_id, t), 0.0) - 0.5) * 2) for t in matched)

    def clause_bonus(self, question: str) -> dict[tuple[str, str], float]:
        """(doc_id, clause_id) → the programme prior for the base document's own clauses on the
        programme a question names: a notice that cites the base document implements one of its
        clauses (the insurance notice, 573号 三（二）7 on 首台（套）保险补偿), so the title words that
        name the notice name that clause too, and content decides between the two."""
        if len(self.docs) < 2 or not self.base:
            return {}
        lexicon = self.kb.lexicon
        words = set(lexicon.words(lexicon.query_text(question)))  # English: with its glossary terms
        out: dict[tuple[str, str], float] = {}
        for facts in self.docs:
            matched = self._matched(facts, words)
            if not matched or facts.doc_id in self.base:
                continue
            for key, text in self.base_clauses.items():
                if facts.doc_id not in self.citing.get(key[0], ()):
                    continue
                inside = [t for t in matched if t in text]
                evidence = self._evidence(facts, inside)  # its words alone must name the notice (支持 does not)
                score = TITLE_WEIGHT * min(1.0, evidence) if evidence >= POINTING_EVIDENCE else 0.0
                if score > out.get(key, 0.0):
                    out[key] = score
        return {k: v for k, v in out.items() if v}

    def bonus(self, question: str) -> dict[str, float]:
        """doc_id → prior for ``question`` (documents not mentioned get nothing or a penalty)."""
        if len(self.docs) < 2:
            return {}
        lexicon = self.kb.lexicon
        words = set(lexicon.words(lexicon.query_text(question)))  # English: with its glossary terms
        known_years = {f.year for f in self.docs if f.year is not None}
        named_years = _CONTENT_YEAR.sub(" ", question)  # 24年主营收入… is the asker's figure, not a notice's year
        years = {int(y) for y in _YEAR.findall(named_years)} & known_years  # 到2015年 is content, not a document
        years |= {2000 + int(y) for y in _SHORT_YEAR.findall(named_years)} & known_years  # as lexical_question reads it
        serials = set(_SERIAL.findall(question))
        wants_newest = bool(_NEWEST.search(question))
        out: dict[str, float] = {}
        pointed = bool(years or serials)  # "今年" picks among a series, it does not point away from the base
        # A word mostly used by this one document names it; one spread over the KB does not. Each title
        # word the question uses (or a part of one: 保险 of 保险补偿) is evidence in proportion to how
        # much it is this document's own.
        evidence_of = {facts.doc_id: self._evidence(facts, self._matched(facts, words)) for facts in self.docs}
        # "今年品字标专项…": the programme named says which series "今年" is about.
        named_series = {f.series for f in self.docs if f.series and evidence_of[f.doc_id] >= POINTING_EVIDENCE}
        for facts in self.docs:
            evidence = evidence_of[facts.doc_id]
            score = TITLE_WEIGHT * min(1.0, evidence)
            pointed = pointed or evidence >= POINTING_EVIDENCE
            named = bool(facts.serial and facts.serial in serials) or (facts.year is not None and facts.year in years)
            if facts.serial and facts.serial in serials:
                score += NUMBER_WEIGHT
            if years and facts.year is not None:
                score += YEAR_WEIGHT if facts.year in years else -YEAR_WEIGHT / 2
            elif wants_newest and facts.series in self.yearly and facts.year == self.newest[facts.series] \
                    and (not named_series or facts.series in named_series):
                score += YEAR_WEIGHT
            elif facts.series and facts.year is not None and facts.year < self.newest[facts.series]:
                score -= 0.0 if named else OLDER_PENALTY * (1.5 if wants_newest else 1.0)
            if facts.retired and not named:
                score -= RETIRED_PENALTY
            if score:
                out[facts.doc_id] = score
        if not pointed:  # nothing names a document: the base document the others implement
            for doc_id, share in self.base.items():
                out[doc_id] = out.get(doc_id, 0.0) + BASE_WEIGHT * share
        return out
