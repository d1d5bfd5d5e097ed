"""How an Answer looks in the web chat: inert HTML for the Chatbot, openable sources, streamed prefixes."""

from __future__ import annotations

import html
import re
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


# a numbered line of a composed list (「1. 扩大消费【任务2】」) or a bulleted one (「- …」, 「• …」)
_NUMBERED = re.compile(r"^(\d+)[.、]\s*(.+)$")
_BULLET = re.compile(r"^[-•·]\s+(.+)$")


def _cited(escaped: str, targets: Mapping[str, tuple[str, int]]) -> str:
    """Escaped text with each citation mark wrapped; a mark of a shown source opens it when clicked."""

    def wrap(m: re.Match[str]) -> str:
        target = targets.get(html.unescape(m.group(0)))
        if target is None:
            return f'<span class="cite">{m.group(0)}</span>'
        # the page's script opens the source whose summary starts with this mark (the Chatbot keeps no data-)
        return f'<span class="cite cite-link" role="button" tabindex="0" title="查看{m.group(0)}原文">{m.group(0)}</span>'

    return MARK.sub(wrap, escaped)


def text_html(text: str, targets: Mapping[str, tuple[str, int]] | None = None) -> str:
    """An answer's text as inert HTML on one line: runs of numbered or bulleted lines become real lists
    (<ol>/<ul> with <li>), other lines are joined with <br>, citation marks are wrapped."""
    out: list[str] = []
    kind = ""  # the list being built: "ol", "ul" or ""
    for line in text.replace("\r\n", "\n").split("\n"):
        numbered, bullet = _NUMBERED.match(line.strip()), _BULLET.match(line.strip())
        want = "ol" if numbered else "ul" if bullet else ""
        if kind and want != kind:
            out.append(f"</{kind}>")
            kind = ""
        if want and not kind:
            start = int(numbered.group(1)) if numbered else 1
            out.append(f'<ol start="{start}">' if want == "ol" and start != 1 else f"<{want}>")
            kind = want
        item = numbered.group(2) if numbered else bullet.group(1) if bullet else line
        body = _cited(escape_text(item), targets or {})
        if want:
            out.append(f"<li>{body}</li>")
        else:
            if out and not out[-1].endswith(("</ol>", "</ul>")):
                out.append("<br>")
            out.append(body)
    if kind:
        out.append(f"</{kind}>")
    return "".join(out)


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


COPY_BUTTON = '<button type="button" class="copy-answer" aria-label="复制回答">复制回答</button>'


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
    """An answer (or a streamed prefix of one) as the Chatbot's HTML; refusals get their own look, no sources.

    A finished answer has a copy button, and the citation marks of its sources open them (see web.py's script)."""
    targets = {mark(t): (t.doc_id, t.number) for t in sources} if not pending and not refused else {}
    body = text_html(text, targets)
    if pending:
        body += '<span class="pending">▍</span>' if text else '<span class="pending">正在查找通知原文…</span>'
    if route == "rate_limited":  # not a refusal of the question: the reader only has to wait
        return f'<div class="answer wait"><div class="wait-head">⏳ 请稍候</div>{body}</div>'
    if refused:
        head = "请修改问题" if route == "invalid" else "无法回答"
        return f'<div class="answer refusal"><div class="refusal-head">⚠ {head}</div>{body}</div>'
    extra = "" if pending else sources_html(sources, labels or {}, mark) + COPY_BUTTON
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
