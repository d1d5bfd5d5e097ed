"""Public-mode protections for the web chat: a per-client rate limit and an audit log of what was asked."""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ..records import Answer
from ..settings import parse_networks

log = logging.getLogger(__name__)

RATE_LIMITED = "请求太频繁了,请稍等片刻再提问。"


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
        if not self.enabled:
            return True
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
            return allowed


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
    """JSON Lines: time, question, route, citations, latency; the client address only when asked to keep it."""

    def __init__(self, path: Path | None, keep_client: bool = False) -> None:
        self._path = path
        self._keep_client = keep_client
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def record(self, question: str, answer: Answer, latency_ms: float, client: str = "", channel: str = "") -> None:
        if self._path is None:
            return
        entry: dict[str, object] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            # lone surrogates (valid in a JSON request, not in UTF-8) become "?" rather than failing the write
            "question": question[:2000].encode("utf-8", "replace").decode("utf-8"),
            "route": answer.route,
            "refused": answer.refused,
            "citations": list(answer.citations),
            "latency_ms": round(latency_ms, 1),
        }
        if channel:
            entry["channel"] = channel
        if self._keep_client and client:
            entry["client"] = client
        line = json.dumps(entry, ensure_ascii=False)
        try:
            with self._lock, open(self._path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError:
            # a full disk must not stop the answers; the operator sees it in the log
            log.exception("cannot write the audit log %s", self._path)
