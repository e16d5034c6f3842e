"""Document metadata read from the text itself: the series of yearly notices and the documents cited.

* series: "关于组织开展2025年度“浙江制造精品”申报工作的通知" and the 2022 notice of the same
  programme share ``关于组织开展浙江制造精品申报工作的通知`` (year, quotes and spaces removed).
* cites: "根据《关于…的实施意见》（浙经信技术〔2013〕573号）" → the 文号; "按照《…》要求" → the title.
"""

from __future__ import annotations

import re

from knowledge.text.normalize import to_simplified

_Y = r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*(?:[-—–至~]\s*\d{4}\s*)?年度?"
_YEAR = re.compile(rf"[（(]\s*{_Y}版?\s*[)）]|{_Y}")
_QUOTES = re.compile(r"[\s\u3000\"'“”‘’「」『』＂]")
_TRIGGER = re.compile(r"(?:根据|按照|依据|依照|遵照|对照)")
_CITED = re.compile(r"\s*(?:[、,，和及与]|以及)?\s*《([^《》]{2,80})》\s*(?:[（(]\s*([^（）()]{2,40}?号)\s*[)）])?")
_NUMBER = re.compile(r"[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*第?\s*\d+\s*号")


def series_of(title: str) -> str:
    """The series a yearly notice belongs to: its title without the year (2025年度, 2024年, 二〇二四年),
    quotes and spaces, in simplified characters; "" when the title names no year."""
    simple = to_simplified(title)
    if not _YEAR.search(simple):
        return ""
    return _QUOTES.sub("", _YEAR.sub("", simple))


def cites_of(texts: list[str], own_number: str = "") -> tuple[str, ...]:
    """The documents ``texts`` say they are based on (根据/按照/依据《…》), in order of first mention:
    the 文号 given in brackets after the title, else the title; never the document's own 文号.
    Results are in simplified characters, so a traditional page cites the same 文号 as a simplified one."""
    own = re.sub(r"\s", "", to_simplified(own_number))
    found: list[str] = []
    for text in texts:
        simple = to_simplified(text)
        for trigger in _TRIGGER.finditer(simple):
            pos = trigger.end()
            while m := _CITED.match(simple, pos):
                title, number = m.group(1), m.group(2)
                cite = re.sub(r"\s", "", number) if number and _NUMBER.search(number) else title.strip()
                if cite and cite != own and cite not in found:
                    found.append(cite)
                pos = m.end()
    return tuple(found)
