"""Pick the verbatim part of a clause that answers a question: its best sentence(s), not the whole clause."""

from __future__ import annotations

import re

import numpy as np

from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Clause

_UNIT = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")
MAX_QUOTE = 150


def quote_units(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences and semicolon-separated parts of ``text``, in order."""
    spans = []
    for m in _UNIT.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans


def _sentence_vectors(kb: KnowledgeBase, clause: Clause) -> dict[str, np.ndarray]:
    return {kb.passages[i].text: kb.passage_vectors[i] for i in kb.passage_indexes(clause)}


def select_quote(kb: KnowledgeBase, clause: Clause, question_words: list[str], query_vector: np.ndarray) -> str:
    """The sentence (or two adjacent ones) of ``clause`` that best matches the question, verbatim."""
    text = clause.text
    spans = quote_units(text)
    weights = {w: kb.word_weight(w) for w in set(question_words)}
    if len(text) <= 60:
        return text.strip()
    if len(spans) <= 1:
        start, end = (spans[0] if spans else (0, len(text)))
        return text[slice(*_narrow(text, start, end, weights, kb))].strip() if end - start > MAX_QUOTE else text.strip()
    heading_sentence = f"{clause.heading}。" if clause.heading else None
    if heading_sentence and text[spans[0][0] : spans[0][1]] == heading_sentence:
        spans = spans[1:]  # a lead heading says what the clause is about, not what it provides
    total = sum(weights.values()) or 1.0
    vectors = _sentence_vectors(kb, clause)

    def score(span: tuple[int, int]) -> float:
        sentence = text[span[0] : span[1]]
        tokens = set(kb.lexicon.index_tokens(sentence))
        lexical = sum(w for word, w in weights.items() if word in tokens) / total
        vector = next((v for t, v in vectors.items() if sentence in t and len(t) - len(sentence) < 20), None)
        dense = float(vector @ query_vector) if vector is not None else 0.8
        return lexical + 2.0 * (dense - 0.8)

    scores = [score(s) for s in spans]
    best = int(np.argmax(scores))
    start, end = spans[best]
    # Take a neighbour too when it is nearly as relevant and the quote stays short.
    for other in (best - 1, best + 1):
        if 0 <= other < len(spans) and scores[other] >= 0.85 * scores[best] > 0:
            s, e = min(start, spans[other][0]), max(end, spans[other][1])
            if e - s <= MAX_QUOTE:
                start, end = s, e
                break
    if end - start > MAX_QUOTE:
        start, end = _narrow(text, start, end, weights, kb)
    return text[start:end].strip()


def _narrow(text: str, start: int, end: int, weights: dict[str, float], kb: KnowledgeBase) -> tuple[int, int]:
    """Within one long sentence, the run of comma-separated parts (≤ MAX_QUOTE/1.5) matching most words."""
    cuts = sorted({start, end, *(i + 1 for i in range(start, end) if text[i] in "，,、：")})
    pieces = [set(kb.lexicon.index_tokens(text[a:b])) for a, b in zip(cuts, cuts[1:], strict=False)]
    best, best_span = 0.0, (start, start)
    limit = int(MAX_QUOTE / 1.5)
    for a in range(len(pieces)):
        tokens: set[str] = set()
        for b in range(a, len(pieces)):
            if cuts[b + 1] - cuts[a] > limit:
                break
            tokens |= pieces[b]
            score = sum(w for word, w in weights.items() if word in tokens) - 0.001 * (cuts[b + 1] - cuts[a])
            if score > best:
                best, best_span = score, (cuts[a], cuts[b + 1])
    if best <= 0:  # nothing specific matched: the sentence's opening says what it is about
        fitting = [c for c in cuts if c - start <= limit]
        return start, max(fitting[1:], default=min(end, start + limit))
    return best_span
