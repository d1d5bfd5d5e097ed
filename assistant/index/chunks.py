"""What is indexed: one chunk per task (with its part's title), the covering notice, each part's heading."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from ..records import Chunk, Notice

# Bump when chunking changes: it is part of the fingerprint, so old indexes rebuild themselves.
CHUNKING_VERSION = "1"


def chunks_of(notice: Notice) -> list[Chunk]:
    """One chunk per task (with its section title), one for the covering notice, one per section heading."""
    doc = notice.doc_id
    chunks = [
        Chunk(
            id=f"{doc}:notice",
            doc_id=doc,
            kind="notice",
            text="\n".join(
                [notice.meta.title, "、".join(notice.covering.addressees), notice.covering.body,
                 notice.covering.issuer, notice.covering.date, *([notice.intro] if notice.intro else [])]
            ),  # the plan's opening paragraph (「为……,制定本方案。」), when it has one, is searchable with it
        )
    ]
    for section in notice.sections:
        chunks.append(
            Chunk(
                id=f"{doc}:section:{section.number}",
                doc_id=doc,
                kind="section",
                text=f"{section.numeral}、{section.title}",
                section=section.number,
            )
        )
    for task in notice.tasks:
        title = notice.section_of(task.section).title
        chunks.append(
            Chunk(
                id=f"{doc}:task:{task.number}",
                doc_id=doc,
                kind="task",
                text="\n".join([title, *([task.group] if task.group else []), f"{task.number}.{task.text}"]),
                task_number=task.number,
                section=task.section,
            )
        )
    return chunks


def fingerprint(chunks: Sequence[Chunk], embedding_id: str) -> str:
    """A hash of every chunk id and text, the chunking version and the embedding model."""
    digest = hashlib.sha256(f"{CHUNKING_VERSION}\n{embedding_id}\n".encode())
    for chunk in chunks:
        digest.update(f"{chunk.id}\n{chunk.text}\n".encode())
    return digest.hexdigest()
