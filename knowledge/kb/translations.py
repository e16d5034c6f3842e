"""Unofficial English renderings of bundled documents, clause by clause (data, not generated).

``knowledge/data/translations/<doc_id>.en.jsonl``: a header line with a ``note``, then one line per
clause ``{doc_id, clause_id, heading, text}``. The Chinese text is authoritative; English answers show
a rendering beside the verbatim Chinese quote, and say so when a document has none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Rendering:
    """The English heading and text of one clause."""

    heading: str
    text: str


@lru_cache(maxsize=32)
def english_renderings(doc_id: str) -> dict[str, Rendering]:
    """Clause id → English rendering for ``doc_id`` ({} when the document has none)."""
    source = resources.files("knowledge") / "data" / "translations" / f"{doc_id}.en.jsonl"
    if not source.is_file():
        return {}
    out: dict[str, Rendering] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if "clause_id" in row:
            out[row["clause_id"]] = Rendering(row.get("heading", ""), row.get("text", ""))
    return out
