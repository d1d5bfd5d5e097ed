"""Unit directory: every unit of the notice, its aliases, groups versus departments, jieba tokens."""

from __future__ import annotations

import pytest

from assistant.ingest.corpus import Corpus
from assistant.ingest.normalize import normalize_question
from assistant.ingest.units import UnitDirectory, unit_kind
from assistant.records import Notice

from ..conftest import CORPUS
from ..expected_units import expected_unit_tasks


@pytest.fixture(scope="module")
def directory() -> UnitDirectory:
    """The real notice's units with the aliases of its knowledge file."""
    corpus = Corpus.load(CORPUS)
    return UnitDirectory(corpus.notices, corpus.knowledge)


def test_aliases_derived_without_a_knowledge_file(notice: Notice) -> None:
    # the level word (区) and the notice's own place (鼓楼, from its identity) prefix unit names
    bare = UnitDirectory([notice])
    assert [u.name for u in bare.find("商务局负责哪些任务")] == ["区商务局"]
    assert [u.name for u in bare.find("消防救援大队负责哪些任务")] == ["鼓楼消防救援大队"]
    assert bare.find("公安负责哪些任务") == []  # a colloquial name only the knowledge file gives


def test_every_unit_and_its_tasks(directory: UnitDirectory) -> None:
    expected = expected_unit_tasks()
    assert set(directory.units) - set(directory.joined) == set(expected)
    for name, (lead, assist) in expected.items():
        got_lead, got_assist = directory.tasks(name)
        assert [n for _, n in got_lead] == lead, name
        assert [n for _, n in got_assist] == assist, name


def test_groups_are_not_departments(directory: UnitDirectory) -> None:
    groups = {u.name for u in directory.units.values() if u.kind == "group"}
    assert groups - {"街道板块"} == {"区相关部门", "各街道板块", "相关部门街道板块", "相关街道板块", "相关街道", "相关部门街道",
                                   "各街道", "区政府各部门"}
    assert directory.joined == ("街道板块",)  # 各街道板块 and 相关街道板块, asked as 「街道板块」
    assert "各街道" not in {u.name for u in directory.departments}
    assert unit_kind("湖南路街道") == "street"
    assert unit_kind("区商务局") == "department"
    assert len(directory.departments) == 43


@pytest.mark.parametrize(
    ("said", "unit"),
    [
        ("商务局", "区商务局"),
        ("發改委", "区发改委"),
        ("发改委", "区发改委"),
        ("公安", "鼓楼公安分局"),
        ("消防", "鼓楼消防救援大队"),
        ("环保局", "鼓楼生态环境局"),
        ("生态环境局", "鼓楼生态环境局"),
        ("人社局", "区人社局"),
        ("卫健委", "区卫健委"),
        ("滨江管委会", "下关滨江商务区管委会"),
        ("政府办", "区政府办公室"),
        ("組織部", "区委组织部"),
        ("區商務局", "区商务局"),
        ("金融监管局", "区地方金融监管局"),
        ("湖南路街道办事处", "湖南路街道"),
    ],
)
def test_aliases_and_traditional_forms(directory: UnitDirectory, said: str, unit: str) -> None:
    assert [u.name for u in directory.find(normalize_question(f"{said}负责哪些任务?"))] == [unit]


def test_longest_name_wins(directory: UnitDirectory) -> None:
    # 下关滨江商务区管委会 contains 商务; 湖南路街道 vs 湖南路管委会 are different units
    assert [u.name for u in directory.find("下关滨江商务区管委会负责什么")] == ["下关滨江商务区管委会"]
    assert [u.name for u in directory.find("湖南路管委会和湖南路街道")] == ["湖南路管委会", "湖南路街道"]
    assert directory.find("跨境电商交易规模") == []


def test_every_name_is_one_jieba_token(directory: UnitDirectory) -> None:
    tokenizer = directory.tokenizer()
    for unit in directory.units.values():
        for alias in unit.aliases:
            assert alias in tokenizer.lcut(f"{alias}负责哪些任务"), alias


@pytest.mark.parametrize(("name", "expected"), [
    ("区发改委", {"发改委", "发展改革委", "发展和改革委员会", "区发展和改革委员会", "区发展改革委"}),
    ("区发展和改革局", {"发改局", "区发改局", "发展和改革局"}),
    ("县人力资源和社会保障局", {"人社局", "人力社保局", "县人社局", "县人力社保局"}),
    ("区人社局", {"人力资源和社会保障局", "人力社保局", "区人力社保局"}),
    ("区应急管理局(安委办)", {"区应急管理局", "应急管理局", "安委办", "区安委办", "应急局"}),
    ("高新园(邹塘镇)", {"高新园", "邹塘镇"}),
    ("市发展改革委", {"发改委", "市发改委", "发展和改革委员会"}),
    ("市数据资源管理局", {"市数据局", "数据局"}),
    ("县自然资源局", {"县自然资源和规划局", "自然资源和规划局"}),
    ("市数据局", {"市数据资源管理局", "市政务服务和数据管理局"}),  # a short name two full names share
])
def test_general_name_rules(name: str, expected: set[str]) -> None:
    from assistant.ingest.units import derived_aliases

    assert expected <= derived_aliases(name)


def test_level_words_that_begin_a_word_are_kept() -> None:
    from assistant.ingest.units import derived_aliases

    assert "场监管局" not in derived_aliases("市场监管局")
    assert "市场监管局" in derived_aliases("区市场监管局")
    assert derived_aliases("区局") == set()


def test_units_of_fixtures_are_found_by_their_other_names() -> None:
    from pathlib import Path

    from assistant.ingest.corpus import parse_file

    layouts = Path(__file__).parents[1] / "fixtures" / "layouts"
    notices = [parse_file(layouts / "liuxi_2023_label_lines.txt"), parse_file(layouts / "qinghe_2025_brackets.txt")]
    directory = UnitDirectory(notices)
    assert [u.name for u in directory.find("县发改局负责什么")] == ["县发展和改革局"]
    assert [u.name for u in directory.find("区人力社保局负责什么")] == ["区人社局"]
    # a bare 「人社局」 names both notices' units; the directory keeps one name per alias (the first notice's),
    # so which notice is meant is the question side's to settle (place and year routing)
    assert [u.name for u in directory.find("县人社局呢")] == ["县人力资源和社会保障局"]
    assert [u.name for u in directory.find("安委办负责什么")] == ["区应急管理局(安委办)"]


_TWO_WAYS = "\n".join([
    "【测试样本,非真实文件】岭川市人民政府办公室关于印发岭川市2025年重点工作任务分解方案的通知", "市政府各部门:",
    "现将方案印发给你们。", "岭川市人民政府办公室", "2025年2月1日", "岭川市2025年重点工作任务分解方案", "一、城市建设",
    "1.改造老旧小区30个。(牵头单位:市住建局;配合单位:市发改委)",
    "2.新增停车泊位2000个。(牵头单位:市住房和城乡建设局;配合单位:市城管局、县住建局)",
    "3.建成口袋公园10个。(牵头单位:市城市管理局;配合单位:市住建局、市发展和改革委员会)",
    "4.推进城市更新项目。(牵头单位:市住建局、市住房和城乡建设局;配合单位:住建局)",
])


def test_one_unit_written_two_ways_in_a_notice_is_one_unit(tmp_path) -> None:
    """A notice that writes 市住建局 in one task and 市住房和城乡建设局 in another means one unit: it is listed,
    counted and ranked once, under the name the notice uses more often (the first used on a tie), and the parse
    report says what was merged. Another level's unit (县住建局) and a bare name (住建局) stay apart."""
    from assistant.ingest.corpus import parse_file
    from assistant.ingest.report import parse_report

    path = tmp_path / "lingchuan_2025.txt"
    path.write_text(_TWO_WAYS, encoding="utf-8")
    notice = parse_file(path)
    units = {t.number: (t.leads, t.assists) for t in notice.tasks}
    assert units == {
        1: (("市住建局",), ("市发改委",)),
        2: (("市住建局",), ("市城管局", "县住建局")),
        3: (("市城管局",), ("市住建局", "市发改委")),
        4: (("市住建局",), ("住建局",)),  # named twice in one task: once
    }
    assert notice.info.unified == (("市住建局", ("市住房和城乡建设局",)), ("市发改委", ("市发展和改革委员会",)),
                                   ("市城管局", ("市城市管理局",)))
    assert "按一个单位统计:市住建局 = 市住房和城乡建设局;市发改委 = 市发展和改革委员会" in parse_report(notice)
    directory = UnitDirectory([notice])
    assert directory.resolve("市住房和城乡建设局").name == "市住建局"  # either name finds all its tasks
    assert [r.number for r in directory.tasks("市住建局")[0]] == [1, 2, 4]


def test_a_knowledge_file_may_name_a_unit_by_either_of_its_names(tmp_path) -> None:
    """The knowledge file written for the notice may use the name the notice wrote less often: it is that unit."""
    import json

    from assistant.ingest.corpus import Corpus

    (tmp_path / "lingchuan_2025.txt").write_text(_TWO_WAYS, encoding="utf-8")
    (tmp_path / "lingchuan_2025.knowledge.json").write_text(json.dumps(
        {"unit_aliases": {"市住房和城乡建设局": ["建委"]}, "examples": {"units": ["市住房和城乡建设局"]}},
        ensure_ascii=False), encoding="utf-8")
    corpus = Corpus.load(tmp_path)
    assert corpus.knowledge.example_units == ("市住建局",)
    assert UnitDirectory(corpus.notices, corpus.knowledge).resolve("建委").name == "市住建局"


@pytest.mark.parametrize(("short", "full", "expected"), [
    ("农服中心", "农业农村服务中心", True),  # a character of each word
    ("村建办", "村镇建设管理办公室", True),  # 办 for 办公室
    ("基教处", "基础教育处", True),
    ("督导室", "教育督导室", True),  # the last words
    ("教科院", "教育科学研究院", True),
    ("教育局", "教育体育局", False),  # a leading run: often another unit
    ("交通局", "交通运输局", False),  # (that one is a synonym in the data instead)
    ("财政局", "财政所", False),  # another ending
    ("师资处", "教师工作处", False),  # not by the rule (a synonym in the data)
])
def test_how_units_shorten_their_names(short: str, full: str, expected: bool) -> None:
    from assistant.ingest.units import abbreviates

    assert abbreviates(short, full) is expected


_SHORT_AND_FULL = "\n".join([
    "【测试样本,非真实文件】霁川市教育局关于印发2025年工作要点任务分工的通知", "局机关各处室:", "现印发给你们。",
    "霁川市教育局", "2025年2月28日", "2025年工作要点任务分工", "一、基础教育",
    "1.【牵头处室:基础教育处;配合:财务处】新建幼儿园12所。",
    "2.【牵头:基教处;协同:市教育考试院】规范招生入学。",
    "3.【责任处室:基础教育处】做好随迁子女入学保障。",
    "4.【牵头处室:考试院、高教处】深化中考改革。",
    "5.【牵头处室:高等教育处;配合:财务处】支持高校发展。",
    "6.【牵头处室:高等教育处;配合:住建局】建设高校宿舍。",
    "7.【牵头处室:财务处;配合:市住房和城乡建设局】改造校舍。",
])


def test_a_unit_and_its_short_form_in_a_notice_are_one_unit(tmp_path) -> None:
    """基教处 in one task and 基础教育处 in others are one unit, found by either name; 考试院 is 市教育考试院 (a bare short
    form of a name with a level word), but 住建局 stays apart from 市住房和城乡建设局 (its bare name: maybe another
    level's unit)."""
    from assistant.ingest.corpus import parse_file

    path = tmp_path / "jichuan_2025.txt"
    path.write_text(_SHORT_AND_FULL, encoding="utf-8")
    notice = parse_file(path)
    assert _units_of(notice) == {1: (("基础教育处",), ("财务处",)), 2: (("基础教育处",), ("市教育考试院",)),
                                 3: (("基础教育处",), ()), 4: (("市教育考试院", "高等教育处"), ()),
                                 5: (("高等教育处",), ("财务处",)), 6: (("高等教育处",), ("住建局",)),
                                 7: (("财务处",), ("市住房和城乡建设局",))}
    directory = UnitDirectory([notice])
    assert directory.resolve("基教处").name == "基础教育处" and directory.resolve("高教处").name == "高等教育处"
    assert [r.number for r in directory.tasks("基础教育处")[0]] == [1, 2, 3]


def _units_of(notice: Notice) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {t.number: (t.leads, t.assists) for t in notice.tasks}


def test_a_group_is_found_by_its_bare_name() -> None:
    """「开发区管委会有什么事」 for 各开发区管委会; 各街道办事处 and 相关街道办事处 are answered together as 「街道办事处」
    (each written name keeps its own tasks). Short bare names (街道) and generic nouns (部门) stay words of the question,
    and a bare name that is a unit of its own (the seed's 街道板块 beside 各街道板块) stays that unit."""
    from assistant.ingest.parse import parse_notice

    notice = parse_notice("""测试样本:某市2025年重点工作任务分解方案
一、发展
1.新建园区道路10公里。(市建设局牵头,各开发区管委会、各街道办事处配合)
2.改造农贸市场6个。(市商务局牵头,相关街道办事处、各部门、各街道配合)
3.新增就业1万人。(市人社局牵头,各街道办事处配合)
""", doc_id="x")
    directory = UnitDirectory([notice])
    assert directory.resolve("开发区管委会").name == "各开发区管委会"
    group = directory.resolve("街道办事处")
    assert group.kind == "group" and [r.number for r in directory.tasks(group.name)[1]] == [1, 2, 3]
    assert [r.number for r in directory.tasks("各街道办事处")[1]] == [1, 3]
    assert [r.number for r in directory.tasks("相关街道办事处")[1]] == [2]
    assert directory.resolve("部门") is None and directory.resolve("街道") is None
