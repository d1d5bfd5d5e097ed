"""The real page in a real browser: Debian's chromium driven by Playwright against the real app.py server.

Set ASSISTANT_SCREENSHOT=docs/screenshot.png to refresh the README's screenshot while the test runs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..web_server import Server
from .conftest import TIMEOUT_MS, browser_marks

HERE = Path(__file__).resolve().parent

XSS = "<img src=x onerror=alert(1)>"

pytestmark = browser_marks()

# Records how the last answer's text grew, and whether any script ran that should not have.
OBSERVER_JS = """
() => {
  window.__lengths = [];
  const chat = document.querySelector('#chatbot');
  const record = () => {
    const answers = chat.querySelectorAll('.answer');
    if (answers.length) window.__lengths.push(answers[answers.length - 1].innerText.length);
  };
  new MutationObserver(record).observe(chat, {subtree: true, childList: true, characterData: true});
}
"""


class Page:
    """One browser session (its own context) on the chat page, with every dialog recorded and dismissed."""

    def __init__(self, browser: Any, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 1500}, locale="zh-CN", accept_downloads=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def ask(self, question: str) -> None:
        answers = self.answer_count()
        self.page.fill("#question textarea", question)
        self.page.press("#question textarea", "Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('#chatbot .answer').length > n"
            " && !document.querySelector('#chatbot .answer .pending')",
            arg=answers,
        )

    def answer_count(self) -> int:
        return int(self.page.locator("#chatbot .answer").count())

    def last_answer(self) -> Any:
        return self.page.locator("#chatbot .answer").last

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def chat(browser: Any, web_server: Server) -> Iterator[Page]:
    page = Page(browser, web_server.url)
    yield page
    page.close()


def test_page_has_title_description_examples_and_clear(chat: Page) -> None:
    page = chat.page
    assert page.title() == "政府工作任务问答助手"
    header = page.locator("#header").inner_text()
    assert "政府工作任务问答助手" in header and "2024年" in header and "任务编号" in header
    for example in ("区商务局负责哪些任务?", "停车泊位今年新增多少?", "区长是谁?"):
        assert page.get_by_role("button", name=example).is_visible()
    assert page.locator("#clear").is_visible()
    # no maxlength: a long paste is kept and said to be too long (tests/apps/test_chat_ux.py), never cut silently
    assert page.locator("#question textarea").get_attribute("maxlength") is None
    assert "/ 500 字" in page.locator("#char-count").inner_text()


def test_answer_streams_with_openable_citations(chat: Page, tmp_path: Path) -> None:
    page = chat.page
    page.evaluate(OBSERVER_JS)
    chat.ask("区商务局负责哪些任务?")
    answer = chat.last_answer()
    text = answer.inner_text()
    assert "区商务局" in text and "【任务2】" in text and "【任务15】" in text
    lengths = page.evaluate("window.__lengths")
    assert len(set(lengths)) >= 4, f"the answer did not appear progressively: {lengths}"
    citations = answer.locator(".sources details")
    assert citations.count() == 9
    first = citations.first
    body = first.locator(".source-body")
    assert not body.is_visible()
    first.locator("summary").click()
    body.wait_for(state="visible")
    opened = body.inner_text()
    assert "社会消费品零售总额增长6%以上" in opened and "外贸进出口" in opened
    assert "第一部分" in opened and "主办:区商务局" in opened
    shot = Path(os.environ.get("ASSISTANT_SCREENSHOT") or tmp_path / "screenshot.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    answer.scroll_into_view_if_needed()
    page.locator("#chatbot .user-text").first.scroll_into_view_if_needed()
    note = page.locator("#chat-note").bounding_box()
    height = int(note["y"] + note["height"] + 24) if note else 1500
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": min(height, 1500)})
    assert shot.stat().st_size > 20_000
    assert chat.dialogs == []


def test_html_in_a_question_is_shown_as_text(chat: Page) -> None:
    page = chat.page
    page.evaluate("window.__xss = 0")
    chat.ask(XSS)
    chat.ask('<script>window.__xss = 1</script><b onmouseover="window.__xss=2">粗体</b>')
    bubble = page.locator("#chatbot .user-text").first
    assert bubble.inner_text() == XSS
    assert page.get_by_text(XSS, exact=True).is_visible()
    assert page.locator("#chatbot img[src='x'], #chatbot script, #chatbot .user-text b").count() == 0
    page.locator("#chatbot .user-text").last.hover()
    time.sleep(0.3)
    assert chat.dialogs == []
    assert page.evaluate("window.__xss") == 0


def test_refusals_look_different(chat: Page) -> None:
    chat.ask("区长是谁?")
    refusal = chat.page.locator("#chatbot .answer").nth(chat.answer_count() - 1)
    assert "refusal" in (refusal.get_attribute("class") or "")
    assert "无法回答" in refusal.inner_text()
    assert refusal.locator(".sources").count() == 0
    chat.ask("江豚公园谁负责?")
    normal = chat.page.locator("#chatbot .answer").nth(chat.answer_count() - 1)
    assert "refusal" not in (normal.get_attribute("class") or "")
    colours = [el.evaluate("e => getComputedStyle(e).backgroundColor") for el in (refusal, normal)]
    assert colours[0] != colours[1]


def test_each_browser_session_has_its_own_conversation(browser: Any, web_server: Server, chat: Page) -> None:
    chat.ask("区教育局负责哪些任务?")
    other = Page(browser, web_server.url)
    try:
        assert other.answer_count() == 0
        other.ask("那协办呢?")  # no history here: not a follow-up of the other session's question
        assert "区教育局" not in other.last_answer().inner_text()
        assert chat.answer_count() == 1
        chat.ask("那协办呢?")
        assert "区教育局协办" in chat.last_answer().inner_text()
    finally:
        other.close()


def test_clear_forgets_the_conversation(chat: Page) -> None:
    chat.ask("区教育局负责哪些任务?")
    chat.page.locator("#clear").click()
    chat.page.wait_for_function("document.querySelectorAll('#chatbot .answer').length === 0")
    chat.ask("那协办呢?")
    assert chat.answer_count() == 1
    assert "区教育局" not in chat.last_answer().inner_text()


def test_feedback_is_appended(chat: Page, web_server: Server) -> None:
    before = web_server.feedback_path.read_text(encoding="utf-8").splitlines() if web_server.feedback_path.exists() else []
    chat.ask("停车泊位今年新增多少?")
    chat.page.locator("#chatbot").get_by_role("button", name="有用").last.click()
    deadline = time.monotonic() + 15
    lines = before
    while time.monotonic() < deadline and len(lines) == len(before):
        time.sleep(0.2)
        lines = web_server.feedback_path.read_text(encoding="utf-8").splitlines() if web_server.feedback_path.exists() else []
    assert len(lines) == len(before) + 1
    record = json.loads(lines[-1])
    assert record["question"] == "停车泊位今年新增多少?" and record["rating"] == "有用"
    assert record["citations"] == [43] and "600" in record["answer"] and record["time"]


def test_unit_tab_filters_and_downloads_csv(chat: Page) -> None:
    page = chat.page
    page.get_by_role("tab", name="部门任务一览").click()
    table = page.locator("#unit-table")
    table.wait_for(state="visible")
    assert "区商务局" in table.inner_text() and "区教育局" in table.inner_text()
    page.get_by_label("筛选单位").fill("商务局")
    page.wait_for_function("!document.querySelector('#unit-table').innerText.includes('区教育局')")
    shown = table.inner_text()
    assert "区商务局" in shown and "2、3、5、7、9、10、11、13、15" in shown
    with page.expect_download() as download:
        page.locator("#download-csv").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["单位", "类型", "主办任务", "协办任务", "主办数", "协办数"]
    assert ["区商务局", "部门", "2、3、5、7、9、10、11、13、15", "", "9", "0"] in rows
    assert all("区教育局" != row[0] for row in rows)
