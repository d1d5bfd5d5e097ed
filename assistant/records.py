"""Typed, frozen records that cross stage boundaries: references, parsed notices, chunks, hits and answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, NamedTuple

ChunkKind = Literal["task", "notice", "section"]


class Ref(NamedTuple):
    """One numbered item of one notice: what every citation, gold answer and metric is made of."""

    doc_id: str
    number: int

    def __str__(self) -> str:
        return f"{self.doc_id}:{self.number}"


class Role(StrEnum):
    """What a unit does in a task: leads it (主办, 牵头) or assists (协办, 配合)."""

    LEAD = "lead"
    ASSIST = "assist"


# A question's role filter: one role, or None for both.
RoleFilter = Role | None

# how answers name a unit's role in a task; a question about both roles reads 负责
ROLE_LABEL = {Role.LEAD: "主办(牵头)", Role.ASSIST: "协办"}
EITHER_ROLE = "负责"


def role_label(role: Role | str | None, either: str = EITHER_ROLE) -> str:
    """「主办(牵头)」 / 「协办」 for a role (or its value, "lead" / "assist"); `either` for none."""
    return ROLE_LABEL[Role(role)] if role in tuple(Role) else either


class Level(StrEnum):
    """The administrative level of the government that issues a notice."""

    DISTRICT = "区"
    CITY = "市"
    COUNTY = "县"
    PROVINCE = "省"
    STREET = "街道"  # a 街道办事处, within a district
    TOWN = "镇"
    TOWNSHIP = "乡"
    UNKNOWN = ""


@dataclass(frozen=True)
class TaskUnit:
    """A unit named in a task, with its role there."""

    name: str
    role: Role


@dataclass(frozen=True)
class Identity:
    """Who issued a notice, for which place and year, and how to name it briefly."""

    issuer: str = ""
    place: str = ""  # 鼓楼区, 南京市, 蔡甸区
    level: Level = Level.UNKNOWN
    year: str = ""  # "2024"
    short_title: str = ""  # 鼓楼区2024年主要工作目标任务分解落实方案
    parent: str = ""  # the district or county a street or town is in (云溪区 for 云溪区青禾街道), when the notice says

    @property
    def place_short(self) -> str:
        """The place without its level suffix (鼓楼区 -> 鼓楼), or "" when that would leave one character."""
        if self.place and self.level and self.place.endswith(self.level.value) and len(self.place) > 2:
            return self.place[: -len(self.level.value)]
        return ""


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
    """One numbered task: its text verbatim, and the units named in it with their roles."""

    doc_id: str
    number: int
    section: int
    text: str  # the whole item as written, unit bracket included, verbatim
    body: str  # the text without the units
    sentences: tuple[str, ...]
    units: tuple[TaskUnit, ...] = ()
    # filled by layouts that give them (a 责任领导 column, a 完成时限 line); "" when the notice does not say
    leader: str = ""
    deadline: str = ""
    # where the notice prints it when its numbering restarts in each part (「第二部分第3项」); "" when `number` is
    # the number printed
    printed_at: str = ""
    # the heading of the group the task is under, between its part and itself (「(六)全面推进乡村振兴」 ->
    # 全面推进乡村振兴), for layouts 一、 > (一) > 1.; "" when the notice has no such level
    group: str = ""

    @property
    def ref(self) -> Ref:
        return Ref(self.doc_id, self.number)

    @property
    def leads(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.units if u.role is Role.LEAD)

    @property
    def assists(self) -> tuple[str, ...]:
        return tuple(u.name for u in self.units if u.role is Role.ASSIST)

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


_YEAR = re.compile(r"(20\d\d)年")


@dataclass(frozen=True)
class ParseInfo:
    """How a notice was read, for the parse report: the layout found, where units came from, what looks wrong."""

    layout: str = ""  # e.g. 「一、 > 1.;单位在句末括号」
    unit_sources: tuple[tuple[str, int], ...] = ()  # (where units were found, how many tasks), e.g. ("括号", 78)
    role_rule: str = ""  # the covering notice's rule for 责任单位, when it states one
    warnings: tuple[str, ...] = ()
    corrections: str = ""  # the file of corrections applied, when there is one
    # names of one unit written two ways in the notice, read as one: (the name kept, (the other names …))
    unified: tuple[tuple[str, tuple[str, ...]], ...] = ()


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
    identity: Identity = field(default_factory=Identity)
    # paragraphs between the plan's title and its first part (「为贯彻落实……,制定本方案。」), not part of the title
    intro: str = ""
    info: ParseInfo = field(default_factory=ParseInfo, compare=False)
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
        if self.identity.year:
            return self.identity.year
        m = _YEAR.search(self.plan_title) or _YEAR.search(self.meta.title)
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

    def group_tasks(self, section: int, heading: str) -> list[Task]:
        """The tasks under a group heading within a part (「(六)全面推进乡村振兴」), in order."""
        return [t for t in self.tasks if t.section == section and t.group == heading]


@dataclass(frozen=True)
class Chunk:
    """A unit of retrieval: one task, the covering notice, or a section heading."""

    id: str
    doc_id: str
    kind: ChunkKind
    text: str
    task_number: int = 0
    section: int = 0

    @property
    def ref(self) -> Ref:
        return Ref(self.doc_id, self.task_number)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score from one retriever (higher is better)."""

    chunk: Chunk
    score: float
    source: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says: text, the items it cites (in order), what retrieval ranked, and how."""

    text: str
    refs: tuple[Ref, ...] = ()  # every citation, in order of first mention
    retrieved: tuple[Ref, ...] = ()  # what retrieval ranked, best first (empty for routes that do not retrieve)
    refused: bool = False
    route: str = ""
    sources: tuple[Task, ...] = field(default=(), compare=False)
    # the titles of the parts the text names (「第四部分“…”」): a rewritten part's list must keep them
    part_titles: tuple[str, ...] = field(default=(), compare=False)
    # Who wrote `text` when a generator is configured (assistant/answer/generation.py): "" = composed from the
    # records without asking a model; "local:NAME" / "openai:MODEL" = the model's text, checked;
    # "extractive; 回退:…" = the model was asked but its text was not used (why follows), the composed answer stands.
    generator: str = ""

    @property
    def citations(self) -> tuple[int, ...]:
        """The cited task numbers, without repeats (unambiguous only while one notice is loaded: see `refs`)."""
        return tuple(dict.fromkeys(r.number for r in self.refs))
