"""Whether a sentence gives the time of what a question asks "when" of."""

from __future__ import annotations

import pytest

from assistant.query.times import time_stated


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
