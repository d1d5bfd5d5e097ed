"""Rate limits, audit log, bounded log files, masking and temp folders, with a controlled clock and real files."""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.apps.logfiles import JsonLines
from assistant.apps.privacy import bounded, mask
from assistant.apps.protection import AuditLog, ClientAddress, FairLimiter, RateLimiter, SeenOnce
from assistant.apps.workdir import make_work_dir
from assistant.errors import ConfigError
from assistant.records import Answer, Ref
from assistant.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_per_client_with_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another client has its own bucket
    clock.now = 1.0  # one token a second comes back
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now = 100.0
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]  # refills to the burst, no more


def test_rate_limit_off_and_bad_config() -> None:
    assert all(RateLimiter(per_minute=0).allow("a") for _ in range(1000))
    with pytest.raises(ValueError, match="per_minute must be 0"):
        RateLimiter(per_minute=-1)


def test_rate_limit_is_thread_safe() -> None:
    limiter = RateLimiter(per_minute=60, burst=50, clock=Clock())
    allowed: list[bool] = []
    lock = threading.Lock()

    def ask() -> None:
        for _ in range(20):
            ok = limiter.allow("same")
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 50


def test_audit_log_lines_and_client_address(tmp_path: Path) -> None:
    answer = Answer(text="…", refs=(Ref("doc", 43),), route="fact")
    log = AuditLog(JsonLines(tmp_path / "a" / "audit.jsonl", 10_000, 1))
    log.record("停车泊位今年新增多少?", answer, 12.345, client="127.0.0.1", channel="api")
    entry = json.loads((tmp_path / "a" / "audit.jsonl").read_text("utf-8"))
    assert entry["question"] == "停车泊位今年新增多少?" and entry["citations"] == [43] and entry["route"] == "fact"
    assert entry["latency_ms"] == 12.3 and "client" not in entry and entry["time"].endswith("+00:00")
    keep = AuditLog(JsonLines(tmp_path / "b.jsonl", 10_000, 1), keep_client=True)
    keep.record("问", answer, 1.0, client="127.0.0.1")
    assert json.loads((tmp_path / "b.jsonl").read_text("utf-8"))["client"] == "127.0.0.1"
    AuditLog(None).record("问", answer, 1.0)  # off: writes nothing, raises nothing
    keep.record("\ud800孤立\udc00", answer, 1.0)  # lone surrogates cannot be written as UTF-8: replaced
    assert json.loads((tmp_path / "b.jsonl").read_text("utf-8").splitlines()[-1])["question"] == "?孤立?"


def test_audit_log_keeps_rejected_requests_short(tmp_path: Path) -> None:
    log = AuditLog(JsonLines(tmp_path / "audit.jsonl", 100_000, 1), max_question_chars=500)
    log.record("区" * 2000, Answer(text="请稍候", refused=True, route="rate_limited"), 0.1)
    log.record("区" * 2000 + "13812345678", Answer(text="太长", refused=True, route="invalid"), 0.1)
    log.record("电话13812345678" + "区" * 600, Answer(text="…", route="fact"), 0.1)
    limited, invalid, answered = (json.loads(line) for line in (tmp_path / "audit.jsonl").read_text("utf-8").splitlines())
    assert "question" not in limited and limited["chars"] == 2000
    assert len(invalid["question"]) <= 101 and invalid["chars"] == 2011
    assert answered["question"].startswith("电话[电话]") and len(answered["question"]) <= 501


def test_fair_limiter_serves_an_office_and_stops_a_flood() -> None:
    clock = Clock()
    fair = FairLimiter(RateLimiter(20, burst=5, clock=clock), RateLimiter(600, clock=clock))
    assert all(fair.wait("10.0.0.1", f"colleague{i}") == 0 for i in range(20))  # one address, 20 sessions
    waits = [fair.wait("10.0.0.1", "flooder") for _ in range(40)]
    assert waits.count(0) == 5 and all(w >= 1 for w in waits[5:])
    assert waits[-1] == 3  # 20 a minute: the next token is 3 s away
    clock.now = 3.0
    assert fair.wait("10.0.0.1", "flooder") == 0
    assert fair.wait("10.0.0.1", None) == 0  # no session: one shared bucket per address
    ceiling = FairLimiter(RateLimiter(20, burst=5, clock=clock), RateLimiter(60, burst=10, clock=clock))
    assert sum(ceiling.wait("10.0.0.2", f"s{i}") == 0 for i in range(50)) == 10  # made-up sessions hit the ceiling


def test_seen_once_is_bounded() -> None:
    seen = SeenOnce(limit=3)
    assert seen.first("a") and not seen.first("a")
    for key in "bcd":
        assert seen.first(key)
    assert seen.first("a")  # the oldest was forgotten: memory stays bounded


def test_json_lines_rotate_by_size_and_count(tmp_path: Path) -> None:
    path = tmp_path / "log" / "audit.jsonl"
    lines = JsonLines(path, max_bytes=1000, backups=2)
    for i in range(500):
        lines.append({"time": "2026-01-01T00:00:00+00:00", "n": i, "text": "区" * 20})
    files = lines.files()
    assert [p.name for p in files] == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"]
    assert sum(p.stat().st_size for p in files) <= 3000 and all(p.stat().st_size <= 1000 for p in files)
    assert json.loads(path.read_text("utf-8").splitlines()[-1])["n"] == 499  # the newest lines are kept
    none = JsonLines(tmp_path / "none.jsonl", max_bytes=200, backups=0)
    for i in range(50):
        none.append({"n": i})
    assert [p.name for p in none.files()] == ["none.jsonl"] and none.path.stat().st_size <= 200
    with pytest.raises(ValueError, match="max_bytes"):
        JsonLines(path, max_bytes=0, backups=1)


def test_json_lines_prune_old_lines(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    path.write_text("".join(json.dumps({"time": f"2026-01-{d:02d}T00:00:00+00:00", "d": d}) + "\n" for d in (1, 20, 30)))
    now = datetime(2026, 2, 1, tzinfo=UTC).timestamp()
    JsonLines(path, 10_000, 1, retention_days=14, clock=lambda: now)  # pruned when opened
    assert [json.loads(line)["d"] for line in path.read_text().splitlines()] == [20, 30]
    JsonLines(path, 10_000, 1, retention_days=0, clock=lambda: now * 2)  # 0: no age limit
    assert len(path.read_text().splitlines()) == 2


@pytest.mark.parametrize(("typed", "kept"), [
    ("我的电话13812345678", "我的电话[电话]"),
    ("手机 +86 138 1234 5678", "手机 [电话]"),
    ("座机025-84521234或(025)84521234", "座机[电话]或[电话]"),
    ("身份证320102199001011234", "身份证[身份证号]"),
    ("身份证号32010219900101123X", "身份证号[身份证号]"),
    ("邮箱zhang.san@example.com", "邮箱[邮箱]"),
    ("住中山北路88号3栋502室", "住中山北路[门牌号]"),
    ("阳光小区5号楼2单元301室", "阳光小区[门牌号]"),
    # the notice's own figures and numbers stay
    ("停车泊位今年新增600个", "停车泊位今年新增600个"),
    ("2024年第四部分讲什么?任务43", "2024年第四部分讲什么?任务43"),
    ("新建5G基站1000个", "新建5G基站1000个"),
])
def test_personal_data_is_masked(typed: str, kept: str) -> None:
    assert mask(typed) == kept


@given(st.text(alphabet="0123456789-@.号栋单元室路街区abcX +()", max_size=200), st.integers(1, 80))
def test_bounded_text_is_short_and_masked_whatever_comes_in(text: str, limit: int) -> None:
    out = bounded(text + "\ud800", limit)  # a lone surrogate too: it must still be writable
    assert len(out) <= limit + 1
    out.encode("utf-8")
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", out)  # no whole mobile number survives


def test_stale_work_dirs_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / "assistant-web-999999999-abc"  # no such process
    dead.mkdir()
    alive = tmp_path / f"assistant-web-{os.getpid()}-abc"
    alive.mkdir()
    fresh = make_work_dir(tmp_path)
    assert not dead.exists() and alive.exists() and fresh.name.startswith(f"assistant-web-{os.getpid()}-")


@pytest.mark.parametrize("env", [{"ASSISTANT_LOG_MAX_BYTES": "0"}, {"ASSISTANT_RETENTION_DAYS": "-1"},
                                 {"ASSISTANT_RATE_BURST": "0"}, {"ASSISTANT_ADDRESS_RATE_LIMIT": "-5"},
                                 {"ASSISTANT_AUDIT_LOG": "maybe"}])
def test_bad_protection_settings_are_config_errors(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(environ=env)


def test_client_address_behind_trusted_proxies() -> None:
    direct = ClientAddress("")
    assert direct("198.51.100.7", "203.0.113.5") == "198.51.100.7"  # no trusted proxy: the header is ignored
    behind = ClientAddress("127.0.0.1, 10.0.0.0/8")
    assert behind("127.0.0.1", "203.0.113.5") == "203.0.113.5"
    # the nearest untrusted hop wins: a client cannot pick its own key by sending a forged header
    assert behind("127.0.0.1", "1.2.3.4, 203.0.113.5, 10.1.2.3") == "203.0.113.5"
    assert behind("198.51.100.7", "203.0.113.5") == "198.51.100.7"  # the peer is not a proxy we trust
    assert behind("127.0.0.1", None) == "127.0.0.1"
    assert behind("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert behind("127.0.0.1", "10.0.0.1, 127.0.0.1") == "127.0.0.1"  # only proxies: the peer
    assert behind("127.0.0.1", "2001:db8::1") == "2001:db8::1"


def test_trusted_proxies_setting_is_validated() -> None:
    assert Settings.from_env(environ={"ASSISTANT_TRUSTED_PROXIES": "127.0.0.1,10.0.0.0/8"}).trusted_proxies
    with pytest.raises(ConfigError, match="trusted_proxies"):
        Settings.from_env(environ={"ASSISTANT_TRUSTED_PROXIES": "localhost"})
