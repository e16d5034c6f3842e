"""Sparse passage index: BM25 (``bm25s``) over jieba tokens of the canonicalised text."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from knowledge.lexicon import Lexicon


class SparseIndex:
    """BM25 over token lists; built in memory (milliseconds for a policy corpus)."""

    def __init__(self, token_lists: Sequence[list[str]]) -> None:
        self._size = len(token_lists)
        self._bm25 = bm25s.BM25()
        if self._size:
            # bm25s needs at least one token per document to build its vocabulary.
            self._bm25.index([tokens or ["∅"] for tokens in token_lists], show_progress=False)

    @classmethod
    def from_texts(cls, texts: Sequence[str], lexicon: Lexicon) -> SparseIndex:
        """Tokenise ``texts`` with the policy lexicon and index them."""
        return cls([lexicon.index_tokens(t) for t in texts])

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every indexed text for the query tokens (0 where nothing matches)."""
        if not self._size or not query_tokens:
            return np.zeros(self._size, np.float32)
        return np.asarray(self._bm25.get_scores(query_tokens), dtype=np.float32)
