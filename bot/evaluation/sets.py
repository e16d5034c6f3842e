"""The bundled question sets and how a labelled question is read.

``eval`` / ``holdout`` label the clause that must be cited; ``answers`` / ``answers_holdout`` (written
blind, in users' voices) also label the conclusion and 1–3 key facts that a right answer quotes.
The ``*holdout*`` sets are never tuned on: their misses are not printed. ``answers_holdout2`` (50,
written blind on 2026-12-03 from the clause text alone) was first run after that day's changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

QUESTION_SETS = resources.files("bot.evaluation") / "data"  # shipped in the package: works when installed
QUESTION_SET_NAMES = ("eval", "holdout", "answers", "answers_dev2", "answers_dev3", "answers_dev4", "answers_dev5", "answers_oos_dev", "answers_holdout", "answers_holdout2",
                      "multidoc", "multidoc_dev2", "multidoc_dev3", "multidoc_holdout")
DEFAULT_QUESTIONS = Path(str(QUESTION_SETS / "eval_questions.jsonl"))

# The writers' label for an answer that states what the text says (no yes/no) is "info".
_CONCLUSION_ALIASES = {"info": "informational"}
# Writers label the special parts by their Chinese names; the KB's clause ids are these.
_SPECIAL_IDS = {"标题": "title", "文号": "number", "序言": "preamble", "主送": "addressees", "发文机关": "issuers",
                "附件": "attachment"}


def clause_key(label: str) -> str:
    """A writer's clause label as a clause id: 二（一）3 → 二(一)3, 序言 → preamble."""
    label = label.strip()
    return _SPECIAL_IDS.get(label, label.replace("（", "(").replace("）", ")"))


@dataclass(frozen=True)
class Question:
    """One labelled question (``gold`` empty: out of scope)."""

    qid: str
    question: str
    gold: tuple[str, ...]
    category: str
    lang: str
    conclusion: str | None = None  # yes | no | conditional | not_specified | informational
    key_facts: tuple[str, ...] = ()
    gold_doc: str | None = None  # the document whose clause must come first (multi-document sets)


def question_set(name: str) -> Path:
    """The bundled question set ``name`` (see :data:`QUESTION_SET_NAMES`)."""
    if name not in QUESTION_SET_NAMES:
        raise ValueError(f"没有问题集 {name}（可用：{'、'.join(QUESTION_SET_NAMES)}） / unknown question set")
    return Path(str(QUESTION_SETS / f"{name}_questions.jsonl"))


def is_holdout(path: Path) -> bool:
    """True for a holdout set, whose misses must not be looked at while tuning."""
    return "holdout" in path.name


def load_questions(path: Path | None = None) -> list[Question]:
    """Read a JSONL question set (``id, question, gold`` and optionally ``category|form, lang,
    conclusion, key_facts, gold_doc``)."""
    out = []
    for line in (path or DEFAULT_QUESTIONS).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            conclusion = row.get("conclusion")
            out.append(Question(row["id"], row["question"], tuple(clause_key(g) for g in row["gold"]),
                                row.get("category") or row.get("form") or row.get("voice", ""), row.get("lang", "zh"),
                                _CONCLUSION_ALIASES.get(conclusion, conclusion) if conclusion else None,
                                tuple(row.get("key_facts", ())), row.get("gold_doc") or None))
    return out
