"""The question-sheet reader: CSV/XLSX as Excel users write them, bad rows named, caps enforced."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.eval.metrics import Question
from assistant.eval.questions import InputError, resolve_gold
from assistant.eval.tables import _norm, parse_tasks, parse_yes_no, read_question_file, resolve_titles, table_questions
from assistant.records import Ref

HEADER = ["问题", "期望任务", "答案应包含", "应拒答", "类型", "对话历史"]


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.mark.parametrize(("cell", "numbers"), [
    ("2、3、5", [2, 3, 5]),
    ("任务2,任务3", [2, 3]),
    ("任务2,任务3", [2, 3]),
    ("2;3;5", [2, 3, 5]),
    ("【任务7】【任务9】", [7, 9]),
    ("2-4", [2, 3, 4]),
    ("任务 12", [12]),
    ("3.0", [3]),
    (3.0, [3]),
    (17, [17]),
    ("", []),
    (None, []),
    ("5、5、2", [5, 2]),
])
def test_task_lists(cell: object, numbers: list[int]) -> None:
    assert [r.number for r in parse_tasks(cell)] == numbers
    assert all(r.doc_id == "" for r in parse_tasks(cell))


def test_tasks_of_another_notice_by_title() -> None:
    refs = parse_tasks("1、《2025年计划》任务3、4")
    assert refs == (Ref("", 1), Ref("《2025年计划", 3), Ref("《2025年计划", 4))


@pytest.mark.parametrize("cell", ["二", "任务A", "3-1", "1-99999", "第三项"])
def test_unreadable_task_lists_say_why(cell: str) -> None:
    with pytest.raises(ValueError, match="期望任务"):
        parse_tasks(cell)


@pytest.mark.parametrize(("cell", "value"), [("是", True), ("否", False), ("", False), (None, False), ("Y", True),
                                             ("n", False), ("TRUE", True), (1, True), (0, False), ("√", True)])
def test_yes_no(cell: object, value: bool) -> None:
    assert parse_yes_no(cell) is value


def test_yes_no_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="是.*否"):
        parse_yes_no("也许")


def test_csv_rows_blank_rows_and_bad_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", [
        HEADER,
        ["区商务局负责哪些任务?", "2、15", "区商务局", "否", "部门职责", ""],
        ["", "", "", "", "", ""],
        ["区长是谁?", "", "", "是", "refusal", ""],
        ["", "3", "", "", "", ""],
        ["那协办呢?", "任务4,任务5", "", "否", "followup", "区教育局负责哪些任务?"],
        ["停车泊位新增多少?", "任务x", "", "", "", ""],
        ["区商务局负责哪些任务?", "2", "", "也许", "", ""],
    ])
    questions, errors = read_question_file(path)
    assert [q.line for q in questions] == [2, 4, 6]
    assert errors == [
        "第5行:「问题」是空的",
        "第7行:期望任务「任务x」不是任务编号(应写成「2、3、5」「任务2,任务3」或「《标题》任务3」)",
        "第8行:应拒答应填「是」或「否」,这里是「也许」",
    ]
    first, refusal, followup = questions
    assert first.gold_tasks == (2, 15) and first.type == "department" and first.answer_contains == (("区商务局",),)
    assert refusal.expect_refusal and refusal.type == "refusal" and refusal.gold == ()
    assert followup.history == ("区教育局负责哪些任务?",) and followup.gold_tasks == (4, 5)
    assert len({q.id for q in questions}) == 3


def test_gbk_csv_from_excel(tmp_path: Path) -> None:
    path = _csv(tmp_path / "excel.csv", [["问题", "期望任务"], ["区商务局负责哪些任务?", "2、15"]], encoding="gb18030")
    questions, errors = read_question_file(path)
    assert errors == [] and questions[0].question == "区商务局负责哪些任务?"


def test_xlsx_with_numbers_in_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "问题", "期望任务", "应拒答"])
    sheet.append(["a1", "区信访局负责哪些工作?", 65, False])
    sheet.append([None, None, None, None])
    sheet.append(["a2", "区长是谁?", None, "是"])
    book.save(tmp_path / "q.xlsx")
    questions, errors = read_question_file(tmp_path / "q.xlsx")
    assert errors == []
    assert [(q.id, q.gold_tasks, q.expect_refusal, q.line) for q in questions] == [
        ("a1", (65,), False, 2), ("a2", (), True, 4)]


def test_file_level_problems_are_chinese(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="「问题」"):
        read_question_file(_csv(tmp_path / "a.csv", [["question text", "x"], ["1", "2"]]))
    with pytest.raises(InputError, match="不支持"):
        read_question_file(tmp_path / "q.txt")
    with pytest.raises(InputError, match="找不到"):
        read_question_file(tmp_path / "missing.csv")
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="XLSX"):
        read_question_file(tmp_path / "bad.xlsx")
    big = _csv(tmp_path / "big.csv", [HEADER] + [[f"问题{i}?", str(i % 70 + 1)] for i in range(30)])
    with pytest.raises(InputError, match="最多 10 行"):
        read_question_file(big, max_rows=10)
    with pytest.raises(InputError, match="文件太大"):
        read_question_file(big, max_bytes=100)
    assert len(read_question_file(big, max_rows=30)[0]) == 30


def test_jsonl_reads_as_the_cli_does(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "x", "question": "区商务局负责哪些任务?", "gold_tasks": [2]}, ensure_ascii=False),
             "{bad json", ""]
    (tmp_path / "q.jsonl").write_text("\n".join(lines), encoding="utf-8")
    questions, errors = read_question_file(tmp_path / "q.jsonl")
    assert [q.id for q in questions] == ["x"] and len(errors) == 1 and errors[0].startswith("line 2:")


def test_titles_resolve_to_loaded_notices(notice: object) -> None:
    from assistant.records import Notice

    assert isinstance(notice, Notice)
    title = notice.plan_title or notice.meta.title
    rows = [HEADER, ["q1?", f"《{title}》任务3、4"], ["q2?", "《没有这份通知》任务1"], ["q3?", "2"]]
    questions, errors = table_questions(rows)
    resolved, title_errors = resolve_titles(questions, [notice])
    assert title_errors == ["第3行:没有加载标题为《没有这份通知》的通知"]
    resolved, gold_errors = resolve_gold(resolved, [notice])
    assert gold_errors == []
    assert [q.gold for q in resolved] == [(Ref(notice.doc_id, 3), Ref(notice.doc_id, 4)), (Ref(notice.doc_id, 2),)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 200), st.floats(allow_nan=True)),
                         min_size=0, max_size=7), max_size=8))
def test_any_sheet_reads_without_crashing_and_loses_no_row(rows: list[list[object]]) -> None:
    sheet = [HEADER, *rows]
    questions, errors = table_questions(sheet)
    assert all(isinstance(q, Question) for q in questions)
    assert all(e.startswith("第") and "行:" in e for e in errors)
    filled = [r for r in rows if any(_norm(v) for v in r)]
    assert len(questions) + len(errors) == len(filled)  # every non-blank row is a question or an error
