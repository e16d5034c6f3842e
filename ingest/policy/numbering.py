"""Numbering markers of Chinese official documents: recognise them and turn them into clause ids.

Ranks, outermost first: 第X章 · 第X节 · 第X条 · 一、 · （一） · 1、/1. · （1） · ①.
Brackets may be full- or half-width and mixed (``(试行）`` occurs in real documents), digits
full-width (``１．``), with stray spaces (``( 一)``, ``第 三 条``) or traditional (``第一條``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from knowledge.text.numerals import cn_number

_CN = "零〇一二三四五六七八九十百两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True)
class Marker:
    """A numbering marker found at the start of a line."""

    style: str  # chapter | section | article | part | paren_cn | arabic | paren_arabic | circled
    rank: int
    numeral: str  # as written: 三, 二, 2, ②
    value: int  # numeric value, for sequence checks
    rest: str  # the line after the marker


_PATTERNS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("chapter", 1, re.compile(rf"^第\s?([{_CN}]+|\d+)\s?章(?:\s+|(?=\S))(.*)$")),
    ("section", 2, re.compile(rf"^第\s?([{_CN}]+|\d+)\s?[节節](?:\s+|(?=\S))(.*)$")),
    ("article", 3, re.compile(rf"^第\s?([{_CN}]+|\d+)\s?[条條](?:\s+|(?=\S))(.*)$")),
    ("part", 4, re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、，,．.](?!\d)\s*(.*)$")),
    ("paren_cn", 5, re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]\s*[、．.]?\s*(.*)$")),
    ("arabic", 6, re.compile(r"^(\d{1,2})\s*[、．.，](?!\d)\s*(.*)$")),
    ("paren_arabic", 7, re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*[、．.]?\s*(.*)$")),
    ("circled", 8, re.compile(rf"^([{_CIRCLED}])\s*(.*)$")),
)


def find_marker(line: str) -> Marker | None:
    """Return the numbering marker at the start of ``line`` (already whitespace-normalised), if any."""
    for style, rank, pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            numeral, rest = m.group(1), m.group(2).strip()
            numeral = unicodedata.normalize("NFKC", numeral)  # full-width digits: １ → 1
            if style == "circled":
                value = _CIRCLED.index(numeral) + 1
            else:
                value = cn_number(numeral)
            if value <= 0:
                continue
            return Marker(style=style, rank=rank, numeral=numeral, value=value, rest=rest)
    return None


def id_token(marker: Marker) -> str:
    """The marker's part of a clause id: 三, (二), 2, (1), ①, 第五条, 第一章."""
    if marker.style == "chapter":
        return f"第{marker.numeral}章"
    if marker.style == "section":
        return f"第{marker.numeral}节"
    if marker.style == "article":
        return f"第{marker.numeral}条"
    if marker.style in ("paren_cn", "paren_arabic"):
        return f"({marker.numeral})"
    return marker.numeral


def label_of(clause_id: str) -> str:
    """Human label of a clause id: half-width brackets become full-width (三(二)2 → 三（二）2)."""
    return clause_id.replace("(", "（").replace(")", "）")


def clause_id_of(token: str, parent_id: str | None, style: str) -> str:
    """Compose a clause id from the marker token and the parent's id.

    Chapters, sections and articles are numbered across the whole document, so their token is the
    id; other markers are numbered within their parent, so the parent's id is their prefix.
    """
    if style in ("chapter", "section", "article") or not parent_id:
        return token
    if re.fullmatch(r"第.+[章节]", parent_id):
        return token
    return f"{parent_id}{token}"


def split_heading(rest: str) -> tuple[str, bool]:
    """Split the text after a marker into (heading, heading_only).

    ``heading_only`` is true when the line is a bare heading (short, no sentence end): its body
    follows on the next lines. Otherwise the heading is a short lead sentence (≤ 40 characters,
    ending in 。) if there is one, else empty.
    """
    if not rest:
        return "", True
    if len(rest) <= 40 and not re.search(r"[。；;！？!?：:]", rest):
        return rest, True
    lead = re.match(r"^([^。；;！？!?]{2,40})。", rest)
    return (lead.group(1), False) if lead else ("", False)
