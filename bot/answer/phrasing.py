"""Template text around the quotes: the conclusion word, the layout, the out-of-scope reply.

Templates never carry a number, date or body of their own; those only come from quotes.
"""

from __future__ import annotations

import re

from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation

_ASKS_FIGURE = re.compile(
    r"多少|几(个|年|项|成|倍|万|千|百)|百分之|比例|比率|金额|数额|额度|上限|封顶|具体数"
    r"|how (much|many|long)|what (percentage|proportion|share|rate|amount)|percent|cap\b|maximum",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"\d|[一二两三四五六七八九十百千万]+(年|项|个|元|倍|亿|成)|百分之")
_YES_NO = re.compile(
    r"(吗|么|嘛)[？?！!。\s]*$|能否|可否|是否|能不能|可不可以|会不会|有没有|是不是|要不要|行不行|可以不|算不算"
    r"|^(can|could|may|is|are|do|does|will|must|should|has|have|shall)\b",
    re.IGNORECASE,
)
_NEGATIVE_ASK = re.compile(r"拒绝|排斥|排除|不让|拒之门外|取消|限制|不允许|exclude|refuse|reject|bar\b|deny", re.IGNORECASE)
_FORBIDS = re.compile(r"不得|禁止|不能|不予|须允许|必须有一个")
_CONDITION = re.compile(r"对[^，。；]{2,60}的|在符合条件|同等条件下|如[果若]?[^，。；]{1,40}的|除[^，。；]{1,30}外|按照|按相关|自认定之日起")
_POSITIVE = re.compile(r"优先|支持|鼓励|给予|允许|可以|须|应|加大|实施|推荐|资助|补贴|保障|减免|视同|必须")

ZH = {
    "no_figure": "文件未作具体规定：相关条款没有给出具体数额或比例，只作原则性规定。",
    "forbidden": "不可以。",
    "conditional": "可以，但须满足条款所列条件。",
    "yes": "可以。",
    "open": "根据文件规定：",
    "points": "要点：",
    "basis": "依据：",
}
EN = {
    "no_figure": "The document does not set a specific figure; the clause states the principle only.",
    "forbidden": "No.",
    "conditional": "Yes, subject to the conditions in the clause.",
    "yes": "Yes.",
    "open": "According to the policy:",
    "points": "Key points:",
    "basis": "Basis (verbatim, in Chinese):",
}


def conclusion(question: str, top_quote: str, english: bool) -> str:
    """The conclusion that opens an answer, chosen from the question's form and the best quote."""
    words = EN if english else ZH
    if _ASKS_FIGURE.search(question) and not _FIGURE.search(top_quote):
        return words["no_figure"]
    if _YES_NO.search(question.strip()):
        if _NEGATIVE_ASK.search(question) and _FORBIDS.search(top_quote):
            return words["forbidden"]
        if _POSITIVE.search(top_quote):
            return words["conditional"] if _CONDITION.search(top_quote) else words["yes"]
    return words["open"]


def source_line(citation: Citation) -> str:
    """``—《title》（文号）`` for a citation's document."""
    number = f"（{citation.doc_number}）" if citation.doc_number else ""
    return f"  —《{citation.doc_title}》{number}"


def render_answer(lead: str, citations: list[Citation], headings: list[str], english: bool,
                  outline: list[str] | None = None) -> str:
    """Conclusion with the main clause label, the points (each cited clause's heading, or its quote
    when it has none), then 依据 with the verbatim quotes and their document."""
    words = EN if english else ZH
    lines = [f"{lead}〔{citations[0].label}〕", words["points"]]
    if outline:
        lines += [f"• {item}" for item in outline]
    else:
        lines += [f"• {heading or c.quote}〔{c.label}〕" for c, heading in zip(citations, headings, strict=True)]
    lines.append(words["basis"])
    for c in citations:
        lines.append(f"〔{c.label}〕“{c.quote}”")
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
