"""Template text around the quotes: the conclusion word, the layout, the out-of-scope reply.

Templates never carry a number, date or body of their own; those only come from quotes.
"""

from __future__ import annotations

from bot.answer.answer import Point
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation
from knowledge.kb.translations import english_renderings
from knowledge.text.modality import pieces

ZH = {"points": "要点：", "basis": "依据："}
EN = {"points": "Key points:", "basis": "Basis (verbatim, in Chinese):"}
MAX_POINTS = 5


def source_line(citation: Citation) -> str:
    """``—《title》（文号）`` for a citation's document."""
    number = f"（{citation.doc_number}）" if citation.doc_number else ""
    return f"  —《{citation.doc_title}》{number}"


def answer_points(citations: list[Citation]) -> list[Point]:
    """The 要点: each quoted sentence or semicolon part of the cited clauses, in order (at most
    :data:`MAX_POINTS`); the clause headings are not points."""
    points = [Point(piece, c.doc_id, c.clause_id, c.label) for c in citations for piece in pieces(c.quote)]
    return points[:MAX_POINTS]


def render_answer(lead: str, citations: list[Citation], headings: list[str], points: list[Point], english: bool,
                  outline: list[str] | None = None, *, sources: str = "", labels: list[str] | None = None) -> str:
    """Conclusion with the main clause label, the points (for a bare heading, what it comprises), then
    依据: each verbatim quote under its clause heading, with its document. In English answers the
    headings are English and each quote has the document's unofficial English rendering of its clause
    beside it, or a note that the document has none. ``sources`` (the documents cited, named) follows
    the conclusion; ``labels`` replace the points' clause labels (e.g. prefixed by their document)."""
    words = EN if english else ZH
    labels = labels or [p.label for p in points]
    lines = [f"{lead}〔{citations[0].label}〕", *([sources] if sources else []), words["points"]]
    lines += [f"• {item}" for item in outline] if outline else [f"• {p.text}〔{label}〕"
                                                                for p, label in zip(points, labels, strict=True)]
    lines.append(words["basis"])
    for c, heading in zip(citations, headings, strict=True):
        rendering = english_renderings(c.doc_id).get(c.clause_id) if english else None
        heading = rendering.heading if rendering and rendering.heading else heading
        title = f"{heading}{'：' if not english else ': '}" if heading and heading != c.quote else ""
        lines.append(f"〔{c.label}〕{title}“{c.quote}”")
        if english:
            lines.append(f"  English (unofficial rendering of the clause): {rendering.text}" if rendering
                         else "  (No English rendering of this document: the quote is Chinese only.)")
        lines.append(source_line(c))
    return "\n".join(lines)


def out_of_scope_answer(kb: KnowledgeBase, english: bool) -> str:
    """The reply when the KB does not cover a question: says so and names what it can help with."""
    docs = "、".join(
        f"《{d.title}》（{d.doc_number}）" if d.doc_number else f"《{d.title}》" for d in kb.documents.values()
    )
    if english:
        return (
            "This knowledge base does not cover that question, so I cannot answer it without guessing. "
            f"I can answer questions about {docs}: whether a product can be recognised as “浙江制造精品”, "
            "procurement preference for 《目录》 products, the deemed track record, financial awards, "
            "exhibition support, credit and first-set (首台（套）) insurance subsidies."
        )
    return (
        "本知识库未收录与该问题相关的规定，无法作答（不作猜测）。"
        f"我可以解答{docs}的相关问题，例如：“浙江制造精品”的认定、《目录》产品在政府采购和招投标中的优先、"
        "视同业绩、财政奖励、展位费资助、信贷支持和首台（套）保险补贴。"
    )
