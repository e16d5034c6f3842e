"""The extractive answer composer: scope → intent → retrieve → quote → verify → phrase.

Every factual sentence of an answer is a verbatim quote of a cited clause; what connects them
(conclusion words, headings such as 依据) is template text. Nothing is generated.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Mapping
from typing import Any

from bot.answer.answer import Answer, CatalogNeed, Point, timings
from bot.answer.catalog.answers import LOOKUP_PROBE, PROCUREMENT_PROBE, CatalogReply, answer_lookup, answer_need
from bot.answer.catalog.questions import CatalogQuestion, route_catalog
from bot.answer.clause_extras import conditions_with, lead_in_of, outline, part_points, where_detail_lives
from bot.answer.conclusion import conclude
from bot.answer.conditions import shared_words, specific, stated_in
from bot.answer.form import QuestionForm, read_form
from bot.answer.intent import Intent, classify_intent, is_catalog_question
from bot.answer.leading import exclusion_first, force_first
from bot.answer.limits import within_limits
from bot.answer.phrasing import MAX_POINTS, answer_points, out_of_scope_answer, render_answer
from bot.answer.premises import settled_by_the_case
from bot.answer.question import Question
from bot.answer.quotes import select_quote
from bot.answer.scope import assess_scope
from bot.answer.sources import named_in, newest_note, point_labels, sources_line
from bot.answer.thresholds import settled_by_figures, stated_against_minimums
from bot.answer.verdicts.answers import (
    forbidden_text,
    forbids,
    pick_rules,
    render_verdicts,
    rule_sectors,
    verdict_conclusion,
)
from bot.answer.verify import verify_citations
from knowledge.catalog.search import CatalogSearch
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.kb.models import Citation, ScoredClause
from knowledge.retrieval.hybrid import HybridRetriever
from knowledge.rules.engine import evaluate
from knowledge.rules.loader import Rule, load_rules

_APPLYING = re.compile(r"申请|申报|评选|认定|入选|参评|评上|评精品|qualif|apply|eligib", re.IGNORECASE)
_THIS_PROGRAMME = re.compile(r"浙江制造精品|精品|目录|zhejiang made|catalog", re.IGNORECASE)
HOME_PROBE = "我省 产品 认定 重点选择"  # which province's products a policy recognises
MAX_CITATIONS = 3
VALUE_FORMS = frozenset({"quantity", "time", "actor", "procedure"})  # asking what, not whether
FURTHER = 12  # how deep to look for the clause a question's form or asked value needs
SECONDARY_RATIO = 0.85  # a further clause is cited when its fused score is this close to the best


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
            # A further clause must match the question's words too, not only its general topic, and
            # not come from another year's notice of the same series (that year was not asked about).
            if not _is_heading_only(hit) and hit.sparse >= 0.5 * best.sparse and not self._other_year(best, hit):
                chosen.append(hit)
        return chosen

    def _further(self, question: str, words: list[str], doc_id: str) -> list[Citation]:
        """Every clause of ``doc_id``, best match for ``question`` first, quoted and verified (a date asked
        may sit in a 申报程序 clause that shares one word with the question)."""
        result = self.retriever.retrieve(question, k=len(self.kb.clauses_of(doc_id)), doc_ids={doc_id})
        hits = [self._citation(h, words, result.query_vector) for h in result.clauses if not _is_heading_only(h)]
        return verify_citations(self.kb, hits, {h.clause.key for h in result.clauses})[0]

    def _other_year(self, best: ScoredClause, hit: ScoredClause) -> bool:
        series = self.kb.documents[best.clause.doc_id].series
        return bool(series) and hit.clause.doc_id != best.clause.doc_id \
            and self.kb.documents[hit.clause.doc_id].series == series

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

    def _is_policy_talk(self, text: str) -> bool:
        """True when every word of ``text`` is the policy's own (a rule question, not a product need)."""
        words = self.kb.lexicon.words(text)
        return bool(words) and all(self.kb.knows_word(w) for w in words)

    def sectors(self) -> set[str]:
        """Sector names the rules test for and the catalog holds (to read a stated sector)."""
        found = set(self._rule_sectors)
        if self.catalog is not None:
            found |= self.catalog.index().sectors
        return found

    def more_products(self, need: CatalogNeed, offset: int, english: bool) -> Answer:
        """The next products for an earlier catalog need (a "有没有别的产品？" follow-up)."""
        started = time.perf_counter()
        assert self.catalog is not None
        route = CatalogQuestion(kind="need", need=need.need, region=need.region)
        reply = answer_need(route, self.catalog, self.policy_context(PROCUREMENT_PROBE, 2), english, offset=offset)
        return self._catalog_answer(reply, "need", started, time.perf_counter(), need)

    def _catalog_answer(self, reply: CatalogReply, kind: str, started: float, t0: float,
                        need: CatalogNeed | None = None) -> Answer:
        rows = [c for c in reply.citations if c.kind == "catalog"]
        clauses = self.policy_context(LOOKUP_PROBE if kind == "lookup" else PROCUREMENT_PROBE,
                                      1 if kind == "lookup" else 2)
        # A lookup is answered by the rows themselves; a need by the rules that make the rows matter.
        citations = rows + clauses if kind == "lookup" else clauses + rows
        finished = time.perf_counter()
        return Answer(answer=reply.text, intent="catalog", grounded=True, citations=tuple(citations),
                      kb_version=self.kb.version, timings_ms=timings(finished - t0, t0 - started, finished - started),
                      products=tuple(reply.products), catalog_need=need)

    def _rules_cover(self, question: Question) -> bool:
        """False when the KB holds documents the rules do not cite and the question is about one of them
        (a notice's criteria without rules for them): then the clauses answer, not 573号's verdicts."""
        cited = {c.doc_id for rule in self.rules for c in rule.citations}
        if len(self.kb.documents) < 2 or not cited:
            return True
        top = self.retriever.retrieve(question.text, k=1).clauses
        return not top or top[0].clause.doc_id in cited

    def _verdict_answer(self, question: Question, form: QuestionForm, facts: Mapping[str, Any], as_of: dt.date,
                        started: float, own_case: bool) -> Answer | None:
        asked = pick_rules(question.text, self.rules, dict(facts), profile_given=own_case)
        if asked is not None and not self._rules_cover(question):
            return None
        if asked is None:
            return None
        t0 = time.perf_counter()
        verdicts = evaluate(asked.rules, dict(facts), as_of)
        citations = tuple({(c.doc_id, c.clause_id, c.quote): c for v in verdicts for c in v.citations}.values())
        topic = classify_intent(question.canonical)
        intent: Intent = topic if topic in ("eligibility", "incentive", "procurement") else (
            "procurement" if asked.buyer else "eligibility")
        text, conclusion = render_verdicts(verdicts, question.english), verdict_conclusion([v.status for v in verdicts])
        if form.excluding and not form.states_ban and forbids(verdicts):  # "能不能排斥…？" against a 不得
            text, conclusion = forbidden_text(text, question.english), "no"
        finished = time.perf_counter()
        return Answer(answer=text, intent=intent, grounded=True,
                      citations=citations, kb_version=self.kb.version, verdicts=tuple(verdicts), facts=facts,
                      conclusion=conclusion,
                      timings_ms=timings(0.0, finished - t0, finished - started))

    def ask(self, question: Question, facts: Mapping[str, Any] | None = None, as_of: dt.date | None = None, *,
            own_case: bool = False) -> Answer:
        """Answer ``question``. ``facts`` is the asker's case (:func:`knowledge.rules.profile.case_facts`);
        a question about their own case (first person, or ``own_case``: a profile was given) gets verdicts
        computed for ``as_of`` (default today). The answer carries ``facts``, for the session to keep."""
        started = time.perf_counter()
        facts = facts or {}
        scope = assess_scope(self.kb, question.text)
        form = read_form(question.text)  # read once: the verdict and the clause answer both turn on it
        answer = None
        if scope.reason not in ("injection", "other_region"):
            answer = self._verdict_answer(question, form, facts, as_of or dt.date.today(), started, own_case)
            if answer is not None and answer.conclusion == "needs_info":
                # Verdicts that only ask for more facts help someone filling in a case (a profile, a
                # session, stated facts). When the clause itself settles the question — "不是必须",
                # "全免？不是", "文件未作具体规定" — that answers it without asking for anything.
                clause = self._answer(question, form, scope, started)
                # "文件对精品企业的参展名额有什么说法？" asks what the text says, not for a verdict on a case.
                asks_text = form.kind in ("open", "definition", "actor", "procedure", "criteria")
                # A rule the asker's figures already fail says more than the clause's 不符合 (all rules shown).
                settled = clause.conclusion in ("no", "not_specified") and not any(
                    v.status == "not_met" for v in answer.verdicts)
                if not (own_case or question.stated_facts) or asks_text or settled:
                    answer = clause
        answer = answer or self._answer(question, form, scope, started)
        return dataclasses.replace(answer, facts=facts)

    def _out_of_scope(self, english: bool, started: float, retrieve: float = 0.0) -> Answer:
        total = time.perf_counter() - started
        return Answer(out_of_scope_answer(self.kb, english), "out_of_scope", False, (), self.kb.version,
                      timings(retrieve, total - retrieve, total), conclusion="out_of_scope")

    def _answer(self, question: Question, form: QuestionForm, scope: Any, started: float) -> Answer:
        kb, english = self.kb, question.english
        # "一直挂在目录里吗？" asks whether a standing lasts, "必须买目录里的吗？" a duty: rules, not products.
        rule_question = form.lasting or form.excluding or form.kind == "obligation"
        if self.catalog is not None and scope.reason not in ("injection", "other_region") and not rule_question:
            route = route_catalog(question.text, self.catalog, intent_is_catalog=is_catalog_question(question.canonical),
                                  is_policy_talk=self._is_policy_talk)
            if route is not None:
                t0 = time.perf_counter()
                if route.kind == "lookup":
                    reply = answer_lookup(route, route.mentions, self.policy_context(LOOKUP_PROBE, 1), english)
                else:
                    reply = answer_need(route, self.catalog, self.policy_context(PROCUREMENT_PROBE, 2), english)
                if reply.products or (route.strong and not self._is_policy_talk(route.need)):
                    need = CatalogNeed(route.need, route.region) if route.kind == "need" else None
                    return self._catalog_answer(reply, route.kind, started, t0, need)
        # An enterprise from another province asking to be recognised: answered, if the text limits it to 我省.
        elsewhere = scope.reason == "other_region" and bool(_APPLYING.search(question.text)) \
            and bool(_THIS_PROGRAMME.search(question.text))
        if not scope.in_scope and not elsewhere:
            return self._out_of_scope(english, started)

        t0 = time.perf_counter()
        result = self.retriever.retrieve(question.text, k=FURTHER)  # the answer's own five, and a few more
        t1 = time.perf_counter()
        words = kb.lexicon.words(result.query_text)
        candidates = [self._citation(hit, words, result.query_vector) for hit in self._chosen(result.clauses[:5])]
        retrieved = {hit.clause.key for hit in result.clauses}
        citations, _dropped = verify_citations(kb, candidates, retrieved)
        if not citations:
            return self._out_of_scope(english, started, t1 - t0)

        def others(doc_id: str | None, depth: int = 5) -> list[Citation]:  # of that document, else retrieved
            return self._further(question.text, words, doc_id) if doc_id else verify_citations(kb, [self._citation(
                h, words, result.query_vector) for h in result.clauses[:depth] if not _is_heading_only(h)], retrieved)[0]

        # the clause whose sentence has the force the form turns on leads (or states the value asked)
        citations = force_first(form, question.text, citations, others,
                                lambda text: shared_words(kb.lexicon.canonicalize(text), words),
                                lambda text: stated_in(text, question.text, words, kb.lexicon.words))[:MAX_CITATIONS]
        # the asker's own figures against the minimums of the first clause (and of its list, if all must hold)
        settled = None if form.kind in VALUE_FORMS else stated_against_minimums(
            conditions_with(kb, citations[0]), question.stated_facts, english, question.text)
        if settled is None:
            citations = exclusion_first(form, citations, lambda: others(None, FURTHER),
                                        lambda c: lead_in_of(kb, c), lambda c, t: named_in(kb, c.doc_id, t, specific(words)))
        concluded = conclude(form, question.text, citations[0].quote, citations[0].text, words, kb.lexicon.words, english,
                             lead_in=lead_in_of(kb, citations[0]))
        concluded = settled_by_the_case(concluded, question.text, question.stated_facts, kb.corpus_text, english)
        if settled is not None:
            concluded, citations = settled_by_figures(concluded, citations, settled)
        home = (lambda: self.policy_context(HOME_PROBE, 3)) if elsewhere else None
        limited = within_limits(concluded, citations, scope, english, home, words, kb.lexicon.canonicalize)
        if limited is None:
            return self._out_of_scope(english, started, t1 - t0)
        concluded, citations = limited
        first = citations[0]
        if concluded.decisive != first.quote:  # the sentence the conclusion rests on, verbatim
            citations[0] = dataclasses.replace(first, quote=concluded.decisive)
        lead = concluded.lead
        if concluded.kind == "not_specified" and (form.kind in ("criteria", "procedure")
                                                  or classify_intent(result.query_text) == "eligibility"):
            note = where_detail_lives(kb, citations)
            if note:
                citations += note
                lead += (" The details are in the document's attachment, which this knowledge base does not hold."
                         if english else "具体规定见文件所列附件，本知识库未收录附件全文。")
        headings = [kb.clause(c.doc_id, c.clause_id).heading for c in citations]
        points = answer_points(citations)
        first = citations[0]
        points[1:1] = [Point(text, first.doc_id, first.clause_id, first.label) for text in concluded.support]
        points += part_points(kb, question.text, citations, points)
        del points[MAX_POINTS:]
        newer = newest_note(kb, question.text, citations, english)
        text = render_answer(lead, citations, headings, points, english, outline=outline(kb, citations[0]),
                             sources="\n".join(filter(None, [sources_line(kb, citations, english), newer])),
                             labels=point_labels(kb, citations, points, english))
        finished = time.perf_counter()
        return Answer(answer=text, intent=classify_intent(result.query_text), grounded=True,
                      citations=tuple(citations), kb_version=kb.version, conclusion=concluded.kind,
                      lead=lead, points=tuple(points),
                      timings_ms=timings(t1 - t0, finished - t1, finished - started))
