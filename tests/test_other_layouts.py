"""The whole assistant on the blind notices of layouts the seed does not have, with the real model and Chroma: a
town's task table (.docx, eval/fresh13), a bureau's plan with the units before each task (eval/fresh14), a city's
plan printed to PDF (eval/fresh15) and a district's 民生实事 table on a saved web page (eval/fresh16). The expected
answers are computed from the parsed records, or read from the reference table the notice's blind author wrote
(notice_reference.md), not written here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.settings import Settings

from .conftest import ROOT


def _assistant(factory: pytest.TempPathFactory, name: str) -> Assistant:
    """The assistant on a blind set's own corpus (eval/<name>/corpus), indexed into a fresh directory."""
    return Assistant(Settings.from_env(environ={}, corpus_dir=ROOT / "eval" / name / "corpus",
                                       index_dir=factory.mktemp(name)))


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory, "fresh13")


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory, "fresh14")


@pytest.fixture(scope="module")
def city_pdf(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory, "fresh15")


@pytest.fixture(scope="module")
def district_page(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return _assistant(tmp_path_factory, "fresh16")


def _names(cell: str) -> list[str]:
    return [u for u in re.split(r"[、,]", cell.strip()) if u and u not in ("—", "-", "无")]


def _reference_table(path: Path) -> dict[int, tuple[list[str], list[str]]]:
    """fresh15's reference: | 序号 | 部分 | 任务内容 | 牵头单位 | 配合单位 | … |, unit names in one (short) form."""
    rows = {}
    for line in path.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 6 and cells[0].isdigit():
            rows[int(cells[0])] = (_names(cells[3]), _names(cells[4]))
    return rows


def _reference_blocks(path: Path) -> dict[int, tuple[list[str], list[str]]]:
    """fresh16's reference: a 「### N. name」 block per project with 「- 牵头单位:」 and 「- 配合单位:」 lines."""
    rows: dict[int, tuple[list[str], list[str]]] = {}
    current = 0
    for line in path.read_text("utf-8").splitlines():
        if m := re.match(r"### (\d+)\.", line):
            current = int(m.group(1))
            rows[current] = ([], [])
        elif current and (m := re.match(r"- (牵头|配合)单位:(.*)", line)):
            rows[current][0 if m.group(1) == "牵头" else 1].extend(_names(m.group(2)))
    return rows


def _matches_reference(assistant: Assistant, rows: dict[int, tuple[list[str], list[str]]]) -> list[str]:
    """Each unit of the reference, asked as its author wrote it, leads and assists exactly its reference tasks."""
    assert len(rows) >= 30
    wrong = []
    for unit in sorted({u for leads, assists in rows.values() for u in (*leads, *assists)}):
        for role, side in (("牵头", 0), ("配合", 1)):
            expected = sorted(n for n, units in rows.items() if unit in units[side])
            got = _numbers(assistant.answer(f"{unit}{role}哪些任务"))
            if got != expected:
                wrong.append(f"{unit}{role}: {got} != {expected}")
    return wrong


def test_a_plan_printed_to_pdf_reads_as_its_author_wrote_it(city_pdf: Assistant) -> None:
    """A PDF whose pages print the tasks without paragraph spacing, with 责任单位 / 完成时限 lines, page numbers,
    tasks and unit lines split over pages, and the covering notice's 「排在第一位的为牵头单位」."""
    (notice,) = city_pdf.notices
    rows = _reference_table(ROOT / "eval" / "fresh15" / "notice_reference.md")
    assert [t.number for t in notice.tasks] == sorted(rows)
    assert notice.info.role_rule == "first_is_lead" and not notice.plan_title.startswith("附件")
    assert _matches_reference(city_pdf, rows) == []


def test_a_livelihood_table_on_a_saved_page_reads_as_its_author_wrote_it(district_page: Assistant) -> None:
    """A 民生实事 table (项目名称 / 主要内容及目标 / 责任单位 with 「(牵头)」 marks) on a page with menus, a share bar, a
    footer naming the site's 主办单位, and a box of 索引号 / 发文字号 before the notice."""
    (notice,) = district_page.notices
    rows = _reference_blocks(ROOT / "eval" / "fresh16" / "notice_reference.md")
    assert [t.number for t in notice.tasks] == sorted(rows)  # the table's own 序号, not after the text's (一)…(四)
    assert notice.meta.doc_number.endswith("号") and "搜索" not in notice.covering.title
    assert _matches_reference(district_page, rows) == []


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


@pytest.fixture(scope="module")
def four_notices(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The seed, a city's PDF plan, a district's 民生实事 page and a bureau's plan, loaded together (eval/fresh18)."""
    return _assistant(tmp_path_factory, "fresh18")


def test_a_notice_named_by_the_department_that_issued_it(four_notices: Assistant) -> None:
    """「霁州市教育局的方案里…」 is the bureau's own plan, not the 市教育局 of another city's plan."""
    bureau = next(n for n in four_notices.notices if n.identity.issuer.endswith("教育局"))
    answer = four_notices.answer(f"{bureau.identity.issuer}的方案里中考改革怎么说")
    assert answer.refs and {r.doc_id for r in answer.refs} == {bureau.doc_id}
    follow = four_notices.answer("那它的第三项呢", [f"{bureau.identity.issuer}的方案里中考改革怎么说"])
    assert [(r.doc_id, r.number) for r in follow.refs] == [(bureau.doc_id, 3)]  # the conversation stays on it


def test_each_notice_asked_with_各家_or_几个地方(four_notices: Assistant) -> None:
    holders = {n.doc_id for n in four_notices.notices if any("充电桩" in t.body for t in n.tasks)}
    assert len(holders) >= 2
    assert {r.doc_id for r in four_notices.answer("充电桩各家分别要建多少个").refs} == holders


def test_a_unit_by_its_name_after_the_place(four_notices: Assistant) -> None:
    """国网澄州供电公司 asked as 「供电公司」."""
    (name,) = {u for n in four_notices.notices for t in n.tasks for u in t.assists if u.endswith("供电公司")}
    expected = sorted(r.number for r in four_notices.units.tasks(name)[1])
    assert _numbers(four_notices.answer("供电公司要配合做哪些工作?")) == expected
