"""docs/benchmarks.png: latency against corpus size (before and after the library changes) and against clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import changes
from .fmt import get, sizes


def _same_mix(entry: dict[str, Any]) -> dict[str, Any]:
    """The fixed question mix (the notice's run also has every other eval question)."""
    return entry.get("subset") or entry["overall"]


def write_chart(results: dict[str, Any], path: Path) -> None:
    """Two panels: latency against corpus size (assistant and baseline, p50/p95, and the assistant's p95 before the
    changes) and /ask latency and throughput against concurrent clients."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 7.2))
    q = results.get("query", {})
    keys = (["notice"] if "notice" in q else []) + sizes(results, "query")
    if keys:
        xs = [q[k].get("tasks", 78) for k in keys]
        for system, color in (("assistant", "tab:blue"), ("baseline", "tab:orange")):
            for stat, style in (("p50", "-o"), ("p95", "--s")):
                left.plot(xs, [_same_mix(q[k])[system][stat] for k in keys], style, color=color,
                          label=f"{system} {stat}")
        old = get(changes.before(results), "query") or {}
        old_keys = [k for k in keys if k in old]
        if len(old_keys) >= 2:
            left.plot([old[k].get("tasks", 78) for k in old_keys], [_same_mix(old[k])["assistant"]["p95"] for k in old_keys],
                      ":x", color="tab:red", label="assistant p95 before the library changes")
        left.set_xscale("log")
        left.set_yscale("log")
        left.set_xlabel("tasks in corpus (78 = the notice; log scale); the same 50 questions at every size")
        left.set_ylabel("latency per question, ms (log scale)")
        left.set_title("In-process latency vs corpus size")
        left.axhline(300, color="grey", linewidth=0.8, linestyle=":", label="target: p95 < 300 ms at 100,000 tasks")
        left.grid(True, which="both", alpha=0.3)
        left.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    levels = results.get("http", {}).get("concurrency", {})
    if levels:
        cs = sorted(levels, key=int)
        xs = [int(c) for c in cs]
        right.plot(xs, [levels[c]["latency"]["p50"] for c in cs], "-o", color="tab:blue", label="/ask p50")
        right.plot(xs, [levels[c]["latency"]["p95"] for c in cs], "--s", color="tab:blue", label="/ask p95")
        colors = iter(("tab:purple", "tab:brown", "tab:olive", "tab:cyan"))
        for name, variant in results.get("variants", {}).items():
            vl = get(variant, "http", "concurrency") or {}
            vcs = sorted(vl, key=int)
            if len(vcs) < 2:
                continue
            right.plot([int(c) for c in vcs], [vl[c]["latency"]["p95"] for c in vcs], ":s", color=next(colors, "black"),
                       label=f"/ask p95 [{name}]")
        right.axhline(500, color="grey", linewidth=0.8, linestyle=":", label="target: p95 < 500 ms at 20 clients")
        ax2 = right.twinx()
        ax2.plot(xs, [levels[c]["throughput_rps"] for c in cs], "-^", color="tab:green", label="throughput (req/s)")
        ax2.set_ylabel("requests per second")
        ax2.set_ylim(bottom=0)
        right.set_xlabel("concurrent clients")
        right.set_ylabel("latency per request, ms")
        right.set_title("HTTP /ask (notice) vs concurrency")
        right.set_xscale("log")
        right.set_xticks(xs, [str(x) for x in xs])
        right.grid(True, alpha=0.3)
        h1, l1 = right.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        right.legend(h1 + h2, l1 + l2, fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
