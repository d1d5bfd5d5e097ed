"""Question sets as evaluators write them: the documented JSON Lines, or a CSV/XLSX sheet with Chinese headers.

A sheet has one question a row under the headers 问题 (required), 期望任务, 答案应包含, 应拒答, 类型, 对话历史
(and optionally 编号, 文件). Cells are read the way Excel users fill them in: task lists 「2、3、5」, 「任务2,任务3」,
「2-5」 (full- and half-width separators alike), tasks of another notice 「《标题》任务3」 (the title stays in force
for the numbers after it), 是/否 cells, blank rows skipped. A bad row is reported as 「第N行:原因」 (N is the
sheet's own row number, the header being row 1) and the other rows still run.

`read_question_file` is what the CLI and the web app call; `resolve_titles` then maps 《标题》 to loaded notices.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..records import Notice, Ref
from .metrics import Question
from .questions import InputError, RowCollector, parse_questions
from .report import TYPE_LABELS_ZH

TABLE_SUFFIXES = (".csv", ".xlsx")
JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
SUFFIXES = JSONL_SUFFIXES + TABLE_SUFFIXES
# header -> question field; the JSON field names are accepted too, so a sheet exported from a JSONL file reads back
HEADERS: dict[str, str] = {
    "问题": "question", "期望任务": "gold", "答案应包含": "answer_contains", "应拒答": "expect_refusal",
    "类型": "type", "对话历史": "history", "编号": "id", "文件": "doc",
    "question": "question", "gold_tasks": "gold", "answer_contains": "answer_contains",
    "expect_refusal": "expect_refusal", "type": "type", "history": "history", "id": "id", "doc": "doc",
}
# a gold reference to a notice by its title, resolved once the notices are loaded (`resolve_titles`)
TITLE_PREFIX = "《"
_YES = {"是", "对", "要", "应", "需要", "拒答", "y", "yes", "true", "1", "√", "✓", "✔"}
_NO = {"", "否", "错", "不", "不是", "不要", "无", "n", "no", "false", "0", "×", "✗", "-"}
_LIST_SPLIT = re.compile(r"[、,;;】\n\r\t ]+")
_LINES_SPLIT = re.compile(r"[\n\r]+|[;;]")
_TASK_ITEM = re.compile(r"^(?:第|任务|【任务)?(\d+)(?:\.0+)?(?:[-~至到](?:第|任务)?(\d+)(?:\.0+)?)?(?:项|号)?$")
_TITLE = re.compile(r"《([^》]+)》")
_TYPES_FROM_ZH = {zh: key for key, zh in TYPE_LABELS_ZH.items()}
_MAX_RANGE = 500  # a 「1-100000」 typo must not make a gold set of 100000 tasks


def _norm(value: Any) -> str:
    """A cell as text: full-width digits and punctuation folded (NFKC), spreadsheet floats 3.0 -> "3"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_tasks(cell: Any) -> tuple[Ref, ...]:
    """期望任务: 「2、3、5」, 「任务2,任务3」, 「2-5」, 「《标题》任务3、4」; ValueError names what cannot be read.

    A number without a title gets doc "" (the question's 文件, or the one loaded notice); one after 《标题》 gets
    the doc TITLE_PREFIX + 标题, resolved by `resolve_titles`."""
    text = _norm(cell)
    refs: list[Ref] = []
    doc = ""
    pieces: list[tuple[str, str]] = []  # (doc, item text)
    pos = 0
    for match in _TITLE.finditer(text):
        pieces += [(doc, p) for p in _LIST_SPLIT.split(text[pos:match.start()])]
        doc = TITLE_PREFIX + match.group(1).strip()
        pos = match.end()
    pieces += [(doc, p) for p in _LIST_SPLIT.split(text[pos:])]
    for doc_of, item in pieces:
        item = item.strip().rstrip("。.")
        if not item or item == "任务":  # 「任务 2」: the number follows as its own piece
            continue
        found = _TASK_ITEM.match(item)
        if not found:
            raise ValueError(f"期望任务「{item}」不是任务编号(应写成「2、3、5」「任务2,任务3」或「《标题》任务3」)")
        first = int(found.group(1))
        last = int(found.group(2)) if found.group(2) else first
        if last < first or last - first > _MAX_RANGE:
            raise ValueError(f"期望任务「{item}」的范围不对")
        refs += [Ref(doc_of, n) for n in range(first, last + 1)]
    return tuple(dict.fromkeys(refs))


def parse_yes_no(cell: Any) -> bool:
    """应拒答: 是/否 (also 对/错-style marks, Y/N, true/false, 1/0); blank is 否."""
    text = _norm(cell).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"应拒答应填「是」或「否」,这里是「{text}」")


def _contains(cell: Any) -> tuple[tuple[str, ...], ...]:
    """答案应包含: items separated by 、,; or new lines; 「5%|百分之五」 accepts either alternative."""
    groups = []
    for item in _LIST_SPLIT.split(_norm(cell)):
        alternatives = tuple(a.strip() for a in item.split("|") if a.strip())
        if alternatives:
            groups.append(alternatives)
    return tuple(groups)


def row_question(cells: dict[str, Any], row: int) -> Question:
    """One question from a sheet row (header field -> cell); ValueError says what is wrong with it."""
    question = _norm(cells.get("question"))
    if not question:
        raise ValueError("「问题」是空的")
    kind = _norm(cells.get("type"))
    history = tuple(h.strip() for h in _LINES_SPLIT.split(_norm(cells.get("history"))) if h.strip())
    doc = _norm(cells.get("doc")) or None
    gold = tuple(Ref(r.doc_id or (doc or ""), r.number) for r in parse_tasks(cells.get("gold")))
    return Question(
        id=_norm(cells.get("id")) or f"row{row}",
        question=question,
        history=history,
        gold=gold,
        answer_contains=_contains(cells.get("answer_contains")),
        expect_refusal=parse_yes_no(cells.get("expect_refusal")),
        type=_TYPES_FROM_ZH.get(kind, kind) or "other",
        doc=doc,
        line=row,
    )


def table_questions(rows: Iterable[Sequence[Any]], max_rows: int | None = None) -> tuple[list[Question], list[str]]:
    """Questions from sheet rows (the first non-blank one holds the headers), and one 「第N行:原因」 per bad row.

    InputError when there is no 问题 column or more than `max_rows` question rows."""
    header: dict[int, str] | None = None
    rows_read = RowCollector("第{row}行:{reason}", "第{row}行:编号「{id}」重复(第{first}行已有)")
    counted = 0
    for number, row in enumerate(rows, start=1):
        values = list(row)
        if not any(_norm(v) for v in values):
            continue
        if header is None:
            names = [_norm(v) for v in values]
            header = {i: HEADERS[n if n in HEADERS else n.lower()] for i, n in enumerate(names)
                      if (n if n in HEADERS else n.lower()) in HEADERS}
            if "question" not in header.values():
                raise InputError("第一行应是表头,其中必须有「问题」一列(可选:期望任务、答案应包含、应拒答、类型、对话历史)")
            continue
        counted += 1
        if max_rows is not None and counted > max_rows:
            raise InputError(f"问题集最多 {max_rows} 行,这个文件超过了,请分成几个文件")
        cells = {field: values[i] for i, field in header.items() if i < len(values)}
        rows_read.add(number, partial(row_question, cells, number))
    if header is None:
        raise InputError("文件是空的:第一行应是表头,其中必须有「问题」一列")
    return rows_read.questions, rows_read.errors


def _decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), else GB18030 (what Excel on Chinese Windows saves)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("CSV 文件的编码无法识别,请另存为「CSV UTF-8」")


def _xlsx_rows(data: bytes) -> Iterable[tuple[Any, ...]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise InputError("无法打开这个 XLSX 文件(文件损坏,或不是 Excel 工作簿)") from exc
    try:
        yield from book.worksheets[0].iter_rows(values_only=True)
    finally:
        book.close()


def read_question_file(path: Path, *, max_rows: int | None = None, max_bytes: int | None = None
                       ) -> tuple[list[Question], list[str]]:
    """Questions from a .jsonl, .csv or .xlsx file, and one message per bad line or row.

    InputError (a Chinese message) when the file cannot be used at all: missing, too big, of another kind,
    unreadable, without a 问题 column, or with more than `max_rows` questions."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"不支持「{suffix or path.name}」文件:请上传 .jsonl、.csv 或 .xlsx 问题集")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise InputError(f"文件太大({size / 1e6:.1f} MB),问题集最大 {max_bytes / 1e6:.1f} MB")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"找不到问题集文件:{path.name}") from exc
    except OSError as exc:
        raise InputError(f"无法读取问题集文件 {path.name}:{exc.strerror or exc}") from exc
    if suffix == ".xlsx":
        return table_questions(_xlsx_rows(data), max_rows)
    if suffix == ".csv":
        return table_questions(csv.reader(io.StringIO(_decode(data), newline="")), max_rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("JSONL 文件不是 UTF-8 文本") from exc
    lines = text.splitlines()
    if max_rows is not None and sum(1 for line in lines if line.strip()) > max_rows:
        raise InputError(f"问题集最多 {max_rows} 行,这个文件超过了,请分成几个文件")
    return parse_questions(lines)


def _clean_title(title: str) -> str:
    return re.sub(r"[《》\s]", "", unicodedata.normalize("NFKC", title))


def resolve_titles(questions: Sequence[Question], notices: Sequence[Notice]) -> tuple[list[Question], list[str]]:
    """Gold references given by a notice's title (「《标题》任务3」) mapped to that notice's document id.

    A title matches a notice whose title or plan title equals it or contains it; no match, or several, is a row
    error."""
    out, errors = [], []
    for q in questions:
        refs, problem = [], ""
        for ref in q.gold:
            if not ref.doc_id.startswith(TITLE_PREFIX):
                refs.append(ref)
                continue
            wanted = _clean_title(ref.doc_id)
            matches = [n for n in notices
                       if any(wanted and wanted in _clean_title(t) for t in (n.meta.title, n.plan_title) if t)]
            exact = [n for n in matches if wanted in {_clean_title(n.meta.title), _clean_title(n.plan_title)}]
            picked = exact or matches
            if len({n.doc_id for n in picked}) != 1:
                problem = (f"没有加载标题为《{wanted}》的通知" if not picked
                           else f"《{wanted}》对应多份通知,请写全标题")
                break
            refs.append(Ref(picked[0].doc_id, ref.number))
        if problem:
            errors.append(f"第{q.line}行:{problem}")
            continue
        out.append(replace(q, gold=tuple(dict.fromkeys(refs))))
    return out, errors
