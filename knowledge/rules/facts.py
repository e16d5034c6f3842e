"""The fact vocabulary the rules are written over (part of the public contract: extend, never rename).

Every fact has a type; enum facts accept their Chinese values and English spellings. Dates may be
given to the day (2025-03-01, 2025/3/1, 2025年3月1日) or only to the month (2025-03, 2025年3月): a
month is kept as the range of its days, and the engine decides only what holds for every day of it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.catalog.models import CORE_TECH_LEVELS
from knowledge.errors import FactError

APPLICATION_CATEGORIES = ("先进制造类", "数字技术融合类", "特色（消费品）类")


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
    kind: str  # bool | enum | date | int | number | str
    label: str
    question: str  # what to ask a user who has not said
    values: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()  # (other spelling, value)
    unit: str = ""  # for int and number facts: 万元, %, 年 …


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
    # What a year's 申报通知 asks of an applicant (its rules file is uploaded by staff).
    FactSpec("registered_in_province", "bool", "在浙江省内注册登记，研发和生产在省内",
             "企业是否在浙江省内注册登记，且研发和生产都在省内？"),
    FactSpec("mountain_county", "bool", "属山区26县企业", "企业是否位于山区26县？"),
    FactSpec("sales_revenue", "number", "上年度销售收入（万元）", "申报产品上年度销售收入是多少万元？", unit="万元"),
    FactSpec("main_business_revenue", "number", "上年度主营业务收入（万元）", "企业上年度主营业务收入（营收）是多少万元？",
             unit="万元"),
    FactSpec("rd_share", "number", "研发投入占比（%）", "企业上年度研发投入占主营业务收入的比例是百分之几？", unit="%"),
    FactSpec("market_years", "number", "产品上市销售年限（年）", "申报产品上市销售已有几年？", unit="年"),
    FactSpec("invention_patents", "number", "与申报产品相关的有效发明专利（项）", "企业拥有与申报产品相关的有效发明专利几项？",
             unit="项"),
    _enum("application_category", "申报类别", "申报类别是先进制造类、数字技术融合类还是特色（消费品）类？",
          APPLICATION_CATEGORIES,
          {"先进制造": "先进制造类", "数字技术融合": "数字技术融合类", "数字融合类": "数字技术融合类",
           "特色(消费品)类": "特色（消费品）类", "特色类": "特色（消费品）类", "消费品类": "特色（消费品）类",
           "特色消费品类": "特色（消费品）类", "advanced manufacturing": "先进制造类",
           "digital integration": "数字技术融合类", "digital technology integration": "数字技术融合类",
           "consumer goods": "特色（消费品）类", "specialty consumer goods": "特色（消费品）类"}),
)}

MOUNTAIN_AREA = "山区26县"  # a ``by_region`` key: the case's region is one of MOUNTAIN_COUNTIES
#: 浙江省山区26县 and the city each belongs to (衢州、丽水 lie wholly in them).
MOUNTAIN_COUNTIES: dict[str, str] = {
    "淳安县": "杭州", "永嘉县": "温州", "平阳县": "温州", "苍南县": "温州", "文成县": "温州", "泰顺县": "温州",
    "武义县": "金华", "磐安县": "金华", "柯城区": "衢州", "衢江区": "衢州", "江山市": "衢州", "常山县": "衢州",
    "开化县": "衢州", "龙游县": "衢州", "三门县": "台州", "天台县": "台州", "仙居县": "台州", "莲都区": "丽水",
    "龙泉市": "丽水", "青田县": "丽水", "云和县": "丽水", "庆元县": "丽水", "缙云县": "丽水", "遂昌县": "丽水",
    "松阳县": "丽水", "景宁畲族自治县": "丽水",
}
_WHOLLY_MOUNTAIN = ("衢州", "丽水")
_ZHEJIANG_CITIES = ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水")


def in_mountain_area(facts: Mapping[str, Any]) -> bool | None:
    """Whether the case is in the 山区26县: the ``mountain_county`` fact when given, else read from
    ``region`` (遂昌县, 丽水市 → yes; 宁波市, 杭州市西湖区 → no; 杭州市 alone → unknown)."""
    stated = facts.get("mountain_county")
    if isinstance(stated, bool):
        return stated
    region = str(facts.get("region") or "").replace("浙江省", "").replace("浙江", "")
    if not region:
        return None
    if "山区" in region:
        return True
    short = {name: name[:2] for name in MOUNTAIN_COUNTIES}
    if any(name in region or short[name] in region for name in MOUNTAIN_COUNTIES) or any(
            city in region for city in _WHOLLY_MOUNTAIN):
        return True
    city = next((c for c in _ZHEJIANG_CITIES if c in region), None)
    if city is None or city not in MOUNTAIN_COUNTIES.values():
        return False if city else None
    rest = region.split(city, 1)[1].removeprefix("市")
    return False if re.search(r"[县区市]", rest) else None

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
    if spec.kind == "number":
        return _number(value)
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


def _number(value: Any) -> int | float:
    """A number such as 2000, 3.5, "3.5%" or "2000万元" (0 to 10⁹; an integral value stays an int)."""
    if isinstance(value, bool):
        raise ValueError(f"应为数字，收到：{value}")
    text = str(value).strip().replace(",", "").replace("，", "")
    for unit in ("万元", "%", "％", "年"):
        text = text.removesuffix(unit).strip()
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"应为数字，收到：{value}") from None
    if not math.isfinite(number) or not 0 <= number <= 1_000_000_000:
        raise ValueError(f"数值超出范围（0–1000000000）：{value}")
    return int(number) if number.is_integer() else number


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
