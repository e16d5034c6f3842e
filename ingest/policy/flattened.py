"""Recover line structure from flattened text (PDF-to-text output with a whole notice on a few lines).

"…通知如下: 一、重点领域 聚焦… 二、申报要求 ( 一)申报主体 …" is cut back into one line per numbered
clause, a bare heading ("一、重点领域") on its own line, the attachment note and the signature (发文机关,
成文日期) on lines of their own. A marker inside a line opens a clause only when

* it follows a space, a sentence end (。！？) or, for 一、/（一）/第X条, a colon: "包括：1.…；2.…" stays a
  list inside its sentence, "2024年10月18日", "800 万 元", "(2022-2023 年)" and "1.5倍" are no markers;
* it continues the numbering as the parser will read it: 二、 after 一、, （二） after （一） of the
  same parent, 1. as the first child of the open clause.
"""

from __future__ import annotations

import re

from ingest.policy.numbering import Marker, find_marker
from knowledge.text.normalize import to_simplified

_CANDIDATE = re.compile(r"第\s?[零〇一二三四五六七八九十百两\d]+\s?[章节節条條]|[一二三四五六七八九十]{1,3}\s*[、．.]"
                        r"|[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]|\d{1,2}\s*[、．.]|[①-⑳]")
_COLON_OK = ("chapter", "section", "article", "part", "paren_cn")
_ATTACHMENT = re.compile(r"(?:(?<=\s)|(?<=[。！？]))附\s*件\s*[：:]")
_DATE = r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
_SIGNATURE_DATE = re.compile(rf"(?:(?<=\s)|(?<=[。！？]))({_DATE})\s*$")
_ORG = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}(?:委员会|人民政府|政府|办公厅|办公室|厅|局|委|院|中心|协会|小组)$")
_HEAD = re.compile(r"^([^\s，。；：:,;！？、（）()《》“”]{2,20})\s+(?=[\u4e00-\u9fff《“（(])(\S.{9,})$")


class _Sequence:
    """The numbering state the parser's body reader will have: which marker may come next."""

    def __init__(self) -> None:
        self.stack: list[Marker] = []
        self.last: dict[tuple[tuple[tuple[str, int], ...], str], int] = {}
        self.article = 0

    def accept(self, marker: Marker) -> bool:
        """Take ``marker`` if it continues the numbering (same rule as the parser); say whether it did."""
        pending = list(self.stack)
        while pending and pending[-1].rank >= marker.rank:
            pending.pop()
        key = (tuple((m.style, m.value) for m in pending), marker.style)
        if marker.style == "article":
            ok = marker.value == self.article + 1 or self.article == 0
        else:
            previous = self.last.get(key, 0)
            ok = marker.value == previous + 1 or (previous == 0 and marker.value == 1)
        if ok:
            self.stack = [*pending, marker]
            self.last[key] = marker.value
            if marker.style == "article":
                self.article = marker.value
        return ok


def _split_signature(line: str) -> list[str]:
    """``…负责解释。 浙江省经济和信息化厅 2025年3月1日`` → the text, each issuer, the date (if any)."""
    m = _SIGNATURE_DATE.search(line)
    if m and m.start() == 0:
        return [line]
    words = line[: m.start() if m else len(line)].split()
    orgs: list[str] = []
    while words and _ORG.match(to_simplified(words[-1])):
        orgs.insert(0, words.pop())
    if not orgs or (not m and not (words and words[-1][-1] in "。；）)》”")):
        return [line]  # without a date, the issuers must follow the end of a sentence or note
    return [x for x in (" ".join(words), *orgs, m.group(1) if m else "") if x]


def _inline_cuts(line: str, sequence: _Sequence) -> list[int]:
    """Positions in ``line`` where an accepted numbering marker starts (0 when the line starts with one)."""
    cuts: list[int] = []
    for m in _CANDIDATE.finditer(line):
        pos = m.start()
        before = line[:pos].rstrip()
        marker = find_marker(line[pos:])
        if marker is None:
            continue
        if pos > 0:
            gap = len(before) < pos  # whitespace before the marker
            previous = before[-1:] if before else ""
            allowed = gap or previous in "。！？!?" or (previous in "：:" and marker.style in _COLON_OK)
            if not allowed:
                continue
        if sequence.accept(marker):
            cuts.append(pos)
    return cuts


def _with_heading_split(segment: str) -> list[str]:
    """"一、重点领域 聚焦…" → "一、重点领域", "聚焦…": a short bare heading before a space and a body."""
    marker = find_marker(segment)
    if marker is None:
        return [segment]
    m = _HEAD.match(marker.rest)
    if not m:
        return [segment]
    prefix = segment[: len(segment) - len(marker.rest)]
    return [f"{prefix}{m.group(1)}", m.group(2)]


def unflatten(lines: list[str]) -> list[str]:
    """``lines`` with each inline numbering marker, attachment note and signature on a line of its own.

    Lines without inline markers are returned unchanged, so text that already has one clause per
    line reads exactly as before.
    """
    sequence = _Sequence()
    out: list[str] = []
    last = max((i for i, ln in enumerate(lines) if ln.strip()), default=-1)
    for i, line in enumerate(lines):
        pieces = _split_signature(line.strip()) if i == last else [line]
        for piece in pieces:
            attachment = _ATTACHMENT.search(piece)
            text, note = (piece[: attachment.start()], piece[attachment.start():]) if attachment else (piece, "")
            cuts = _inline_cuts(text, sequence)
            if not any(cuts) and not note and len(pieces) == 1:
                out.append(line)
                continue
            bounds = [0, *[c for c in cuts if c > 0], len(text)]
            for a, b in zip(bounds, bounds[1:], strict=False):
                segment = text[a:b].strip()
                if segment:
                    out.extend(_with_heading_split(segment) if a in cuts else [segment])
            if note:
                out.append(note.strip())
    return out
