"""Write the made-up table fixtures of tests/fixtures/layouts/: a .docx notice whose tasks are an attached table with
merged cells, an .xlsx task table and the same table as .xls (needs xlwt, a test extra). Every name, number and person in them is invented.

    .venv/bin/python scripts/make_layout_fixtures.py [--out tests/fixtures/layouts]
"""

from __future__ import annotations

import argparse
from pathlib import Path

MARK = "【测试样本,非真实文件】"

DOCX_COVER = [
    f"{MARK}云岭市人民政府办公室关于印发云岭市2026年重点工作任务责任分解表的通知",
    "各县(市、区)人民政府,市政府各部门:",
    "本文件是为自动化测试编写的虚构样本,地名、单位、人名和数字均为编造。经市政府同意,现将《云岭市2026年重点工作任务责任分解表》印发给你们,请认真贯彻落实。",
    "一、各责任单位要细化工作举措,按季度报送进展情况。",
    "二、表中无牵头单位的,责任单位即为牵头单位。",
    "云岭市人民政府办公室",
    "2026年2月18日",
    "附件1",
    "云岭市2026年重点工作任务责任分解表",
]
DOCX_HEADER = ["序号", "类别", "重点工作", "责任领导", "责任单位", "完成时限"]
# rows of the table; None marks a cell merged with the one above (vertically)
DOCX_ROWS: list[list[str | None]] = [
    ["1", "稳增长", "地区生产总值增长5%左右。", "赵某某", "市发展改革委、市统计局", "2026年12月"],
    ["2", None, "新增规上工业企业50家。", "赵某某", "市工业和信息化局", "2026年12月"],
    ["3", "惠民生", "新建公办幼儿园6所,新增学位5400个。", "钱某某", "市教育局", "2026年9月"],
    [None, None, None, None, "市财政局", None],
    ["4", None, "城镇新增就业3万人。", "钱某某", "市人力资源和社会保障局", "2026年11月"],
]
DOCX_SECTION_ROW = "三、优环境"
DOCX_AFTER: list[list[str | None]] = [
    ["5", "", "开展营商环境优化提升行动:\n(1)压减审批时限30%;\n(2)推行“一网通办”。", "孙某某",
     "市发展改革委、市市场监管局", "2026年6月底"],
]


def make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in DOCX_COVER:
        document.add_paragraph(line)
    rows = [DOCX_HEADER, *DOCX_ROWS, [DOCX_SECTION_ROW] * len(DOCX_HEADER), *DOCX_AFTER]
    table = document.add_table(rows=len(rows), cols=len(DOCX_HEADER))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and not (r == len(DOCX_ROWS) + 1 and c > 0):
                table.cell(r, c).text = value
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:  # merge with the cell above (python-docx then repeats it in every row it spans)
                top = r - 1
                while rows[top][c] is None:
                    top -= 1
                table.cell(top, c).merge(table.cell(r, c))
    section = len(DOCX_ROWS) + 1
    table.cell(section, 0).merge(table.cell(section, len(DOCX_HEADER) - 1))  # a row-wide heading
    document.add_paragraph("(测试样本)")
    document.save(str(path))


XLSX_TITLE = f"{MARK}桐山区2022年政府工作报告重点任务分解表"
XLSX_HEADER = ["序号", "任务名称", "指标要求", "牵头部门", "配合部门"]
XLSX_ROWS: list[list[str] | str] = [
    "一、产业发展",
    ["1", "培育壮大数字经济", "数字经济核心产业增加值增长12%", "区工信局", "区发改局\n区科技局"],
    ["2", "扩大有效投资", "固定资产投资增长8%", "区发展和改革局", "区财政局、区自然资源局"],
    "二、城市建设",
    ["3", "推进城市更新", "改造老旧小区20个", "区住建局", "各街道"],
    ["4", "完善交通路网", "新建道路8公里", "区交通运输局", ""],
]


def make_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "任务分解"
    width = len(XLSX_HEADER)
    sheet.append([XLSX_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(XLSX_HEADER)
    for row in XLSX_ROWS:
        if isinstance(row, str):
            sheet.append([row])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
        else:
            sheet.append([int(row[0]), *row[1:]])
    notes = book.create_sheet("填表说明")
    notes.append(["本表为测试样本,内容均为虚构。"])
    notes.append(["请各部门于每月5日前报送进展。"])
    book.save(str(path))


def make_xls(path: Path) -> None:
    """The .xlsx fixture's table as an Excel 97-2003 workbook (xlwt, a test-only writer)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("任务分解")
    width = len(XLSX_HEADER)
    sheet.write_merge(0, 0, 0, width - 1, XLSX_TITLE.replace("2022", "2021"))
    for c, header in enumerate(XLSX_HEADER):
        sheet.write(1, c, header)
    r = 2
    for row in XLSX_ROWS:
        if isinstance(row, str):
            sheet.write_merge(r, r, 0, width - 1, row)
        else:
            sheet.write(r, 0, int(row[0]))
            for c, value in enumerate(row[1:], start=1):
                sheet.write(r, c, value)
        r += 1
    book.save(str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "layouts")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    make_docx(args.out / "yunling_2026_table.docx")
    make_xlsx(args.out / "tongshan_2022_table.xlsx")
    # the .xls lies apart (tests/fixtures/formats/): the same units as the .xlsx would make questions ambiguous
    formats = args.out.parent / "formats"
    formats.mkdir(exist_ok=True)
    make_xls(formats / "tongshan_2021_table.xls")
    print(f"wrote {args.out}/yunling_2026_table.docx, tongshan_2022_table.xlsx and {formats}/tongshan_2021_table.xls")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
