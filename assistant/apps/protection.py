"""Public-mode protections for the web chat: fair rate limits, the client's address, and an audit log of what was
asked (masked, bounded, rotated)."""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from ..query.routes import Route
from ..records import Answer
from ..settings import parse_networks
from .logfiles import JsonLines
from .privacy import bounded

log = logging.getLogger(__name__)

RATE_LIMITED = "请求太频繁了,请 {seconds} 秒后再提问。"
_REJECTED_CHARS = 100  # how much of an invalid question the audit log keeps


def rate_limited_text(seconds: int) -> str:
    """The reply to a refused request: how long to wait."""
    return RATE_LIMITED.format(seconds=seconds)


class RateLimiter:
    """A token bucket per client: `per_minute` questions a minute, bursts up to `burst`; 0 turns it off."""

    def __init__(self, per_minute: int, burst: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 0:
            raise ValueError(f"per_minute must be 0 (off) or more, got {per_minute}")
        self._rate = per_minute / 60.0
        self._burst = float(burst if burst is not None else max(per_minute // 4, 1))
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def allow(self, client: str) -> bool:
        """Take one token from the client's bucket; False when it is empty."""
        return self.wait(client) == 0.0

    def wait(self, client: str) -> float:
        """Take one token from the client's bucket: 0.0, or the seconds until one is back when it is empty."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > 100_000:
                # forget the oldest clients so a flood of addresses cannot grow memory without bound
                for key in sorted(self._buckets, key=lambda k: self._buckets[k][1])[:50_000]:
                    del self._buckets[key]
            return 0.0 if allowed else (1.0 - tokens) / self._rate


class FairLimiter:
    """A bucket per session under a generous bucket per address: an office behind one address is served, one
    flooding session is not. A refused session spends nothing of its address's ceiling."""

    def __init__(self, per_session: RateLimiter, per_address: RateLimiter) -> None:
        self._session = per_session
        self._address = per_address

    def wait(self, address: str, session: str | None) -> int:
        """0 when the request may go ahead, else whole seconds to wait (at least 1)."""
        # requests without a session (plain HTTP to /gradio_api/call/) share one session bucket per address
        waited = self._session.wait(f"{address}|{session or '-'}") or self._address.wait(address)
        return math.ceil(waited) if waited else 0


class SeenOnce:
    """Remembers up to `limit` keys (oldest forgotten first): `first(key)` is True only the first time."""

    def __init__(self, limit: int = 100_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def first(self, key: str) -> bool:
        """Whether `key` is new (it is remembered from now on)."""
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return True


class ClientAddress:
    """Who a request comes from, for the rate limit: the peer address, or, when the peer is a trusted reverse
    proxy, the nearest address in X-Forwarded-For that is not one (a client cannot forge past a trusted proxy,
    since each proxy appends the address it saw)."""

    def __init__(self, trusted_proxies: str = "") -> None:
        self._trusted = parse_networks(trusted_proxies)

    def _trusted_ip(self, address: str) -> bool | None:
        """Whether the address is a trusted proxy; None when it is not an IP address at all."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        return any(ip in net for net in self._trusted)

    def __call__(self, peer: str, forwarded_for: str | None = None) -> str:
        if not (forwarded_for and self._trusted_ip(peer)):
            return peer
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            if not hop:
                continue
            trusted = self._trusted_ip(hop)
            if trusted is None:
                return peer  # a malformed header: fall back to the proxy's address, never to arbitrary text
            if not trusted:
                return hop
        return peer


class AuditLog:
    """JSON Lines: time, question (masked, bounded), route, citations, latency; the client address only when asked
    to keep it. Rejected requests keep only their length (rate-limited) or a short masked head (invalid)."""

    def __init__(self, file: JsonLines | None, keep_client: bool = False, max_question_chars: int = 500) -> None:
        self._file = file
        self._keep_client = keep_client
        self._max_chars = max_question_chars

    def record(self, question: str, answer: Answer, latency_ms: float, client: str = "", channel: str = "") -> None:
        """Append one line for one request (nothing when the log is off; a full disk is logged, never raised)."""
        if self._file is None:
            return
        entry: dict[str, object] = {"time": datetime.now(UTC).isoformat(timespec="milliseconds")}
        if answer.route == Route.RATE_LIMITED:
            entry["chars"] = len(question)
        elif answer.route == Route.INVALID:
            entry.update(question=bounded(question, _REJECTED_CHARS), chars=len(question))
        else:
            entry["question"] = bounded(question, self._max_chars)
        entry.update(route=str(answer.route), refused=answer.refused, citations=list(answer.citations),
                     latency_ms=round(latency_ms, 1))
        if channel:
            entry["channel"] = channel
        if self._keep_client and client:
            entry["client"] = client
        try:
            self._file.append(entry)
        except OSError:
            # a full disk must not stop the answers; the operator sees it in the log
            log.exception("cannot write the audit log %s", self._file.path)
