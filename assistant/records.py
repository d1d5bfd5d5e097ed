"""Typed, frozen records that cross stage boundaries: parsed notices, chunks, hits and answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["all", "lead", "assist"]
ChunkKind = Literal["task", "notice", "section"]


@dataclass(frozen=True)
class DocumentMeta:
    """The metadata header of a notice (索引号, 文号, 发布机构 ...), values verbatim."""

    doc_id: str
    title: str  # 信息名称
    index_number: str = ""  # 索引号
    doc_number: str = ""  # 文号
    publisher: str = ""  # 发布机构
    date: str = ""  # 生成日期
    keywords: tuple[str, ...] = ()  # 关键词
    fields: tuple[tuple[str, str], ...] = ()  # every header field as (label, value), in order


@dataclass(frozen=True)
class CoveringNotice:
    """The short notice that circulates the plan: who it is for, what it says, who signed, when."""

    title: str
    addressees: tuple[str, ...]
    body: str
    issuer: str
    date: str
    note: str = ""  # e.g. (此件公开发布)


@dataclass(frozen=True)
class Section:
    """One of the numbered parts (一、二、…) of the plan."""

    doc_id: str
    number: int
    numeral: str
    title: str
    task_numbers: tuple[int, ...]


@dataclass(frozen=True)
class Task:
    """One numbered task: its text verbatim, and the units that lead (主办) and assist (协办) it."""

    doc_id: str
    number: int
    section: int
    text: str  # the whole line after "N.", unit bracket included, verbatim
    body: str  # the text without the trailing unit bracket
    sentences: tuple[str, ...]
    leads: tuple[str, ...]
    assists: tuple[str, ...]

    @property
    def gist(self) -> str:
        """The first clause of the task: a one-line summary that is still a verbatim quote."""
        return first_clause(self.body)


def first_clause(text: str, limit: int = 40) -> str:
    """Text up to the first comma or full stop, cut at `limit` characters."""
    for i, ch in enumerate(text):
        if ch in ",,。;;":
            text = text[:i]
            break
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Notice:
    """A whole parsed notice."""

    meta: DocumentMeta
    covering: CoveringNotice
    plan_title: str
    sections: tuple[Section, ...]
    tasks: tuple[Task, ...]
    # False for a document without the plan structure: its "tasks" are numbered paragraphs
    structured: bool = True
    # task by number, built once (a unit list of thousands of tasks looks each one up)
    _by_number: dict[int, Task] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_number", {t.number: t for t in self.tasks})

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id

    @property
    def year(self) -> str:
        """The year the plan is for (2024 in 《2024年区政府主要工作目标任务分解落实方案》), or ""."""
        m = re.search(r"(20\d\d)年", self.plan_title) or re.search(r"(20\d\d)年", self.meta.title)
        return m.group(1) if m else ""

    @property
    def item(self) -> str:
        """What a citation calls one numbered item: 任务 in a plan, 段 in other documents."""
        return "任务" if self.structured else "段"

    def task(self, number: int) -> Task:
        try:
            return self._by_number[number]
        except KeyError:
            raise KeyError(f"{self.doc_id} has no task {number}") from None

    def section_of(self, number: int) -> Section:
        return self.sections[number - 1]


@dataclass(frozen=True)
class Chunk:
    """A unit of retrieval: one task, the covering notice, or a section heading."""

    id: str
    doc_id: str
    kind: ChunkKind
    text: str
    task_number: int = 0
    section: int = 0


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score from one retriever (higher is better)."""

    chunk: Chunk
    score: float
    source: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says: text, the tasks it cites (in order), what retrieval ranked, and how."""

    text: str
    citations: tuple[int, ...] = ()
    retrieved: tuple[int, ...] = ()
    refused: bool = False
    route: str = ""
    sources: tuple[Task, ...] = field(default=(), compare=False)
    # (document id, task number) of each citation: unambiguous once several notices are loaded
    refs: tuple[tuple[str, int], ...] = ()
    retrieved_refs: tuple[tuple[str, int], ...] = ()
    # Who wrote `text` when a generator is configured (assistant/generation.py): "" = composed from the records
    # without asking a model; "local:NAME" / "openai:MODEL" = the model's text, checked; "extractive; 回退:…" = the
    # model was asked but its text was not used (why follows), the composed answer stands.
    generator: str = ""
