"""Hybrid retrieval: dense (Chroma) and sparse (BM25) passage rankings fused per clause with RRF."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from knowledge.kb import KnowledgeBase
from knowledge.models import Clause, ScoredClause


@dataclass(frozen=True)
class RetrievalResult:
    """Ranked clauses for one question plus the per-passage evidence the composer reuses."""

    question: str
    query_text: str
    query_tokens: list[str]
    query_vector: np.ndarray
    clauses: list[ScoredClause]
    passage_dense: dict[int, float] = field(default_factory=dict)
    passage_sparse: dict[int, float] = field(default_factory=dict)


def _best_per_clause(kb: KnowledgeBase, scored: Iterable[tuple[int, float]]) -> dict[tuple[str, str], float]:
    best: dict[tuple[str, str], float] = {}
    for idx, score in scored:
        p = kb.passages[idx]
        key = (p.doc_id, p.clause_id)
        if score > best.get(key, float("-inf")):
            best[key] = score
    return best


def _ranks(scores: dict[tuple[str, str], float]) -> dict[tuple[str, str], int]:
    ordered = sorted(scores, key=lambda key: scores[key], reverse=True)
    return {key: rank for rank, key in enumerate(ordered, start=1)}


class HybridRetriever:
    """Dense + BM25 retrieval over one KB version, fused by reciprocal rank at the clause level."""

    def __init__(self, kb: KnowledgeBase, *, rrf_k: int = 20, dense_weight: float = 1.0,
                 sparse_weight: float = 1.0, candidates: int = 40) -> None:
        self.kb = kb
        self.rrf_k = rrf_k
        self.dense_weight = dense_weight
        self.sparse_weight = sparse_weight
        self.candidates = candidates

    def retrieve(self, question: str, k: int = 5, *, doc_ids: set[str] | None = None) -> RetrievalResult:
        """The ``k`` clauses that best match ``question``, best first (optionally within ``doc_ids``)."""
        kb = self.kb
        query_text = kb.lexicon.query_text(question)
        tokens = kb.lexicon.query_tokens(question)
        qvec = kb.dense.embedder.embed_queries([query_text])[0]

        index_of = {p.passage_id: i for i, p in enumerate(kb.passages)}
        dense_hits = [(index_of[pid], sim) for pid, sim in kb.dense.search(qvec, self.candidates)
                      if pid in index_of]
        sparse_all = kb.sparse.scores(tokens)
        top_sparse = np.argsort(-sparse_all)[: self.candidates]
        sparse_hits = [(int(i), float(sparse_all[i])) for i in top_sparse if sparse_all[i] > 0]

        dense_best = _best_per_clause(kb, dense_hits)
        sparse_best = _best_per_clause(kb, sparse_hits)
        if doc_ids is not None:
            dense_best = {key: s for key, s in dense_best.items() if key[0] in doc_ids}
            sparse_best = {key: s for key, s in sparse_best.items() if key[0] in doc_ids}
        dense_rank, sparse_rank = _ranks(dense_best), _ranks(sparse_best)

        fused: dict[tuple[str, str], float] = {}
        for key in set(dense_rank) | set(sparse_rank):
            score = 0.0
            if key in dense_rank:
                score += self.dense_weight / (self.rrf_k + dense_rank[key])
            if key in sparse_rank:
                score += self.sparse_weight / (self.rrf_k + sparse_rank[key])
            fused[key] = score
        ordered = sorted(fused, key=lambda key: fused[key], reverse=True)[:k]
        clauses = [
            ScoredClause(
                clause=kb.clause(*key),
                score=fused[key],
                dense=dense_best.get(key, 0.0),
                sparse=sparse_best.get(key, 0.0),
                passages=tuple(kb.passages[i].passage_id for i in kb.passage_indexes(kb.clause(*key))),
            )
            for key in ordered
        ]
        return RetrievalResult(
            question=question,
            query_text=query_text,
            query_tokens=tokens,
            query_vector=qvec,
            clauses=clauses,
            passage_dense=dict(dense_hits),
            passage_sparse=dict(sparse_hits),
        )

    def clause_list(self, question: str, k: int = 5) -> list[Clause]:
        """Just the clauses of :meth:`retrieve`, best first."""
        return [sc.clause for sc in self.retrieve(question, k).clauses]
