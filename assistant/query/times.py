"""Times: questions that ask when, the time expressions that would answer them, and whether a sentence gives the
time of the event asked (the plan mostly gives none: its targets are for the plan's year as a whole)."""

from __future__ import annotations

import re

WHEN_ASK = re.compile(r"什么时候|啥时候|何时|哪天|几月|几号|哪个月|什么时间|多久")
TIME_SAID = re.compile(r"\d{1,2}月|月底|年底|年内|年中|上半年|下半年|季度|\d{4}年|春节|暑假|寒假")
# words around the event a "when" asks about that say nothing of which event it is (「什么时候能…吗」)
_EVENT_FILLER = re.compile(r"可以|能够|大概|大约|预计|计划|[能会要才上的了吗呢啊呀吧\W\d]")


def time_stated(question: str, sentence: str) -> bool:
    """Whether the sentence gives a time for what the question asks "when" of: a time expression in a clause that
    shares a character with the event asked (「…什么时候能全线通车」 is not answered by 「年内完成路基工程38公里」,
    a time for another stage); the whole question is the event when nothing follows its 什么时候."""
    asked = WHEN_ASK.search(question)
    event = set(_EVENT_FILLER.sub("", question[asked.end():])) if asked else set()
    event = event or set(_EVENT_FILLER.sub("", question))
    return any(TIME_SAID.search(clause) and event & set(clause) for clause in re.split(r"[,;。]", sentence))

# -- due dates: 「哪些要在6月底前完成」 narrows a list to the tasks with a time stated by then ------------------------
_MONTH = r"(?:(?P<year>20\d\d)年)?(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月"
_PERIOD = r"(?:(?P<half>上半年)|(?P<quarter>[一二三四1-4])季度|(?P<end>年底|年末|年内|今年内))"
# the bound a question sets: a month (with 底/末/前), a half, a quarter, the year's end
_DUE_BOUND = re.compile(rf"(?:{_MONTH}(?:底|末|份|中旬|上旬|下旬)?(?P<by>前|之前|以前)?|{_PERIOD}(?:末|底)?(?:前|之前|以前)?)")
# the words around it that make it a condition on when tasks are due, taken out of the question with it
_DUE_PHRASE = re.compile(
    rf"(?:要|需要|得|必须|应当?)?(?:在)?第?(?:{_DUE_BOUND.pattern})"
    r"(?:要|需要|得|必须|应当?)?(?:完成|办完|干完|做完|办|干|做|到期|截止|结束|落实|建成|见效)?(?:的)?(?:时间节点|节点|时限|期限|任务|工作|事)?")
LIST_ASK = re.compile(r"哪些|哪几|几项|几个|多少项|列出|列一下|有什么|有啥")
# in a task, a time is a due date when it bounds (6月底, 9月底前, 10月前, 上半年); 「10月份举办」 is when, not by when
_TASK_TIME = re.compile(rf"{_MONTH}(?:\d{{1,2}}日)?(?:(?P<edge>底|末|中旬|上旬|下旬)(?P<by>前|之前)?|(?P<before>前|之前))|{_PERIOD}")


def _month_of(m: re.Match[str]) -> int:
    if m.group("month"):
        text = m.group("month")
        return int(text) if text.isdigit() else _CN_MONTH[text]
    if m.group("half"):
        return 6
    if m.group("quarter"):
        return 3 * _CN_QUARTER[m.group("quarter")]
    return 12


_CN_MONTH = {c: i for i, c in enumerate("一二三四五六七八九", 1)} | {"十": 10, "十一": 11, "十二": 12}
_CN_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def due_asked(question: str) -> tuple[int, str, str]:
    """(month, the bound as said, the question without it) when the question asks which tasks are due by a time
    (「哪些有6月底前的时间节点」「上半年要完成哪些任务」); (0, "", question) otherwise. A bare month asks when, not by
    when: it needs 底/末/前, or a half, quarter or the year's end."""
    if not LIST_ASK.search(question):
        return 0, "", question
    for m in _DUE_PHRASE.finditer(question):
        bound = _DUE_BOUND.search(m.group(0))
        if bound is None:
            continue
        said = bound.group(0)
        if bound.group("month") and not re.search(r"底|末|前|旬", said):
            continue
        rest = (question[: m.start()] + question[m.end():]).strip()
        return _month_of(bound), said, rest
    return 0, "", question


def due_months(text: str, deadline: str = "", year: str = "") -> tuple[int, ...]:
    """The months by which a task's text (and its 完成时限 field, where any month counts) says something is due, of
    the notice's year: 「6月底前全部开工」 -> 6, 「年底前」 -> 12; a time of another year is not this year's."""
    months = []
    for source, any_month in ((text, False), (deadline, True)):
        for m in (_DUE_BOUND if any_month else _TASK_TIME).finditer(source):
            if m.group("year") and year and m.group("year") != year:
                continue
            months.append(_month_of(m))
    return tuple(sorted(set(months)))
