"""The whole assistant on the two blind notices of layouts the seed does not have, with the real model and Chroma: a
town's task table (.docx, eval/fresh13) and a bureau's plan with the units before each task (eval/fresh14). The
expected answers are computed from the parsed records, not written here."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.settings import Settings

from .conftest import ROOT


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(Settings.from_env(environ={}, corpus_dir=ROOT / "eval" / "fresh13" / "corpus",
                                       index_dir=tmp_path_factory.mktemp("town")))


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(Settings.from_env(environ={}, corpus_dir=ROOT / "eval" / "fresh14" / "corpus",
                                       index_dir=tmp_path_factory.mktemp("bureau")))


def _numbers(answer) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(r.number for r in answer.refs)


def test_a_units_short_form_finds_all_its_tasks(bureau: Assistant) -> None:
    """基教处 and 基础教育处 are one 处室 of the bureau, whichever the question says, and a slip of the short form too."""
    (notice,) = bureau.notices
    full = sorted(t.number for t in notice.tasks if "基础教育处" in t.leads)
    assert len(full) >= 5 and ("基础教育处", ("基教处",)) in notice.info.unified
    for said in ("基础教育处牵头哪些任务", "基教处牵头哪些任务", "鸡教处牵头哪些任务"):
        assert _numbers(bureau.answer(said)) == full, said


def test_units_before_the_tasks_words_are_units_not_text(bureau: Assistant) -> None:
    (notice,) = bureau.notices
    assert all(t.units and not t.body.startswith("【") for t in notice.tasks)
    answer = bureau.answer("财务处要配合哪些工作?")
    assert _numbers(answer) == sorted(t.number for t in notice.tasks if "财务处" in t.assists)
    assert "【牵头" not in answer.text


def test_a_leader_or_a_deadline_value_lists_its_tasks(town: Assistant) -> None:
    (notice,) = town.notices
    for value, field in (("全年", "deadline"), ("长期坚持", "deadline")):
        expected = sorted(t.number for t in notice.tasks if value in getattr(t, field))
        assert expected and _numbers(town.answer(f"完成时限是{value}的有哪些")) == expected
    person = notice.tasks[0].leader.split("(")[0]
    assert _numbers(town.answer(f"{person}分管的工作有哪些")) == sorted(
        t.number for t in notice.tasks if person in t.leader)


def test_a_town_table_by_its_number_column_and_category(town: Assistant) -> None:
    (notice,) = town.notices
    assert _numbers(town.answer("表里序号20那条谁牵头?")) == [20]
    last = notice.sections[-1]
    assert _numbers(town.answer(f"{last.title}方面有哪些工作?")) == list(last.task_numbers)


def test_a_theme_within_a_field_the_whole_notice_is_about(bureau: Assistant) -> None:
    """「新建学校的项目有哪些」 in an education bureau's plan, where nearly every task is about schools: the tasks that
    build or extend schools, not every task of the field of 学校."""
    (notice,) = bureau.notices
    building = {t.number for t in notice.tasks if "改扩建" in t.body}
    cited = set(_numbers(bureau.answer("新建学校的项目有哪些")))
    assert len(building) >= 3 and building <= cited
    assert len(cited) <= len(notice.tasks) // 4
