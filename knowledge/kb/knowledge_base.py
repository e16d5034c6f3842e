"""A loaded, read-only knowledge base version: documents, clauses, passages and both indexes."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from knowledge.errors import KBNotBuiltError, UnknownClauseError
from knowledge.index.dense import DenseIndex, make_client
from knowledge.index.embedders import Embedder, load_embedder
from knowledge.index.sparse import SparseIndex
from knowledge.kb.models import Clause, Document, Passage
from knowledge.kb.registry import KBRegistry
from knowledge.settings import Settings
from knowledge.text.lexicon import Lexicon, shared_lexicon

log = logging.getLogger(__name__)


@dataclass
class KnowledgeBase:
    """One published version, immutable once loaded; safe to share between requests."""

    version: int
    manifest: dict[str, Any]
    documents: dict[str, Document]
    clauses: list[Clause]
    passages: list[Passage]
    dense: DenseIndex
    sparse: SparseIndex
    bigrams: SparseIndex
    lexicon: Lexicon
    passage_vectors: np.ndarray
    rules_files: dict[str, str] | None = None  # name → YAML text this version serves (None: the bundled ones)
    _by_key: dict[tuple[str, str], Clause] = field(default_factory=dict)
    _passages_of: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    _word_df: Counter[str] = field(default_factory=Counter)
    _heading_words: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_key = {(c.doc_id, c.clause_id): c for c in self.clauses}
        grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, p in enumerate(self.passages):
            grouped[(p.doc_id, p.clause_id)].append(i)
        self._passages_of = dict(grouped)
        for clause in self.clauses:
            first = self._passages_of.get(clause.key, [])[:1]
            context = " ".join(self.passages[i].context for i in first)
            # Search-mode tokens include sub-words (精品 of 浙江制造精品), so a question's word is known
            # whether or not the segmenter kept the longer term together.
            self._word_df.update(set(self.lexicon.index_tokens(f"{context} {clause.text}")))
            # What the clause is about in its own words: heading, or a special part's descriptors.
            own = context if clause.kind == "special" else f"{context.rsplit('>', 1)[-1]} {clause.heading}"
            self._heading_words[clause.key] = frozenset(self.lexicon.words(own))

    @cached_property
    def passage_positions(self) -> dict[str, int]:
        """Position in :attr:`passages` of each passage id."""
        return {p.passage_id: i for i, p in enumerate(self.passages)}

    @cached_property
    def corpus_text(self) -> str:
        """All clause texts joined: for "does the KB mention X at all" checks."""
        return "\n".join(c.text for c in self.clauses)

    def clause(self, doc_id: str, clause_id: str) -> Clause:
        """The clause with this id; raises :class:`UnknownClauseError` when there is none."""
        try:
            return self._by_key[(doc_id, clause_id)]
        except KeyError:
            raise UnknownClauseError(f"条款不存在 / no such clause: {doc_id} {clause_id}") from None

    def has_clause(self, doc_id: str, clause_id: str) -> bool:
        """True when the KB holds this clause."""
        return (doc_id, clause_id) in self._by_key

    def clauses_of(self, doc_id: str) -> list[Clause]:
        """Clauses of one document in reading order."""
        return [c for c in self.clauses if c.doc_id == doc_id]

    def passage_indexes(self, clause: Clause) -> list[int]:
        """Positions (in :attr:`passages`) of the passages cut from ``clause``."""
        return self._passages_of.get(clause.key, [])

    def heading_words(self, clause: Clause) -> frozenset[str]:
        """Canonical words of the clause's own heading (or, for special parts, what they are called)."""
        return self._heading_words.get(clause.key, frozenset())

    def word_weight(self, word: str) -> float:
        """How specific a word is in this KB (IDF over clauses); words the KB never uses weigh most."""
        n = len(self.clauses)
        return math.log((n + 1) / (self._word_df.get(word, 0) + 0.5))

    @cached_property
    def _naming(self) -> dict[str, frozenset[str]]:
        return {d.doc_id: frozenset(self.lexicon.index_tokens(f"{d.title} {d.doc_number}"))
                for d in self.documents.values()}

    @cached_property
    def programme_tokens(self) -> frozenset[str]:
        """The tokens of the programme names quoted in the documents' titles (“浙江制造精品”): every
        clause of such a document is about the programme, so they say little about which clause answers."""
        names = [n for d in self.documents.values() for n in re.findall(r"[“\"]([^”\"]{2,20})[”\"]", d.title)]
        return frozenset(t for n in names for t in self.lexicon.query_tokens(n))

    def naming_tokens(self, doc_id: str) -> frozenset[str]:
        """The tokens of a document's title and 文号: words that say which document, not what in it."""
        return self._naming.get(doc_id, frozenset())

    @cached_property
    def canonical_corpus(self) -> str:
        """:attr:`corpus_text` in canonical form (folded, synonyms mapped)."""
        return self.lexicon.canonicalize(self.corpus_text)

    def knows_word(self, word: str) -> bool:
        """True when some clause (or its breadcrumb) uses the canonical word, as a token or inside a
        longer term (知识产权 in 自主知识产权)."""
        return word in self._word_df or (len(word) >= 2 and not word.isascii() and word in self.canonical_corpus)


def load_kb(settings: Settings, version: int | None = None, *, registry: KBRegistry, client: Any = None,
            embedder: Embedder | None = None) -> KnowledgeBase:
    """Load the published version (or ``version``) from the deployment's registry. A vector
    collection that is missing or incomplete (a new host's empty embedded store) is rebuilt from the
    version's passages: the data dir holds caches only."""
    wanted = version if version is not None else registry.current_version()
    if wanted is None:
        raise KBNotBuiltError("知识库尚未构建，请先运行 jingpin ingest / no KB published yet")
    content = registry.read(wanted)
    manifest, passages = content.manifest, content.passages
    embedder = embedder or load_embedder(manifest.get("embedder", settings.embedder))
    if embedder.spec != manifest.get("embedder"):
        raise KBNotBuiltError(
            f"知识库版本 {wanted} 用 {manifest.get('embedder')} 构建，当前设置为 {embedder.spec}，请重新构建 / "
            f"version {wanted} was built with another embedder; rebuild it"
        )
    client = client or make_client(settings)
    dense = DenseIndex(client, registry.collection_name(wanted), embedder)
    if dense.count() != len(passages):
        log.info("rebuilding the vectors of KB version %s in %s", wanted, registry.collection_name(wanted))
        dense.add(passages)
    lexicon = shared_lexicon()
    texts = [p.indexed_text for p in passages]
    # b=0.5: short special parts (title, 附件) should not win on length normalisation alone.
    sparse = SparseIndex.from_texts(texts, lexicon, b=0.5)
    bigrams = SparseIndex.bigrams_from_texts(texts, lexicon, b=0.5)
    vectors = dense.vectors([p.passage_id for p in passages])
    return KnowledgeBase(
        version=wanted,
        manifest=manifest,
        documents={d.doc_id: d for d in content.documents},
        clauses=content.clauses,
        passages=passages,
        dense=dense,
        sparse=sparse,
        bigrams=bigrams,
        lexicon=lexicon,
        passage_vectors=vectors,
        rules_files={name: text for name, (text, _) in content.rules.items()} if content.rules is not None else None,
    )
