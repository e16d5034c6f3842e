"""Product vectors in their own Chroma collection, keyed by the hash of the embedded text.

Keying by text (not by product id) means an unchanged row is never re-embedded, two rows with the
same text share a vector, and adding vectors before the table commits cannot disturb readers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from knowledge.index.embedders import Embedder, JingpinEmbeddingFunction

MAX_BATCH = 5000  # Chroma rejects batches above 5461
EMBED_BATCH = 64

Progress = Callable[[int], None]


def vector_key(text: str) -> str:
    """The Chroma id of the vector of ``text``."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def collection_name(embedder: Embedder, prefix: str = "") -> str:
    """One collection per embedder, so switching models never mixes vector spaces; ``prefix`` (the
    deployment id) keeps deployments sharing a Chroma server apart."""
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", embedder.spec).strip("-")[:40] or "default"
    return f"{prefix}catalog-{slug}-{hashlib.sha1(embedder.spec.encode()).hexdigest()[:8]}"


class ProductVectors:
    """The catalog's vector store: embeds texts it does not have and hands back stored vectors."""

    def __init__(self, client: Any, embedder: Embedder, prefix: str = "") -> None:
        self.embedder = embedder
        self._collection = client.get_or_create_collection(
            collection_name(embedder, prefix),
            embedding_function=JingpinEmbeddingFunction(embedder.spec),
            configuration={"hnsw": {"space": "cosine"}},
        )

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts that have no stored vector yet."""
        wanted = {vector_key(t): t for t in texts}
        present: set[str] = set()
        keys = list(wanted)
        for start in range(0, len(keys), MAX_BATCH):
            got = self._collection.get(ids=keys[start : start + MAX_BATCH], include=[])
            present.update(got["ids"])
        return [t for k, t in wanted.items() if k not in present]

    def ensure(self, texts: Sequence[str], progress: Progress | None = None) -> int:
        """Embed and store every text without a vector; returns how many were embedded."""
        todo = self.missing(texts)
        for start in range(0, len(todo), EMBED_BATCH):
            chunk = todo[start : start + EMBED_BATCH]
            vectors = self.embedder.embed_passages(chunk)
            self._collection.upsert(
                ids=[vector_key(t) for t in chunk],
                embeddings=[v.tolist() for v in vectors],
                documents=chunk,
            )
            if progress:
                progress(len(chunk))
        return len(todo)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Stored vectors of ``texts`` as an (n, dim) array in that order (embedding any missing)."""
        self.ensure(texts)
        keys = [vector_key(t) for t in texts]
        unique = list(dict.fromkeys(keys))
        by_key: dict[str, Any] = {}
        for start in range(0, len(unique), MAX_BATCH):
            got = self._collection.get(ids=unique[start : start + MAX_BATCH], include=["embeddings"])
            by_key.update(zip(got["ids"], got["embeddings"], strict=True))
        if not keys:
            return np.zeros((0, self.embedder.dim), np.float32)
        return np.asarray([by_key[k] for k in keys], dtype=np.float32)

    def prune(self, keep_texts: Sequence[str]) -> int:
        """Delete vectors no row uses any more; returns how many were deleted."""
        keep = {vector_key(t) for t in keep_texts}
        stored = self._collection.get(include=[])["ids"]
        stale = [k for k in stored if k not in keep]
        for start in range(0, len(stale), MAX_BATCH):
            self._collection.delete(ids=stale[start : start + MAX_BATCH])
        return len(stale)
