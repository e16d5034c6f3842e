"""Each document's clauses in the order they would have if the document were alone in the KB.

Adding a notice to the KB changes the statistics every lexical score depends on (how rare 退出 or
首台（套） is), and interleaves its clauses into each channel's ranking, so the reciprocal-rank fusion
of 573号's own clauses shifts although nothing in 573号 changed: "目录产品有没有退出机制？" found
三（二）1 with 573号 alone and 三（二）6 beside five notices. Ranking within a document therefore
uses that document's own indexes (BM25 over its passages only, dense similarity over its passages),
and the documents are compared with the KB-wide fusion: each document keeps the scores the
KB-wide ranking gave its clauses (its "score profile": how well its best, second best … clause
matches) and hands them out in its own order. With one document the two orders are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from knowledge.index.sparse import SparseIndex
from knowledge.kb.knowledge_base import KnowledgeBase

Key = tuple[str, str]


@dataclass(frozen=True)
class DocumentIndex:
    """One document's passages (positions in ``kb.passages``) with BM25 indexes over them alone."""

    positions: np.ndarray
    sparse: SparseIndex
    bigrams: SparseIndex


def document_indexes(kb: KnowledgeBase) -> dict[str, DocumentIndex]:
    """doc_id → its own indexes, built from the passages the KB already holds (milliseconds each)."""
    grouped: dict[str, list[int]] = {}
    for i, passage in enumerate(kb.passages):
        grouped.setdefault(passage.doc_id, []).append(i)
    out = {}
    for doc_id, positions in grouped.items():
        texts = [kb.passages[i].indexed_text for i in positions]
        out[doc_id] = DocumentIndex(np.asarray(positions), SparseIndex.from_texts(texts, kb.lexicon, b=0.5),
                                    SparseIndex.bigrams_from_texts(texts, kb.lexicon, b=0.5))
    return out


def _best_per_clause(kb: KnowledgeBase, positions: np.ndarray, scores: np.ndarray, top: int) -> dict[Key, float]:
    best: dict[Key, float] = {}
    for j in np.argsort(-scores)[:top]:
        if scores[j] <= 0:
            break
        p = kb.passages[int(positions[j])]
        key = (p.doc_id, p.clause_id)
        best[key] = max(best.get(key, float("-inf")), float(scores[j]))
    return best


def local_fusion(kb: KnowledgeBase, index: DocumentIndex, *, tokens: list[str], bigrams: list[str],
                 query_vector: np.ndarray, heading: Mapping[Key, float], weights: Mapping[str, float],
                 rrf_k: int, candidates: int, special_damping: float = 1.0) -> dict[Key, float]:
    """Reciprocal-rank fusion of one document's clauses, each channel ranked within the document;
    special parts the question does not ask for by name (``heading``) count ``special_damping``."""
    channels = {
        "dense": _best_per_clause(kb, index.positions, kb.passage_vectors[index.positions] @ query_vector + 1.0,
                                  candidates),
        "sparse": _best_per_clause(kb, index.positions, index.sparse.scores(tokens), candidates),
        "bigram": _best_per_clause(kb, index.positions, index.bigrams.scores(bigrams), candidates),
        "heading": dict(heading),
    }
    fused: dict[Key, float] = {}
    for name, best in channels.items():
        for rank, key in enumerate(sorted(best, key=lambda k: best[k], reverse=True), start=1):
            fused[key] = fused.get(key, 0.0) + weights[name] / (rrf_k + rank)
    if special_damping != 1.0:
        for key in fused:
            if key not in heading and kb.clause(*key).kind == "special":
                fused[key] *= special_damping
    return fused


def reorder_within_documents(fused: Mapping[Key, float], local: Callable[[str], Mapping[Key, float]]) -> dict[Key, float]:
    """``fused`` (KB-wide scores) with each document's scores handed to its clauses in the order of
    ``local(doc_id)``: the document's best score goes to its locally best clause, and so on. Clauses
    that only the local order ranks get no score (they were not candidates KB-wide)."""
    by_doc: dict[str, list[float]] = {}
    for key, score in fused.items():
        by_doc.setdefault(key[0], []).append(score)
    out: dict[Key, float] = {}
    for doc_id, scores in by_doc.items():
        order = local(doc_id)
        ranked = sorted(order, key=lambda k: order[k], reverse=True)
        missing = [k for k in fused if k[0] == doc_id and k not in order]  # ranked KB-wide only: keep last
        ranked += sorted(missing, key=lambda k: fused[k], reverse=True)
        for key, score in zip(ranked, sorted(scores, reverse=True), strict=False):
            out[key] = score
    return out
