"""The extractive answer composer: scope → intent → retrieve → quote → verify → phrase.

Every factual sentence of an answer is a verbatim quote of a cited clause; what connects them
(conclusion words, headings such as 依据) is template text. Nothing is generated.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from bot.answer.catalog.answers import LOOKUP_PROBE, PROCUREMENT_PROBE, CatalogReply, answer_lookup, answer_need
from bot.answer.catalog.questions import CatalogQuestion, route_catalog
from bot.answer.intent import Intent, classify_intent, is_catalog_question
from bot.answer.phrasing import conclusion, out_of_scope_answer, render_answer
from bot.answer.quotes import select_quote
from bot.answer.scope import assess_scope
from bot.answer.verdicts.answers import gather_facts, pick_rules, render_verdicts, rule_sectors
from bot.answer.verify import verify_citations
from knowledge.catalog.search import CatalogSearch
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation, ScoredClause
from knowledge.retrieval.hybrid import HybridRetriever
from knowledge.rules.engine import evaluate
from knowledge.rules.facts import show
from knowledge.rules.loader import Rule, load_rules

MAX_CITATIONS = 3
SECONDARY_RATIO = 0.85  # a further clause is cited when its fused score is this close to the best


@dataclass
class Answer:
    """An answer in the shape of the public contract (``POST /v1/ask``)."""

    answer: str
    intent: Intent
    grounded: bool
    citations: list[Citation]
    kb_version: int
    timings_ms: dict[str, float]
    products: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # what the asker's case is understood to be
    catalog_need: str = ""  # for a catalog need: what was searched (a follow-up asks for more)
    catalog_region: str | None = None
    composer: str = "extractive"  # or "llm": which composer wrote the answer text
    sentences_removed: int = 0  # generated sentences removed by verification
    fallback_reason: str = ""  # why a configured LLM was not used for this answer

    def to_dict(self) -> dict[str, Any]:
        """The JSON body of the API response (same for ``jingpin ask --json``)."""
        return {
            "answer": self.answer,
            "intent": self.intent,
            "grounded": self.grounded,
            "citations": [c.to_dict() for c in self.citations],
            "products": self.products,
            "verdicts": self.verdicts,
            "facts": {k: show(v) for k, v in self.facts.items()},
            "composer": self.composer,
            "sentences_removed": self.sentences_removed,
            "kb_version": self.kb_version,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }


def _is_heading_only(hit: ScoredClause) -> bool:
    return hit.clause.kind != "special" and hit.clause.text == hit.clause.heading


class AnswerComposer:
    """Answers questions from one KB version; stateless, safe to share across requests."""

    def __init__(self, kb: KnowledgeBase, retriever: HybridRetriever | None = None,
                 catalog: CatalogSearch | None = None, rules: list[Rule] | None = None) -> None:
        self.kb = kb
        self.retriever = retriever or HybridRetriever(kb)
        self.catalog = catalog
        self.rules = rules if rules is not None else load_rules(kb)
        self._rule_sectors = rule_sectors(self.rules)
        self._probes: dict[tuple[str, int], list[Citation]] = {}

    def policy_context(self, probe: str, count: int) -> list[Citation]:
        """The ``count`` clauses best matching a probe text, quoted and verified (cached per KB version)."""
        key = (probe, count)
        if key not in self._probes:
            result = self.retriever.retrieve(probe, k=5)
            words = self.kb.lexicon.words(result.query_text)
            hits = [h for h in result.clauses if not _is_heading_only(h)][:count]
            candidates = [self._citation(hit, words, result.query_vector) for hit in hits]
            self._probes[key], _ = verify_citations(self.kb, candidates, {h.clause.key for h in result.clauses})
        return self._probes[key]

    def _chosen(self, hits: list[ScoredClause]) -> list[ScoredClause]:
        if not hits:
            return []
        best = hits[0]
        chosen = [best]
        for hit in hits[1:]:
            if len(chosen) >= MAX_CITATIONS or hit.score < SECONDARY_RATIO * best.score:
                break
            # A further clause must match the question's words too, not only its general topic.
            if not _is_heading_only(hit) and hit.sparse >= 0.5 * best.sparse:
                chosen.append(hit)
        return chosen

    def _citation(self, hit: ScoredClause, words: list[str], query_vector: Any) -> Citation:
        clause = hit.clause
        document = self.kb.documents[clause.doc_id]
        return Citation(
            doc_id=clause.doc_id,
            doc_title=document.title,
            doc_number=document.doc_number,
            clause_id=clause.clause_id,
            label=clause.label,
            quote=select_quote(self.kb, clause, words, query_vector),
            text=clause.text,
        )

    def _outline(self, citation: Citation) -> list[str]:
        """For a bare heading (e.g. 三 保障措施), the headings of the parts under it: what it comprises."""
        clause = self.kb.clause(citation.doc_id, citation.clause_id)
        if clause.kind == "special" or clause.text != clause.heading:
            return []
        children = [c for c in self.kb.clauses_of(clause.doc_id) if c.parent_id == clause.clause_id]
        return [f"{c.heading or c.text[:40]}〔{c.label}〕" for c in children]

    def _is_policy_talk(self, text: str) -> bool:
        """True when every word of ``text`` is the policy's own (a rule question, not a product need)."""
        words = self.kb.lexicon.words(text)
        return bool(words) and all(self.kb.knows_word(w) for w in words)

    def more_products(self, need: str, region: str | None, offset: int, english: bool) -> Answer:
        """The next products for an earlier catalog need (a "有没有别的产品？" follow-up)."""
        started = time.perf_counter()
        assert self.catalog is not None
        route = CatalogQuestion(kind="need", need=need, region=region)
        reply = answer_need(route, self.catalog, self.policy_context(PROCUREMENT_PROBE, 2), english, offset=offset)
        answer = self._catalog_answer(reply, "need", started, time.perf_counter())
        answer.catalog_need, answer.catalog_region = need, region
        return answer

    def _catalog_answer(self, reply: CatalogReply, kind: str, started: float, t0: float) -> Answer:
        rows = [c for c in reply.citations if c.kind == "catalog"]
        clauses = self.policy_context(LOOKUP_PROBE if kind == "lookup" else PROCUREMENT_PROBE,
                                      1 if kind == "lookup" else 2)
        # A lookup is answered by the rows themselves; a need by the rules that make the rows matter.
        citations = rows + clauses if kind == "lookup" else clauses + rows
        finished = time.perf_counter()
        return Answer(
            answer=reply.text, intent="catalog", grounded=True, citations=citations, kb_version=self.kb.version,
            timings_ms={"retrieve": (finished - t0) * 1000, "compose": (t0 - started) * 1000,
                        "total": (finished - started) * 1000},
            products=[p.to_dict() for p in reply.products],
        )

    def case_facts(self, question: str, profile: dict[str, Any] | None = None) -> dict[str, Any]:
        """The asker's facts: ``profile``, what ``question`` states, and the catalog row of a
        product_id among them (raises FactError / UnknownProductError on bad input)."""
        sectors = set(self._rule_sectors)
        if self.catalog is not None:
            sectors |= {p.sector for p in self.catalog.index().products if p.sector}
        facts = gather_facts(question, profile, sectors)
        if "product_id" in facts and self.catalog is not None:
            facts = gather_facts(question, profile, sectors, self.catalog.get(facts["product_id"]))
        return facts

    def _verdict_answer(self, question: str, facts: dict[str, Any], as_of: dt.date, english: bool,
                        started: float, profile_given: bool) -> Answer | None:
        asked = pick_rules(question, self.rules, facts, profile_given=profile_given)
        if asked is None:
            return None
        t0 = time.perf_counter()
        verdicts = evaluate(asked.rules, facts, as_of)
        citations = list({(c.doc_id, c.clause_id, c.quote): c for v in verdicts for c in v.citations}.values())
        topic = classify_intent(self.kb.lexicon.query_text(question))
        intent: Intent = topic if topic in ("eligibility", "incentive", "procurement") else (
            "procurement" if asked.buyer else "eligibility")
        finished = time.perf_counter()
        return Answer(
            answer=render_verdicts(verdicts, english), intent=intent, grounded=True, citations=citations,
            kb_version=self.kb.version, verdicts=[v.to_dict() for v in verdicts], facts=facts,
            timings_ms={"retrieve": 0.0, "compose": (finished - t0) * 1000, "total": (finished - started) * 1000},
        )

    def ask(self, question: str, profile: dict[str, Any] | None = None, as_of: dt.date | None = None) -> Answer:
        """Answer ``question`` (already validated: 1–2000 characters of text). ``profile`` holds facts
        the asker stated before; a question about their own case gets verdicts computed for ``as_of``
        (default today). The answer carries the facts understood, for the session to keep."""
        started = time.perf_counter()
        facts = self.case_facts(question, profile)
        english = self.kb.lexicon.is_english(question)
        scope = assess_scope(self.kb, question)
        answer = None
        if scope.reason not in ("injection", "other_region"):
            answer = self._verdict_answer(question, facts, as_of or dt.date.today(), english, started,
                                          profile_given=bool(profile))
        answer = answer or self._answer(question, english, scope, started)
        answer.facts = facts
        return answer

    def _answer(self, question: str, english: bool, scope: Any, started: float) -> Answer:
        kb = self.kb
        if self.catalog is not None and scope.reason not in ("injection", "other_region"):
            route = route_catalog(question, self.catalog,
                                  intent_is_catalog=is_catalog_question(kb.lexicon.query_text(question)),
                                  is_policy_talk=self._is_policy_talk)
            if route is not None:
                t0 = time.perf_counter()
                if route.kind == "lookup":
                    reply = answer_lookup(route, route.mentions, self.policy_context(LOOKUP_PROBE, 1), english)
                else:
                    reply = answer_need(route, self.catalog, self.policy_context(PROCUREMENT_PROBE, 2), english)
                if reply.products or (route.strong and not self._is_policy_talk(route.need)):
                    answer = self._catalog_answer(reply, route.kind, started, t0)
                    if route.kind == "need":
                        answer.catalog_need, answer.catalog_region = route.need, route.region
                    return answer
        if not scope.in_scope:
            total = (time.perf_counter() - started) * 1000
            return Answer(out_of_scope_answer(kb, english), "out_of_scope", False, [], kb.version,
                          {"retrieve": 0.0, "compose": total, "total": total})

        t0 = time.perf_counter()
        result = self.retriever.retrieve(question, k=5)
        t1 = time.perf_counter()
        words = kb.lexicon.words(result.query_text)
        candidates = [self._citation(hit, words, result.query_vector) for hit in self._chosen(result.clauses)]
        retrieved = {hit.clause.key for hit in result.clauses}
        citations, _dropped = verify_citations(kb, candidates, retrieved)
        if not citations:
            total = (time.perf_counter() - started) * 1000
            return Answer(out_of_scope_answer(kb, english), "out_of_scope", False, [], kb.version,
                          {"retrieve": (t1 - t0) * 1000, "compose": total - (t1 - t0) * 1000, "total": total})
        intent = classify_intent(result.query_text)
        lead = conclusion(question, citations[0].quote, english)
        headings = [kb.clause(c.doc_id, c.clause_id).heading for c in citations]
        outline = self._outline(citations[0])
        text = render_answer(lead, citations, headings, english, outline=outline)
        finished = time.perf_counter()
        return Answer(
            answer=text,
            intent=intent,
            grounded=True,
            citations=citations,
            kb_version=kb.version,
            timings_ms={
                "retrieve": (t1 - t0) * 1000,
                "compose": (finished - t1) * 1000,
                "total": (finished - started) * 1000,
            },
        )
