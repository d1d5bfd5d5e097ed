"""Where a task names its units, leader and deadline: a trailing bracket (「(X主办,Y协办)」, 「[牵头单位:X;责任单位:Y]」,
「(X牵头,Y按职责分工负责)」, or the same without brackets), a bracket before the task's words (「【牵头:X;协同:Y】…」)
and label lines after the item (「责任单位:X」,
「部门分工:X牵头,Y配合。」, 「完成时限:…」). Which words mean what is data (words.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..records import Role, TaskUnit
from .words import LayoutWords, RoleRule, Slot

_OPEN = "((【["
_CLOSE = "))】]"
# what separates units, except inside brackets: 「各县(市、区)政府」 is one name
_NAME_SPLIT = re.compile(r"[、,,/\s]+(?![^()]*\))")
_BAD_NAME = re.compile(r"[。!?!?::“”\"【】\[\]]")
# unit names people write end like these; a clause without brackets must consist of such names
_UNIT_END = re.compile(
    r"(局|委|办|部|院|会|处|队|所|中心|街道|街办|镇|乡|公司|集团|政府|单位|部门|园|站|社|行|室|馆|团|厅|署|联|校|区|办事处|管委会|指挥部)$")
_ENDS = "。.;;"  # characters (not a suffix) stripped from the ends of a name
_NAME_ROLE = re.compile(r"^(.+?)[((](牵头|主办|配合|协办)[))]$")


@dataclass
class Fields:
    """What one item says about who does it: units with their slot, the leader, the deadline."""

    units: list[tuple[str, Slot]] = field(default_factory=list)
    leader: list[str] = field(default_factory=list)
    deadline: list[str] = field(default_factory=list)

    def add(self, other: Fields) -> None:
        self.units += other.units
        self.leader += other.leader
        self.deadline += other.deadline

    def __bool__(self) -> bool:
        return bool(self.units or self.leader or self.deadline)


def unit_names(content: str, slot: Slot) -> list[tuple[str, Slot]] | None:
    """「区发改委、区财政局」 -> [(区发改委, slot), (区财政局, slot)]; None when a piece cannot be a unit's name."""
    out = []
    for raw in _NAME_SPLIT.split(content.strip().strip(_ENDS)):
        name = raw.strip().strip(_ENDS)
        if not name:
            continue
        if name.startswith("由") and len(name) > 3:
            name = name[1:]
        own = slot
        if m := _NAME_ROLE.match(name):
            name, own = m.group(1), Slot.LEAD if m.group(2) in ("牵头", "主办") else Slot.ASSIST
        if len(name) < 2 or len(name) > 40 or _BAD_NAME.search(name):
            return None
        out.append((name, own))
    return out


@lru_cache(maxsize=4)
def _label_pattern(words: LayoutWords) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w, _ in words.labels)
    return re.compile(rf"(?:^|(?<=[;;,,。\s]))(?:[【\[]\s*)?({alternatives})\s*(?:[】\]]\s*:?|[::])\s*")


def parse_labelled(text: str, words: LayoutWords) -> Fields | None:
    """「牵头单位:区教育局;责任单位:各街办」: text that opens with a label and a colon; None otherwise."""
    text = text.strip()
    hits = list(_label_pattern(words).finditer(text))
    if not hits or hits[0].start() != 0:
        return None
    fields = Fields()
    for hit, following in zip(hits, [*hits[1:], None], strict=True):
        slot = words.label(hit.group(1))
        content = text[hit.end() : following.start() if following else len(text)].strip().strip(_ENDS + ",,")
        if slot is None or not content:
            continue
        if slot is Slot.LEADER:
            fields.leader.append(content)
        elif slot is Slot.DEADLINE:
            fields.deadline.append(content)
        elif slot is Slot.MIXED:
            units = parse_suffixed(content, words)
            if units is None:
                return None
            fields.units += units
        else:
            names = unit_names(content, slot)
            if names is None:
                return None
            fields.units += names
    return fields


def parse_suffixed(text: str, words: LayoutWords) -> list[tuple[str, Slot]] | None:
    """「区发改委、区财政局主办,区相关部门协办」 / 「X牵头,Y按职责分工负责」; None unless every unit has a role word."""
    units: list[tuple[str, Slot]] = []
    for segment in re.split(r"[,,;;]", text.strip().rstrip("。.")):
        segment = segment.strip()
        if not segment:
            continue
        suffix = next(((w, s) for w, s in words.suffixes if segment.endswith(w)), None)
        if suffix is None:
            return None
        names = unit_names(segment[: -len(suffix[0])], suffix[1])
        if not names:
            return None
        units += names
    return units or None


def parse_clause(text: str, words: LayoutWords) -> Fields | None:
    """A unit clause in either form, or None."""
    labelled = parse_labelled(text, words)
    if labelled is not None:
        return labelled if labelled else None
    units = parse_suffixed(text, words)
    return Fields(units=units) if units else None


def _opening(text: str, close: int) -> int:
    """Index of the bracket that opens the one closing at `close` (brackets of any kind nest), or -1."""
    depth = 0
    for i in range(close, -1, -1):
        if text[i] in _CLOSE:
            depth += 1
        elif text[i] in _OPEN:
            depth -= 1
            if depth == 0:
                return i
    return -1


def trailing_clause(text: str, words: LayoutWords) -> tuple[str, Fields] | None:
    """(the text before it, what it says) when the text ends with a unit clause; None otherwise."""
    end = re.search(r"[))】\]]\s*[。;;.]?\s*$", text)
    if end:
        start = _opening(text, end.start())
        if start >= 0:
            fields = parse_clause(text[start + 1 : end.start()], words)
            if fields and fields.units:
                return text[:start].rstrip(), fields
        return None
    # no bracket: the last sentence, when it is nothing but units with their roles 「……。X牵头,Y配合。」
    stripped = text.rstrip().rstrip("。.")
    # the last full stop ends the task's own words; without one, the last semicolon
    for cut in (stripped.rfind("。"), stripped.rfind(";")):
        tail = stripped[cut + 1 :]
        if cut < 0 or not tail.strip() or len(tail) > 120:
            continue
        fields = parse_clause(tail, words)
        if not fields or not fields.units:
            continue
        if parse_labelled(tail, words) is None:
            names = [n for n, _ in fields.units]
            if not any(s is Slot.LEAD for _, s in fields.units) or not all(_UNIT_END.search(n) for n in names):
                continue
        return text[: cut + 1], fields
    return None


def leading_clause(text: str, words: LayoutWords) -> tuple[str, Fields] | None:
    """(the text after it, what it says) when the text opens with a bracketed unit clause, as some plans put the
    units before the task's words (「【牵头处室:基础教育处;配合:财务处】扩大普惠性学前教育资源…」); None otherwise."""
    start = len(text) - len(text.lstrip())
    if start >= len(text) or text[start] not in _OPEN:
        return None
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                fields = parse_clause(text[start + 1 : i], words)
                rest = text[i + 1 :].lstrip()
                return (rest, fields) if fields and fields.units and rest else None
    return None


def unit_clause(text: str, words: LayoutWords) -> tuple[str, Fields] | None:
    """(the task's own words, what its unit clause says) for a clause before the words or at their end; None
    otherwise."""
    return leading_clause(text, words) or trailing_clause(text, words)


def label_line(line: str, words: LayoutWords) -> Fields | None:
    """A line that is nothing but labelled fields (「牵头单位:区发改局」, 「完成时限:2023年底」), or None."""
    fields = parse_labelled(line, words)
    return fields if fields else None


def resolve(units: list[tuple[str, Slot]], rule: RoleRule) -> tuple[TaskUnit, ...]:
    """Units with their final roles: 责任单位 lead where no 牵头单位 is given (or only the first, under the rule
    「列第一位的为牵头单位」), assist where one is. Leads first, then assists, each in order, without repeats."""
    has_lead = any(s is Slot.LEAD for _, s in units)
    responsible = [n for n, s in units if s is Slot.RESPONSIBLE]
    leads = [n for n, s in units if s is Slot.LEAD]
    assists = [n for n, s in units if s is Slot.ASSIST]
    if has_lead:
        assists = [*assists, *responsible] if not assists else _in_order(units, {Slot.ASSIST, Slot.RESPONSIBLE})
    elif rule is RoleRule.FIRST_IS_LEAD and responsible:
        leads, assists = responsible[:1], [*responsible[1:], *assists]
    else:
        leads = _in_order(units, {Slot.LEAD, Slot.RESPONSIBLE})
    return (tuple(TaskUnit(n, Role.LEAD) for n in dict.fromkeys(leads))
            + tuple(TaskUnit(n, Role.ASSIST) for n in dict.fromkeys(assists)))


def _in_order(units: list[tuple[str, Slot]], slots: set[Slot]) -> list[str]:
    return [n for n, s in units if s in slots]

