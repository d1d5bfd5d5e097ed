"""Two stored JSON reports side by side (before and after a change, or the assistant against a baseline): summary
deltas and every question, changed verdicts first. Nothing is run: both systems were evaluated beforehand."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .questions import InputError
from .report import TYPE_LABELS_ZH, refs_text, several_docs

DELTA_METRICS = ("questions", "exact_set", "exact_set_low", "citation_recall", "citation_precision", "citation_f1",
                 "completeness", "answer_contains", "refusal_accuracy", "false_refusal_rate", "latency_p50_ms")
DELTA_HEADERS = ("范围", "指标", "A", "B", "变化(B−A)")
QUESTION_HEADERS = ("变化", "编号", "类型", "问题", "A 结论", "B 结论", "期望任务", "A 引用", "B 引用")
# order of the question table: regressions first, then fixes, questions in one report only, changed citations
CHANGES = ("变错", "变对", "只在 A", "只在 B", "引用变了", "")


@dataclass(frozen=True)
class Comparison:
    deltas: list[list[Any]]
    questions: list[list[Any]]
    counts: dict[str, int]

    def headline(self) -> str:
        """One line: how many questions changed which way."""
        c = self.counts
        return (f"共 {c['total']} 题:变错 {c['变错']} 题,变对 {c['变对']} 题,引用变了 {c['引用变了']} 题,"
                f"只在一份报告中 {c['只在 A'] + c['只在 B']} 题。")


def load_report(path: Path, label: str = "") -> dict[str, Any]:
    """A stored report (`python -m assistant.eval --output`); InputError (Chinese) when it is not one."""
    name = label or path.name
    try:
        report = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{name}不是可读的 JSON 文件") from exc
    summary = report.get("summary") if isinstance(report, dict) else None
    results = report.get("results") if isinstance(report, dict) else None
    if not (isinstance(summary, dict) and isinstance(summary.get("overall"), dict) and isinstance(results, list)
            and all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in results)):
        raise InputError(f"{name}不是评测报告(应有 summary 和 results,即评测下载的 JSON)")
    return report


def _delta(a: Any, b: Any) -> str:
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return "n/a"
    d = b - a
    return f"{d:+.0f}" if isinstance(a, int) and isinstance(b, int) else f"{d:+.3f}"


def _cell(value: Any) -> Any:
    return "n/a" if value is None else value


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> Comparison:
    """Summary deltas (overall, then exact-set accuracy per type) and one row per question."""
    deltas = []
    oa, ob = a["summary"]["overall"], b["summary"]["overall"]
    for name in DELTA_METRICS:
        deltas.append(["全部", name, _cell(oa.get(name)), _cell(ob.get(name)), _delta(oa.get(name), ob.get(name))])
    ta, tb = a["summary"].get("by_type", {}), b["summary"].get("by_type", {})
    for t in dict.fromkeys([*ta, *tb]):
        va, vb = ta.get(t, {}).get("exact_set"), tb.get(t, {}).get("exact_set")
        deltas.append([TYPE_LABELS_ZH.get(t, t), "exact_set", _cell(va), _cell(vb), _delta(va, vb)])
    ra = {r["id"]: r for r in a["results"]}
    rb = {r["id"]: r for r in b["results"]}
    multi = several_docs(a) or several_docs(b)
    rows: list[tuple[int, list[Any]]] = []
    counts = dict.fromkeys(CHANGES, 0)
    for qid in dict.fromkeys([*ra, *rb]):
        x, y = ra.get(qid), rb.get(qid)
        if x is None or y is None:
            change = "只在 B" if x is None else "只在 A"
        elif bool(x.get("exact")) != bool(y.get("exact")):
            change = "变对" if y.get("exact") else "变错"
        elif sorted(map(tuple, x.get("refs", []))) != sorted(map(tuple, y.get("refs", []))):
            change = "引用变了"
        else:
            change = ""
        counts[change] += 1
        one = x or y or {}

        def verdict(r: dict[str, Any] | None) -> str:
            return "—" if r is None else ("正确" if r.get("exact") else "错误")

        rows.append((CHANGES.index(change), [
            change or "不变", qid, one.get("type", ""), one.get("question", ""), verdict(x), verdict(y),
            refs_text(one.get("gold", []), multi), refs_text((x or {}).get("refs", []), multi),
            refs_text((y or {}).get("refs", []), multi),
        ]))
    rows.sort(key=lambda item: item[0])  # stable: within a kind, the order of the reports
    return Comparison(deltas, [r for _, r in rows], {**counts, "total": len(rows)})
