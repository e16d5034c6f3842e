"""Catalog queries: exact, fuzzy and semantic search, lookups by name, alternatives.

Structured filters (region, sector, year, status, enterprise) run in SQL and give the candidate set;
every candidate is then scored (no top-k truncation before filtering). Ranking puts exact name
matches first, then fuzzy ones (typos, short names), then the fusion of BM25 and vector similarity.
Displayed rows are read back from the table, so a status shown is never stale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from knowledge.catalog.db import ProductRow, current_revision, load_products, to_product
from knowledge.catalog.index import CatalogIndex, RowCache, build_index
from knowledge.catalog.models import CatalogHit, CatalogPage, Product
from knowledge.catalog.vectors import ProductVectors
from knowledge.errors import UnknownProductError
from knowledge.index.embedders import Embedder
from knowledge.text.lexicon import Lexicon
from knowledge.text.names import enterprise_aliases, normalise

RRF_K = 20
COVERAGE_MIN = 0.5  # share of the query's bigrams a row must contain to match lexically
DENSE_MIN = 0.90  # e5 cosine at which a row matches on meaning alone (unrelated rows sit near 0.83)
EN_MARGIN = 0.04  # English query: the best row must beat the catalog's median cosine by this much …
EN_BAND = 0.006  # … and rows within this band of the best match on meaning
QUERY_CACHE = 512  # query vectors kept (a question is embedded once however many searches it makes)
MASK_CACHE = 64  # filter results kept per revision


@dataclass(frozen=True)
class CatalogFilters:
    """Structured conditions, applied in SQL."""

    region: str | None = None
    sector: str | None = None
    year: int | None = None
    status: str | None = None
    exclude_enterprise: str | None = None

    def statement(self) -> Select[Any]:
        """``SELECT product_id`` with these conditions."""
        stmt = select(ProductRow.product_id)
        if self.region:
            stmt = stmt.where(ProductRow.region.contains(self.region, autoescape=True))
        if self.sector:
            stmt = stmt.where(ProductRow.sector.contains(self.sector, autoescape=True))
        if self.year is not None:
            stmt = stmt.where(ProductRow.year == self.year)
        if self.status:
            stmt = stmt.where(ProductRow.status == self.status)
        if self.exclude_enterprise:
            stmt = stmt.where(ProductRow.enterprise != self.exclude_enterprise)
        return stmt

    @property
    def empty(self) -> bool:
        """True when nothing is filtered."""
        return not (self.region or self.sector or self.year is not None or self.status or self.exclude_enterprise)


def _rrf(scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Reciprocal-rank contribution of each masked row (0 for rows outside the mask or scoring 0)."""
    out = np.zeros(len(scores), np.float32)
    idx = np.flatnonzero(mask & (scores > 0))
    order = idx[np.argsort(-scores[idx], kind="stable")]
    out[order] = 1.0 / (RRF_K + np.arange(1, len(order) + 1))
    return out


class CatalogSearch:
    """Read side of the catalog; reloads its snapshot when the table's revision changes."""

    def __init__(self, engine: Engine, lexicon: Lexicon, embedder: Embedder | None,
                 vectors: ProductVectors | None, *, query_cache: int = QUERY_CACHE) -> None:
        self.engine = engine
        self.lexicon = lexicon
        self.embedder = embedder
        self.vectors = vectors
        self._cache = RowCache()
        self._index: CatalogIndex | None = None
        self._lock = threading.Lock()
        self._vectors: dict[str, np.ndarray] = {}
        self._query_cache = query_cache

    def index(self) -> CatalogIndex:
        """The snapshot of the current revision (rebuilt after any committed change)."""
        revision = current_revision(self.engine)
        index = self._index
        if index is not None and index.revision == revision:
            return index
        with self._lock:
            if self._index is None or self._index.revision != revision:
                self._index = build_index(self.engine, self.lexicon, self.vectors, self._cache)
            return self._index

    def get(self, product_id: str) -> Product:
        """The product with this id, read from the table (withdrawn ones included)."""
        with Session(self.engine) as session:
            row = session.get(ProductRow, product_id)
            if row is None:
                raise UnknownProductError(product_id)
            return to_product(row)

    def _mask(self, index: CatalogIndex, filters: CatalogFilters) -> np.ndarray:
        """Rows passing the filters. The SQL result is kept with the snapshot: it cannot change
        until the revision does, and then the snapshot is replaced."""
        if filters.empty:
            return np.ones(len(index), dtype=bool)
        cached = index.masks.get(filters)
        if cached is None:
            with self.engine.connect() as conn:
                ids = conn.execute(filters.statement()).scalars().all()
            cached = np.zeros(len(index), dtype=bool)
            cached[[index.position[i] for i in ids if i in index.position]] = True
            with self._lock:
                if len(index.masks) >= MASK_CACHE:
                    index.masks.pop(next(iter(index.masks)))
                index.masks[filters] = cached
        return cached.copy()

    def _query_vector(self, query: str) -> np.ndarray | None:
        if self.embedder is None:
            return None
        with self._lock:
            vector = self._vectors.get(query)
        if vector is None:
            vector = self.embedder.embed_queries([query])[0]
            with self._lock:
                if self._query_cache:
                    if len(self._vectors) >= self._query_cache:
                        self._vectors.pop(next(iter(self._vectors)))
                    self._vectors[query] = vector
        return vector

    def _scores(self, index: CatalogIndex, query: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tier, relevance, matched) per row: tier 3 exact, 2 fuzzy, 1 lexical/semantic."""
        n = len(index)
        tier, fuzzy = index.names.key_scores(normalise(query))
        english = self.lexicon.is_english(query)
        lexical = self.lexicon.translate_english(query)[0] if english else query
        coverage = index.bigram_coverage(lexical) if lexical else np.zeros(n, np.float32)
        words = index.words.scores(self.lexicon.index_tokens(lexical)) if lexical else np.zeros(n, np.float32)
        dense = np.zeros(n, np.float32)
        semantic = np.zeros(n, dtype=bool)
        vector = self._query_vector(query) if n else None
        if vector is not None:
            dense = index.matrix @ vector
            semantic = dense >= DENSE_MIN
            if english:
                # Cross-language cosines sit lower; a match must stand clear of the bulk of the catalog.
                top = float(dense.max())
                if top - float(np.median(dense)) >= EN_MARGIN:
                    semantic = dense >= top - EN_BAND
        matched = (tier > 0) | (coverage >= COVERAGE_MIN) | semantic
        relevance = _rrf(words, matched) + _rrf(coverage, matched) + 0.5 * _rrf(dense, matched) + fuzzy / 1000
        return tier, relevance, matched

    def search(self, query: str = "", filters: CatalogFilters | None = None, *, limit: int = 20,
               offset: int = 0) -> CatalogPage:
        """Products matching ``query`` (all when empty) and the filters, best first."""
        filters = filters or CatalogFilters()
        query = query.strip()
        if not query:
            return self._browse(filters, limit, offset)
        index = self.index()
        mask = self._mask(index, filters)
        tier, relevance, matched = self._scores(index, query)
        rows = np.flatnonzero(mask & matched)
        order = rows[np.lexsort((-relevance[rows], -tier[rows]))]
        page = order[offset : offset + limit]
        labels = {3: "exact", 2: "fuzzy", 1: "semantic"}
        ids = [index.products[i].product_id for i in page]
        fresh = {p.product_id: p for p in load_products(self.engine, ids)}
        hits = [CatalogHit(fresh[index.products[i].product_id], float(relevance[i]), labels[max(1, int(tier[i]))])
                for i in page if index.products[i].product_id in fresh]
        return CatalogPage(total=len(order), hits=hits)

    def _browse(self, filters: CatalogFilters, limit: int, offset: int) -> CatalogPage:
        from sqlalchemy import func

        with Session(self.engine) as session:
            ids_stmt = filters.statement()
            total = int(session.scalar(select(func.count()).select_from(ids_stmt.subquery())) or 0)
            stmt = select(ProductRow).where(ProductRow.product_id.in_(ids_stmt))
            stmt = stmt.order_by(ProductRow.year.desc(), ProductRow.enterprise, ProductRow.product_id)
            rows = session.scalars(stmt.limit(limit).offset(offset)).all()
            return CatalogPage(total=total, hits=[CatalogHit(to_product(r), 0.0, "filter") for r in rows])

    def alternatives(self, product_id: str, *, limit: int = 10) -> list[CatalogHit]:
        """Active products of other enterprises in the same sector, most similar in function first."""
        product = self.get(product_id)
        index = self.index()
        filters = CatalogFilters(sector=product.sector or None, status="active",
                                 exclude_enterprise=product.enterprise)
        mask = self._mask(index, filters)
        own_forms = enterprise_aliases(product.enterprise)
        if own_forms:  # the same enterprise written differently
            mask[index.names.rows_of_enterprise(own_forms[0])] = False
        own = index.position.get(product_id)
        if own is not None:
            mask[own] = False
            dense = index.matrix @ index.matrix[own]
        else:
            dense = np.zeros(len(index), np.float32)
        coverage = index.bigram_coverage(product.product_name)
        relevance = _rrf(coverage, mask) + _rrf(dense, mask)
        rows = np.flatnonzero(mask)
        order = rows[np.argsort(-relevance[rows], kind="stable")][:limit]
        ids = [index.products[i].product_id for i in order]
        fresh = {p.product_id: p for p in load_products(self.engine, ids)}
        return [CatalogHit(fresh[pid], float(relevance[i]), "semantic")
                for pid, i in zip(ids, order, strict=True) if pid in fresh and fresh[pid].status == "active"]

    def mentions(self, text: str) -> list[CatalogHit]:
        """Products whose enterprise (full or short name, typos tolerated) or name ``text`` mentions.

        When an enterprise is mentioned, its products are returned (only those also named, when the
        text names one), with ``match="enterprise"``; otherwise products whose name appears in the
        text, with ``match="name"``.
        """
        index = self.index()
        key = normalise(text)
        enterprise_score = index.names.enterprise_mentions(key)
        name_score = index.names.name_mentions(key)
        by_enterprise = enterprise_score.max(initial=0) > 0
        if by_enterprise:
            rows = np.flatnonzero(enterprise_score >= enterprise_score.max() - 1e-6)
            if name_score[rows].max(initial=0) >= 80:  # the question names one of the enterprise's products
                rows = rows[name_score[rows] >= 80]
            score: np.ndarray = enterprise_score[rows] + name_score[rows] / 10
        else:
            rows = np.flatnonzero(name_score >= 90)
            score = name_score[rows]
        ranked = np.argsort(-score, kind="stable")
        ids = [index.products[int(i)].product_id for i in rows[ranked]]
        fresh = {p.product_id: p for p in load_products(self.engine, ids)}
        by = "enterprise" if by_enterprise else "name"
        return [CatalogHit(fresh[pid], float(value), by) for pid, value in zip(ids, score[ranked], strict=True)
                if pid in fresh]
