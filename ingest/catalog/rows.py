"""One catalog row from a staff file: header aliases, value parsing and validation (Chinese messages).

A row becomes a :class:`~knowledge.catalog_models.Product` or a list of problems, each naming the
column in Chinese. Dates are accepted in the common Chinese forms; yes/no as 是/否/Y/N/true/false.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ingest.catalog.credit_code import credit_code_problem
from knowledge.catalog.models import CORE_TECH_LEVELS, Product
from knowledge.text.names import normalise

#: Column name → accepted header spellings (compared after normalisation).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "product_id": ("产品编号", "编号", "产品id", "product_id", "productid", "id"),
    "product_name": ("产品名称", "产品", "名称", "精品名称", "product_name", "product", "name"),
    "enterprise": ("企业名称", "企业", "生产企业", "申报企业", "申报单位", "单位名称", "enterprise", "company",
                   "manufacturer"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "credit_code", "uscc"),
    "region": ("所在地区", "地区", "所在地", "设区市", "所属地区", "region", "city"),
    "sector": ("领域", "所属领域", "行业", "产业领域", "所属行业", "sector", "industry"),
    "batch_year": ("年度", "批次", "批次年度", "公布年度", "年份", "batch_year", "year", "batch"),
    "certified_on": ("认定日期", "认定时间", "公布日期", "certified_on", "certification_date", "certified"),
    "core_tech_level": ("核心技术水平", "技术水平", "core_tech_level", "tech_level"),
    "has_clear_ip": ("明晰自主知识产权", "自主知识产权", "是否具有明晰自主知识产权", "知识产权", "has_clear_ip",
                     "clear_ip", "own_ip"),
    "brand": ("品牌", "商标", "自主品牌", "brand"),
    "description": ("产品简介", "简介", "产品描述", "主要用途", "产品说明", "description"),
    "status": ("状态", "status"),
    "withdrawn_on": ("退出日期", "退出时间", "withdrawn_on", "withdrawal_date"),
    "withdrawal_reason": ("退出原因", "withdrawal_reason", "reason"),
    "source": ("来源", "数据来源", "source"),
}
COLUMN_LABELS: dict[str, str] = {name: aliases[0] for name, aliases in HEADER_ALIASES.items()}
COLUMN_LABELS["product_id"] = "产品编号"
_BY_ALIAS = {normalise(a): name for name, aliases in HEADER_ALIASES.items() for a in aliases}

_TRUE = {"是", "y", "yes", "true", "1", "有", "√", "对"}
_FALSE = {"否", "n", "no", "false", "0", "无", "×", "x", "没有"}
_STATUS = {"active": "active", "有效": "active", "在册": "active", "正常": "active", "在目录": "active",
           "withdrawn": "withdrawn", "已退出": "withdrawn", "退出": "withdrawn", "撤销": "withdrawn",
           "已撤销": "withdrawn", "移出": "withdrawn", "已移出": "withdrawn"}
_TECH_EN = {"internationalleading": "国际领先", "internationaladvanced": "国际先进", "domesticleading": "国内领先",
            "domesticadvanced": "国内先进", "other": "其他", "others": "其他"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,79}$")
MIN_YEAR, MAX_YEAR = 2013, 2099  # the catalog began with 浙经信技术〔2013〕573号


def column_for(header: str) -> str | None:
    """The column a header names (``产品名称`` / ``product_name`` → ``product_name``), or None."""
    return _BY_ALIAS.get(normalise(header))


def parse_date(value: Any) -> str | None:
    """ISO date from 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301 or a spreadsheet date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"无法识别的日期“{text}”，请写作 2024-03-01、2024/3/1 或 2024年3月1日")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise ValueError(f"不存在的日期“{text}”") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


class CatalogRow(BaseModel):
    """A catalog row as read from a file; validation errors are Chinese sentences."""

    model_config = ConfigDict(str_strip_whitespace=True)

    product_id: str = ""
    product_name: str = ""
    enterprise: str = ""
    credit_code: str = ""
    region: str = ""
    sector: str = ""
    batch_year: int | None = None
    certified_on: str | None = None
    core_tech_level: str = ""
    has_clear_ip: bool | None = None
    brand: str = ""
    description: str = ""
    status: str | None = None  # None: not in the file, so a re-import keeps a withdrawal
    withdrawn_on: str | None = None
    withdrawal_reason: str = ""
    source: str = ""

    @field_validator("product_id", "product_name", "enterprise", "credit_code", "region", "sector",
                     "core_tech_level", "brand", "description", "withdrawal_reason", "source", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> str:
        return _text(value)

    @field_validator("product_id")
    @classmethod
    def _id(cls, value: str) -> str:
        if value and not _ID.match(value):
            raise ValueError("产品编号只能由字母、数字、点、下划线和连字符组成（最长 80 位）")
        return value

    @field_validator("credit_code")
    @classmethod
    def _credit_code(cls, value: str) -> str:
        value = value.upper().replace(" ", "")
        problem = credit_code_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("batch_year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        m = re.search(r"(\d{4})", text)
        if not m or not (MIN_YEAR <= int(m[1]) <= MAX_YEAR):
            raise ValueError(f"年度“{text}”无效，应为 {MIN_YEAR} 年以后的四位年份")
        return int(m[1])

    @field_validator("certified_on", "withdrawn_on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> str | None:
        return parse_date(value if not isinstance(value, str) else value.strip())

    @field_validator("core_tech_level")
    @classmethod
    def _tech(cls, value: str) -> str:
        if not value:
            return ""
        level = _TECH_EN.get(normalise(value).replace(" ", ""), value.replace(" ", ""))
        if level not in CORE_TECH_LEVELS:
            raise ValueError(f"核心技术水平“{value}”无效，应为：{'、'.join(CORE_TECH_LEVELS)}")
        return level

    @field_validator("has_clear_ip", mode="before")
    @classmethod
    def _bool(cls, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"“{text}”不是是/否，请填写 是/否、Y/N 或 true/false")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> str | None:
        text = _text(value).lower()
        if not text:
            return None
        if text not in _STATUS:
            raise ValueError(f"状态“{text}”无效，应为 有效/在册 或 已退出")
        return _STATUS[text]

    @model_validator(mode="after")
    def _required(self) -> CatalogRow:
        missing = [COLUMN_LABELS[f] for f in ("product_name", "enterprise") if not getattr(self, f)]
        if missing:
            raise ValueError(f"缺少{'和'.join(missing)}")
        if self.batch_year is None and self.certified_on is None:
            raise ValueError("年度和认定日期至少填写一项")
        return self

    def derived_id(self) -> str:
        """The given product id, or a stable one from enterprise + product name + year."""
        if self.product_id:
            return self.product_id
        year = self.batch_year if self.batch_year is not None else (self.certified_on or "")[:4]
        key = f"{normalise(self.enterprise)}|{normalise(self.product_name)}|{year}"
        return "P" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12].upper()

    def to_product(self, *, source: str, current: Product | None) -> Product:
        """The product this row describes; without a status column, a stored withdrawal is kept."""
        status = self.status or (current.status if current else "active")
        keep = self.status is None and current is not None
        return Product(
            product_id=self.derived_id(), product_name=self.product_name, enterprise=self.enterprise,
            credit_code=self.credit_code, region=self.region, sector=self.sector, batch_year=self.batch_year,
            certified_on=self.certified_on, core_tech_level=self.core_tech_level, has_clear_ip=self.has_clear_ip,
            brand=self.brand, description=self.description, status=status,  # type: ignore[arg-type]
            withdrawn_on=current.withdrawn_on if keep and current else self.withdrawn_on,
            withdrawal_reason=current.withdrawal_reason if keep and current else self.withdrawal_reason,
            source=self.source or source,
        )


def row_problems(exc: ValidationError) -> list[str]:
    """Chinese messages for a row's validation errors, each naming its column."""
    out: list[str] = []
    for error in exc.errors():
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        loc = error.get("loc", ())
        column = COLUMN_LABELS.get(str(loc[0])) if loc else None
        if error.get("type") == "int_parsing":
            message = "应为整数"
        out.append(f"{column}：{message}" if column else message)
    return out
