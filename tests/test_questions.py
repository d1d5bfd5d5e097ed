"""The eval question set cannot drift from the notice: every gold answer derivable from the records is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.departments import UnitDirectory
from assistant.eval import parse_questions
from assistant.metrics import Question
from assistant.parsing import load_corpus
from assistant.records import Notice

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.jsonl"
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return QUESTIONS.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def questions(lines: list[str]) -> list[Question]:
    return parse_questions(lines)[0]


@pytest.fixture(scope="module")
def units() -> UnitDirectory:
    return UnitDirectory(load_corpus(CORPUS))


def test_every_line_is_a_valid_question(lines: list[str]) -> None:
    """Each line parses with the harness's own validation (types, required fields, no duplicate ids)."""
    questions, errors = parse_questions(lines)
    assert errors == []
    assert len(questions) == len([line for line in lines if line.strip()])


def test_ids_are_unique(lines: list[str]) -> None:
    ids = [json.loads(line)["id"] for line in lines if line.strip()]
    assert len(ids) == len(set(ids))


def test_set_is_big_enough(questions: list[Question]) -> None:
    assert len(questions) >= 200
    assert sum(q.expect_refusal for q in questions) >= 25


def test_refusals_have_no_gold(questions: list[Question]) -> None:
    assert [q.id for q in questions if q.expect_refusal and q.gold_tasks] == []


def test_unit_gold_matches_the_directory(questions: list[Question], units: UnitDirectory) -> None:
    """gold_tasks of a unit question are exactly the tasks the parsed notice gives that unit in that role."""
    wrong = []
    for q in questions:
        if q.unit is None:
            continue
        assert q.unit in units.units, f"{q.id}: unknown unit {q.unit!r}"
        lead, assist = units.tasks(q.unit, q.role or "all")  # type: ignore[arg-type]
        expected = sorted(n for _, n in lead + assist)
        if list(q.gold_tasks) != expected:
            wrong.append(f"{q.id}: gold {list(q.gold_tasks)} != {expected} ({q.unit}, {q.role})")
    assert wrong == []


def test_section_gold_matches_the_notice(questions: list[Question], notice: Notice) -> None:
    wrong = [
        f"{q.id}: gold {list(q.gold_tasks)} != section {q.section}"
        for q in questions
        if q.section is not None and q.gold_tasks != notice.section_of(q.section).task_numbers
    ]
    assert wrong == []


def test_gold_task_numbers_exist(questions: list[Question], notice: Notice) -> None:
    numbers = {t.number for t in notice.tasks}
    assert numbers == set(range(1, 79))
    assert [(q.id, n) for q in questions for n in q.gold_tasks if not 1 <= n <= 78] == []


def test_every_named_unit_has_a_question(questions: list[Question], units: UnitDirectory) -> None:
    asked = {q.unit for q in questions}
    assert sorted(u.name for u in units.departments if u.name not in asked) == []
