"""The signature block of an official document: issuing bodies and the date, and the attachment note.

Where it sits:

- at the end: ``…正文  附件：1.…  浙江省经济和信息化厅  2024年3月5日``, sometimes followed by a
  publicity note ``（此件公开发布）`` or, on web pages, by the attachment list printed after the date;
- before an embedded attachment: a 印发通知 signs and dates its short text, then prints ``附件`` and the
  办法 itself (``…  浙江省经济和信息化厅  2024年6月3日  （此件公开发布）  附件  XX管理办法  第一章 …``).

Dates may be written in Chinese numerals with 〇, ○ or 零 for zero (二○二四年三月五日).
"""

from __future__ import annotations

import re

from ingest.policy.numbering import find_marker
from ingest.policy.web_chrome import iso_date, ymd
from knowledge.text.normalize import normalize_whitespace, to_simplified
from knowledge.text.numerals import cn_number

_DATE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
                   r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$")
_ZEROS = str.maketrans({"○": "〇", "◯": "〇", "Ｏ": "〇", "O": "〇", "o": "〇", "０": "0"})
_ORG_SUFFIX = re.compile(r"(委员会|人民政府|政府|办公厅|办公室|厅|局|部|委|署|院|会|中心|银行|公司|集团|协会|小组)$")
ATTACHMENT = re.compile(r"^附\s*件\s*[：:0-9１-９一二三四五六七八九]")
_ATTACHMENT_HEADING = re.compile(r"^附\s*件\s*[0-9１-９一二三四五六七八九]?\s*[：:]?$")  # "附件" alone, then the text
_ATTACHED_TEXT = re.compile(r"^(第[一二三四五六七八九十百]+[章条节]|[一二三四五六七八九十]+\s*[、．.])|^.{80,}$")
_CC = re.compile(r"^(抄送|抄报|主题词|印发|联系人)")
#: "（此件公开发布）" / "（此件主动公开）": a note on publication, neither body text nor a signature.
PUBLICITY = re.compile(r"^[（(]\s*此\s*件[^（）()]{1,12}[)）]$")
_BRACKETED_YEAR = re.compile(r"[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]")


def normal_doc_number(number: str) -> str:
    """A 文号 as usually printed: the year in 〔〕 and no spaces (浙经信技术（2024）102号 → 浙经信技术〔2024〕102号)."""
    return _BRACKETED_YEAR.sub(r"〔\1〕", re.sub(r"\s+", "", number))


def cn_date(text: str) -> str | None:
    """``text`` as YYYY-MM-DD when the whole of it is a date (2024年3月5日, 二○二四年三月五日), else None."""
    m = _DATE.match(text.translate(_ZEROS))
    return ymd(*(cn_number(g) for g in m.groups())) if m else None


def _is_org_line(raw: str) -> bool:
    parts = [p for p in re.split(r"\s{2,}|\u3000+|、", raw.strip()) if p.strip()]
    return bool(parts) and all(len(p) <= 30 and _ORG_SUFFIX.search(to_simplified(p.strip())) for p in parts)


def _split_orgs(raw: str) -> list[str]:
    return [normalize_whitespace(p) for p in re.split(r"\s{2,}|\u3000+|、", raw.strip()) if p.strip()]


def _date_of(line: str) -> str | None:
    date = cn_date(line) or cn_date(line.replace(" ", ""))
    return date or (iso_date(line) if re.fullmatch(r"\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}", line) else None)


def trailer(raw_lines: list[str]) -> tuple[int, list[str], str | None, int]:
    """The signature block and attachment note at the end of ``raw_lines``: (index where the body ends,
    issuer names, issued date, index of the attachment note or -1)."""
    issuers: list[str] = []
    issued_on: str | None = None
    i = len(raw_lines) - 1
    while i >= 0:
        line = normalize_whitespace(raw_lines[i])
        if not line or _CC.match(line) or PUBLICITY.match(line):
            i -= 1
            continue
        date = _date_of(line)
        if date:
            issued_on = issued_on or date
        elif _is_org_line(raw_lines[i]) and not find_marker(line):
            issuers = _split_orgs(raw_lines[i]) + issuers
        else:
            break
        i -= 1
    body_end = i + 1
    attachment = -1
    # The attachment note: a line starting 附件 within the last lines of the body (it may list items).
    for j in range(body_end - 1, max(-1, body_end - 12), -1):
        if ATTACHMENT.match(normalize_whitespace(raw_lines[j])):
            attachment = j
            break
    return body_end, issuers, issued_on, attachment


def tail_attachment(raw_lines: list[str]) -> int:
    """Index of an attachment list printed after the signature and date (web pages do that), or -1."""
    for j in range(len(raw_lines) - 1, max(-1, len(raw_lines) - 16), -1):
        if ATTACHMENT.match(normalize_whitespace(raw_lines[j])):
            if any(len(x.strip()) > 80 for x in raw_lines[j + 1:]):
                return -1
            _, issuers, issued_on, _ = trailer(raw_lines[:j])
            return j if issuers or issued_on else -1
    return -1


def embedded_signature(raw_lines: list[str]) -> tuple[int, int, list[str], str | None] | None:
    """A signature block followed by an attachment printed in full (a 印发通知 and its 办法): (first line of
    the block, first line of the attachment, issuers, date), or None. The block is dated; an
    attachment heading (附件 alone) or the attachment's title follows it, and the text goes on."""
    for k, raw in enumerate(raw_lines):
        date = _date_of(normalize_whitespace(raw))
        if date is None or k + 2 >= len(raw_lines):
            continue
        after = k + 1
        while after < len(raw_lines) and PUBLICITY.match(normalize_whitespace(raw_lines[after])):
            after += 1
        if after >= len(raw_lines) - 1 or not _ATTACHMENT_HEADING.match(normalize_whitespace(raw_lines[after])):
            continue
        if not any(_ATTACHED_TEXT.match(normalize_whitespace(x)) for x in raw_lines[after + 1:]):
            continue  # a list of attachment names after the date (web pages print that), not the text itself
        start = k
        while start > 0 and _is_org_line(raw_lines[start - 1]) and not find_marker(raw_lines[start - 1]):
            start -= 1
        issuers = [org for line in raw_lines[start:k] for org in _split_orgs(line)]
        return start, after, issuers, date
    return None
