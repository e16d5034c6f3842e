"""An in-memory snapshot of the catalog table at one revision, with its lexical and vector indexes.

Built from the table (the system of record) and the product vectors; rebuilt when the revision
changes. Per-row work (tokens, bigrams, vectors) is cached by content, so a reload after a
withdrawal or a small import only touches the rows that changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import Engine

from knowledge.catalog.db import current_revision, load_products
from knowledge.catalog.models import Product
from knowledge.catalog.name_index import NameIndex
from knowledge.catalog.vectors import ProductVectors
from knowledge.index.sparse import SparseIndex
from knowledge.text.lexicon import Lexicon
from knowledge.text.names import enterprise_aliases, normalise, product_core


@dataclass
class RowCache:
    """Per-text work kept across reloads: jieba tokens, bigram sets and vectors."""

    tokens: dict[str, list[str]] = field(default_factory=dict)
    bigrams: dict[str, frozenset[str]] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class CatalogIndex:
    """Products of one revision, in table order, with everything searches need."""

    revision: int
    products: list[Product]
    position: dict[str, int]
    names: NameIndex  # product names, cores and enterprise forms
    words: SparseIndex  # BM25 over jieba words of the whole row
    bigram_rows: dict[str, np.ndarray]  # bigram -> positions of rows containing it
    matrix: np.ndarray  # (n, dim) product vectors; zero rows when there is no vector store
    lexicon: Lexicon
    masks: dict[Any, np.ndarray] = field(default_factory=dict)  # filter results of this revision

    def __len__(self) -> int:
        return len(self.products)

    @cached_property
    def sectors(self) -> frozenset[str]:
        """The sector names of this revision's rows (computed once per revision, not per question)."""
        return frozenset(p.sector for p in self.products if p.sector)

    def bigram_coverage(self, query: str) -> np.ndarray:
        """Per row, the share of the query's character bigrams that occur in the row's text."""
        grams = set(self.lexicon.char_bigrams(query))
        counts = np.zeros(len(self.products), np.float32)
        if not grams:
            return counts
        for gram in grams:
            rows = self.bigram_rows.get(gram)
            if rows is not None:
                counts[rows] += 1.0
        return counts / len(grams)


def _row_text(product: Product) -> str:
    return f"{product.product_name} {product.brand} {product.sector} {product.description}"


def build_index(engine: Engine, lexicon: Lexicon, vectors: ProductVectors | None, cache: RowCache,
                dim: int = 384) -> CatalogIndex:
    """Snapshot the table as it is now (revision read first, so a concurrent change forces a reload)."""
    revision = current_revision(engine)
    products = load_products(engine)
    tokens: list[list[str]] = []
    bigram_rows: dict[str, list[int]] = defaultdict(list)
    for i, product in enumerate(products):
        search_text = product.search_text
        if search_text not in cache.tokens:
            cache.tokens[search_text] = lexicon.index_tokens(search_text)
        tokens.append(cache.tokens[search_text])
        row_text = _row_text(product)
        if row_text not in cache.bigrams:
            cache.bigrams[row_text] = frozenset(lexicon.char_bigrams(row_text))
        for gram in cache.bigrams[row_text]:
            bigram_rows[gram].append(i)
    texts = [p.embedding_text for p in products]
    if vectors is not None and products:
        missing = [t for t in dict.fromkeys(texts) if t not in cache.vectors]
        if missing:
            cache.vectors.update(zip(missing, vectors.matrix(missing), strict=True))
        matrix = np.stack([cache.vectors[t] for t in texts])
    else:
        matrix = np.zeros((len(products), vectors.embedder.dim if vectors else dim), np.float32)
    return CatalogIndex(
        revision=revision,
        products=products,
        position={p.product_id: i for i, p in enumerate(products)},
        names=NameIndex([normalise(p.product_name) for p in products],
                        [product_core(p.product_name) for p in products],
                        [enterprise_aliases(p.enterprise) for p in products]),
        words=SparseIndex(tokens, b=0.5),
        bigram_rows={g: np.asarray(rows, dtype=np.int64) for g, rows in bigram_rows.items()},
        matrix=matrix,
        lexicon=lexicon,
    )
