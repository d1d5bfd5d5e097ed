"""The speed targets of the issue and whether the measured figures meet them (printed and reported, never asserted)."""

from __future__ import annotations

from typing import Any

TARGETS_TEXT = {
    "notice_p50": "in-process p50 < 30 ms on the notice (default mode)",
    "notice_p95": "in-process p95 < 100 ms on the notice (default mode)",
    "http_p95_20": "/ask p95 < 500 ms at 20 concurrent clients, no errors",
    "index_notice": "notice indexed in < 10 s",
    "p95_100k": "p95 < 300 ms at 100,000 tasks",
}


def _below(key: str, value: float | None, limit: float) -> dict[str, Any]:
    return {"key": key, "target": TARGETS_TEXT[key], "measured": value, "met": None if value is None else value < limit}


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target, the measured figure and whether it is met (None = not measured)."""
    q = results.get("query", {})
    notice = q.get("notice", {}).get("overall", {}).get("assistant", {})
    out = [_below("notice_p50", notice.get("p50"), 30), _below("notice_p95", notice.get("p95"), 100)]
    level = results.get("http", {}).get("concurrency", {}).get("20")
    if level:
        p95 = level["latency"]["p95"]
        out.append({"key": "http_p95_20", "target": TARGETS_TEXT["http_p95_20"],
                    "measured": f"p95 {p95} ms, {level['errors']} errors",
                    "met": p95 is not None and p95 < 500 and level["errors"] == 0})
    else:
        out.append({"key": "http_p95_20", "target": TARGETS_TEXT["http_p95_20"], "measured": None, "met": None})
    out.append(_below("index_notice", results.get("index", {}).get("notice", {}).get("build_s"), 10))
    out.append(_below("p95_100k", q.get("100000", {}).get("overall", {}).get("assistant", {}).get("p95"), 300))
    return out
