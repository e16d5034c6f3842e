"""Records of the 《目录》 catalog: a product row and what a search returns.

A ``Product`` is one row of the system of record (the SQL table). Sample rows (generated, fictional)
carry :data:`SAMPLE_SOURCE` in ``source`` and are shown marked 示例 wherever they appear.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

from knowledge.text.names import without_model_code

ProductStatus = Literal["active", "withdrawn"]

#: Core technology levels in the order of the catalog's assessments (best first).
CORE_TECH_LEVELS: tuple[str, ...] = ("国际领先", "国际先进", "国内领先", "国内先进", "其他")

#: ``source`` of generated sample rows; anything starting with 示例 is sample data.
SAMPLE_SOURCE = "示例数据（程序生成的虚构企业与产品，非官方《目录》）"

#: How many characters of name, sector and description are embedded. The whole row is in the
#: BM25 index; the vector only needs the gist, and embedding time grows with length (24 characters
#: is about 21 e5 tokens, ~14 ms per row on 2 cores, which keeps a 10k-row import under 3 minutes).
EMBED_CHARS = 24

STATUS_LABELS: dict[str, str] = {"active": "在册", "withdrawn": "已退出"}


@dataclass(frozen=True)
class Product:
    """One catalog product. ``batch_year`` or ``certified_on`` is always set (import checks it)."""

    product_id: str
    product_name: str
    enterprise: str
    credit_code: str = ""
    region: str = ""
    sector: str = ""
    batch_year: int | None = None
    certified_on: str | None = None  # ISO date
    core_tech_level: str = ""
    has_clear_ip: bool | None = None
    brand: str = ""
    description: str = ""
    status: ProductStatus = "active"
    withdrawn_on: str | None = None  # ISO date
    withdrawal_reason: str = ""
    source: str = ""

    @property
    def is_sample(self) -> bool:
        """True for generated sample rows, which must never be presented as official."""
        return self.source.startswith("示例")

    @property
    def year(self) -> int | None:
        """The batch year, or the year of certification when no batch year was given."""
        if self.batch_year is not None:
            return self.batch_year
        return int(self.certified_on[:4]) if self.certified_on else None

    @property
    def embedding_text(self) -> str:
        """What the product's vector encodes: name (model code dropped: it means nothing to the model),
        sector, then the start of the description."""
        return f"{without_model_code(self.product_name)}；{self.sector}；{self.description}"[:EMBED_CHARS]

    @property
    def search_text(self) -> str:
        """Everything the lexical index covers: names, enterprise, brand, sector, region, description."""
        return " ".join(
            x for x in (self.product_name, self.enterprise, self.brand, self.sector, self.region, self.description) if x
        )

    @property
    def content_hash(self) -> str:
        """Hash of every field but ``source``: a re-import with the same hash changes nothing."""
        fields = asdict(self)
        fields.pop("source")  # the same row imported from a renamed file is not a change
        payload = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the public ``Product`` shape, plus ``is_sample`` and ``year``."""
        data = asdict(self)
        data["is_sample"] = self.is_sample
        return data

    def record_text(self) -> str:
        """The row as one line of text: what a catalog citation quotes from."""
        parts = [
            f"产品名称：{self.product_name}",
            f"企业名称：{self.enterprise}",
            f"所在地区：{self.region}" if self.region else "",
            f"领域：{self.sector}" if self.sector else "",
            f"年度：{self.batch_year}" if self.batch_year is not None else "",
            f"认定日期：{self.certified_on}" if self.certified_on else "",
            f"核心技术水平：{self.core_tech_level}" if self.core_tech_level else "",
            f"状态：{STATUS_LABELS[self.status]}",
            f"退出日期：{self.withdrawn_on}" if self.withdrawn_on else "",
            f"退出原因：{self.withdrawal_reason}" if self.withdrawal_reason else "",
            f"产品简介：{self.description}" if self.description else "",
            f"来源：{self.source}" if self.source else "",
        ]
        return "；".join(p for p in parts if p)

    def summary_text(self) -> str:
        """Name, enterprise, year and status: the part of :meth:`record_text` a citation quotes."""
        return self.record_text().split("；状态：")[0] + f"；状态：{STATUS_LABELS[self.status]}"


@dataclass(frozen=True)
class CatalogHit:
    """A product found by a search, with how well it matched (higher is better)."""

    product: Product
    score: float
    match: str  # search: "exact" | "fuzzy" | "semantic" | "filter"; mentions: "enterprise" | "name"


@dataclass(frozen=True)
class CatalogPage:
    """One page of search results and the total number of matches."""

    total: int
    hits: list[CatalogHit]
