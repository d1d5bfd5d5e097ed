"""Parse a work-plan notice (metadata header, covering notice, sections, numbered tasks) into records."""

from __future__ import annotations

import re

from ..errors import CorpusError
from ..records import CoveringNotice, DocumentMeta, Notice, Role, Section, Task, TaskUnit

_SECTION = re.compile(r"^([一二三四五六七八九十]+)[、.．]\s*(\S.*)$")
_TASK = re.compile(r"^(\d{1,3})[.．、]\s*(\S.*)$")
# The unit bracket closes the line; ASCII or full-width brackets; the task text may hold brackets of its own.
_UNITS = re.compile(r"[((]([^()()]*(?:主办|协办))[))]\s*$")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_SENTENCE = re.compile(r"[^。;;!!??]+[。;;!!??]?")


def parse_notice(text: str, doc_id: str) -> Notice:
    """Parse the text of one notice; raises CorpusError when it has no numbered tasks."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    header = [line for line in lines if line.count("|") >= 2]
    rest = [line for line in lines if line.count("|") < 2]
    fields = _header_fields(header)
    first_section = next((i for i, line in enumerate(rest) if _SECTION.match(line)), None)
    if first_section is None:
        raise CorpusError(f"{doc_id}: no numbered section (一、二、…) found")
    preamble, plan = rest[:first_section], rest[first_section:]
    sections, tasks = _sections_and_tasks(plan, doc_id)
    if not tasks:
        raise CorpusError(f"{doc_id}: no numbered task (1. 2. …) found")
    covering, plan_title = _covering(preamble, fields)
    meta = DocumentMeta(
        doc_id=doc_id,
        title=fields.get("信息名称", "") or covering.title,
        index_number=fields.get("索引号", ""),
        doc_number=fields.get("文号", ""),
        publisher=fields.get("发布机构", ""),
        date=fields.get("生成日期", ""),
        keywords=tuple(k for k in re.split(r"[;;,,]", fields.get("关键词", "")) if k),
        fields=tuple(fields.items()),
    )
    return Notice(meta=meta, covering=covering, plan_title=plan_title, sections=sections, tasks=tasks)


_HEADING = re.compile(r"^(第[一二三四五六七八九十\d]+[章节部分条]|[一二三四五六七八九十]+[、.．]|\d+(\.\d+)*\s)|^[^。,,;;!?!?]{2,30}$")


def parse_plain(text: str, doc_id: str) -> Notice:
    """A document without the plan structure: headings become sections, each paragraph a numbered item."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        raise CorpusError(f"{doc_id}: the document is empty")
    title = lines[0]
    heads: list[tuple[str, list[str]]] = [("正文", [])]
    for line in lines[1:]:
        if _HEADING.match(line) and len(line) <= 30:
            heads.append((line, []))
        else:
            heads[-1][1].append(line)
    heads = [(h, paras) for h, paras in heads if paras]
    if not heads:
        heads = [("正文", [title])]
    sections: list[Section] = []
    tasks: list[Task] = []
    for number, (heading, paras) in enumerate(heads, start=1):
        first = len(tasks) + 1
        for para in paras:
            tasks.append(Task(doc_id, len(tasks) + 1, number, para, para, split_sentences(para)))
        sections.append(Section(doc_id, number, str(number), heading, tuple(range(first, len(tasks) + 1))))
    meta = DocumentMeta(doc_id=doc_id, title=title)
    return Notice(meta=meta, covering=CoveringNotice(title, (), "", "", ""), plan_title=title,
                  sections=tuple(sections), tasks=tuple(tasks), structured=False)


def _header_fields(header: list[str]) -> dict[str, str]:
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


def _covering(preamble: list[str], fields: dict[str, str]) -> tuple[CoveringNotice, str]:
    """Title, addressees, body, issuer and date of the covering notice; the last line is the plan title."""
    if not preamble:
        return CoveringNotice(fields.get("信息名称", ""), (), "", fields.get("发布机构", ""), ""), ""
    plan_title = preamble[-1]
    lines = preamble[:-1]
    title = lines[0] if lines else ""
    addressees: tuple[str, ...] = ()
    body_start = 1
    if len(lines) > 1 and lines[1].endswith((":", ":")):
        addressees = tuple(a for a in re.split(r"[,,、]", re.sub(r"[::]+$", "", lines[1])) if a)
        body_start = 2
    date_at = next((i for i, line in enumerate(lines) if _DATE.match(line)), len(lines))
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


def _sections_and_tasks(plan: list[str], doc_id: str) -> tuple[tuple[Section, ...], tuple[Task, ...]]:
    section_heads: list[tuple[int, str, str]] = []
    section_tasks: list[list[int]] = []
    tasks: list[Task] = []
    for line in plan:
        if m := _SECTION.match(line):
            section_heads.append((len(section_heads) + 1, m.group(1), m.group(2)))
            section_tasks.append([])
        elif m := _TASK.match(line):
            number, text = int(m.group(1)), m.group(2)
            tasks.append(_task(doc_id, number, len(section_heads), text))
            section_tasks[-1].append(number)
        # anything else (e.g. "解读链接:") is page furniture, not content
    sections = tuple(
        Section(doc_id, number, numeral, title, tuple(section_tasks[number - 1]))
        for number, numeral, title in section_heads
    )
    return sections, tuple(tasks)


def _task(doc_id: str, number: int, section: int, text: str) -> Task:
    leads: list[str] = []
    assists: list[str] = []
    body = text
    if m := _UNITS.search(text):
        body = text[: m.start()].rstrip()
        for part in re.split(r"[,,;;]", m.group(1)):
            part = part.strip()
            if part.endswith("主办"):
                leads += _units(part[:-2])
            elif part.endswith("协办"):
                assists += _units(part[:-2])
    return Task(
        doc_id=doc_id,
        number=number,
        section=section,
        text=text,
        body=body,
        sentences=split_sentences(body),
        units=tuple(TaskUnit(n, Role.LEAD) for n in leads) + tuple(TaskUnit(n, Role.ASSIST) for n in assists),
    )


def split_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text (ended by 。;!?), stripped, none empty."""
    return tuple(s for s in (x.strip() for x in _SENTENCE.findall(text)) if s)


def strip_units(text: str) -> str:
    """Task text without its trailing (… 主办, … 协办) bracket."""
    return _UNITS.sub("", text).rstrip()


def _units(names: str) -> list[str]:
    return [n.strip() for n in re.split(r"[、,,]", names) if n.strip()]
