"""The 评测 tab and the `/evaluate` endpoint: evaluators upload a question set and get the report of the CLI.

`evaluation_tab(assistant, settings)` builds the tab inside the caller's `gr.Tabs()` and registers `/evaluate`;
`eval_enabled(settings)` says whether either exists. Runs go through their own Gradio concurrency group (one at
a time), so chat questions are never queued behind an evaluation. The scores are those of `assistant.eval`:
the same question reader, the same system, the same report builder (`report_json`).
"""

# No `from __future__ import annotations` here: Gradio reads the real type hints of the event functions.

import html
import ipaddress
import json
import logging
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ..answer.backends import ExtractiveGenerator
from ..answer.generation import GenerationStats
from ..eval.cli import report_json
from ..eval.compare import DELTA_HEADERS, QUESTION_HEADERS, compare_reports, load_report
from ..eval.metrics import Question, Result, exact, problems
from ..eval.questions import InputError, resolve_gold
from ..eval.report import (
    CHART,
    COLUMNS,
    RESULT_HEADERS,
    TYPE_LABELS_ZH,
    Evaluation,
    result_rows,
    summary_rows,
    write_chart,
    write_markdown,
    write_xlsx,
)
from ..eval.systems import assistant_system, each_result
from ..eval.tables import read_question_file, resolve_titles
from ..pipeline import Assistant
from ..settings import Settings
from .stops import Stops
from .workdir import make_work_dir

log = logging.getLogger(__name__)

CONCURRENCY_ID = "evaluation"
KEEP_RUNS = 16  # run folders (report files) kept on disk; older ones are removed when a new run starts
# Gradio refuses uploads past this many times the question-set cap before storing them; between the cap and this
# limit our own check answers, in Chinese
_UPLOAD_SLACK = 4
_ANSWER_PREVIEW = 80
FILTERS = ("全部", "只看错误")
NO_FILE = "请先上传问题集文件(.jsonl、.csv 或 .xlsx)。"
NO_QUESTIONS = "文件里没有可以评测的问题。"
CANCELLED = "已取消评测。"
RUN_FAILED = "评测出错了,请稍后再试。"
COLUMN_LABELS = {
    "n": "题数", "cit R": "引用召回", "cit P": "引用精确", "F1": "F1", "complete": "完整", "exact": "完全正确",
    "exact≥": "完全正确下限", "R@1": "R@1", "R@4": "R@4", "R@10": "R@10", "MRR": "MRR", "contains": "含要点",
    "refusal": "拒答正确", "false ref": "误拒", "p50 ms": "p50毫秒", "p95 ms": "p95毫秒",
}
TABLE_HEADERS = ("编号", "类型", "问题", "结论", "错在哪里", "期望任务", "引用任务", "路由", "回答")


def eval_enabled(settings: Settings) -> bool:
    """ASSISTANT_WEB_EVAL when set; else on behind a login or on loopback (only this machine can reach it)."""
    if settings.web_eval is not None:
        return settings.web_eval
    if settings.web_auth.strip():
        return True
    host = settings.web_host.strip().strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def upload_limit(settings: Settings) -> int:
    """Gradio's max_file_size for these settings: 0 (no upload at all) when the 评测 tab is off."""
    return settings.web_eval_max_bytes * _UPLOAD_SLACK if eval_enabled(settings) else 0


def display_error(message: str) -> str:
    """A report's "line N: …" input error as 「第N行:…」."""
    return re.sub(r"^line (\d+): ", r"第\1行:", message)


def _path(value: Any) -> Path | None:
    """The uploaded file's path from what gr.File hands over (a path string, or a FileData-like object)."""
    if isinstance(value, (str, Path)) and str(value):
        return Path(value)
    path = getattr(value, "path", None) or (value.get("path") if isinstance(value, dict) else None)
    return Path(path) if path else None


# -- running -------------------------------------------------------------------------------------------------
def question_set(path: Path, assistant: Assistant, settings: Settings) -> tuple[list[Question], list[str]]:
    """What a run scores: the file's questions with gold resolved against the loaded notices, and the input errors
    (InputError, in Chinese, when the file cannot be used at all)."""
    questions, errors = read_question_file(path, max_rows=settings.web_eval_max_rows,
                                           max_bytes=settings.web_eval_max_bytes)
    questions, title_errors = resolve_titles(questions, assistant.notices)
    questions, gold_errors = resolve_gold(questions, assistant.notices)
    return questions, errors + title_errors + gold_errors


def scoring_assistant(assistant: Assistant, settings: Settings) -> Assistant:
    """The assistant a web run scores: a configured LLM only when web_eval_generator allows it on this machine."""
    if assistant.generation.uses_model and not settings.web_eval_generator:
        return assistant.with_generator(ExtractiveGenerator())
    return assistant


@dataclass(frozen=True)
class Run:
    """One finished run of one session: its report (as the CLI writes it), scores and files for download."""

    report: dict[str, Any]
    evaluation: Evaluation
    folder: Path

    @property
    def json_path(self) -> Path:
        return self.folder / "report.json"


def _run_folder(root: Path) -> Path:
    """A fresh folder under root/eval; only the newest KEEP_RUNS folders stay."""
    base = root / "eval"
    base.mkdir(parents=True, exist_ok=True)
    old = sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for stale in old[: max(0, len(old) - KEEP_RUNS + 1)]:
        shutil.rmtree(stale, ignore_errors=True)
    folder = base / uuid.uuid4().hex
    folder.mkdir()
    return folder


def finish(assistant: Assistant, name: str, questions: Sequence[Question], results: Sequence[Result],
           errors: Sequence[str], stats: dict[str, GenerationStats], root: Path) -> Run:
    """Score the results and write report.json, report.md, the chart and report.xlsx into a run folder."""
    evaluation = Evaluation.of("assistant", questions, results)
    report = report_json(evaluation, assistant, name, errors, stats)
    folder = _run_folder(root)
    chart: str | None = None
    try:
        chart = write_chart(evaluation, folder / CHART)
    except ImportError:
        log.warning("matplotlib is missing: no chart")
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_markdown(report, evaluation, [], chart, folder / "report.md")
    write_xlsx(report, evaluation, folder / "report.xlsx")
    return Run(report, evaluation, folder)


def progress_html(done: int, total: int, wrong: int, elapsed: float) -> str:
    """The progress bar: questions done, wrong so far, time left (from the pace so far; the time taken at the end)."""
    if done >= total:
        eta = f"全部完成,用时 {elapsed:.1f} 秒"
    elif done:
        left = elapsed / done * (total - done)
        eta = f"预计还需 {int(left // 60)} 分 {int(left % 60)} 秒" if left >= 1 else "即将完成"
    else:
        eta = "正在估算剩余时间"
    return (f'<div id="eval-progress-box" role="status"><progress value="{done}" max="{total}" '
            f'style="width:100%;height:18px"></progress>'
            f'<div class="eval-progress-text">已完成 <b>{done}</b>/{total} 题,错 <b>{wrong}</b> 题,{eta}</div></div>')


# -- showing -------------------------------------------------------------------------------------------------
def headline_html(run: Run, substituted: bool) -> str:
    """The main numbers: exact-set accuracy with its Wilson lower bound, citation scores, failures, input errors."""
    m = run.evaluation.overall

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value * 100:.1f}%"

    wrong = sum(1 for r in run.report["results"] if not r["exact"])
    parts = [
        f"<p><b>完全正确率 {pct(m.exact_set)}</b>(95% 置信下限 {pct(m.exact_set_low)}),共 {m.questions} 题,"
        f"错 {wrong} 题;引用召回 {pct(m.citation_recall)},引用精确 {pct(m.citation_precision)},"
        f"拒答正确 {pct(m.refusal_accuracy)},误拒 {pct(m.false_refusal_rate)}。</p>",
    ]
    if substituted:
        parts.append("<p>本机配置了大模型,但评测未获准使用它(ASSISTANT_WEB_EVAL_GENERATOR),"
                     "本次评测的是抽取式回答。</p>")
    return '<div id="eval-headline-box">' + "".join(parts) + "</div>"


def errors_markdown(errors: Sequence[str], limit: int = 50) -> str:
    if not errors:
        return ""
    shown = [f"- {html.escape(display_error(e))}" for e in errors[:limit]]
    more = [f"- ……还有 {len(errors) - limit} 条"] if len(errors) > limit else []
    return f"**有 {len(errors)} 行没有评测:**\n\n" + "\n".join(shown + more)


def score_table(run: Run) -> list[list[str]]:
    """The summary table of the CLI, types labelled in Chinese."""
    _, rows = summary_rows(run.evaluation)
    out = []
    for row in rows:
        name = "全部" if row[0] == "overall" else TYPE_LABELS_ZH.get(row[0], row[0])
        out.append([name, *row[1:]])
    return out


SCORE_HEADERS = ["类型", *(COLUMN_LABELS.get(c, c) for c, _ in COLUMNS)]


def shown_rows(run: Run | None, which: str) -> list[list[Any]]:
    """The question table (the answer shortened), all questions or only the failures."""
    if run is None:
        return []
    rows = [r[: len(TABLE_HEADERS)] for r in result_rows(run.report)]
    if which == FILTERS[1]:
        rows = [r for r in rows if r[3] != "正确"]
    index = RESULT_HEADERS.index("回答")
    for r in rows:
        text = str(r[index])
        r[index] = text if len(text) <= _ANSWER_PREVIEW else text[:_ANSWER_PREVIEW] + "…"
    return rows


def detail_html(assistant: Assistant, run: Run, question_id: str) -> str:
    """One question opened: its full answer, why it is wrong, the cited tasks' text and the missing ones."""
    pairs = {q.id: (q, r) for q, r in run.evaluation.pairs}
    if question_id not in pairs:
        return ""
    q, r = pairs[question_id]
    verdict = "正确" if exact(q, r) else "错误:" + ";".join(problems(q, r) or ["未完全匹配"])
    several = len(assistant.notices) > 1

    def task_block(doc: str, number: int, note: str = "") -> str:
        try:
            notice = assistant.notice_by_id(doc)
            task = notice.task(number)
        except KeyError:
            return f"<li>【任务{number}】(未找到)</li>"
        where = f"《{html.escape(notice.plan_title or notice.meta.title)}》" if several else ""
        units = ";".join(p for p in (f"主办:{'、'.join(task.leads)}" if task.leads else "",
                                      f"协办:{'、'.join(task.assists)}" if task.assists else "") if p)
        return (f"<li><b>{where}【任务{number}】</b>{html.escape(note)}<div style='white-space:pre-wrap'>"
                f"{html.escape(task.body or task.text)}</div><div><small>{html.escape(units)}</small></div></li>")

    cited = "".join(task_block(d, n, "" if (d, n) in set(q.gold) else "(不在期望任务中)") for d, n in r.refs)
    missing = "".join(task_block(d, n) for d, n in q.gold if (d, n) not in set(r.refs))
    out = [
        f"<h4>{html.escape(q.id)}:{html.escape(q.question)}</h4>",
        f"<p><b>结论:</b>{html.escape(verdict)};路由:{html.escape(r.route)}</p>",
    ]
    if q.history:
        out.append(f"<p><b>对话历史:</b>{html.escape(' / '.join(q.history))}</p>")
    out.append(f"<p><b>完整回答:</b></p><div class='eval-answer' style='white-space:pre-wrap'>{html.escape(r.answer)}</div>")
    out.append(f"<p><b>引用的任务({len(r.refs)}):</b></p><ul>{cited or '<li>无</li>'}</ul>")
    if missing:
        out.append(f"<p><b>漏掉的期望任务:</b></p><ul>{missing}</ul>")
    return '<div id="eval-detail-box">' + "".join(out) + "</div>"


# -- the tab -------------------------------------------------------------------------------------------------
def evaluation_tab(assistant: Assistant, settings: Settings | None = None, files_dir: Path | None = None) -> None:
    """The 评测 tab (inside the caller's gr.Tabs) and the `/evaluate` endpoint, in one concurrency group of 1."""
    settings = settings or assistant.settings
    root = files_dir or make_work_dir()
    scorer = scoring_assistant(assistant, settings)
    substituted = scorer is not assistant
    max_mb = settings.web_eval_max_bytes / 1e6

    # Cancelling is cooperative (see stops.py): 取消评测 flags the session's run, which stops after its current question
    # and writes 已取消评测 as its own last update.
    stops = Stops()

    def run_tab(upload: Any, shown: Any, request: gr.Request) -> Iterator[dict[Any, Any]]:
        with stops.run(request) as stop:
            yield from run_steps(upload, shown, stop)

    def cancel_run(request: gr.Request) -> None:
        stops.stop(request)

    def run_steps(upload: Any, shown: Any, stop: threading.Event) -> Iterator[dict[Any, Any]]:
        path = _path(upload)
        if path is None:
            yield {progress: _message(NO_FILE)}
            return
        try:
            questions, errors = question_set(path, assistant, settings)
        except InputError as exc:
            yield {progress: _message(str(exc)), input_errors: ""}
            return
        if not questions:
            yield {progress: _message(NO_QUESTIONS), input_errors: errors_markdown(errors)}
            return
        started = time.monotonic()
        yield {progress: progress_html(0, len(questions), 0, 0.0), input_errors: errors_markdown(errors),
               headline: "", detail: ""}
        stats: dict[str, GenerationStats] = {}
        results: list[Result] = []
        wrong = 0
        last = 0.0
        try:
            for result in each_result(assistant_system(scorer, stats), questions, errors):
                if stop.is_set():
                    yield {progress: _message(CANCELLED)}
                    return
                wrong += not exact(questions[len(results)], result)
                results.append(result)
                if time.monotonic() - last >= 0.2 or len(results) == len(questions):
                    last = time.monotonic()
                    yield {progress: progress_html(len(results), len(questions), wrong, last - started)}
            run = finish(scorer, path.name, questions, results, errors, stats, root)
        except Exception:  # noqa: BLE001 - the page shows a message, the log keeps the traceback
            log.exception("evaluation run failed")
            yield {progress: _message(RUN_FAILED)}
            return
        yield {
            state: run,
            progress: progress_html(len(results), len(questions), wrong, time.monotonic() - started),
            input_errors: errors_markdown(run.report["errors"]),
            headline: headline_html(run, substituted),
            scores: score_table(run),
            chart: str(run.folder / CHART) if (run.folder / CHART).exists() else None,
            table: shown_rows(run, shown if shown in FILTERS else FILTERS[0]),
            detail: "",
            download_json: gr.DownloadButton(value=str(run.json_path), visible=True),
            download_md: gr.DownloadButton(value=str(run.folder / "report.md"), visible=True),
            download_xlsx: gr.DownloadButton(value=str(run.folder / "report.xlsx"), visible=True),
        }

    def refilter(run: Any, which: Any) -> list[list[Any]]:
        return shown_rows(run if isinstance(run, Run) else None, which if which in FILTERS else FILTERS[0])

    def open_row(run: Any, which: Any, data: gr.SelectData) -> str:
        if not isinstance(run, Run):
            return ""
        rows = refilter(run, which)
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if not isinstance(index, int) or not 0 <= index < len(rows):
            return ""
        return detail_html(assistant, run, str(rows[index][0]))

    def compare(first: Any, second: Any) -> tuple[str, list[list[Any]], list[list[Any]]]:
        paths = [_path(first), _path(second)]
        if None in paths:
            return _message("请上传两份评测报告(评测后下载的 JSON)。"), [], []
        try:
            a = load_report(paths[0], "报告 A ")  # type: ignore[arg-type]
            b = load_report(paths[1], "报告 B ")  # type: ignore[arg-type]
        except InputError as exc:
            return _message(str(exc)), [], []
        result = compare_reports(a, b)
        head = (f"<p id='eval-compare-head'>A:{html.escape(str(a.get('questions_file', '')))}({html.escape(str(a.get('created', '')))}),"
                f"B:{html.escape(str(b.get('questions_file', '')))}({html.escape(str(b.get('created', '')))})。"
                f"{html.escape(result.headline())}</p>")
        return head, result.deltas, result.questions

    def evaluate_api(questions_file: Any) -> dict[str, Any]:
        """Evaluate an uploaded question set (.jsonl, .csv or .xlsx): the report JSON of
        `python -m assistant.eval --output` (summary, results, wrong, errors); {"status": 400, "error": …} for
        unusable input."""
        path = _path(questions_file)
        if path is None:
            return {"status": 400, "error": NO_FILE}
        try:
            questions, errors = question_set(path, assistant, settings)
        except InputError as exc:
            return {"status": 400, "error": str(exc)}
        if not questions:
            return {"status": 400, "error": NO_QUESTIONS, "errors": errors}
        try:
            stats: dict[str, GenerationStats] = {}
            results = list(each_result(assistant_system(scorer, stats), questions, errors))
            return finish(scorer, path.name, questions, results, errors, stats, root).report
        except Exception:  # noqa: BLE001 - an API caller gets a message, the log keeps the traceback
            log.exception("evaluation via /evaluate failed")
            return {"status": 500, "error": RUN_FAILED}

    generator_note = ("本机配置了大模型;评测只在 ASSISTANT_WEB_EVAL_GENERATOR=true 时用它,否则评测抽取式回答。"
                      if assistant.generation.uses_model else "")
    with gr.Tab("评测", id="evaluate"):
        gr.Markdown(
            "上传问题集,逐题运行本助手并打分(与命令行 `python -m assistant.eval` 的分数相同)。"
            "格式:JSONL(见 eval/README.md),或 CSV / XLSX 表格,第一行为表头:"
            "**问题**(必填)、期望任务(如「2、3、5」「任务2,任务3」「《标题》任务3」)、答案应包含、"
            f"应拒答(是/否)、类型、对话历史。最多 {settings.web_eval_max_rows} 题、{max_mb:.1f} MB。{generator_note}",
            elem_id="eval-intro",
        )
        state = gr.State(None)
        with gr.Row():
            upload = gr.File(label="问题集(.jsonl / .csv / .xlsx)", file_count="single", elem_id="eval-upload",
                             scale=3)
            with gr.Column(scale=1, min_width=160):
                run_button = gr.Button("开始评测", variant="primary", elem_id="eval-run")
                cancel_button = gr.Button("取消评测", variant="stop", elem_id="eval-cancel")
        progress = gr.HTML(elem_id="eval-progress")
        input_errors = gr.Markdown(elem_id="eval-errors")
        headline = gr.HTML(elem_id="eval-headline")
        with gr.Row():
            download_json = gr.DownloadButton("下载 JSON", visible=False, elem_id="eval-download-json")
            download_md = gr.DownloadButton("下载 Markdown", visible=False, elem_id="eval-download-md")
            download_xlsx = gr.DownloadButton("下载 XLSX", visible=False, elem_id="eval-download-xlsx")
        scores = gr.Dataframe(headers=SCORE_HEADERS, interactive=False, wrap=True, label="各类型得分",
                              elem_id="eval-scores")
        chart = gr.Image(label="各类型得分图", type="filepath", interactive=False, elem_id="eval-chart",
                         buttons=[])
        which = gr.Radio(list(FILTERS), value=FILTERS[0], label="逐题结果", elem_id="eval-filter")
        table = gr.Dataframe(headers=list(TABLE_HEADERS), interactive=False, wrap=True, max_height=520,
                             label="点击一行查看完整回答和引用的任务", elem_id="eval-table")
        detail = gr.HTML(elem_id="eval-detail")
        with gr.Accordion("对比两份报告", open=False, elem_id="eval-compare"):
            gr.Markdown("上传两份已保存的评测报告(本页下载的 JSON,或 `python -m assistant.eval --output` 的文件),"
                        "逐题对比,结论有变化的排在前面。不会现场运行两个系统。")
            with gr.Row():
                report_a = gr.File(label="报告 A(JSON)", file_count="single", elem_id="eval-report-a")
                report_b = gr.File(label="报告 B(JSON)", file_count="single", elem_id="eval-report-b")
            compare_button = gr.Button("对比", elem_id="eval-compare-run")
            compare_head = gr.HTML(elem_id="eval-compare-headline")
            deltas = gr.Dataframe(headers=list(DELTA_HEADERS), interactive=False, label="汇总变化",
                                  elem_id="eval-deltas")
            changes = gr.Dataframe(headers=list(QUESTION_HEADERS), interactive=False, wrap=True, max_height=520,
                                   label="逐题对比", elem_id="eval-changes")
        # the /evaluate endpoint: its own (hidden) input and output, so API callers upload through gradio_client
        api_file = gr.File(visible=False)
        api_report = gr.JSON(visible=False)
        api_button = gr.Button(visible=False)

    outputs = [state, progress, input_errors, headline, scores, chart, table, detail, download_json, download_md,
               download_xlsx]
    run_button.click(run_tab, [upload, which], outputs, api_visibility="private", show_progress="hidden",
                               concurrency_id=CONCURRENCY_ID, concurrency_limit=1)
    cancel_button.click(cancel_run, None, None, api_visibility="private", queue=False)
    which.change(refilter, [state, which], table, api_visibility="private", queue=False)
    table.select(open_row, [state, which], detail, api_visibility="private", queue=False)
    compare_button.click(compare, [report_a, report_b], [compare_head, deltas, changes], api_visibility="private")
    api_button.click(evaluate_api, [api_file], api_report, api_name="evaluate", concurrency_id=CONCURRENCY_ID,
                     concurrency_limit=1)


def _message(text: str) -> str:
    return f'<div class="eval-message" role="alert">{html.escape(text)}</div>'
