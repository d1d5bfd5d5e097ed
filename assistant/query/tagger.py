"""Slots of a question, found from the loaded documents: units (with input-method slips), task references, parts,
years and places. Nothing here names a notice's units, sections or places: they come from the records and the
checked knowledge files; general knowledge (real unit names, level words) comes from `data/`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import jieba
import jieba.posseg
from pypinyin import Style, lazy_pinyin

from ..ingest.knowledge import Knowledge
from ..ingest.units import UnitDirectory, unit_kind, without_level
from ..records import Level, Notice
from .retrieval import abbreviations

SlotKind = Literal["unit", "task", "ordinal", "last", "section", "year", "relative_year", "place", "unknown_unit",
                   "title"]

# the placeholder each slot leaves in the templated question the classifier reads
PLACEHOLDER: dict[str, str] = {
    "unit": "Ｕ", "unknown_unit": "Ｕ", "task": "Ｔ", "ordinal": "Ｎ", "last": "Ｎ", "section": "Ｓ", "year": "Ｙ",
    "relative_year": "Ｙ", "place": "Ｐ", "title": "Ｄ",
}

# a street's or a town's name right after the district it is in
_LOCAL_AFTER = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:街道|镇|乡)(?!村)")
_NUM = r"(\d{1,3}|[零一二两三四五六七八九十百]{1,4})"
_TASK_REFS = (
    # 任务38, 任务三十八 — but not 任务一共 / 任务一些
    re.compile(rf"(?:任务|#)\s*{_NUM}(?![共些起样般直定切下半])\s*(?:项|条|号)?"),
    # 序号20, 编号为20: a task table's own number column
    re.compile(rf"(?:序号|编号)\s*(?:为|是)?\s*{_NUM}(?![共些起样般直定切下半])\s*(?:项|条|号)?"),
    # 38号任务, 「38号是什么」 — but not an address: 5号楼, 峨嵋岭19号, 汉口西路134号院
    re.compile(rf"{_NUM}\s*号\s*(?:任务|工作)|(?:(?<![\u4e00-\u9fff\d])|(?<=[问看说查的和与及、是讲把请下]))"
               rf"{_NUM}\s*号(?![楼院线门栋幢室巷街路地块小区等])"),
    # 第38项; 「第(八)项」 as a notice prints its items (一) (二) …
    re.compile(rf"第\s*\(?\s*{_NUM}\s*\)?\s*(?:项|条|个|件)(?!部分|方面|板块)(?:任务|工作|事)?"),
)
# 任务10到任务15, 第十至十二项: a run of tasks by number (value "10-15")
_TASK_RANGE = re.compile(rf"(?:任务|第)\s*{_NUM}\s*(?:项|条|号)?\s*(?:到|至|~|～|-|—|－)\s*(?:任务|第)?\s*{_NUM}\s*(?:项|条|号)?(?:任务)?")
_LAST = re.compile(r"最后(?:一|那)?(?:项|条|个|件)(?:任务|工作)?")
# 前三项: the first few of a part or of the list shown (value "1-3")
_FIRST_N = re.compile(rf"(?<![之以提目当])前\s*{_NUM}\s*(?:项|条|个|件)(?:任务|工作|事)?")
# 倒数第二项: counted from the end (-2)
_FROM_END = re.compile(rf"倒数第?\s*{_NUM}\s*(?:项|条|个|件)?(?:任务|工作)?")
_SECTION_NUMBER = re.compile(rf"第\s*{_NUM}\s*个?\s*(?:部分|板块|大块|大项|方面|章|节|块)")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
_RELATIVE_YEAR = re.compile(r"去年|前年|明年|后年|上一年|下一年|上年度|明年度")
_TITLE = re.compile(r"《([^》]+)》")
# unit-shaped words: a name ending in what Chinese government units end in
_UNIT_SHAPE = re.compile(r"[\u4e00-\u9fff]{2,10}?(?:管委会|委员会|办公室|分局|大队|中心|街道|局|委|办)")
_PLACE_SUFFIX = ("省", "市", "区", "县", "州", "旗")
_LEVEL_RANK = {Level.PROVINCE: 3, Level.CITY: 2, Level.DISTRICT: 1, Level.COUNTY: 1}
# 全国 / 全省 / 全市: a whole area above or beside the notice's own
_WHOLE_AREA = re.compile(r"全国|全省|全市|全县|国家层面")
_WHOLE_LEVEL = {"全国": 4, "国家层面": 4, "全省": 3, "全市": 2, "全县": 1}

# fuzzy pinyin: the finals and initials input methods and speakers mix up
_FUZZY = ((re.compile(r"ang$"), "an"), (re.compile(r"eng$"), "en"), (re.compile(r"ing$"), "in"),
          (re.compile(r"^zh"), "z"), (re.compile(r"^ch"), "c"), (re.compile(r"^sh"), "s"), (re.compile(r"^l"), "n"))


# a group within a part by its place: 「(二)那一组」「第(一)组」「第二组」
_GROUP_ORDINAL = re.compile(r"[((]\s*([一二三四五六七八九十]{1,3})\s*[))]|第\s*([一二三四五六七八九十\d]{1,3})\s*[组块]")
_GROUP_NOUN = re.compile(r"[这那]一?[组块]|[组块](?:里|中|有|的|是)")
# 「民生部分」「生态环保那一部分」: words, then a part noun (the words found backwards from it)
_NAMED_PART = re.compile(r"(?:的)?(?:这|那)?(?:一)?(?:个)?(?:大)?(?:部分|板块)")
_PART_LEAD = re.compile(r"^(?:[在里中是的把和跟与对关于有]|关于|有关|方案)+")
_ASKING = re.compile(r"[哪几每各这那该此本某什啥多第]|前|后|上|下")


@dataclass(frozen=True)
class Span:
    """A slot found in the question: where it is, what kind, what it resolves to."""

    start: int
    end: int
    kind: SlotKind
    value: str  # unit name, task number (or a run of them: "10-15"), section number, year, place, doc id
    text: str  # the words as written
    corrected: bool = False  # a unit name understood through a slip (商物局 -> 区商务局)
    doc: str = ""  # the notice a part named by its title words belongs to


def _pairs(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _most_shared(q: str, headings: Iterable[tuple[str, int, str]], ignored: set[str],
                 at_least: int = 1) -> tuple[int, str] | None:
    """(part, group heading) of the one heading that shares most character pairs with the question's words (the
    `ignored` pairs aside), and at least `at_least`; None when none does, or two share as many: not a reading to
    guess."""
    grams = _pairs(q) - ignored
    scores = sorted(((len(grams & _pairs(title)), number, group) for title, number, group in headings), reverse=True)
    if not scores or scores[0][0] < at_least or (len(scores) > 1 and scores[1][0] == scores[0][0]):
        return None
    return scores[0][1], scores[0][2]


def _department_names(notice: Notice) -> tuple[str, ...]:
    """The names of the department that issued a notice, when a department did (霁州市教育局, 霁州教育局); none for
    a government or a street office."""
    issuer, place = notice.identity.issuer, notice.identity.place
    rest = issuer[len(place):] if place and issuer.startswith(place) else ""
    if not rest or re.search(r"政府|办事处|党工委|党委", rest):
        return ()
    return tuple(dict.fromkeys([issuer, notice.identity.place_short + rest]))


@lru_cache(maxsize=1)
def real_unit_names() -> frozenset[str]:
    """Names of real government units (without level prefixes): a slip is never 'corrected' into another unit
    when what was typed is simply a real unit the notices do not have (体育局 is not 教育局)."""
    text = resources.files("assistant.query").joinpath("data/real_units.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def chinese_number(text: str) -> int:
    """38 or 三十八 -> 38 (up to the hundreds)."""
    if text.isdigit():
        return int(text)
    digits = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


@lru_cache(maxsize=4096)
def sound(ch: str) -> str:
    """A character's syllable with the distinctions speakers and input methods blur folded (zh/z, ing/in, l/n…)."""
    syllable = lazy_pinyin(ch, style=Style.NORMAL)[0]
    for pattern, repl in _FUZZY:
        syllable = pattern.sub(repl, syllable)
    return syllable


def is_slip(typed: str, name: str) -> bool:
    """One character differs and it sounds the same (商物局 / 商务局, 房厂局 / 房产局)."""
    if len(typed) != len(name) or typed == name:
        return False
    diffs = [(a, b) for a, b in zip(typed, name, strict=True) if a != b]
    return len(diffs) == 1 and sound(diffs[0][0]) == sound(diffs[0][1])


class Tagger:
    """Finds the slots of a normalised question."""

    def __init__(self, notices: Sequence[Notice], units: UnitDirectory, knowledge: Knowledge | None = None) -> None:
        self._notices = tuple(notices)
        self._units = units
        knowledge = knowledge or Knowledge()
        self._aliases = units.aliases
        # each alias of three or more characters with one character blanked out, for finding slips of it
        # (named units only: 个部门 is no slip of the group 各部门)
        # (one blanked form may be of several: 基教处 and 高教处 are both \0教处)
        self._one_off: dict[str, list[str]] = {}
        for a, u in self._aliases.items():
            if len(a) >= 3 and unit_kind(u) != "group":
                for i in range(len(a)):
                    self._one_off.setdefault(a[:i] + "\0" + a[i + 1:], []).append(a)
        self._slip_lengths = sorted({len(a) for a in self._aliases if len(a) >= 3}, reverse=True)
        self._section_words = self._derive_section_words(knowledge)
        self._places = {n.identity.place: n.doc_id for n in self._notices if n.identity.place}
        self._places.update({n.identity.place_short: n.doc_id for n in self._notices if n.identity.place_short})
        # the district a street's notice is in names that notice too, when no loaded notice is the district's own
        # and one notice alone is in it (「云溪区青禾街道的方案里…」)
        parents = Counter(n.identity.parent for n in self._notices if n.identity.parent)
        self._parents = frozenset(parents)
        self._places.update({n.identity.parent: n.doc_id for n in self._notices
                             if parents[n.identity.parent] == 1 and n.identity.parent not in self._places})
        # a notice a department issued is named by its issuer (「霁州市教育局的方案里…」), not read as a unit of that
        # name in another notice (澄州's 市教育局)
        self._issuers = {name: n.doc_id for n in self._notices for name in _department_names(n)}
        self._text = "".join(t.text for n in self._notices for t in n.tasks)
        # the groups of tasks within parts, in the order they are printed: (part number, group heading)
        self._groups = list(dict.fromkeys((t.section, t.group) for n in self._notices for t in n.tasks if t.group))
        # every heading a question may name a part or group by: (heading, part number, group heading or "")
        self._headings = {(s.title, s.number, "") for n in self._notices for s in n.sections}
        self._headings |= {(heading, part, heading) for part, heading in self._groups}
        self._levels = [_LEVEL_RANK.get(n.identity.level, 1) for n in self._notices]
        jieba.setLogLevel(60)

    def _derive_section_words(self, knowledge: Knowledge) -> list[tuple[str, int, str]]:
        """(words, section, doc) from each part's title (adjacent word pairs of four or more characters, and the
        two-character short form of a title of two words, or its standard short form) and from the knowledge files'
        section words and aliases."""
        found: list[tuple[str, int, str]] = []
        for notice in self._notices:
            if not notice.structured:
                continue
            for section in notice.sections:
                words = [w for w in jieba.lcut(section.title) if re.fullmatch(r"[\u4e00-\u9fff]+", w)]
                pairs = {a + b for a, b in zip(words, words[1:], strict=False) if len(a + b) >= 4}
                pairs |= {w for w in words if len(w) >= 4}
                if len(words) == 2 and all(len(w) == 2 for w in words):
                    pairs.add(words[0][0] + words[1][0])  # a category of two words, as people shorten it: 经济发展 -> 经发
                # the standard short forms of the domain (data/abbreviations.json) of a title: 党的建设 -> 党建
                pairs |= {short for short, full in abbreviations().items() if section.title in full.split()}
                found += [(p, section.number, notice.doc_id) for p in pairs]
        # the knowledge files' section words, each file's for its own notice (checked against the titles at load)
        found += [(w, number, doc) for (doc, number), aliases in knowledge.section_words.items() for w in aliases]
        return sorted(set(found), key=lambda f: -len(f[0]))

    def uses(self, word: str) -> bool:
        """Whether any loaded task's text holds the word."""
        return word in self._text

    def names_a_heading(self, words: str) -> bool:
        """Whether the words end in a heading of a part or group: a whole group heading (「提振消费」), or four or
        more characters of a heading (「乡村振兴」 of 「全面推进乡村振兴」)."""
        return any(group and words.endswith(group) for _, _, group in self._headings) or any(
            words[start:] in heading for start in range(max(len(words) - 12, 0), len(words) - 3)
            for heading, _, _ in self._headings)

    def section_by_title(self, q: str) -> tuple[tuple[int, ...], str]:
        """The part, or the group of tasks within a part (「(六)全面推进乡村振兴」), whose heading shares most character
        pairs with the question's words (「讲科技创新的那个部分」「乡村振兴那一块」), when the question asks for a part
        without naming it: ((part,), group heading or "")."""
        best = _most_shared(q, self._headings, {"部分", "那个", "有什", "什么", "哪些", "任务", "多少"})
        return ((best[0],), best[1]) if best else ((), "")

    def group_named(self, q: str, sections: Sequence[int] = ()) -> tuple[int, str] | None:
        """(part, group heading) of a group of tasks within a part that the question names: by its place in the part
        (「第四部分的(二)那一组」「第二部分第(一)组」) or by its heading's words (「耕地保护那一组」, a heading quoted whole);
        None when it names none."""
        if sections and (m := _GROUP_ORDINAL.search(q)):
            k = chinese_number(m.group(1) or m.group(2))
            mine = [g for g in self._groups if g[0] == sections[0]]
            return mine[k - 1] if 1 <= k <= len(mine) else None
        # a heading said whole names its group, also when words of it named another part (乡村建设)
        whole = [g for g in self._groups if g[1] in q]
        if whole:
            return max(whole, key=lambda g: (not sections or g[0] in sections, len(g[1])))
        if not _GROUP_NOUN.search(q):
            return None
        candidates = [(heading, part, heading) for part, heading in self._groups if not sections or part in sections]
        return _most_shared(q, candidates, {"部分", "那一", "这一", "一组", "哪些", "任务", "工作"}, at_least=2)

    def tag(self, q: str) -> list[Span]:
        spans: list[Span] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s.start or start >= s.end for s in spans)

        def add(span: Span) -> None:
            # the same words may name a part of each of several notices: one span for each
            # (when it is the same part number: a plan's parts are numbers, read in each notice in scope)
            twin = span.kind == "section" and any((s.start, s.end, s.kind, s.value) == (span.start, span.end, "section", span.value)
                                                  for s in spans)
            if free(span.start, span.end) or twin:
                spans.append(span)

        for m in _TITLE.finditer(q):
            for n in self._notices:
                if m.group(1) in n.plan_title or m.group(1) in n.meta.title:
                    add(Span(m.start(), m.end(), "title", n.doc_id, m.group(0)))
        for name, doc in sorted(self._issuers.items(), key=lambda p: -len(p[0])):
            for m in re.finditer(re.escape(name), q):
                add(Span(m.start(), m.end(), "place", doc, name))
        parsed: list[tuple[int, str, str]] | None = None  # (start, word, part of speech), found when first needed
        for alias in sorted(self._aliases, key=len, reverse=True):
            for m in re.finditer(re.escape(alias), q):
                if not _UNIT_END.search(alias):
                    # an everyday name with no unit ending (消防, 城管) is a unit, not the first part of a word
                    # (消防用水, 消防安全) or of a topic (「消防方面」)
                    parsed = parsed if parsed is not None else _words(q)
                    if _inside_a_word(parsed, m.start(), m.end()):
                        continue
                add(Span(m.start(), m.end(), "unit", self._aliases[alias], alias))
        for m in _SECTION_NUMBER.finditer(q):
            add(Span(m.start(), m.end(), "section", str(chinese_number(m.group(1))), m.group(0)))
        for m in _TASK_RANGE.finditer(q):
            first, last = chinese_number(m.group(1)), chinese_number(m.group(2))
            if 0 < first < last:
                add(Span(m.start(), m.end(), "task", f"{first}-{last}", m.group(0)))
        for m in _FIRST_N.finditer(q):
            if (first_few := chinese_number(m.group(1))) >= 1:
                add(Span(m.start(), m.end(), "ordinal", f"1-{first_few}", m.group(0)))  # 「前三项」: the first three
        for m in _FROM_END.finditer(q):
            add(Span(m.start(), m.end(), "last", str(-max(chinese_number(m.group(1)), 1)), m.group(0)))
        for m in _LAST.finditer(q):
            add(Span(m.start(), m.end(), "last", "-1", m.group(0)))
        for pattern in _TASK_REFS:
            for m in pattern.finditer(q):
                kind: SlotKind = "ordinal" if m.group(0).startswith("第") and "任务" not in m.group(0) else "task"
                number = next(g for g in m.groups() if g)
                add(Span(m.start(), m.end(), kind, str(chinese_number(number)), m.group(0)))
        for m in _YEAR.finditer(q):
            add(Span(m.start(), m.end(), "year", m.group(1), m.group(0)))
        for m in _RELATIVE_YEAR.finditer(q):
            add(Span(m.start(), m.end(), "relative_year", m.group(0), m.group(0)))
        self._tag_slips(q, spans, add)
        self._tag_places(q, free, add)
        for words, number, doc in self._section_words:
            for m in re.finditer(re.escape(words), q):
                add(Span(m.start(), m.end(), "section", str(number), words, doc=doc))
        if not any(s.kind == "section" for s in spans):
            self._tag_named_part(q, spans, add)
        return sorted(spans, key=lambda s: s.start)

    def _tag_named_part(self, q: str, spans: list[Span], add: Callable[[Span], None]) -> None:
        """A part named by a word of its title before 部分 / 板块 (「民生部分里财政局参与了哪些」「生态环保那部分」),
        when that word is no section word of its own: the part whose title shares most with it, if one does."""
        for m in _NAMED_PART.finditer(q):
            start = m.start()
            while start > max(m.start() - 8, 0) and "\u4e00" <= q[start - 1] <= "\u9fff" and not any(
                    s.start < start <= s.end for s in spans):
                start -= 1
            words = _PART_LEAD.sub("", q[start:m.start()])
            if len(words) < 2 or _ASKING.search(words):
                continue
            sections, _ = self.section_by_title(words)
            if sections:
                add(Span(m.start() - len(words), m.start(), "section", str(sections[0]), words))

    def _tag_slips(self, q: str, spans: list[Span], add: Callable[[Span], None]) -> None:
        """Unit-shaped words that are not a loaded unit: a slip of one (by sound), or an unknown unit."""
        taken = [(s.start, s.end) for s in spans]
        for m in _UNIT_SHAPE.finditer(q):
            if any(m.start() < e and m.end() > s for s, e in taken):
                continue
            word = m.group(0)
            # the shortest ending of the word that is a slip of an alias (城关局 in 我们城关局)
            for start in range(len(word) - 2):
                typed = word[start:]
                target = next((self._aliases[a] for a in self._aliases
                               if is_slip(typed, a) and unit_kind(self._aliases[a]) != "group"), None)
                if target and without_level(typed) not in real_unit_names():
                    add(Span(m.start() + start, m.end(), "unit", target, typed, corrected=True))
                    break
            else:
                if _looks_like_unit(word):
                    add(Span(m.start(), m.end(), "unknown_unit", word, word))
        # a slip in the ending itself (房产居 for 房产局) leaves no unit-shaped word: any window of the question that
        # is an alias with one character changed
        for length in self._slip_lengths:
            for start in range(len(q) - length + 1):
                typed = q[start:start + length]
                for i in range(length):
                    alias = next((a for a in self._one_off.get(typed[:i] + "\0" + typed[i + 1:], ())
                                  if is_slip(typed, a)), None)
                    if alias and without_level(typed) not in real_unit_names():
                        add(Span(start, start + length, "unit", self._aliases[alias], typed, corrected=True))
                        break

    def _inside_a_name(self, q: str, start: int, end: int) -> bool:
        """Whether q[start:end] is a piece of a longer name the notices use, cut off by jieba (湖景区 of 白鹭湖景区,
        江苏省 of 江苏省健康区): the word with two more characters of the question on either side is in their text."""
        return (start >= 2 and q[start - 2:end] in self._text) or (end + 2 <= len(q) and q[start:end + 2] in self._text)

    def _tag_places(self, q: str, free: Callable[[int, int], bool], add: Callable[[Span], None]) -> None:
        """Places: a loaded notice's place picks that notice; any other place (a jieba place name ending in a level
        word, or 全国 / 全省 above the notices' level) is one the notices do not cover."""
        for place, doc in self._places.items():
            for m in re.finditer(re.escape(place), q):
                add(Span(m.start(), m.end(), "place", doc, place))
                # 「云溪区白沙街道」: a street or town of that district other than the loaded one is not covered
                local = _LOCAL_AFTER.match(q, m.end())
                if place in self._parents and local and local.group(0) not in self._places:
                    add(Span(local.start(), local.end(), "place", "", local.group(0)))
        # a slip of a loaded place's name (青和区 for 青禾区, 梅玲 for 梅岭): one character off, sounding the same
        for place, doc in sorted(self._places.items(), key=lambda p: -len(p[0])):
            if len(place) < 2:
                continue
            for start in range(len(q) - len(place) + 1):
                typed = q[start:start + len(place)]
                if is_slip(typed, place) and free(start, start + len(place)):
                    add(Span(start, start + len(place), "place", doc, typed, corrected=True))
        for m in _WHOLE_AREA.finditer(q):
            if _WHOLE_LEVEL[m.group(0)] > min(self._levels, default=1):
                add(Span(m.start(), m.end(), "place", "", m.group(0)))
        position = 0
        for pair in jieba.posseg.cut(q):
            word, flag = pair.word, pair.flag
            start, position = position, position + len(word)
            if (len(word) >= 3 and word.endswith(_PLACE_SUFFIX) and flag in ("ns", "nr", "nrt", "nz")
                    and free(start, position) and word not in self._places
                    and not self._inside_a_name(q, start, position)):
                add(Span(start, position, "place", "", word))


_STRONG_SUFFIX = re.compile(r"(?:局|管委会|委员会|办公室|分局|大队)$")
# words no unit's name holds: question words, role verbs, and the pronouns and requests of a sentence (「帮我把跟我们局」)
_NOT_A_NAME = re.compile(r"哪|什么|谁|怎|啥|几|多少|负责|主办|协办|牵头|的|了|是|有|和|与|在|我|你|他|她|它|们|把|帮|请|跟")


def _looks_like_unit(word: str) -> bool:
    """A real unit's name (体育局, 区民宗局), or a name-shaped word with a unit's ending and no question words."""
    bare = without_level(word)
    if any(bare.endswith(name) for name in real_unit_names()):
        return True
    return bool(_STRONG_SUFFIX.search(word)) and len(bare) >= 3 and not _NOT_A_NAME.search(word)


_UNIT_END = re.compile(r"(?:局|委|办|会|队|中心|部|街道|板块|门|院|所|站|室|处|科|协|联|政府)$")


def _words(q: str) -> list[tuple[int, str, str]]:
    out, at = [], 0
    for pair in jieba.posseg.cut(q):
        out.append((at, pair.word, pair.flag))
        at += len(pair.word)
    return out


def _inside_a_word(words: Sequence[tuple[int, str, str]], start: int, end: int) -> bool:
    """Whether q[start:end] begins a longer word, or is followed by a noun it names a kind of (消防 + 方面)."""
    for i, (at, word, _) in enumerate(words):
        if at == start:
            if at + len(word) > end:
                return True  # 消防用水
            following = words[i + 1] if i + 1 < len(words) and at + len(word) == end else None
            return following is not None and following[2] == "n"
    return False


def template(q: str, spans: Sequence[Span]) -> str:
    """The question with each slot replaced by its placeholder (「Ｕ和Ｕ共同负责哪些任务」)."""
    out, last = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        out += [q[last:s.start], PLACEHOLDER[s.kind]]
        last = s.end
    out.append(q[last:])
    return "".join(out)
