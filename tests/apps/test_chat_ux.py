"""What chat users expect, checked in the real page: headless Chromium against the real app.py server.

Contrast is measured on the real elements (computed colours, the effective background found by walking up the
ancestors, opacity included), sizes by their bounding boxes, in light and dark schemes, desktop and 390×844.
ASSISTANT_SCREENSHOT_PHONE=docs/screenshot_phone.png refreshes the README's phone screenshot while the tests run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..web_server import Server
from .conftest import TIMEOUT_MS, browser_marks

pytestmark = browser_marks()

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_CONTRAST = 4.5
MIN_TAP = 40
CJK = re.compile(r"[\u4e00-\u9fff]")

# Every visible text node's element (and every placeholder) with its contrast ratio against the background it is
# drawn on: WCAG relative luminance, translucent backgrounds and opacities blended up to the first opaque one.
CONTRAST_JS = r"""
() => {
  const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r:p[0],g:p[1],b:p[2],a:p.length>3?p[3]:1}; };
  const lum = (c) => { const f = v => { v/=255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); }; return 0.2126*f(c.r)+0.7152*f(c.g)+0.0722*f(c.b); };
  const blend = (top, bottom) => ({r: top.r*top.a + bottom.r*(1-top.a), g: top.g*top.a + bottom.g*(1-top.a), b: top.b*top.a + bottom.b*(1-top.a), a: 1});
  const background = (el) => { const layers = []; for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; } } let bg = {r:255,g:255,b:255,a:1}; if (layers.length && layers[layers.length-1].a >= 1) bg = layers.pop(); else { const root = parse(getComputedStyle(document.documentElement).backgroundColor); if (root && root.a > 0) bg = root; } for (let i = layers.length-1; i >= 0; i--) bg = blend(layers[i], bg); return bg; };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x,y)+0.05)/(Math.min(x,y)+0.05); };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const t = walker.currentNode; if (!t.textContent.trim()) continue;
    const el = t.parentElement; if (!el || seen.has(el)) continue; seen.add(el);
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || el.closest('[hidden], script, style')) continue;
    let op = 1; for (let e = el; e; e = e.parentElement) op *= Number(getComputedStyle(e).opacity);
    if (op === 0) continue;
    const fg = parse(s.color); const bg = background(el);
    const fgb = blend({...fg, a: fg.a*op}, bg);
    out.push({text: t.textContent.trim().slice(0, 30), tag: el.tagName, cls: el.className && el.className.baseVal === undefined ? el.className : '', ratio: Math.round(ratio(fgb, bg)*100)/100, fg: s.color, bg: `rgb(${bg.r|0},${bg.g|0},${bg.b|0})`});
  }
  for (const el of document.querySelectorAll('textarea, input')) {
    const s = getComputedStyle(el, '::placeholder'); const fg = parse(s.color); const bg = background(el);
    if (el.placeholder) out.push({text: 'PLACEHOLDER ' + el.placeholder.slice(0, 20), tag: el.tagName, cls: '', ratio: Math.round(ratio(blend(fg, bg), bg)*100)/100, fg: s.color, bg: `rgb(${bg.r|0},${bg.g|0},${bg.b|0})`});
  }
  return out;
}
"""

BOX_JS = "e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
# the boxes of each selector's elements once the layout has stopped moving (the same for 5 frames in a row, at most
# ~3 s): an answer is laid out again after its last update arrives, and a box measured during that is not where it ends
SETTLED_BOXES_JS = """async selectors => {
  const measure = () => selectors.map(s => [...document.querySelectorAll(s)].map(e => {
    const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }));
  let last = JSON.stringify(measure()), same = 0;
  for (let i = 0; i < 180 && same < 5; i++) {
    await new Promise(r => requestAnimationFrame(r));
    const now = JSON.stringify(measure());
    same = now === last ? same + 1 : 0; last = now;
  }
  return JSON.parse(last);
}"""


class Chat:
    """The chat page in its own browser context: a viewport, a colour scheme and a browser locale."""

    def __init__(self, browser: Any, url: str, viewport: dict[str, int], scheme: str = "light",
                 locale: str = "zh-CN") -> None:
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.goto(url)
        self.page.wait_for_selector("#question textarea")

    def ask(self, question: str) -> Any:
        answers = self.page.locator("#chatbot .answer").count()
        self.page.fill("#question textarea", question)
        self.page.press("#question textarea", "Enter")
        self.wait_for_answer(answers)
        return self.page.locator("#chatbot .answer").last

    def wait_for_answer(self, before: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('#chatbot .answer').length > n"
            " && !document.querySelector('#chatbot .answer .pending')",
            arg=before,
        )

    def contrast(self) -> list[dict[str, Any]]:
        return list(self.page.evaluate(CONTRAST_JS))

    def box(self, locator: Any) -> dict[str, float]:
        return dict(locator.evaluate(BOX_JS))

    def settled_boxes(self, *selectors: str) -> list[list[dict[str, float]]]:
        return list(self.page.evaluate(SETTLED_BOXES_JS, list(selectors)))

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def open_chat(browser: Any, web_server: Server) -> Iterator[Any]:
    opened: list[Chat] = []

    def make(viewport: dict[str, int] = DESKTOP, scheme: str = "light", locale: str = "zh-CN") -> Chat:
        opened.append(Chat(browser, web_server.url, viewport, scheme, locale))
        return opened[-1]

    yield make
    for chat in opened:
        chat.close()


def low_contrast(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['ratio']}:1 {r['tag']}.{r['cls']} {r['text']!r} ({r['fg']} on {r['bg']})"
            for r in rows if r["ratio"] < MIN_CONTRAST]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_text_reaches_4_5_to_1(open_chat: Any, scheme: str, viewport: dict[str, int]) -> None:
    chat = open_chat(viewport, scheme)
    answer = chat.ask("区商务局负责哪些任务?")
    # a DOM click: the chat's autoscroll may move the summary under a pointer click (opening is tested elsewhere)
    answer.locator(".sources summary").first.dispatch_event("click")
    answer.locator(".source-text").first.wait_for(state="visible")
    chat.ask("区长是谁?")
    chat.ask("a" * 600)  # the too-long message, and the counter's over-limit warning
    rows = chat.contrast()
    assert low_contrast(rows) == []
    checked = {r["cls"] for r in rows}
    # the elements the issue found unreadable are among those measured, with their real colours
    assert {"source-text", "refusal-head", "sources-head", "char-count over"} <= checked, checked
    source = next(r for r in rows if r["cls"] == "source-text")
    assert source["fg"] != source["bg"]
    if scheme == "dark":
        assert chat.page.evaluate("document.body.classList.contains('dark')")


def test_phone_layout_input_full_width_send_visible_tap_targets(open_chat: Any, tmp_path: Path) -> None:
    chat = open_chat(PHONE, "dark")
    page = chat.page
    field = chat.box(page.locator("#question"))
    assert field["width"] >= PHONE["width"] * 0.8, field
    send = page.get_by_role("button", name="发送")
    box = chat.box(send)
    assert 0 <= box["y"] and box["y"] + box["height"] <= PHONE["height"], f"send button below the fold: {box}"
    assert min(box["width"], box["height"]) >= MIN_TAP
    chat.ask("区商务局负责哪些任务?")
    page.locator("#followups button.followup").first.wait_for(state="visible")
    targets = {
        "有用": page.locator("#chatbot").get_by_role("button", name="有用").last,
        "没用": page.locator("#chatbot").get_by_role("button", name="没用").last,
        "复制回答": page.locator("#chatbot .copy-answer").last,
        "发送": send,
        "清空对话": page.locator("#clear"),
        "问答": page.get_by_role("tab", name="问答"),
        "follow-up": page.locator("#followups button.followup").first,
        "example": page.locator("#examples button").first,
        "citation": page.locator("#chatbot .sources summary").first,
    }
    sizes = {name: chat.box(loc) for name, loc in targets.items()}
    small = {n: (round(b["width"]), round(b["height"])) for n, b in sizes.items()
             if min(b["width"], b["height"]) < MIN_TAP}
    assert small == {}, f"tap targets under {MIN_TAP} px: {small}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    shot = Path(os.environ.get("ASSISTANT_SCREENSHOT_PHONE") or tmp_path / "screenshot_phone.png")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#chatbot .user-text").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


def test_desktop_chat_icons_and_label_do_not_cover_messages(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    chat.ask("区商务局负责哪些任务?")
    page = chat.page
    page.locator("#chatbot .message-wrap, #chatbot [role=log]").first.evaluate("e => e.scrollTop = 0")
    icons, messages = chat.settled_boxes("#chatbot .icon-button-wrapper button, #chatbot [data-testid=block-label]",
                                         "#chatbot .message")
    assert icons  # the trash icon is there: the check below is not vacuous
    assert messages
    for icon in icons:
        for m in messages:
            overlap_x = min(icon["x"] + icon["width"], m["x"] + m["width"]) - max(icon["x"], m["x"])
            overlap_y = min(icon["y"] + icon["height"], m["y"] + m["height"]) - max(icon["y"], m["y"])
            assert overlap_x <= 0 or overlap_y <= 0, f"icon {icon} covers message {m}"


def test_page_is_chinese_whatever_the_browser_locale(open_chat: Any) -> None:
    chat = open_chat(DESKTOP, locale="en-US")
    page = chat.page
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator("#question textarea").get_attribute("aria-label") == "输入问题"
    chat.ask("停车泊位今年新增多少?")
    names = page.evaluate("""() => [...document.querySelectorAll('#chatbot button, #question button, #clear')]
        .filter(b => b.getBoundingClientRect().width > 0)
        .map(b => (b.getAttribute('aria-label') || b.innerText || '').trim())""")
    assert names and all(CJK.search(n) for n in names), names
    page.locator("#chatbot").get_by_role("button", name="有用").last.click()
    toast = page.locator(".toast-body").last
    toast.wait_for(state="visible")
    text = toast.inner_text()
    assert "谢谢反馈" in text and "反馈" in text and "Info" not in text, text


def test_a_citation_mark_in_the_text_opens_its_source(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    answer = chat.ask("区商务局负责哪些任务?")
    marks = answer.locator(".cite-link")
    assert marks.count() == answer.locator(".sources details").count() > 1
    mark = marks.nth(2)
    label = mark.inner_text()
    mark.click()
    opened = answer.locator("details[open]")
    opened.first.wait_for(state="attached")
    assert opened.count() == 1
    assert opened.locator("summary").inner_text().startswith(label)
    assert opened.locator(".source-text").is_visible() and opened.locator(".source-text").inner_text().strip()
    # the keyboard opens one too
    other = marks.nth(4)
    other.focus()
    chat.page.keyboard.press("Enter")
    chat.page.wait_for_function("document.querySelectorAll('#chatbot details[open]').length === 2")


def test_lists_are_real_lists(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    answer = chat.ask("区商务局负责哪些任务?")
    items = answer.locator("ol > li")
    assert items.count() == answer.locator(".sources details").count()
    assert "【任务" in items.first.inner_text()
    assert not re.match(r"^\d+\.", items.first.inner_text())  # the number is the list's, not typed text


def test_copy_button_copies_the_answer_text(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    chat.context.grant_permissions(["clipboard-read", "clipboard-write"])
    answer = chat.ask("停车泊位今年新增多少?")
    shown = answer.inner_text()
    answer.locator(".copy-answer").click()
    chat.page.wait_for_function("document.querySelector('#chatbot .copy-answer').innerText === '已复制'")
    copied = chat.page.evaluate("navigator.clipboard.readText()")
    assert copied and copied.splitlines()[0] in shown
    assert "复制回答" not in copied and "出处" not in copied


def test_stop_button_stops_a_streaming_answer(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    page = chat.page
    assert page.get_by_role("button", name="停止").count() == 0
    page.fill("#question textarea", "区相关部门负责哪些任务?各街道负责哪些任务?")
    page.press("#question textarea", "Enter")
    stop = page.get_by_role("button", name="停止")
    stop.click()
    page.get_by_role("button", name="发送").wait_for(state="visible")
    page.wait_for_function("!document.querySelector('#chatbot .answer .pending')")
    last = page.locator("#chatbot .answer").last
    assert "已停止" in last.inner_text()
    assert last.locator(".sources").count() == 0
    # the conversation goes on
    answer = chat.ask("区商务局负责哪些任务?")
    assert answer.locator(".sources details").count() > 0


def test_a_question_asked_right_after_stop_is_answered(open_chat: Any) -> None:
    # the stopped answer may still be finishing its step on the server: the next question must wait, not be dropped
    chat = open_chat(DESKTOP)
    page = chat.page
    for _ in range(2):
        page.fill("#question textarea", "区相关部门负责哪些任务?各街道负责哪些任务?")
        page.press("#question textarea", "Enter")
        page.get_by_role("button", name="停止").click()
        answer = chat.ask("区商务局负责哪些任务?")  # at once, without waiting for 发送 to come back
        assert answer.locator(".sources details").count() > 0
    assert page.locator("#chatbot .answer.stopped").count() == 2
    assert page.locator("#chatbot .answer").count() == 4


def test_a_question_asked_while_an_answer_streams_is_answered_after_it(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    page = chat.page
    page.fill("#question textarea", "区相关部门负责哪些任务?各街道负责哪些任务?")
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#chatbot .answer .pending")
    page.fill("#question textarea", "区商务局负责哪些任务?")
    page.press("#question textarea", "Enter")
    assert page.locator("#chatbot .answer .pending").count() == 1  # the first answer was streaming throughout
    chat.wait_for_answer(1)
    answers = page.locator("#chatbot .answer")
    assert answers.count() == 2
    assert page.locator("#chatbot .user-text").all_inner_texts() == [
        "区相关部门负责哪些任务?各街道负责哪些任务?", "区商务局负责哪些任务?"]
    assert answers.first.locator(".sources details").count() > 0
    assert "区商务局" in answers.last.inner_text() and answers.last.locator(".sources details").count() > 0


def test_counter_and_long_paste_are_said_not_cut(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    page = chat.page
    counter = page.locator("#char-count .char-count")
    limit = int(counter.get_attribute("data-max") or 0)
    assert limit > 0
    page.fill("#question textarea", "问" * 12)
    page.wait_for_function("document.querySelector('#char-count').innerText.includes('12 /')")
    long = "停车" * limit  # twice the limit, as a paste
    page.fill("#question textarea", long)
    page.wait_for_function("document.querySelector('#char-count .over')")
    assert f"已超出 {len(long) - limit} 字" in counter.inner_text()
    assert page.input_value("#question textarea") == long  # not cut by the browser
    before = page.locator("#chatbot .answer").count()
    page.press("#question textarea", "Enter")
    chat.wait_for_answer(before)
    reply = page.locator("#chatbot .answer").last
    text = reply.inner_text()
    assert "refusal" in (reply.get_attribute("class") or "")
    assert str(limit) in text and str(len(long)) in text and "输入框" in text
    assert page.input_value("#question textarea") == long  # the text waits in the box to be shortened


def test_follow_ups_are_offered_and_answered(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    page = chat.page
    chat.ask("区教育局负责哪些任务?")
    buttons = page.locator("#followups button.followup:visible")
    buttons.first.wait_for(state="visible")
    offered = [b.inner_text() for b in buttons.all()]
    assert 2 <= len(offered) <= 3 and "其中哪些是协办的?" in offered, offered
    cited = chat.page.locator("#chatbot .answer").last.locator(".source-meta").all_text_contents()
    assert any(q.removesuffix("还负责哪些任务?") in " ".join(cited) for q in offered if "还负责" in q)
    before = page.locator("#chatbot .answer").count()
    page.get_by_role("button", name="其中哪些是协办的?").click()
    chat.wait_for_answer(before)
    reply = page.locator("#chatbot .answer").last
    assert "refusal" not in (reply.get_attribute("class") or "")
    assert "区教育局协办" in reply.inner_text()
    assert page.locator("#chatbot .user-text").last.inner_text() == "其中哪些是协办的?"
    assert chat.page.locator("#chatbot .answer").last.locator(".sources details").count() >= 1
    # a refusal offers none
    chat.ask("区长是谁?")
    page.wait_for_function("![...document.querySelectorAll('#followups button.followup')].some(b => b.offsetWidth)")


def test_the_page_shows_the_loaded_notices(open_chat: Any) -> None:
    chat = open_chat(DESKTOP)
    header = chat.page.locator("#header")
    listed = header.locator(".notices li").all_inner_texts()
    assert len(listed) >= 1
    assert f"已载入 {len(listed)} 份通知" in header.inner_text()
    assert all(re.search(r"《.+》:\d+ 项(任务|段)", item) for item in listed), listed
