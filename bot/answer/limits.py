"""What the reading of a question allows an answer to conclude, beyond what the clause says.

- An enterprise of another province asking to be recognised: 不可以, on the clause that says 我省 (the
  question is out of scope when no clause does).
- A yes must rest on a sentence about what was asked: the programme's name alone (精品, 目录) ties no
  sentence to the question.
- A question mostly not understood (typos, unknown terms) gets no yes on a guess.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from bot.answer.conclusion import Concluded
from bot.answer.conditions import shared_words
from bot.answer.leads import lead_templates
from knowledge.kb.models import Citation
from knowledge.text.modality import pieces_with

UNSURE_COVERAGE = 0.25  # below this share of known question words, a yes would rest on a guess
#: Words naming the programme itself: every clause is about them, so they tie no answer to the question.
_PROGRAMME_WORD = re.compile(r"浙江制造精品|浙江制造|精品|目录|目录产品|产品|企业|政策|文件|浙江|我省|zhejiang|catalog(ue)?|policy",
                             re.IGNORECASE)


def within_limits(concluded: Concluded, citations: list[Citation], scope: Any, english: bool,
                  home: Callable[[], list[Citation]] | None, words: Sequence[str],
                  canonicalize: Callable[[str], str]) -> tuple[Concluded, list[Citation]] | None:
    """``concluded`` and ``citations`` as the question allows. ``home`` (set for an enterprise of another
    province) gives further clauses to look for 我省 in; None back means: out of scope."""
    if home is not None:
        found = next((c for c in [*citations, *home()] if "我省" in c.text), None)
        if found is None:
            return None
        citations = [found, *(c for c in citations if c.clause_id != found.clause_id)]
        concluded = dataclasses.replace(concluded, kind="no", decisive=pieces_with(found.text, "我省"), support=(),
                                        lead=("No: the policy recognises products of “我省”, Zhejiang province."
                                              if english else "不可以。本文件认定的是“我省”（浙江省）的产品。"))
    if scope.reason == "programme_only" and concluded.kind in ("yes", "conditional", "informational"):
        # the programme is named, but nothing the text says is what is asked of it
        return dataclasses.replace(concluded, kind="not_specified", lead=lead_templates(english)["not_specified"]), citations
    if concluded.kind not in ("yes", "conditional"):
        return concluded, citations
    topic_words = [w for w in words if not _PROGRAMME_WORD.fullmatch(w)]
    if not shared_words(canonicalize(concluded.decisive), topic_words):
        concluded = dataclasses.replace(concluded, kind="informational", lead=lead_templates(english)["open"])
    elif scope.coverage < UNSURE_COVERAGE:
        unknown = "、".join(scope.unknown_words[:5])
        concluded = dataclasses.replace(concluded, kind="informational", lead=(
            f"Some words were not recognised ({unknown}); according to the policy:" if english
            else f"问题中有未能识别的词（{unknown}），请核对用词。根据文件规定："))
    return concluded, citations
