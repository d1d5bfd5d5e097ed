"""Parser tests on the real notice: structure, every task's lead and assisting units, and the traps in the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import CorpusError
from assistant.ingest.corpus import load_corpus
from assistant.ingest.parse import parse_notice, split_sentences
from assistant.records import Notice

from ..expected_units import expected_units


def test_structure(notice: Notice) -> None:
    assert len(notice.tasks) == 78
    assert [t.number for t in notice.tasks] == list(range(1, 79))
    assert len(notice.sections) == 6
    assert [s.numeral for s in notice.sections] == list("一二三四五六")
    assert notice.sections[3].title == "始终坚守为民初心,全面展现民生保障新作为"
    assert [len(s.task_numbers) for s in notice.sections] == [18, 12, 14, 12, 14, 8]
    assert all(t.section == s.number for s in notice.sections for t in notice.tasks if t.number in s.task_numbers)


def test_every_task_has_exactly_the_units_in_its_bracket(notice: Notice) -> None:
    expected = expected_units()
    assert len(expected) == 78
    for task in notice.tasks:
        assert (task.leads, task.assists) == expected[task.number], task.number


def test_metadata_and_covering_notice(notice: Notice) -> None:
    meta = notice.meta
    assert meta.index_number == "000014349/2024-14622"
    assert meta.doc_number == "鼓政〔2024〕2号"
    assert meta.publisher == "金宝博-金宝博官网"  # verbatim, odd as it is
    assert meta.date == "2024-02-29"
    assert meta.title == "区政府关于印发2024年区政府主要工作目标任务分解落实方案的通知"
    assert meta.keywords == ("区政府主要工作目标任务", "分解落实方案", "通知")
    assert meta.doc_id == "000_d657d27eca61cd1c"
    cover = notice.covering
    assert cover.addressees == ("各街道办事处", "区政府各部门", "各直属单位")
    assert cover.date == "2024年2月29日"
    assert cover.body.startswith("区三届人大三次会议通过的《政府工作报告》")
    assert cover.note == "(此件公开发布)"
    assert notice.plan_title == "2024年区政府主要工作目标任务分解落实方案"


def test_brackets_inside_task_text_are_kept(notice: Notice) -> None:
    assert "苏港(国际)青年创新创业基地" in notice.task(27).body
    assert "中奥(江苏)创新合作中心" in notice.task(27).body
    assert notice.task(27).leads == ("区科技局", "高新区管委会")
    assert "中央北路(上元门段)" in notice.task(39).body


def test_zhuban_inside_task_body_is_not_a_unit(notice: Notice) -> None:
    task = notice.task(77)
    assert "从严控制政府主办的各类论坛" in task.body
    assert task.leads == ("区财政局",)


def test_lead_only_tasks_and_street_among_leads(notice: Notice) -> None:
    for number in (27, 48, 49, 50, 51, 54, 72, 76, 78):
        assert notice.task(number).assists == ()
    assert notice.task(72).leads == ("区司法局", "各街道")
    assert notice.task(13).leads == ("区商务局", "华侨路街道", "湖南路街道", "下关街道")


def test_task_text_is_verbatim(notice: Notice) -> None:
    raw = (Path(__file__).resolve().parents[2] / "corpus" / "000_d657d27eca61cd1c.txt").read_text("utf-8")
    for task in notice.tasks:
        assert f"{task.number}.{task.text}" in raw
        assert all(sentence in task.body for sentence in task.sentences)
        assert "".join(task.sentences) == task.body


def test_fullwidth_brackets_and_colons_parse_the_same() -> None:
    text = (
        "文 号: | 测试〔2025〕1号 | 关 键 词: | 测试 |\n"
        "关于测试的通知\n各单位:\n正文。\n某单位\n2025年1月2日\n测试方案\n"
        "一、第一部分\n1.做好(甲)工作。(区甲局、区乙局主办,区丙局、相关街道协办)\n"
        "2.另一项工作。(区甲局主办)\n"
    )
    notice = parse_notice(text, doc_id="fixture")
    assert notice.meta.doc_number == "测试〔2025〕1号"
    assert notice.task(1).leads == ("区甲局", "区乙局")
    assert notice.task(1).assists == ("区丙局", "相关街道")
    assert notice.task(1).body == "做好(甲)工作。"
    assert notice.task(2).assists == ()
    assert notice.covering.addressees == ("各单位",)


def test_text_without_tasks_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no numbered section"):
        parse_notice("随便一段文字", doc_id="x")
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "missing")
    with pytest.raises(CorpusError, match="no notice"):
        load_corpus(tmp_path)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_or_fails_clearly(text: str) -> None:
    """Whatever text comes in, the parser returns a Notice or raises CorpusError, nothing else."""
    try:
        notice = parse_notice(text, doc_id="prop")
    except CorpusError:
        return
    assert notice.tasks


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(categories=["Lo"]), min_size=1, max_size=12), min_size=1, max_size=5))
def test_generated_tasks_keep_their_text_and_units(bodies: list[str]) -> None:
    """Tasks built from arbitrary Chinese text come back with their text and units intact: nothing is lost."""
    lines = ["一、部分"] + [f"{i}.{body}。(区甲局主办,区乙局协办)" for i, body in enumerate(bodies, 1)]
    notice = parse_notice("\n".join(lines), doc_id="prop")
    assert [t.body for t in notice.tasks] == [f"{b}。" for b in bodies]
    assert all(t.leads == ("区甲局",) and t.assists == ("区乙局",) for t in notice.tasks)


def test_a_heading_label_above_items_is_no_sentence_to_quote() -> None:
    # a table cell 「教育事业:」 over its items: quoted alone it would tell the reader nothing
    body = "教育事业:\n(1)新建教学楼1栋,8月底前投入使用;\n(2)改造乡村小学食堂3所。"
    assert split_sentences(body) == ("(1)新建教学楼1栋,8月底前投入使用;", "(2)改造乡村小学食堂3所。")
    assert split_sentences("粮食稳产\n全年粮食播种面积稳定。") == ("粮食稳产", "全年粮食播种面积稳定。")
    assert split_sentences("主要目标:地区生产总值增长6%。") == ("主要目标:地区生产总值增长6%。",)
