"""The 部门任务一览 tab: every unit with its lead and assisting tasks, filterable, downloadable as CSV."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline import Assistant

KIND_LABELS = {"department": "部门", "street": "街道", "group": "统称"}
TABLE_HEADERS = ["单位", "类型", "主办任务", "协办任务", "主办数", "协办数"]
CSV_NAME = "部门任务一览.csv"


@dataclass(frozen=True)
class UnitRow:
    """One unit of the table, with the aliases the filter matches."""

    name: str
    kind: str  # 部门 / 街道 / 统称
    lead: tuple[tuple[str, int], ...]  # (doc_id, task number)
    assist: tuple[tuple[str, int], ...]
    aliases: tuple[str, ...] = ()
    # (doc_id, plan title) of every loaded notice when there are several: the numbers are then grouped by notice
    titles: tuple[tuple[str, str], ...] = ()

    def cells(self) -> list[Any]:
        return [self.name, self.kind, self.numbers(self.lead), self.numbers(self.assist), len(self.lead),
                len(self.assist)]

    def numbers(self, refs: Sequence[tuple[str, int]]) -> str:
        """「2、3、5」; with several notices 「《A》2、3;《B》5」."""
        if not self.titles:
            return "、".join(str(n) for _, n in refs)
        groups = [(title, [str(n) for d, n in refs if d == doc]) for doc, title in self.titles]
        return ";".join(f"《{title}》{'、'.join(ns)}" for title, ns in groups if ns)


def unit_table(assistant: Assistant) -> list[UnitRow]:
    """Every unit with its lead and assisting tasks: departments and streets first, generic groups last."""
    titles = tuple((n.doc_id, n.plan_title or n.meta.title) for n in assistant.notices) if len(assistant.notices) > 1 else ()
    rows = []
    for unit in assistant.units.units.values():
        lead, assist = assistant.units.tasks(unit.name)
        rows.append(
            UnitRow(
                name=unit.name,
                kind=KIND_LABELS.get(unit.kind, unit.kind),
                lead=tuple(lead),
                assist=tuple(assist),
                aliases=tuple(unit.aliases),
                titles=titles,
            )
        )
    order = list(KIND_LABELS.values())
    return sorted(rows, key=lambda r: order.index(r.kind) if r.kind in order else len(order))


def filter_units(rows: Sequence[UnitRow], query: str = "", kind: str = "全部") -> list[UnitRow]:
    """Rows whose name or an alias contains `query` (or `query` contains an alias), of the chosen kind."""
    q = (query or "").strip().replace(" ", "")
    out = []
    for row in rows:
        if kind and kind != "全部" and row.kind != kind:
            continue
        names = (row.name, *row.aliases)
        if q and not any(q in name or (len(name) >= 2 and name in q) for name in names):
            continue
        out.append(row)
    return out


def table_csv(rows: Sequence[UnitRow]) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark, so Excel opens the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(TABLE_HEADERS)
    writer.writerows(row.cells() for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def write_csv(rows: Sequence[UnitRow], folder: Path) -> Path:
    """Write the table under `folder`, one sub-folder per distinct content (so each filter gets its own file)."""
    data = table_csv(rows)
    target = folder / hashlib.sha1(data).hexdigest()[:16] / CSV_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target
