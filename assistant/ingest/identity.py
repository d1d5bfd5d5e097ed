"""Who issued a notice, for which place and year: read from its title, issuer line, header and units.

Real notices name their government in the title (「南京市玄武区人民政府关于印发…」) or the issuer line; some only
say 「区政府」 there. Then the place is the name that prefixes several of the notice's own units (「鼓楼公安分局」,
「鼓楼消防救援大队」), preferring the one whose first character opens the document number (「鼓政〔2024〕2号」).
"""

from __future__ import annotations

import re
from collections import Counter

from ..records import Identity, Level, Notice

_YEAR = re.compile(r"(20\d\d)年")
# 「南京市玄武区人民政府」「XX县人民政府办公室」 opening a title or an issuer line: the place is the innermost name
# ending in its level (玄武区, not 南京市); a city or province before it is skipped
_GOVERNMENT = re.compile(
    r"^(?:中共[\u4e00-\u9fff]{2,8}?[委]\S*?\s*)?(?:[\u4e00-\u9fff]{2,6}?[省市])?([\u4e00-\u9fff]{2,6}?[省市区县])(?:人民)?政府"
    r"(?:办公室|办公厅)?")
# 「云溪区青禾街道办事处」「某县某镇人民政府」: a street or a town, with the district or county it is in when named
_LOCAL = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}?[省市](?=[\u4e00-\u9fff]{2,6}?[区县市]))?(?P<parent>[\u4e00-\u9fff]{2,6}?[区县市])?"
                    r"(?P<place>[\u4e00-\u9fff]{2,6}?(?:街道|镇|乡))(?:办事处|人民政府|党工委)(?:办公室|党政办公室)?")
# 「霁州市教育局关于印发…」: a department of a government issues it; the place is the government's
_DEPARTMENT = re.compile(r"^(?:[\u4e00-\u9fff]{2,6}?省)?([\u4e00-\u9fff]{2,6}?[市区县])(?!人民政府|政府)"
                         r"[\u4e00-\u9fff]{1,10}?(?:局|委员会|委|厅|办公室)(?=关于|$)")
# a mark before the title (「【测试样本】」「【通知】」) is not part of it
_MARK = re.compile(r"^[【\[][^】\]]*[】\]]\s*")
# a plan title that opens with its place: 「玄武区2023年…」
_PLAN_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,6}?[省市区县])(?=\d{4}年)")
# 「区政府关于印发…」: the level alone
_BARE_LEVEL = re.compile(r"^([省市区县])(?:人民)?政府")
# unit names that begin with a level word are not place names
_NOT_PLACE = re.compile(r"^[区市县省各相]")


def _place_from_units(notice: Notice) -> str:
    """The two-character prefix shared by most of the notice's units, weighed by how often the text uses it."""
    names = {u.name for t in notice.tasks for u in t.units}
    prefixes = Counter(name[:2] for name in names if len(name) > 4 and not _NOT_PLACE.match(name))
    candidates = [p for p, n in prefixes.items() if n >= 2]
    if not candidates:
        return ""
    text = "\n".join(t.text for t in notice.tasks)
    initial = notice.meta.doc_number[:1]

    def weight(prefix: str) -> tuple[bool, int]:
        return (prefix[0] == initial, text.count(prefix))

    return max(candidates, key=weight)


def derive_identity(notice: Notice) -> Identity:
    """The notice's issuer, place, level, year and a short display title, from its own text."""
    plan_title = _MARK.sub("", notice.plan_title)
    year_match = _YEAR.search(plan_title) or _YEAR.search(notice.meta.title) or _YEAR.search(notice.covering.title)
    year = year_match.group(1) if year_match else ""
    sources = [_MARK.sub("", t) for t in (notice.meta.title, notice.covering.title, notice.covering.issuer,
                                          notice.meta.publisher, plan_title)]
    place, issuer, parent = "", "", ""
    for text in sources:
        if m := _LOCAL.match(text):
            place, issuer, parent = m.group("place"), m.group(0), m.group("parent") or ""
            break
        if m := _GOVERNMENT.match(text):
            place, issuer = m.group(1), m.group(0)
            break
        if m := _DEPARTMENT.match(text):
            place, issuer = m.group(1), m.group(0)
            break
    if not place and (m := _PLAN_PLACE.match(plan_title)):
        place = m.group(1)
    level_word = ("街道" if place.endswith("街道") else place[-1:]) if place else ""
    if not place:
        bare = next((m for m in (_BARE_LEVEL.match(s) for s in sources) if m), None)
        if bare:
            level_word = bare.group(1)
            name = _place_from_units(notice)
            if name:
                place = name + level_word
                issuer = place + bare.group(0)[1:]
            else:
                issuer = bare.group(0)
    level = Level(level_word) if level_word in {lv.value for lv in Level} else Level.UNKNOWN
    core = plan_title or _MARK.sub("", notice.meta.title)
    if place and core.startswith(place):  # 「青禾区2025年重点工作任务分解方案」 is already short and whole
        return Identity(issuer=issuer, place=place, level=level, year=year, short_title=core, parent=parent)
    core = _YEAR.sub("", core, count=1)
    core = re.sub(r"^(?:[省市区县])(?:人民)?政府", "", core)
    short = f"{place}{year + '年' if year else ''}{core}" if place and place not in core else core
    return Identity(issuer=issuer, place=place, level=level, year=year, short_title=short, parent=parent)
