"""How a topic question's listed themes and examples are read (the listing itself is tested on the real notice in
tests/test_pipeline.py)."""

import pytest

from assistant.answer.evidence import examples


@pytest.mark.parametrize(("question", "given"), [
    ("出行交通这块,比如修路、过江通道啥的,今年有哪些任务", ["修路", "过江通道"]),
    ("吃的东西安不安全,比如学校食堂啊药品啊,区里今年咋管的", ["学校食堂", "药品"]),
    ("数字化方面的任务,包括大数据、智能设备、信息化这些", ["大数据", "智能设备", "信息化"]),
    ("例如说垃圾分类和无废城市之类的", ["垃圾分类", "无废城市"]),
    ("老小区这一块——旧改、装电梯、物业管理,对应哪几条任务", ["旧改", "装电梯", "物业管理"]),  # spelled out after a dash
    ("环保方面有哪些任务", []),
    ("比如A", []),  # one character is no example
    ("学区划片包括哪些小区?", []),  # asks what is included
])
def test_examples_a_question_gives(question: str, given: list[str]) -> None:
    assert examples(question) == given


def test_phrases_listed_one_after_another_are_each_a_theme(assistant) -> None:  # type: ignore[no-untyped-def]
    """「给企业减负、整治乱收费这类」: phrases no theme holds, listed with 、, are scored one by one; two-character
    names (南大、南邮, which the notice also holds inside other words: 南大年轻力商圈) are not themes."""
    phrases = assistant.evidence._phrases
    assert phrases("给企业减负、整治乱收费这类任务有哪些") == ["给企业减负", "整治乱收费"]
    assert phrases("跟南大、南邮、药大这些大学合作的事") == []
    # two-character words of the tasks are themes, the relation word before the first is not
    assert phrases("跟燃气、消防有关的有哪些") == ["燃气", "消防"]
    assert phrases("跟物业、电梯这些有关的") == ["物业", "电梯"]


def test_a_question_with_only_a_one_character_word_is_about_that_word(assistant) -> None:  # type: ignore[no-untyped-def]
    """「涉及水的任务有哪些」: 水 is what it asks about (a longer word always wins: single characters are noise)."""
    assert assistant.lexicon.nouns("涉及水的任务有哪些") == ["水"]
    answer = assistant.answer("涉及水的任务有哪些")
    assert not answer.refused and all("水" in assistant._task_of(r).body for r in answer.refs)


def test_money_said_is_a_sum_not_an_area_or_a_count() -> None:
    from assistant.answer.evidence import MONEY_ASK, MONEY_SAID

    assert MONEY_SAID.search("每部补助15万元") and MONEY_SAID.search("每餐3元助餐补贴")
    assert not MONEY_SAID.search("新建高标准农田3.5万亩,吸纳就业2万人")
    for asked in ("每亩补助多少钱", "月工资是多少", "退出的话能拿到多少补偿", "补助标准是什么"):
        assert MONEY_ASK.search(asked), asked


def test_a_place_named_is_not_a_kind_of_place() -> None:
    from assistant.answer.evidence import PLACE_SAID

    for named in ("柳塘社区新建托育点", "城河村地块", "重点在龙塘镇推进", "下关街道"):
        assert PLACE_SAID.search(named), named
    for kind in ("新建社区长者食堂20个", "在8个街道便民服务中心设立", "改造老旧小区12个", "每家社区卫生服务中心", "送戏下乡"):
        assert not PLACE_SAID.search(kind), kind


def test_a_groups_heading_counts_as_its_tasks_words_in_a_listing() -> None:
    from assistant.answer.evidence import EvidenceSelector
    from assistant.ingest.parse import parse_notice

    notice = parse_notice("测试样本:某县2025年工作要点\n一、粮食安全\n(一)稳定粮食生产\n1.全年播种面积52万亩。\n"
                          "2.落实耕地地力保护补贴等惠农政策。\n(二)加强耕地保护\n3.新建高标准农田3万亩。\n", doc_id="x")
    subsidy = notice.task(2)
    weights = {"粮食": 1.0, "生产": 1.0}
    assert EvidenceSelector._coverage(subsidy, weights, 2.0) == (0.0, 0.0)
    assert EvidenceSelector._coverage(subsidy, weights, 2.0, heading=True)[0] == 1.0
