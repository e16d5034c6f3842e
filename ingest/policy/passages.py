"""Cut clauses into retrieval passages: the whole clause plus its sentences, each with a breadcrumb."""

from __future__ import annotations

import re

from knowledge.kb.models import SPECIAL_LABELS, Clause, Passage
from knowledge.text.normalize import pack

#: Words that describe what a special part is, so "文号是什么" finds a clause whose text is "…573号".
SPECIAL_CONTEXT: dict[str, str] = {
    "title": "标题 文件名称 全称 名称 题目",
    "number": "文号 发文字号",
    "addressees": "主送机关 发给 下发",
    "preamble": "序言 目的 背景 依据",
    "attachment": "附件",
    "issuers": "发文机关 印发 联合发文 落款 署名",
}

MAX_PASSAGE = 400
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def breadcrumb_text(clause: Clause, ancestors: list[Clause]) -> str:
    """The headings above a clause and its own label/heading, e.g. ``三 保障措施 > 三（二） 加强政策支撑力度``."""
    if clause.kind == "special":
        return f"{SPECIAL_LABELS.get(clause.clause_id, '')} {SPECIAL_CONTEXT.get(clause.clause_id, '')}".strip()
    parts = [f"{a.label} {a.heading}".strip() for a in ancestors]
    own = clause.label if clause.text.startswith(clause.heading) else f"{clause.label} {clause.heading}"
    return " > ".join([*parts, own.strip()])


def _sentences(text: str) -> list[str]:
    """Sentences of each paragraph; very short ones join the next. Each is a substring of ``text``."""
    out: list[str] = []
    for line in text.split("\n"):
        merged: list[str] = []
        for piece in (p for p in _SENTENCE_END.split(line) if p.strip()):
            if merged and len(merged[-1]) < 12:
                merged[-1] += piece
            else:
                merged.append(piece)
        out.extend(merged)
    return out


def make_passages(clause: Clause, ancestors: list[Clause]) -> list[Passage]:
    """Passages of one clause: the clause (in windows when long), then each sentence when it has several."""
    context = breadcrumb_text(clause, ancestors)
    text = clause.text
    sentences = _sentences(text)
    bodies = [text] if len(text) <= MAX_PASSAGE else pack(sentences, MAX_PASSAGE)
    if len(sentences) > 1:
        bodies += [s for s in sentences if s not in bodies]
    return [
        Passage(f"{clause.doc_id}:{clause.clause_id}:{n}", clause.doc_id, clause.clause_id, body, context)
        for n, body in enumerate(bodies)
    ]
