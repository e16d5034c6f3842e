"""Parse the text of a Chinese policy document into a :class:`Document` and its clause tree.

Layout of an official document (any part may be missing):

    [发文机关标志]  文号  标题(1–3 lines)  主送机关：  序言  正文(numbered)  附件：…  发文机关  成文日期

The body is cut at numbering markers (see :mod:`ingest.policy.numbering`); every special part becomes a
clause of its own so that "文号是什么" or "附件是什么" can be answered and cited.

Messy input is cleaned first: web-page chrome goes into metadata (:mod:`ingest.policy.web_chrome`),
flattened text gets its lines back (:mod:`ingest.policy.flattened`) and extraction spaces between
Chinese characters are removed; series and cited documents come from :mod:`ingest.policy.metadata`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from ingest.errors import EmptyDocumentError, UploadRejectedError
from ingest.policy.flattened import unflatten
from ingest.policy.metadata import cites_of, series_of
from ingest.policy.numbering import Marker, clause_id_of, find_marker, id_token, label_of, split_heading
from ingest.policy.signature import (
    ATTACHMENT,
    PUBLICITY,
    embedded_signature,
    normal_doc_number,
    tail_attachment,
    trailer,
)
from ingest.policy.web_chrome import strip_chrome
from knowledge.kb.models import SPECIAL_LABELS, Clause, Document
from knowledge.text.normalize import despace_cjk, normalize_whitespace
from knowledge.text.numerals import cn_ordinal

_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fa5A-Za-z]{1,20}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d+\s*[号號]$")
_LETTERHEAD = re.compile(r"文件$")
_ADDRESSEES = re.compile(r"^[^。；]{2,150}[：:]$")
_ADDRESSEES_THEN_TEXT = re.compile(r"^([^。；：:]{2,150}[：:])\s+(\S.*)$")  # flattened: "各市经信局： 为…"


@dataclass
class ParseResult:
    """What the parser made of one document: its record, clauses in reading order, and warnings."""

    document: Document
    clauses: list[Clause]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Node:
    clause_id: str
    kind: str
    marker: Marker | None
    heading: str
    paragraphs: list[str]
    parent_id: str | None
    children: list[_Node] = field(default_factory=list)


#: A document id is part of clause URLs and citations: letters, digits, CJK, ``. _ -``; at most 64.
DOC_ID = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._-]{0,63}$")


def doc_id_problem(doc_id: str) -> str:
    """Why ``doc_id`` cannot name a document ("" when it can)."""
    if DOC_ID.match(doc_id):
        return ""
    return (f"文件编号 doc_id 无效：{doc_id[:80]!r}；只能用字母、数字、汉字和 . _ -，不以符号开头，最多 64 字 / "
            "invalid doc_id: letters, digits, CJK and . _ - only, at most 64 characters")


def _slug_from_number(doc_number: str, fallback: str) -> str:
    m = re.search(r"(\d{4})\D+(\d+)", doc_number)
    return f"doc-{m.group(1)}-{m.group(2)}" if m else fallback


def parse_text(text: str, *, doc_id: str | None = None, source: str = "", title: str | None = None,
               doc_number: str | None = None) -> ParseResult:
    """Parse a policy document's text into a document record and its clauses (reading order).

    Explicit ``doc_id``/``title``/``doc_number`` override what is read from the text.
    """
    raw_lines = [ln.rstrip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    raw_lines, page = strip_chrome([ln for ln in raw_lines if ln.strip()])
    raw_lines = [despace_cjk(ln) for ln in unflatten(raw_lines) if ln.strip()]
    if not raw_lines:
        raise EmptyDocumentError("文件没有可识别的文字 / the document has no text")
    warnings: list[str] = []
    raw_lines = [ln for ln in raw_lines if not PUBLICITY.match(normalize_whitespace(ln))]
    # A 印发通知 signs before the 办法 it prints: that signature is the document's, the 办法 its body.
    embedded = embedded_signature(raw_lines)
    note = ""  # the notice's own attachment note (附件：XX办法), kept as the attachment clause
    if embedded is not None:
        start, heading_at, signed_by, signed_on = embedded
        note_at = next((j for j in range(start - 1, max(-1, start - 6), -1)
                        if ATTACHMENT.match(normalize_whitespace(raw_lines[j]))), -1)
        note = normalize_whitespace(raw_lines[note_at]) if note_at >= 0 else ""
        raw_lines = [ln for j, ln in enumerate(raw_lines[:start]) if j != note_at] + raw_lines[heading_at + 1:]
    tail = tail_attachment(raw_lines)
    body_end, issuers, issued_on, attachment_at = trailer(raw_lines[:tail] if tail >= 0 else raw_lines)
    attachment_at, attachment_end = (tail, len(raw_lines)) if tail >= 0 else (attachment_at, body_end)
    if embedded is not None:
        issuers, issued_on = issuers or signed_by, signed_on or issued_on
    issuers = issuers or page.issuers
    issued_on = page.written_on or issued_on or page.published_on
    lines = [despace_cjk(normalize_whitespace(ln)) for ln in raw_lines]

    # Header: everything before the first numbered marker, split into number/title/addressees/preamble.
    first_marker = next((i for i in range(body_end) if find_marker(lines[i])), body_end)
    number_line, addressees = "", ""
    title_lines: list[str] = []
    preamble: list[str] = []
    stage = "title"
    for i in range(first_marker):
        line = lines[i]
        if not number_line and _DOC_NUMBER.match(line):
            number_line = line
        elif stage == "title" and _LETTERHEAD.search(line) and len(line) <= 30 and not title_lines:
            continue  # 发文机关标志 such as "浙江省经济和信息化委员会文件"
        elif stage == "title" and (title_lines or line.startswith("各")) and (split := _ADDRESSEES_THEN_TEXT.match(line)):
            addressees, stage = split.group(1), "preamble"
            preamble.append(split.group(2))
        elif stage == "title" and _ADDRESSEES.match(line):  # a line ending in ： addresses; it is never the title
            addressees, stage = line, "preamble"
        elif stage == "title" and len(line) <= 60 and not re.search(r"[。；]", line):
            title_lines.append(line)
        else:
            stage = "preamble"
            preamble.append(line)

    doc_title = title or "".join(title_lines)
    document_number = normal_doc_number(doc_number or number_line or page.doc_number)
    if not doc_title:
        warnings.append("未识别到标题 / no title found")
    if not document_number:
        warnings.append("未识别到文号 / no document number found")

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    the_id = doc_id or _slug_from_number(document_number, f"doc-{digest[:8]}")
    if doc_id_problem(the_id):
        raise UploadRejectedError(doc_id_problem(the_id))

    clauses: list[Clause] = []

    def add(clause_id: str, heading: str, body: str, parent: str | None, kind: str) -> None:
        label = SPECIAL_LABELS.get(clause_id, label_of(clause_id))
        clauses.append(Clause(the_id, clause_id, label, heading, body or heading, parent, len(clauses), kind))

    if doc_title:
        add("title", doc_title, doc_title, None, "special")
    if number_line or page.doc_number:  # as printed, or as the page's 文号: field gives it
        add("number", number_line or page.doc_number, number_line or page.doc_number, None, "special")
    if addressees:
        add("addressees", "", addressees, None, "special")
    if preamble:
        add("preamble", "", "\n".join(preamble), None, "special")

    body_stop = min(attachment_at, body_end) if attachment_at >= 0 else body_end
    _parse_body(lines[first_marker:body_stop], the_id, clauses, warnings)
    if not any(c.kind != "special" for c in clauses):
        if not preamble:
            raise EmptyDocumentError("未识别到任何条款 / no clauses recognised in the document")
        warnings.append("正文没有编号条款 / the body has no numbered clauses")

    if attachment_at >= 0:
        add("attachment", "", "\n".join(lines[attachment_at:attachment_end]), None, "special")
    elif note:
        add("attachment", "", note, None, "special")
    if issuers:
        add("issuers", "", " ".join(issuers), None, "special")
    elif not any(w.startswith("未识别到发文机关") for w in warnings):
        warnings.append("未识别到发文机关 / no issuing bodies found")

    document = Document(
        doc_id=the_id,
        title=doc_title,
        doc_number=document_number,
        issuers=tuple(issuers),
        issued_on=issued_on,
        sha256=digest,
        source=source,
        series=series_of(doc_title),
        cites=cites_of([c.text for c in clauses if c.clause_id not in ("title", "number")], document_number),
    )
    return ParseResult(document, clauses, warnings)


_KIND = {"chapter": "chapter", "section": "section", "article": "article", "part": "part",
         "paren_cn": "section", "arabic": "item", "paren_arabic": "subitem", "circled": "subitem"}


def _parse_body(lines: list[str], doc_id: str, out: list[Clause], warnings: list[str]) -> None:
    roots: list[_Node] = []
    stack: list[_Node] = []
    last_value: dict[tuple[str | None, str], int] = {}
    last_article = 0

    def expected(parent_id: str | None, style: str, value: int) -> bool:
        if style == "article":
            return value == last_article + 1 or last_article == 0
        previous = last_value.get((parent_id, style), 0)
        return value == previous + 1 or (previous == 0 and value == 1)

    for line in lines:
        marker = find_marker(line)
        if marker is not None:
            # Candidate parent: nearest open node of a smaller rank.
            pending = list(stack)
            while pending and pending[-1].marker is not None and pending[-1].marker.rank >= marker.rank:
                pending.pop()
            parent = pending[-1] if pending else None
            parent_id = parent.clause_id if parent else None
            if expected(parent_id, marker.style, marker.value):
                stack = pending
                if marker.style == "article":
                    last_article = marker.value
                last_value[(parent_id, marker.style)] = marker.value
                token = id_token(marker)
                heading, heading_only = split_heading(marker.rest)
                node = _Node(clause_id_of(token, parent_id, marker.style), _KIND[marker.style], marker,
                             heading, [] if heading_only else [marker.rest], parent_id)
                (parent.children if parent else roots).append(node)
                stack.append(node)
                continue
            warnings.append(f"编号不连续，按正文处理 / out-of-sequence number treated as text: {line[:30]}")
        if stack:
            stack[-1].paragraphs.append(line)
        else:
            warnings.append(f"编号前的文字已忽略 / text before the first number ignored: {line[:30]}")

    def emit(node: _Node) -> None:
        label = label_of(node.clause_id)
        body = "\n".join(node.paragraphs) or node.heading
        out.append(Clause(doc_id, node.clause_id, label, node.heading, body, node.parent_id, len(out), node.kind))
        if node.kind == "article" and len(node.paragraphs) > 1:
            for k, paragraph in enumerate(node.paragraphs, start=1):
                pid = f"{node.clause_id}第{cn_ordinal(k)}款"
                out.append(Clause(doc_id, pid, pid, "", paragraph, node.clause_id, len(out), "paragraph"))
        for child in node.children:
            emit(child)

    for root in roots:
        emit(root)



