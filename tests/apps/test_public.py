"""A public deployment on the real server (app.py on loopback): fair rate limits, forwarded addresses believed only
from configured proxies, disk use bounded under floods, personal data masked, temp folders cleaned.

Two servers of this module's own, with the default rate limits (the shared test server has them off): one with no
trusted proxy, one behind a "proxy" at 127.0.0.1 with small log files. Requests are plain HTTP (tests/apps/
gradio_http.py) or gradio_client sessions, as a browser, an API client or an attacker would send them.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client

from assistant.settings import Settings

from ..web_server import Server, start_server
from . import gradio_http

pytestmark = [pytest.mark.slow]

DEFAULTS = Settings.from_env(environ={})
LOG_MAX_BYTES = 20_000
LOG_BACKUPS = 1
# the shared test server turns the limits off; these servers keep the defaults
LIMITS = {"ASSISTANT_RATE_LIMIT": str(DEFAULTS.rate_limit_per_minute),
          "ASSISTANT_ADDRESS_RATE_LIMIT": str(DEFAULTS.address_rate_limit_per_minute),
          "ASSISTANT_FEEDBACK_RATE_LIMIT": str(DEFAULTS.feedback_rate_limit_per_minute),
          "ASSISTANT_WEB_EVAL": "off"}  # a public server: no evaluation tab, so no uploads
PERSONAL = "我叫张三,电话13812345678,身份证号320102199001011234,邮箱zhang.san@example.com,住中山北路88号3栋502室,区商务局负责哪些任务?"
RAW_PERSONAL = ("13812345678", "320102199001011234", "zhang.san@example.com", "88号", "502室")
OLD_LINE = json.dumps({"time": "2000-01-01T00:00:00+00:00", "question": "二十多年前的问题", "route": "fact"})
STALE = Path(tempfile.gettempdir()) / "assistant-web-999999999-stale"  # a folder of a process long gone


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def _allowed(seconds: float) -> int:
    """Questions one session may have answered in `seconds` under the default limit: the burst plus the refill."""
    return DEFAULTS.rate_limit_burst + int(seconds * DEFAULTS.rate_limit_per_minute / 60) + 1


def _work_dirs(server: Server) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"assistant-web-{server.process.pid}-*"))


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("public-index")


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory, index_dir: Path) -> Iterator[Server]:
    """Default limits, no trusted proxy: everyone on loopback is one address."""
    server = start_server(tmp_path_factory.mktemp("direct"), {
        **LIMITS, "ASSISTANT_INDEX_DIR": str(index_dir)})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory, index_dir: Path) -> Iterator[tuple[Server, Path]]:
    """Default limits behind a trusted proxy at 127.0.0.1, small log files, and an audit line from 2000."""
    folder = tmp_path_factory.mktemp("proxied")
    (folder / "audit").mkdir()
    (folder / "audit" / "audit.jsonl").write_text(OLD_LINE + "\n", encoding="utf-8")
    server = start_server(folder, {
        **LIMITS, "ASSISTANT_INDEX_DIR": str(index_dir),
        "ASSISTANT_TRUSTED_PROXIES": "127.0.0.1", "ASSISTANT_LOG_MAX_BYTES": str(LOG_MAX_BYTES),
        "ASSISTANT_LOG_BACKUPS": str(LOG_BACKUPS), "ASSISTANT_RETENTION_DAYS": "30"})
    yield server, folder
    server.stop()


# -- fair limits --------------------------------------------------------------------------------------------
def test_twenty_colleagues_at_one_address_are_all_answered(direct: Server) -> None:
    barrier = threading.Barrier(20)

    def one(i: int) -> dict[str, object]:
        client = Client(direct.url, verbose=False)
        barrier.wait(timeout=120)
        return dict(client.predict("区商务局负责哪些任务?", api_name="/ask"))

    with ThreadPoolExecutor(20) as pool:
        replies = list(pool.map(one, range(20)))
    assert [r["route"] for r in replies] == ["unit"] * 20
    assert all(r["status"] == 200 for r in replies)


def test_one_session_flooding_is_mostly_refused_and_told_how_long(direct: Server) -> None:
    client = Client(direct.url, verbose=False)
    started = time.monotonic()
    replies = [client.predict("江豚公园谁负责?", api_name="/ask") for _ in range(40)]
    refused = [r for r in replies if r["route"] == "rate_limited"]
    # the burst, then one a minute per rate: how many a slow machine may answer in the time the flood took
    allowed = _allowed(time.monotonic() - started)
    assert len(refused) >= max(40 - allowed, 21), ([r["route"] for r in replies], allowed)
    first = refused[0]
    assert first["status"] == 429 and first["retry_after"] >= 1
    assert f"请 {first['retry_after']} 秒后再提问" in first["answer"]
    # another session of the same address is still served
    assert Client(direct.url, verbose=False).predict("江豚公园谁负责?", api_name="/ask")["status"] == 200


def test_chat_flood_shows_a_wait_not_a_refusal(direct: Server) -> None:
    chat = gradio_http.ChatSession(direct.url)
    started = time.monotonic()
    shown = [chat.ask("江豚公园谁负责?") for _ in range(20)]
    waits = [html for html in shown if 'class="answer wait"' in html]
    assert len(waits) >= max(20 - _allowed(time.monotonic() - started), 1)
    assert "秒后再提问" in waits[0] and "无法回答" not in waits[0]


# -- forwarded addresses --------------------------------------------------------------------------------------
FORGED = [f"203.0.113.{i}" for i in range(1, 10)] + ["evil-not-an-ip"]


def _exhaust(server: Server) -> int:
    """Session-less plain requests from loopback until its bucket is empty: how many were answered."""
    replies = [gradio_http.ask(server.url, "江豚公园谁负责?") for _ in range(20)]
    assert replies[-1]["status"] == 429
    return sum(r["status"] == 200 for r in replies)


def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(direct: Server) -> None:
    _exhaust(direct)
    spoofed = [gradio_http.ask(direct.url, "江豚公园谁负责?", headers={"X-Forwarded-For": f}) for f in FORGED]
    assert [r["status"] for r in spoofed] == [429] * len(FORGED)


def test_forwarded_for_from_a_trusted_proxy_counts(proxied: tuple[Server, Path]) -> None:
    server, _ = proxied
    _exhaust(server)
    forwarded = [gradio_http.ask(server.url, "江豚公园谁负责?", headers={"X-Forwarded-For": f}) for f in FORGED]
    # each real address behind the proxy has its own quota; text that is no address falls back to the proxy's
    assert [r["status"] for r in forwarded] == [200] * 9 + [429]


# -- disk ----------------------------------------------------------------------------------------------------
def _upload(server: Server, size: int) -> int | str:
    """POST a file of `size` bytes to /gradio_api/upload anonymously: the HTTP status, or "reset" when the server
    closed the connection before the body was sent."""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="x.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{server.url}gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (urllib.error.URLError, ConnectionError):
        return "reset"


def test_uploads_are_refused_and_nothing_is_kept(direct: Server) -> None:
    gradio = direct.log_path.parent / "gradio"
    before = _size(gradio)
    assert _upload(direct, 64 << 10) == 413
    assert _upload(direct, 20 << 20) in (413, "reset")
    assert _size(gradio) - before < 100_000


def test_feedback_flood_writes_one_line_per_answer(proxied: tuple[Server, Path]) -> None:
    server, folder = proxied
    path = folder / "feedback" / "feedback.jsonl"
    chat = gradio_http.ChatSession(server.url, headers={"X-Forwarded-For": "198.51.100.20"})
    chat.ask("区商务局负责哪些任务?")
    for i in range(100):
        chat.rate(1, liked=i % 2 == 0)
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) == 1 and len(lines[0].encode()) < 5000


def test_every_flood_leaves_disk_bounded(proxied: tuple[Server, Path]) -> None:
    server, folder = proxied
    # answered questions from many made-up client addresses (a botnet behind the proxy), long rejected ones, chat
    def flood(i: int) -> None:
        headers = {"X-Forwarded-For": f"198.51.100.{i % 250}"}
        gradio_http.ask(server.url, "区商务局负责哪些任务?" if i % 2 else "区" * 2000, headers=headers)
        gradio_http.ask(server.url, "江豚公园谁负责?", headers=headers, session=uuid.uuid4().hex)

    def chat_and_filter(i: int) -> None:
        chat = gradio_http.ChatSession(server.url, headers={"X-Forwarded-For": f"192.0.2.{i}"})
        for j in range(10):
            chat.ask(f"区{'商务教育财政'[j % 6]}局负责哪些任务?")
            chat.filter_units(f"{i}{j}局" if j % 2 else "区" + "商务教育财政卫健民政"[j:j + 2], ["全部", "部门", "街道"][j % 3])
        for j in range(1, 20, 2):
            chat.rate(j)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(flood, range(300)))
        list(pool.map(chat_and_filter, range(16)))
    audit = sorted((folder / "audit").glob("audit.jsonl*"))
    assert [p.name for p in audit] == ["audit.jsonl", "audit.jsonl.1"]
    assert all(p.stat().st_size <= LOG_MAX_BYTES for p in audit)
    assert _size(folder / "audit") <= (LOG_BACKUPS + 1) * LOG_MAX_BYTES
    assert _size(folder / "feedback") <= (LOG_BACKUPS + 1) * LOG_MAX_BYTES
    assert _size(folder / "gradio") < 1_000_000
    work = _work_dirs(server)
    assert len(work) == 1 and _size(work[0]) < 1_000_000  # CSV downloads are named by content: no growth per request


# -- privacy -------------------------------------------------------------------------------------------------
def test_personal_data_is_masked_in_audit_and_feedback(proxied: tuple[Server, Path]) -> None:
    server, folder = proxied
    headers = {"X-Forwarded-For": "198.51.100.251"}
    assert gradio_http.ask(server.url, PERSONAL, headers=headers, session="privacy")["status"] == 200
    chat = gradio_http.ChatSession(server.url, headers=headers)
    chat.ask(PERSONAL)
    chat.rate(1)
    written = "".join(p.read_text("utf-8") for p in [*(folder / "audit").glob("*"), *(folder / "feedback").glob("*")])
    for raw in RAW_PERSONAL:
        assert raw not in written
    assert written.count("我叫张三,电话[电话],身份证号[身份证号],邮箱[邮箱],住中山北路[门牌号]") >= 3


def test_old_lines_are_pruned_at_start(proxied: tuple[Server, Path]) -> None:
    _, folder = proxied
    written = "".join(p.read_text("utf-8") for p in (folder / "audit").glob("*"))
    assert "二十多年前的问题" not in written


# -- temp folders --------------------------------------------------------------------------------------------
def test_temp_folders_removed_at_start_and_exit(tmp_path: Path, index_dir: Path) -> None:
    STALE.mkdir(exist_ok=True)
    server = start_server(tmp_path, {"ASSISTANT_INDEX_DIR": str(index_dir)})
    try:
        assert not STALE.exists()
        assert len(_work_dirs(server)) == 1
        Client(server.url, verbose=False).predict("区商务局负责哪些任务?", api_name="/ask")
    finally:
        server.stop()
    assert server.process.returncode == 0, server.log_tail()
    assert _work_dirs(server) == []
    # Gradio keeps its copy of the page's initial table (named by its content, so the same file at every start)
    left = [p for p in (tmp_path / "gradio").rglob("*") if p.is_file()]
    assert [p.name for p in left] in ([], ["部门任务一览.csv"]) and _size(tmp_path / "gradio") < 10_000
    assert os.path.isdir(index_dir)
