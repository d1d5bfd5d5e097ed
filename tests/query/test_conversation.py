"""What a follow-up points at, from the turns the user saw (plans and the references each answer showed)."""

from __future__ import annotations

from assistant.query.conversation import answered, asking, focus_of, pointed
from assistant.query.plan import Op, Plan, Turn
from assistant.records import Ref

DOC = "d"
LIST = Turn(Plan(Op.LIST, "区商务局负责哪些任务", units=("区商务局",)), tuple(Ref(DOC, n) for n in (2, 3, 5)))
ONE = Turn(Plan(Op.TASK, "第二项是什么", tasks=(Ref(DOC, 3),)), (Ref(DOC, 3),))
FACT = Turn(Plan(Op.FACT, "托位新增多少"), (Ref(DOC, 54), Ref(DOC, 53)))


def test_this_one_is_the_focus_and_these_are_the_whole_list() -> None:
    assert pointed([LIST, ONE], "这项谁牵头") == (Ref(DOC, 3),)
    assert pointed([LIST, ONE], "这几项谁牵头") == LIST.refs
    assert pointed([LIST, ONE], "它们的协办单位") == LIST.refs


def test_the_other_one_is_what_was_not_talked_about() -> None:
    pair = Turn(Plan(Op.LIST, "它还负责什么", units=("区商务局",)), (Ref(DOC, 3), Ref(DOC, 5)))
    assert pointed([ONE, pair], "另外那项谁协办") == (Ref(DOC, 5),)


def test_the_focus_of_a_fact_is_its_first_task_and_of_a_task_answer_all_it_named() -> None:
    assert focus_of(FACT) == (Ref(DOC, 54),)
    many = Turn(Plan(Op.TASK, "这几项谁牵头", tasks=LIST.refs), LIST.refs)
    assert focus_of(many) == LIST.refs


def test_a_statement_is_not_a_question_and_a_short_reply_fills_the_question_back() -> None:
    assert not asking("家里俩娃都在上学。") and asking("有什么安排?")
    back = Plan(Op.CLARIFY, "管委会负责哪些任务?", reason="kind", subject="管委会", units=("高新区管委会", "铁北管委会"))
    assert answered(back, "高新区的") == "高新区管委会负责哪些任务?"
    assert answered(back, "区商务局负责哪些任务?") == ""
