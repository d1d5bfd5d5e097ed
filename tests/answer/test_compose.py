"""Composed texts carry their citations as data; the marks in the text and the refs always agree."""

from __future__ import annotations

import json
import re

import pytest

from assistant import Assistant
from assistant.answer.compose import MARK, Citer, Composed, join
from assistant.ingest.corpus import parse_file
from assistant.records import Ref

from ..conftest import ROOT


def test_composed_texts_concatenate_with_their_refs() -> None:
    a = Composed("甲【任务1】", (Ref("d", 1),))
    b = "乙" + Composed("【任务2】", (Ref("d", 2),), ("第二部分",)) + "。"
    assert (a + b).text == "甲【任务1】乙【任务2】。"
    assert (a + b).refs == (Ref("d", 1), Ref("d", 2)) and (a + b).part_titles == ("第二部分",)
    joined = join("\n", ["头", a, b])
    assert joined.text == "头\n甲【任务1】\n乙【任务2】。" and joined.refs == (Ref("d", 1), Ref("d", 2))


def _marked(assistant: Assistant, text: str) -> list[Ref]:
    """The references of the citation marks in a text, found by regular expression (what the code used to do)."""
    by_title = {n.plan_title: n.doc_id for n in assistant.notices}
    out = []
    for title, task, para in MARK.findall(text):
        out.append(Ref(by_title[title] if title else assistant.notice.doc_id, int(task or para)))
    return list(dict.fromkeys(out))


@pytest.mark.slow
def test_every_answer_s_refs_are_its_marks_in_order(assistant: Assistant) -> None:
    """On every question of the eval set, the refs the composer returned are exactly the marks in the text."""
    lines = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    checked = 0
    for line in filter(str.strip, lines):
        q = json.loads(line)
        answer = assistant.answer(q["question"], q.get("history", []))
        assert list(answer.refs) == _marked(assistant, answer.text), q["id"]
        assert [t.ref for t in answer.sources] == list(answer.refs)
        checked += bool(answer.refs)
    assert checked > 200


def test_a_part_s_list_names_its_title(assistant: Assistant) -> None:
    part = assistant.answer("第六部分有哪些任务?")
    title = assistant.notice.section_of(6).title
    assert part.part_titles == (title,) and re.search(f"“{title}”", part.text)


def test_a_tasks_deadline_or_leader_is_said_or_said_to_be_missing(assistant: Assistant) -> None:
    from dataclasses import replace

    task = assistant.notice.task(38)
    assert not task.deadline  # the seed gives no per-task deadline
    missing = assistant.compose.task(task, "deadline", None)
    assert "通知没有写明这项任务的完成时限" in missing.text and missing.refs == (task.ref,)
    given = assistant.compose.task(replace(task, deadline="2024年12月底", leader="某某"), "leader", None)
    assert "责任领导:某某。" in given.text
    answer = assistant.answer("任务38的完成时限是什么时候?")
    assert answer.refs == (task.ref,) and "没有写明这项任务的完成时限" in answer.text


def test_a_parts_title_is_said_citing_no_task(assistant: Assistant) -> None:
    notice = assistant.notice
    composed = assistant.compose.section_titles(notice, [2])
    part = notice.section_of(2)
    assert part.title in composed.text and not composed.refs
    assert f"任务{part.task_numbers[0]}–{part.task_numbers[-1]}" in composed.text


def test_a_mark_names_where_a_renumbered_task_is_printed() -> None:
    shiwan = parse_file(ROOT / "tests/fixtures/layouts/shiwan_2025_label_lines.txt")
    seed = parse_file(ROOT / "corpus/000_d657d27eca61cd1c.txt")
    marks = [Citer([shiwan]).mark(t) for t in shiwan.tasks]
    assert marks[1:3] == ["【任务2(第一部分第2项)】", "【任务3(第二部分第1项)】"]
    assert [m.group(2) for m in map(MARK.fullmatch, marks)] == [str(t.number) for t in shiwan.tasks]
    assert Citer([seed]).mark(seed.task(9)) == "【任务9】"  # numbered once across the notice: the number is printed
    both = Citer([seed, shiwan]).mark(shiwan.task(3))
    assert both == f"【《{shiwan.plan_title}》任务3(第二部分第1项)】" and MARK.fullmatch(both)


def test_a_group_within_a_part_lists_and_cites_its_own_tasks() -> None:
    from assistant.answer.compose import Composer
    from assistant.answer.messages import Examples
    from assistant.ingest.units import UnitDirectory

    lanxi = parse_file(ROOT / "tests/fixtures/formats/lanxi_2025_pdf_text.txt")
    compose = Composer([lanxi], UnitDirectory([lanxi]), Citer([lanxi]), Examples((), (), (), (), ()))
    composed = compose.group(lanxi, 1, "扩大有效投资")
    assert composed.text.startswith("第一部分“稳增长促发展”中的“扩大有效投资”共 2 项任务(任务1–2):")
    assert composed.refs == (Ref(lanxi.doc_id, 1), Ref(lanxi.doc_id, 2))


def test_a_part_of_paragraphs_only_and_parts_of_equal_size() -> None:
    """A 工作要点 whose last part 「三、工作要求」 holds paragraphs, no numbered task: its size is said, not a crash; two
    parts of the same size are both the largest."""
    from assistant.answer.compose import Composer
    from assistant.answer.messages import Examples
    from assistant.ingest.parse import parse_notice
    from assistant.ingest.units import UnitDirectory

    notice = parse_notice("测试样本:某县2025年工作要点\n一、产业\n1.新建农田1万亩。(县农业局负责)\n2.新建冷库2座。\n"
                          "二、治理\n3.建成综治中心1个。\n4.调解纠纷。\n三、工作要求\n各单位要加强组织领导,按月报送进展。\n", doc_id="x")
    assert [len(s.task_numbers) for s in notice.sections] == [2, 2, 0]
    compose = Composer([notice], UnitDirectory([notice]), Citer([notice]), Examples((), (), (), (), ()))
    text = compose.count(notice).text
    assert "三、工作要求(没有编号的任务)" in text and "最少" not in text
    assert "没有编号的任务" in compose.sections(notice, [3]).text
    assert "没有编号的任务" in compose.section_titles(notice, [3]).text
