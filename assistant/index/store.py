"""The persistent Chroma index: idempotent upserts of chunks, rebuilt when the corpus or the model changes."""

from __future__ import annotations

import fcntl
import logging
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from ..errors import IndexError_
from ..records import Chunk, Hit
from ..settings import Settings
from .chunks import fingerprint

log = logging.getLogger(__name__)

# Chunks embedded per call (the progress bar moves per batch) and handed to Chroma per upsert: one upsert per
# 32 chunks made insertion 204 s of a 100,000-task build, one per 1,024 86 s (docs/benchmarks.md).
EMBED_BATCH = 32
INSERT_BATCH = 1024

Progress = Callable[[int, int], None]


def collection_name(settings: Settings) -> str:
    """One collection per embedding model, so vectors of two models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", settings.embedding_id).strip("-").lower()
    return f"{settings.collection_prefix}-{slug}"[:60].strip("-")


def _metadata(chunk: Chunk) -> dict[str, str | int]:
    return {"doc_id": chunk.doc_id, "kind": chunk.kind, "task_number": chunk.task_number, "section": chunk.section}


@contextmanager
def _locked(index_dir: Path) -> Iterator[None]:
    """An exclusive lock so two processes starting on one index directory do not build it at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class VectorIndex:
    """Dense search over chunks in a persistent Chroma collection, through LangChain's Chroma integration."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        if embeddings is None:
            # Chroma's own default embedding function downloads a model: never let it be used.
            raise IndexError_("VectorIndex needs an embedding function")
        self._settings = settings
        self._embeddings = embeddings
        self._dir = settings.index_dir
        self._name = collection_name(settings)
        self._store: Chroma | None = None
        self._by_id: dict[str, Chunk] = {}

    def _client(self) -> chromadb.ClientAPI:
        if self._settings.chroma_host:
            try:
                return chromadb.HttpClient(
                    host=self._settings.chroma_host,
                    port=self._settings.chroma_port,
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
            except Exception as exc:  # noqa: BLE001 - connection errors come in many types
                raise IndexError_(
                    f"cannot reach the Chroma server at {self._settings.chroma_host}:{self._settings.chroma_port}: {exc}"
                ) from exc
        if not (self._dir / "chroma.sqlite3").exists():
            # the folder was deleted under us: drop Chroma's in-process cache of it, or it serves the old state
            self._forget()
        return chromadb.PersistentClient(
            path=str(self._dir), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        )

    def _open(self) -> Chroma:
        return Chroma(
            collection_name=self._name,
            embedding_function=self._embeddings,
            client=self._client(),
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    def ensure(self, chunks: Sequence[Chunk], progress: Progress | None = None, force: bool = False) -> bool:
        """Make the collection hold exactly these chunks; returns True when it had to (re)build."""
        self._by_id = {c.id: c for c in chunks}
        expected = fingerprint(chunks, self._settings.embedding_id)
        try:
            return self._ensure(chunks, expected, progress, force)
        except OSError as exc:
            raise IndexError_(f"cannot use the index folder {self._dir}: {exc.strerror or exc}") from exc

    def _ensure(self, chunks: Sequence[Chunk], expected: str, progress: Progress | None, force: bool) -> bool:
        with _locked(self._dir):
            try:
                store = self._open()
                current = (store._collection.metadata or {}).get("fingerprint")
                count = store._collection.count()
            except IndexError_:
                raise
            except Exception as exc:  # noqa: BLE001 - an unreadable store of any kind is rebuilt
                if self._settings.chroma_host:
                    raise IndexError_(f"the Chroma server's collection {self._name} is unreadable: {exc}") from exc
                log.warning("index at %s is unreadable (%s); rebuilding it from the corpus", self._dir, exc)
                self._wipe()
                store, current, count = self._open(), None, 0
            if not force and current == expected and count == len(chunks):
                self._store = store
                return False
            if current is not None and current != expected:
                log.warning("corpus or embedding model changed since the index was built; rebuilding it")
            self._store = self._rebuild(store, chunks, expected, progress)
            return True

    def _forget(self) -> None:
        """Stop and drop the System Chroma caches per directory (an in-process singleton keyed by path)."""
        systems = SharedSystemClient._identifier_to_system
        system = systems.pop(str(self._dir), None)
        if system is not None:
            try:
                system.stop()
            except Exception as exc:  # noqa: BLE001 - a broken store may not stop cleanly; it is discarded anyway
                log.debug("stopping the old Chroma system failed: %s", exc)

    def _wipe(self) -> None:
        self._forget()
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir.mkdir(parents=True, exist_ok=True)

    def _rebuild(self, store: Chroma, chunks: Sequence[Chunk], expected: str, progress: Progress | None) -> Chroma:
        store.delete_collection()
        store = self._open()
        total = len(chunks)
        for start in range(0, total, INSERT_BATCH):
            batch = chunks[start : start + INSERT_BATCH]
            vectors: list[list[float]] = []
            for offset in range(0, len(batch), EMBED_BATCH):
                vectors += self._embeddings.embed_documents([c.text for c in batch[offset : offset + EMBED_BATCH]])
                if progress:
                    progress(start + min(offset + EMBED_BATCH, len(batch)), total)
            # what add_texts does after embedding; upsert by id (document id + task number): re-adding never duplicates
            store._collection.upsert(
                ids=[c.id for c in batch], embeddings=vectors,  # type: ignore[arg-type]
                metadatas=[_metadata(c) for c in batch], documents=[c.text for c in batch],
            )
        # the fingerprint is written last: a build that stops half way is seen as stale next time
        store._collection.modify(metadata={"fingerprint": expected, "embedding_id": self._settings.embedding_id})
        return store

    @property
    def store(self) -> Chroma:
        if self._store is None:
            raise IndexError_("the index is not open: call ensure() first")
        return self._store

    def count(self) -> int:
        return int(self.store._collection.count())

    def search(self, query: str, k: int) -> list[Hit]:
        """The k chunks nearest to the query, cosine similarity as score."""
        pairs: list[tuple[Document, float]] = self.store.similarity_search_with_score(query, k=k)
        hits = []
        for doc, distance in pairs:
            chunk = self._by_id.get(str(doc.id))
            if chunk is not None:
                hits.append(Hit(chunk=chunk, score=1.0 - float(distance), source="dense"))
        return hits

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the index was built with (the same one embeds queries)."""
        return self._embeddings

    def search_vector(self, vector: Sequence[float], k: int) -> list[Hit]:
        """The k chunks nearest to an already embedded query (HNSW search only, no embedding)."""
        query: list[Sequence[float]] = [list(vector)]
        got = self.store._collection.query(query_embeddings=query, n_results=k, include=["distances"])
        ids, distances = got["ids"][0], (got["distances"] or [[]])[0]
        return [Hit(self._by_id[i], 1.0 - float(d), "dense") for i, d in zip(ids, distances, strict=True)
                if i in self._by_id]

    def stored_vectors(self) -> tuple[list[str], list[list[float]]]:
        """Every stored chunk text with its vector, in storage order (the benchmarks reuse real vectors)."""
        got = self.store._collection.get(include=["embeddings", "documents"])
        return list(got["documents"] or []), [list(map(float, v)) for v in (got["embeddings"] if got["embeddings"] is not None else [])]

    def manifest(self) -> dict[str, str | int]:
        meta = dict(self.store._collection.metadata or {})
        return {"collection": self._name, "count": self.count(), **{k: str(v) for k, v in meta.items()}}
