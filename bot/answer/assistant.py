"""The :class:`Assistant`: everything a channel may ask of jingpin, in one place.

HTTP, Telegram, the web page and the CLI call these methods and only translate their results; none
of them builds its own composer, search or facts. The Assistant is built once (:mod:`bot.app`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import Any

from bot.answer.answer import Answer
from bot.answer.conversation.followups import answer_follow_up, next_turn, rewrite
from bot.answer.conversation.sessions import SessionStore
from bot.answer.documents import ClauseView, DocumentView, find_clause, list_documents
from bot.answer.question import Question
from bot.answer.verdicts.checks import (
    Audience,
    Eligibility,
    ProcurementCheck,
    category_products,
    check_rules,
    fact_uses,
    procurement_facts,
    select_rules,
)
from bot.answer.versions import ComposerCache
from knowledge.catalog.index import CatalogIndex
from knowledge.catalog.models import CatalogHit, CatalogPage, Product
from knowledge.catalog.search import CatalogFilters, CatalogSearch
from knowledge.kb.knowledge_base import KnowledgeBase
from knowledge.rules.facts import show
from knowledge.rules.loader import Rule
from knowledge.rules.profile import case_facts


class Assistant:
    """Answers, verdicts, catalog searches and clause look-ups over the published KB version."""

    def __init__(self, versions: ComposerCache, catalog: CatalogSearch, sessions: SessionStore) -> None:
        self.versions = versions
        self.catalog = catalog
        self.sessions = sessions

    # -- the knowledge base -------------------------------------------------------------------------
    def kb(self, version: int | None = None) -> KnowledgeBase:
        """The published KB version (or a retained ``version``)."""
        return self.versions.extractive(version).kb

    def rules(self) -> list[Rule]:
        """The rules of the published version."""
        return self.versions.current().rules

    def documents(self) -> list[DocumentView]:
        """The documents of the published version."""
        return list_documents(self.kb())

    def clause(self, doc_id: str | None, clause_id: str) -> ClauseView:
        """One clause, verbatim (``clause_id`` in id or label form; without ``doc_id``, the first
        document that has it). UnknownClauseError when there is none."""
        return find_clause(self.kb(), doc_id, clause_id)

    # -- questions ------------------------------------------------------------------------------------
    def parse(self, text: str, kb_version: int | None = None) -> Question:
        """``text`` read once, with the sector names of the rules and the catalog."""
        kb = self.kb(kb_version)
        return Question.parse(text, kb.lexicon, self.versions.extractive(kb_version).sectors(), kb.corpus_text)

    def ask(self, text: str, *, session_id: str | None = None, profile: Mapping[str, Any] | None = None,
            as_of: dt.date | None = None, kb_version: int | None = None) -> Answer:
        """Answer ``text`` (validated: 1–2000 characters) as a turn of ``session_id``: follow-ups are
        resolved against the previous turn, and the facts stated so far (session, ``profile``, the
        question) form the asker's case. FactError / UnknownProductError / UnknownVersionError on bad input."""
        started = time.perf_counter()
        last = self.sessions.turn(session_id)
        composer = self.versions.extractive(kb_version)
        english = composer.kb.lexicon.is_english(text)
        answer = answer_follow_up(text, last, composer, english)
        if answer is None:
            saved = self.sessions.get(session_id)
            question = self.parse(rewrite(text, last, english), kb_version)
            facts = case_facts(saved, profile or {}, question.stated_facts, lookup=self.catalog.get)
            answer = self.versions.answerer(kb_version).ask(question, facts, as_of,
                                                            own_case=bool(saved or profile))
            self.sessions.remember(session_id, {k: show(v) for k, v in answer.facts.items()})
        answer = dataclasses.replace(answer, timings_ms={**answer.timings_ms,
                                                         "total": (time.perf_counter() - started) * 1000})
        self.sessions.remember_turn(session_id, next_turn(text, answer, last))
        return answer

    # -- verdicts -------------------------------------------------------------------------------------
    def case(self, *layers: Mapping[str, Any]) -> dict[str, Any]:
        """The facts of one case from the given layers (later ones win) and the catalog row of its
        ``product_id``; FactError / UnknownProductError on bad input."""
        return case_facts(*layers, lookup=self.catalog.get)

    def check_eligibility(self, profile: Mapping[str, Any], *, as_of: dt.date | None = None,
                          rule_ids: Sequence[str] | None = None, audience: Audience | None = None) -> Eligibility:
        """Every selected rule's verdict (met / not_met / needs_info) for ``profile`` on ``as_of``
        (default today)."""
        composer = self.versions.current()
        rules = select_rules(composer.rules, rule_ids=rule_ids, audience=audience)
        return check_rules(rules, self.case(profile), as_of or dt.date.today(), composer.kb.version)

    def procurement_check(self, facts: Mapping[str, Any], *, product_category: str | None = None,
                          as_of: dt.date | None = None) -> ProcurementCheck:
        """A buyer's obligations and options, with the active catalog products of ``product_category``."""
        case = self.case(procurement_facts(facts))
        products, matches = category_products(self.catalog, product_category)
        if product_category and product_category.strip():
            case.setdefault("catalog_has_category", bool(products))
        composer = self.versions.current()
        rules = select_rules(composer.rules, audience="buyer")
        return ProcurementCheck(check_rules(rules, case, as_of or dt.date.today(), composer.kb.version),
                                products, matches)

    def fact_vocabulary(self) -> list[dict[str, Any]]:
        """The facts the rules read, with the question to ask for each and which side uses it."""
        return fact_uses(self.rules())

    # -- the catalog ----------------------------------------------------------------------------------
    def search_catalog(self, q: str, filters: CatalogFilters | None = None, *, limit: int = 20,
                       offset: int = 0) -> CatalogPage:
        """Catalog products: exact names first, then fuzzy, then meaning; filters run in SQL."""
        return self.catalog.search(q, filters, limit=limit, offset=offset)

    def product(self, product_id: str) -> Product:
        """One product, withdrawn ones included (UnknownProductError when unknown)."""
        return self.catalog.get(product_id)

    def alternatives(self, product_id: str, limit: int = 10) -> list[CatalogHit]:
        """Active products of other enterprises in the same sector, most similar first."""
        return self.catalog.alternatives(product_id, limit=limit)

    def catalog_snapshot(self) -> CatalogIndex:
        """The catalog as served now (revision and rows)."""
        return self.catalog.index()

    def metrics(self) -> dict[str, int]:
        """Counters for /healthz (e.g. LLM fallbacks)."""
        return self.versions.metrics.snapshot()
