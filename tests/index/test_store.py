"""The Chroma index on disk: idempotent upserts, rebuild on a changed corpus or model, recovery from corruption."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.index.chunks import fingerprint
from assistant.index.embeddings import make_embeddings
from assistant.index.store import VectorIndex, collection_name

from ..conftest import CORPUS


@pytest.fixture()
def fresh(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    return Settings.from_env(environ={}, corpus_dir=corpus, index_dir=tmp_path / "index")


def test_chunks_have_ids_from_document_and_task(assistant: Assistant) -> None:
    ids = [c.id for c in assistant.chunks]
    assert len(ids) == len(set(ids)) == 1 + 6 + 78
    assert "000_d657d27eca61cd1c:task:9" in ids
    task9 = next(c for c in assistant.chunks if c.task_number == 9)
    assert task9.text.startswith("聚力提升发展能级")  # the section title travels with the task


def test_reindex_is_an_idempotent_upsert(fresh: Settings) -> None:
    first = Assistant(fresh)
    assert first.rebuilt and first.index.count() == 85
    second = Assistant(fresh)
    assert not second.rebuilt and second.index.count() == 85
    # forcing a rebuild re-adds the same ids: still no duplicates
    second.index.ensure(second.chunks, force=True)
    assert second.index.count() == 85
    store = second.index.store
    store.add_texts([c.text for c in second.chunks[:5]], ids=[c.id for c in second.chunks[:5]])
    assert second.index.count() == 85


def test_changed_corpus_triggers_a_rebuild(fresh: Settings, caplog: pytest.LogCaptureFixture) -> None:
    Assistant(fresh)
    path = next(fresh.corpus_dir.glob("*.txt"))
    path.write_text(path.read_text("utf-8").replace("新增公共停车泊位600个以上", "新增公共停车泊位700个以上"), "utf-8")
    with caplog.at_level(logging.WARNING):
        changed = Assistant(fresh)
    assert changed.rebuilt
    assert "rebuilding" in caplog.text
    hits = changed.index.search("新增公共停车泊位700个", 1)
    assert "700个" in hits[0].chunk.text
    stored = changed.index.store.get(ids=["000_d657d27eca61cd1c:task:43"])
    assert "700个以上" in stored["documents"][0]  # no stale vector text left behind
    assert changed.answer("新增多少公共停车泊位?").citations == (43,)


def test_fingerprint_depends_on_text_and_model(assistant: Assistant) -> None:
    chunks = assistant.chunks
    assert fingerprint(chunks, "a") != fingerprint(chunks, "b")
    assert fingerprint(chunks, "a") != fingerprint(chunks[:-1], "a")
    st = Settings.from_env(environ={}, embedding_backend="sentence-transformers", embedding_model="/models/x")
    assert collection_name(st) != collection_name(Settings.from_env(environ={}))


def test_corrupted_index_is_rebuilt(fresh: Settings, caplog: pytest.LogCaptureFixture) -> None:
    Assistant(fresh)
    for path in fresh.index_dir.rglob("*"):
        if path.is_file() and path.name != ".lock":
            path.write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING):
        again = Assistant(fresh)
    assert again.rebuilt and again.index.count() == 85
    assert "rebuilding" in caplog.text
    assert again.answer("江豚公园谁负责?").citations == (31,)


def test_deleted_index_is_rebuilt(fresh: Settings) -> None:
    Assistant(fresh)
    shutil.rmtree(fresh.index_dir)
    again = Assistant(fresh)
    assert again.rebuilt and again.index.count() == 85


def test_chroma_gets_our_embeddings_and_no_telemetry(assistant: Assistant) -> None:
    with pytest.raises(Exception, match="embedding function"):
        VectorIndex(assistant.settings, None)  # type: ignore[arg-type]
    client_settings = assistant.index.store._client.get_settings()
    assert client_settings.anonymized_telemetry is False
    # the collection was created without Chroma's default (downloading) embedding function
    assert assistant.index.store.embeddings is make_embeddings(assistant.settings)
    assert not (Path.home() / ".cache" / "chroma" / "onnx_models").exists()


@pytest.mark.parametrize(
    ("query", "task"),
    [("江豚观赏", 31), ("孩子托育名额", 54), ("养老院床位", 55), ("煤气罐改管道", 58), ("老人独居安全", 46),
     ("空气污染治理", 34), ("找工作服务站", 45)],
)
def test_dense_search_ranks_paraphrases(assistant: Assistant, query: str, task: int) -> None:
    """multilingual-e5 on its own finds tasks from everyday wording, not the notice's own."""
    assert assistant.index.search(query, 3)[0].chunk.task_number == task


def test_two_processes_starting_on_one_index_do_not_corrupt_it(tmp_path: Path) -> None:
    """Both build-or-open at once; the file lock makes one build and the other find it up to date."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(tmp_path / "shared"), "ASSISTANT_CORPUS_DIR": str(CORPUS)}
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-m", "assistant", "ask", "江豚公园谁负责?"], env=env, cwd=root,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert all("【任务31】" in out for out, _ in outputs)
    settings = Settings.from_env(environ={}, corpus_dir=CORPUS, index_dir=tmp_path / "shared")
    again = Assistant(settings)
    assert not again.rebuilt and again.index.count() == 85
