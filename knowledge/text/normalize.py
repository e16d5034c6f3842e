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


_NEAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9，。；：、（）《》“”！？〔〕]")
_UNIT_SPACE = re.compile(r"(?<=\d) (?=[年月日时万亿元个项家倍])")
_PUNCT_SPACE = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff]) +(?=[，。；：、）》”！？])|(?<=[（《“〔]) +|(?<=\d) +(?=〕)"
                          r"|(?<=〕) +(?=\d)|(?<=[》”]) +(?=[（《“，。；：、》”）])")


def despace_cjk(text: str) -> str:
    """``text`` without the spaces PDF extraction puts between Chinese characters ("按 照" → "按照").

    A single space goes when a Chinese character that stands alone (no Chinese neighbour on its
    other side) meets another character, a digit or CJK punctuation across it, so "浙 江 省" and
    "做 好 2024 年" are joined but "委员会 浙江省" (two names) is kept; so do spaces before CJK closing
    punctuation, after opening punctuation, inside 〔 〕 and between a number and its unit
    ("800 万" → "800万"). Only whitespace is removed, never a character.
    """

    def lone(i: int) -> bool:
        return (is_cjk(text[i]) and (i == 0 or not is_cjk(text[i - 1]))
                and (i + 1 >= len(text) or not is_cjk(text[i + 1])))

    drop = {k for k in range(1, len(text) - 1) if text[k] == " " and text[k - 1] != " " != text[k + 1]
            and ((lone(k - 1) and _NEAR.match(text[k + 1])) or (lone(k + 1) and _NEAR.match(text[k - 1])))}
    if drop:
        text = "".join(ch for i, ch in enumerate(text) if i not in drop)
    return _PUNCT_SPACE.sub("", _UNIT_SPACE.sub("", text))


def index_form(text: str) -> str:
    """What is indexed of a clause's text: extraction spaces removed and simplified characters."""
    return to_simplified(despace_cjk(text))


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
