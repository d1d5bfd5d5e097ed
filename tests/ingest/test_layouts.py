"""The layouts of real notices, each in a made-up fixture (tests/fixtures/layouts/): exact tasks, units, roles,
leaders and deadlines per fixture, and the traps of each layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest.corpus import parse_file
from assistant.ingest.parse import parse_notice, strip_units
from assistant.records import Notice

LAYOUTS = Path(__file__).parents[1] / "fixtures" / "layouts"


def _units(notice: Notice) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {t.number: (t.leads, t.assists) for t in notice.tasks}


@pytest.fixture(scope="module")
def brackets() -> Notice:
    return parse_file(LAYOUTS / "qinghe_2025_brackets.txt")


@pytest.fixture(scope="module")
def liuxi() -> Notice:
    return parse_file(LAYOUTS / "liuxi_2023_label_lines.txt")


@pytest.fixture(scope="module")
def shiwan() -> Notice:
    return parse_file(LAYOUTS / "shiwan_2025_label_lines.txt")


def test_every_fixture_says_it_is_made_up() -> None:
    files = [p for p in LAYOUTS.iterdir() if p.suffix in (".txt", ".html")]
    assert files
    for path in files:
        assert "测试样本" in path.read_text("utf-8"), path.name


def test_trailing_brackets_with_any_role_words(brackets: Notice) -> None:
    assert brackets.plan_title == "青禾区2025年重点工作任务分解方案"  # not the paragraph after it
    assert brackets.intro.startswith("为抓好区政府工作报告")
    assert [s.title for s in brackets.sections] == ["推动经济稳中有进", "办好民生实事"]
    assert [s.task_numbers for s in brackets.sections] == [(1, 2, 3, 4), (5, 6, 7, 8, 9)]
    assert _units(brackets) == {
        1: (("区发改局",), ("各街办",)),  # [牵头单位:…;责任单位:…]: 责任单位 assists where a 牵头单位 is given
        2: (("区市场监管局",), ("各街办",)),  # X牵头,Y按职责分工负责
        3: (("区工信局",), ("区住建局", "各街办")),
        4: (("区投促局",), ("区发改局", "区工信局")),  # no brackets: 「X牵头,Y配合。」
        5: (("区教育局",), ("区住建局", "各街办")),
        6: (("区住建局",), ("区房管中心", "各街办")),  # the seed's (X主办,Y协办)
        7: (("区民政局",), ("区卫健局",)),  # 【】
        8: (("区人社局",), ("区总工会",)),  # half-width brackets
        9: (("区应急管理局(安委办)", "区水务局"), ("区城管局",)),  # a bracket inside the unit bracket
    }
    # 「1﹒」 (U+FE52) numbers the items; an item runs on over two lines; a deadline inside the bracket
    assert brackets.task(3).body == "新建5G基站200个,推动重点商圈千兆网络全覆盖。"
    assert brackets.task(3).deadline == "2025年12月底"
    assert brackets.task(4).body == "引进亿元以上产业项目20个。"
    assert brackets.info.warnings == ()


def test_label_lines_under_headed_items_with_the_first_listed_leading(liuxi: Notice) -> None:
    # 「责任单位中列第一位的为牵头单位」 in the covering notice; items 「(一)粮食稳产」 with their paragraph
    assert liuxi.info.role_rule == "first_is_lead"
    assert liuxi.plan_title == "柳溪县2023年县政府重点工作责任分工"
    assert [s.task_numbers for s in liuxi.sections] == [(1, 2, 3), (4, 5, 6)]
    assert _units(liuxi) == {
        1: (("县农业农村局",), ("县粮食和物资储备局", "各乡镇")),
        2: (("县工信局",), ("县发展和改革局",)),
        3: (("县发展和改革局",), ()),
        4: (("县教育局",), ("县住建局", "县财政局")),  # a 牵头单位 line: the 责任单位 assist
        5: (("县卫健局",), ("县医保局", "各乡镇")),
        6: (("县人力资源和社会保障局",), ()),
    }
    first = liuxi.task(1)
    assert first.body == "粮食稳产\n全年粮食播种面积稳定在52万亩以上,产量保持在20万吨以上。"
    assert first.sentences == ("粮食稳产", "全年粮食播种面积稳定在52万亩以上,产量保持在20万吨以上。")
    assert first.leader == "王某某(测试样本虚构人名)"
    assert liuxi.task(2).deadline == "2023年12月底"
    assert strip_units(first.text) == first.body


def test_label_lines_with_leaders_deadlines_and_restarting_numbers(shiwan: Notice) -> None:
    assert shiwan.plan_title == "石湾区政府2025年重点工作任务分解和责任分工方案"  # wrapped over two lines
    assert shiwan.info.role_rule == ""  # the notice states none: 责任单位 lead where no 牵头单位 is given
    assert [s.task_numbers for s in shiwan.sections] == [(1, 2), (3, 4, 5, 6)]  # 1, 2 | 1, 2, 3, 4 renumbered
    assert _units(shiwan) == {
        1: (("区发改局",), ("石湾经济开发区", "各街道")),
        2: (("区财政局",), ("区税务局", "各街道")),  # 牵头责任单位 / 协同责任单位
        3: (("区科技局",), ("区工信局",)),
        4: (("区自然资源局",), ("区工信局", "各街道")),  # 部门分工:X牵头,Y配合。
        5: (("区文旅局",), ()),
        6: (("区应急局",), ("区人力社保局", "各街道")),
    }
    assert shiwan.task(2).leader == "李某某(测试样本虚构人名)"
    assert (shiwan.task(2).deadline, shiwan.task(6).deadline) == ("2025年12月", "2025年6月底")
    assert shiwan.task(5).body == "建成城市书房5个,举办全民阅读活动100场。"
    assert any("重新开始" in w for w in shiwan.info.warnings)


@pytest.mark.parametrize(("clause", "leads", "assists"), [
    ("(区甲局主办,区乙局协办)", ("区甲局",), ("区乙局",)),
    ("[牵头单位:区甲局;责任单位:区乙局、区丙局]", ("区甲局",), ("区乙局", "区丙局")),
    ("[责任单位:区甲局、区乙局]", ("区甲局", "区乙局"), ()),
    ("(区甲局牵头,区乙局按职责分工负责)", ("区甲局",), ("区乙局",)),
    ("(牵头单位:区甲局 配合单位:区乙局)", ("区甲局",), ("区乙局",)),
    ("(由区甲局牵头,区乙局配合)", ("区甲局",), ("区乙局",)),
    ("(责任单位:区甲局(牵头)、区乙局)", ("区甲局",), ("区乙局",)),
])
def test_trailing_clause_forms(clause: str, leads: tuple[str, ...], assists: tuple[str, ...]) -> None:
    notice = parse_notice(f"测试方案\n一、部分\n1.做好测试工作。{clause}\n", doc_id="x")
    assert (notice.task(1).leads, notice.task(1).assists) == (leads, assists)
    assert notice.task(1).body == "做好测试工作。"


def test_brackets_and_role_words_inside_the_text_are_not_units() -> None:
    notice = parse_notice("测试方案\n一、部分\n1.建设(一期)工程,加强部门协同。\n2.推进工作。(试行)\n", doc_id="x")
    assert [t.units for t in notice.tasks] == [(), ()]
    assert notice.task(1).body == "建设(一期)工程,加强部门协同。"
    assert notice.info.warnings[0].startswith("2 项任务没有读到单位")


def test_numbering_gaps_are_reported() -> None:
    notice = parse_notice("测试方案\n一、部分\n1.甲。(区甲局主办)\n2.乙。(区甲局主办)\n4.丙。(区甲局主办)\n", doc_id="x")
    assert [t.number for t in notice.tasks] == [1, 2, 4]
    assert "编号不连续:1.级 2 之后是 4" in notice.info.warnings


def test_items_without_parts_and_sub_items_inside_tasks() -> None:
    notice = parse_notice("测试清单\n1、甲工作:\n(1)子项一;\n(2)子项二。\n责任单位:区甲局\n2、乙工作。(区乙局牵头)\n",
                          doc_id="x")
    assert [t.number for t in notice.tasks] == [1, 2]
    assert notice.task(1).body == "甲工作:\n(1)子项一;\n(2)子项二。"
    assert notice.task(1).leads == ("区甲局",)
    assert len(notice.sections) == 1 and notice.sections[0].title == "测试清单"
