"""Which documents an answer rests on, said in its text: a short name and year for each, which one
is which when an answer mixes documents, and that a newer notice is not in the KB when asked for one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bot.answer.answer import Point
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation, Document
from knowledge.retrieval.document_prior import document_year

_NEWEST = re.compile(r"今年|本年度|当年|最新|this year|latest|current|newest", re.IGNORECASE)
_TITLE_FRAME = re.compile(r"^关于|的(通知|意见|实施意见|办法|细则)$|（虚构，测试用）$")
STATUS = {"superseded": ("已被替代", "superseded"), "repealed": ("已废止", "repealed"), "expired": ("已失效", "expired")}


def short_name(document: Document, english: bool = False) -> str:
    """The document as an answer names it: its 文号 (which carries the year) or its title, with the
    year when the name lacks it, and its status when it is no longer in force."""
    name = document.doc_number or f"《{_TITLE_FRAME.sub('', document.title).strip() or document.title}》"
    year = document_year(document)
    if year is not None and str(year) not in name:
        name += f" ({year})" if english else f"（{year}年）"
    if document.status in STATUS:
        zh, en = STATUS[document.status]
        name += f" ({en})" if english else f"（{zh}）"
    return name


def _documents(kb: KnowledgeBase, citations: Sequence[Citation]) -> list[Document]:
    seen = dict.fromkeys(c.doc_id for c in citations if c.kind == "clause" and c.doc_id in kb.documents)
    return [kb.documents[d] for d in seen]


def sources_line(kb: KnowledgeBase, citations: Sequence[Citation], english: bool) -> str:
    """``出处：浙经信技术〔2013〕573号`` — every document the answer cites, in citation order."""
    names = [short_name(d, english) for d in _documents(kb, citations)]
    if not names:
        return ""
    return ("Source: " + "; ".join(names)) if english else "出处：" + "；".join(names)


def point_labels(kb: KnowledgeBase, citations: Sequence[Citation], points: Sequence[Point],
                 english: bool) -> list[str]:
    """Each point's label: the clause label, prefixed by its document's name when the answer cites
    more than one document (so a reader can tell the 2013 policy from a 2025 notice)."""
    several = len(_documents(kb, citations)) > 1
    out = []
    for p in points:
        document = kb.documents.get(p.doc_id)
        out.append(f"{short_name(document, english)} {p.label}" if several and document else p.label)
    return out


def newest_note(kb: KnowledgeBase, question: str, citations: Sequence[Citation], english: bool,
                today: dt.date | None = None) -> str:
    """When the question asks for this year's (or the latest) rules and the cited document is a yearly
    one from an earlier year: say which year the KB's newest is."""
    if not _NEWEST.search(question):
        return ""
    documents = _documents(kb, citations[:1])
    if not documents or not documents[0].series:
        return ""
    year = document_year(documents[0])
    this_year = (today or dt.date.today()).year
    if year is None or year >= this_year:
        return ""
    if english:
        return f"Note: the newest document of this kind in the knowledge base is from {year}; none from {this_year} has been added."
    return f"注意：知识库中此类文件最新的是{year}年的，尚未收录{this_year}年的文件。"


#: Below this general rarity a word is everyday Chinese (直接 0.06, 技术 0): it names no case of its own.
EVERYDAY = 0.15


def named_in(kb: KnowledgeBase, doc_id: str, text: str, words: Sequence[str]) -> set[str]:
    """The question's ``words`` that ``text`` (a part of a clause of ``doc_id``) contains, without those
    naming the document itself (its title's and 文号's words: 首台（套）, 保险补偿 of the insurance notice)
    and without everyday words (直接, 技术) that name no case of their own."""
    naming = kb.naming_tokens(doc_id)
    canonical = kb.lexicon.canonicalize(text)
    return {w for w in words if len(w) > 1 and w not in naming and w in canonical
            and kb.lexicon.general_rarity(w) >= EVERYDAY}

