"""Parse a work-plan notice (metadata header, covering notice, sections, numbered tasks) into records."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import CorpusError
from .records import CoveringNotice, DocumentMeta, Notice, Section, Task

NUMERALS = "一二三四五六七八九十"
_SECTION = re.compile(r"^([一二三四五六七八九十]+)[、.．]\s*(\S.*)$")
_TASK = re.compile(r"^(\d{1,3})[.．、]\s*(\S.*)$")
# The unit bracket closes the line; ASCII or full-width brackets; the task text may hold brackets of its own.
_UNITS = re.compile(r"[((]([^()()]*(?:主办|协办))[))]\s*$")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_SENTENCE = re.compile(r"[^。;;!!??]+[。;;!!??]?")
_HEADER_KEYS = {
    "索引号": "index_number",
    "文号": "doc_number",
    "发布机构": "publisher",
    "生成日期": "date",
    "信息名称": "title",
    "关键词": "keywords",
}


SUFFIXES = (".txt", ".docx", ".pdf")


def read_text(path: Path) -> str:
    """The text of a .txt (UTF-8), .docx (paragraphs) or text-layer .pdf (pages) file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".txt":
            return path.read_text(encoding="utf-8")
        if suffix == ".docx":
            import docx

            return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        if suffix == ".pdf":
            from pypdf import PdfReader

            pages = PdfReader(str(path)).pages
            return tidy_pdf_text("\n\n".join(page.extract_text(extraction_mode="layout") or "" for page in pages))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorpusError(f"cannot read {path.name}: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - python-docx and pypdf raise many kinds of errors on broken files
        raise CorpusError(f"cannot read {path.name}: not a valid {suffix[1:]} file ({exc})") from exc
    raise CorpusError(f"unsupported file type {suffix!r} ({path.name}); use one of {', '.join(SUFFIXES)}")


_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef,;:!?()%“”‘’、《》【】"
_PDF_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_LINE_START = re.compile(r"^(\d{1,3}[.．、]|[一二三四五六七八九十]+[、.．]|\d{4}年\d{1,2}月\d{1,2}日$|.*\|)")


def tidy_pdf_text(text: str) -> str:
    """Undo what PDF text extraction does to Chinese: lines wrapped by the page layout, spaces around CJK.

    Layout extraction leaves a blank line between paragraphs; lines inside a paragraph are one wrapped line.
    Without blank lines, a line that does not start like a new item (a task number, a section numeral, a
    header row, a date) continues the previous one when that did not end a sentence.
    """
    if re.search(r"\n[ \t]*\n", text):
        paragraphs = re.split(r"\n[ \t]*\n", text)
        lines = ["".join(part.strip() for part in p.splitlines()) for p in paragraphs]
    else:
        lines = []
        for line in (raw.strip() for raw in text.splitlines()):
            if lines and line and not _LINE_START.match(line) and not re.search(r"[。;;::!!??)）|]$", lines[-1]):
                lines[-1] += line
            else:
                lines.append(line)
    return "\n".join(_PDF_SPACE.sub("", line) for line in lines if line)


def parse_file(path: Path) -> Notice:
    """Parse one file; the file name (without suffix) is the document id.

    A work-plan notice (sections 一、二、… and numbered tasks) becomes sections and tasks; any other text is
    split into numbered paragraphs under its headings, still searchable and citable.
    """
    text = read_text(path)
    try:
        return parse_notice(text, doc_id=path.stem)
    except CorpusError:
        return parse_plain(text, doc_id=path.stem)


def parse_notice(text: str, doc_id: str) -> Notice:
    """Parse the text of one notice; raises CorpusError when it has no numbered tasks."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    header = [line for line in lines if line.count("|") >= 2]
    rest = [line for line in lines if line.count("|") < 2]
    fields = _header_fields(header)
    first_section = next((i for i, line in enumerate(rest) if _SECTION.match(line)), None)
    if first_section is None:
        raise CorpusError(f"{doc_id}: no numbered section (一、二、…) found")
    preamble, plan = rest[:first_section], rest[first_section:]
    sections, tasks = _sections_and_tasks(plan, doc_id)
    if not tasks:
        raise CorpusError(f"{doc_id}: no numbered task (1. 2. …) found")
    covering, plan_title = _covering(preamble, fields)
    meta = DocumentMeta(
        doc_id=doc_id,
        title=fields.get("信息名称", "") or covering.title,
        index_number=fields.get("索引号", ""),
        doc_number=fields.get("文号", ""),
        publisher=fields.get("发布机构", ""),
        date=fields.get("生成日期", ""),
        keywords=tuple(k for k in re.split(r"[;;,,]", fields.get("关键词", "")) if k),
        fields=tuple(fields.items()),
    )
    return Notice(meta=meta, covering=covering, plan_title=plan_title, sections=sections, tasks=tasks)


_HEADING = re.compile(r"^(第[一二三四五六七八九十\d]+[章节部分条]|[一二三四五六七八九十]+[、.．]|\d+(\.\d+)*\s)|^[^。,,;;!?!?]{2,30}$")


def parse_plain(text: str, doc_id: str) -> Notice:
    """A document without the plan structure: headings become sections, each paragraph a numbered item."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
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
            tasks.append(Task(doc_id, len(tasks) + 1, number, para, para,
                              tuple(s.strip() for s in _SENTENCE.findall(para) if s.strip()), (), ()))
        sections.append(Section(doc_id, number, str(number), heading, tuple(range(first, len(tasks) + 1))))
    meta = DocumentMeta(doc_id=doc_id, title=title)
    return Notice(meta=meta, covering=CoveringNotice(title, (), "", "", ""), plan_title=title,
                  sections=tuple(sections), tasks=tuple(tasks), structured=False)


def _header_fields(header: list[str]) -> dict[str, str]:
    """`索 引 号: | 000014349/2024-14622 | 主题分类: | 综合政务 |` -> {索引号: …, 主题分类: …}."""
    fields: dict[str, str] = {}
    for line in header:
        cells = [cell.strip() for cell in line.split("|")]
        label = ""
        for cell in cells:
            if cell.endswith((":", ":")):
                label = re.sub(r"\s+|[::]+$", "", cell)
                fields.setdefault(label, "")
            elif label and cell:
                fields[label] = cell
                label = ""
    return fields


def _covering(preamble: list[str], fields: dict[str, str]) -> tuple[CoveringNotice, str]:
    """Title, addressees, body, issuer and date of the covering notice; the last line is the plan title."""
    if not preamble:
        return CoveringNotice(fields.get("信息名称", ""), (), "", fields.get("发布机构", ""), ""), ""
    plan_title = preamble[-1]
    lines = preamble[:-1]
    title = lines[0] if lines else ""
    addressees: tuple[str, ...] = ()
    body_start = 1
    if len(lines) > 1 and lines[1].endswith((":", ":")):
        addressees = tuple(a for a in re.split(r"[,,、]", re.sub(r"[::]+$", "", lines[1])) if a)
        body_start = 2
    date_at = next((i for i, line in enumerate(lines) if _DATE.match(line)), len(lines))
    issuer = lines[date_at - 1] if date_at - 1 >= body_start else ""
    body_end = date_at - 1 if issuer else date_at
    note = " ".join(lines[date_at + 1 :])
    return (
        CoveringNotice(
            title=title,
            addressees=addressees,
            body="\n".join(lines[body_start:body_end]),
            issuer=issuer,
            date=lines[date_at] if date_at < len(lines) else "",
            note=note,
        ),
        plan_title,
    )


def _sections_and_tasks(plan: list[str], doc_id: str) -> tuple[tuple[Section, ...], tuple[Task, ...]]:
    section_heads: list[tuple[int, str, str]] = []
    section_tasks: list[list[int]] = []
    tasks: list[Task] = []
    for line in plan:
        if m := _SECTION.match(line):
            section_heads.append((len(section_heads) + 1, m.group(1), m.group(2)))
            section_tasks.append([])
        elif m := _TASK.match(line):
            number, text = int(m.group(1)), m.group(2)
            tasks.append(_task(doc_id, number, len(section_heads), text))
            section_tasks[-1].append(number)
        # anything else (e.g. "解读链接:") is page furniture, not content
    sections = tuple(
        Section(doc_id, number, numeral, title, tuple(section_tasks[number - 1]))
        for number, numeral, title in section_heads
    )
    return sections, tuple(tasks)


def _task(doc_id: str, number: int, section: int, text: str) -> Task:
    leads: list[str] = []
    assists: list[str] = []
    body = text
    if m := _UNITS.search(text):
        body = text[: m.start()].rstrip()
        for part in re.split(r"[,,;;]", m.group(1)):
            part = part.strip()
            if part.endswith("主办"):
                leads += _units(part[:-2])
            elif part.endswith("协办"):
                assists += _units(part[:-2])
    return Task(
        doc_id=doc_id,
        number=number,
        section=section,
        text=text,
        body=body,
        sentences=tuple(s for s in (x.strip() for x in _SENTENCE.findall(body)) if s),
        leads=tuple(leads),
        assists=tuple(assists),
    )


def strip_units(text: str) -> str:
    """Task text without its trailing (… 主办, … 协办) bracket."""
    return _UNITS.sub("", text).rstrip()


def _units(names: str) -> list[str]:
    return [n.strip() for n in re.split(r"[、,,]", names) if n.strip()]


def load_corpus(corpus_dir: Path) -> tuple[Notice, ...]:
    """Every document (*.txt, *.docx, *.pdf) in the corpus folder, sorted by file name."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    paths = sorted(p for p in corpus_dir.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith("."))
    if not paths:
        raise CorpusError(f"no notice (*.txt, *.docx, *.pdf) in {corpus_dir}")
    return tuple(parse_file(p) for p in paths)
