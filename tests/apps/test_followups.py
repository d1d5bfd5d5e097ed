"""Follow-up questions: derived from the plan and the cited tasks (fixture records), and answered by the real
assistant on the seed notice when they are offered."""

from __future__ import annotations

import pytest

from assistant.apps.followups import MAX_FOLLOWUPS, followups
from assistant.pipeline import Assistant
from assistant.query.plan import Op, Plan
from assistant.records import Answer, Ref, Role, Task, TaskUnit


def task(number: int, leads: tuple[str, ...], assists: tuple[str, ...] = ()) -> Task:
    units = tuple(TaskUnit(n, Role.LEAD) for n in leads) + tuple(TaskUnit(n, Role.ASSIST) for n in assists)
    return Task("doc", number, 1, "正文", "正文", ("正文",), units)


def answered(*tasks: Task) -> Answer:
    return Answer(text="…", refs=tuple(Ref("doc", t.number) for t in tasks), sources=tasks, route="unit")


def test_a_unit_list_offers_the_other_role_and_the_units_it_shares_tasks_with() -> None:
    tasks = (task(1, ("甲局", "乙局")), task(2, ("丙局",), ("甲局",)), task(3, ("甲局",), ("丁局",)))
    plan = Plan(Op.LIST, question="甲局负责哪些任务?", units=("甲局",))
    assert followups(plan, answered(*tasks)) == ("其中哪些是协办的?", "乙局还负责哪些任务?", "丙局还负责哪些任务?")
    lead_only = Plan(Op.LIST, units=("甲局",), role=Role.LEAD)
    assert followups(lead_only, answered(tasks[0], tasks[2]))[0] == "那协办呢?"
    assist_only = Plan(Op.LIST, units=("甲局",), role=Role.ASSIST)
    assert followups(assist_only, answered(tasks[1]))[0] == "那主办呢?"


def test_a_list_with_one_role_only_does_not_offer_narrowing_it() -> None:
    tasks = (task(1, ("甲局",)), task(2, ("甲局",), ("乙局",)))
    offered = followups(Plan(Op.LIST, units=("甲局",)), answered(*tasks))
    assert "其中哪些是协办的?" not in offered and offered == ("乙局还负责哪些任务?",)


def test_a_fact_offers_its_task_part_and_its_units() -> None:
    offered = followups(Plan(Op.FACT, question="新增多少?"), answered(task(43, ("戊局",), ("各街道", "己局"))))
    assert offered == ("任务43属于哪个部分?", "戊局还负责哪些任务?", "各街道还负责哪些任务?")


def test_assisting_units_are_ranked_by_how_many_cited_tasks_they_assist() -> None:
    tasks = (task(1, ("甲局",), ("乙局",)), task(2, ("甲局",), ("丙局", "乙局")), task(3, ("甲局",), ("丙局", "乙局")))
    offered = followups(Plan(Op.TOPIC), answered(*tasks))
    assert offered == ("甲局还负责哪些任务?", "乙局还负责哪些任务?", "丙局还负责哪些任务?")


def test_nothing_is_offered_for_refusals_counts_or_answers_without_sources() -> None:
    one = task(1, ("甲局",))
    assert followups(Plan(Op.FACT), Answer(text="无法回答", refused=True, sources=(one,))) == ()
    assert followups(Plan(Op.COUNT), answered(one)) == ()
    assert followups(Plan(Op.FACT), Answer(text="…")) == ()
    many = tuple(task(n, (f"单位{n}",)) for n in range(1, 9))
    assert len(followups(Plan(Op.TOPIC), answered(*many))) == MAX_FOLLOWUPS


@pytest.mark.parametrize("question", [
    "区商务局负责哪些任务?", "区教育局负责哪些任务?", "区教育局主办哪些任务?", "区房产局负责哪些任务?",
    "停车泊位今年新增多少?", "江豚公园谁负责?", "第四部分讲什么?", "我们小区能加装电梯吗?",
])
def test_offered_follow_ups_are_answered_on_the_seed_notice(assistant: Assistant, question: str) -> None:
    answer = assistant.answer(question)
    offered = followups(assistant.understand(question), answer)
    assert 2 <= len(offered) <= MAX_FOLLOWUPS, offered
    for follow_up in offered:
        reply = assistant.answer(follow_up, [question])
        assert not reply.refused and reply.refs, (follow_up, reply.text)
    # a unit named in a follow-up is one of the cited tasks' units
    units = {u.name for t in answer.sources for u in t.units}
    for follow_up in offered:
        if follow_up.endswith("还负责哪些任务?"):
            assert follow_up.removesuffix("还负责哪些任务?") in units


def test_a_question_back_offers_its_readings() -> None:
    plan = Plan(Op.CLARIFY, question="管委会负责哪些任务", reason="kind", subject="管委会",
                units=("甲管委会", "乙管委会", "丙管委会", "丁管委会"))
    assert followups(plan, Answer(text="…", route="clarify")) == (
        "甲管委会负责哪些任务?", "乙管委会负责哪些任务?", "丙管委会负责哪些任务?")
