"""The layouts of real notices, each in a made-up fixture (tests/fixtures/layouts/): exact tasks, units, roles,
leaders and deadlines per fixture, and the traps of each layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import CorpusError
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
    files = sorted([*LAYOUTS.iterdir(), *(LAYOUTS.parent / "formats").iterdir()])
    assert len(files) == 8
    for path in files:
        notice = parse_file(path)
        assert "测试样本" in notice.plan_title + notice.covering.title, path.name


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
    # numbered 一、1 2 / 二、1–4 as printed: each task keeps where it is printed, for its citation
    assert [t.printed_at for t in shiwan.tasks] == ["第一部分第1项", "第一部分第2项"] + [
        f"第二部分第{i}项" for i in range(1, 5)]


@pytest.mark.parametrize(("clause", "leads", "assists"), [
    ("(区甲局主办,区乙局协办)", ("区甲局",), ("区乙局",)),
    ("[牵头单位:区甲局;责任单位:区乙局、区丙局]", ("区甲局",), ("区乙局", "区丙局")),
    ("[责任单位:区甲局、区乙局]", ("区甲局", "区乙局"), ()),
    ("(区甲局牵头,区乙局按职责分工负责)", ("区甲局",), ("区乙局",)),
    ("(牵头单位:区甲局 配合单位:区乙局)", ("区甲局",), ("区乙局",)),
    ("(由区甲局牵头,区乙局配合)", ("区甲局",), ("区乙局",)),
    ("(责任单位:区甲局(牵头)、区乙局)", ("区甲局",), ("区乙局",)),
    ("(区甲局负责)", ("区甲局",), ()),
    ("牵头单位:区甲局;责任单位:区乙局", ("区甲局",), ("区乙局",)),  # no brackets, labelled
    ("区甲局牵头,区乙局、各街道配合。", ("区甲局",), ("区乙局", "各街道")),  # no brackets, role words
])
def test_trailing_clause_forms(clause: str, leads: tuple[str, ...], assists: tuple[str, ...]) -> None:
    notice = parse_notice(f"测试方案\n一、部分\n1.做好测试工作。{clause}\n", doc_id="x")
    assert (notice.task(1).leads, notice.task(1).assists) == (leads, assists)
    assert notice.task(1).body == "做好测试工作。"


@pytest.mark.parametrize(("clause", "leads", "assists"), [
    ("【牵头处室:区甲处;配合:区乙处、区丙处】", ("区甲处",), ("区乙处", "区丙处")),
    ("【牵头:区甲处;协同:区乙处,各区县教育局】", ("区甲处",), ("区乙处", "各区县教育局")),
    ("【责任处室:区甲处】", ("区甲处",), ()),
    ("【牵头处室:区甲处、区乙处】", ("区甲处", "区乙处"), ()),
    ("(牵头单位:区甲局;配合单位:区乙局)", ("区甲局",), ("区乙局",)),
])
def test_units_in_a_bracket_before_the_tasks_words(clause: str, leads: tuple[str, ...],
                                                    assists: tuple[str, ...]) -> None:
    """Some plans put the units first: 「7.【牵头处室:基础教育处;配合:财务处】扩大普惠性学前教育资源…」."""
    notice = parse_notice(f"测试方案\n一、部分\n1.{clause}做好测试工作,完成3项。\n2.【重点】推进工作。(区丁局负责)\n",
                          doc_id="x")
    assert (notice.task(1).leads, notice.task(1).assists) == (leads, assists)
    assert notice.task(1).body == "做好测试工作,完成3项。"
    assert notice.task(2).leads == ("区丁局",) and notice.task(2).body.startswith("【重点】")  # no units: text
    assert "句首括号" in notice.info.layout


def test_items_with_units_before_their_words_are_the_tasks_at_any_level() -> None:
    """The level whose items carry units is the task level, whether the units end an item or open it."""
    notice = parse_notice("测试方案\n一、【牵头:区甲局】做好测试工作。\n二、【牵头:区乙局;配合:区丙局】推进工作。\n", doc_id="x")
    assert [(t.number, t.leads, t.assists, t.body) for t in notice.tasks] == [
        (1, ("区甲局",), (), "做好测试工作。"), (2, ("区乙局",), ("区丙局",), "推进工作。")]


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


def test_full_width_punctuation_reads_as_half_width() -> None:
    # real notices write （）,:; in full width (U+FF08…); they are read as questions are, half-width
    text = "测试方案\n一\uff0e部分\n\uff11\uff0e做好\uff08甲\uff09工作\uff0c加快推进\u3002\uff08区甲局主办\uff0c区乙局协办\uff09\n" \
           "2\uff0e另一项\u3002\n牵头单位\uff1a区丙局\uff1b\n"
    notice = parse_notice(text, doc_id="x")
    assert (notice.task(1).leads, notice.task(1).assists) == (("区甲局",), ("区乙局",))
    assert notice.task(1).body == "做好(甲)工作,加快推进\u3002"
    assert notice.task(2).leads == ("区丙局",)


def test_docx_attachment_table_with_merged_cells() -> None:
    # made by scripts/make_layout_fixtures.py: a covering notice with numbered requirements, then 「附件1」 and a
    # table 序号/类别/重点工作/责任领导/责任单位/完成时限 with a category merged down, a task merged over two rows
    # (its second 责任单位 on the second row) and a row-wide part heading
    notice = parse_file(LAYOUTS / "yunling_2026_table.docx")
    assert notice.plan_title == "云岭市2026年重点工作任务责任分解表"
    assert notice.covering.issuer == "云岭市人民政府办公室"
    assert notice.info.role_rule == "responsible_is_lead"  # 「表中无牵头单位的,责任单位即为牵头单位」
    assert [(s.title, s.task_numbers) for s in notice.sections] == [
        ("稳增长", (1, 2)), ("惠民生", (3, 4)), ("优环境", (5,))]
    assert _units(notice) == {
        1: (("市发展改革委", "市统计局"), ()),
        2: (("市工业和信息化局",), ()),
        3: (("市教育局", "市财政局"), ()),  # the merged task cell is one task, both rows' units
        4: (("市人力资源和社会保障局",), ()),
        5: (("市发展改革委", "市市场监管局"), ()),
    }
    assert [(t.leader, t.deadline) for t in notice.tasks] == [
        ("赵某某", "2026年12月"), ("赵某某", "2026年12月"), ("钱某某", "2026年9月"), ("钱某某", "2026年11月"),
        ("孙某某", "2026年6月底")]
    assert notice.task(3).body == "新建公办幼儿园6所,新增学位5400个。"  # read once, not once per row
    assert notice.task(5).body == "开展营商环境优化提升行动:\n(1)压减审批时限30%;\n(2)推行“一网通办”。"
    assert "责任单位:市教育局" in notice.task(3).text and strip_units(notice.task(3).text) == notice.task(3).body
    assert notice.info.warnings == ()


def test_xlsx_task_table() -> None:
    notice = parse_file(LAYOUTS / "tongshan_2022_table.xlsx")
    assert notice.plan_title == "【测试样本,非真实文件】桐山区2022年政府工作报告重点任务分解表"
    assert [(s.title, s.task_numbers) for s in notice.sections] == [("产业发展", (1, 2)), ("城市建设", (3, 4))]
    assert _units(notice) == {
        1: (("区工信局",), ("区发改局", "区科技局")),  # one unit a line in the cell
        2: (("区发改局",), ("区财政局", "区自然资源局")),  # written 区发展和改革局 here: one unit, its first name
        3: (("区住建局",), ("各街道",)),
        4: (("区交通运输局",), ()),
    }
    assert notice.task(1).body == "培育壮大数字经济:数字经济核心产业增加值增长12%"  # 任务名称 + 指标要求
    assert notice.info.warnings == ("表格2未读取:没有找到任务列和单位列(如 任务名称、牵头单位)",)


def test_xls_task_table_with_merged_heading_rows() -> None:
    notice = parse_file(LAYOUTS.parent / "formats" / "tongshan_2021_table.xls")  # made by make_layout_fixtures.py
    assert notice.identity.year == "2021" and notice.identity.place == "桐山区"
    assert [(s.title, s.task_numbers) for s in notice.sections] == [("产业发展", (1, 2)), ("城市建设", (3, 4))]
    assert _units(notice) == _units(parse_file(LAYOUTS / "tongshan_2022_table.xlsx"))


def test_saved_html_page_with_a_flattened_table() -> None:
    notice = parse_file(LAYOUTS / "meiling_2024_page.html")
    assert notice.covering.title.endswith("梅岭区人民政府关于印发梅岭区2024年政府工作报告重点工作任务分工的通知")
    assert notice.meta.doc_number == "梅政发〔2024〕3号"
    assert notice.covering.addressees == ("各镇人民政府", "街道办事处", "区政府各部门")
    assert notice.plan_title == "梅岭区2024年政府工作报告重点工作任务分工"
    assert _units(notice) == {
        1: (("区商务局",), ("各镇(街道)",)),
        2: (("区商务局",), ("区文广旅局", "区市场监管局")),
        3: (("区城管局",), ("区住建局",)),
        4: (("区农业农村局",), ("高新园(邹塘镇)",)),
    }
    # a leader cell merged over two tasks (rowspan) belongs to both; <br> inside a cell is a wrapped line
    assert [t.leader for t in notice.tasks] == ["周某某", "周某某", "吴某某", "吴某某"]
    assert notice.task(2).body == "举办促消费活动30场以上。"
    assert "不是正文" not in notice.covering.body and "首页" not in notice.covering.title


def test_formats_that_cannot_be_read_say_what_to_do(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    scan = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(str(scan))
    with pytest.raises(CorpusError, match="no text layer.*OCR"):
        parse_file(scan)
    for suffix, target in ((".doc", ".docx"), (".wps", ".docx"), (".et", ".xlsx")):
        old = tmp_path / f"notice{suffix}"
        old.write_bytes(b"\xd0\xcf\x11\xe0")
        with pytest.raises(CorpusError, match=f"cannot be read offline.*save it as {target}"):
            parse_file(old)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("x")
    with pytest.raises(CorpusError, match="not a valid xlsx file"):
        parse_file(broken)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("测试方案\n一、部分\n1.甲工作。(区甲局主办)\n".encode("gb18030"))
    assert parse_file(gbk).task(1).leads == ("区甲局",)


def test_parse_reports_name_layout_figures_fields_and_warnings(liuxi: Notice, shiwan: Notice) -> None:
    from assistant.ingest.report import parse_report

    report = parse_report(liuxi, "liuxi_2023_label_lines.txt")
    assert report.splitlines() == [
        "《柳溪县2023年县政府重点工作责任分工》(liuxi_2023_label_lines.txt;地区和年份:柳溪县、2023年)",
        "  版式:编号条目 一、 > (一);单位在条目后的单位行",
        "  条目 6 项(2 个部分),有单位的 6 项,单位 11 个",
        "  读到的字段:印发单位、印发日期、责任领导 1 项、完成时限 1 项",
        "  单位来源:条目后的单位行 6 项",
        "  责任单位的读法:列第一位的为牵头单位",
    ]
    assert "  提示:编号在各部分重新开始或有重复:任务按出现顺序编为 1、2、3…,引用时注明原文位置" in parse_report(shiwan).splitlines()
    xlsx = parse_report(parse_file(LAYOUTS / "tongshan_2022_table.xlsx"))
    assert "版式:表格(列:序号/任务名称/指标要求/牵头部门/配合部门)" in xlsx
    assert "提示:表格2未读取" in xlsx
    gaps = parse_report(parse_notice("方案\n一、部分\n1.甲。(区甲局主办)\n3.乙。\n", doc_id="x"))
    assert "提示:1 项任务没有读到单位:3" in gaps and "提示:编号不连续:1.级 1 之后是 3" in gaps


def test_a_name_merged_over_its_numbered_standards_makes_each_standard_a_task(tmp_path: Path) -> None:
    # 序号 / 目标名称 / 工作标准 / 分管领导 / 牵头单位 / 配合单位, the 目标名称 (and 序号, leader, units) merged down
    # over 「(1)…」「(2)…」 standards, as real attachment tables are laid out (content made up)
    page = tmp_path / "standards.html"
    page.write_text("""<html><head><meta charset="utf-8"><title>测试样本</title></head><body>
<p>测试样本</p><p>【测试样本】某区2024年主要目标任务责任分解表</p>
<table><tr><td>序号</td><td>目标名称</td><td>工 作 标 准</td><td>区政府<br>分管领导</td><td>牵头单位</td><td>配合单位</td></tr>
<tr><td rowspan="3">1</td><td rowspan="3">主要预期目标</td><td>(1)地区生产总值增长6%左右。</td>
<td rowspan="2">甲某某</td><td>发改局</td><td rowspan="3">经开区<br>高新园<br>(某某镇)<br>各街道</td></tr>
<tr><td>(2)一般公共预算收入增长3%以上。</td><td>财政局</td></tr>
<tr><td>(3)安全生产形势平稳向好。</td><td>乙某某</td><td>应急管理局<br>(安委办)</td></tr>
</table></body></html>""", encoding="utf-8")
    notice = parse_file(page)
    assert [t.body for t in notice.tasks] == ["(1)地区生产总值增长6%左右。", "(2)一般公共预算收入增长3%以上。",
                                              "(3)安全生产形势平稳向好。"]
    assert [(s.title, s.task_numbers) for s in notice.sections] == [("主要预期目标", (1, 2, 3))]
    assisting = ("经开区", "高新园(某某镇)", "各街道")  # one a line, the bracket line with the name above it
    assert _units(notice) == {1: (("发改局",), assisting), 2: (("财政局",), assisting),
                              3: (("应急管理局(安委办)",), assisting)}
    assert [t.leader for t in notice.tasks] == ["甲某某", "甲某某", "乙某某"]


def test_a_saved_page_without_its_site_chrome(tmp_path: Path) -> None:
    # a government site's article page (content made up): the <title> carries the site's name, a box of label cells
    # comes before the notice, a share bar, 上一篇/下一篇 links and a footer naming the site's 主办单位 follow it
    page = tmp_path / "page.html"
    page.write_text("""<html><head><meta charset="utf-8"><title>【测试样本】某区2025年民生实事项目的通知_政府文件_某区人民政府</title>
</head><body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>
<form><button>搜索</button></form>
<h1>【测试样本】某区2025年民生实事项目的通知</h1>
<table><tr><td>索引号:</td><td>X-2025-1</td><td>发文机关:</td><td>某区人民政府</td></tr>
<tr><td>成文日期:</td><td>2025年2月1日</td><td>发文字号:</td><td>某政发〔2025〕1号</td></tr></table>
<p>各街道办事处,区政府各部门:现将2025年民生实事项目印发给你们,请认真组织实施,确保按时完成各项目标。</p>
<p>某区人民政府</p><p>2025年2月1日</p>
<table><tr><th>序号</th><th>项目名称</th><th>主要内容及目标</th><th>责任单位</th><th>完成时限</th></tr>
<tr><td colspan="5">一、教育类(1项)</td></tr>
<tr><td>1</td><td>新建公办幼儿园</td><td>新建公办幼儿园2所。</td><td>区教育局（牵头）、区财政局</td><td>2025年8月底</td></tr>
<tr><td colspan="5">二、养老类(1项)</td></tr>
<tr><td>2</td><td>老年助餐</td><td>新建助餐点10个。</td><td>区民政局</td><td>全年</td></tr></table>
<p>三、保障措施</p><p>(一)加强组织领导。各牵头单位要制定具体工作方案,明确时间表和路线图,按月报送进展。</p>
<div><span>分享到:</span><a href="#">微信</a><a href="#">微博</a> <a href="#">【打印本页】</a></div>
<p>上一篇:<a href="/a.html">某区人民政府关于另一件事情的通知</a></p>
<div><p>主办单位:某区人民政府办公室 承办单位:某区大数据中心</p></div></body></html>""", encoding="utf-8")
    notice = parse_file(page)
    assert notice.covering.title == "【测试样本】某区2025年民生实事项目的通知"  # not the menu or the search box
    assert (notice.meta.doc_number, notice.meta.publisher) == ("某政发〔2025〕1号", "某区人民政府")
    assert _units(notice) == {1: (("区教育局",), ("区财政局",)), 2: (("区民政局",), ())}
    assert notice.task(1).body == "新建公办幼儿园:新建公办幼儿园2所。" and notice.task(2).deadline == "全年"
    assert [s.title for s in notice.sections] == ["教育类(1项)", "养老类(1项)"]


def test_pdf_text_of_pages_printed_without_paragraph_spacing() -> None:
    # layout extraction of a page whose items follow one another with no blank line, label lines of their own and
    # a unit name wrapped in the middle (「各\n区县政府」)
    from assistant.ingest.read import tidy_pdf_text

    page = ("附件\n   某市2025年重点工作任务分解方案\n\n  一、扩大有效需求\n  1.实施重大项目。全年安排重点项目320个,完成\n"
            "投资1150亿元以上。\n  责任单位:市发改委、市财政局、各\n区县政府\n  完成时限:2025年9月底前\n"
            "  2.培育消费新场景。打造夜间经济集聚区5个。\n  责任单位:市商务局\n\n\n   — 2 —")
    assert tidy_pdf_text(page).split("\n") == [
        "附件某市2025年重点工作任务分解方案", "一、扩大有效需求", "1.实施重大项目。全年安排重点项目320个,完成投资1150亿元以上。",
        "责任单位:市发改委、市财政局、各区县政府", "完成时限:2025年9月底前", "2.培育消费新场景。打造夜间经济集聚区5个。",
        "责任单位:市商务局", "— 2 —"]
    notice = parse_notice("某市人民政府办公室关于印发方案的通知\n各单位:责任单位中排在第一位的为牵头单位。\n"
                          + tidy_pdf_text(page), doc_id="x")
    assert notice.plan_title == "某市2025年重点工作任务分解方案"
    assert _units(notice) == {1: (("市发改委",), ("市财政局", "各区县政府")), 2: (("市商务局",), ())}
    assert notice.task(1).deadline == "2025年9月底前"


_PIECES = ["一、", "(一)", "1.", "1﹒", "(1)", "牵头单位:", "责任单位:", "完成时限:", "区甲局", "、", ",", ";", "。",
           "(", ")", "[", "]", "主办", "协办", "牵头", "配合", "负责", "\n", "工作", "附件1"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=5), max_size=40))
def test_any_mix_of_layout_pieces_parses_or_fails_clearly(pieces: list[str]) -> None:
    """Text made of numbering, labels, brackets and role words: a Notice or a CorpusError, and every task's body is
    in its text."""
    try:
        notice = parse_notice("".join(pieces), doc_id="prop")
    except CorpusError:
        return
    assert notice.tasks
    for task in notice.tasks:
        assert task.body.replace("\n", "") in task.text.replace("\n", "")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["序号", "重点工作", "牵头单位", "配合单位", "责任领导", "1", "", "区甲局\n区乙局",
                                          "一、部分", "做好工作。"]), min_size=1, max_size=6), min_size=1, max_size=8))
def test_any_table_parses_or_fails_clearly(rows: list[list[str]]) -> None:
    from assistant.ingest.tables import grid

    try:
        notice = parse_notice("", doc_id="prop", tables=[grid(rows)])
    except CorpusError:
        return
    assert all(t.body for t in notice.tasks)


def test_a_table_pasted_one_cell_a_line_is_named_not_guessed() -> None:
    text = "测试方案\n序号\n重点工作\n牵头单位\n配合单位\n1\n做好甲工作。\n区甲局\n区乙局\n2\n做好乙工作。\n区丙局\n"
    with pytest.raises(CorpusError):  # no numbered item, no table: plain paragraphs (parse_file falls back)
        parse_notice(text, doc_id="x")
    notice = parse_notice("测试方案\n一、部分\n1.做好甲工作。\n序号\n重点工作\n牵头单位\n区甲局\n", doc_id="x")
    assert any("拆成一格一行的表格" in w for w in notice.info.warnings)


def test_text_copied_out_of_a_pdf_with_page_numbers_and_wrapped_lines() -> None:
    """Every line broken at a fixed width, page numbers (「— 1 —」「- 2 -」「第3页 共4页」) and the plan's title as a
    running header between lines, a unit line wrapped inside a unit's name, a 版记 (抄送, 「××办公室　　2025年2月10日
    印发」) after the last task: the page furniture is dropped, wrapped lines run on, every unit is whole, and the
    版记 is no part of the last task's units."""
    notice = parse_file(LAYOUTS.parent / "formats" / "lanxi_2025_pdf_text.txt")
    assert notice.covering.title.endswith("关于印发兰溪市2025年重点工作任务分解方案的通知")  # wrapped title
    assert notice.covering.addressees == ("各乡镇人民政府", "街道办事处", "市政府各部门")
    assert notice.meta.doc_number == "兰政办发〔2025〕8号"
    assert notice.plan_title == "兰溪市2025年重点工作任务分解方案"  # not 「— 1 —兰溪市…」
    assert [s.task_numbers for s in notice.sections] == [(1, 2, 3), (4, 5)]
    assert notice.task(2).body == "争取专项债券额度20亿元,重点投向城市更新和产业园区。"  # a page number inside it
    assert notice.task(3).body == "举办促消费活动50场以上,社会消费品零售总额增长6%。"
    assert _units(notice) == {
        1: (("市发展和改革局",), ("市财政局", "市自然资源和规划局")),  # the unit line wraps after 「、」
        2: (("市财政局",), ("市发展和改革局",)),
        3: (("市商务局",), ()),
        4: (("市教育局",), ("市住房和城乡建设局", "各乡镇(街道)")),  # …and inside a name
        5: (("市民政局",), ()),
    }
    assert (notice.task(1).deadline, notice.task(4).deadline) == ("2025年12月底", "2025年8月底")
    # the level between the parts and the tasks, 「(一)扩大有效投资」, is each task's group
    assert [t.group for t in notice.tasks] == ["扩大有效投资", "扩大有效投资", "提振消费", "办好教育", "养老服务"]
    assert not notice.info.warnings


_PASTED_HEAD = ("【测试样本,非真实文件】梅溪县人民政府办公室关于印发梅溪县2024年重点工作任务分工的通知\n"
                "各乡镇人民政府,县直各部门:\n现将分工印发给你们。\n梅溪县人民政府办公室\n2024年3月1日\n"
                "梅溪县2024年重点工作任务分工\n")


@pytest.mark.parametrize("table", [
    # copied out of Word or Excel: cells split by tabs, an empty cell kept
    "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n1\t新建农村公路50公里\t县交通运输局\t各乡镇\t2024年12月\n"
    "2\t新增城镇就业3000人\t县人社局\t县财政局、各乡镇\t2024年12月\n3\t创建省级卫生乡镇2个\t县卫健局\t\t2024年10月\n",
    # a Markdown table (a converter's output)
    "| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
    "| 1 | 新建农村公路50公里 | 县交通运输局 | 各乡镇 | 2024年12月 |\n"
    "| 2 | 新增城镇就业3000人 | 县人社局 | 县财政局、各乡镇 | 2024年12月 |\n| 3 | 创建省级卫生乡镇2个 | 县卫健局 |  | 2024年10月 |\n",
])
def test_a_table_pasted_into_a_text_file_is_read_as_a_table(tmp_path: Path, table: str) -> None:
    path = tmp_path / "meixi_2024_pasted.txt"
    path.write_text(_PASTED_HEAD + table, encoding="utf-8")
    notice = parse_file(path)
    assert notice.plan_title == "梅溪县2024年重点工作任务分工"
    assert [t.body for t in notice.tasks] == ["新建农村公路50公里", "新增城镇就业3000人", "创建省级卫生乡镇2个"]
    assert _units(notice) == {1: (("县交通运输局",), ("各乡镇",)), 2: (("县人社局",), ("县财政局", "各乡镇")),
                              3: (("县卫健局",), ())}
    assert notice.task(3).deadline == "2024年10月" and notice.structured and not notice.info.warnings


@pytest.mark.parametrize(("part", "item"), [
    ("{n}、", "{i}、"), ("{n}、", "{c}"), ("{n}、", "({i})"), ("第{n}部分 ", "{i}."), ("第{n}章 ", "{i}、")])
def test_the_usual_ways_of_numbering_parts_and_tasks(part: str, item: str) -> None:
    """一、 or 「第一部分」 over 1. / 1、 / ① / (1): the same two parts and three tasks."""
    def line(n: int, text: str) -> str:
        return item.format(i=n, c="①②③"[n - 1]) + text

    text = "\n".join([
        "【测试样本,非真实文件】柳塘区人民政府关于印发柳塘区2024年重点工作任务分解方案的通知", "各街道,区直各部门:",
        "现将方案印发给你们。", "柳塘区人民政府", "2024年3月1日", "柳塘区2024年重点工作任务分解方案",
        part.format(n="一") + "经济发展", line(1, "地区生产总值增长6%。(区发改局牵头,区统计局配合)"),
        line(2, "新增规上企业20家。(区工信局牵头)"), part.format(n="二") + "民生保障",
        line(3, "新增城镇就业5000人。(区人社局牵头,各街道配合)")])
    notice = parse_notice(text, "liutang_2024")
    assert notice.plan_title == "柳塘区2024年重点工作任务分解方案"
    assert [(s.title, s.task_numbers) for s in notice.sections] == [("经济发展", (1, 2)), ("民生保障", (3,))]
    assert _units(notice) == {1: (("区发改局",), ("区统计局",)), 2: (("区工信局",), ()),
                              3: (("区人社局",), ("各街道",))}


def test_unit_lines_of_a_city_plan() -> None:
    """Units split by spaces, two labels on one line, a leader beside the units, and 「各县(市、区)政府」: the 、
    inside its brackets does not split it."""
    text = "\n".join([
        "【测试样本,非真实文件】兰川市人民政府办公室关于印发兰川市2024年重点工作任务分解方案的通知",
        "各县(市、区)人民政府,市政府各部门:", "现将方案印发给你们。", "兰川市人民政府办公室", "2024年3月1日",
        "兰川市2024年重点工作任务分解方案", "一、经济发展",
        "1.地区生产总值增长6%。", "责任单位:市发改委 市财政局 市统计局",
        "2.新增规上企业20家。", "牵头单位:市工信局;配合单位:各县(市、区)政府、市财政局",
        "3.新增城镇就业5000人。", "牵头领导:王某某  责任单位:市人社局、各县(市、区)人民政府",
        "4.建设保障性住房1000套。", "责任单位:市住建局(牵头),各县(市、区)政府,市自然资源和规划局"])
    notice = parse_notice(text, "lanchuan_2024")
    assert _units(notice) == {
        1: (("市发改委", "市财政局", "市统计局"), ()),
        2: (("市工信局",), ("各县(市、区)政府", "市财政局")),
        3: (("市人社局", "各县(市、区)人民政府"), ()),
        4: (("市住建局",), ("各县(市、区)政府", "市自然资源和规划局")),
    }
    assert notice.task(3).leader == "王某某"


def test_letterhead_and_document_number_above_the_title() -> None:
    text = ("某某县人民政府文件\n某政发〔2023〕2号\n某某县人民政府关于印发重点工作分工方案的通知\n各乡镇:\n现印发给你们。\n"
            "某某县人民政府\n2023年3月1日\n某某县2023年重点工作分工方案\n一、目标\n1.甲工作。\n牵头单位:县甲局\n")
    notice = parse_notice(text, doc_id="x")
    assert notice.covering.title == "某某县人民政府关于印发重点工作分工方案的通知"
    assert notice.meta.doc_number == "某政发〔2023〕2号"
    assert notice.covering.addressees == ("各乡镇",)


def test_a_notice_in_traditional_characters_is_read_in_simplified() -> None:
    # units must match questions, which are read in simplified characters (normalize.py)
    text = ("測試方案\n" + "為貫徹落實區政府工作報告確定的各項目標任務,現將重點工作分解如下,請各單位認真組織實施。" * 5
            + "\n一、穩增長\n1.新增規上工業企業10家。\n牽頭單位:區工信局\n責任單位:區發改局、各街道\n"
            "完成時限:2025年12月底\n")
    notice = parse_notice(text, doc_id="x")
    assert (notice.task(1).leads, notice.task(1).assists) == (("区工信局",), ("区发改局", "各街道"))
    assert notice.task(1).body == "新增规上工业企业10家。" and notice.task(1).deadline == "2025年12月底"
    assert notice.info.warnings[0].startswith("通知用繁体字书写")
    simplified = parse_notice("测试方案\n一、部分\n1.做好乾坤湾开发工作。(区甲局主办)\n", doc_id="y")
    assert simplified.task(1).body == "做好乾坤湾开发工作。" and simplified.info.warnings == ()


def test_a_cover_letter_without_its_attachment_says_so(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("【测试样本】某区人民政府关于印发重点工作任务分解表的通知\n各街道:\n现将任务分解表印发给你们。\n"
                      "附件:2024年重点工作任务分解表\n某区人民政府\n2024年2月1日\n", encoding="utf-8")
    notice = parse_file(letter)
    assert not notice.structured
    assert any("附件「2024年重点工作任务分解表」" in w for w in notice.info.warnings)


def test_a_street_office_plan_with_offices_as_units(tmp_path: Path) -> None:
    """A 街道 plan names its own offices (科室) where a government names departments: 「责任科室」「牵头科室」「配合科室」
    are the labels 责任单位 / 牵头单位 / 配合单位 with another noun, 「X(牵头)」 marks the lead among the responsible,
    and an office written full and short (城市建设管理办公室 / 城建办) is one unit."""
    text = "\n".join([
        "【测试样本,非真实文件】某区桐林街道办事处关于印发桐林街道2025年重点工作任务分解方案的通知",
        "各社区居委会,街道各科室:", "现将方案印发给你们。责任科室中标注“牵头”的为牵头科室,其余为配合科室。",
        "桐林街道办事处", "2025年2月1日", "桐林街道2025年重点工作任务分解方案", "一、城市更新",
        "1.完成老旧小区改造4个。", "责任领导:某某某(虚构)", "责任科室:城市建设管理办公室(牵头)、财政所、各社区",
        "完成时限:2025年11月",
        "2.新建口袋公园2个。", "牵头科室:城建办", "配合科室:社会事务办公室、各社区居委会",
        "3.新增停车泊位300个。", "责任科室:城建办(牵头)、综合行政执法队、社事办",
        "4.整治背街小巷5条。", "责任科室:执法队"])
    path = tmp_path / "tonglin_2025.txt"
    path.write_text(text, encoding="utf-8")
    notice = parse_file(path)
    assert _units(notice) == {
        1: (("城建办",), ("财政所", "各社区")),
        2: (("城建办",), ("社会事务办公室", "各社区")),  # (on a tie, the name used first)
        3: (("城建办",), ("综合行政执法队", "社会事务办公室")),
        4: (("综合行政执法队",), ()),
    }
    assert notice.task(1).deadline == "2025年11月" and notice.task(1).leader == "某某某(虚构)"
    assert dict(notice.info.unified)["城建办"] == ("城市建设管理办公室",)


def test_a_unit_named_as_the_subject_of_an_item_leads_it() -> None:
    # a 工作要点 that names units only now and then, as the subject of a sentence (content made up)
    notice = parse_notice("测试样本:某县2025年工作要点\n一、产业\n1.新建农田1万亩。县自然资源局要会同有关部门开展整治。\n"
                          "2.县人社局要组织招聘活动20场。\n3.各乡镇要加强组织领导。\n4.新建冷库2座。(县商务局负责)\n", doc_id="x")
    assert _units(notice) == {1: (("县自然资源局",), ()), 2: (("县人社局",), ()), 3: ((), ()), 4: (("县商务局",), ())}
    assert "句中主语" in notice.info.layout
