"""The checks a model's answer must pass before it replaces the composed one: citations inside the context,
content of the cited tasks, figures that are the cited tasks' own and attached to what was asked."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..records import Task
from .compose import Mark, plain_mark
from .evidence import NUMBER_ASK

# Generation stops when the last this-many characters already occurred earlier (a small model looping).
LOOP_WINDOW = 40

# Citation-like marks a model writes: 【任务43】, [任务 43], (任务43、44), 【《方案》任务43】, 【第3段】.
LOOSE = re.compile(
    r"[【\[［〔(（]\s*(?:《(?P<title>[^》]{1,80})》\s*)?(?P<kind>任务|第)\s*"
    r"(?P<nums>\d+(?:\s*[,，、和及与]\s*(?:任务|第)?\s*\d+)*)\s*段?\s*"
    r"(?:[(（]第[一二三四五六七八九十]+部分第\d+项[)）]\s*)?[】\]］〕)）]"
)
_NUMS = re.compile(r"\d+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
CONTENT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def loop_start(text: str) -> int | None:
    """Where a repeated tail ends its first copy, when the last LOOP_WINDOW characters occurred before."""
    if len(text) < 3 * LOOP_WINDOW:
        return None
    tail = text[-LOOP_WINDOW:]
    first = text.find(tail, 0, len(text) - LOOP_WINDOW)
    return None if first == -1 else first + LOOP_WINDOW


@dataclass(frozen=True)
class Checked:
    """A model's text after the citation check: marks normalised, those outside the context removed."""

    text: str
    cited: tuple[Task, ...]  # the context tasks it cites, in order of first mention
    removed: tuple[str, ...]  # what was removed, e.g. "任务99"


def check_citations(text: str, context: Sequence[Task], mark: Mark = plain_mark) -> Checked:
    """Keep only citations of tasks in `context`, written the way `mark` writes them.

    A mark names a task by number (and, with several notices loaded, by the plan's title); one without a title
    is read as the context task of that number when exactly one context task has it."""
    by_title: dict[tuple[str, int], Task] = {}
    by_number: dict[int, list[Task]] = {}
    for task in context:
        label = mark(task)
        title = label[label.find("《") + 1:label.find("》")] if "《" in label else ""
        by_title[(title, task.number)] = task
        by_number.setdefault(task.number, []).append(task)
    cited: list[Task] = []
    removed: list[str] = []

    def fix(m: re.Match[str]) -> str:
        title = (m.group("title") or "").strip()
        out = []
        for n in map(int, _NUMS.findall(m.group("nums"))):
            task = by_title.get((title, n)) if title else None
            if task is None and not title and len(by_number.get(n, [])) == 1:
                task = by_number[n][0]
            if task is None:
                label = f"《{title}》任务{n}" if title else f"任务{n}"
                if label not in removed:
                    removed.append(label)
                continue
            out.append(mark(task))
            if task not in cited:
                cited.append(task)
        return "".join(out)

    return Checked(LOOSE.sub(fix, text), tuple(cited), tuple(removed))


def bigrams(text: str) -> set[str]:
    chars = "".join(CONTENT.findall(text))
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


def grounded_bigrams(text: str, question: str, evidence: Sequence[str]) -> int:
    """How many two-character pieces of the answer (marks aside, the question's own words excluded) are in the
    evidence: 0 for an answer that only repeats the question."""
    said = bigrams(LOOSE.sub("", text)) - bigrams(question)
    source = set().union(*map(bigrams, evidence)) if evidence else set()
    return len(said & source)


def grounded_figures(text: str, question: str, evidence: Sequence[str]) -> list[str]:
    """Numbers in the answer that are in the evidence and not in the question: a figure the answer reports
    (「增长5.5%」 is an answer even though it has few two-character pieces)."""
    known = {n for source in evidence for n in _NUMBER.findall(source)}
    asked = set(_NUMBER.findall(question))
    return [n for n in dict.fromkeys(_NUMBER.findall(LOOSE.sub("", text))) if n in known and n not in asked]


_CLAUSE = re.compile(r"[^,，;；。!！?？\n]+")
# words of a "how many" question that say nothing about what is counted
_ASKING = re.compile(r"多少|几[个家项部张名件所条栋次]?|目标|今年|全年|是|的|要|有|吗|呢")


def misplaced_figures(text: str, question: str, evidence: Sequence[str],
                      expand: Callable[[str], str] = str) -> list[str]:
    """For a question that asks for a figure: the answer's figures when none of them is in the clauses closest to
    the question (most two-character pieces shared). Catches 「幸福河湖创建涉及多少条?」 answered with the 12 of
    「12条重点河段生态清淤」 instead of the 13 of 「13条幸福河湖创建」, and 「新增多少公共停车泊位?」 with the 100 of
    「新增共享泊位100个」. Empty when no clause with a figure shares a piece with the question (an everyday-word
    question is not blocked by this check) and when the answer also gives a figure of a closest clause."""
    if not NUMBER_ASK.search(question):
        return []
    # `expand` adds the notices' words for the question's everyday words (Lexicon.expand)
    asked = bigrams(_ASKING.sub(" ", expand(question)))
    overlap = [(len(bigrams(c) & asked), c) for source in evidence for c in _CLAUSE.findall(source)]
    best = max((n for n, c in overlap if _NUMBER.search(c)), default=0)
    # the figures of the clauses closest to the question (「新增公共停车泊位600个」, not 「新增共享泊位100个」)
    related = {n for k, c in overlap if best and k == best for n in _NUMBER.findall(c)}
    figures = grounded_figures(text, question, evidence)
    if not related or any(n in related for n in figures):
        return []  # a longer answer may quote context figures beside the one asked for
    return figures


def unsupported_numbers(text: str, evidence: Sequence[str], list_items: int = 0) -> list[str]:
    """Numbers in `text` (citation marks aside) that occur in none of the evidence texts.

    List numbering up to `list_items` is allowed. A number that is in the evidence but attached to the wrong
    thing is not caught: this check only stops invented figures."""
    allowed = {str(i) for i in range(1, list_items + 1)}
    for source in evidence:
        allowed.update(_NUMBER.findall(source))
    found = _NUMBER.findall(LOOSE.sub("", text))
    return list(dict.fromkeys(n for n in found if n not in allowed))
