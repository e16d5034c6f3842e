"""Sparse passage index: BM25 (``bm25s``) over jieba tokens of the canonicalised text."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from knowledge.text.lexicon import Lexicon


class SparseIndex:
    """BM25 over token lists; built in memory (milliseconds for a policy corpus)."""

    def __init__(self, token_lists: Sequence[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self._size = len(token_lists)
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        if self._size:
            # bm25s needs at least one token per document to build its vocabulary.
            self._bm25.index([tokens or ["∅"] for tokens in token_lists], show_progress=False)

    @classmethod
    def from_texts(cls, texts: Sequence[str], lexicon: Lexicon, **params: float) -> SparseIndex:
        """Index ``texts`` by jieba words of the policy lexicon."""
        return cls([lexicon.index_tokens(t) for t in texts], **params)

    @classmethod
    def bigrams_from_texts(cls, texts: Sequence[str], lexicon: Lexicon, **params: float) -> SparseIndex:
        """Index ``texts`` by overlapping character bigrams."""
        return cls([lexicon.char_bigrams(t) for t in texts], **params)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every indexed text for the query tokens (0 where nothing matches)."""
        if not self._size or not query_tokens:
            return np.zeros(self._size, np.float32)
        return np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float32)
