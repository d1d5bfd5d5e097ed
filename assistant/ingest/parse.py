"""Parse a work-plan notice (metadata header, covering notice, parts, numbered items, task tables) into records.

Numbering takes every common form (一、 / (一) / 1. 1、 1﹒ / (1) / ①); the level that carries the units is the
task level, the level above it the parts, deeper levels stay inside their task. Units, leaders and deadlines come
from a trailing bracket, from label lines after the item, or from table columns (clauses.py, tables.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..errors import CorpusError
from ..records import CoveringNotice, DocumentMeta, Notice, ParseInfo, Section, Task, TaskUnit
from .clauses import Fields, label_line, resolve, trailing_clause, unit_clause
from .front import covering_notice, header_fields, join_wrapped_title, title_line
from .normalize import halfwidth, to_simplified
from .tables import Cell, Table, read_table
from .words import LayoutWords, RoleRule, Slot, layout_words

_CN = "一二三四五六七八九十百"
# numbering levels, outermost first
_LEVELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(rf"^([{_CN}]+)[、.．]\s*(\S.*)$")),
    ("(一)", re.compile(rf"^[((]([{_CN}]+)[))]\s*(\S.*)$")),
    ("1.", re.compile(r"^(\d{1,3})(?:[.．、﹒](?!\d))\s*(\S.*)$")),
    ("(1)", re.compile(r"^[((](\d{1,3})[))]\s*(\S.*)$")),
    ("①", re.compile(r"^([①-⑳])\s*(\S.*)$")),
)
# a part headed 「第一部分 经济发展」「第二章 民生保障」: the 一、 level
_PART = re.compile(rf"^第([{_CN}]+)(?:部分|章|篇)[、.．::\s]*(\S.*)$")
# a line break ends a sentence too: a heading 「(一)粮食稳产」 above its paragraph is a sentence of its own
_SENTENCE = re.compile(r"[^。;;!!??\n]+[。;;!!??]?")
_BARE_LABEL = re.compile(r"^[^,,。;;]{1,12}[::]$")
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[::]?\s*")
# a unit as a sentence's subject, before what it is to do: 「县人社局要组织开展…」「区教育局负责…」 (a level word and a
# unit's ending, so 「各乡镇要…」「有关部门要…」 are not read as units)
_AS_SUBJECT = "句中主语"  # (the parse report's name for where such units were read)
_SUBJECT_UNIT = re.compile(r"(?:^|[。;;])\s*([县区市][\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办公室|中心|院|分局))"
                           r"(?=要|负责|牵头|会同|组织)")
# a page number a PDF's text keeps between lines: 「— 3 —」「- 3 -」「第3页」「第 3 页 共 12 页」「3/12」
PAGE_MARK = re.compile(r"^(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,,/]?\s*共\s*\d{1,4}\s*页)?|"
                       r"\d{1,4}\s*/\s*\d{1,4})$")
# a labelled line that goes on to the next line: it ends on a joiner, or the next line is no sentence of its own
# where a group's heading ends when its line runs on into a sentence (「(一)稳住经济基本盘。围绕……」)
_GROUP_HEAD = re.compile(r"[。;;::,,]")
_RUNS_ON = re.compile(r"[、,,((]$")
# a line that stands on its own, never the wrapped rest of a unit line: a sentence, a title (…方案), a 版记 line
# (「××办公室　　2025年2月18日印发」: a date, 印发, or a gap of spaces between two fields)
_OWN_LINE = re.compile(r"[。::]|(方案|通知|文件|意见|印发)$|\d{4}年\d{1,2}月\d{1,2}日|\S[\s\u3000]{2,}\S")


def numeral_value(numeral: str) -> int:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 3 -> 3, ② -> 2."""
    if numeral.isdecimal():
        return int(numeral)
    if "①" <= numeral <= "⑳":
        return ord(numeral) - ord("①") + 1
    digits = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
    if "百" in numeral:
        head, _, rest = numeral.partition("百")
        return digits.get(head, 1) * 100 + (numeral_value(rest) if rest else 0)
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        return digits.get(tens, 1) * 10 + digits.get(units, 0)
    return digits.get(numeral, 0)


def numeral_of(n: int) -> str:
    """1 -> 一, 12 -> 十二 (for parts that have no numeral of their own, such as a table's)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


@dataclass
class _Item:
    printed: int
    section: int
    head: str
    group: str = ""
    more: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def joined(self) -> str:
        """The item's lines as one text: a wrapped line runs on, a line under a heading 「粮食稳产」 starts anew."""
        text = self.head
        for line in self.more:
            heading = len(text) <= 25 and not re.search(r"[,,。;;:::!!??、)]", text)
            text += ("\n" if heading and not line.startswith("\n") else "") + line
        return text


@dataclass
class _Draft:
    """A task before numbering: its number as printed (None for a table row without one), part and text."""

    printed: int | None
    section: int
    text: str
    body: str
    units: tuple[TaskUnit, ...]
    leader: str
    deadline: str
    source: str
    group: str = ""


def _level(line: str) -> tuple[int, str, str, str] | None:
    """(level, numeral, text after it, the whole line) of a numbered line, or None."""
    if m := _PART.match(line):
        return 0, m.group(1), m.group(2), line
    for i, (_, pattern) in enumerate(_LEVELS):
        if m := pattern.match(line):
            return i, m.group(1), m.group(2), line
    return None


def parse_notice(text: str, doc_id: str, tables: Sequence[Table] = (), rule: RoleRule | None = None,
                 words: LayoutWords | None = None) -> Notice:
    """Parse the text (and the tables) of one notice; raises CorpusError when it has no numbered items.

    `rule` overrides the role rule the covering notice states (a correction file can set it)."""
    words = words or layout_words()
    # full-width ASCII forms (U+FF01-FF5E: brackets, commas, colons, digits) are read as half-width, as questions
    # are (normalize.py): one form of each punctuation mark for every rule below
    traditional = _is_traditional(text, tables)
    form = (lambda x: to_simplified(halfwidth(x))) if traditional else halfwidth

    lines = [form(line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line and not PAGE_MARK.match(line)]
    tables = [Table(tuple(tuple(replace(c, text=form(c.text)) for c in row) for row in t.rows), form(t.title))
              for t in tables]
    # a page's box of 索引号 / 发文字号 / 成文日期 is a table of label cells, read as the same fields
    header = [line for line in lines if line.count("|") >= 2] + [
        " | ".join(c.text.strip() for c in row) for t in tables for row in t.rows if _label_row(row)]
    rest = [line for line in lines if line.count("|") < 2]
    fields = header_fields(header)
    first = next((i for i, line in enumerate(rest) if _level(line)), None)
    preamble, plan = (rest[:first], rest[first:]) if first is not None else (rest, [])
    title_at = title_line(preamble)
    preamble, title_at = join_wrapped_title(preamble, title_at)
    front = preamble[: title_at + 1] if title_at >= 0 else preamble
    covering, plan_title = covering_notice(front, fields, title_at >= 0)
    plan_title = _ATTACHMENT.sub("", plan_title)  # 「附件」 printed above the plan's title, run into it by a PDF
    intro = "\n".join(preamble[title_at + 1 :]) if title_at >= 0 else ""
    # the covering notice states it, before the plan or among its numbered requirements
    stated = words.rule_in("\n".join(rest))
    role_rule = rule or stated or RoleRule.RESPONSIBLE_IS_LEAD
    warnings: list[str] = ["通知用繁体字书写,已按简体字读入(单位名称和引文为简体)"] if traditional else []
    sections, drafts, layout = _plan(plan, words, role_rule, warnings, plan_title)
    table_layouts: list[str] = []
    titles: list[str] = []
    if tables:
        table_sections: list[tuple[str, str]] = []
        table_drafts: list[_Draft] = []
        titles = [_table_tasks(table, n, words, role_rule, table_sections, table_drafts, warnings, table_layouts)
                  for n, table in enumerate(tables, start=1) if not _fields_table(table)]
        if table_drafts and not any(d.units and d.source != _AS_SUBJECT for d in drafts):
            # numbered requirements of a covering notice (「一、各单位要……」) whose tasks are in the attached table
            if drafts:
                warnings.append(f"正文的 {len(drafts)} 个编号段落没有单位,任务取自表格")
            sections, drafts, layout, intro = [], [], "", ""
            covering, plan_title = covering_notice(rest, fields, False)
            plan_title = _ATTACHMENT.sub("", next((t for t in titles if t), ""))
        offset = len(sections)
        sections += [(numeral_of(offset + i), title) for i, (_, title) in enumerate(table_sections, start=1)]
        drafts += [replace(d, section=d.section + offset) for d in table_drafts]
    if not drafts:
        if first is None and not tables:
            raise CorpusError(f"{doc_id}: no numbered section (一、二、…) or item (1. 2. …) found")
        raise CorpusError(f"{doc_id}: no numbered task (1. 2. …) found")
    if not plan_title and tables:
        plan_title = _ATTACHMENT.sub("", next((t for t in titles if t), ""))
    tasks = _number(drafts, doc_id, [numeral for numeral, _ in sections], warnings)
    if _flattened_header(rest, words):
        warnings.append("正文里有拆成一格一行的表格(序号、任务、单位各占一行),未能按表格读取:请改用原附件"
                        "(.docx/.xlsx)或把网页另存为 .html 后再加入")
    meta = DocumentMeta(
        doc_id=doc_id,
        title=fields.get("信息名称", "") or covering.title or plan_title,
        index_number=fields.get("索引号", ""),
        doc_number=fields.get("文号", "") or fields.get("发文字号", ""),
        publisher=fields.get("发布机构", "") or fields.get("发文机关", ""),
        date=fields.get("生成日期", "") or fields.get("成文日期", ""),
        keywords=tuple(k for k in re.split(r"[;;,,]", fields.get("关键词", "")) if k),
        fields=tuple(fields.items()),
    )
    sources: dict[str, int] = {}
    for d in drafts:
        if d.units:
            sources[d.source] = sources.get(d.source, 0) + 1
    without = [t.number for t in tasks if not t.units]
    if without:
        warnings.insert(0, f"{len(without)} 项任务没有读到单位:{_numbers(without)}")
    info = ParseInfo(
        layout=";".join(x for x in (layout, *table_layouts) if x),
        unit_sources=tuple(sources.items()),
        role_rule=(stated.value if stated else "") if rule is None else rule.value,
        warnings=tuple(warnings),
    )
    section_records = tuple(
        Section(doc_id, number, numeral, title, tuple(t.number for t in tasks if t.section == number))
        for number, (numeral, title) in enumerate(sections, start=1)
    )
    return Notice(meta=meta, covering=covering, plan_title=plan_title, sections=section_records, tasks=tasks,
                  intro=intro, info=info)


def _fields_table(table: Table) -> bool:
    """A table of label and value cells only (a page's 索引号 / 发文字号 box): fields, no tasks."""
    rows = [row for row in table.rows if any(c.text.strip() for c in row)]
    return bool(rows) and all(_label_row(row) for row in rows)


def _label_row(row: Sequence[Cell]) -> bool:
    """A row of label and value cells (「索引号: | QL000… | 主题分类: | 综合政务」): two labels or more, each followed by
    its value."""
    texts = [c.text.strip() for c in row]
    labels = [i for i, t in enumerate(texts) if re.fullmatch(r"[^::,,。;;]{2,8}[::]", t)]
    return len(labels) >= 2 and all(i + 1 < len(texts) and texts[i + 1] and i + 1 not in labels for i in labels)


def _is_traditional(text: str, tables: Sequence[Table]) -> bool:
    """Whether a notice is written in traditional characters: one in twenty of its Chinese characters changes when
    converted to simplified (a simplified notice changes in none or a handful). A text of fewer than 200 Chinese
    characters is too short to tell, and is read as written."""
    sample = (text + "".join(c.text for t in tables for row in t.rows[:50] for c in row))[:20000]
    han = [ch for ch in sample if "\u4e00" <= ch <= "\u9fff"]
    if len(han) < 200:
        return False
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=False) if "\u4e00" <= a <= "\u9fff")
    return changed >= len(han) / 20


def _flattened_header(lines: Sequence[str], words: LayoutWords) -> bool:
    """Three or more short lines in a row that are table headers (序号 / 目标名称 / 牵头单位): a table whose cells
    were pasted one a line, which cannot be told apart from running text."""
    run = 0
    for line in lines:
        run = run + 1 if len(line) <= 8 and words.label(line) is not None else 0
        if run >= 3:
            return True
    return False


def _numbers(numbers: Sequence[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:12])
    return shown + ("…" if len(numbers) > 12 else "")


@dataclass(frozen=True)
class _Line:
    """A line of the plan: numbered (with its level), labelled fields, page furniture or running text."""

    kind: str  # "num", "label", "skip", "text"
    raw: str
    level: int = -1
    numeral: str = ""
    rest: str = ""
    fields: Fields | None = None


def _classify(line: str, words: LayoutWords) -> _Line:
    if numbered := _level(line):
        return _Line("num", line, numbered[0], numbered[1], numbered[2])
    if (fields := label_line(line, words)) is not None:
        return _Line("label", line, fields=fields)
    if _BARE_LABEL.match(line):
        return _Line("skip", line)  # page furniture such as 「解读链接:」
    return _Line("text", line)


def _plan(plan: Sequence[str], words: LayoutWords, rule: RoleRule, warnings: list[str],
          plan_title: str) -> tuple[list[tuple[str, str]], list[_Draft], str]:
    """Parts (numeral, title) and task drafts from the lines of the plan; the layout as the report names it."""
    seen = Counter(plan)
    # a running header or footer (the plan's title, the issuer) repeated on every page of a PDF is no text of a task
    lines = [_classify(line, words) for line in plan
             if not (line == plan_title or (seen[line] >= 3 and label_line(line, words) is None and not _level(line)))]
    levels = sorted({line.level for line in lines if line.kind == "num"})
    if not levels:
        return [], [], ""
    task_level = _task_level(lines, levels, words)
    if task_level == 0 and not any(line.kind == "label" for line in lines) and not any(
            unit_clause(line.rest, words) for line in lines if line.kind == "num"):
        return [], [], ""  # headings 一、二、 over paragraphs, no units anywhere: not a plan of tasks
    above = [lv for lv in levels if lv < task_level]
    part_level = above[0] if above else None
    sections: list[tuple[str, str]] = []
    items: list[_Item] = []
    current: _Item | None = None
    group = ""  # the heading of a level between the parts and the tasks (「(一)扩大有效投资」)
    for line in lines:
        if line.kind == "num":
            if line.level == part_level:
                sections.append((line.numeral, line.rest))
                current, group = None, ""
            elif line.level == task_level:
                if not sections:
                    sections.append((numeral_of(1), plan_title or "正文"))
                current = _Item(numeral_value(line.numeral), len(sections), line.rest, group)
                items.append(current)
            elif line.level > task_level and current is not None and not current.labels:
                current.more.append("\n" + line.raw)  # a sub-item 「(1)…」 stays inside its task
            elif line.level < task_level:
                current, group = None, _GROUP_HEAD.split(line.rest, maxsplit=1)[0][:30]
        elif line.kind == "label":
            if current is not None:
                current.labels.append(line.raw)
            else:
                warnings.append(f"单位行「{line.raw[:30]}」不在任何任务之下,未使用")
        elif line.kind == "text" and current is not None and not current.labels:
            if trailing_clause(current.joined(), words) is None:
                current.more.append(line.raw)  # an item that runs on over several lines
        elif line.kind == "text" and current is not None and _continues(current.labels[-1], line.raw):
            current.labels[-1] += line.raw  # a unit line wrapped on the page: 「市住房和城乡建设」「局、各乡镇」
    drafts = [_draft(item, words, rule) for item in items]
    shape = " > ".join(_LEVELS[lv][0] for lv in (*([part_level] if part_level is not None else []), task_level))
    places = {d.source for d in drafts if d.units}
    where = "单位在" + "、".join(sorted(places)) if places else "未找到单位"
    _gaps(items, task_level, warnings)
    return sections, drafts, f"编号条目 {shape};{where}"


def _continues(label: str, line: str) -> bool:
    """Whether a line of running text under a labelled line is the rest of it, wrapped (a PDF's fixed width):
    the label ends on a joiner, or the line is short and no sentence of its own (no 。 and no label of its own)."""
    if len(line) > 40 or _OWN_LINE.search(line.strip()):
        return False
    return bool(_RUNS_ON.search(label)) or not re.search(r"[。;;]$", label)


def _task_level(lines: Sequence[_Line], levels: Sequence[int], words: LayoutWords) -> int:
    """The numbering level whose items carry units; without units, the 1. level (or the deepest but one)."""
    counts = dict.fromkeys(levels, 0)
    for i, line in enumerate(lines):
        if line.kind != "num":
            continue
        has = unit_clause(line.rest, words) is not None
        j = i + 1
        while not has and j < len(lines) and lines[j].kind != "num":
            following = lines[j].fields
            has = following is not None and bool(following.units)
            j += 1
        counts[line.level] += has
    best = max(counts.values())
    if best:
        return min(lv for lv, n in counts.items() if n == best)  # a tie: the outer level (sub-items stay inside)
    for preferred in (2, 1, 3, 4, 0):
        if preferred in counts and (preferred != levels[0] or len(levels) == 1):
            return preferred
    return levels[-1]


def _draft(item: _Item, words: LayoutWords, rule: RoleRule) -> _Draft:
    text = item.joined()
    fields = Fields()
    body = text
    source = ""
    if found := unit_clause(text, words):
        body, fields = found
        source = ("句首括号" if not text.startswith(body) else  # the clause before the task's words, or after them
                  "句末括号" if re.search(r"[))】\]]\s*[。;;.]?\s*$", text) else "句末分工语")
    for line in item.labels:
        more = label_line(line, words)
        if more is not None:
            if more.units and not source:
                source = "条目后的单位行"
            fields.add(more)
    if not fields.units and (subject := _SUBJECT_UNIT.search(body)):
        # 「县人社局要组织开展……」: a 工作要点 that names no units in a clause may name the unit doing it as the subject
        fields.units.append((subject.group(1), Slot.LEAD))
        source = _AS_SUBJECT
    full = text + "".join("\n" + line for line in item.labels)
    return _Draft(item.printed, item.section, full, body, resolve(fields.units, rule), "、".join(fields.leader),
                  "、".join(fields.deadline), source, item.group)


def _gaps(items: Sequence[_Item], level: int, warnings: list[str]) -> None:
    """Numbering that skips or repeats (1, 2, 4), whether it runs on across parts or restarts in each."""
    previous: _Item | None = None
    for item in items:
        if previous is not None:
            expected = {previous.printed + 1} | ({1} if item.section != previous.section else set())
            if item.printed not in expected:
                where = _LEVELS[level][0]
                warnings.append(f"编号不连续:{where}级 {previous.printed} 之后是 {item.printed}")
        previous = item


def _table_tasks(table: Table, n: int, words: LayoutWords, rule: RoleRule, sections: list[tuple[str, str]],
                 drafts: list[_Draft], warnings: list[str], layouts: list[str]) -> str:
    """Append the table's parts and tasks; its title."""
    read = read_table(table, words, n)
    warnings += read.warnings
    if read.headers:
        layouts.append(f"表格(列:{'/'.join(read.headers)})")
    by_category: dict[str, int] = {}
    for row in read.rows:
        key = row.category or read.title or f"表格{n}"
        if key not in by_category:
            heading = _level(key)  # 「三、优环境」 -> 优环境
            title = heading[2] if heading else _ATTACHMENT.sub("", key) or key
            sections.append((numeral_of(len(sections) + 1), title))
            by_category[key] = len(sections)
        body = row.task + "".join(
            ("" if re.search(r"[。;;::,,]$", row.task) else ":") + d if i == 0 else "\n" + d
            for i, d in enumerate(row.details))
        text = body + "".join("\n" + label for label in row.labels)
        drafts.append(_Draft(row.printed, by_category[key], text, body, resolve(row.fields.units, rule),
                             "、".join(row.fields.leader), "、".join(row.fields.deadline), "表格列"))
    return read.title if read.rows else ""  # a table of no tasks (a page's 索引号 / 发文字号 box) names no plan


def _number(drafts: Sequence[_Draft], doc_id: str, numerals: Sequence[str], warnings: list[str]) -> tuple[Task, ...]:
    """Tasks numbered as printed when those numbers are unique across the notice, else 1, 2, 3… in order; then
    each task keeps where it is printed (「第二部分第3项」), so a citation can be found in the notice."""
    printed = [d.printed for d in drafts]
    as_printed = None not in printed and len(set(printed)) == len(printed)
    if not as_printed:
        if any(p is not None for p in printed):
            warnings.append("编号在各部分重新开始或有重复:任务按出现顺序编为 1、2、3…,引用时注明原文位置")

    def where(d: _Draft) -> str:
        if as_printed or d.printed is None or not 0 < d.section <= len(numerals):
            return ""
        return f"第{numerals[d.section - 1]}部分第{d.printed}项"

    return tuple(
        Task(doc_id=doc_id, number=(d.printed if as_printed and d.printed is not None else i), section=d.section,
             text=d.text, body=d.body, sentences=split_sentences(d.body), units=d.units, leader=d.leader,
             deadline=d.deadline, printed_at=where(d), group=d.group)
        for i, d in enumerate(drafts, start=1)
    )


_HEADING = re.compile(r"^(第[一二三四五六七八九十\d]+[章节部分条]|[一二三四五六七八九十]+[、.．]|\d+(\.\d+)*\s)|^[^。,,;;!?!?]{2,30}$")


def parse_plain(text: str, doc_id: str) -> Notice:
    """A document without the plan structure: headings become sections, each paragraph a numbered item."""
    lines = [halfwidth(line).strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        raise CorpusError(f"{doc_id}: the document is empty")
    title = lines[0]
    heads: list[tuple[str, list[str]]] = [("正文", [])]
    for line in lines[1:]:
        if _HEADING.match(line) and len(line) <= 30:
            heads.append((line, []))
        else:
            heads[-1][1].append(line)
    heads = [(h, paras) for h, paras in heads if paras]
    if not heads:
        heads = [("正文", [title])]
    sections: list[Section] = []
    tasks: list[Task] = []
    for number, (heading, paras) in enumerate(heads, start=1):
        first = len(tasks) + 1
        for para in paras:
            tasks.append(Task(doc_id, len(tasks) + 1, number, para, para, split_sentences(para)))
        sections.append(Section(doc_id, number, str(number), heading, tuple(range(first, len(tasks) + 1))))
    meta = DocumentMeta(doc_id=doc_id, title=title)
    return Notice(meta=meta, covering=CoveringNotice(title, (), "", "", ""), plan_title=title,
                  sections=tuple(sections), tasks=tuple(tasks), structured=False,
                  info=ParseInfo(layout="非方案格式:按标题和段落切分", warnings=("没有找到编号条目,全文按段落编号",)))


def split_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text (ended by 。;!? or a line break), stripped, none empty. A heading label on a line of
    its own (「教育事业:」 above the items (1)(2)…) says nothing quoted alone and is no sentence."""
    return tuple(s for s in (x.strip() for x in _SENTENCE.findall(text)) if s and not _BARE_LABEL.match(s))


def strip_units(text: str) -> str:
    """Task text without what names its units: the trailing (or leading) bracket and the label lines after the
    item."""
    words = layout_words()
    lines = text.split("\n")
    kept = [lines[0], *(line for line in lines[1:] if label_line(line, words) is None)]
    joined = "\n".join(kept)
    found = unit_clause(joined, words)
    return found[0] if found else joined.rstrip()
