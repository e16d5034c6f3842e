"""The figures of an evaluation, from one row per question.

In-scope questions (a gold clause) unless said otherwise:
- hit@1: the first cited clause is a gold clause; hit@3: a gold clause is among the first three cited;
  first_clause: the first cited clause is the one the set says must come first. When a question names
  its document (``gold_doc``), a clause only counts in that document; right_document@1: the first
  citation is from that document.
- conclusion_accuracy: the answer's ``conclusion`` is the labelled one, over every labelled question
  (an out-of-scope question labelled not_specified may also be answered out_of_scope; a conditional
  one may be answered needs_info: verdicts that say which facts decide it).
- inversions: a yes (or conditional yes) labelled no, or a no labelled yes/conditional — the worst error.
- key_facts: share of the labelled key facts found verbatim in the answer text.
- out_of_scope_accuracy: share of out-of-scope questions answered ``grounded: false``;
  false_refusals: in-scope questions answered ``grounded: false``.
- median_quote_chars: median length of all quotes shown.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from bot.evaluation.sets import Question

_SPACE = re.compile(r"\s+")
_YES = frozenset({"yes", "conditional"})


@dataclass(frozen=True)
class Row:
    """What one system did with one question."""

    question: Question
    cited: tuple[str, ...]
    grounded: bool
    quote_chars: tuple[int, ...]
    text: str = ""  # what the reader sees (for key facts)
    conclusion: str | None = None  # None: the system states no conclusion (the baselines)
    cited_docs: tuple[str, ...] = ()  # the document of each cited clause (same order as ``cited``)


def conclusion_right(expected: str, got: str | None, out_of_scope: bool) -> bool:
    """True when ``got`` is the labelled conclusion (see module docstring)."""
    if got == expected:
        return True
    if expected == "conditional" and got == "needs_info":  # "yes if …", with the facts still to give
        return True
    return out_of_scope and expected == "not_specified" and got == "out_of_scope"


def inverted(expected: str, got: str | None) -> bool:
    """True when the answer says yes where the label says no, or the other way round."""
    return (expected in _YES and got == "no") or (expected == "no" and got in _YES)


def facts_found(row: Row) -> tuple[int, int]:
    """(found, labelled) key facts of ``row``, compared without white space."""
    text = _SPACE.sub("", row.text)
    facts = row.question.key_facts
    return sum(_SPACE.sub("", f) in text for f in facts), len(facts)


def hits(row: Row) -> tuple[bool, bool, bool]:
    """hit@1, hit@3 and first-clause for an in-scope row."""
    gold, cited, doc = row.question.gold, row.cited, row.question.gold_doc
    if doc is not None:  # a clause of another document with the same label is not a hit
        cited = tuple(c if d == doc else "" for c, d in zip(cited, row.cited_docs, strict=False))
    return (bool(cited) and cited[0] in gold, any(c in gold for c in cited[:3]), bool(cited) and cited[0] == gold[0])


def right_document(row: Row) -> bool:
    """The first citation is from the question's ``gold_doc``."""
    return bool(row.cited_docs) and row.cited_docs[0] == row.question.gold_doc


def _share(count: int, total: int) -> float | None:
    return round(count / total, 3) if total else None


def score(rows: list[Row]) -> dict[str, Any]:
    """The figures of one system over ``rows``."""
    inscope = [r for r in rows if r.question.gold]
    oos = [r for r in rows if not r.question.gold]
    flags = [hits(r) for r in inscope]
    labelled = [r for r in rows if r.question.conclusion and r.conclusion is not None]
    found = [facts_found(r) for r in rows]
    quotes = [n for r in rows for n in r.quote_chars]
    report: dict[str, Any] = {
        "questions": len(rows),
        "in_scope": len(inscope),
        "hit@1": _share(sum(f[0] for f in flags), len(inscope)),
        "hit@3": _share(sum(f[1] for f in flags), len(inscope)),
        "first_clause": _share(sum(f[2] for f in flags), len(inscope)),
        "key_facts": _share(sum(f for f, _ in found), sum(n for _, n in found)),
        "out_of_scope_accuracy": _share(sum(not r.grounded for r in oos), len(oos)),
        "false_refusals": sum(not r.grounded for r in inscope),
        "median_quote_chars": statistics.median(quotes) if quotes else 0,
    }
    with_doc = [r for r in inscope if r.question.gold_doc and r.cited_docs]
    if with_doc:
        report["right_document@1"] = _share(sum(right_document(r) for r in with_doc), len(with_doc))
    if labelled:
        report["conclusion_accuracy"] = _share(
            sum(conclusion_right(r.question.conclusion or "", r.conclusion, not r.question.gold) for r in labelled),
            len(labelled))
        report["inversions"] = sum(inverted(r.question.conclusion or "", r.conclusion) for r in labelled)
    return report


def is_miss(row: Row) -> bool:
    """True when ``row`` is wrong on any figure: refused or not, first clause, conclusion, key facts."""
    q = row.question
    if (not row.grounded) if q.gold else row.grounded:
        return True
    if q.gold and not hits(row)[0]:
        return True
    if q.conclusion and row.conclusion is not None and not conclusion_right(q.conclusion, row.conclusion, not q.gold):
        return True
    found, total = facts_found(row)
    return found < total
