"""Markdown formatting of measurements for the report: numbers, tables, loads, labels."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

ROUTE_ORDER = ("unit", "count", "section", "metadata", "lead", "fact", "refuse", "invalid", "help")


def get(d: Any, *path: str) -> Any:
    """d[path[0]][path[1]]…, or None where a key is missing."""
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if 0 < abs(value) < 1:
            return f"{value:.2g}"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: Any) -> str:
    """A latency in milliseconds, with as many digits as it needs."""
    if value is None:
        return "–"
    if value < 0.1:
        return f"{value:.2g}"
    return f"{value:,.2f}" if value < 1 else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def times(value: float | None) -> str:
    """A ratio for a table: two significant digits, with a ×."""
    return "–" if value is None else f"{value:.2g}×"


def minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def load(d: dict[str, Any] | list[float] | None) -> str:
    """The 1-minute load average around a measurement: sampled min–max (median), else before → after."""
    if not d:
        return "–"
    if isinstance(d, list):
        return f"{d[0]:.1f}"
    sampled = d.get("sampled_1min")
    if sampled:
        return f"{sampled[0]:.1f}–{sampled[2]:.1f} (median {sampled[1]:.1f})"
    first = d.get("before") or d.get("during")
    last = d.get("after") or d.get("end")
    if first and last:
        return f"{first[0]:.1f} → {last[0]:.1f}"
    one = first or last
    return f"{one[0]:.1f}" if one else "–"


def all_loads(results: dict[str, Any]) -> list[float]:
    """Every 1-minute load average recorded in the current results (not the run list, not the history)."""
    found: list[float] = []

    def walk(obj: Any, key: str = "") -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, k)
        elif isinstance(obj, list):
            if key in ("before", "after", "during", "end", "load", "sampled_1min") and len(obj) == 3 and all(
                    isinstance(x, int | float) for x in obj):
                found.append(float(obj[0]))
            else:
                for v in obj:
                    walk(v, key)

    walk({k: v for k, v in results.items() if k not in ("runs", "history")})
    return found


def size_label(key: str) -> str:
    return "notice (78 tasks)" if key == "notice" else f"synthetic {int(key):,}"


def sizes(results: dict[str, Any], part: str) -> list[str]:
    """The synthetic corpus sizes measured in a part (index or query), smallest first."""
    return sorted((k for k in results.get(part, {}) if k != "notice"), key=int)


def route_key(route: str) -> tuple[int, str]:
    return (ROUTE_ORDER.index(route) if route in ROUTE_ORDER else len(ROUTE_ORDER), route)
