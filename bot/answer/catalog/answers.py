"""Answers to catalog questions: the products found (or a plain "none"), why inclusion matters, citations.

Products come from the catalog table; every sample row is marked 示例. Withdrawn products are
shown only when someone looks them up by name (with date and reason), never as recommendations.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer.catalog.questions import CatalogQuestion
from bot.answer.phrasing import source_line
from knowledge.catalog.models import STATUS_LABELS, CatalogHit, Product
from knowledge.catalog.search import CatalogFilters, CatalogSearch
from knowledge.kb.models import Citation

MAX_LISTED = 5
CATALOG_DOC_ID = "catalog"
CATALOG_TITLE = "“浙江制造精品”重点推广目录产品（《目录》）"
SAMPLE_NOTE_ZH = "（注：以下为程序生成的示例数据，企业均为虚构，非官方《目录》）"
SAMPLE_NOTE_EN = "(Note: the rows below are generated sample data with fictional enterprises, not the official catalog.)"


@dataclass
class CatalogReply:
    """Text, products and catalog citations of a catalog answer (policy citations are added by the caller)."""

    text: str
    products: list[Product]
    citations: list[Citation]


def catalog_citation(product: Product) -> Citation:
    """A citation of kind ``catalog`` for one row: the quote is the row's name, enterprise, year and status."""
    year = product.year
    label = f"《目录》{year}年·{product.product_id}" if year else f"《目录》·{product.product_id}"
    return Citation(doc_id=CATALOG_DOC_ID, doc_title=CATALOG_TITLE, doc_number="", clause_id=product.product_id,
                    label=label, quote=product.summary_text(), text=product.record_text(), kind="catalog",
                    source=product.source)


def product_line(product: Product, english: bool) -> str:
    """One listed product: name — enterprise｜region｜sector｜year｜status, marked 示例 when sample."""
    parts = [product.enterprise, product.region, product.sector]
    if product.year:
        parts.append(f"{product.year}年批次" if product.batch_year else f"{product.year}年认定")
    status = STATUS_LABELS[product.status]
    if product.status == "withdrawn":
        status += f"（{product.withdrawn_on or '日期未载明'}，原因：{product.withdrawal_reason or '未载明'}）"
    parts.append(f"状态：{status}")
    mark = "【示例】" if product.is_sample else ""
    return f"{mark}{product.product_name} — {'｜'.join(p for p in parts if p)}〔{catalog_citation(product).label}〕"


#: What the policy says about catalog products in procurement, and about the catalog itself. The
#: composer retrieves the clauses that match these from whatever documents the KB holds.
PROCUREMENT_PROBE = "对列入《目录》的产品 政府采购 招标采购 不得排斥 同等条件下优先采购《目录》产品 推荐三个以上品牌 其中必须有一个《目录》中产品"
LOOKUP_PROBE = "《目录》产品的编制 分批公布 实施动态考评 建立退出机制"


def _policy_points(citations: list[Citation], english: bool, *, procurement: bool) -> list[str]:
    if not citations:
        return []
    if procurement:
        head = "Why catalog inclusion matters (policy clauses):" if english else "《目录》产品在采购中的意义："
    else:
        head = "About the catalog (policy clauses):" if english else "关于《目录》的规定："
    lines = [head]
    lines += [f"• 〔{c.label}〕“{c.quote}”" for c in citations]
    lines.append("Basis:" if english else "依据：")
    for c in citations:
        lines.append(f"〔{c.label}〕{source_line(c).strip()}")
    return lines


def _listed(products: list[Product], english: bool) -> list[str]:
    lines = [SAMPLE_NOTE_EN if english else SAMPLE_NOTE_ZH] if any(p.is_sample for p in products) else []
    return lines + [f"{i}. {product_line(p, english)}" for i, p in enumerate(products, 1)]


def answer_need(question: CatalogQuestion, catalog: CatalogSearch, policy: list[Citation],
                english: bool, offset: int = 0) -> CatalogReply:
    """Active catalog products fitting the need (from ``offset`` on, for "有没有别的"), or a plain
    statement that none (or no more) does."""
    filters = CatalogFilters(status="active", region=question.region)
    page = catalog.search(question.need, filters, limit=MAX_LISTED, offset=offset)
    products = [h.product for h in page.hits if h.product.status == "active"]
    if offset and not products:
        lead = (f"No further active catalog product matches “{question.need}”." if english else
                f"《目录》中没有更多与“{question.need}”相符的在册产品了（共 {page.total} 个，均已列出）。")
        return CatalogReply("\n".join([lead, *_policy_points(policy, english, procurement=True)]), [], [])
    if offset:
        lead = (f"More active catalog products matching “{question.need}” (from no. {offset + 1} of {page.total}):"
                if english else f"与“{question.need}”相符的其他在册产品（第 {offset + 1} 个起，共 {page.total} 个）：")
        lines = [lead, *_listed(products, english), *_policy_points(policy, english, procurement=True)]
        return CatalogReply("\n".join(lines), products, [catalog_citation(p) for p in products])
    withdrawn = catalog.search(question.need, CatalogFilters(status="withdrawn", region=question.region), limit=1)
    where = f"{question.region}地区" if question.region else ""
    if products:
        shown = f"，列出前 {len(products)} 个" if page.total > len(products) else ""
        lead = (f"The catalog lists {page.total} active product(s) matching “{question.need}”:" if english else
                f"《目录》中与“{question.need}”相符的{where}在册产品共 {page.total} 个{shown}：")
    else:
        lead = (f"No active catalog product matches “{question.need}”." if english else
                f"《目录》中暂未找到与“{question.need}”相符的{where}在册产品。")
    lines = [lead, *_listed(products, english)]
    if withdrawn.total:
        lines.append(f"{withdrawn.total} matching product(s) have been withdrawn from the catalog and are not recommended."
                     if english else f"另有 {withdrawn.total} 个相符产品已退出《目录》，不作推荐。")
    lines += _policy_points(policy, english, procurement=True)
    return CatalogReply("\n".join(lines), products, [catalog_citation(p) for p in products])


def answer_lookup(question: CatalogQuestion, hits: list[CatalogHit], policy: list[Citation],
                  english: bool) -> CatalogReply:
    """Whether the named enterprise's or product's rows are in the catalog, with year and status."""
    products = [h.product for h in hits][:10]
    if products:
        active = sum(p.status == "active" for p in products)
        if english:
            lead = f"Found {len(products)} catalog product(s) ({active} active):"
        else:
            lead = f"在《目录》中找到 {len(products)} 个相关产品（在册 {active} 个）："
            if active == 0:
                lead = f"在《目录》中找到 {len(products)} 个相关产品，均已退出《目录》："
    else:
        lead = ("No catalog product of that enterprise or with that name was found." if english else
                "《目录》中未找到该企业或该名称的产品（已核对企业全称、简称和相近写法）。")
    lines = [lead, *_listed(products, english), *_policy_points(policy, english, procurement=False)]
    return CatalogReply("\n".join(lines), products, [catalog_citation(p) for p in products])
