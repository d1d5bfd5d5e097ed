"""Evaluation harness: `python -m assistant.eval QUESTIONS.jsonl|.csv|.xlsx --output REPORT.json [--compare] [--check-floors F]`.

Runs every question through the assistant (earlier turns of `history` first, in one session), scores the answers
with the metrics defined in `assistant.eval.metrics`, prints a summary table, and writes the JSON report, a
Markdown report and a chart of the scores per question type. `--compare` also runs the same questions through BM25
only, dense only, hybrid retrieval and a plain LangChain baseline (Chroma top-4, same embeddings) and writes one
comparison table. `--check-floors` exits 1 when a score falls below its floor (see eval/README.md).

Exit codes: 0 done, 1 a floor failed (or the input had errors while checking floors), 2 unusable input.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..answer.backends import names as generator_names
from ..errors import AssistantError
from ..settings import LOCAL_MODELS, Settings
from .metrics import Question, check_floors
from .questions import InputError, load_floors, load_questions, resolve_gold
from .report import (
    COMPARE_NOTES,
    NOTES,
    Evaluation,
    comparison_rows,
    summary_rows,
    text_table,
    write_reports,
)
from .systems import SYSTEMS, assistant_system, baseline_system, generation_summary, retrieval_system, run_system
from .tables import TABLE_SUFFIXES, read_question_file, resolve_titles

if TYPE_CHECKING:
    from ..answer.generation import GenerationStats
    from ..pipeline import Assistant

DEFAULT_REPORT_DIR = Path("eval/reports")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant eval", description="Evaluate the assistant on a question set.")
    parser.add_argument("questions", type=Path,
                        help="JSON Lines file, one question per line, or a CSV/XLSX sheet (see eval/README.md)")
    parser.add_argument("--output", type=Path, default=None, help="the JSON report (default: REPORT_DIR/report.json)")
    parser.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR,
                        help="folder for report.md and the chart (default: eval/reports)")
    parser.add_argument("--compare", action="store_true",
                        help="also run bm25, dense, hybrid and a plain LangChain baseline; write one comparison table")
    parser.add_argument("--check-floors", type=Path, default=None, metavar="FLOORS",
                        help="exit 1 when a metric is below its floor in this JSON file (e.g. eval/floors.json)")
    parser.add_argument("--index-dir", type=Path, default=None, help="index folder")
    parser.add_argument("--corpus-dir", type=Path, default=None, help="corpus folder")
    parser.add_argument("--generator", choices=generator_names(), default=None,
                        help="who writes the answers: extractive (default), openai or local; see docs/generation.md")
    parser.add_argument("--model", choices=LOCAL_MODELS, default=None, help="the local model for --generator local")
    parser.add_argument("--rewrite-followups", action="store_true",
                        help="let the model rewrite follow-up questions before retrieval")
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def evaluate(assistant: Assistant, questions: Sequence[Question], systems: Sequence[str], errors: list[str],
             stats: dict[str, GenerationStats] | None = None) -> dict[str, Evaluation]:
    """Run the questions through each named system (see SYSTEMS) on one loaded assistant; `stats` collects the
    generation timings of the "assistant" system when it has a generator."""
    out = {}
    for name in systems:
        start = time.perf_counter()
        if name == "assistant":
            system = assistant_system(assistant, stats)
        elif name == "baseline":
            system = baseline_system(assistant)
        else:
            system = retrieval_system(assistant, name)  # type: ignore[arg-type]
        results = run_system(system, questions, errors if name == "assistant" else [])
        out[name] = Evaluation.of(name, questions, results)
        _say(f"{name}: {len(questions)} questions in {time.perf_counter() - start:.1f} s")
    return out


def report_json(main_eval: Evaluation, assistant: Assistant, questions_file: str, errors: Sequence[str],
                stats: dict[str, GenerationStats], compared: Sequence[Evaluation] = ()) -> dict[str, Any]:
    """The JSON report of one evaluation (what `--output` writes and the web app's `/evaluate` returns)."""
    settings = assistant.settings
    report: dict[str, Any] = {
        "system": "assistant",
        "questions_file": questions_file,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {"embedding_id": settings.embedding_id, "candidates": settings.candidates, "rrf_k": settings.rrf_k},
        "notes": list(NOTES),
        "summary": main_eval.summary_json(),
        "results": main_eval.results_json(),
        "wrong": main_eval.wrong(),
        "errors": list(errors),
    }
    generation = assistant.generation
    if generation.uses_model:
        report["settings"]["generator"] = generation.generator.name
        report["settings"]["rewrite_followups"] = generation.rewrite_followups
        report["generation"] = generation_summary(stats, generation.generator.name)
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
    return report


def main(argv: Sequence[str] | None = None, settings: Settings | None = None) -> int:
    """Command-line entry point; `settings` comes from `assistant eval` (its global options), else the environment."""
    args = build_parser().parse_args(argv)
    try:
        if args.questions.suffix.lower() in TABLE_SUFFIXES:
            questions, errors = read_question_file(args.questions)
        else:
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
    stats: dict[str, GenerationStats] = {}
    try:
        settings = (settings or Settings.from_env()).with_(
            **{k: v for k, v in {"index_dir": args.index_dir, "corpus_dir": args.corpus_dir,
                                 "generator": args.generator, "local_model": args.model,
                                 "rewrite_followups": args.rewrite_followups or None}.items() if v}
        )
        from ..pipeline import Assistant

        _say(f"loading the assistant (notices, embeddings, index, {settings.generator} generator)…")
        assistant = Assistant(settings)
    except AssistantError as exc:
        _say(f"error: {exc}")
        return 2
    questions, title_errors = resolve_titles(questions, assistant.notices)
    questions, gold_errors = resolve_gold(questions, assistant.notices)
    gold_errors = title_errors + gold_errors
    for error in gold_errors:
        _say(error)
    errors += gold_errors
    if not questions:
        _say(f"error: no question of {args.questions} can be scored against the loaded notices")
        return 2
    evaluations = evaluate(assistant, questions, SYSTEMS if args.compare else ("assistant",), errors, stats)
    main_eval = evaluations["assistant"]
    compared = [evaluations[s] for s in SYSTEMS if s in evaluations] if args.compare else []
    report = report_json(main_eval, assistant, str(args.questions), errors, stats, compared)
    failures: list[str] = []
    if floors is not None:
        failures = check_floors(main_eval.overall, main_eval.by_type, floors)
        failures += [f"input error: {e}" for e in errors]
        report["floors"] = {"file": str(args.check_floors), "failures": failures}
    output = args.output or args.report_dir / "report.json"
    try:
        write_reports(report, main_eval, compared, output, args.report_dir, warn=_say)
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
