"""Whether a sentence gives the time of what a question asks "when" of."""

from __future__ import annotations

import pytest

from assistant.query.times import due_asked, due_months, time_stated


@pytest.mark.parametrize(("question", "sentence", "stated"), [
    ("高速公路什么时候能全线通车", "加快高速公路建设,年内完成路基工程38公里;", False),  # a time for another stage
    ("新院区什么时候完成主体工程", "推进新院区建设,年内完成主体工程;", True),
    ("专项债资金支出进度什么时候达到90%", "专项债券资金支出进度9月底前达到90%。", True),
    ("江豚公园什么时候建成", "建成江豚城市公园。", False),  # no time at all
    ("全线通车是什么时候", "力争2025年6月底前全线通车。", True),  # the event before the question word
])
def test_a_time_must_be_for_the_event_asked(question: str, sentence: str, stated: bool) -> None:
    assert time_stated(question, sentence) is stated


def test_a_task_without_a_deadline_of_its_own_quotes_the_time_its_text_gives() -> None:
    from assistant.answer.compose import Citer, Composer
    from assistant.answer.messages import Examples
    from assistant.ingest.parse import parse_notice
    from assistant.ingest.units import UnitDirectory

    text = "\n".join(["【测试样本,非真实文件】某市人民政府办公室关于印发某市2025年重点工作任务分解方案的通知", "各部门:",
                      "现将方案印发给你们。", "某市人民政府办公室", "2025年2月1日", "某市2025年重点工作任务分解方案",
                      "一、民生", "1.推进市人民医院新院区建设,年内完成主体工程;新增床位500张。(牵头单位:市卫健委)"])
    notice = parse_notice(text, "mou_2025")
    compose = Composer([notice], UnitDirectory([notice]), Citer([notice]), Examples((), (), (), (), ()))
    said = compose.task(notice.task(1), "deadline", None, question="新院区什么时候完成主体工程").text
    assert "没有单列完成时限,原文写明:“推进市人民医院新院区建设,年内完成主体工程;”" in said
    said = compose.task(notice.task(1), "deadline", None, question="新院区什么时候投用").text
    assert "通知没有写明这项任务的完成时限" in said


@pytest.mark.parametrize(("question", "month", "said"), [
    ("我们配合的这些里,哪些有6月底前的时间节点", 6, "6月底前"),
    ("上半年要完成哪些任务", 6, "上半年"),
    ("哪些任务要在年底前完成", 12, "年底前"),
    ("三季度前要干完的有哪些", 9, "三季度前"),
    ("第一季度末前要办的事有哪些", 3, "一季度末前"),
    ("九月底前需要完成的工作有几项", 9, "九月底前"),
    ("十一月底前哪些要完工", 11, "十一月底前"),
])
def test_a_bound_on_when_tasks_are_due(question: str, month: int, said: str) -> None:
    got, bound, rest = due_asked(question)
    assert (got, bound) == (month, said)
    assert bound not in rest and rest


@pytest.mark.parametrize("question", [
    "10月份有哪些活动",  # when, not by when
    "6月底前首批专项债开工了吗",  # a fact, not a list
    "区商务局负责哪些任务",
    "全年新增就业多少人",
])
def test_no_bound_is_read_where_none_is_asked(question: str) -> None:
    assert due_asked(question) == (0, "", question)


@pytest.mark.parametrize(("text", "deadline", "months"), [
    ("6月底前完成首批专项债项目开工", "", (6,)),
    ("改造老旧小区42个,6月底前全部开工,11月底前全面完工", "", (6, 11)),
    ("10月份举办运动会", "", ()),  # when something happens is no due date
    ("年底前投入使用10万平方米", "", (12,)),
    ("上半年完成招标,三季度开工", "", (6, 9)),
    ("力争2026年6月底前全线通车", "", ()),  # another year's
    ("完成投资85亿元", "2025年12月", (12,)),  # any month of the 完成时限 field
    ("完成投资85亿元", "", ()),
])
def test_the_months_a_task_is_due_by(text: str, deadline: str, months: tuple[int, ...]) -> None:
    assert due_months(text, deadline, "2025") == months
