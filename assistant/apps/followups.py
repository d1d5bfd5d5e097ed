"""Follow-up questions offered under an answer, derived from its plan and the tasks it cites (never from one
notice's wording): the other role of a unit list, and the units that lead or assist the cited tasks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..query.plan import Op, Plan
from ..records import Answer, Role

MAX_FOLLOWUPS = 3
# operations whose answers are not about tasks: nothing to follow up
_NONE = {Op.INVALID, Op.HELP, Op.REFUSE, Op.COUNT, Op.METADATA, Op.RANK}


def followups(plan: Plan, answer: Answer, limit: int = MAX_FOLLOWUPS) -> tuple[str, ...]:
    """Two or three questions a reader may ask next, each answerable from the notices (at most `limit`)."""
    if plan.op is Op.CLARIFY:
        # the readings to choose from, as questions
        return tuple(f"{unit}负责哪些任务?" for unit in plan.units[:limit])
    if answer.refused or plan.op in _NONE or not answer.sources:
        return ()
    asked = set(plan.units)
    out: list[str] = []
    if plan.op is Op.LIST and len(plan.units) == 1:
        unit = plan.units[0]
        leads = sum(unit in t.leads for t in answer.sources)
        assists = sum(unit in t.assists for t in answer.sources)
        if plan.role is Role.LEAD:
            out.append("那协办呢?")
        elif plan.role is Role.ASSIST:
            out.append("那主办呢?")
        elif leads and assists:  # both roles in one list: narrowing it is a real question
            out.append("其中哪些是协办的?")
    if len(answer.sources) == 1 and plan.op is not Op.TASK:
        out.append(f"任务{answer.sources[0].number}属于哪个部分?")
    for unit in _other_units(answer, asked):
        out.append(f"{unit}还负责哪些任务?")
    return tuple(dict.fromkeys(q for q in out if q != plan.question))[:limit]


def _other_units(answer: Answer, asked: set[str]) -> Sequence[str]:
    """Units of the cited tasks other than those asked about: leads first (first cited first), then the units
    that assist most of the cited tasks."""
    leads = [u for t in answer.sources for u in t.leads if u not in asked]
    assists = Counter(u for t in answer.sources for u in t.assists if u not in asked)
    ranked = [u for u, _ in sorted(assists.items(), key=lambda kv: -kv[1])]
    return list(dict.fromkeys([*leads, *ranked]))
