"""What the library returns: an :class:`Answer`, typed and immutable until a channel turns it into JSON,
HTML or terminal text.

An answer carries no session state: the conversation keeps its own turns
(:mod:`bot.answer.conversation`). ``catalog_need`` says what a catalog answer searched for, so a
follow-up ("有没有别的产品？") can continue the same search.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.answer.intent import Intent
from knowledge.catalog.models import Product
from knowledge.kb.models import Citation
from knowledge.rules.engine import Verdict
from knowledge.rules.facts import show

Conclusion = Literal["yes", "no", "conditional", "not_specified", "informational", "needs_info", "out_of_scope"]
CONCLUSIONS: tuple[Conclusion, ...] = ("yes", "no", "conditional", "not_specified", "informational", "needs_info",
                                      "out_of_scope")


@dataclass(frozen=True)
class Point:
    """One 要点: a verbatim sentence (or semicolon part) of a cited clause."""

    text: str
    doc_id: str
    clause_id: str
    label: str

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"text": self.text, "doc_id": self.doc_id, "clause_id": self.clause_id, "label": self.label}


@dataclass(frozen=True)
class CatalogNeed:
    """What a catalog answer searched for: the need in the user's words and an optional region."""

    need: str
    region: str | None = None


@dataclass(frozen=True)
class Answer:
    """An answer in the shape of the public contract (``POST /v1/ask``)."""

    answer: str
    intent: Intent
    grounded: bool
    citations: tuple[Citation, ...]
    kb_version: int
    timings_ms: Mapping[str, float]
    products: tuple[Product, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)  # what the asker's case is understood to be
    catalog_need: CatalogNeed | None = None
    conclusion: Conclusion = "informational"  # what the answer's first line concludes
    lead: str = ""  # that first line, without its clause label ("" for verdict and catalog answers)
    points: tuple[Point, ...] = ()  # the 要点 of a clause answer
    composer: Literal["extractive", "llm"] = "extractive"  # which composer wrote the answer text
    sentences_removed: int = 0  # generated sentences removed by verification
    fallback_reason: str = ""  # why a configured LLM was not used for this answer

    def to_dict(self) -> dict[str, Any]:
        """The JSON body of the API response (the same for ``jingpin ask --json``)."""
        return {
            "answer": self.answer,
            "conclusion": self.conclusion,
            "lead": self.lead,
            "points": [p.to_dict() for p in self.points],
            "intent": self.intent,
            "grounded": self.grounded,
            "citations": [c.to_dict() for c in self.citations],
            "products": [p.to_dict() for p in self.products],
            "verdicts": [v.to_dict() for v in self.verdicts],
            "facts": {k: show(v) for k, v in self.facts.items()},
            "composer": self.composer,
            "sentences_removed": self.sentences_removed,
            "kb_version": self.kb_version,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


def timings(retrieve: float, compose: float, total: float) -> dict[str, float]:
    """The ``timings_ms`` of an answer, from seconds."""
    return {"retrieve": retrieve * 1000, "compose": compose * 1000, "total": total * 1000}
