"""The units named in the notices, the short and colloquial names people use for them, and lookup in questions."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import jieba

from ..records import Notice, Ref, Role, RoleFilter
from .knowledge import Knowledge

log = logging.getLogger(__name__)

UnitKind = Literal["department", "street", "group"]

@dataclass(frozen=True)
class Unit:
    """A unit named in a notice (or a generic group of units) and every name that refers to it."""

    name: str
    kind: UnitKind
    aliases: tuple[str, ...]


def unit_kind(name: str) -> UnitKind:
    """Generic groups (区相关部门, 各街道板块 …) versus named departments and street offices."""
    if name.startswith("各") or "相关" in name or "各部门" in name:
        return "group"
    if name.endswith("街道"):
        return "street"
    return "department"


# Level words that prefix a unit's name without being part of what people call it (区商务局 -> 商务局).
LEVEL_PREFIXES = ("区委", "区")


def derived_aliases(name: str, places: Sequence[str] = ()) -> set[str]:
    """区商务局 -> 商务局; with the place 鼓楼, 鼓楼消防救援大队 -> 消防救援大队 (only when something meaningful is
    left)."""
    for prefix in (*LEVEL_PREFIXES, *places):
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            return {rest} if len(rest) >= 3 else set()
    return set()


class UnitDirectory:
    """Every unit of the loaded notices, with alias lookup and the tasks each unit leads or assists."""

    def __init__(self, notices: Iterable[Notice], knowledge: Knowledge | None = None) -> None:
        notices = tuple(notices)
        knowledge = knowledge or Knowledge()
        # the notices' own places (鼓楼区 -> 鼓楼) prefix unit names as level words do
        places = tuple(dict.fromkeys(n.identity.place_short for n in notices if n.identity.place_short))
        self._lead: dict[str, list[Ref]] = {}
        self._assist: dict[str, list[Ref]] = {}
        for notice in notices:
            for task in notice.tasks:
                for name in task.leads:
                    self._lead.setdefault(name, []).append(task.ref)
                for name in task.assists:
                    self._assist.setdefault(name, []).append(task.ref)
        names = list(dict.fromkeys([*self._lead, *self._assist]))
        units: dict[str, Unit] = {}
        for name in names:
            aliases = {name, *derived_aliases(name, places), *knowledge.unit_aliases.get(name, ()),
                       *knowledge.group_aliases.get(name, ())}
            units[name] = Unit(name=name, kind=unit_kind(name), aliases=tuple(sorted(aliases, key=len, reverse=True)))
        self.units: dict[str, Unit] = units
        self._by_alias: dict[str, str] = {}
        for unit in units.values():
            for alias in unit.aliases:
                # a full name always wins over somebody else's alias
                if alias not in self._by_alias or alias == unit.name:
                    self._by_alias[alias] = unit.name
        self._pattern = re.compile("|".join(re.escape(a) for a in sorted(self._by_alias, key=len, reverse=True)))

    @property
    def departments(self) -> list[Unit]:
        """Named units (departments and street offices), not the generic groups."""
        return [u for u in self.units.values() if u.kind != "group"]

    def find(self, text: str) -> list[Unit]:
        """Units mentioned in (normalised) text, longest match first, in order of appearance, no repeats."""
        found = dict.fromkeys(self._by_alias[m.group(0)] for m in self._pattern.finditer(text))
        return [self.units[name] for name in found]

    def resolve(self, alias: str) -> Unit | None:
        name = self._by_alias.get(alias)
        return self.units[name] if name else None

    def tasks(self, name: str, role: RoleFilter = None) -> tuple[list[Ref], list[Ref]]:
        """(lead tasks, assisting tasks) of a unit, in document order; `role` keeps one of the two."""
        lead = list(self._lead.get(name, [])) if role in (None, Role.LEAD) else []
        assist = list(self._assist.get(name, [])) if role in (None, Role.ASSIST) else []
        return lead, assist

    def tokenizer(self) -> jieba.Tokenizer:
        """A private jieba tokenizer in which every unit name and alias is one token."""
        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        for alias in self._by_alias:
            tok.add_word(alias, freq=200000)
        return tok
