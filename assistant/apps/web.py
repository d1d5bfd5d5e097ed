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
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
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
from .followups import MAX_FOLLOWUPS, followups
from .logfiles import JsonLines
from .privacy import bounded, mask
from .protection import AuditLog, ClientAddress, FairLimiter, RateLimiter, SeenOnce, rate_limited_text
from .render import escape_text, format_answer_html, format_question, render_answer, section_labels, stream_prefixes
from .stops import Stops
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
FEEDBACK_TITLE = "反馈"
TOO_LONG_KEPT = "您输入了 {n} 个字,原文仍保留在输入框中,删减到 {limit} 字以内即可发送。"
STOPPED = "(已停止回答。可以重新提问。)"
SEND, STOP = "发送", "停止"
# /ask's machine-readable status, HTTP-like: the reply is always delivered, `status` says what it is
_STATUS: dict[str, int] = {Route.INVALID: 400, Route.RATE_LIMITED: 429, Route.ERROR: 500}

# Colours are variables with a light and a dark value (Gradio puts `.dark` on <body> when the browser prefers a dark
# scheme): every pair of text and background below reaches 4.5:1 in both schemes. Gradio's message styles set
# text colours with higher specificity than a class, hence the #chatbot prefix and, for colours, !important.
CSS = """
:root { --qa-cite: #1d4ed8; --qa-src-bg: #f1f5f9; --qa-src-fg: #0f172a; --qa-meta: #334155; --qa-rule: #64748b;
  --qa-ref-bg: #fff7ed; --qa-ref-fg: #7c2d12; --qa-ref-line: #d97706; --qa-wait-bg: #eff6ff; --qa-wait-fg: #1e3a8a;
  --qa-note-bg: #fffbeb; --qa-note-fg: #92400e; --qa-muted: #475569; --qa-over: #b91c1c; --qa-tab: #c2410c; }
.dark { --qa-cite: #93c5fd; --qa-src-bg: #1e293b; --qa-src-fg: #f1f5f9; --qa-meta: #cbd5e1; --qa-rule: #94a3b8;
  --qa-ref-bg: #431407; --qa-ref-fg: #fed7aa; --qa-ref-line: #f59e0b; --qa-wait-bg: #172554; --qa-wait-fg: #dbeafe;
  --qa-note-bg: #451a03; --qa-note-fg: #fde68a; --qa-muted: #cbd5e1; --qa-over: #fca5a5; --qa-tab: #fb923c; }
.app-header h1 { margin-bottom: 0.2em; }
.app-header p, .app-header li { color: var(--qa-muted) !important; margin-top: 0; }
.app-header .notices { margin: 4px 0 0; padding-left: 1.2em; font-size: 0.9em; }
#chatbot .prose { opacity: 1 !important; }  /* Gradio fades bot messages to 0.8: text then falls below 4.5:1 */
#followups button { white-space: normal; }
button[role="tab"].selected { color: var(--qa-tab) !important; }
#chatbot .answer .cite { color: var(--qa-cite) !important; font-weight: 600; white-space: nowrap; }
#chatbot .answer .cite-link { cursor: pointer; text-decoration: underline dotted; text-underline-offset: 3px; }
#chatbot .answer .pending { color: var(--qa-muted) !important; }
#chatbot .answer ol, #chatbot .answer ul { margin: 4px 0 4px 1.4em; padding: 0; }
#chatbot .answer li { margin: 2px 0; }
#chatbot .refusal { border-left: 4px solid var(--qa-ref-line); background: var(--qa-ref-bg); padding: 8px 12px; border-radius: 6px; }
#chatbot .refusal, #chatbot .refusal * { color: var(--qa-ref-fg) !important; }
#chatbot .refusal .refusal-head { font-weight: 700; margin-bottom: 4px; }
#chatbot .wait { border-left: 4px solid #2563eb; background: var(--qa-wait-bg); padding: 8px 12px; border-radius: 6px; }
#chatbot .wait, #chatbot .wait * { color: var(--qa-wait-fg) !important; }
#chatbot .wait .wait-head { font-weight: 700; margin-bottom: 4px; }
#chatbot .sources { margin-top: 12px; padding-top: 8px; border-top: 1px dashed var(--qa-rule); }
#chatbot .sources .sources-head { font-size: 0.9em; color: var(--qa-muted) !important; margin-bottom: 4px; }
#chatbot .sources details { margin: 2px 0; }
#chatbot .sources summary { cursor: pointer; color: var(--qa-cite) !important; min-height: 40px; padding: 8px 0; }
#chatbot .sources details.flash > summary { outline: 2px solid var(--qa-cite); border-radius: 4px; }
#chatbot .sources .source-body { margin: 4px 0 8px 1.2em; padding: 8px 10px; background: var(--qa-src-bg); border-radius: 6px; }
#chatbot .sources .source-body, #chatbot .sources .source-text { color: var(--qa-src-fg) !important; }
#chatbot .sources .source-meta { margin-top: 6px; font-size: 0.9em; color: var(--qa-meta) !important; }
#chatbot .copy-answer { margin-top: 8px; min-height: 40px; min-width: 40px; padding: 6px 12px; border-radius: 6px;
  border: 1px solid var(--qa-rule); background: transparent; color: var(--qa-src-fg) !important; cursor: pointer; }
.user-text { white-space: pre-wrap; word-break: break-word; }
#chatbot .gen-note { font-size: 0.9em; color: var(--qa-note-fg) !important; background: var(--qa-note-bg); border-radius: 6px; padding: 4px 8px; margin-bottom: 6px; }
#char-count { font-size: 0.9em; color: var(--qa-muted); text-align: right; min-height: 1.4em; }
#char-count .over { color: var(--qa-over); font-weight: 600; }
#followups { align-items: center; gap: 8px; }
#followups button, #examples button { min-height: 40px; }
#examples button { font-size: 0.9em; }
/* the chat's own icons (trash, copy all) sit in a strip above the messages, never over their text */
#chatbot .bubble-wrap, #chatbot > .wrapper { padding-top: 36px; }
#chatbot button[aria-label="有用"], #chatbot button[aria-label="没用"] { min-width: 40px; min-height: 40px; }
@media (max-width: 640px) {
  .app-header h1 { font-size: 1.4em; }
  .app-header p { font-size: 0.85em; }
  #chatbot { height: 48vh !important; min-height: 260px !important; }
  #input-row { flex-wrap: wrap; }
  #input-row > #question { flex: 1 1 100% !important; min-width: 100% !important; }
  #input-row > #clear { flex: 1 1 100% !important; min-width: 100% !important; }
  button, [role="tab"], #question textarea { min-height: 40px; }
  #chatbot .message-buttons button, #chatbot button { min-width: 40px; min-height: 40px; }
}
"""

# What the page does in the browser alone (Gradio's sanitizer strips scripts and handlers from messages, so this
# listens on the document): the page's language and Chinese names for Gradio's own buttons whatever the browser's
# locale; a click on 【任务N】 opens that source; the copy button copies the answer's text; the input's counter.
HEAD = """
<script>
(() => {
  const NAMES = {"Like": "有用", "赞": "有用", "Dislike": "没用", "踩": "没用", "Clear": "清空对话", "清除": "清空对话",
    "Copy message": "复制", "Copy": "复制", "Close": "关闭", "Submit": "发送", "Stop": "停止", "Retry": "重试",
    "Undo": "撤销", "Edit": "编辑", "Share": "分享", "Copy conversation": "复制整段对话"};
  const localise = () => {
    if (document.documentElement.lang !== "zh-CN") document.documentElement.lang = "zh-CN";
    // Gradio names a label-less textarea by its whole <label> (「输入问题 发送」): give it its own name
    const box = document.querySelector("#question textarea");
    if (box && box.getAttribute("aria-label") !== "输入问题") box.setAttribute("aria-label", "输入问题");
    const TITLES = {"Info": "提示", "Warning": "注意", "Error": "错误", "info": "提示", "warning": "注意", "error": "错误"};
    for (const el of document.querySelectorAll(".toast-title")) {  // Gradio titles its toasts in the browser's locale
      const title = TITLES[el.textContent.trim()];
      if (title) el.textContent = title;
    }
    for (const el of document.querySelectorAll("button[aria-label], [role=button][aria-label]")) {
      const name = NAMES[el.getAttribute("aria-label")];
      if (name) el.setAttribute("aria-label", name);
      if (name && el.title) el.title = name;
    }
  };
  const count = () => {
    const box = document.querySelector("#question textarea");
    const out = document.querySelector("#char-count .char-count");
    if (!box || !out) return;
    const max = Number(out.dataset.max), n = box.value.length;
    out.classList.toggle("over", n > max);
    const text = n > max ? `已超出 ${n - max} 字(最多 ${max} 字),请删减后再发送;您输入的内容不会被截断。`
                         : `${n} / ${max} 字`;
    if (out.textContent !== text) out.textContent = text;  // unchanged text: no mutation, no observer loop
  };
  window.qaCount = count;
  const openSource = (cite) => {
    const answer = cite.closest(".answer");
    // the sanitizer drops data- attributes: a source is found by its summary, which starts with the same mark
    const mark = cite.textContent.trim();
    const source = answer && [...answer.querySelectorAll("details.source")].find(
      (d) => d.querySelector("summary").textContent.trim().startsWith(mark));
    if (!source) return;
    source.open = true;
    source.classList.add("flash");
    setTimeout(() => source.classList.remove("flash"), 1500);
    source.scrollIntoView({block: "nearest"});
    source.querySelector("summary").focus({preventScroll: true});
  };
  const copy = async (button) => {
    const answer = button.closest(".answer").cloneNode(true);
    answer.querySelectorAll(".sources, .copy-answer").forEach((e) => e.remove());
    const text = answer.innerText.trim();
    try { await navigator.clipboard.writeText(text); } catch (e) {
      const area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select(); document.execCommand("copy"); area.remove();
    }
    button.textContent = "已复制";
    setTimeout(() => { button.textContent = "复制回答"; }, 2000);
  };
  document.addEventListener("click", (ev) => {
    const cite = ev.target.closest("#chatbot .cite-link");
    if (cite) { ev.preventDefault(); openSource(cite); return; }
    const button = ev.target.closest("#chatbot .copy-answer");
    if (button) { ev.preventDefault(); copy(button); }
  });
  document.addEventListener("keydown", (ev) => {
    const cite = ev.target.closest && ev.target.closest("#chatbot .cite-link");
    if (cite && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); openSource(cite); }
  });
  document.addEventListener("input", (ev) => { if (ev.target.closest("#question")) count(); });
  new MutationObserver(() => { localise(); count(); }).observe(document.documentElement, {childList: true, subtree: true});
  localise();
})();
</script>
"""
# Gradio's default theme with its subdued text darker (light) and lighter (dark): 4.5:1 on its backgrounds
THEME = gr.themes.Default().set(
    body_text_color_subdued="*neutral_600",
    body_text_color_subdued_dark="*neutral_300",
    input_placeholder_color="*neutral_600",
    input_placeholder_color_dark="*neutral_300",
    block_label_text_color="*neutral_600",
    block_label_text_color_dark="*neutral_300",
    block_info_text_color="*neutral_600",
    block_info_text_color_dark="*neutral_300",
)


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
        "head": HEAD,
        "theme": THEME,
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

    hidden = [gr.update(visible=False, value="")] * MAX_FOLLOWUPS

    stops = Stops()

    def respond(
        question: Any, conversation: Conversation | None, request: gr.Request
    ) -> Iterator[tuple[Any, ...]]:
        """The chat's updates for one question. A stopped answer ends at its next step, with the chat as it was, the
        question and a note that it was stopped: its own last update, so no late piece of the answer can follow."""
        with stops.run(request) as stopped:
            updates = answering(question, conversation, request)
            first = next(updates, None)
            if first is None:
                return
            yield first
            for update in updates:
                if stopped.is_set():
                    updates.close()
                    shown = first[1].messages if isinstance(first[1], Conversation) else ()
                    yield list(shown), gr.skip(), gr.update(submit_btn=SEND, stop_btn=False), *hidden
                    return
                yield update

    def answering(
        question: Any, conversation: Conversation | None, request: gr.Request
    ) -> Generator[tuple[Any, ...], None, None]:
        conv = conversation if isinstance(conversation, Conversation) else Conversation()
        text = question if isinstance(question, str) else ""
        if not text.strip():
            yield gr.skip(), gr.skip(), gr.skip(), *[gr.skip()] * MAX_FOLLOWUPS
            return
        started = time.perf_counter()
        client, wait = admitted(request)
        too_long = len(text) > max_chars
        shown = text if len(text) <= max_chars * _RAW_LIMIT_FACTOR else text[: max_chars * _RAW_LIMIT_FACTOR] + "…"
        messages = [*conv.messages, {"role": "user", "content": format_question(shown)}]
        # what the chat shows if the reader stops this answer (the stop handler reads it from the state)
        note = f'<div class="answer stopped">{escape_text(STOPPED)}</div>'
        stopped = Conversation(conv.questions, (*messages, {"role": "assistant", "content": note}), conv.turns)
        messages.append({"role": "assistant", "content": render_answer("", pending=True)})
        # a too-long question stays in the input box, to be shortened: nothing the reader typed is lost
        box = gr.update(submit_btn=False, stop_btn=STOP) if too_long else gr.update(value="", submit_btn=False,
                                                                                     stop_btn=STOP)
        yield messages, stopped, box, *hidden
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
                    yield messages, gr.skip(), gr.skip(), *[gr.skip()] * MAX_FOLLOWUPS
        # a composed answer arrives whole: reveal it piece by piece (a model's text was shown as it came)
        for prefix in stream_prefixes("" if written else answer.text, stream_chunk):
            if len(prefix) == len(answer.text):
                break
            messages[-1] = {
                "role": "assistant",
                "content": render_answer(prefix, refused=answer.refused, route=answer.route, pending=True),
            }
            yield messages, gr.skip(), gr.skip(), *[gr.skip()] * MAX_FOLLOWUPS
            if stream_delay:
                time.sleep(stream_delay)
        audit.record(text, answer, (time.perf_counter() - started) * 1000, client, "chat")
        shown_answer = answer
        if too_long and answer.route == Route.INVALID:
            shown_answer = replace(answer, text=answer.text + "\n" + TOO_LONG_KEPT.format(n=len(text), limit=max_chars))
        messages[-1] = {"role": "assistant", "content": format_answer_html(shown_answer, labels, assistant.citer.mark)}
        turn = Turn(len(messages) - 1, shown, answer.text, tuple(answer.citations), answer.route)
        rejected = (Route.INVALID, Route.ERROR, Route.RATE_LIMITED)
        questions = conv.questions if answer.route in rejected else (*conv.questions, text)
        new = Conversation(questions[-_MAX_HISTORY:], tuple(messages), (*conv.turns, turn))
        offered = next_questions(text, conv.questions, answer)
        buttons = [gr.update(visible=i < len(offered), value=offered[i] if i < len(offered) else "")
                   for i in range(MAX_FOLLOWUPS)]
        yield messages, new, gr.update(submit_btn=SEND, stop_btn=False), *buttons

    def next_questions(text: str, earlier: Sequence[str], answer: Answer) -> tuple[str, ...]:
        """The follow-ups offered under an answer; none when its plan cannot be read again (never an error)."""
        if answer.refused:
            return ()
        try:
            return followups(assistant.understand(text, list(earlier)), answer)
        except Exception:  # noqa: BLE001 - follow-ups are a convenience: the answer stands without them
            log.exception("no follow-ups for %r", mask(text[:200]))
            return ()

    def stop(conversation: Conversation | None, request: gr.Request) -> tuple[Any, ...]:
        """The reader stopped an answer: the chat as it was, the question and a note that it was stopped."""
        stops.stop(request)
        conv = conversation if isinstance(conversation, Conversation) else Conversation()
        return list(conv.messages), gr.update(submit_btn=SEND, stop_btn=False), *hidden

    def clear() -> tuple[Any, ...]:
        return [], Conversation(), "", *hidden

    def feedback(conversation: Conversation | None, data: gr.LikeData, request: gr.Request) -> None:
        if not isinstance(conversation, Conversation) or data.liked not in RATINGS:
            return
        index = _like_index(data.index)
        turn = conversation.turn_at(index) if index is not None else None
        if turn is None or feedback_file is None:
            return
        _, wait = admitted(request, feedback_limiter)
        if wait:
            gr.Info(FEEDBACK_LIMITED.format(seconds=wait), title=FEEDBACK_TITLE)
            return
        if not rated.first(turn.id):  # one rating per answer: a flood of clicks on it writes one line
            gr.Info(FEEDBACK_AGAIN, title=FEEDBACK_TITLE)
            return
        record = feedback_record(turn.question, turn.answer, turn.citations, RATINGS[bool(data.liked)],
                                 max_question_chars=max_chars)
        record["route"] = turn.route
        try:
            feedback_file.append(record)
        except OSError:
            log.exception("cannot write feedback to %s", settings.feedback_path)
            raise gr.Error("反馈保存失败,请稍后再试。", print_exception=False) from None
        gr.Info("谢谢反馈!", title=FEEDBACK_TITLE)

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
    loaded = "".join(
        f"<li>《{html.escape(n.plan_title or n.meta.title)}》:{len(n.tasks)} 项{n.item}</li>" for n in assistant.notices
    )
    notices_html = f'<p class="notices-head">已载入 {len(assistant.notices)} 份通知:</p><ul class="notices">{loaded}</ul>'
    # Gradio's own temp files (cached downloads, refused uploads) go after an hour, and all of them at shutdown
    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(600, 3600)) as demo:
        gr.HTML(
            f'<div class="app-header"><h1>{html.escape(TITLE)}</h1><p>{html.escape(description)}</p>'
            f"{notices_html}</div>",
            elem_id="header",
        )
        state = gr.State(None)
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chatbot = gr.Chatbot(
                    label="对话",
                    show_label=False,
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
                with gr.Row(equal_height=True, elem_id="input-row"):
                    # no max_length: the browser would cut a long paste silently; the counter and the answer say
                    # it is too long instead, and the text stays in the box
                    question = gr.Textbox(
                        elem_id="question",
                        label="输入问题",
                        show_label=False,
                        placeholder=f"输入问题,例如:{assistant.examples.web[0]}" if assistant.examples.web else "输入问题",
                        lines=1,
                        max_lines=4,
                        submit_btn=SEND,
                        stop_btn=False,
                        autofocus=True,
                        scale=8,
                    )
                    clear_button = gr.Button("清空对话", variant="secondary", elem_id="clear", size="md", scale=1, min_width=100)
                gr.HTML(f'<span class="char-count" data-max="{max_chars}" aria-live="polite">0 / {max_chars} 字</span>',
                        elem_id="char-count")
                with gr.Row(elem_id="followups"):
                    gr.HTML('<span class="followups-head">接着问:</span>', elem_id="followups-label")
                    followup_buttons = [
                        gr.Button("", visible=False, size="sm", variant="secondary", min_width=120,
                                  elem_classes=["followup"])
                        for _ in range(MAX_FOLLOWUPS)
                    ]
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

        outputs = [chatbot, state, question, *followup_buttons]
        # a question asked while an answer is still running (as a stopped one finishes its step) waits for it and is
        # then answered: Gradio's default for these events drops it without a word
        question.submit(respond, [question, state], outputs, api_visibility="private", show_progress="hidden",
                        trigger_mode="always_last")
        for button in [*example_buttons, *followup_buttons]:
            button.click(respond, [button, state], outputs, api_visibility="private", show_progress="hidden",
                         trigger_mode="always_last")
        question.stop(stop, [state], [chatbot, question, *followup_buttons], api_visibility="private", queue=False)
        clear_button.click(clear, None, outputs, api_visibility="private", queue=False)
        chatbot.clear(clear, None, outputs, api_visibility="private", queue=False)
        chatbot.like(feedback, [state], None, api_visibility="private")
        for trigger in (unit_filter.change, kind_filter.change):
            trigger(filter_table, [unit_filter, kind_filter], [table, download], api_visibility="private")
        gr.api(ask, api_name="ask")

    demo.queue(default_concurrency_limit=settings.web_concurrency, max_size=settings.web_concurrency * 64)
    return demo
