"""The web chat: a Gradio app over `Assistant.answer()`; it only renders Answers, it never changes the index.

`build_app(assistant, settings)` builds the page (问答 with streamed, cited answers and feedback; 部门任务一览 with
a filterable, downloadable table) and the `/ask` API endpoint. Everything else here is a small pure helper.
"""

# No `from __future__ import annotations` here: gr.api reads the real type hints of `ask` for its API schema.

import csv
import hashlib
import html
import io
import json
import logging
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from .answering import INVALID, Assistant
from .compose import MARK, Mark, plain_mark
from .generation import GroundedResponder, fallback_note
from .protection import RATE_LIMITED, AuditLog, ClientAddress, RateLimiter
from .records import Answer, Notice, Task
from .settings import Settings

log = logging.getLogger(__name__)

TITLE = "政府工作任务问答助手"
EXAMPLES = (
    "区商务局负责哪些任务?",
    "停车泊位今年新增多少?",
    "我们小区能加装电梯吗?",
    "江豚公园谁负责?",
    "第四部分讲什么?",
    "区长是谁?",
)
KIND_LABELS = {"department": "部门", "street": "街道", "group": "统称"}
TABLE_HEADERS = ["单位", "类型", "主办任务", "协办任务", "主办数", "协办数"]
CSV_NAME = "部门任务一览.csv"
RATINGS = {True: "有用", False: "没用"}
NOT_TEXT = "问题必须是一段文字,例如「区商务局负责哪些任务?」。"
ERROR_TEXT = "抱歉,系统暂时无法回答这个问题,请稍后再试。"
# Raw input beyond this many times the question limit is refused before any text processing (normalising
# a megabyte of text costs seconds of CPU); below it the library's own length check decides.
_RAW_LIMIT_FACTOR = 4
_MAX_HISTORY = 50

CSS = """
.app-header h1 { margin-bottom: 0.2em; }
.app-header p { color: var(--body-text-color-subdued); margin-top: 0; }
.answer .cite { color: #1d4ed8; font-weight: 600; white-space: nowrap; }
.answer .pending { color: var(--body-text-color-subdued); }
.refusal { border-left: 4px solid #d97706; background: #fff7ed; color: #7c2d12; padding: 8px 12px; border-radius: 6px; }
.refusal .refusal-head { font-weight: 700; margin-bottom: 4px; }
.sources { margin-top: 12px; padding-top: 8px; border-top: 1px dashed #94a3b8; }
.sources .sources-head { font-size: 0.9em; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.sources details { margin: 2px 0; }
.sources summary { cursor: pointer; color: #1d4ed8; }
.sources .source-body { margin: 4px 0 8px 1.2em; padding: 8px 10px; background: #f1f5f9; color: #0f172a; border-radius: 6px; }
.sources .source-meta { margin-top: 6px; font-size: 0.9em; color: #334155; }
.user-text { white-space: pre-wrap; word-break: break-word; }
.gen-note { font-size: 0.9em; color: #92400e; background: #fffbeb; border-radius: 6px; padding: 4px 8px; margin-bottom: 6px; }
#examples button { font-size: 0.9em; }
"""


# -- rendering ---------------------------------------------------------------------------------------------
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


# -- answering for the page and the API ----------------------------------------------------------------------
def too_long_answer(settings: Settings) -> Answer:
    """The library's own too-long message, for raw input far beyond the limit."""
    return Answer(text=INVALID["too_long"].format(limit=settings.max_question_chars), refused=True, route="invalid")


def clean_history(history: object, settings: Settings) -> list[str]:
    """Earlier questions from an untrusted caller: a list of strings or a JSON string of one; anything else is []."""
    if isinstance(history, str):
        if not history.strip():
            return []
        try:
            history = json.loads(history)
        except ValueError:
            return []
    if not isinstance(history, (list, tuple)):
        return []
    limit = settings.max_question_chars * _RAW_LIMIT_FACTOR
    return [q for q in history if isinstance(q, str) and q.strip() and len(q) <= limit][-_MAX_HISTORY:]


def safe_answer(assistant: Assistant, question: object, history: Sequence[str]) -> Answer:
    """`assistant.answer()` for untrusted input: never raises, never leaks a traceback."""
    if question is None:
        question = ""
    if not isinstance(question, str):
        return Answer(text=NOT_TEXT, refused=True, route="invalid")
    if len(question) > assistant.settings.max_question_chars * _RAW_LIMIT_FACTOR:
        return too_long_answer(assistant.settings)
    try:
        return assistant.answer(question, list(history))
    except Exception:  # noqa: BLE001 - a public page shows a message, the log keeps the traceback
        log.exception("answer failed for %r", question[:200])
        return Answer(text=ERROR_TEXT, refused=True, route="error")


def safe_stream(
    responder: GroundedResponder, question: object, history: Sequence[str]
) -> Iterator[str | Answer]:
    """`GroundedResponder.stream()` for untrusted input: text pieces, then the final Answer; never raises."""
    if not isinstance(question, str) or len(question) > responder.assistant.settings.max_question_chars * _RAW_LIMIT_FACTOR:
        yield safe_answer(responder.assistant, question, history)
        return
    try:
        yield from responder.stream(question, list(history))
    except Exception:  # noqa: BLE001 - a public page shows a message, the log keeps the traceback
        log.exception("answer failed for %r", question[:200])
        yield Answer(text=ERROR_TEXT, refused=True, route="error")


def final_answer(responder: GroundedResponder, question: object, history: Sequence[str]) -> Answer:
    """The last item of `safe_stream`: the checked Answer."""
    final = Answer(text=ERROR_TEXT, refused=True, route="error")
    for item in safe_stream(responder, question, history):
        if isinstance(item, Answer):
            final = item
    return final


def answer_json(answer: Answer) -> dict[str, Any]:
    """The /ask endpoint's reply (with "generator" when a generator was configured: who wrote it, or why not)."""
    out: dict[str, Any] = {
        "answer": answer.text,
        "citations": [int(n) for n in answer.citations],
        "refused": bool(answer.refused),
        "route": answer.route,
    }
    if answer.generator:
        out["generator"] = answer.generator
    return out


# -- feedback ------------------------------------------------------------------------------------------------
def feedback_record(
    question: str, answer: str, citations: Sequence[int], rating: str, now: datetime | None = None
) -> dict[str, Any]:
    """One line of the feedback file."""
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return {"time": when, "question": question, "answer": answer, "citations": list(citations), "rating": rating}


def append_feedback(path: Path, record: Mapping[str, Any], lock: AbstractContextManager[Any] | None = None) -> None:
    """Append one JSON line to `path` (its folder is created); `lock` serialises writers of one process."""
    line = json.dumps(dict(record), ensure_ascii=False) + "\n"
    with lock if lock is not None else threading.Lock():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(line)


# -- 部门任务一览 -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnitRow:
    """One unit of the table, with the aliases the filter matches."""

    name: str
    kind: str  # 部门 / 街道 / 统称
    lead: tuple[tuple[str, int], ...]  # (doc_id, task number)
    assist: tuple[tuple[str, int], ...]
    aliases: tuple[str, ...] = ()
    # (doc_id, plan title) of every loaded notice when there are several: the numbers are then grouped by notice
    titles: tuple[tuple[str, str], ...] = ()

    def cells(self) -> list[Any]:
        return [self.name, self.kind, self.numbers(self.lead), self.numbers(self.assist), len(self.lead),
                len(self.assist)]

    def numbers(self, refs: Sequence[tuple[str, int]]) -> str:
        """「2、3、5」; with several notices 「《A》2、3;《B》5」."""
        if not self.titles:
            return "、".join(str(n) for _, n in refs)
        groups = [(title, [str(n) for d, n in refs if d == doc]) for doc, title in self.titles]
        return ";".join(f"《{title}》{'、'.join(ns)}" for title, ns in groups if ns)


def unit_table(assistant: Assistant) -> list[UnitRow]:
    """Every unit with its lead and assisting tasks: departments and streets first, generic groups last."""
    titles = tuple((n.doc_id, n.plan_title or n.meta.title) for n in assistant.notices) if len(assistant.notices) > 1 else ()
    rows = []
    for unit in assistant.units.units.values():
        lead, assist = assistant.units.tasks(unit.name, "all")
        rows.append(
            UnitRow(
                name=unit.name,
                kind=KIND_LABELS.get(unit.kind, unit.kind),
                lead=tuple(lead),
                assist=tuple(assist),
                aliases=tuple(unit.aliases),
                titles=titles,
            )
        )
    order = list(KIND_LABELS.values())
    return sorted(rows, key=lambda r: order.index(r.kind) if r.kind in order else len(order))


def filter_units(rows: Sequence[UnitRow], query: str = "", kind: str = "全部") -> list[UnitRow]:
    """Rows whose name or an alias contains `query` (or `query` contains an alias), of the chosen kind."""
    q = (query or "").strip().replace(" ", "")
    out = []
    for row in rows:
        if kind and kind != "全部" and row.kind != kind:
            continue
        names = (row.name, *row.aliases)
        if q and not any(q in name or (len(name) >= 2 and name in q) for name in names):
            continue
        out.append(row)
    return out


def table_csv(rows: Sequence[UnitRow]) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark, so Excel opens the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(TABLE_HEADERS)
    writer.writerows(row.cells() for row in rows)
    return buf.getvalue().encode("utf-8-sig")


def write_csv(rows: Sequence[UnitRow], folder: Path) -> Path:
    """Write the table under `folder`, one sub-folder per distinct content (so each filter gets its own file)."""
    data = table_csv(rows)
    target = folder / hashlib.sha1(data).hexdigest()[:16] / CSV_NAME
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return target


# -- per-session conversation -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Turn:
    """One answered question, remembered for feedback on its Chatbot message."""

    message_index: int
    question: str
    answer: str
    citations: tuple[int, ...]
    route: str


@dataclass(frozen=True)
class Conversation:
    """One browser session's conversation: earlier questions (for follow-ups), rendered messages, answered turns."""

    questions: tuple[str, ...] = ()
    messages: tuple[dict[str, str], ...] = ()
    turns: tuple[Turn, ...] = field(default=())

    def turn_at(self, index: int) -> Turn | None:
        for turn in self.turns:
            if turn.message_index == index:
                return turn
        return None


def _like_index(index: object) -> int | None:
    if isinstance(index, int):
        return index
    if isinstance(index, (list, tuple)) and index and isinstance(index[0], int):
        return index[0]
    return None


# -- the app ---------------------------------------------------------------------------------------------------
def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """What `Blocks.launch()` needs for a public-facing deployment of these settings."""
    logins = [tuple(item.strip().split(":", 1)) for item in settings.web_auth.split(",") if item.strip()]
    return {
        "server_name": settings.web_host,
        "server_port": settings.web_port,
        "auth": [(user.strip(), password) for user, password in logins] or None,
        "auth_message": f"{TITLE}:请输入账号和密码。",
        "css": CSS,
        "show_error": False,
        "footer_links": ["api"],
        "run_history": False,
        "enable_monitoring": False,
        "mcp_server": False,
        "ssr_mode": False,
        "share": False,
        "blocked_paths": [str(settings.index_dir), str(settings.feedback_path.parent), str(settings.corpus_dir),
                          str(settings.audit_path.parent)],
    }


def build_app(
    assistant: Assistant,
    settings: Settings | None = None,
    *,
    stream_chunk: int = 20,
    stream_delay: float = 0.03,
    files_dir: Path | None = None,
    responder: GroundedResponder | None = None,
) -> gr.Blocks:
    """The Gradio app over one loaded Assistant: chat tab, 部门任务一览 tab and the `/ask` endpoint, queue set.

    With a `responder` (an LLM in front of the assistant, assistant.generation) the chat streams the model's
    tokens as they come and then shows the final, checked Answer; `/ask` returns that final Answer."""
    settings = settings or assistant.settings
    labels = section_labels(assistant.notices)
    plan = assistant.notice.plan_title or assistant.notice.meta.title
    rows = unit_table(assistant)
    files = files_dir or Path(tempfile.mkdtemp(prefix="assistant-web-"))
    feedback_lock = threading.Lock()
    max_chars = settings.max_question_chars
    limiter = RateLimiter(settings.rate_limit_per_minute)
    audit = AuditLog(settings.audit_path, keep_client=settings.audit_client_address)

    client_address = ClientAddress(settings.trusted_proxies)

    def admitted(request: gr.Request | None) -> tuple[str, bool]:
        """(client address, whether its rate limit lets one more question through)."""
        peer = request.client.host if request is not None and request.client is not None else ""
        forwarded = request.headers.get("x-forwarded-for") if request is not None and request.headers else None
        client = client_address(peer, forwarded)
        return client, limiter.allow(client or "unknown")

    def respond(
        question: Any, conversation: Conversation | None, request: gr.Request
    ) -> Iterator[tuple[Any, Any, Any]]:
        conv = conversation if isinstance(conversation, Conversation) else Conversation()
        text = question if isinstance(question, str) else ""
        if not text.strip():
            yield gr.skip(), gr.skip(), gr.skip()
            return
        started = time.perf_counter()
        client, allowed = admitted(request)
        shown = text if len(text) <= max_chars * _RAW_LIMIT_FACTOR else text[: max_chars * _RAW_LIMIT_FACTOR] + "…"
        messages = [*conv.messages, {"role": "user", "content": format_question(shown)}]
        messages.append({"role": "assistant", "content": render_answer("", pending=True)})
        yield messages, gr.skip(), ""
        if not allowed:
            answer = Answer(text=RATE_LIMITED, refused=True, route="rate_limited")
        elif responder is not None:
            answer = Answer(text=ERROR_TEXT, refused=True, route="error")
            written = ""
            last = 0.0
            for item in safe_stream(responder, text, conv.questions):
                if isinstance(item, Answer):
                    answer = item
                    continue
                written += item
                if time.monotonic() - last >= 0.05:  # at most ~20 repaints a second
                    last = time.monotonic()
                    messages[-1] = {"role": "assistant", "content": render_answer(written, pending=True)}
                    yield messages, gr.skip(), gr.skip()
        else:
            answer = safe_answer(assistant, text, conv.questions)
        for prefix in stream_prefixes(answer.text if responder is None else "", stream_chunk):
            if len(prefix) == len(answer.text):
                break
            messages[-1] = {
                "role": "assistant",
                "content": render_answer(prefix, refused=answer.refused, route=answer.route, pending=True),
            }
            yield messages, gr.skip(), gr.skip()
            if stream_delay:
                time.sleep(stream_delay)
        audit.record(text, answer, (time.perf_counter() - started) * 1000, client, "chat")
        messages[-1] = {"role": "assistant", "content": format_answer_html(answer, labels, assistant.citer.mark)}
        turn = Turn(len(messages) - 1, shown, answer.text, tuple(answer.citations), answer.route)
        questions = conv.questions if answer.route in ("invalid", "error", "rate_limited") else (*conv.questions, text)
        new = Conversation(questions[-_MAX_HISTORY:], tuple(messages), (*conv.turns, turn))
        yield messages, new, gr.skip()

    def clear() -> tuple[list[Any], Conversation, str]:
        return [], Conversation(), ""

    def feedback(conversation: Conversation | None, data: gr.LikeData) -> None:
        if not isinstance(conversation, Conversation) or data.liked not in RATINGS:
            return
        index = _like_index(data.index)
        turn = conversation.turn_at(index) if index is not None else None
        if turn is None:
            return
        record = feedback_record(turn.question, turn.answer, turn.citations, RATINGS[bool(data.liked)])
        record["route"] = turn.route
        try:
            append_feedback(settings.feedback_path, record, feedback_lock)
        except OSError:
            log.exception("cannot write feedback to %s", settings.feedback_path)
            raise gr.Error("反馈保存失败,请稍后再试。", print_exception=False) from None
        gr.Info("谢谢反馈!")

    def filter_table(query: Any, kind: Any) -> tuple[list[list[Any]], str]:
        picked = filter_units(rows, query if isinstance(query, str) else "", kind if isinstance(kind, str) else "全部")
        return [r.cells() for r in picked] or [["(没有匹配的单位)", "", "", "", 0, 0]], str(write_csv(picked, files))

    def ask(
        question: str | None = None, history: list[str] | str | None = None, request: gr.Request = None  # type: ignore[assignment]
    ) -> dict[str, Any]:
        """Answer one question. history: the earlier questions of the conversation, oldest first (optional).
        Returns {"answer": text with 【任务N】 citations, "citations": [task numbers], "refused": bool, "route": str}."""
        started = time.perf_counter()
        client, allowed = admitted(request)
        if not allowed:
            answer = Answer(text=RATE_LIMITED, refused=True, route="rate_limited")
        elif responder is not None:
            answer = final_answer(responder, question, clean_history(history, settings))
        else:
            answer = safe_answer(assistant, question, clean_history(history, settings))
        audit.record(question if isinstance(question, str) else repr(question)[:200], answer,
                     (time.perf_counter() - started) * 1000, client, "api")
        return answer_json(answer)

    description = (
        f"根据《{plan}》回答问题,每条回答都标注出处任务编号(如【任务2】),点击出处可查看任务原文和主办、协办单位。"
    )
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(
            f'<div class="app-header"><h1>{html.escape(TITLE)}</h1><p>{html.escape(description)}</p></div>',
            elem_id="header",
        )
        state = gr.State(None)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chatbot = gr.Chatbot(
                    label="对话",
                    elem_id="chatbot",
                    height="62vh",
                    min_height=420,
                    layout="bubble",
                    buttons=[],
                    sanitize_html=True,
                    render_markdown=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    feedback_options=("Like", "Dislike"),
                    placeholder="请在下方输入问题,或点击示例问题。每条回答下方的大拇指按钮可以反馈“有用”或“没用”。",
                    autoscroll=True,
                )
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        placeholder="输入问题,例如:区商务局负责哪些任务?",
                        max_length=max_chars,
                        lines=1,
                        max_lines=4,
                        submit_btn="发送",
                        autofocus=True,
                        scale=8,
                    )
                    clear_button = gr.Button("清空对话", variant="secondary", elem_id="clear", size="md", scale=1, min_width=100)
                gr.Markdown("示例问题(点击即问):", elem_id="examples-label")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", min_width=120) for q in EXAMPLES]
                gr.Markdown(
                    f"问题最多 {max_chars} 个字。本助手只根据通知原文回答,不代表任何单位的正式答复。", elem_id="chat-note"
                )
            with gr.Tab("部门任务一览", id="units"):
                gr.Markdown("每个单位在方案中主办(牵头)和协办的任务编号。输入单位名称或简称筛选,可下载为 CSV(Excel 可直接打开)。")
                with gr.Row():
                    unit_filter = gr.Textbox(label="筛选单位", placeholder="如:商务局、街道、教育", max_length=50, scale=3)
                    kind_filter = gr.Radio(["全部", "部门", "街道", "统称"], value="全部", label="类型", scale=2)
                table = gr.Dataframe(
                    value=[r.cells() for r in rows],
                    headers=TABLE_HEADERS,
                    datatype=["str", "str", "str", "str", "number", "number"],
                    interactive=False,
                    wrap=True,
                    max_height=600,
                    elem_id="unit-table",
                )
                download = gr.DownloadButton("下载 CSV", value=str(write_csv(rows, files)), elem_id="download-csv")

        outputs = [chatbot, state, question]
        question.submit(respond, [question, state], outputs, api_visibility="private", show_progress="hidden")
        for button in example_buttons:
            button.click(respond, [button, state], outputs, api_visibility="private", show_progress="hidden")
        clear_button.click(clear, None, [chatbot, state, question], api_visibility="private", queue=False)
        chatbot.clear(clear, None, [chatbot, state, question], api_visibility="private", queue=False)
        chatbot.like(feedback, [state], None, api_visibility="private")
        for trigger in (unit_filter.change, kind_filter.change):
            trigger(filter_table, [unit_filter, kind_filter], [table, download], api_visibility="private")
        gr.api(ask, api_name="ask")

    demo.queue(default_concurrency_limit=settings.web_concurrency, max_size=settings.web_concurrency * 64)
    return demo
