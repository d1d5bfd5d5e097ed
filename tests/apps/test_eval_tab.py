"""The 评测 tab in a real browser: headless Chromium against the real app.py server (on loopback, so the tab is on).

An evaluator uploads a CSV with bad rows, watches the progress, filters the failures, opens one, downloads the XLSX;
a long run is cancelled; the full eval/questions.jsonl scores in the tab exactly as with the CLI.
ASSISTANT_SCREENSHOT_EVAL=docs/screenshot_eval.png refreshes the README's screenshot of the tab while the tests run.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assistant.eval.report import RESULT_HEADERS
from assistant.records import Notice

from ..web_server import Server
from .conftest import QUESTIONS, TIMEOUT_MS, browser_marks, headline, scores, verdicts

pytestmark = browser_marks()

SHEET_HEADER = ["问题", "期望任务", "答案应包含", "应拒答", "类型", "对话历史"]
RUN_TIMEOUT_MS = 240_000
# Every text #eval-progress shows, in order, recorded as the page changes it.
PROGRESS_OBSERVER_JS = """
() => {
  window.__progress = [];
  const box = document.querySelector('#eval-progress');
  const record = () => {
    const text = box.innerText.trim();
    if (text && window.__progress[window.__progress.length - 1] !== text) window.__progress.push(text);
  };
  new MutationObserver(record).observe(box, {subtree: true, childList: true, characterData: true});
}
"""


class EvalPage:
    """One browser session on the 评测 tab."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 1500}, locale="zh-CN",
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")
        self.page.get_by_role("tab", name="评测").click()
        self.page.locator("#eval-run").wait_for(state="visible")

    def start(self, path: Path) -> None:
        """Upload a question file (clearing an earlier one), wait until it is up, start the run, progress recorded."""
        chosen = self.page.locator("#eval-upload input[type=file]")
        if not chosen.count():
            # Gradio's zh-CN label for its clear button is 清空对话
            self.page.locator("#eval-upload").get_by_role("button", name=re.compile("^(清空对话|清除|Clear)$")).click()
        chosen.set_input_files(str(path))
        self.page.wait_for_function("name => document.querySelector('#eval-upload').innerText.includes(name)",
                                    arg=path.stem)
        self.page.evaluate(PROGRESS_OBSERVER_JS)
        self.page.locator("#eval-run").click()

    def run(self, path: Path) -> None:
        """Start a run and wait for its headline scores."""
        self.start(path)
        self.page.locator("#eval-headline-box").wait_for(state="visible", timeout=RUN_TIMEOUT_MS)

    def progress(self) -> list[str]:
        return list(self.page.evaluate("window.__progress"))

    def rows(self) -> list[list[str]]:
        """The question table's rendered rows (it renders those in view), cells as shown (answers shortened)."""
        return list(self.page.evaluate(
            "() => [...document.querySelectorAll('#eval-table [role=row].virtual-row')].map("
            "row => [...row.querySelectorAll('[role=gridcell]')].map(cell => cell.innerText.trim()))"))

    def wait_for_rows(self, count: int) -> None:
        """Until the question table holds `count` rows (the grid's aria-rowcount counts the header too)."""
        self.page.wait_for_function(
            "n => document.querySelector('#eval-table [role=grid]')?.getAttribute('aria-rowcount') === String(n + 1)",
            arg=count)

    def open_row(self, index: int) -> str:
        """Click a row's question cell: the opened detail's text."""
        self.page.locator(f"#eval-table [data-testid='cell-{index}-2']").click()
        detail = self.page.locator("#eval-detail-box")
        detail.wait_for(state="visible")
        return str(detail.inner_text())

    def download(self, elem_id: str, folder: Path) -> Path:
        """Click a download button; the file, saved under the name the browser was given."""
        with self.page.expect_download() as download:
            self.page.locator(f"#{elem_id}").click()
        path = folder / download.value.suggested_filename
        download.value.save_as(path)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def tab(browser: Any, web_server: Server) -> Iterator[EvalPage]:
    page = EvalPage(browser, web_server.url)
    yield page
    page.close()


def _unit_tasks(notice: Notice, unit: str) -> list[int]:
    """The tasks a unit leads or assists, from the parsed records."""
    return [t.number for t in notice.tasks if unit in t.leads or unit in t.assists]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([SHEET_HEADER, *rows])
    return path


def test_csv_with_bad_rows_progress_failures_detail_and_xlsx(tab: EvalPage, notice: Notice, tmp_path: Path) -> None:
    commerce = _unit_tasks(notice, "区商务局")
    parking = [t.number for t in notice.tasks if "停车泊位" in t.text]
    porpoise = [t.number for t in notice.tasks if "江豚" in t.text]
    assert commerce and len(parking) == 1 and len(porpoise) == 1
    wrong_gold = next(n for n in (1, 2, 3) if n not in porpoise)  # a row that must fail: gold it cannot cite
    path = _write_csv(tmp_path / "评测题.csv", [
        ["区商务局负责哪些任务?", "、".join(map(str, commerce)), "", "否", "部门职责", ""],   # row 2
        ["", "3", "", "", "", ""],                                                            # row 3: no question
        ["停车泊位今年新增多少?", f"任务{parking[0]}", "600", "否", "目标数字", ""],          # row 4
        ["区教育局负责哪些任务?", "abc", "", "", "", ""],                                     # row 5: bad gold
        ["区长是谁?", "", "", "是", "应拒答", ""],                                            # row 6
        ["江豚公园谁负责?", str(wrong_gold), "", "否", "牵头单位", ""],                       # row 7: fails
    ])
    tab.run(path)
    page = tab.page

    errors = page.locator("#eval-errors").inner_text()
    assert "有 2 行没有评测" in errors
    assert "第3行:「问题」是空的" in errors
    assert "第5行:期望任务「abc」不是任务编号" in errors
    assert "第2行" not in errors and "第7行" not in errors

    seen = tab.progress()
    assert any("已完成" in p and "错" in p for p in seen), seen
    final = page.locator("#eval-progress").inner_text()
    assert "已完成 4/4 题" in final and "错 1 题" in final

    head = page.locator("#eval-headline-box").inner_text()
    assert "完全正确率 75.0%" in head and "共 4 题" in head and "错 1 题" in head
    page.locator("#eval-scores").wait_for(state="visible")
    assert page.locator("#eval-chart img").count() == 1

    tab.wait_for_rows(4)
    rows = tab.rows()
    assert [r[0] for r in rows] == ["row2", "row4", "row6", "row7"]
    assert [r[3] for r in rows] == ["正确", "正确", "正确", "错误"]
    page.get_by_label("只看错误").check()
    tab.wait_for_rows(1)
    failures = tab.rows()
    assert [r[0] for r in failures] == ["row7"] and failures[0][2] == "江豚公园谁负责?"

    text = tab.open_row(0)
    assert "江豚公园谁负责?" in text and "完整回答" in text
    assert "引用的任务(1)" in text and f"【任务{porpoise[0]}】" in text
    assert notice.task(porpoise[0]).body[:20] in text  # the cited task's own text, opened
    assert "漏掉的期望任务" in text and f"【任务{wrong_gold}】" in text

    xlsx = tab.download("eval-download-xlsx", tmp_path)
    assert xlsx.suffix == ".xlsx"
    book = load_workbook(xlsx, read_only=True)
    try:
        assert book.sheetnames == ["汇总", "逐题", "输入错误"]
        questions = list(book["逐题"].iter_rows(values_only=True))
        assert list(questions[0]) == list(RESULT_HEADERS)
        assert [r[0] for r in questions[1:]] == ["row2", "row4", "row6", "row7"]
        assert [r[3] for r in questions[1:]] == ["正确", "正确", "正确", "错误"]
        summary = list(book["汇总"].iter_rows(values_only=True))
        assert summary[0][0] == "type" and summary[1][0] == "overall" and summary[1][1] == 4
        assert [r[0] for r in list(book["输入错误"].iter_rows(values_only=True))[1:]] == [
            e for e in json.loads(tab.download("eval-download-json", tmp_path).read_text(encoding="utf-8"))["errors"]]
    finally:
        book.close()


def test_a_long_run_shows_time_left_and_can_be_cancelled(tab: EvalPage, tmp_path: Path) -> None:
    rows = [[q, "", "", "", "", ""] for q in ("区商务局负责哪些任务?", "江豚公园谁负责?", "区长是谁?", "停车泊位今年新增多少?")]
    path = _write_csv(tmp_path / "long.csv", rows * 500)  # 2000 questions: the cap, and many seconds of work
    tab.start(path)
    page = tab.page
    page.wait_for_function("() => (window.__progress || []).some(t => /已完成 [1-9]\\d*\\/2000 题/.test(t))",
                           timeout=RUN_TIMEOUT_MS)
    running = [p for p in tab.progress() if "/2000 题" in p]
    assert any("错 " in p and ("预计还需" in p or "即将完成" in p) for p in running), running
    page.locator("#eval-cancel").click()
    page.locator("#eval-progress").get_by_text("已取消评测").wait_for()
    page.wait_for_timeout(2000)  # a run that was not stopped would update the progress or show its scores
    assert "已取消评测" in page.locator("#eval-progress").inner_text()
    assert page.locator("#eval-headline-box").count() == 0
    assert not page.locator("#eval-download-xlsx").is_visible()
    # the one evaluation slot is free again: a small run right after goes through
    tab.run(_write_csv(tmp_path / "small.csv", [["区长是谁?", "", "", "是", "", ""]]))
    assert "共 1 题" in page.locator("#eval-headline-box").inner_text()


def test_full_question_set_scores_as_the_cli(tab: EvalPage, cli_report: dict[str, Any], tmp_path: Path) -> None:
    tab.run(QUESTIONS)
    page = tab.page
    report = json.loads(tab.download("eval-download-json", tmp_path).read_text(encoding="utf-8"))
    assert report["errors"] == cli_report["errors"] == []
    assert scores(report) == scores(cli_report)
    assert verdicts(report) == verdicts(cli_report)
    print(f"\n评测 tab: {headline(report)}\nCLI:     {headline(cli_report)}")
    wrong = [r["id"] for r in report["results"] if not r["exact"]]
    assert wrong, "the screenshot shows a failure opened; the set has none left"
    tab.wait_for_rows(len(report["results"]))
    page.get_by_label("只看错误").check()
    tab.wait_for_rows(len(wrong))
    assert {r[0] for r in tab.rows()} <= set(wrong) and all(r[3] == "错误" for r in tab.rows())
    assert wrong[0] in tab.open_row(0)
    shot = Path(os.environ.get("ASSISTANT_SCREENSHOT_EVAL") or tmp_path / "screenshot_eval.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.locator("#eval-intro").scroll_into_view_if_needed()
    detail = page.locator("#eval-detail-box").bounding_box()
    top = page.locator("#eval-intro").bounding_box()
    assert detail and top
    bottom = detail["y"] + detail["height"] + 16
    page.screenshot(path=str(shot), full_page=True,
                    clip={"x": 0, "y": max(0, top["y"] - 60), "width": 1280, "height": bottom - max(0, top["y"] - 60)})
    assert shot.stat().st_size > 30_000
