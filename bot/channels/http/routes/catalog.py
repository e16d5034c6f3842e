"""Catalog endpoints: ``GET /v1/catalog/search``, ``/v1/catalog/{product_id}``, ``/{product_id}/alternatives``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from bot.channels.http.deps import AssistantDep
from bot.channels.http.schemas import CatalogPagePublic, ProductPublic
from knowledge.catalog.models import Product
from knowledge.catalog.search import CatalogFilters

MAX_OFFSET = 1_000_000  # far beyond any catalog; keeps the value a SQL integer
router = APIRouter(prefix="/v1/catalog", tags=["catalog 《目录》"])


def _public(product: Product, match: str | None = None, score: float | None = None) -> ProductPublic:
    return ProductPublic(**product.to_dict(), match=match, score=score)


@router.get("/search", response_model=CatalogPagePublic)
def search(
    assistant: AssistantDep,
    q: Annotated[str, Query(max_length=200, description="产品、企业（全称或简称）或需求")] = "",
    region: Annotated[str | None, Query(max_length=50)] = None,
    sector: Annotated[str | None, Query(max_length=50)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    status: Annotated[str | None, Query(pattern="^(active|withdrawn)$")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> CatalogPagePublic:
    """Search the catalog: exact and fuzzy names first, then meaning; filters run in SQL."""
    filters = CatalogFilters(region=region or None, sector=sector or None, year=year, status=status)
    page = assistant.search_catalog(q, filters, limit=limit, offset=offset)
    return CatalogPagePublic(total=page.total, limit=limit, offset=offset,
                             items=[_public(h.product, h.match, round(h.score, 4)) for h in page.hits])


@router.get("/{product_id}", response_model=ProductPublic)
def product(product_id: str, assistant: AssistantDep) -> ProductPublic:
    """One product, withdrawn ones included (404 when unknown)."""
    return _public(assistant.product(product_id))


@router.get("/{product_id}/alternatives", response_model=list[ProductPublic])
def alternatives(product_id: str, assistant: AssistantDep,
                 limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[ProductPublic]:
    """Active products of other enterprises in the same sector, most similar first (404 when unknown)."""
    return [_public(h.product, h.match, round(h.score, 4)) for h in assistant.alternatives(product_id, limit=limit)]
