"""The units named in the notices, the short and colloquial names people use for them, and lookup in questions."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import jieba

from ..errors import CorpusError
from ..records import Notice, Ref, Role, RoleFilter, TaskUnit
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


RULES = Path(__file__).parent / "data" / "unit_names.json"


@dataclass(frozen=True)
class NameRules:
    """General rules for unit names (data/unit_names.json): level prefixes, and interchangeable full/short forms."""

    level_prefixes: tuple[str, ...]
    not_prefixed: tuple[str, ...]  # 「市场监管局」 does not start with the level word 市
    synonyms: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def name_rules() -> NameRules:
    """The packaged rules, read and checked once."""
    try:
        data = json.loads(RULES.read_text(encoding="utf-8"))
        groups = tuple(tuple(g) for g in data["synonyms"])
        if not all(len(g) >= 2 and all(isinstance(w, str) and w for w in g) for g in groups):
            raise ValueError("every synonyms group needs two or more names")
        return NameRules(tuple(data["level_prefixes"]), tuple(data["not_prefixed"]), groups)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise CorpusError(f"cannot read {RULES.name}: {exc}") from exc


_ALTERNATE = re.compile(r"^(.+?)\(([^()]{2,})\)$")


def _prefix(name: str, prefixes: Sequence[str], rules: NameRules, rest: int) -> str:
    """The first of `prefixes` the name starts with, leaving at least `rest` characters; "" for none, or for a name
    that only looks prefixed (市场监管局, 区域…)."""
    if any(name.startswith(w) for w in rules.not_prefixed):
        return ""
    return next((p for p in prefixes if name.startswith(p) and len(name) - len(p) >= rest), "")


def _without_prefix(name: str, prefixes: Sequence[str], rules: NameRules) -> str:
    """The name without a level word or place, when at least three characters are left ("" otherwise)."""
    prefix = _prefix(name, prefixes, rules, 3)
    return name[len(prefix) :] if prefix else ""


def level_prefix(name: str, rules: NameRules | None = None) -> str:
    """The level word a unit's name starts with (区商务局 -> 区, 市委宣传部 -> 市委), or "" when it has none or the
    word only looks like one (市场监管局, 区域…)."""
    rules = rules or name_rules()
    return _prefix(name, rules.level_prefixes, rules, 2)


def without_level(name: str) -> str:
    """A unit's name without its level word: 县发改局 -> 发改局; 市场监管局 stays whole."""
    return name[len(level_prefix(name)) :]


def derived_aliases(name: str, places: Sequence[str] = (), rules: NameRules | None = None) -> set[str]:
    """Other names for a unit by general rules: 区商务局 -> 商务局; 鼓楼消防救援大队 -> 消防救援大队 (with the
    place 鼓楼); 区发改委 -> 区发展和改革委员会, 发展改革委 …; 区应急管理局(安委办) -> 区应急管理局, 区安委办, 安委办."""
    rules = rules or name_rules()
    prefixes = (*rules.level_prefixes, *places)
    forms = {name}
    if m := _ALTERNATE.match(name):  # a parenthesised alternate names the same unit
        main, alternate = m.group(1), m.group(2)
        level = next((p for p in rules.level_prefixes if main.startswith(p)), "")
        forms |= {main, alternate, *([level + alternate] if level and not alternate.startswith(level) else [])}
    for form in list(forms):
        for group in rules.synonyms:
            part = next((w for w in sorted(group, key=len, reverse=True) if w in form), None)
            if part:
                forms |= {form.replace(part, other) for other in group}
    aliases = set(forms)
    for form in forms:
        if rest := _without_prefix(form, prefixes, rules):
            aliases.add(rest)
        for place in places:
            # 国网澄州供电公司 -> 供电公司: the place after a short company or system prefix (国网, 中国)
            at = form.find(place)
            if 0 < at <= 3 and len(form) - at - len(place) >= 4:
                aliases.add(form[at + len(place):])
    aliases.discard(name)
    return aliases


# the ending of a unit's name and the form its short name ends with (经济发展办公室 -> 经发办)
_ENDINGS = (("办公室", "办"), ("委员会", "委"), ("中心", "中心"))


def _base_and_ending(name: str) -> tuple[str, str]:
    return next(((name[: -len(full)], short) for full, short in _ENDINGS if name.endswith(full)),
                (name[:-1], name[-1:]))


def abbreviates(short: str, full: str) -> bool:
    """Whether `short` is the usual short form of `full` by how Chinese units shorten names: the same ending, and
    either the full name's last words (教育督导室 -> 督导室) or one character taken from each of several of its words
    (农业农村服务中心 -> 农服中心, 村镇建设管理办公室 -> 村建办, 基础教育处 -> 基教处). A leading run of the full
    name (教育局 / 教育体育局) is not taken for a short form: such names are often two units."""
    (bs, es), (bf, ef) = _base_and_ending(short), _base_and_ending(full)
    if es != ef or len(bs) < 2 or len(bs) >= len(bf):
        return False
    if bf.endswith(bs):
        return True
    if bs[0] != bf[0] or bs in bf:
        return False
    rest = iter(bf)
    return all(c in rest for c in bs)


def _same_level(short: str, full: str, aliases: dict[str, set[str]], rules: NameRules) -> bool:
    """Whether a short name may be of the full name's level: the same level word, or none where the full name's
    bare forms (`aliases`, by `derived_aliases`) are not it (考试院 is 市教育考试院 in a bureau's plan; 住建局 stays
    apart from 市住房和城乡建设局)."""
    level = level_prefix(short, rules)
    return level == level_prefix(full, rules) or (not level and short not in aliases[full])


def _abbreviations(names: Sequence[str], aliases: dict[str, set[str]], rules: NameRules) -> dict[str, str]:
    """Each name that is the short form of exactly one other name of the notice (a department, of its level),
    mapped to that full name, when that full name has no other short form; departments only."""
    found: dict[str, list[str]] = {}
    for short in names:
        if unit_kind(short) != "department":
            continue  # 相关部门街道板块, 各街道: groups are not named short
        fulls = [full for full in names if full != short and unit_kind(full) == "department"
                 and abbreviates(without_level(short), without_level(full))
                 and _same_level(short, full, aliases, rules)]
        if len(fulls) == 1:
            found[short] = fulls
    shorts_of = Counter(fulls[0] for fulls in found.values())
    return {short: fulls[0] for short, fulls in found.items() if shorts_of[fulls[0]] == 1}


def unify_names(notice: Notice, rules: NameRules | None = None) -> Notice:
    """The notice with each of its units called by one name.

    A notice that writes 市住建局 in one task and 市住房和城乡建设局 in another means one unit. Two names of the same
    level and kind that are forms of each other by the general rules (`derived_aliases`) become the name used more
    often (on a tie, the one used first); `ParseInfo.unified` records what was merged, for the parse report. So do
    a name and its one short form in the notice (`abbreviates`: 农服中心, 农业农村服务中心). Names of different levels
    (市住建局, 县住建局) or a name and its bare form (住建局) are left apart.
    """
    rules = rules or name_rules()
    uses = Counter(u.name for t in notice.tasks for u in t.units)  # in order of first use
    order = {name: i for i, name in enumerate(uses)}
    ranked = sorted(uses, key=lambda n: (-uses[n], order[n]))
    aliases = {name: derived_aliases(name, rules=rules) for name in ranked}
    short_of = _abbreviations(ranked, aliases, rules)  # 农服中心 = 农业农村服务中心, read from the notice
    kept_as: dict[str, str] = {}
    merged: list[tuple[str, tuple[str, ...]]] = []
    for i, name in enumerate(ranked):
        if name in kept_as:
            continue
        kept_as[name] = name
        same = [other for other in ranked[i + 1 :]
                if other not in kept_as and (short_of.get(other) == name or short_of.get(name) == other or (
                    unit_kind(other) == unit_kind(name) and level_prefix(other, rules) == level_prefix(name, rules)
                    and (other in aliases[name] or name in aliases[other])))]
        kept_as |= dict.fromkeys(same, name)
        if same:
            merged.append((name, tuple(sorted(same, key=order.__getitem__))))
    if not merged:
        return notice
    tasks = []
    for task in notice.tasks:
        if all(kept_as[u.name] == u.name for u in task.units):
            tasks.append(task)
            continue
        roles: dict[str, Role] = {}
        for unit in task.units:  # a unit named twice in one task keeps its first place and role
            roles.setdefault(kept_as[unit.name], unit.role)
        tasks.append(replace(task, units=tuple(TaskUnit(name, role) for name, role in roles.items())))
    merged.sort(key=lambda m: order[m[0]])
    return replace(notice, tasks=tuple(tasks), info=replace(notice.info, unified=tuple(merged)))


_GROUP_WORD = re.compile(r"^(?:各|相关)")


def _ref_order(ref: Ref) -> tuple[str, int]:
    return ref.doc_id, ref.number


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
        joined, bare_names = self._join_groups(names)
        names += joined
        self.joined: tuple[str, ...] = tuple(joined)  # bare names of groups written two ways (no notice's own name)
        # the other names a notice wrote a unit under (`unify_names`: 高教处 where it mostly wrote 高等教育处)
        written: dict[str, set[str]] = {}
        for notice in notices:
            for name, others in notice.info.unified:
                for other in others:
                    written.setdefault(name, set()).update({other, *derived_aliases(other, places)})
        units: dict[str, Unit] = {}
        for name in names:
            aliases = {name} if name in joined else {
                name, *derived_aliases(name, places), *written.get(name, ()), *knowledge.unit_aliases.get(name, ()),
                *knowledge.group_aliases.get(name, ()), *bare_names.get(name, ())}
            units[name] = Unit(name=name, kind="group" if name in joined else unit_kind(name),
                               aliases=tuple(sorted(aliases, key=len, reverse=True)))
        self.units: dict[str, Unit] = units
        self._by_alias: dict[str, str] = {}
        for unit in units.values():
            for alias in unit.aliases:
                # a full name always wins over somebody else's alias
                if alias not in self._by_alias or alias == unit.name:
                    self._by_alias[alias] = unit.name
        self._pattern = re.compile("|".join(re.escape(a) for a in sorted(self._by_alias, key=len, reverse=True)))
        self._namesakes = self._find_namesakes()

    def _join_groups(self, names: list[str]) -> tuple[list[str], dict[str, set[str]]]:
        """A group of units by its bare name: 各开发区管委会 is asked as 「开发区管委会」. Where a notice writes the
        group two ways (各街道办事处, 相关街道办事处), the bare name 「街道办事处」 is a group of its own holding the tasks
        of both (each written name keeps its own). A bare name that is a unit's own name stays that unit's; one under
        four characters (街道, 乡镇) or a generic noun (部门, 单位) stays a word of the question. Returns the joined
        groups' names, and the bare name of each group written one way only."""
        by_core: dict[str, list[str]] = {}
        for name in names:
            core = _GROUP_WORD.sub("", name)
            if unit_kind(name) == "group" and core != name and core not in names and len(core) >= 4 \
                    and not core.endswith(("部门", "单位")):
                by_core.setdefault(core, []).append(name)
        bare: dict[str, set[str]] = {}
        joined = []
        for core, groups in by_core.items():
            if len(groups) == 1:
                bare[groups[0]] = {core}
                continue
            for tasks in (self._lead, self._assist):
                refs = {r for g in groups for r in tasks.get(g, [])}
                if refs:
                    tasks[core] = sorted(refs, key=_ref_order)
            joined.append(core)
        return joined, bare

    def _find_namesakes(self) -> dict[str, tuple[str, ...]]:
        """Each unit with the units of *other* notices that share one of its names (鼓楼区's 区人社局 and another
        district's 区人力资源和社会保障局, both 人社局): a question naming no place means each notice's own unit."""
        docs = {name: {r.doc_id for r in self._lead.get(name, []) + self._assist.get(name, [])} for name in self.units}
        by_alias: dict[str, list[str]] = {}
        for unit in self.units.values():
            for alias in unit.aliases:
                by_alias.setdefault(alias, []).append(unit.name)
        found: dict[str, tuple[str, ...]] = {}
        for name, unit in self.units.items():
            same = [name]
            for alias in unit.aliases:
                same += [o for o in by_alias[alias] if o not in same and not docs[o] & docs[name]]
            found[name] = tuple(same)
        return found

    def namesakes(self, name: str) -> tuple[str, ...]:
        """The unit and its namesakes in the other loaded notices, the unit first."""
        return self._namesakes.get(name, (name,))

    @property
    def aliases(self) -> dict[str, str]:
        """Every name and alias -> the unit it resolves to (a full name wins over another unit's alias)."""
        return dict(self._by_alias)

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
