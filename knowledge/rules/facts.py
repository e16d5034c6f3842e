"""The fact vocabulary the rules are written over (part of the public contract: extend, never rename).

Every fact has a type; enum facts accept their Chinese values and English spellings. Dates may be
given to the day (2025-03-01, 2025/3/1, 2025年3月1日) or only to the month (2025-03, 2025年3月): a
month is kept as the range of its days, and the engine decides only what holds for every day of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from knowledge.catalog.models import CORE_TECH_LEVELS
from knowledge.errors import FactError


@dataclass(frozen=True)
class DateRange:
    """A date known to lie between ``first`` and ``last`` (the same day when known exactly)."""

    first: dt.date
    last: dt.date

    @property
    def exact(self) -> bool:
        """True when the day is known."""
        return self.first == self.last

    def __str__(self) -> str:
        if self.exact:
            return self.first.isoformat()
        if (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31):
            return f"{self.first:%Y}"
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True)
class FactSpec:
    """One named fact: its type, its Chinese label and, for enums, the values and their spellings."""

    name: str
    kind: str  # bool | enum | date | int | str
    label: str
    question: str  # what to ask a user who has not said
    values: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()  # (other spelling, value)


def _enum(name: str, label: str, question: str, values: tuple[str, ...],
          spellings: dict[str, str]) -> FactSpec:
    return FactSpec(name, "enum", label, question, values, tuple(spellings.items()))


FACTS: dict[str, FactSpec] = {spec.name: spec for spec in (
    FactSpec("product_id", "str", "《目录》产品编号", "产品在《目录》中的编号是什么？"),
    FactSpec("in_catalog", "bool", "已列入《目录》", "产品是否已列入《目录》？"),
    _enum("catalog_status", "《目录》状态", "产品在《目录》中的状态是在册还是已退出？", ("active", "withdrawn"),
          {"在册": "active", "有效": "active", "正常": "active", "已退出": "withdrawn", "退出": "withdrawn",
           "撤销": "withdrawn"}),
    FactSpec("certified_on", "date", "认定日期", "产品的认定日期是哪一天（年月日）？"),
    FactSpec("withdrawn_on", "date", "退出日期", "产品退出《目录》的日期是哪一天？"),
    _enum("core_tech_level", "核心技术水平", "产品核心技术水平是国际领先、国际先进、国内领先、国内先进还是其他？",
          CORE_TECH_LEVELS,
          {"international leading": "国际领先", "internationally leading": "国际领先",
           "international advanced": "国际先进", "internationally advanced": "国际先进",
           "domestic leading": "国内领先", "domestically leading": "国内领先", "national leading": "国内领先",
           "domestic advanced": "国内先进", "domestically advanced": "国内先进", "national advanced": "国内先进",
           "other": "其他"}),
    FactSpec("has_clear_ip", "bool", "具有明晰自主知识产权", "产品是否具有明晰的自主知识产权（如发明专利）？"),
    FactSpec("own_brand", "bool", "具有自主品牌", "产品是否使用企业的自主品牌？"),
    FactSpec("sector", "str", "产品所属领域", "产品属于哪个领域（如智能交通、电力、节能环保）？"),
    _enum("buyer_type", "采购单位类型", "采购单位是政府采购单位、国有投资为主的项目建设单位、国有企业还是其他？",
          ("政府采购单位", "国有投资为主的项目建设单位", "国有企业", "其他"),
          {"government purchaser": "政府采购单位", "government procurement unit": "政府采购单位",
           "state-funded project owner": "国有投资为主的项目建设单位",
           "state-invested project owner": "国有投资为主的项目建设单位",
           "state-owned enterprise": "国有企业", "soe": "国有企业", "other": "其他"}),
    _enum("project_funding", "项目资金性质", "项目属于政府采购、政府性投资、政府补助、国有企业投资、公共资源交易还是其他？",
          ("政府采购", "政府性投资", "政府补助", "国有企业投资", "公共资源交易", "其他"),
          {"government procurement": "政府采购", "government investment": "政府性投资",
           "government subsidy": "政府补助", "soe investment": "国有企业投资",
           "state-owned enterprise investment": "国有企业投资", "public resource trading": "公共资源交易",
           "other": "其他"}),
    FactSpec("below_tender_threshold", "bool", "采购金额在规定招标金额标准以下", "采购金额是否在规定的招标金额标准以下？"),
    FactSpec("brands_recommended", "int", "允许推荐的品牌数", "采购允许推荐几个品牌？"),
    FactSpec("catalog_brand_included", "bool", "推荐品牌中含《目录》产品", "推荐的品牌中是否有《目录》产品？"),
    FactSpec("is_first_set_equipment", "bool", "属首台（套）产品", "产品是否为首台（套）装备？"),
    _enum("exhibition_organizer", "展会主办方", "展会是否由省级政府层面主办或组织？", ("省级政府", "其他"),
          {"省政府": "省级政府", "省级政府层面": "省级政府", "provincial government": "省级政府", "other": "其他"}),
    FactSpec("tech_renovation_project", "bool", "为采购《目录》产品的技术改造项目",
             "这是否是采购《目录》产品的技术改造项目？"),
    FactSpec("catalog_has_category", "bool", "《目录》中有该类产品", "《目录》中是否有所采购的这类产品？"),
    FactSpec("must_cite_supplier_standard", "bool", "须引用某一生产供应者的技术标准",
             "是否必须引用某一生产供应者的技术标准才能说明招标项目的技术要求？"),
    FactSpec("region", "str", "所在地区", "企业或项目在哪个市、县（市、区）？"),
)}

_TRUE = {"true", "yes", "y", "1", "是", "有", "对", "已", "已列入", "符合"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有", "不是", "未列入", "不符合"}
_DATE = re.compile(r"^\s*(\d{4})\s*(?:(?:[-/.年])\s*(\d{1,2})\s*(?:(?:[-/.月])\s*(\d{1,2})\s*日?|月)?|年)?\s*$")


def parse_date(value: Any) -> DateRange:
    """A date, a month or a year, from ISO text, 2024/3/1, 2024年3月1日, 2024年3月, 2024年 or a ``date``."""
    if isinstance(value, DateRange):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not 1900 <= value.year <= 2200:
            raise ValueError(f"年份超出范围（1900–2200）：{value}")
        return DateRange(value, value)
    match = _DATE.match(str(value))
    if not match:
        raise ValueError(f"无法识别的日期：{value}")
    year = int(match.group(1))
    if not 1900 <= year <= 2200:
        raise ValueError(f"年份超出范围（1900–2200）：{value}")
    if match.group(2) is None:  # a year alone decides only what holds all year round
        return DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31))
    month = int(match.group(2))
    if match.group(3):
        day = dt.date(year, month, int(match.group(3)))
        return DateRange(day, day)
    last = calendar.monthrange(year, month)[1]
    return DateRange(dt.date(year, month, 1), dt.date(year, month, last))


def _parse(spec: FactSpec, value: Any) -> Any:
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"应为 是/否 (true/false)，收到：{value}")
    if spec.kind == "int":
        if isinstance(value, bool):
            raise ValueError(f"应为整数，收到：{value}")
        number = int(str(value).strip())
        if not 0 <= number <= 1_000_000:
            raise ValueError(f"数值超出范围（0–1000000）：{value}")
        return number
    if spec.kind == "date":
        return parse_date(value)
    text = str(value).strip()
    if spec.kind == "enum":
        if text in spec.values:
            return text
        lowered = {v.lower(): v for v in spec.values}
        spellings = {k.lower(): v for k, v in spec.spellings}
        spelled = lowered.get(text.lower()) or spellings.get(text.lower())
        if spelled:
            return spelled
        raise ValueError(f"应为 {' / '.join(spec.values)} 之一，收到：{value}")
    if not text:
        raise ValueError("不能为空")
    return text


def parse_facts(raw: dict[str, Any]) -> dict[str, Any]:
    """Validated facts: unknown names and bad values raise :class:`FactError` naming the fact.
    ``None`` (or an empty string) means unknown and is dropped."""
    facts: dict[str, Any] = {}
    for name, value in raw.items():
        spec = FACTS.get(name)
        if spec is None:
            raise FactError(f"未知的事实项：{name}（可用：{', '.join(FACTS)}） / unknown fact: {name}")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            facts[name] = _parse(spec, value)
        except (ValueError, TypeError) as exc:
            raise FactError(f"事实项 {name}（{spec.label}）取值无效：{exc} / invalid value for {name}") from exc
    return facts


def show(value: Any) -> Any:
    """A fact value as JSON shows it (dates as text, months as YYYY-MM)."""
    if isinstance(value, DateRange):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
