"""The web chat: a Gradio app over `Assistant.stream()`; it only renders Answers, it never changes the index.

`build_app(assistant, settings)` builds the page (问答 with streamed, cited answers and feedback; 部门任务一览 with
a filterable, downloadable table) and the `/ask` API endpoint. Everything else here is a small pure helper.
"""

# No `from __future__ import annotations` here: gr.api reads the real type hints of `ask` for its API schema.

import html
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from ..answer.messages import INVALID
from ..pipeline import Assistant
from ..query.routes import Route
from ..records import Answer
from ..settings import Settings
from .evaluate import eval_enabled, evaluation_tab, upload_limit
from .logfiles import JsonLines
from .privacy import bounded, mask
from .protection import AuditLog, ClientAddress, FairLimiter, RateLimiter, SeenOnce, rate_limited_text
from .render import format_answer_html, format_question, render_answer, section_labels, stream_prefixes
from .units_table import TABLE_HEADERS, filter_units, unit_table, write_csv
from .workdir import make_work_dir

log = logging.getLogger(__name__)

TITLE = "政府工作任务问答助手"
RATINGS = {True: "有用", False: "没用"}
NOT_TEXT = "问题必须是一段文字,例如「一共有多少项任务?」。"
ERROR_TEXT = "抱歉,系统暂时无法回答这个问题,请稍后再试。"
# Raw input beyond this many times the question limit is refused before any text processing (normalising
# a megabyte of text costs seconds of CPU); below it the library's own length check decides.
_RAW_LIMIT_FACTOR = 4
_MAX_HISTORY = 50
_FEEDBACK_ANSWER_CHARS = 1000  # how much of a rated answer the feedback file keeps (citations say the rest)
FEEDBACK_AGAIN = "这条回答已经收到过反馈了,谢谢!"
FEEDBACK_LIMITED = "反馈太频繁了,请 {seconds} 秒后再试。"
# /ask's machine-readable status, HTTP-like: the reply is always delivered, `status` says what it is
_STATUS: dict[str, int] = {Route.INVALID: 400, Route.RATE_LIMITED: 429, Route.ERROR: 500}

CSS = """
.app-header h1 { margin-bottom: 0.2em; }
.app-header p { color: var(--body-text-color-subdued); margin-top: 0; }
.answer .cite { color: #1d4ed8; font-weight: 600; white-space: nowrap; }
.answer .pending { color: var(--body-text-color-subdued); }
.refusal { border-left: 4px solid #d97706; background: #fff7ed; color: #7c2d12; padding: 8px 12px; border-radius: 6px; }
.refusal .refusal-head { font-weight: 700; margin-bottom: 4px; }
.wait { border-left: 4px solid #2563eb; background: #eff6ff; color: #1e3a8a; padding: 8px 12px; border-radius: 6px; }
.wait .wait-head { font-weight: 700; margin-bottom: 4px; }
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


# -- answering for the page and the API ----------------------------------------------------------------------
def too_long_answer(settings: Settings) -> Answer:
    """The library's own too-long message, for raw input far beyond the limit."""
    return Answer(text=INVALID["too_long"].format(limit=settings.max_question_chars), refused=True,
                  route=Route.INVALID)


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


def _unusable(question: object, settings: Settings) -> Answer | None:
    """The answer to input that never reaches the pipeline: not text, or far beyond the length limit."""
    if not isinstance(question, str):
        return Answer(text=NOT_TEXT, refused=True, route=Route.INVALID)
    if len(question) > settings.max_question_chars * _RAW_LIMIT_FACTOR:
        return too_long_answer(settings)
    return None


def safe_stream(assistant: Assistant, question: object, history: Sequence[str]) -> Iterator[str | Answer]:
    """`assistant.stream()` for untrusted input: text pieces (when a model writes), then the final Answer;
    never raises, never leaks a traceback."""
    if question is None:
        question = ""
    rejected = _unusable(question, assistant.settings)
    if rejected is not None:
        yield rejected
        return
    assert isinstance(question, str)
    try:
        yield from assistant.stream(question, list(history))
    except Exception:  # noqa: BLE001 - a public page shows a message, the log keeps the traceback
        log.exception("answer failed for %r", mask(question[:200]))
        yield Answer(text=ERROR_TEXT, refused=True, route=Route.ERROR)


def safe_answer(assistant: Assistant, question: object, history: Sequence[str]) -> Answer:
    """The last item of `safe_stream`: the checked Answer."""
    final = Answer(text=ERROR_TEXT, refused=True, route=Route.ERROR)
    for item in safe_stream(assistant, question, history):
        if isinstance(item, Answer):
            final = item
    return final


def answer_json(answer: Answer, retry_after: int = 0) -> dict[str, Any]:
    """The /ask endpoint's reply (with "generator" when a generator was configured: who wrote it, or why not).

    "status" is 200, 400 (invalid input), 429 (rate-limited, with "retry_after" in seconds) or 500."""
    out: dict[str, Any] = {
        "status": _STATUS.get(answer.route, 200),
        "answer": answer.text,
        "citations": [int(n) for n in answer.citations],
        # (document id, task number) of each citation: unambiguous once several notices are loaded
        "refs": [{"doc_id": r.doc_id, "number": int(r.number)} for r in answer.refs],
        "refused": bool(answer.refused),
        "route": str(answer.route),
    }
    if answer.generator:
        out["generator"] = answer.generator
    if retry_after:
        out["retry_after"] = retry_after
    return out


# -- feedback ------------------------------------------------------------------------------------------------
def feedback_record(
    question: str, answer: str, citations: Sequence[int], rating: str, now: datetime | None = None,
    max_question_chars: int = 500,
) -> dict[str, Any]:
    """One line of the feedback file: personal data masked, question and answer bounded."""
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return {"time": when, "question": bounded(question, max_question_chars),
            "answer": bounded(answer, _FEEDBACK_ANSWER_CHARS), "citations": list(citations), "rating": rating}


def log_file(path: Path, settings: Settings) -> JsonLines:
    """A JSON Lines file bounded by the settings' size, backups and retention."""
    return JsonLines(path, settings.log_max_bytes, settings.log_backups, settings.retention_days)


def fair_limiter(per_minute: int, settings: Settings) -> FairLimiter:
    """Per session at `per_minute`, under the settings' ceiling per address."""
    return FairLimiter(RateLimiter(per_minute, burst=settings.rate_limit_burst),
                       RateLimiter(settings.address_rate_limit_per_minute))


# -- per-session conversation -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Turn:
    """One answered question, remembered for feedback on its Chatbot message."""

    message_index: int
    question: str
    answer: str
    citations: tuple[int, ...]
    route: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # tells this answer from a later one at the same index


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
        # only the 评测 tab takes a file: without it any upload is refused before a byte is stored
        "max_file_size": upload_limit(settings),
        "blocked_paths": [str(settings.index_dir), str(settings.feedback_path.parent), str(settings.corpus_dir),
                          str(settings.audit_path.parent)],
    }


def serve(demo: gr.Blocks, settings: Settings) -> None:
    """Launch the app for these settings and block until it stops.

    uvicorn would rewrite the client address from X-Forwarded-For for requests from 127.0.0.1 (its own default,
    FORWARDED_ALLOW_IPS); only `trusted_proxies` may decide that, so uvicorn is told to trust no one and
    ClientAddress sees the real peer."""
    os.environ["FORWARDED_ALLOW_IPS"] = ""  # an empty list: uvicorn's ProxyHeadersMiddleware trusts no peer
    demo.launch(**launch_kwargs(settings))


def build_app(
    assistant: Assistant,
    settings: Settings | None = None,
    *,
    stream_chunk: int = 20,
    stream_delay: float = 0.03,
    files_dir: Path | None = None,
) -> gr.Blocks:
    """The Gradio app over one loaded Assistant: chat tab, 部门任务一览 tab and the `/ask` endpoint, queue set.

    When a model writes the answers (a generator in the settings) the chat streams its tokens as they come and
    then shows the final, checked Answer; composed answers are revealed piece by piece; `/ask` returns the final
    Answer."""
    settings = settings or assistant.settings
    labels = section_labels(assistant.notices)
    plan = assistant.notice.plan_title or assistant.notice.meta.title
    rows = unit_table(assistant)
    files = files_dir or make_work_dir()
    max_chars = settings.max_question_chars
    limiter = fair_limiter(settings.rate_limit_per_minute, settings)
    feedback_limiter = fair_limiter(settings.feedback_rate_limit_per_minute, settings)
    audit = AuditLog(log_file(settings.audit_path, settings) if settings.audit_log else None,
                     keep_client=settings.audit_client_address, max_question_chars=max_chars)
    feedback_file = log_file(settings.feedback_path, settings) if settings.keep_feedback else None
    rated = SeenOnce()

    client_address = ClientAddress(settings.trusted_proxies)

    def admitted(request: gr.Request | None, which: FairLimiter = limiter) -> tuple[str, int]:
        """(client address, 0 or the seconds its session or address must wait before one more request)."""
        peer = request.client.host if request is not None and request.client is not None else ""
        forwarded = request.headers.get("x-forwarded-for") if request is not None and request.headers else None
        client = client_address(peer, forwarded)
        session = getattr(request, "session_hash", None) if request is not None else None
        url = getattr(request, "url", None) if request is not None else None
        if url is not None and "/call/" in getattr(url, "path", ""):
            # plain HTTP to /gradio_api/call/ gets a fresh random session per call: these share one per address
            session = None
        return client, which.wait(client or "unknown", session)

    def respond(
        question: Any, conversation: Conversation | None, request: gr.Request
    ) -> Iterator[tuple[Any, Any, Any]]:
        conv = conversation if isinstance(conversation, Conversation) else Conversation()
        text = question if isinstance(question, str) else ""
        if not text.strip():
            yield gr.skip(), gr.skip(), gr.skip()
            return
        started = time.perf_counter()
        client, wait = admitted(request)
        shown = text if len(text) <= max_chars * _RAW_LIMIT_FACTOR else text[: max_chars * _RAW_LIMIT_FACTOR] + "…"
        messages = [*conv.messages, {"role": "user", "content": format_question(shown)}]
        messages.append({"role": "assistant", "content": render_answer("", pending=True)})
        yield messages, gr.skip(), ""
        written = ""
        if wait:
            answer = Answer(text=rate_limited_text(wait), refused=True, route=Route.RATE_LIMITED)
        else:
            answer = Answer(text=ERROR_TEXT, refused=True, route=Route.ERROR)
            last = 0.0
            for item in safe_stream(assistant, text, conv.questions):
                if isinstance(item, Answer):
                    answer = item
                    continue
                written += item
                if time.monotonic() - last >= 0.05:  # at most ~20 repaints a second
                    last = time.monotonic()
                    messages[-1] = {"role": "assistant", "content": render_answer(written, pending=True)}
                    yield messages, gr.skip(), gr.skip()
        # a composed answer arrives whole: reveal it piece by piece (a model's text was shown as it came)
        for prefix in stream_prefixes("" if written else answer.text, stream_chunk):
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
        rejected = (Route.INVALID, Route.ERROR, Route.RATE_LIMITED)
        questions = conv.questions if answer.route in rejected else (*conv.questions, text)
        new = Conversation(questions[-_MAX_HISTORY:], tuple(messages), (*conv.turns, turn))
        yield messages, new, gr.skip()

    def clear() -> tuple[list[Any], Conversation, str]:
        return [], Conversation(), ""

    def feedback(conversation: Conversation | None, data: gr.LikeData, request: gr.Request) -> None:
        if not isinstance(conversation, Conversation) or data.liked not in RATINGS:
            return
        index = _like_index(data.index)
        turn = conversation.turn_at(index) if index is not None else None
        if turn is None or feedback_file is None:
            return
        _, wait = admitted(request, feedback_limiter)
        if wait:
            gr.Info(FEEDBACK_LIMITED.format(seconds=wait))
            return
        if not rated.first(turn.id):  # one rating per answer: a flood of clicks on it writes one line
            gr.Info(FEEDBACK_AGAIN)
            return
        record = feedback_record(turn.question, turn.answer, turn.citations, RATINGS[bool(data.liked)],
                                 max_question_chars=max_chars)
        record["route"] = turn.route
        try:
            feedback_file.append(record)
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
        Returns {"answer": text with 【任务N】 citations, "citations": [task numbers], "refs": [{"doc_id", "number"}],
        "refused": bool, "route": str, "status": 200, 400 (invalid), 429 (rate-limited: wait "retry_after"
        seconds) or 500}."""
        started = time.perf_counter()
        client, wait = admitted(request)
        if wait:
            answer = Answer(text=rate_limited_text(wait), refused=True, route=Route.RATE_LIMITED)
        else:
            answer = safe_answer(assistant, question, clean_history(history, settings))
        audit.record(question if isinstance(question, str) else repr(question)[:200], answer,
                     (time.perf_counter() - started) * 1000, client, "api")
        return answer_json(answer, wait)

    # the filter's hint: short names of the example units (区商务局 -> 商务局), and the generic 街道
    shorts = [min((a for a in assistant.units.units[u].aliases if len(a) >= 3), key=len, default=u)
              for u in assistant.examples.units
              if u in assistant.units.units]
    unit_hint = "如:" + "、".join([*shorts[:2], "街道"])
    description = (
        f"根据《{plan}》回答问题,每条回答都标注出处任务编号(如【任务2】),点击出处可查看任务原文和主办、协办单位。"
    )
    # Gradio's own temp files (cached downloads, refused uploads) go after an hour, and all of them at shutdown
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(600, 3600)) as demo:
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
                        placeholder=f"输入问题,例如:{assistant.examples.web[0]}" if assistant.examples.web else "输入问题",
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
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", min_width=120) for q in assistant.examples.web]
                gr.Markdown(
                    f"问题最多 {max_chars} 个字。本助手只根据通知原文回答,不代表任何单位的正式答复。", elem_id="chat-note"
                )
            with gr.Tab("部门任务一览", id="units"):
                gr.Markdown("每个单位在方案中主办(牵头)和协办的任务编号。输入单位名称或简称筛选,可下载为 CSV(Excel 可直接打开)。")
                with gr.Row():
                    unit_filter = gr.Textbox(label="筛选单位", placeholder=unit_hint, max_length=50, scale=3)
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
            if eval_enabled(settings):
                evaluation_tab(assistant, settings, files)

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
