"""Precomputed vectors for corpora too large to embed here: real vectors of a smaller corpus, reused and perturbed."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PERTURB_SIGMA = 0.01  # per-dimension noise added to a reused vector (384 dims: cosine to the original ~0.98)


class PrecomputedEmbeddings:
    """Embeddings whose documents come from a table of precomputed vectors; queries use the real model."""

    def __init__(self, real: Any, vectors: dict[str, Any]) -> None:
        self._real = real
        self._vectors = vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vectors[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return list(self._real.embed_query(text))


def prepare_vectors(texts: Sequence[str], cache: Path, sigma: float = PERTURB_SIGMA) -> tuple[dict[str, Any], dict[str, int]]:
    """A vector per distinct text: the real one when the cache has that text, else a cached vector reused and
    perturbed (Gaussian noise of `sigma` per dimension, renormalised), picked deterministically by the text's CRC."""
    import numpy as np

    data = np.load(cache, allow_pickle=False)
    known = {str(t): i for i, t in enumerate(data["texts"])}
    base = data["vectors"].astype(np.float32)
    out: dict[str, Any] = {}
    exact = reused = 0
    for text in dict.fromkeys(texts):
        if text in known:
            out[text] = base[known[text]]
            exact += 1
            continue
        crc = zlib.crc32(text.encode("utf-8"))
        noise = np.random.default_rng(crc).normal(0.0, sigma, base.shape[1]).astype(np.float32)
        vector = base[crc % len(base)] + noise
        out[text] = vector / np.linalg.norm(vector)
        reused += 1
    return out, {"exact": exact, "reused_perturbed": reused, "cache_vectors": len(base)}
