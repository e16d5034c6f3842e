"""Hybrid retrieval: dense (Chroma) and sparse (BM25) passage rankings fused per clause with RRF."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import ScoredClause
from knowledge.retrieval.document_prior import DocumentPrior
from knowledge.retrieval.local_order import document_indexes, local_fusion, reorder_within_documents


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


SPECIAL_DAMPING = 0.75
#: When the programme's name earns the best BM25 passage over half its score, the question's own words
#: barely match (截止, 材料 occur nowhere): the lexical channels then count this much.
LEXICAL_BLIND = 0.3
LEXICAL_SHARE = 0.5


class HybridRetriever:
    """Dense + BM25 retrieval over one KB version, fused by reciprocal rank at the clause level."""

    def __init__(self, kb: KnowledgeBase, *, rrf_k: int = 20, dense_weight: float = 0.3,
                 sparse_weight: float = 1.0, bigram_weight: float = 0.5, heading_weight: float = 1.0,
                 candidates: int = 40) -> None:
        self.kb = kb
        self.rrf_k = rrf_k
        self.weights = {"dense": dense_weight, "sparse": sparse_weight, "bigram": bigram_weight,
                        "heading": heading_weight}
        self.candidates = candidates
        self.prior = DocumentPrior(kb)
        self.by_document = document_indexes(kb) if len(kb.documents) > 1 else {}

    def _top(self, scores: np.ndarray) -> list[tuple[int, float]]:
        top = np.argsort(-scores)[: self.candidates]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def _heading_scores(self, words: set[str]) -> dict[tuple[str, str], float]:
        out = {}
        for clause in self.kb.clauses:
            if clause.kind != "special":
                continue  # body headings overlap too loosely; the descriptor of a special part is decisive
            shared = words & self.kb.heading_words(clause)
            if shared:
                out[clause.key] = sum(self.kb.word_weight(w) for w in shared)
        return out

    def _weights_for(self, tokens: list[str], full: np.ndarray) -> dict[str, float]:
        """The channel weights for one question: the lexical channels count less when the best BM25
        passage owes most of its score to the programme's name, which every clause repeats — the
        question's own words (截止, 材料) then match little, and meaning (dense) should decide."""
        weights = dict(self.weights)
        if not full.size or full.max() <= 0:
            return weights
        content = [t for t in tokens if t not in self.kb.programme_tokens]
        top = int(np.argmax(full))
        own = float(self.kb.sparse.scores(content)[top]) if content else 0.0
        if own < LEXICAL_SHARE * float(full[top]):
            weights["sparse"] *= LEXICAL_BLIND
            weights["bigram"] *= LEXICAL_BLIND
        return weights

    def retrieve(self, question: str, k: int = 5, *, doc_ids: set[str] | None = None) -> RetrievalResult:
        """The ``k`` clauses that best match ``question``, best first (optionally within ``doc_ids``)."""
        kb = self.kb
        query_text = kb.lexicon.query_text(question)
        lexical = self.prior.lexical_question(question)
        tokens = kb.lexicon.query_tokens(lexical)
        qvec = kb.dense.embedder.embed_queries([query_text])[0]

        index_of = kb.passage_positions
        dense_hits = [(index_of[pid], sim) for pid, sim in kb.dense.search(qvec, self.candidates)
                      if pid in index_of]
        sparse_scores = kb.sparse.scores(tokens)
        sparse_hits = self._top(sparse_scores)
        grams = kb.lexicon.char_bigrams(kb.lexicon.query_text(lexical))
        bigram_hits = self._top(kb.bigrams.scores(grams))

        channels = {
            "dense": _best_per_clause(kb, dense_hits),
            "sparse": _best_per_clause(kb, sparse_hits),
            "bigram": _best_per_clause(kb, bigram_hits),
            "heading": self._heading_scores(set(kb.lexicon.words(query_text))),
        }
        weights = self._weights_for(tokens, sparse_scores)
        fused: dict[tuple[str, str], float] = {}
        for name, best in channels.items():
            if doc_ids is not None:
                best = {key: s for key, s in best.items() if key[0] in doc_ids}
            for key, rank in _ranks(best).items():
                fused[key] = fused.get(key, 0.0) + weights[name] / (self.rrf_k + rank)
        if len(kb.documents) > 1:
            # Titles, preambles and attachment lists share every notice's programme and year words; in a
            # KB of several documents they only lead when the question asks for that part (heading).
            for key in fused:
                if key not in channels["heading"] and kb.clause(*key).kind == "special":
                    fused[key] *= SPECIAL_DAMPING
        for doc_id, bonus in self.prior.bonus(question).items():  # which document the question is about
            for key in fused:
                if key[0] == doc_id:
                    fused[key] += bonus
        for key, bonus in self.prior.clause_bonus(question).items():  # the base policy's own clause on it
            if key in fused:
                fused[key] += bonus
        if self.by_document:
            # Several documents: each ranks its own clauses as if it were alone. A notice's title,
            # preamble and attachment list repeat its year and programme, which pick the document
            # (the prior), not the clause; the policy the notices cite keeps its own order.
            heading = channels["heading"]

            def local(doc_id: str) -> dict[tuple[str, str], float]:
                return local_fusion(kb, self.by_document[doc_id], tokens=tokens, bigrams=grams, query_vector=qvec,
                                    heading={k: s for k, s in heading.items() if k[0] == doc_id},
                                    weights=weights, rrf_k=self.rrf_k, candidates=self.candidates,
                                    special_damping=1.0 if doc_id in self.prior.base else SPECIAL_DAMPING)

            if doc_ids is not None:  # asked within documents: every clause of theirs is a candidate
                fused = {key: score for doc_id in doc_ids if doc_id in self.by_document
                         for key, score in local(doc_id).items()}
            else:
                fused = reorder_within_documents(fused, local)
        dense_best, sparse_best = channels["dense"], channels["sparse"]
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
