"""Corrections by the people who hold a notice: the `corrections` entry of its `<doc_id>.knowledge.json`, kept
beside it, fixes what the parser got wrong — the role rule, place, year, title, or a task's units. Checked at
load: an entry that does not fit the notice stops loading with a message naming it.

    {"corrections": {"role_rule": "first_is_lead", "place": "石湾区", "year": "2025", "title": "石湾区2025年重点工作",
                     "tasks": {"5": {"lead": ["区文旅局"], "assist": ["区教育局"]}}}}
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import CorpusError
from ..records import Identity, Level, Notice, Role, TaskUnit
from .words import RoleRule

SUFFIX = ".knowledge.json"
KEYS = {"role_rule", "place", "year", "title", "tasks"}


@dataclass(frozen=True)
class Corrections:
    """What a notice's knowledge file corrects; empty when it has none."""

    source: str = ""
    role_rule: RoleRule | None = None
    place: str = ""
    year: str = ""
    title: str = ""
    tasks: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...] = ()  # (task, leads, assists)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CorpusError(f"{where} must be a list of unit names")
    return tuple(v.strip() for v in value)


def parse_corrections(data: Any, where: str) -> Corrections:
    """The corrections entry of a knowledge file, checked in itself (that its tasks exist is checked on apply)."""
    if not isinstance(data, dict):
        raise CorpusError(f"{where}: corrections must be an object")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise CorpusError(f"{where}: unknown correction(s) {', '.join(unknown)}; use {', '.join(sorted(KEYS))}")
    rule = data.get("role_rule")
    if rule is not None and rule not in {r.value for r in RoleRule}:
        raise CorpusError(f"{where}: role_rule must be one of {', '.join(r.value for r in RoleRule)}, not {rule!r}")
    for key in ("place", "year", "title"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            raise CorpusError(f"{where}: {key} must be a non-empty string")
    year = data.get("year", "")
    if year and not re.fullmatch(r"(19|20)\d\d", year):
        raise CorpusError(f"{where}: year must be four digits such as \"2025\", not {year!r}")
    place = data.get("place", "")
    if place and place[-1] not in {lv.value for lv in Level if lv.value}:
        raise CorpusError(f"{where}: place {place!r} must end in 省, 市, 区 or 县")
    tasks = []
    entries = data.get("tasks", {})
    if not isinstance(entries, dict):
        raise CorpusError(f"{where}: tasks must be an object of task number -> {{\"lead\": […], \"assist\": […]}}")
    for key, entry in entries.items():
        if not str(key).isdecimal():
            raise CorpusError(f"{where}: tasks key {key!r} is not a task number")
        if not isinstance(entry, dict) or set(entry) - {"lead", "assist"} or not entry:
            raise CorpusError(f"{where}: tasks[{key}] must be {{\"lead\": […], \"assist\": […]}}")
        leads = _names(entry.get("lead", []), f"{where}: tasks[{key}].lead")
        assists = _names(entry.get("assist", []), f"{where}: tasks[{key}].assist")
        tasks.append((int(key), leads, assists))
    return Corrections(where, RoleRule(rule) if rule else None, place.strip(), year, data.get("title", "").strip(),
                       tuple(tasks))


def corrections_path(path: Path) -> Path:
    """The knowledge file beside a notice file (`plan.docx` -> `plan.knowledge.json`)."""
    return path.with_name(path.stem + SUFFIX)


def load_corrections(path: Path) -> Corrections:
    """The corrections kept beside a notice file; empty when it has no knowledge file or no corrections in it."""
    beside = corrections_path(path)
    if not beside.is_file():
        return Corrections()
    try:
        data = json.loads(beside.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"cannot read {beside.name}: {exc}") from exc
    if not isinstance(data, dict) or "corrections" not in data:
        return Corrections()
    return parse_corrections(data["corrections"], beside.name)


def apply_corrections(notice: Notice, corrections: Corrections) -> Notice:
    """The notice with its identity and tasks' units corrected; CorpusError when a corrected task does not exist."""
    if not corrections.source:
        return notice
    tasks = {t.number: t for t in notice.tasks}
    for number, leads, assists in corrections.tasks:
        if number not in tasks:
            raise CorpusError(f"{corrections.source}: corrections.tasks names task {number}, which "
                              f"{notice.doc_id} does not have (it has {len(notice.tasks)} tasks)")
        units = tuple(TaskUnit(n, Role.LEAD) for n in leads) + tuple(TaskUnit(n, Role.ASSIST) for n in assists)
        tasks[number] = replace(tasks[number], units=units)
    identity = notice.identity
    plan_title = corrections.title or notice.plan_title
    if corrections.place or corrections.year or corrections.title:
        place = corrections.place or identity.place
        level = Level(place[-1]) if corrections.place else identity.level
        year = corrections.year or identity.year
        title = corrections.title or identity.short_title
        identity = Identity(issuer=identity.issuer, place=place, level=level, year=year, short_title=title)
    info = replace(notice.info, corrections=corrections.source)
    return replace(notice, tasks=tuple(tasks[t.number] for t in notice.tasks), identity=identity, info=info,
                   plan_title=plan_title)
