"""The hybrid retriever as a langchain ``BaseRetriever`` (for the optional LLM chain)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from knowledge.retrieval.hybrid import HybridRetriever


class LangchainRetriever(BaseRetriever):
    """Returns one langchain document per retrieved clause (verbatim text, ids in metadata)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: HybridRetriever
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs: Any) -> list[LCDocument]:
        kb = self.retriever.kb
        result = self.retriever.retrieve(query, k=self.k)
        docs = []
        for hit in result.clauses:
            clause = hit.clause
            document = kb.documents[clause.doc_id]
            docs.append(LCDocument(
                page_content=clause.text,
                metadata={"doc_id": clause.doc_id, "clause_id": clause.clause_id, "label": clause.label,
                          "heading": clause.heading, "doc_title": document.title,
                          "doc_number": document.doc_number, "score": hit.score, "kb_version": kb.version},
            ))
        return docs
