"""Text normalisation shared by parsing, indexing and matching.

Clause text is stored verbatim (only whitespace is normalised); the folded forms here are for
matching and tokenising, never for display or quotes.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_SPACE_RUN = re.compile(r"[ \t\u3000\u00a0]+")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces/tabs (incl. ideographic space) to one space and strip the ends."""
    return _SPACE_RUN.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # OpenCC's own dictionaries, bundled in the wheel: no download

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` with traditional characters written as simplified (製造 → 制造, 目錄 → 目录)."""
    return str(_t2s().convert(text))


def fold(text: str) -> str:
    """Fold full-width forms to half-width (NFKC) and lower-case, for matching only."""
    return unicodedata.normalize("NFKC", text).lower()


def is_cjk(char: str) -> bool:
    """True for a CJK unified ideograph."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def cjk_ratio(text: str) -> float:
    """Share of letters/ideographs in ``text`` that are CJK (0 for empty text)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if is_cjk(c)) / len(letters)


def pack(pieces: list[str], limit: int) -> list[str]:
    """Consecutive pieces joined greedily into chunks of at most ``limit`` characters (a piece
    longer than ``limit`` stays a chunk of its own); order and text are kept exactly."""
    chunks, current = [], ""
    for piece in pieces:
        if current and len(current) + len(piece) > limit:
            chunks.append(current)
            current = ""
        current += piece
    if current:
        chunks.append(current)
    return chunks
