"""Answer texts composed from the records: citation marks, unit lists, counts, sections, metadata.

Every method that cites returns a `Composed`: the text and, as data, the references it cites in the order their
marks appear, so nothing downstream has to find the citations in the text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from ..ingest.units import UnitDirectory
from ..query.times import time_stated
from ..records import ROLE_LABEL, Notice, Ref, Role, RoleFilter, Section, Task, role_label
from .messages import Examples

# a citation mark: 【任务9】, 【第3段】, or with the document named, 【《2024年…方案》任务9】; in a notice whose
# numbering restarts in each part, with where it is printed: 【任务5(第二部分第3项)】
MARK = re.compile(r"【(?:《([^》]+)》)?(?:任务(\d+)|第(\d+)段)(?:\(第[一二三四五六七八九十]+部分第\d+项\))?】")


# how a task is cited: plain_mark, or Citer.mark once several notices are loaded
Mark = Callable[[Task], str]


def plain_mark(task: Task) -> str:
    """The mark with one notice loaded (【任务9】); with several, Citer.mark names the document."""
    return f"【任务{task.number}{_printed(task)}】"


def _printed(task: Task) -> str:
    return f"({task.printed_at})" if task.printed_at else ""


# what each metadata field is called when a notice does not give it
_FIELD_NAMES = {"doc_number": "文号", "index_number": "索引号", "keywords": "关键词", "addressees": "印发对象",
                "date": "日期", "publisher": "发布机构", "meeting": "印发依据", "title": "标题"}
# a task's own fields a question may ask for (Task attribute -> its name in an answer)
_TASK_FIELDS = {"deadline": "完成时限", "leader": "责任领导"}

class Citer:
    """Citation marks: 【任务9】 with one notice loaded; 【《2024年…方案》任务9】 once there are several."""

    def __init__(self, notices: Sequence[Notice]) -> None:
        self._multi = len(notices) > 1
        self._notices = {n.doc_id: n for n in notices}

    def mark(self, task: Task) -> str:
        notice = self._notices[task.doc_id]
        item = f"任务{task.number}{_printed(task)}" if notice.structured else f"第{task.number}段"
        return f"【《{notice.plan_title}》{item}】" if self._multi else f"【{item}】"


@dataclass(frozen=True)
class Composed:
    """A composed text with the references of its citation marks (in order, repeats kept) and the titles of the
    parts it names (a rewrite of a part's list must keep its title)."""

    text: str
    refs: tuple[Ref, ...] = ()
    part_titles: tuple[str, ...] = ()

    def __add__(self, other: Composed | str) -> Composed:
        if isinstance(other, str):
            return Composed(self.text + other, self.refs, self.part_titles)
        return Composed(self.text + other.text, self.refs + other.refs, self.part_titles + other.part_titles)

    def __radd__(self, other: str) -> Composed:
        return Composed(other + self.text, self.refs, self.part_titles)


def join(separator: str, parts: Iterable[Composed | str]) -> Composed:
    """Like str.join, for composed texts and plain strings."""
    items = [p if isinstance(p, Composed) else Composed(p) for p in parts]
    return Composed(separator.join(p.text for p in items), tuple(r for p in items for r in p.refs),
                    tuple(t for p in items for t in p.part_titles))


class Composer:
    """Texts built from the records alone: nothing here is retrieved, so nothing here can be incomplete."""

    def __init__(self, notices: Sequence[Notice], units: UnitDirectory, citer: Citer, examples: Examples) -> None:
        self._notices = {n.doc_id: n for n in notices}
        self._units = units
        self._cite = citer.mark
        self._multi = len(notices) > 1
        self._examples = examples

    def header(self, notice: Notice) -> str:
        return f"《{notice.plan_title}》:" if self._multi else ""

    def cite(self, task: Task) -> Composed:
        """The citation mark of one task."""
        return Composed(self._cite(task), (task.ref,))

    def task_lines(self, tasks: Sequence[Task]) -> list[Composed]:
        return [f"{i}. {t.gist}" + self.cite(t) for i, t in enumerate(tasks, start=1)]

    def unit(self, name: str, role: RoleFilter, docs: Sequence[str]) -> Composed:
        """Every task of a unit in the documents in scope, lead and assisting apart, with counts."""
        unit = self._units.units[name]
        lead_refs, assist_refs = self._units.tasks(name)
        # the unit's references grouped by document in one pass (not filtered again for every document)
        by_doc: dict[str, tuple[list[int], list[int]]] = {}
        for refs, slot in ((lead_refs, 0), (assist_refs, 1)):
            for d, n in refs:
                by_doc.setdefault(d, ([], []))[slot].append(n)
        blocks: list[Composed | str] = []
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
            named = "".join(f"“{g}”" for g in self._examples.street_groups)
            blocks.append(f"(只列出点名{name}的任务;另有 {len(shared)} 项任务交给{named}等统称单位,"
                          "可以问「街道要协办哪些任务?」。)")
        elif unit.kind != "group":
            named = "".join(f"“{g}”" for g in self._examples.groups)
            blocks.append(f"(只列出点名该单位的任务;由{named}等统称单位承担的任务未计入。)")
        return join("\n\n", blocks)

    def _unit_lines(self, name: str, kind: str, role: RoleFilter, lead: list[Task], assist: list[Task]) -> Composed:
        label = "(统称)" if kind == "group" else ""
        lines: list[Composed | str] = []
        if role is Role.LEAD:
            lines.append(f"{name}{label}{ROLE_LABEL[Role.LEAD]}的任务共 {len(lead)} 项。" if lead else f"{name}{label}没有{ROLE_LABEL[Role.LEAD]}的任务。")
            lines += self.task_lines(lead)
            if not lead and assist:
                lines.append(f"它作为协办单位参与 {len(assist)} 项任务。")
        elif role is Role.ASSIST:
            lines.append(f"{name}{label}协办的任务共 {len(assist)} 项。" if assist else f"{name}{label}没有协办的任务。")
            lines += self.task_lines(assist)
            if not assist and lead:
                lines.append(f"它{ROLE_LABEL[Role.LEAD]}的任务有 {len(lead)} 项,可以问「{name}主办哪些任务?」。")
        else:
            lines.append(f"{name}{label}在通知中共涉及 {len(lead) + len(assist)} 项任务:主办 {len(lead)} 项,协办 {len(assist)} 项。")
            if lead:
                lines.append(f"\n{ROLE_LABEL[Role.LEAD]}任务({len(lead)} 项):")
                lines += self.task_lines(lead)
            if assist:
                lines.append(f"\n协办任务({len(assist)} 项):")
                lines += self.task_lines(assist)
        return join("\n", lines)

    def lead_only(self, notice: Notice, among: Collection[Ref] = ()) -> Composed:
        """The tasks with no assisting unit (of those `among`, when given: the last list shown)."""
        solo = [t for t in notice.tasks if not t.assists and (not among or t.ref in among)]
        where = f"上一条回答列出的 {sum(r.doc_id == notice.doc_id for r in among)} 项任务中," if among else ""
        if among and not solo:
            return Composed(f"{self.header(notice)}{where}每项任务都列了协办单位。")
        lines: list[Composed | str] = [f"{self.header(notice)}{where}共有 {len(solo)} 项任务只列了主办单位、没有协办单位:"]
        lines += [f"{i}. {t.gist}" + self.cite(t) + f"(主办:{'、'.join(t.leads)})" for i, t in enumerate(solo, 1)]
        return join("\n", lines)

    def units_stated(self, notice: Notice, stated: bool, among: Collection[Ref] = (),
                     sections: Sequence[int] = ()) -> Composed:
        """The tasks that name their units (or name none), of those `among` (the last list shown) or in `sections`."""
        pool = [t for t in notice.tasks if (not among or t.ref in among) and (not sections or t.section in sections)]
        held = [t for t in pool if bool(t.units) == stated]
        where = (f"上一条回答列出的 {len(pool)} 项任务中," if among else
                 "、".join(f"第{notice.section_of(k).numeral}部分" for k in sections if k <= len(notice.sections)) + "中,"
                 if sections else "")
        said = "写明了责任单位" if stated else "没有写明责任单位"
        if not held:
            return Composed(f"{self.header(notice)}{where}没有{said}的任务。")
        lines: list[Composed | str] = [f"{self.header(notice)}{where}{said}的任务共 {len(held)} 项:"]
        lines += [f"{i}. {t.gist}" + self.cite(t) + (f"(主办:{'、'.join(t.leads)})" if t.leads else "")
                  for i, t in enumerate(held, 1)]
        return join("\n", lines)

    def lead_count(self, notice: Notice, equals: int, at_least: int) -> Composed:
        """The tasks led by exactly `equals` units (or, when it is 0, by at least `at_least`)."""
        held = [t for t in notice.tasks if (len(t.leads) == equals if equals else len(t.leads) >= at_least)]
        said = f"只有 {equals} 个主办单位" if equals else f"由 {at_least} 个及以上单位共同主办"
        lines: list[Composed | str] = [f"{self.header(notice)}{said}的任务共 {len(held)} 项:"]
        lines += [f"{i}. {t.gist}" + self.cite(t) + f"(主办:{'、'.join(t.leads)})" for i, t in enumerate(held, 1)]
        return join("\n", lines)

    def units_named(self, notice: Notice, role: RoleFilter, *, both: bool = False) -> Composed:
        """The units a notice names (not the group names such as 各街道), with how many tasks each leads and
        assists: all of them, those of one role, or (`both`) those that lead some tasks and assist others."""
        rows: dict[str, list[int]] = {}
        for t in notice.tasks:
            for slot, names in ((0, t.leads), (1, t.assists)):
                for name in dict.fromkeys(names):
                    if name in self._units.units and self._units.units[name].kind != "group":
                        rows.setdefault(name, [0, 0])[slot] += 1
        if both:
            picked = {u: c for u, c in rows.items() if c[0] and c[1]}
            head = f"既{ROLE_LABEL[Role.LEAD]}又{ROLE_LABEL[Role.ASSIST]}任务的单位共 {len(picked)} 个"
        elif role is not None:
            slot = 0 if role is Role.LEAD else 1
            picked = {u: c for u, c in rows.items() if c[slot]}
            head = f"{ROLE_LABEL[role]}任务的单位共 {len(picked)} 个"
        else:
            picked = rows
            groups = "".join(f"“{g}”" for g in self._examples.groups)
            head = f"通知共点名 {len(rows)} 个单位" + (f"(不含{groups}等统称)" if groups else "")
        order = sorted(picked.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), -kv[1][0]))
        body = ";".join(f"{u}(主办 {c[0]} 项,协办 {c[1]} 项)" for u, c in order)
        return Composed(f"{self.header(notice)}{head}" + (f":{body}。" if order else "。"))

    def count(self, notice: Notice) -> Composed:
        parts = [self.section_summary(notice, s.number) for s in notice.sections]
        text = f"《{notice.plan_title}》共 {len(notice.tasks)} 项任务,分为 {len(notice.sections)} 个部分:\n" + "\n".join(parts)
        with_tasks = [s for s in notice.sections if s.task_numbers]  # (a part of paragraphs only is no smallest)
        sizes = sorted({len(s.task_numbers) for s in with_tasks})
        if len(sizes) > 1:
            def tied(size: int) -> tuple[str, str]:  # a tie names each part: 「第一部分和第四部分」「各 9 项」
                names = [f"第{s.numeral}部分" for s in with_tasks if len(s.task_numbers) == size]
                return "和".join(names), (f"各 {size} 项" if len(names) > 1 else f"{size} 项")
            (most, many), (least, few) = tied(sizes[-1]), tied(sizes[0])
            text += f"\n其中{most}任务最多({many}),{least}最少({few})。"
        return Composed(text)

    def shown_count(self, tasks: Sequence[Task]) -> Composed:
        """How many tasks the last answer showed, each cited."""
        return f"上面列出的任务共 {len(tasks)} 项:" + join("", [self.cite(t) for t in tasks]) + "。"

    @staticmethod
    def section_summary(notice: Notice, number: int) -> str:
        s = notice.section_of(number)
        return f"{s.numeral}、{s.title}({_extent(s)})"

    def sections(self, notice: Notice, numbers: Sequence[int]) -> Composed:
        """One part with every task listed; several parts with their sizes and the total."""
        numbers = [k for k in numbers if k <= len(notice.sections)]
        if len(numbers) > 1:
            total = sum(len(notice.section_of(k).task_numbers) for k in numbers)
            lines = [self.section_summary(notice, k) for k in numbers]
            lines.append(f"以上 {len(numbers)} 个部分合计 {total} 项任务。")
            return Composed(self.header(notice) + "\n".join(lines))
        s = notice.section_of(numbers[0])
        if not s.task_numbers:
            return Composed(self.header(notice) + f"第{s.numeral}部分“{s.title}”没有编号的任务(是要求或说明的段落)。",
                            part_titles=(s.title,))
        head = f"第{s.numeral}部分“{s.title}”共 {len(s.task_numbers)} 项任务(任务{s.task_numbers[0]}–{s.task_numbers[-1]}):"
        body = join("\n", [head, *self.task_lines([notice.task(k) for k in s.task_numbers])])
        return Composed(self.header(notice)) + body + Composed("", part_titles=(s.title,))

    def group(self, notice: Notice, number: int, heading: str) -> Composed:
        """The tasks under one heading within a part (「(六)全面推进乡村振兴」), every one listed."""
        s = notice.section_of(number)
        tasks = notice.group_tasks(number, heading)
        head = (f"第{s.numeral}部分“{s.title}”中的“{heading}”共 {len(tasks)} 项任务"
                f"(任务{tasks[0].number}–{tasks[-1].number}):")
        body = join("\n", [head, *self.task_lines(tasks)])
        return Composed(self.header(notice)) + body + Composed("", part_titles=(s.title,))

    def section_units(self, notice: Notice, numbers: Sequence[int], role: RoleFilter) -> Composed:
        """The units of parts: each unit that leads (and, unless only leading is asked, assists) a task of the part,
        with the tasks it has there, most first."""
        blocks: list[Composed | str] = []
        for k in (k for k in numbers if k <= len(notice.sections)):
            s = notice.section_of(k)
            tasks = [notice.task(n) for n in s.task_numbers]
            lines: list[Composed | str] = [f"第{s.numeral}部分“{s.title}”共 {len(tasks)} 项任务,涉及的单位:"]
            for slot, label in ROLE_LABEL.items():
                if role is not None and role is not slot:
                    continue
                held: dict[str, list[Task]] = {}
                for t in tasks:
                    for name in (t.leads if slot is Role.LEAD else t.assists):
                        held.setdefault(name, []).append(t)
                if not held:
                    lines.append(f"{label}:无。")
                    continue
                ranked = sorted(held.items(), key=lambda kv: -len(kv[1]))
                lines.append(f"{label}({len(held)} 个):" + join(";", [
                    f"{name} {len(ts)} 项" + join("", [self.cite(t) for t in ts]) for name, ts in ranked]) + "。")
            blocks.append(join("\n", lines))
        return self.header(notice) + join("\n\n", blocks)

    def section_titles(self, notice: Notice, numbers: Sequence[int]) -> Composed:
        """The titles of parts (and where their tasks run), citing no task: the name was asked, not the tasks."""
        parts = [notice.section_of(k) for k in numbers if k <= len(notice.sections)]
        lines = [f"第{s.numeral}部分的标题是“{s.title}”({_extent(s)})。" for s in parts]
        return Composed(self.header(notice) + "\n".join(lines), part_titles=tuple(s.title for s in parts))

    def which_section(self, task: Task) -> Composed:
        sec = self._notices[task.doc_id].section_of(task.section)
        return self.cite(task) + Composed(f"属于第{sec.numeral}部分“{sec.title}”。", part_titles=(sec.title,))

    def metadata(self, notice: Notice, field: str) -> Composed:
        m, c = notice.meta, notice.covering
        texts = {
            "doc_number": f"这份通知的文号是{m.doc_number}。",
            "index_number": f"这份通知的索引号是{m.index_number}。",
            "meeting": f"通知说明:{c.body.split('。')[0]}。",
            "keywords": f"这份通知的关键词是:{'、'.join(m.keywords)}。",
            "addressees": f"通知印发给:{'、'.join(c.addressees)}。",
            # (a notice without a metadata header gives only its signature: nothing empty is quoted)
            "date": _said([("通知的生成日期是", m.date, ""), ("落款日期为", c.date, "")]),
            "publisher": _said([("通知信息中的发布机构为“", m.publisher, "”"), ("落款单位为“", c.issuer, "”")],
                               "(按原文照录)"),
            "classification": "通知的分类信息:" + ";".join(f"{k}:{v}" for k, v in m.fields if "分类" in k and v) + "。",
            "public": f"通知注明{c.note or '(未注明是否公开)'}。",
            "title": f"通知的标题是《{m.title}》,所附方案为《{notice.plan_title}》。",
            "overview": (
                f"《{m.title}》({m.doc_number})印发给{'、'.join(c.addressees)}。{c.body}\n"
                f"所附方案共 {len(notice.tasks)} 项任务,分为 {len(notice.sections)} 个部分:"
                + ";".join(f"{s.numeral}、{s.title}" for s in notice.sections) + "。"
            ),
        }
        given = {"doc_number": m.doc_number, "index_number": m.index_number, "keywords": m.keywords,
                 "addressees": c.addressees, "date": m.date or c.date, "publisher": m.publisher or c.issuer,
                 "meeting": c.body, "title": m.title}
        if field in given and not given[field]:
            return Composed(self.header(notice) + f"这份通知没有写明{_FIELD_NAMES[field]}。")
        return Composed(self.header(notice) + texts[field])

    @staticmethod
    def no_time(notice: Notice) -> str:
        year = f"{notice.year}年" if notice.year else "本年度"
        return f"通知没有写明具体时间,只列出了{year}的工作目标。相关内容:"

    def fact_line(self, task: Task, sentence: str) -> Composed:
        units = f"(主办:{'、'.join(task.leads)})" if task.leads else ""
        if task.leader or task.deadline:
            units = self.units_line(task)
        return f"“{sentence}”" + self.cite(task) + units

    def lead_line(self, task: Task, sentence: str) -> Composed:
        if not task.leads:
            return self.cite(task) + f"没有列出责任单位。原文:“{sentence}”"
        who = f"由{'、'.join(task.leads)}主办" + (f",{'、'.join(task.assists)}协办" if task.assists else "")
        who += f",责任领导:{task.leader}" if task.leader else ""
        return who + self.cite(task) + f"。原文:“{sentence}”"

    # -- plans over the records ---------------------------------------------------------------------------
    def units_line(self, task: Task) -> str:
        """(主办:…;协办:…), with the responsible leader and the deadline where the notice gives them."""
        parts = [f"主办:{'、'.join(task.leads)}" if task.leads else "未列主办单位"]
        parts += [f"协办:{'、'.join(task.assists)}"] if task.assists else []
        parts += [f"责任领导:{task.leader}"] if task.leader else []
        parts += [f"完成时限:{task.deadline}"] if task.deadline else []
        return "(" + ";".join(parts) + ")"

    def task_list(self, head: str, tasks: Sequence[Task], *, units: bool = True) -> Composed:
        """A heading and every task, numbered, each cited (with its units)."""
        lines: list[Composed | str] = [head]
        lines += [f"{i}. {t.gist}" + self.cite(t) + (self.units_line(t) if units else "")
                  for i, t in enumerate(tasks, start=1)]
        return join("\n", lines)

    def unit_role(self, task: Task, units: Sequence[str]) -> Composed:
        """What each unit is in a task: 主办, 协办, or neither."""
        said = []
        for unit in units:
            names = set(self._units.namesakes(unit)) | {unit}
            if names & set(task.leads):
                said.append(f"{unit}是{ROLE_LABEL[Role.LEAD]}单位")
            elif names & set(task.assists):
                said.append(f"{unit}是协办单位")
            else:
                said.append(f"{unit}不在这项任务的主办或协办单位之列")
        return f"在任务{task.number}中,{';'.join(said)}" + self.cite(task) + self.units_line(task)

    def task(self, task: Task, field: str, role: RoleFilter, units: Sequence[str] = (), question: str = "") -> Composed:
        """One task by number: its text, who leads and assists it, or which part it is in."""
        if field == "section":
            return self.which_section(task)
        if field in _TASK_FIELDS:
            name, value = _TASK_FIELDS[field], getattr(task, field)
            timed = "" if value or field != "deadline" or not question else max(
                (s for s in task.sentences if time_stated(question, s)), default="",
                key=lambda s: len(set(question) & set(s)))  # the sentence of the time asked, closest to the words
            if timed:  # no 完成时限 of its own, but its text gives the time of what was asked (「年内完成主体工程」)
                return (f"任务{task.number}" + self.cite(task) + f"没有单列{name},原文写明:“{timed}”"
                        + self.units_line(task))
            said = f"{name}:{value}。" if value else f"通知没有写明这项任务的{name}。"
            return f"任务{task.number}" + self.cite(task) + f"{said}原文:“{task.gist}”" + self.units_line(task)
        if field == "unit_role":
            return self.unit_role(task, units)
        if field == "who":
            if role is Role.ASSIST:
                who = f"协办单位:{'、'.join(task.assists)}" if task.assists else "没有列出协办单位"
            elif role is Role.LEAD:
                who = f"主办单位:{'、'.join(task.leads)}" if task.leads else "没有列出主办单位"
            else:
                who = self.units_line(task).strip("()")
            return f"任务{task.number}" + self.cite(task) + f"{who}。原文:“{task.gist}”"
        return f"任务{task.number}:“{task.body}”" + self.cite(task) + self.units_line(task)

    @staticmethod
    def ranking(rows: Sequence[tuple[str, int, int]], what: str, picked: Sequence[int], note: str) -> Composed:
        """A ranking of units (name, lead, assist) by `what` (lead / assist / all), the picked rows first."""
        def value(row: tuple[str, int, int]) -> int:
            return row[1] if what == "lead" else row[2] if what == "assist" else row[1] + row[2]

        label = role_label(what, "承担(主办+协办)")
        lines = [note] if note else []
        lines += [f"{rows[i][0]}:{label}任务 {value(rows[i])} 项(主办 {rows[i][1]} 项,协办 {rows[i][2]} 项)"
                  for i in picked]
        return Composed("\n".join(lines))


def _said(parts: Sequence[tuple[str, str, str]], after: str = "") -> str:
    """「A是x,B为y。」 from the parts whose value is given."""
    given = [f"{before}{value}{close}" for before, value, close in parts if value]
    return ",".join(given) + after + "。" if given else ""


def _extent(s: Section) -> str:
    """Where a part's tasks run (「任务9–16,共 8 项」); a part of paragraphs only (「七、工作要求」) has none."""
    if not s.task_numbers:
        return "没有编号的任务"
    return f"任务{s.task_numbers[0]}–{s.task_numbers[-1]},共 {len(s.task_numbers)} 项"
