"""A question's meaning as data: the operation it asks for and its arguments, which the pipeline executes exactly
over the records (retrieval only where a topic or a fact needs it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..records import Ref, RoleFilter


class Op(StrEnum):
    """What is asked. Each operation has one handler in the pipeline."""

    LIST = "list"  # the tasks of units (and / or / but-not), optionally within sections or about a topic
    COUNT = "count"  # the size of the plan, or the tasks with no assisting unit
    RANK = "rank"  # which unit or part has the most (least, n-th most) tasks
    TASK = "task"  # one or more tasks by number: content, who, which part
    SECTION = "section"  # a part of the plan and its tasks
    METADATA = "metadata"  # the header and the covering notice
    WHO = "who"  # who leads a piece of work found by retrieval
    FACT = "fact"  # a fact or target found by retrieval
    TOPIC = "topic"  # every task about a topic (scored over all tasks, never cut at top-k)
    MULTI = "multi"  # several questions in one: `parts`
    HELP = "help"
    CLARIFY = "clarify"  # two or more readings tie, or nothing to refer to: ask the user (`reason`, `subject`, `units`)
    REFUSE = "refuse"  # the notices do not answer it: `reason`, `subject`
    INVALID = "invalid"  # not a question the assistant can take (empty, too long)


class Combine(StrEnum):
    """How the units of a list question combine."""

    EACH = "each"  # each unit's own tasks (shared ones shown first)
    AND = "and"  # tasks all of them share
    OR = "or"  # tasks any of them has


class Order(StrEnum):
    MOST = "most"
    LEAST = "least"


@dataclass(frozen=True)
class Rank:
    """A ranking over units or parts: the n-th most (or least), or those with exactly `equals` tasks. Over "leads"
    (a COUNT's tasks by how many units lead them): exactly `equals` units, else at least `nth`."""

    over: str = "units"  # "units", "sections" or "leads"
    order: Order = Order.MOST
    nth: int = 1
    equals: int = 0  # 「只牵头了一项」: units with exactly this many tasks
    kind: str = ""  # a name suffix the units must end with (街道, 管委会), from the question


@dataclass(frozen=True)
class Plan:
    """What the question asks, in a form the executor can act on exactly."""

    op: Op
    question: str = ""  # the normalised question
    units: tuple[str, ...] = ()
    combine: Combine = Combine.EACH
    exclude: tuple[str, ...] = ()  # units whose tasks are taken out (「但高新区管委会不参与」)
    role: RoleFilter = None
    unit_roles: tuple[RoleFilter, ...] = ()  # each unit's own role (「A主办、B协办」), aligned with `units`
    sections: tuple[int, ...] = ()
    group: str = ""  # for SECTION: a group of the part's tasks, by its heading (「(六)全面推进乡村振兴」)
    tasks: tuple[Ref, ...] = ()
    besides: tuple[Ref, ...] = ()  # for LIST: tasks already shown, left out (「他们还牵头了哪些」)
    topic: str = ""  # words a list is filtered by
    due: int = 0  # a list narrowed to the tasks with a time stated by the end of this month (「6月底前」 -> 6)
    due_said: str = ""  # that bound as the question said it, for the reading
    due_field: bool = False  # the bound is on the 完成时限 field alone (「完成时限在上半年的」), not a time in the text
    field: str = ""  # metadata field; for TASK: content / who / section / deadline / leader (also on WHO); for COUNT: tasks / parts / lead_only / units / units_both / lead_count / shown (the tasks of the last list); for SECTION: title / units; for LIST: alone / no_deadline / leader / deadline (with `value`)
    value: str = ""  # for LIST with field leader / deadline: the value asked (「吴某某」「全年」)
    query: str = ""  # text for retrieval (with the conversation it leans on)
    focus: str = ""  # the current question's own words, for picking sentences
    count: bool = False
    rank: Rank | None = None
    docs: tuple[str, ...] = ()  # documents the question names; empty = all loaded
    each_doc: bool = False  # asked of every notice (「各地的通知里…分别定的多少」): answered notice by notice
    reason: str = ""
    subject: str = ""
    caveat: str = ""  # said before the answer: what the notices cover and the question went beyond
    reading: str = ""  # how the question was understood, shown with structured answers
    parts: tuple[Plan, ...] = ()
    label: str = ""  # the classifier's label, for tests and reports


@dataclass(frozen=True)
class Turn:
    """One earlier turn of a conversation as the user saw it: its plan and the references its answer showed."""

    plan: Plan
    refs: tuple[Ref, ...] = ()
