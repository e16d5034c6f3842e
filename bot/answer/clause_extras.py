"""What a clause answer adds around its quotes: the outline of a bare heading, the attachment note
that says where a detail lives, and one point per part of a multi-part question."""

from __future__ import annotations

import re

from bot.answer.answer import Point
from bot.answer.form import question_parts
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation, Clause
from knowledge.text.modality import pieces


def outline(kb: KnowledgeBase, citation: Citation) -> list[str]:
    """For a bare heading (e.g. 三 保障措施), the headings of the parts under it: what it comprises."""
    clause = kb.clause(citation.doc_id, citation.clause_id)
    if clause.kind == "special" or clause.text != clause.heading:
        return []
    children = [c for c in kb.clauses_of(clause.doc_id) if c.parent_id == clause.clause_id]
    return [f"{c.heading or c.text[:40]}〔{c.label}〕" for c in children]


def where_detail_lives(kb: KnowledgeBase, citations: list[Citation]) -> list[Citation]:
    """For a detail the text does not give: the document's attachment note (e.g. 认定方案（试行）),
    which names where it lives, when the answer does not cite it yet. The KB holds the note only."""
    doc_id = citations[0].doc_id
    if any(c.clause_id == "attachment" for c in citations):
        return []
    note = next((c for c in kb.clauses_of(doc_id) if c.clause_id == "attachment"), None)
    if note is None:
        return []
    return [whole_clause(kb, note)]


def whole_clause(kb: KnowledgeBase, clause: Clause) -> Citation:
    """A citation of ``clause`` quoting all of it."""
    document = kb.documents[clause.doc_id]
    return Citation(doc_id=clause.doc_id, doc_title=document.title, doc_number=document.doc_number,
                    clause_id=clause.clause_id, label=clause.label, quote=clause.text.strip(), text=clause.text)


def part_points(kb: KnowledgeBase, text: str, citations: list[Citation], points: list[Point]) -> list[Point]:
    """For a multi-part question, the sentence of the cited clauses that best answers each later
    part, when the points do not have it yet: one point per part."""
    extra: list[Point] = []
    for part in question_parts(text)[1:]:
        asked = {w for w in kb.lexicon.words(kb.lexicon.query_text(part)) if len(w) > 1}
        best: tuple[int, str, Citation] | None = None
        for c in citations:
            for piece in pieces(c.text):
                overlap = sum(w in piece for w in asked)
                if overlap and (best is None or overlap > best[0]):
                    best = (overlap, piece, c)
        if best and all(best[1] not in p.text for p in [*points, *extra]):
            extra.append(Point(best[1], best[2].doc_id, best[2].clause_id, best[2].label))
    return extra


def lead_in_of(kb: KnowledgeBase, citation: Citation) -> str:
    """The sentence introducing the list ``citation``'s clause is an item of ("有下列情形之一的，不予补偿："),
    "" when its parent introduces no list."""
    clause = kb.clause(citation.doc_id, citation.clause_id)
    if clause.parent_id is None or not kb.has_clause(citation.doc_id, clause.parent_id):
        return ""
    parent = kb.clause(citation.doc_id, clause.parent_id).text.rstrip()
    return parent.rsplit("。", 1)[-1] if parent.endswith(("：", ":")) else ""


_ALL_MUST_HOLD = re.compile(r"同时(?:满足|具备|符合)|(?:须|应|需)(?:满足|具备|符合)(?:以下|下列)")
#: A heading over conditions every applicant must meet (二（一）基本条件), unlike 分类条件 (one per category).
_BASIC_CONDITIONS = re.compile(r"(?:基本|通用|共同|一般)(?:条件|要求)")


def conditions_with(kb: KnowledgeBase, citation: Citation) -> list[Citation]:
    """``citation`` and, when it is one of a list of conditions that must all hold ("申请保费补贴的装备须同时
    满足以下条件：", or the items under a 基本条件 heading), the other items of that list, in reading order after it."""
    clause = kb.clause(citation.doc_id, citation.clause_id)
    parent = kb.clause(citation.doc_id, clause.parent_id).text if clause.parent_id is not None \
        and kb.has_clause(citation.doc_id, clause.parent_id) else ""
    if not _ALL_MUST_HOLD.search(lead_in_of(kb, citation)) and not _BASIC_CONDITIONS.fullmatch(parent.strip(" 。：:")):
        return [citation]
    return [citation, *[whole_clause(kb, c) for c in kb.clauses_of(citation.doc_id)
                        if c.parent_id == clause.parent_id and c.clause_id != clause.clause_id]]
