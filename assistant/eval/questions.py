"""Question sets and floors as the evaluation reads them: JSON Lines in, typed `Question`s out, bad lines named.

Gold is a set of (document, task) references. A question file gives it as `"gold": [["doc_id", 3], …]`, or as
plain task numbers in `"gold_tasks"` of the question's `"doc"` — or, when neither names a document, of the one
loaded notice (`resolve_gold`; with several notices loaded such a question is an error, not a guess).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from ..records import Notice, Ref
from .metrics import Question

ROLES = ("all", "lead", "assist")
# keys parse_question reads; every other key of a question is kept in Question.extra
KNOWN = {"id", "question", "history", "gold", "gold_tasks", "answer_contains", "expect_refusal", "type", "unit",
         "role", "section", "doc"}


class InputError(Exception):
    """An input file that cannot be used at all (missing, unreadable, not what it should be)."""


def _str_list(obj: dict[str, Any], key: str) -> list[str]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _gold(obj: dict[str, Any]) -> tuple[Ref, ...]:
    """Gold references; plain numbers get the question's doc, or "" (resolved against the loaded notices)."""
    numbers = obj.get("gold_tasks", [])
    if not isinstance(numbers, list) or not all(_is_int(n) for n in numbers):
        raise ValueError("'gold_tasks' must be a list of integers")
    pairs = obj.get("gold", [])
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) and p[0] and _is_int(p[1]) for p in pairs
    ):
        raise ValueError("'gold' must be a list of [document id, task number] pairs")
    doc = obj.get("doc") or ""
    refs = [Ref(doc, n) for n in numbers] + [Ref(d, n) for d, n in pairs]
    return tuple(dict.fromkeys(refs))


def parse_question(obj: Any, line: int) -> Question:
    """One question from its decoded JSON object; ValueError says what is wrong with it."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    for key in ("id", "question"):
        if key not in obj:
            raise ValueError(f"missing {key!r}")
    if not isinstance(obj["id"], str) or not obj["id"].strip():
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(obj["question"], str):
        raise ValueError("'question' must be a string")
    for key in ("type", "unit", "doc"):
        if key in obj and not isinstance(obj[key], str):
            raise ValueError(f"{key!r} must be a string")
    gold = _gold(obj)
    contains = []
    for item in _str_list(obj, "answer_contains"):
        alternatives = tuple(a for a in item.split("|") if a)
        if not alternatives:
            raise ValueError("'answer_contains' has an empty element")
        contains.append(alternatives)
    if not isinstance(obj.get("expect_refusal", False), bool):
        raise ValueError("'expect_refusal' must be true or false")
    if "role" in obj and obj["role"] not in ROLES:
        raise ValueError(f"'role' must be one of {', '.join(ROLES)}")
    section = obj.get("section")
    if section is not None and not _is_int(section):
        raise ValueError("'section' must be an integer")
    return Question(
        id=obj["id"],
        question=obj["question"],
        history=tuple(_str_list(obj, "history")),
        gold=gold,
        answer_contains=tuple(contains),
        expect_refusal=obj.get("expect_refusal", False),
        type=obj.get("type") or "other",
        unit=obj.get("unit"),
        role=obj.get("role"),
        section=section,
        doc=obj.get("doc"),
        line=line,
        extra=tuple((k, v) for k, v in obj.items() if k not in KNOWN),
    )


class RowCollector:
    """Questions read row by row: a bad row or a repeated id becomes one message, the other rows are kept.

    `bad` and `duplicate` are the messages' formats (the CLI's English, the sheet's 「第N行:…」), with the fields
    {row} and {reason}, or {row}, {id} and {first}."""

    def __init__(self, bad: str, duplicate: str) -> None:
        self.bad = bad
        self.duplicate = duplicate
        self.questions: list[Question] = []
        self.errors: list[str] = []
        self._seen: dict[str, int] = {}

    def add(self, row: int, read: Callable[[], Question]) -> None:
        """Keep the question `read()` returns, or note why row `row` is not kept (read raised ValueError)."""
        try:
            question = read()
        except ValueError as exc:
            self.errors.append(self.bad.format(row=row, reason=exc))
            return
        if question.id in self._seen:
            self.errors.append(self.duplicate.format(row=row, id=question.id, first=self._seen[question.id]))
            return
        self._seen[question.id] = row
        self.questions.append(question)


def _json_question(raw: str, line: int) -> Question:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
    return parse_question(obj, line)


def parse_questions(lines: Iterable[str]) -> tuple[list[Question], list[str]]:
    """Questions from JSON Lines text, and one "line N: reason" per malformed line (blank lines are skipped)."""
    rows = RowCollector("line {row}: {reason}", "line {row}: duplicate id {id!r} (first on line {first})")
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            rows.add(number, partial(_json_question, raw, number))
    return rows.questions, rows.errors


def resolve_gold(questions: Sequence[Question], notices: Sequence[Notice]) -> tuple[list[Question], list[str]]:
    """Questions whose gold names loaded documents and tasks; one "line N: reason" for each that does not.

    Plain task numbers without a document are read in the one loaded notice; with several loaded, the question
    must say `doc` (or give `gold` as pairs)."""
    by_id = {n.doc_id: n for n in notices}
    only = notices[0].doc_id if len(notices) == 1 else ""
    out, errors = [], []
    for q in questions:
        refs, problem = [], ""
        for ref in q.gold:
            doc = ref.doc_id or only
            if not doc:
                problem = (f"gold_tasks are plain task numbers, but {len(notices)} notices are loaded: "
                           "say which with \"doc\", or give \"gold\" as [document, task] pairs")
                break
            notice = by_id.get(doc)
            if notice is None:
                problem = f"gold names the document {doc!r}, which is not loaded"
                break
            try:
                notice.task(ref.number)
            except KeyError:
                problem = f"gold names task {ref.number} of {doc!r}, which has no such task"
                break
            refs.append(Ref(doc, ref.number))
        if problem:
            errors.append(f"line {q.line}: question {q.id!r}: {problem}")
            continue
        out.append(replace(q, gold=tuple(dict.fromkeys(refs))))
    return out, errors


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    """Questions from a JSON Lines file; InputError when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"questions file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"questions file {path} is not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"cannot read questions file {path}: {exc.strerror or exc}") from exc
    return parse_questions(text.splitlines())


def load_floors(path: Path) -> dict[str, Any]:
    """The floors file: {"overall": {metric: floor}, "by_type": {type: {metric: floor}}}."""
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"floors file not found: {path}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read floors file {path}: {exc}") from exc

    def numbers(obj: Any) -> bool:
        return isinstance(obj, dict) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in obj.values())

    by_type = floors.get("by_type", {}) if isinstance(floors, dict) else None
    if not (isinstance(by_type, dict) and numbers(floors.get("overall", {})) and all(map(numbers, by_type.values()))):
        raise InputError(f"floors file {path} must be an object with 'overall' and 'by_type' objects of numbers")
    return floors


def load_question_set(path: Path, notices: Sequence[Notice]) -> tuple[list[Question], list[str]]:
    """`load_questions`, then `resolve_gold` against the loaded notices: what an evaluation runs."""
    questions, errors = load_questions(path)
    questions, gold_errors = resolve_gold(questions, notices)
    return questions, errors + gold_errors
