"""Tables of tasks (序号 / 任务名称 / 指标要求 / 牵头部门 / 配合部门, 序号 / 重点工作 / 责任领导 / 责任单位 / 完成时限):
each row a task, a merged cell read once, a category column or a full-width row a part of the plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clauses import Fields, parse_suffixed, unit_names
from .words import UNIT_SLOTS, LayoutWords, Slot


@dataclass(frozen=True)
class Cell:
    """A table cell's text and the top-left position of the merged cell it belongs to (its own when unmerged)."""

    text: str
    origin: tuple[int, int]


@dataclass(frozen=True)
class Table:
    """A table as a grid: a merged cell appears in every position it covers, with the same origin."""

    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""  # the caption or the line just before it (「附件1 2023年重点工作任务责任分解表」)


def grid(rows: list[list[str]]) -> Table:
    """A table without merged cells from plain rows of text."""
    return Table(tuple(tuple(Cell(t, (r, c)) for c, t in enumerate(row)) for r, row in enumerate(rows)))


@dataclass
class Row:
    """One task read from a table: its number as printed, its part, its text pieces and fields."""

    printed: int | None
    category: str
    task: str
    details: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    fields: Fields = field(default_factory=Fields)


@dataclass
class TableTasks:
    """What one table gave: its title, its rows as tasks, what could not be read."""

    title: str
    rows: list[Row]
    warnings: list[str]
    headers: tuple[str, ...] = ()  # the columns read, as headed


_SUB_ITEM = re.compile(r"^([((]?\d{1,3}[))]|\d{1,3}[.．、﹒]|[①-⑳])")


def cell_text(text: str) -> str:
    """A cell's lines as one text: wrapped lines joined, lines that open a sub-item 「(1)」 kept apart."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    out = ""
    for line in lines:
        out += ("\n" if out and _SUB_ITEM.match(line) else "") + line
    return out


def _header(table: Table, words: LayoutWords) -> tuple[int, dict[int, tuple[Slot, str]]] | None:
    """The header row (among the first five) and what each column holds; None when it is not a task table."""
    for r, row in enumerate(table.rows[:5]):
        columns: dict[int, tuple[Slot, str]] = {}
        for c, cell in enumerate(row):
            slot = words.column(cell_text(cell.text)) if len(cell.text) <= 12 else None
            if slot is not None:
                columns[c] = (slot, re.sub(r"\s+", "", cell.text))
        slots = {s for s, _ in columns.values()}
        if (Slot.TASK in slots or Slot.DETAIL in slots) and (slots & {*UNIT_SLOTS, Slot.LEADER, Slot.NUMBER}):
            # a second header row under a merged one (责任单位 over 牵头单位 | 配合单位) refines its columns
            if r + 1 < len(table.rows):
                below = {c: words.column(cell.text) for c, cell in enumerate(table.rows[r + 1])}
                kept = {s for c, (s, _) in columns.items() if below.get(c) is None} | {s for s in below.values() if s}
                if sum(1 for s in below.values() if s) >= 2 and (Slot.TASK in kept or Slot.DETAIL in kept) and not any(
                        cell.text.strip().isdigit() for cell in table.rows[r + 1]):
                    for c, s in below.items():
                        if s:
                            columns[c] = (s, re.sub(r"\s+", "", table.rows[r + 1][c].text))
                    r += 1
            task_cols = [c for c, (s, _) in columns.items() if s is Slot.TASK]
            if not task_cols:  # only a detail column (工作标准): it is the task
                first = min(c for c, (s, _) in columns.items() if s is Slot.DETAIL)
                columns[first] = (Slot.TASK, columns[first][1])
            for c in task_cols[1:]:
                columns[c] = (Slot.DETAIL, columns[c][1])
            return r, columns
    return None


def read_table(table: Table, words: LayoutWords, number: int) -> TableTasks:
    """The tasks of one table; a table without task columns gives none and a warning."""
    width = max((len(row) for row in table.rows), default=0)
    if any(len(row) < width for row in table.rows):  # ragged rows: the missing cells are empty
        table = Table(tuple(row + tuple(Cell("", (r, c)) for c in range(len(row), width))
                            for r, row in enumerate(table.rows)), table.title)
    found = _header(table, words)
    if found is None:
        return TableTasks(table.title, [], [f"表格{number}未读取:没有找到任务列和单位列(如 任务名称、牵头单位)"])
    head, columns = found
    title = table.title
    if not title:
        above = dict.fromkeys(cell_text(c.text) for row in table.rows[:head] for c in row if c.text.strip())
        title = " ".join(above)
    task_col = next(c for c, (s, _) in columns.items() if s is Slot.TASK)
    body = table.rows[head + 1 :]
    detail_col = next((c for c, (s, _) in columns.items() if s is Slot.DETAIL), None)
    if detail_col is not None and _groups_details(body, task_col, detail_col):
        # 目标名称 merged down over rows that each have their own 工作标准 「(1)…」「(2)…」: those are the tasks,
        # and the merged name is their part
        columns[task_col] = (Slot.CATEGORY, columns[task_col][1])
        columns[detail_col] = (Slot.TASK, columns[detail_col][1])
        task_col = detail_col
    rows: list[Row] = []
    warnings: list[str] = []
    category = ""
    task_origin: tuple[int, int] | None = None
    seen: set[tuple[int, int]] = set()
    for row in table.rows[head + 1 :]:
        origins = {cell.origin for cell in row if cell.text.strip()}
        if not origins:
            continue
        texts = [cell_text(cell.text) for cell in row]
        if len(origins) == 1 and len(row) > 2 and (row[task_col].origin in origins and row[0].origin in origins
                                                   or not row[task_col].text.strip()):
            # a row-wide cell, or a row with one cell only: a part's heading 「一、稳增长」
            category = next(t for t in texts if t)
            task_origin = None
            continue
        cell = row[task_col]
        if not cell.text.strip():
            continue
        if cell.origin != task_origin:  # a new task (a vertically merged task cell continues the last one)
            task_origin = cell.origin
            rows.append(Row(None, category, texts[task_col]))
            seen = set()  # a cell merged over rows of one task is read once; over several tasks, for each
        current = rows[-1]
        for c, (slot, header) in columns.items():
            if c >= len(row) or c == task_col or not texts[c] or row[c].origin in seen and slot is not Slot.CATEGORY:
                continue
            if slot is Slot.CATEGORY:
                if row[c].origin not in seen:
                    category = texts[c]
                current.category = category
                seen.add(row[c].origin)
                continue
            seen.add(row[c].origin)
            value = texts[c]
            if slot in UNIT_SLOTS:  # one unit a line in a cell: the line breaks separate names
                value = _unit_lines(row[c].text)
            if slot is Slot.NUMBER:
                current.printed = int(value) if value.isdecimal() else current.printed
            elif slot is Slot.DETAIL:
                current.details.append(value)
            else:
                current.labels.append(f"{header}:{value}")
                _add(current.fields, slot, value, words, warnings, header)
    return TableTasks(title, rows, warnings, tuple(header for _, (_, header) in sorted(columns.items())))


def _unit_lines(text: str) -> str:
    """「经开区\n高新园\n(邹区镇)\n各街道」 -> 「经开区、高新园(邹区镇)、各街道」: a line that opens with a bracket
    belongs to the name above it."""
    names: list[str] = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        if names and (line[0] in "((" or names[-1].count("(") > names[-1].count(")")):
            names[-1] += line
        else:
            names.append(line)
    return "、".join(names)


def _groups_details(rows: tuple[tuple[Cell, ...], ...], task_col: int, detail_col: int) -> bool:
    """Whether task cells merged over several rows hold a different detail cell in each of them."""
    spans: dict[tuple[int, int], set[tuple[int, int]]] = {}
    for row in rows:
        if max(task_col, detail_col) < len(row) and row[task_col].text.strip() and row[detail_col].text.strip():
            spans.setdefault(row[task_col].origin, set()).add(row[detail_col].origin)
    return any(len(details) > 1 for details in spans.values())


def _add(fields: Fields, slot: Slot, value: str, words: LayoutWords, warnings: list[str], header: str) -> None:
    flat = value.replace("\n", "、")
    if slot is Slot.LEADER:
        fields.leader.append(flat)
    elif slot is Slot.DEADLINE:
        fields.deadline.append(flat)
    else:
        units = parse_suffixed(flat, words) if slot is Slot.MIXED else unit_names(flat, slot)
        if units is None:
            units = parse_suffixed(flat, words)
        if units is None:
            warnings.append(f"{header}列的「{flat[:20]}」不像单位名称,未读取")
        else:
            fields.units += units
