"""Answer texts composed from the records: citation marks, unit lists, counts, sections, metadata, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .departments import UnitDirectory
from .records import Notice, Role, Task

REFUSALS = {
    "injection": "这个请求与通知内容无关。我只根据《{title}》回答问题,不会改变这一规则。",
    "creative": "抱歉,我只回答与《{title}》有关的问题,不写诗文、不讲笑话、不做翻译。",
    "weather": "抱歉,通知中没有天气或时间方面的信息。我只能回答与《{title}》有关的问题。",
    "person": "通知中没有出现任何人员的姓名、职务人选或联系方式,无法回答。可以问某个单位负责哪些任务。",
    "advice": "抱歉,这个问题不在通知的范围内。我只能回答与《{title}》有关的问题。",
    "scope": "这份通知只涉及本区的工作任务,没有其他地区或全国、全省、全市层面的数据,无法回答。",
    "year": "已载入的通知只涉及{years}的目标任务,没有{subject}的内容,无法回答。",
    "unknown_unit": "通知中没有出现“{subject}”这个单位,它在方案里没有分到任务。可以问通知中列出的单位,例如区商务局、区教育局。",
    "language": "请用中文提问。This assistant answers questions in Chinese about the notice 《{title}》.",
    "no_section": "方案中没有这一部分(最多 {subject} 个部分)。可以问「第一部分讲什么?」或「方案分为几个部分?」。",
    "no_evidence": "通知中没有找到与这个问题直接相关的内容,无法据此回答。",
}
INVALID = {
    "empty": "请输入一个问题,例如「区商务局负责哪些任务?」。",
    "too_long": "问题太长了(超过 {limit} 个字),请精简后再问。",
}
HELP = (
    "您好!我根据《{title}》回答问题,每条回答都标注出处任务编号。可以这样问:\n"
    "- 区商务局负责哪些任务?\n- 今年新增多少公共停车泊位?\n- 江豚公园谁负责?\n- 第四部分讲什么?\n- 这份通知的文号是什么?"
)
# a citation mark: 【任务9】, 【第3段】, or with the document named, 【《2024年…方案》任务9】
MARK = re.compile(r"【(?:《([^》]+)》)?(?:任务(\d+)|第(\d+)段)】")


# how a task is cited: plain_mark, or Citer.mark once several notices are loaded
Mark = Callable[[Task], str]


def plain_mark(task: Task) -> str:
    """The mark with one notice loaded (【任务9】); with several, Citer.mark names the document."""
    return f"【任务{task.number}】"


class Citer:
    """Citation marks: 【任务9】 with one notice loaded; 【《2024年…方案》任务9】 once there are several."""

    def __init__(self, notices: Sequence[Notice]) -> None:
        self._multi = len(notices) > 1
        self._by_title = {n.plan_title: n.doc_id for n in notices}
        self._first = notices[0].doc_id
        self._notices = {n.doc_id: n for n in notices}

    def mark(self, task: Task) -> str:
        notice = self._notices[task.doc_id]
        item = f"任务{task.number}" if notice.structured else f"第{task.number}段"
        return f"【《{notice.plan_title}》{item}】" if self._multi else f"【{item}】"

    def refs(self, text: str) -> list[tuple[str, int]]:
        """(doc_id, number) of every citation mark in the text, in order, without repeats."""
        out = []
        for title, task, para in MARK.findall(text):
            doc = self._by_title.get(title, "") if title else self._first
            if doc:
                out.append((doc, int(task or para)))
        return list(dict.fromkeys(out))


class Composer:
    """Texts built from the records alone: nothing here is retrieved, so nothing here can be incomplete."""

    def __init__(self, notices: Sequence[Notice], units: UnitDirectory, citer: Citer) -> None:
        self._notices = {n.doc_id: n for n in notices}
        self._units = units
        self._cite = citer.mark
        self._multi = len(notices) > 1

    def header(self, notice: Notice) -> str:
        return f"《{notice.plan_title}》:" if self._multi else ""

    def task_lines(self, tasks: Sequence[Task]) -> list[str]:
        return [f"{i}. {t.gist}{self._cite(t)}" for i, t in enumerate(tasks, start=1)]

    def unit(self, name: str, role: Role, docs: Sequence[str]) -> str:
        """Every task of a unit in the documents in scope, lead and assisting apart, with counts."""
        unit = self._units.units[name]
        lead_refs, assist_refs = self._units.tasks(name, "all")
        # the unit's references grouped by document in one pass (not filtered again for every document)
        by_doc: dict[str, tuple[list[int], list[int]]] = {}
        for refs, slot in ((lead_refs, 0), (assist_refs, 1)):
            for d, n in refs:
                by_doc.setdefault(d, ([], []))[slot].append(n)
        blocks = []
        for doc in docs:
            lead_numbers, assist_numbers = by_doc.get(doc, ([], []))
            lead = [self._notices[doc].task(n) for n in lead_numbers]
            assist = [self._notices[doc].task(n) for n in assist_numbers]
            if self._multi and not (lead or assist):
                continue
            blocks.append(self.header(self._notices[doc]) + self._unit_lines(name, unit.kind, role, lead, assist))
        if not blocks:
            blocks.append(f"所选通知中没有分给{name}的任务。")
        if unit.kind == "street":
            shared = {ref for g in self._units.units.values() if g.kind == "group" and "街道" in g.name
                      for ref in sum(self._units.tasks(g.name), [])}
            blocks.append(f"(只列出点名{name}的任务;另有 {len(shared)} 项任务交给“各街道”“相关街道”等统称单位,"
                          "可以问「街道要协办哪些任务?」。)")
        elif unit.kind != "group":
            blocks.append("(只列出点名该单位的任务;由“区相关部门”“各街道板块”等统称单位承担的任务未计入。)")
        return "\n\n".join(blocks)

    def _unit_lines(self, name: str, kind: str, role: Role, lead: list[Task], assist: list[Task]) -> str:
        label = "(统称)" if kind == "group" else ""
        lines: list[str] = []
        if role == "lead":
            lines.append(f"{name}{label}主办(牵头)的任务共 {len(lead)} 项。" if lead else f"{name}{label}没有主办(牵头)的任务。")
            lines += self.task_lines(lead)
            if not lead and assist:
                lines.append(f"它作为协办单位参与 {len(assist)} 项任务。")
        elif role == "assist":
            lines.append(f"{name}{label}协办的任务共 {len(assist)} 项。" if assist else f"{name}{label}没有协办的任务。")
            lines += self.task_lines(assist)
            if not assist and lead:
                lines.append(f"它主办(牵头)的任务有 {len(lead)} 项,可以问「{name}主办哪些任务?」。")
        else:
            lines.append(f"{name}{label}在通知中共涉及 {len(lead) + len(assist)} 项任务:主办 {len(lead)} 项,协办 {len(assist)} 项。")
            if lead:
                lines.append(f"\n主办(牵头)任务({len(lead)} 项):")
                lines += self.task_lines(lead)
            if assist:
                lines.append(f"\n协办任务({len(assist)} 项):")
                lines += self.task_lines(assist)
        return "\n".join(lines)

    def lead_only(self, notice: Notice) -> str:
        solo = [t for t in notice.tasks if not t.assists]
        lines = [f"{self.header(notice)}共有 {len(solo)} 项任务只列了主办单位、没有协办单位:"]
        lines += [f"{i}. {t.gist}{self._cite(t)}(主办:{'、'.join(t.leads)})" for i, t in enumerate(solo, 1)]
        return "\n".join(lines)

    def count(self, notice: Notice) -> str:
        parts = [self.section_summary(notice, s.number) for s in notice.sections]
        text = f"《{notice.plan_title}》共 {len(notice.tasks)} 项任务,分为 {len(notice.sections)} 个部分:\n" + "\n".join(parts)
        sizes = sorted(notice.sections, key=lambda s: len(s.task_numbers))
        if len(sizes) > 1:
            text += (f"\n其中第{sizes[-1].numeral}部分任务最多({len(sizes[-1].task_numbers)} 项),"
                     f"第{sizes[0].numeral}部分最少({len(sizes[0].task_numbers)} 项)。")
        return text

    @staticmethod
    def section_summary(notice: Notice, number: int) -> str:
        s = notice.section_of(number)
        return f"{s.numeral}、{s.title}(任务{s.task_numbers[0]}–{s.task_numbers[-1]},共 {len(s.task_numbers)} 项)"

    def sections(self, notice: Notice, numbers: Sequence[int]) -> str:
        """One part with every task listed; several parts with their sizes and the total."""
        numbers = [k for k in numbers if k <= len(notice.sections)]
        if len(numbers) > 1:
            total = sum(len(notice.section_of(k).task_numbers) for k in numbers)
            lines = [self.section_summary(notice, k) for k in numbers]
            lines.append(f"以上 {len(numbers)} 个部分合计 {total} 项任务。")
            return self.header(notice) + "\n".join(lines)
        s = notice.section_of(numbers[0])
        head = f"第{s.numeral}部分“{s.title}”共 {len(s.task_numbers)} 项任务(任务{s.task_numbers[0]}–{s.task_numbers[-1]}):"
        return self.header(notice) + "\n".join([head, *self.task_lines([notice.task(k) for k in s.task_numbers])])

    def which_section(self, task: Task) -> str:
        sec = self._notices[task.doc_id].section_of(task.section)
        return f"{self._cite(task)}属于第{sec.numeral}部分“{sec.title}”。"

    def metadata(self, notice: Notice, field: str) -> str:
        m, c = notice.meta, notice.covering
        texts = {
            "doc_number": f"这份通知的文号是{m.doc_number}。",
            "index_number": f"这份通知的索引号是{m.index_number}。",
            "meeting": f"通知说明:{c.body.split('。')[0]}。",
            "keywords": f"这份通知的关键词是:{'、'.join(m.keywords)}。",
            "addressees": f"通知印发给:{'、'.join(c.addressees)}。",
            "date": f"通知的生成日期是{m.date},落款日期为{c.date}。",
            "publisher": f"通知信息中的发布机构为“{m.publisher}”,落款单位为“{c.issuer}”(按原文照录)。",
            "classification": "通知的分类信息:" + ";".join(f"{k}:{v}" for k, v in m.fields if "分类" in k and v) + "。",
            "public": f"通知注明{c.note or '(未注明是否公开)'}。",
            "title": f"通知的标题是《{m.title}》,所附方案为《{notice.plan_title}》。",
            "overview": (
                f"《{m.title}》({m.doc_number})印发给{'、'.join(c.addressees)}。{c.body}\n"
                f"所附方案共 {len(notice.tasks)} 项任务,分为 {len(notice.sections)} 个部分:"
                + ";".join(f"{s.numeral}、{s.title}" for s in notice.sections) + "。"
            ),
        }
        return self.header(notice) + texts[field]

    @staticmethod
    def no_time(notice: Notice) -> str:
        year = f"{notice.year}年" if notice.year else "本年度"
        return f"通知没有写明具体时间,只列出了{year}的工作目标。相关内容:"

    def fact_line(self, task: Task, sentence: str) -> str:
        units = f"(主办:{'、'.join(task.leads)})" if task.leads else ""
        return f"“{sentence}”{self._cite(task)}{units}"

    def lead_line(self, task: Task, sentence: str) -> str:
        if not task.leads:
            return f"{self._cite(task)}没有列出责任单位。原文:“{sentence}”"
        who = f"由{'、'.join(task.leads)}主办" + (f",{'、'.join(task.assists)}协办" if task.assists else "")
        return f"{who}{self._cite(task)}。原文:“{sentence}”"
