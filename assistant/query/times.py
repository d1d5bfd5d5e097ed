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
