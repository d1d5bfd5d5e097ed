"""The fixed texts of answers that cite nothing: refusals, invalid input, help; examples from the loaded notices."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..ingest.knowledge import Knowledge
from ..ingest.units import UnitDirectory
from ..records import Notice

REFUSALS = {
    "injection": "这个请求与通知内容无关。我只根据《{title}》回答问题,不会改变这一规则。",
    "creative": "抱歉,我只回答与《{title}》有关的问题,不写诗文、不讲笑话、不做翻译。",
    "weather": "抱歉,通知中没有天气或时间方面的信息。我只能回答与《{title}》有关的问题。",
    "person": "通知中没有出现任何人员的姓名、职务人选或联系方式,无法回答。可以问某个单位负责哪些任务。",
    "advice": "抱歉,这个问题不在通知的范围内。我只能回答与《{title}》有关的问题。",
    "scope": "这份通知只涉及本区的工作任务,没有其他地区或全国、全省、全市层面的数据,无法回答。",
    "year": "已载入的通知只涉及{years}的目标任务,没有{subject}的内容,无法回答。",
    "unknown_unit": "通知中没有出现“{subject}”这个单位,它在方案里没有分到任务。可以问通知中列出的单位,例如{examples}。",
    "language": "请用中文提问。This assistant answers questions in Chinese about the notice 《{title}》.",
    "no_section": "方案中没有这一部分(最多 {subject} 个部分)。可以问「第一部分讲什么?」或「方案分为几个部分?」。",
    "place": "已载入的通知是{places},没有“{subject}”的内容,无法回答。",
    "place_year": "已载入的通知是{places},其中没有{subject}的通知,无法回答。",
    "no_task": "方案中没有{subject}。可以问「方案一共有多少项任务?」。",
    "not_shown": "上一条回答只列出了 {subject} 项,没有您说的那一项。可以重新问完整的列表,或直接问「任务N讲什么?」。",
    "no_evidence": "通知中没有找到与这个问题直接相关的内容,无法据此回答。",
}
INVALID = {
    "empty": "请输入一个问题,例如「{example}」。",
    "too_long": "问题太长了(超过 {limit} 个字),请精简后再问。",
}
CLARIFY = {
    "referent": "请问“{subject}”指的是哪项工作?可以说任务编号(如「任务1讲的是什么?」),或工作的内容(如「{example}」)。",
    "kind": "通知中名称带“{subject}”的单位有 {count} 个:{units}。请问您想了解哪一个?例如「{first}负责哪些任务?」。",
}
_SHOWN_UNITS = 12
HELP = "您好!我根据《{title}》回答问题,每条回答都标注出处任务编号。可以这样问:\n{examples}"


@dataclass(frozen=True)
class Examples:
    """Units and questions that the fixed texts show as examples: from the knowledge files, else the records."""

    units: tuple[str, ...]
    groups: tuple[str, ...]
    street_groups: tuple[str, ...]
    questions: tuple[str, ...]  # for the help text
    web: tuple[str, ...]  # the web chat's example buttons

    @classmethod
    def of(cls, notices: Sequence[Notice], units: UnitDirectory, knowledge: Knowledge) -> Examples:
        busiest = Counter(u.name for n in notices for t in n.tasks for u in t.units)
        named = [name for name, _ in busiest.most_common() if units.units[name].kind != "group"]
        groups = [name for name, _ in busiest.most_common() if units.units[name].kind == "group"]
        streets = [g for g in groups if "街道" in g]
        first = named[0] if named else "某单位"
        questions = knowledge.help_questions or (f"{first}负责哪些任务?", "一共有多少项任务?", "第一部分讲什么?",
                                                 "这份通知的文号是什么?")
        return cls(
            units=knowledge.example_units or tuple(named[:2]),
            groups=knowledge.example_groups or tuple(groups[:2]),
            street_groups=knowledge.example_street_groups or tuple(streets[:2]),
            questions=tuple(questions),
            web=knowledge.web_examples or tuple(questions),
        )


def invalid_text(reason: str, limit: int, examples: Examples) -> str:
    example = f"{examples.units[0]}负责哪些任务?" if examples.units else "一共有多少项任务?"
    return INVALID[reason].format(limit=limit, example=example)


def refusal_text(reason: str, *, title: str, subject: str, years: str, examples: Examples, places: str = "") -> str:
    return REFUSALS[reason].format(title=title, subject=subject, years=years, examples="、".join(examples.units),
                                   places=places or f"《{title}》")


def help_text(title: str, examples: Examples) -> str:
    return HELP.format(title=title, examples="\n".join(f"- {q}" for q in examples.questions))


def clarify_text(reason: str, subject: str, units: Sequence[str], examples: Examples) -> str:
    """A question back to the user, with what they could say instead."""
    shown = "、".join(units[:_SHOWN_UNITS]) + ("等" if len(units) > _SHOWN_UNITS else "")
    example = examples.questions[0] if examples.questions else "一共有多少项任务?"
    return CLARIFY[reason].format(subject=subject, count=len(units), units=shown, first=units[0] if units else "",
                                  example=example)
