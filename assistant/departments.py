"""The units named in the notices, the short and colloquial names people use for them, and lookup in questions."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import jieba

from .records import Notice, Role

log = logging.getLogger(__name__)

UnitKind = Literal["department", "street", "group"]

# Colloquial and short names people use, beyond what is derived mechanically (区X局 -> X局).
# Bare words that are also ordinary vocabulary (商务, 财政, 文旅 …) are left out on purpose: they would turn
# topic questions into unit questions.
ALIASES: dict[str, tuple[str, ...]] = {
    "区发改委": ("发改委", "发改局", "发展改革委", "发展和改革委员会", "区发展和改革委员会", "区发展改革委"),
    "区财政局": ("财政局",),
    "区商务局": ("商务局",),
    "区科技局": ("科技局", "科学技术局", "区科学技术局"),
    "区地方金融监管局": ("地方金融监管局", "金融监管局", "金融局", "金融办", "区金融监管局", "区金融局"),
    "下关滨江商务区管委会": ("滨江商务区管委会", "下关滨江管委会", "滨江管委会", "下关滨江商务区管理委员会"),
    "区建设局": ("建设局", "住建局", "区住建局"),
    "区文旅局": ("文旅局", "文化和旅游局", "区文化和旅游局"),
    "区投促局": ("投促局", "投资促进局", "区投资促进局", "招商局"),
    "铁北管委会": ("铁北管理委员会",),
    "湖南路管委会": ("湖南路商圈管委会",),
    "区司法局": ("司法局",),
    "区市场监管局": ("市场监管局", "市场监督管理局", "区市场监督管理局", "市监局", "工商局"),
    "高新区管委会": ("鼓楼高新区管委会", "高新区管理委员会"),
    "区科协": ("科协", "科学技术协会", "区科学技术协会"),
    "区委组织部": ("组织部", "区组织部"),
    "鼓楼生态环境局": ("生态环境局", "区生态环境局", "环保局", "区环保局", "环境局", "环保部门"),
    "区水务局": ("水务局", "水利局", "区水利局"),
    "区房产局": ("房产局", "房管局", "区房管局", "住房局"),
    "区城管局": ("城管局", "城管", "城市管理局", "区城市管理局"),
    "区残联": ("残联", "残疾人联合会", "区残疾人联合会"),
    "区人社局": ("人社局", "人力资源和社会保障局", "区人力资源和社会保障局", "人社部门", "劳动局"),
    "区民政局": ("民政局",),
    "区退役军人事务局": ("退役军人事务局", "退役军人局", "区退役军人局"),
    "区国动办": ("国动办", "国防动员办公室", "区国防动员办公室", "人防办"),
    "区教育局": ("教育局", "教委", "区教委"),
    "区卫健委": ("卫健委", "卫生健康委", "卫生健康委员会", "区卫生健康委员会", "卫健局", "卫生局"),
    "区应急管理局": ("应急管理局", "应急局", "区应急局", "安监局"),
    "鼓楼消防救援大队": ("消防救援大队", "消防大队", "消防队", "消防"),
    "鼓楼公安分局": ("公安分局", "区公安分局", "公安局", "区公安局", "公安", "派出所", "警察"),
    "区委政法委": ("政法委", "区政法委"),
    "区信访局": ("信访局", "信访办"),
    "区城市数字治理中心": ("城市数字治理中心", "数字治理中心"),
    "区统计局": ("统计局",),
    "区国资办": ("国资办", "国资委", "区国资委"),
    "区审计局": ("审计局",),
    "区政府办公室": ("政府办公室", "区政府办", "政府办", "区府办"),
    "区重大项目办": ("重大项目办", "重大办", "区重大办"),
    "环南艺管委会": ("环南艺管理委员会",),
    "湖南路街道": ("湖南路街道办事处", "湖南路街道办"),
    "华侨路街道": ("华侨路街道办事处", "华侨路街道办"),
    "下关街道": ("下关街道办事处", "下关街道办"),
    "小市街道": ("小市街道办事处", "小市街道办"),
}

# Phrasings of the generic groups; they are answered as groups, never counted as departments.
GROUP_ALIASES: dict[str, tuple[str, ...]] = {
    "各街道": ("所有街道", "街道办事处", "各街道办事处"),
    "区相关部门": ("相关部门",),
    "区政府各部门": ("政府各部门", "各部门"),
}


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


def _derived_aliases(name: str) -> set[str]:
    """区商务局 -> 商务局; 鼓楼消防救援大队 -> 消防救援大队 (only when something meaningful is left)."""
    for prefix in ("区委", "区", "鼓楼"):
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            return {rest} if len(rest) >= 3 else set()
    return set()


class UnitDirectory:
    """Every unit of the loaded notices, with alias lookup and the tasks each unit leads or assists."""

    def __init__(self, notices: Iterable[Notice]) -> None:
        notices = tuple(notices)
        self._lead: dict[str, list[tuple[str, int]]] = {}
        self._assist: dict[str, list[tuple[str, int]]] = {}
        for notice in notices:
            for task in notice.tasks:
                for name in task.leads:
                    self._lead.setdefault(name, []).append((notice.doc_id, task.number))
                for name in task.assists:
                    self._assist.setdefault(name, []).append((notice.doc_id, task.number))
        names = list(dict.fromkeys([*self._lead, *self._assist]))
        units: dict[str, Unit] = {}
        for name in names:
            aliases = {name, *_derived_aliases(name), *ALIASES.get(name, ()), *GROUP_ALIASES.get(name, ())}
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

    def tasks(self, name: str, role: Role = "all") -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """(lead tasks, assisting tasks) of a unit as (doc_id, task number), in document order."""
        lead = list(self._lead.get(name, [])) if role in ("all", "lead") else []
        assist = list(self._assist.get(name, [])) if role in ("all", "assist") else []
        return lead, assist

    def tokenizer(self) -> jieba.Tokenizer:
        """A private jieba tokenizer in which every unit name and alias is one token."""
        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        for alias in self._by_alias:
            tok.add_word(alias, freq=200000)
        return tok
