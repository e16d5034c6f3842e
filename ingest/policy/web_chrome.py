"""Web-page chrome in pasted notices: 来源/时间/阅读/发布部门/字号/打印/关闭 … lines and line tails.

Government pages put labelled fields around a notice ("发布时间:2024年10月18日 09:36:00
发布部门:浙江省经济和信息化厅", "文号:…", "阅读:0次") and buttons (【打印】【关闭】, 字号: 大 中 小).
:func:`strip_chrome` removes them from the text; the fields that carry metadata (文号, 发布部门,
发布时间, 成文日期) are kept in a :class:`PageMeta`. Labels are matched on the simplified form of a
line, so traditional pages (來源, 發佈時間, 閱讀) are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.text.normalize import normalize_whitespace, to_simplified

#: Labels that only web pages put at the start of a line or after a space: a label of its own is chrome.
_STRONG = ("来源", "信息来源", "文章来源", "发布时间", "发布日期", "发文日期", "成文日期", "发布部门", "发布机构",
           "发文机关", "发文单位", "阅读", "阅读次数", "阅读数", "浏览次数", "浏览量", "点击数", "点击量", "访问量",
           "字号", "字体", "文号", "发文字号", "索引号", "主题分类", "体裁分类", "组配分类", "当前位置", "您的位置",
           "您当前的位置", "您现在的位置", "信息分类", "公开方式", "有效性")
#: Labels that body text may use too: chrome only beside another label, or with a bare date/number value.
_WEAK = ("时间", "日期", "作者", "编辑", "责任编辑", "浏览", "点击", "主办", "承办", "分享到")
_LABEL = re.compile(r"(?:^|(?<=[\s】\]|丨｜]))[【\[]?(" + "|".join(sorted(_STRONG + _WEAK, key=len, reverse=True))
                    + r")\s*[:：]")
_BUTTONS = re.compile(r"[【\[]?\s*(?:打印本页|打印本文|打印|关闭窗口|关闭本页|关闭|分享|收藏|纠错|我要纠错|返回顶部|返回|"
                      r"大\s*中\s*小|字号|扫一扫在手机打开当前页|扫一扫在手机上查看当前页面)\s*[】\]]?")
_VALUED = ("文号", "发文字号", "发布部门", "发布机构", "发文机关", "发文单位", "成文日期", "发文日期", "发布时间",
           "发布日期", "来源", "信息来源", "阅读", "阅读次数", "浏览次数", "点击数")
_SEPARATORS = re.compile(r"^[>»›/|｜\-—·•\s]+$")
_SITE = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:网|网站|门户网站|政务网)$")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
#: A value only a page prints: a machine date-time (2025-03-01 09:36) or a count (0次); not "2025年4月1日".
_BARE = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?|\d*\s*[次人]?)$")


@dataclass
class PageMeta:
    """Metadata read from a page's labelled fields; empty when the text had none."""

    doc_number: str = ""
    issuers: list[str] = field(default_factory=list)
    written_on: str | None = None  # 成文日期 / 发文日期
    published_on: str | None = None  # 发布时间 / 时间


def ymd(year: int, month: int, day: int) -> str | None:
    """YYYY-MM-DD, or None when month or day is out of range."""
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def iso_date(text: str) -> str | None:
    """The first date in ``text`` (2024年10月18日, 2024-10-18, 2024/10/18, 2024.10.18) as YYYY-MM-DD."""
    m = _DATE.search(text)
    return ymd(*(int(g) for g in m.groups())) if m else None


def _simple(line: str) -> str:
    simple = to_simplified(line)
    return simple if len(simple) == len(line) else line  # positions must still match the original


def _is_buttons(text: str) -> bool:
    return not _BUTTONS.sub("", text).strip(" \t\u3000|丨｜/·")


def _fields(line: str, simple: str) -> tuple[int, list[tuple[str, str]]]:
    """Where the chrome tail of ``line`` starts (-1: none) and its (label, value) fields."""
    matches = list(_LABEL.finditer(simple))
    if not matches:
        return -1, []
    out: list[tuple[str, str]] = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
        value = normalize_whitespace(_BUTTONS.sub(" ", line[m.end():end]).strip(" 】]|丨｜"))
        out.append((m.group(1), value))
    # Body text such as "时间：4月1日至30日" is not chrome: a weak label needs company or a bare value.
    first = matches[0]
    if first.start() > 0 and len(line) - first.start() > 120:
        return -1, []  # chrome tails are short; this is a label inside (flattened) body text
    if any(label in _STRONG for label, _ in out) or len(out) > 1:
        return first.start(), out
    if first.start() == 0 and _BARE.match(out[0][1]):
        return 0, out
    return -1, []


_CRUMB_SEPARATOR = re.compile(r"\s*[>»›＞]\s*")
_LOCATION = ("当前位置", "您的位置", "您当前的位置", "您现在的位置")


def breadcrumb_rest(text: str) -> str | None:
    """For a breadcrumb ("首页 > 政务公开 > 通知公告", perhaps with the page's title as its last link or after
    it): what follows the links ("" when nothing does); None when ``text`` is no breadcrumb."""
    parts = _CRUMB_SEPARATOR.split(text.strip())
    if len(parts) < 3 or any(not p or len(p) > 10 for p in parts[:-1]):
        return None
    last = parts[-1]
    head, _, rest = last.partition(" ")
    if len(last) <= 10:
        return ""
    return rest.strip() if len(head) <= 10 and rest.strip() else last


def _keep(meta: PageMeta, fields: list[tuple[str, str]]) -> None:
    for label, value in fields:
        if label in ("文号", "发文字号") and value and not meta.doc_number:
            meta.doc_number = value.replace(" ", "")
        elif label in ("发布部门", "发布机构", "发文机关", "发文单位") and value and not meta.issuers:
            meta.issuers = [p for p in re.split(r"[\s、,，;；]+", value) if p]
        elif label in ("成文日期", "发文日期"):
            meta.written_on = meta.written_on or iso_date(value)
        elif label in ("发布时间", "发布日期", "时间", "日期"):
            meta.published_on = meta.published_on or iso_date(value)


def strip_chrome(lines: list[str]) -> tuple[list[str], PageMeta]:
    """``lines`` without web-page chrome, and the metadata the chrome carried.

    A line that is only chrome is dropped; a line that ends in chrome (a title followed by
    "来源:… 时间:… 阅读:0次") keeps the part before it. Nothing else of a line is changed.
    """
    meta = PageMeta()
    out: list[str] = []
    first_text = True
    crumbs = False  # after "当前位置：", its links
    pending = ""  # a label whose value HTML put on the next line ("发布时间：" / "2024-10-18")
    for line in lines:
        stripped = line.strip()
        if not stripped:
            out.append(line)
            continue
        simple = _simple(stripped)
        if pending and len(stripped) <= 40 and not re.search(r"[。；，,]", stripped) and not _LABEL.search(simple):
            _keep(meta, [(pending, stripped)])
            pending = ""
            continue
        pending = ""
        # "首页" ">" "通知公告": the links of a breadcrumb that HTML cut into lines
        if _SEPARATORS.match(stripped) or (crumbs and len(stripped) <= 8 and not re.search(r"[。；，,：:、]", stripped)):
            continue
        crumbs = False
        if _is_buttons(simple) or (first_text and _SITE.match(simple.replace(" ", ""))):
            continue
        first_text = False
        rest = breadcrumb_rest(stripped)
        if rest is not None:  # the links go; a title printed as the last link or after them stays
            if rest:
                out.append(rest)
            continue
        start, fields = _fields(stripped, simple)
        if start < 0:
            out.append(line)
            continue
        _keep(meta, fields)
        if not fields[-1][1] and fields[-1][0] in _VALUED:
            pending = fields[-1][0]
        crumbs = fields[-1][0] in _LOCATION
        located = breadcrumb_rest(fields[-1][1]) if crumbs else None
        if located:  # "您当前的位置：首页 > 通知公告 > 关于…的通知": the title is the last link
            out.append(located)
            crumbs = False
        head = stripped[:start].rstrip()
        simple_head = _simple(head)
        if head and not _is_buttons(simple_head):
            out.append(head)
    return out, meta
