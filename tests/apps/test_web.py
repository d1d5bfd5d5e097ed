"""The web chat: pure helpers of assistant.apps (render, units_table, web), the new web settings, and the real app.py server via gradio_client."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from gradio_client import Client
from hypothesis import given
from hypothesis import strategies as st

from assistant import Assistant, Settings
from assistant.answer.compose import plain_mark
from assistant.apps.logfiles import JsonLines
from assistant.apps.render import (
    escape_text,
    format_answer_html,
    format_question,
    render_answer,
    section_labels,
    sources_html,
    stream_prefixes,
)
from assistant.apps.units_table import TABLE_HEADERS, filter_units, table_csv, unit_table, write_csv
from assistant.apps.web import (
    ERROR_TEXT,
    NOT_TEXT,
    answer_json,
    build_app,
    clean_history,
    feedback_record,
    launch_kwargs,
    safe_answer,
)
from assistant.errors import ConfigError
from assistant.ingest.corpus import parse_file
from assistant.records import Answer, Ref, Role, Task, TaskUnit

from ..conftest import ROOT
from ..web_server import Server, free_port, running_server

HERE = Path(__file__).resolve().parent

XSS = "<img src=x onerror=alert(1)>"
COMMERCE = (2, 3, 5, 7, 9, 10, 11, 13, 15)


def fake_task(number: int = 7, body: str = "正文", leads: tuple[str, ...] = ("区商务局",), assists: tuple[str, ...] = ()) -> Task:
    units = tuple(TaskUnit(n, Role.LEAD) for n in leads) + tuple(TaskUnit(n, Role.ASSIST) for n in assists)
    return Task("doc", number, 1, body, body, (body,), units)


# -- rendering ---------------------------------------------------------------------------------------------
def test_user_text_is_escaped_and_on_one_line() -> None:
    shown = format_question(XSS + "\n**粗体** $$x$$")
    assert "<img" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "\n" not in shown and "<br>" in shown
    assert shown.startswith('<div class="user-text">') and shown.endswith("</div>")


@given(st.text(max_size=200))
def test_escape_text_never_lets_markup_through(text: str) -> None:
    out = escape_text(text)
    assert "<" not in out.replace("<br>", "")
    assert ">" not in out.replace("<br>", "")
    assert "\n" not in out and '"' not in out


def test_answer_marks_citations_and_lists_sources(assistant: Assistant) -> None:
    answer = assistant.answer("区商务局负责哪些任务?", [])
    assert answer.citations == COMMERCE
    shown = format_answer_html(answer, section_labels(assistant.notices))
    assert "\n" not in shown
    assert shown.count('<span class="cite cite-link" role="button" tabindex="0"') == answer.text.count("【任务")
    assert shown.count("<li>") == len(COMMERCE)  # the numbered lines are a real list
    assert shown.count("<details") == len(COMMERCE)
    for task in answer.sources:
        assert f'data-task="{task.number}"' in shown
        assert escape_text(task.body) in shown
    assert "所属:第一部分“" in shown
    assert "主办:区商务局" in shown
    assert "refusal" not in shown


def test_a_mark_with_where_the_task_is_printed_opens_its_source() -> None:
    # a notice numbered anew in each part: 【任务5(第二部分第3项)】 is one mark, linked to its source, never cut apart
    shiwan = parse_file(ROOT / "tests/fixtures/layouts/shiwan_2025_label_lines.txt")
    task = shiwan.task(5)
    text = f"建成城市书房5个{plain_mark(task)}。"
    shown = render_answer(text, sources=[task], labels=section_labels([shiwan]))
    assert shown.count("cite-link") == 1 and "查看【任务5(第二部分第3项)】原文" in shown
    assert "<summary>【任务5(第二部分第3项)】" in shown
    assert all(not p.endswith(("【任务5", "【任务5(第二部分")) for p in stream_prefixes(text, 3))


def test_sources_show_section_units_and_escape_task_text() -> None:
    task = fake_task(body="<b>加粗</b>任务正文", leads=("区商务局", "区财政局"), assists=("各街道",))
    shown = sources_html([task], {("doc", 1): "第一部分“发展”"})
    assert "<b>" not in shown and "&lt;b&gt;加粗" in shown
    assert "所属:第一部分“发展”" in shown
    assert "主办:区商务局、区财政局;协办:各街道" in shown
    assert sources_html([], {}) == ""


def test_refusals_look_different_and_have_no_sources() -> None:
    task = fake_task()
    refused = Answer(text="通知中没有出现“X局”这个单位。", refused=True, route="refuse", sources=(task,))
    shown = format_answer_html(refused)
    assert 'class="answer refusal"' in shown and "无法回答" in shown
    assert "<details" not in shown and "sources" not in shown
    invalid = render_answer("问题太长了", refused=True, route="invalid")
    assert "请修改问题" in invalid
    plain = format_answer_html(Answer(text="普通回答【任务7】", refs=(task.ref,), sources=(task,)))
    assert "refusal" not in plain and "<details" in plain


def test_unknown_unit_echo_is_escaped(assistant: Assistant) -> None:
    # the library repeats the user's words in some refusals: they must stay text too
    answer = assistant.answer("<script>x</script>局负责哪些任务?", [])
    assert "<script>" not in format_answer_html(answer)


def test_pending_render_has_cursor_and_no_sources() -> None:
    task = fake_task()
    assert "正在查找" in render_answer("", pending=True)
    partial = render_answer("部分回答【任务7】", sources=(task,), pending=True)
    assert "▍" in partial and "<details" not in partial


@given(st.text(alphabet="区局任务【】0123456789。,\n", max_size=300), st.integers(min_value=1, max_value=40))
def test_stream_prefixes_grow_to_the_whole_text(text: str, size: int) -> None:
    prefixes = list(stream_prefixes(text, size))
    if not text:
        assert prefixes == []
        return
    assert prefixes[-1] == text
    assert all(text.startswith(p) for p in prefixes)
    assert all(len(a) < len(b) for a, b in zip(prefixes, prefixes[1:], strict=False))


def test_stream_prefixes_never_cut_a_citation() -> None:
    text = "区商务局负责【任务12】和【任务345】。" * 5
    for size in range(1, 25):
        for prefix in stream_prefixes(text, size):
            assert prefix.count("【") == prefix.count("】")
    with pytest.raises(ValueError):
        list(stream_prefixes("x", 0))


# -- answering for untrusted input --------------------------------------------------------------------------
def test_safe_answer_handles_bad_input(assistant: Assistant) -> None:
    assert safe_answer(assistant, None, []).route == "invalid"
    odd = safe_answer(assistant, 123, [])
    assert odd.refused and odd.text == NOT_TEXT
    huge = safe_answer(assistant, "区" * 100_000, [])
    assert huge.refused and huge.route == "invalid" and "太长" in huge.text
    limit = assistant.settings.max_question_chars
    over = safe_answer(assistant, "区" * (limit + 1), [])
    assert over.route == "invalid" and str(limit) in over.text


def test_safe_answer_never_raises() -> None:
    class Broken:
        settings = Settings.from_env(environ={})

        def answer(self, question: str, history: list[str]) -> Answer:
            raise RuntimeError("boom")

    answer = safe_answer(Broken(), "区商务局负责哪些任务?", [])  # type: ignore[arg-type]
    assert answer.refused and answer.text == ERROR_TEXT and "boom" not in answer.text


def test_clean_history_accepts_lists_and_json_only() -> None:
    settings = Settings.from_env(environ={})
    assert clean_history(["区商务局负责哪些任务?", 3, None, "", "那协办呢?"], settings) == ["区商务局负责哪些任务?", "那协办呢?"]
    assert clean_history('["区教育局负责哪些任务?"]', settings) == ["区教育局负责哪些任务?"]
    for junk in (None, 5, "not json", '{"a": 1}', {"a": 1}, ""):
        assert clean_history(junk, settings) == []
    assert clean_history(["区" * 100_000], settings) == []


def test_answer_json_shape() -> None:
    out = answer_json(Answer(text="回答【任务3】", refs=(Ref("doc", 3),), route="unit"))
    assert out == {"answer": "回答【任务3】", "citations": [3], "refs": [{"doc_id": "doc", "number": 3}],
                   "refused": False, "route": "unit", "status": 200}
    json.dumps(out)
    limited = answer_json(Answer(text="请求太频繁了,请 3 秒后再提问。", refused=True, route="rate_limited"), 3)
    assert (limited["status"], limited["retry_after"]) == (429, 3)
    assert answer_json(Answer(text="太长", refused=True, route="invalid"))["status"] == 400
    assert answer_json(Answer(text="错误", refused=True, route="error"))["status"] == 500


# -- feedback ----------------------------------------------------------------------------------------------
def test_feedback_record_fields() -> None:
    now = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    record = feedback_record("问", "答【任务2】", (2,), "有用", now)
    assert record == {"time": "2024-05-01T08:30:00+00:00", "question": "问", "answer": "答【任务2】", "citations": [2], "rating": "有用"}
    long = feedback_record("我的电话13812345678" + "问" * 2000, "答" * 5000, (2,), "没用", now, max_question_chars=500)
    assert long["question"].startswith("我的电话[电话]") and len(long["question"]) == 501
    assert len(long["answer"]) == 1001 and long["answer"].endswith("…")


def test_feedback_file_is_thread_safe(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "feedback.jsonl"
    file = JsonLines(path, max_bytes=10_000_000, backups=1)
    records = [feedback_record(f"问题{i}" * 50, "回答" * 200, (i,), "没用") for i in range(200)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(file.append, records))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    assert sorted(json.loads(line)["citations"][0] for line in lines) == list(range(200))


# -- 部门任务一览 ---------------------------------------------------------------------------------------------------
def test_unit_table_covers_every_unit(assistant: Assistant) -> None:
    rows = unit_table(assistant)
    assert sorted(r.name for r in rows) == sorted(assistant.units.units)
    commerce = next(r for r in rows if r.name == "区商务局")
    assert [n for _, n in commerce.lead] == list(COMMERCE) and commerce.assist == ()
    assert commerce.cells() == ["区商务局", "部门", "2、3、5、7、9、10、11、13、15", "", 9, 0]
    kinds = [r.kind for r in rows]
    assert set(kinds) == {"部门", "街道", "统称"}
    assert kinds == sorted(kinds, key=["部门", "街道", "统称"].index)  # generic groups last
    for row in rows:
        lead, assist = assistant.units.tasks(row.name)
        assert row.lead == tuple(lead) and row.assist == tuple(assist)


def test_filter_units_by_name_alias_and_kind(assistant: Assistant) -> None:
    rows = unit_table(assistant)
    assert [r.name for r in filter_units(rows, "区商务局")] == ["区商务局"]
    assert "区建设局" in [r.name for r in filter_units(rows, "住建局")]
    assert "区商务局" in [r.name for r in filter_units(rows, " 商务 ")]
    streets = filter_units(rows, "", "街道")
    assert streets and all(r.kind == "街道" for r in streets)
    assert filter_units(rows, "") == rows
    assert filter_units(rows, "不存在的单位XYZ") == []


def test_table_csv_opens_in_excel(assistant: Assistant, tmp_path: Path) -> None:
    rows = unit_table(assistant)
    data = table_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == TABLE_HEADERS and len(parsed) == len(rows) + 1
    assert ["区商务局", "部门", "2、3、5、7、9、10、11、13、15", "", "9", "0"] in parsed
    first = write_csv(rows, tmp_path)
    assert first.read_bytes() == data and write_csv(rows, tmp_path) == first
    assert write_csv(rows[:3], tmp_path) != first


# -- settings and entry point ----------------------------------------------------------------------------------
def test_web_settings_defaults_and_env(tmp_path: Path) -> None:
    default = Settings.from_env(environ={})
    assert (default.web_host, default.web_port, default.web_auth) == ("127.0.0.1", 7860, "")
    assert default.feedback_path.name == "feedback.jsonl" and default.feedback_path.parent.name == "var"
    assert default.web_concurrency > 1
    env = {
        "ASSISTANT_WEB_HOST": "0.0.0.0",
        "ASSISTANT_WEB_PORT": "8080",
        "ASSISTANT_WEB_AUTH": "alice:pw1,bob:pw:2",
        "ASSISTANT_FEEDBACK_PATH": str(tmp_path / "fb.jsonl"),
        "ASSISTANT_WEB_CONCURRENCY": "32",
    }
    s = Settings.from_env(environ=env)
    assert (s.web_host, s.web_port, s.web_concurrency) == ("0.0.0.0", 8080, 32)
    assert s.feedback_path == tmp_path / "fb.jsonl"
    assert "pw1" not in repr(s)
    kwargs = launch_kwargs(s)
    assert kwargs["auth"] == [("alice", "pw1"), ("bob", "pw:2")]
    assert (kwargs["server_name"], kwargs["server_port"]) == ("0.0.0.0", 8080)
    assert launch_kwargs(default)["auth"] is None
    assert kwargs["show_error"] is False and kwargs["enable_monitoring"] is False and kwargs["share"] is False


@pytest.mark.parametrize(
    "env",
    [
        {"ASSISTANT_WEB_PORT": "http"},
        {"ASSISTANT_WEB_PORT": "70000"},
        {"ASSISTANT_WEB_CONCURRENCY": "0"},
        {"ASSISTANT_WEB_AUTH": "nopassword"},
        {"ASSISTANT_WEB_AUTH": ":pw"},
    ],
)
def test_bad_web_settings_are_config_errors(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(environ=env)


def load_app_module() -> ModuleType:
    """app.py from the repo root (it is a script, not part of the installed package)."""
    spec = importlib.util.spec_from_file_location("assistant_app_entry", ROOT / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_app_arguments() -> None:
    app_module = load_app_module()
    args = app_module.parse_args(["--host", "0.0.0.0", "--port", "9000"])
    assert (args.host, args.port) == ("0.0.0.0", 9000)
    assert (app_module.parse_args([]).host, app_module.parse_args([]).port) == (None, None)


def test_only_ask_is_a_public_endpoint(assistant: Assistant, tmp_path: Path) -> None:
    """/ask always; /evaluate only where the evaluation tab is on (ASSISTANT_WEB_EVAL, a login or loopback)."""
    from dataclasses import replace

    closed = build_app(assistant, replace(assistant.settings, web_eval=False), files_dir=tmp_path)
    info = closed.get_api_info()
    assert list(info["named_endpoints"]) == ["/ask"]
    params = [p["parameter_name"] for p in info["named_endpoints"]["/ask"]["parameters"]]
    assert params == ["question", "history"]
    opened = build_app(assistant, replace(assistant.settings, web_eval=True), files_dir=tmp_path)
    assert sorted(opened.get_api_info()["named_endpoints"]) == ["/ask", "/evaluate"]


# -- the real server -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def web_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Server:
    return running_server(request, tmp_path_factory)


@pytest.fixture()
def client(web_server: Server) -> Client:
    return Client(web_server.url, verbose=False)


@pytest.mark.slow
def test_page_is_served(web_server: Server) -> None:
    with urllib.request.urlopen(web_server.url, timeout=30) as response:
        page = response.read().decode("utf-8")
    assert "政府工作任务问答助手" in page


@pytest.mark.slow
def test_ask_gives_cited_answers(client: Client) -> None:
    commerce = client.predict("区商务局负责哪些任务?", api_name="/ask")
    assert commerce["citations"] == list(COMMERCE) and commerce["refused"] is False
    assert "【任务2】" in commerce["answer"] and commerce["route"] == "unit"
    # refs name the document too: unambiguous once several notices are loaded
    assert [(r["doc_id"], r["number"]) for r in commerce["refs"]] == [("000_d657d27eca61cd1c", n) for n in COMMERCE]
    parking = client.predict(question="停车泊位今年新增多少?", api_name="/ask")
    assert parking["citations"] == [43] and "600" in parking["answer"]
    park = client.predict(question="江豚公园谁负责?", api_name="/ask")
    assert park["citations"] == [31] and "下关滨江商务区管委会" in park["answer"]
    section = client.predict(question="第四部分讲什么?", api_name="/ask")
    assert section["citations"] == list(range(45, 57))
    person = client.predict(question="区长是谁?", api_name="/ask")
    assert person["refused"] is True and person["citations"] == []


@pytest.mark.slow
def test_ask_uses_history(client: Client, assistant: Assistant) -> None:
    expected = assistant.answer("那协办呢?", ["区教育局负责哪些任务?"])
    got = client.predict(question="那协办呢?", history=["区教育局负责哪些任务?"], api_name="/ask")
    assert got["citations"] == list(expected.citations) and got["answer"] == expected.text
    as_json = client.predict(question="那协办呢?", history=json.dumps(["区教育局负责哪些任务?"]), api_name="/ask")
    assert as_json == got


@pytest.mark.slow
@pytest.mark.parametrize("bad", [None, 42, ["区商务局"], {"q": 1}, "", "   ", "区" * 501, "区" * 200_000, XSS])
def test_ask_turns_bad_input_into_messages(client: Client, bad: object) -> None:
    got = client.predict(bad, api_name="/ask")
    assert set(got) == {"answer", "citations", "refs", "refused", "route", "status"}
    assert got["status"] == (400 if got["route"] == "invalid" else 200)
    assert got["refused"] is True and got["citations"] == [] and got["refs"] == [] and got["answer"]
    assert "Traceback" not in got["answer"]


@pytest.mark.slow
def test_twenty_clients_at_once_get_their_own_answers(web_server: Server, assistant: Assistant) -> None:
    names = [u.name for u in assistant.units.departments if sum(map(len, assistant.units.tasks(u.name)))][:20]
    assert len(names) == 20
    questions = [f"{name}负责哪些任务?" for name in names]
    expected = {q: list(assistant.answer(q, []).citations) for q in questions}
    assert len({tuple(v) for v in expected.values()}) > 10  # the questions really differ
    barrier = threading.Barrier(len(questions))

    def ask(question: str) -> tuple[str, str, dict[str, Any]]:
        client = Client(web_server.url, verbose=False)
        barrier.wait(timeout=120)
        return question, client.session_hash, client.predict(question, api_name="/ask")

    with ThreadPoolExecutor(len(questions)) as pool:
        results = list(pool.map(ask, questions))
    assert len({session for _, session, _ in results}) == len(questions)
    for question, _, got in results:
        assert got["citations"] == expected[question], question
        assert got["answer"].startswith(question.split("负责")[0])


@pytest.mark.slow
def test_server_hides_its_files(web_server: Server) -> None:
    for secret in (web_server.feedback_path, web_server.feedback_path.parent.parent / "index" / "chroma.sqlite3"):
        try:
            with urllib.request.urlopen(f"{web_server.url}gradio_api/file={secret}", timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (403, 404), secret


@pytest.mark.slow
def test_login_from_settings(assistant: Assistant, settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    secured = settings.with_(web_auth="tester:s3cret", web_port=port, feedback_path=tmp_path / "fb.jsonl")
    demo = build_app(assistant, secured, files_dir=tmp_path)
    demo.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs(secured))
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(url + "config", timeout=30)
        assert denied.value.code == 401
        with pytest.raises(ValueError):  # gradio_client: AuthenticationError or "Could not login"
            Client(url, auth=("tester", "wrong"), verbose=False)
        got = Client(url, auth=("tester", "s3cret"), verbose=False).predict("区商务局负责哪些任务?", api_name="/ask")
        assert got["citations"] == list(COMMERCE)
    finally:
        demo.close()
