"""How an Answer looks in the web chat: inert HTML for the Chatbot, openable sources, streamed prefixes."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ..answer.compose import MARK, Mark, plain_mark
from ..answer.generation import fallback_note
from ..records import Answer, Notice, Task


def escape_text(text: str) -> str:
    """Text as inert HTML: every <, >, & and quote escaped, line breaks as <br>, on one line.

    One line matters: the Chatbot renders Markdown, and an HTML block that starts with a tag runs to the
    first blank line, so a single line is shown exactly as built here (no Markdown, no raw HTML).
    """
    return html.escape(text, quote=True).replace("\r\n", "\n").replace("\n", "<br>")


def format_question(question: str) -> str:
    """A user's question for the Chatbot: shown as the literal text typed, never as HTML or Markdown."""
    return f'<div class="user-text">{escape_text(question)}</div>'


def section_labels(notices: Iterable[Notice]) -> dict[tuple[str, int], str]:
    """(doc_id, section number) -> 第一部分“title”."""
    return {(n.doc_id, s.number): f"第{s.numeral}部分“{s.title}”" for n in notices for s in n.sections}


def units_line(task: Task) -> str:
    """主办:A、B;协办:C (协办 left out when there is none)."""
    line = f"主办:{'、'.join(task.leads) or '(未注明)'}"
    return line + (f";协办:{'、'.join(task.assists)}" if task.assists else "")


def sources_html(sources: Sequence[Task], labels: Mapping[tuple[str, int], str], mark: Mark = plain_mark) -> str:
    """The cited tasks as expandable entries: summary 【任务N】gist; inside the full text, section and units."""
    if not sources:
        return ""
    items = []
    for task in sources:
        section = labels.get((task.doc_id, task.section), f"第{task.section}部分")
        items.append(
            f'<details class="source" data-task="{task.number}" data-doc="{escape_text(task.doc_id)}">'
            f"<summary>{escape_text(mark(task))}{escape_text(task.gist)}</summary>"
            f'<div class="source-body"><div class="source-text">{escape_text(task.body)}</div>'
            f'<div class="source-meta">所属:{escape_text(section)}</div>'
            f'<div class="source-meta">{escape_text(units_line(task))}</div></div></details>'
        )
    head = f'<div class="sources-head">出处({len(sources)} 项任务,点击展开原文、所属部分和主办/协办单位)</div>'
    return f'<div class="sources">{head}{"".join(items)}</div>'


def render_answer(
    text: str,
    *,
    refused: bool = False,
    route: str = "",
    sources: Sequence[Task] = (),
    labels: Mapping[tuple[str, int], str] | None = None,
    mark: Mark = plain_mark,
    pending: bool = False,
) -> str:
    """An answer (or a streamed prefix of one) as the Chatbot's HTML; refusals get their own look, no sources."""
    body = MARK.sub(lambda m: f'<span class="cite">{m.group(0)}</span>', escape_text(text))
    if pending:
        body += '<span class="pending">▍</span>' if text else '<span class="pending">正在查找通知原文…</span>'
    if route == "rate_limited":  # not a refusal of the question: the reader only has to wait
        return f'<div class="answer wait"><div class="wait-head">⏳ 请稍候</div>{body}</div>'
    if refused:
        head = "请修改问题" if route == "invalid" else "无法回答"
        return f'<div class="answer refusal"><div class="refusal-head">⚠ {head}</div>{body}</div>'
    extra = "" if pending else sources_html(sources, labels or {}, mark)
    return f'<div class="answer">{body}{extra}</div>'


def format_answer_html(
    answer: Answer, labels: Mapping[tuple[str, int], str] | None = None, mark: Mark = plain_mark
) -> str:
    """A whole Answer as the Chatbot shows it: text with marked citations, then the expandable sources.

    When a generator was asked but its text was not used, a note above the answer says why."""
    sources = () if answer.refused else answer.sources
    body = render_answer(
        answer.text, refused=answer.refused, route=answer.route, sources=sources, labels=labels, mark=mark
    )
    note = fallback_note(answer)
    if note:
        body = f'<div class="gen-note">{escape_text(f"(说明:{note},以下是根据原文整理的回答。)")}</div>' + body
    return body


def stream_prefixes(text: str, size: int = 20) -> Iterator[str]:
    """Growing prefixes of `text`, about `size` characters apart, never ending inside a 【任务N】 citation."""
    if size <= 0:
        raise ValueError(f"size must be greater than 0, got {size}")
    end = 0
    while end < len(text):
        end = min(len(text), end + size)
        opening = text.rfind("【", 0, end)
        cited = MARK.match(text, opening) if opening != -1 else None
        if cited and cited.end() > end:
            end = cited.end()
        yield text[:end]
