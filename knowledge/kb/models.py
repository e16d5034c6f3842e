"""Records of the knowledge base: documents, clauses, passages and citations.

All are frozen dataclasses: the read side never mutates what the ingest side built.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from knowledge.text.normalize import index_form, to_simplified

DocStatus = Literal["in_force", "superseded", "repealed", "expired"]

#: Clause ids of the parts every official document may have besides its numbered body.
SPECIAL_PARTS: tuple[str, ...] = ("title", "number", "addressees", "preamble", "attachment", "issuers")

#: Human labels of the special parts, used in answers and footnotes.
SPECIAL_LABELS: dict[str, str] = {
    "title": "标题",
    "number": "文号",
    "addressees": "主送机关",
    "preamble": "序言",
    "attachment": "附件",
    "issuers": "发文机关",
}


@dataclass(frozen=True)
class Document:
    """A policy document as published: identity and provenance, no text."""

    doc_id: str
    title: str
    doc_number: str
    issuers: tuple[str, ...] = ()
    issued_on: str | None = None
    status: DocStatus = "in_force"
    sha256: str = ""
    source: str = ""
    series: str = ""  # e.g. the yearly 浙江制造精品 notices: documents of one series replace each other by year
    cites: tuple[str, ...] = ()  # 文号 or titles of the documents this one is based on (根据《…》（…号）)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (tuples become lists)."""
        data = asdict(self)
        data["issuers"] = list(self.issuers)
        data["cites"] = list(self.cites)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """The inverse of :meth:`to_dict` (unknown keys ignored, so older manifests still load)."""
        known = {f: data[f] for f in cls.__dataclass_fields__ if f in data}
        known["issuers"] = tuple(known.get("issuers", ()))
        known["cites"] = tuple(known.get("cites", ()))
        return cls(**known)


@dataclass(frozen=True)
class Clause:
    """One addressable part of a document; ``text`` is verbatim (whitespace normalised only)."""

    doc_id: str
    clause_id: str
    label: str
    heading: str
    text: str
    parent_id: str | None
    order: int
    kind: str = "item"  # "special" | "part" | "section" | "item" | "subitem" | "chapter" | "article" | "paragraph"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)

    @property
    def key(self) -> tuple[str, str]:
        """(doc_id, clause_id): unique within a KB version."""
        return (self.doc_id, self.clause_id)


@dataclass(frozen=True)
class Passage:
    """A retrieval unit: part of one clause's text with its breadcrumb, pointing back to the clause."""

    passage_id: str
    doc_id: str
    clause_id: str
    text: str  # the clause text slice, verbatim
    context: str  # breadcrumb + heading, prepended for embedding and BM25

    @property
    def indexed_text(self) -> str:
        """The text that is embedded and tokenised: breadcrumb, then the slice, both in simplified
        characters and the slice without extraction spaces (``text`` itself stays verbatim)."""
        text = index_form(self.text)
        return f"{to_simplified(self.context)}\n{text}" if self.context else text


@dataclass(frozen=True)
class Citation:
    """A pointer to a clause with the verbatim part of it that supports an answer.

    ``kind`` is ``clause`` for policy text and ``catalog`` for a 《目录》 row (then ``clause_id`` is the
    product id, ``text`` the row and ``source`` where the row came from, e.g. 示例数据).
    """

    doc_id: str
    doc_title: str
    doc_number: str
    clause_id: str
    label: str
    quote: str
    text: str
    kind: str = "clause"
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict in the public contract's field order."""
        return asdict(self)


@dataclass(frozen=True)
class ScoredClause:
    """A clause returned by retrieval with its fused score and the passages that matched."""

    clause: Clause
    score: float
    dense: float = 0.0  # best cosine similarity of its passages to the question
    sparse: float = 0.0  # best BM25 score of its passages
    passages: tuple[str, ...] = field(default_factory=tuple)
