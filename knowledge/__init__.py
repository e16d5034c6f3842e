"""jingpin's knowledge layer: the published policy text, its indexes, the 《目录》 and the rules.

Nothing here imports :mod:`ingest` or :mod:`bot`. The names below are the layer's public face;
they load lazily so that importing one small module (e.g. :mod:`knowledge.errors`) stays cheap.

    text/       normalising, the lexicon (synonyms, English glossary), names, numerals
    index/      embedders, the dense (Chroma) and sparse (BM25) indexes
    kb/         the data model (Document, Clause, Passage, Citation), versions on disk, KnowledgeBase
    retrieval/  hybrid retrieval over one KB version
    catalog/    《目录》 rows in SQL, their name and vector indexes, catalog search
    rules/      the facts vocabulary, rules files, the verdict engine, a case's facts (profile)
    db/         the SQL engine and the staff tables (tokens, audit)
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Settings": "knowledge.settings",
    "KnowledgeError": "knowledge.errors",
    "Document": "knowledge.kb.models",
    "Clause": "knowledge.kb.models",
    "Passage": "knowledge.kb.models",
    "Citation": "knowledge.kb.models",
    "ScoredClause": "knowledge.kb.models",
    "KnowledgeBase": "knowledge.kb.knowledge_base",
    "load_kb": "knowledge.kb.knowledge_base",
    "HybridRetriever": "knowledge.retrieval.hybrid",
    "Product": "knowledge.catalog.models",
    "CatalogSearch": "knowledge.catalog.search",
    "CatalogFilters": "knowledge.catalog.search",
    "Rule": "knowledge.rules.loader",
    "Verdict": "knowledge.rules.engine",
    "evaluate": "knowledge.rules.engine",
    "case_facts": "knowledge.rules.profile",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
