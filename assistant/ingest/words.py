"""The general words of work-plan notices (role words, leader and deadline labels, table columns, covering-notice
rules), read from data/layout_words.json: vocabulary is data, not code, and belongs to no one notice."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import CorpusError

DATA = Path(__file__).parent / "data" / "layout_words.json"


class Slot(StrEnum):
    """What a label or a table column holds."""

    LEAD = "lead"
    ASSIST = "assist"
    # 责任单位: the lead where no 牵头单位 is given, assisting where one is
    RESPONSIBLE = "responsible"
    # 部门分工: 「X牵头,Y配合」 inside
    MIXED = "mixed"
    LEADER = "leader"
    DEADLINE = "deadline"
    NUMBER = "number"
    CATEGORY = "category"
    TASK = "task"
    DETAIL = "detail"


UNIT_SLOTS = (Slot.LEAD, Slot.ASSIST, Slot.RESPONSIBLE, Slot.MIXED)


class RoleRule(StrEnum):
    """How the units under a 责任单位 label are read when no 牵头单位 is given."""

    RESPONSIBLE_IS_LEAD = "responsible_is_lead"  # every one leads (the usual reading, and the default)
    FIRST_IS_LEAD = "first_is_lead"  # 「列第一位的为牵头单位」: the first leads, the others assist


@dataclass(frozen=True)
class LayoutWords:
    """Label words (「牵头单位:」), role suffixes (「X牵头」), column headers and rule phrases, longest first."""

    labels: tuple[tuple[str, Slot], ...]
    suffixes: tuple[tuple[str, Slot], ...]
    columns: tuple[tuple[str, Slot], ...]
    rules: tuple[tuple[re.Pattern[str], RoleRule], ...]

    def label(self, word: str) -> Slot | None:
        """The slot a whole label or column header names (「牵头部门」 -> LEAD), ignoring spaces."""
        word = re.sub(r"\s+", "", word)
        for known, slot in (*self.labels, *self.columns):
            if word == known:
                return slot
        return None

    def column(self, header: str) -> Slot | None:
        """The slot a table header names: exact first, then a header that contains a known word (「牵头责任单位」)."""
        header = re.sub(r"\s+|[((].*?[))]", "", header)
        exact = self.label(header)
        if exact:
            return exact
        for known, slot in sorted((*self.labels, *self.columns), key=lambda p: -len(p[0])):
            if len(known) >= 2 and known in header:
                return slot
        return None

    def rule_in(self, text: str) -> RoleRule | None:
        """The role rule a covering notice states (「列第一位的为牵头单位」), if any."""
        for pattern, rule in self.rules:
            if pattern.search(text):
                return rule
        return None


def _pairs(data: Any, where: str) -> tuple[tuple[str, Slot], ...]:
    if not isinstance(data, dict):
        raise CorpusError(f"{DATA.name}: {where} must be an object of slot -> words")
    pairs = []
    for slot, words in data.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise CorpusError(f"{DATA.name}: {where}.{slot} must be a list of words")
        pairs += [(w, Slot(slot)) for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def _with_each_noun(pairs: tuple[tuple[str, Slot], ...], nouns: Any) -> tuple[tuple[str, Slot], ...]:
    """Each label that ends with a unit noun (牵头单位) also with every other one (牵头科室, 牵头处室), longest first."""
    if not isinstance(nouns, list) or not all(isinstance(n, str) and n for n in nouns):
        raise CorpusError(f"{DATA.name}: unit_nouns.words must be a list of words")
    known = dict(pairs)
    for word, slot in pairs:
        noun = next((n for n in nouns if word.endswith(n) and len(word) > len(n)), None)
        if noun is not None:
            for other in nouns:
                known.setdefault(word[: -len(noun)] + other, slot)
    return tuple(sorted(known.items(), key=lambda p: -len(p[0])))


@lru_cache(maxsize=1)
def layout_words() -> LayoutWords:
    """The packaged layout words, read and checked once."""
    try:
        data = json.loads(DATA.read_text(encoding="utf-8"))
        rules = tuple((re.compile(p), RoleRule(rule)) for rule, patterns in data["rules"].items() for p in patterns)
        return LayoutWords(
            labels=_with_each_noun(_pairs(data["labels"], "labels"), data["unit_nouns"]["words"]),
            suffixes=_pairs(data["suffixes"], "suffixes"),
            columns=_pairs(data["columns"], "columns"),
            rules=rules,
        )
    except (OSError, KeyError, ValueError, re.error) as exc:
        raise CorpusError(f"cannot read {DATA.name}: {exc}") from exc
