"""The front matter of a notice: its metadata header, its covering notice (title, addressees, body, issuer, date)
and the plan's title, told apart from a letterhead above it and a paragraph below it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import CoveringNotice

DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_LETTERHEAD = re.compile(r"^\S{2,20}(政府|办公室|办公厅|委员会)文件$")
_DOC_NUMBER = re.compile(r"^\S{1,12}[〔\[(（]\d{4}[〕\])）]\s*\d+号$")


def title_like(line: str) -> bool:
    """A line that can be a title: no full stop, not a date, not a label, not a note in brackets."""
    return not ("。" in line or len(line) > 80 or DATE.match(line) or line.endswith((":", ":"))
                or line.startswith(("(", "(")))


def title_line(preamble: Sequence[str]) -> int:
    """Index of the plan's title: the last line before the plan that reads as a title, not as a paragraph."""
    return next((i for i in range(len(preamble) - 1, -1, -1) if title_like(preamble[i])), -1)


_TITLE_END = re.compile(r"(方案|计划|清单|分工|通知|表|公开发布)$")


def join_wrapped_title(preamble: list[str], at: int) -> tuple[list[str], int]:
    """A title broken over two lines (「……2025年重点工作」 / 「任务分解和责任分工方案」) as one line."""
    if at >= 1 and title_like(preamble[at - 1]) and not _TITLE_END.search(preamble[at - 1]) \
            and not re.search(r"[,,、;;]$", preamble[at - 1]) and not _GOVERNMENT_LINE.search(preamble[at - 1]) \
            and len(preamble[at - 1]) + len(preamble[at]) <= 60 and at - 1 > 0:
        joined = preamble[: at - 1] + [preamble[at - 1] + preamble[at]] + preamble[at + 1 :]
        return joined, at - 1
    return preamble, at


# an issuer line (「石湾区人民政府」「柳溪县人民政府办公室」) is not the first half of a title
_GOVERNMENT_LINE = re.compile(r"(政府|办公室|办公厅|委员会|管委会)$")


def header_fields(header: list[str]) -> dict[str, str]:
    """`索 引 号: | 000014349/2024-14622 | 主题分类: | 综合政务 |` -> {索引号: …, 主题分类: …}."""
    fields: dict[str, str] = {}
    for line in header:
        cells = [cell.strip() for cell in line.split("|")]
        label = ""
        for cell in cells:
            if cell.endswith((":", ":")):
                label = re.sub(r"\s+|[::]+$", "", cell)
                fields.setdefault(label, "")
            elif label and cell:
                fields[label] = cell
                label = ""
    return fields


# how the title of a covering notice ends
_TITLE_END = re.compile(r"(通知|方案|意见|决定|通报|函|办法|计划|要点|规划|清单)$")


def covering_notice(preamble: list[str], fields: dict[str, str], titled: bool) -> tuple[CoveringNotice, str]:
    """Title, addressees, body, issuer and date of the covering notice; the last line is the plan title."""
    if not preamble:
        return CoveringNotice(fields.get("信息名称", ""), (), "", fields.get("发布机构", ""), ""), ""
    plan_title = preamble[-1] if titled else ""
    lines = preamble[:-1] if titled else preamble
    while len(lines) > 2 and (_LETTERHEAD.search(lines[0]) or _DOC_NUMBER.match(lines[0])):
        # a letterhead 「××区人民政府文件」 and the document number above the title
        if _DOC_NUMBER.match(lines[0]):
            fields.setdefault("文号", lines[0])
        lines = lines[1:]
    while len(lines) > 2 and not _TITLE_END.search(lines[0]) and _TITLE_END.search(lines[1]) \
            and len(lines[1]) <= 40 and not _DOC_NUMBER.match(lines[1]):
        # a title wrapped over two lines (a PDF's fixed width): 「…关于印发兰溪市2025年」「重点工作任务分解方案的通知」
        lines = [lines[0] + lines[1], *lines[2:]]
    title = lines[0] if lines else ""
    addressees: tuple[str, ...] = ()
    body_start = 1
    if len(lines) > 2 and _DOC_NUMBER.match(lines[1]):  # 「梅政发〔2024〕3号」 under the title
        fields.setdefault("文号", lines[1])
        lines = [lines[0], *lines[2:]]
    if len(lines) > 1 and lines[1].endswith((":", ":")):
        addressees = tuple(a for a in re.split(r"[,,、]", re.sub(r"[::]+$", "", lines[1])) if a)
        body_start = 2
    date_at = next((i for i, line in enumerate(lines) if DATE.match(line)), len(lines))
    issuer = lines[date_at - 1] if date_at - 1 >= body_start else ""
    body_end = date_at - 1 if issuer else date_at
    note = " ".join(lines[date_at + 1 :])
    return (
        CoveringNotice(
            title=title,
            addressees=addressees,
            body="\n".join(lines[body_start:body_end]),
            issuer=issuer,
            date=lines[date_at] if date_at < len(lines) else "",
            note=note,
        ),
        plan_title,
    )
