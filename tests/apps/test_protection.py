"""Rate limit and audit log, with a controlled clock and a real file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from assistant.apps.protection import AuditLog, ClientAddress, RateLimiter
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
    log = AuditLog(tmp_path / "a" / "audit.jsonl")
    log.record("停车泊位今年新增多少?", answer, 12.345, client="127.0.0.1", channel="api")
    entry = json.loads((tmp_path / "a" / "audit.jsonl").read_text("utf-8"))
    assert entry["question"] == "停车泊位今年新增多少?" and entry["citations"] == [43] and entry["route"] == "fact"
    assert entry["latency_ms"] == 12.3 and "client" not in entry and entry["time"].endswith("+00:00")
    keep = AuditLog(tmp_path / "b.jsonl", keep_client=True)
    keep.record("问", answer, 1.0, client="127.0.0.1")
    assert json.loads((tmp_path / "b.jsonl").read_text("utf-8"))["client"] == "127.0.0.1"
    AuditLog(None).record("问", answer, 1.0)  # off: writes nothing, raises nothing
    keep.record("\ud800孤立\udc00", answer, 1.0)  # lone surrogates cannot be written as UTF-8: replaced
    assert json.loads((tmp_path / "b.jsonl").read_text("utf-8").splitlines()[-1])["question"] == "?孤立?"


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
