"""Dense passage index in Chroma (embedded ``PersistentClient`` or a ``chroma run`` server)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from knowledge.index.embedders import Embedder, JingpinEmbeddingFunction
from knowledge.kb.models import Passage
from knowledge.settings import Settings

MAX_BATCH = 5000  # Chroma rejects batches above 5461


def make_client(settings: Settings) -> Any:
    """Open the Chroma client the settings ask for (server when ``chroma_host`` is set)."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                                   settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class DenseIndex:
    """One Chroma collection of passage vectors; always opened with jingpin's embedding function."""

    def __init__(self, client: Any, name: str, embedder: Embedder) -> None:
        self.name = name
        self.embedder = embedder
        self._function = JingpinEmbeddingFunction(embedder.spec)
        self._collection = client.get_or_create_collection(
            name, embedding_function=self._function, configuration={"hnsw": {"space": "cosine"}}
        )

    def add(self, passages: Sequence[Passage], vectors: np.ndarray | None = None) -> np.ndarray:
        """Embed (unless vectors are given) and store passages; returns their vectors."""
        texts = [p.indexed_text for p in passages]
        if vectors is None:
            vectors = self.embedder.embed_passages(texts)
        for start in range(0, len(passages), MAX_BATCH):
            chunk = passages[start : start + MAX_BATCH]
            self._collection.upsert(
                ids=[p.passage_id for p in chunk],
                embeddings=[v.tolist() for v in vectors[start : start + MAX_BATCH]],
                documents=[p.indexed_text for p in chunk],
                metadatas=[{"doc_id": p.doc_id, "clause_id": p.clause_id} for p in chunk],
            )
        return vectors

    def count(self) -> int:
        """Number of stored passages."""
        return int(self._collection.count())

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """Stored vectors of the given passage ids, in that order."""
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
        return np.asarray([by_id[i] for i in ids], dtype=np.float32)

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-``k`` passage ids with cosine similarity, best first."""
        k = min(k, self.count())
        if k <= 0:
            return []
        res = self._collection.query(query_embeddings=[query_vector.tolist()], n_results=k,
                                     include=["distances"])
        return [(pid, 1.0 - float(dist)) for pid, dist in zip(res["ids"][0], res["distances"][0], strict=True)]


def drop_collection(client: Any, name: str) -> None:
    """Delete a collection if it exists."""
    try:
        client.delete_collection(name)
    except Exception:  # not found: nothing to drop
        pass
