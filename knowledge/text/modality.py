"""The force of a policy sentence (duty, prohibition, preference, encouragement, provision, condition),
whom it covers and whether it limits something in time, read with the patterns of ``knowledge/data/modality.txt``.

This is data, not per-question rules: an answer's conclusion combines the question's form with the
force of the sentence that answers it (:mod:`bot.answer.conclusion`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

Force = Literal["duty", "prohibition", "preference", "encouragement", "provision", "condition", "public_scope",
                "time_limit", "ends_standing", "waiver"]
FORCES: tuple[Force, ...] = ("duty", "prohibition", "preference", "encouragement", "provision", "condition",
                             "public_scope", "time_limit", "ends_standing", "waiver")
_PIECE = re.compile(r"[^。；;！!？?]+[。；;！!？?]*")


@lru_cache(maxsize=1)
def _patterns() -> dict[Force, re.Pattern[str]]:
    text = (resources.files("knowledge") / "data" / "modality.txt").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        force, _, pattern = line.partition("\t")
        if force not in FORCES:
            raise ValueError(f"modality.txt: unknown force {force!r}")
        found.setdefault(force, []).append(pattern.strip())
    return {force: re.compile("|".join(f"(?:{p})" for p in pats)) for force, pats in found.items()}  # type: ignore[misc]


def forces(sentence: str) -> frozenset[Force]:
    """Every force ``sentence`` carries."""
    return frozenset(f for f, pattern in _patterns().items() if pattern.search(sentence))


def find(force: Force, text: str) -> re.Match[str] | None:
    """The first wording of ``force`` in ``text``."""
    pattern = _patterns().get(force)
    return pattern.search(text) if pattern else None


def pieces(text: str) -> list[str]:
    """``text`` cut into sentences and semicolon parts (each keeps its closing mark), verbatim."""
    return [m.group(0).strip() for m in _PIECE.finditer(text) if m.group(0).strip()]


def pieces_with(text: str, term: str) -> str:
    """The first sentence (or semicolon part) of ``text`` that contains ``term``; ``text`` when none does."""
    return next((p for p in pieces(text) if term in p), text)
