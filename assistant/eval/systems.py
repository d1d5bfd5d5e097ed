"""The systems an evaluation runs: the assistant (the pipeline, whatever generator it has), retrieval alone
(BM25, dense, hybrid) and a plain LangChain baseline; each maps a Question to a Result."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..answer.generation import GenerationStats
from ..records import Ref
from .metrics import Question, Result, percentile

if TYPE_CHECKING:
    from ..pipeline import Assistant
    from ..query.retrieval import Mode

System = Callable[[Question], Result]
SYSTEMS = ("bm25", "dense", "hybrid", "baseline", "assistant")
CITED = 4  # tasks an ablation "answers" with, as a tutorial RetrievalQA stuffs its top 4
RANKED = 10  # retrieval depth kept for recall@10


def assistant_system(assistant: Assistant, stats: dict[str, GenerationStats] | None = None) -> System:
    """The full pipeline: earlier turns asked first in one session, the final question timed.

    With a generator configured, each final question's generation stats (time to first token, tokens, fallback)
    are kept in `stats`."""

    def run(q: Question) -> Result:
        for i, turn in enumerate(q.history):
            assistant.compose_answer(turn, list(q.history[:i]))
        record = GenerationStats()
        start = time.perf_counter()
        a = assistant.answer(q.question, list(q.history), stats=record)
        ms = (time.perf_counter() - start) * 1000
        if stats is not None:
            stats[q.id] = record
        return Result(q.id, q.question, a.text, a.refs, a.retrieved, a.refused, a.route, ms)

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
        "ttft_p50_ms": _rounded(percentile(ttft, 50), 1),
        "ttft_p95_ms": _rounded(percentile(ttft, 95), 1),
        "tokens_per_s_p50": _rounded(percentile(speeds, 50), 2),
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
            q.id, q.question, "\n\n".join(c.text for c in top), tuple(c.ref for c in top),
            tuple(dict.fromkeys(c.ref for c in chunks)), False, mode, ms,
        )

    return run


def baseline_system(assistant: Assistant) -> System:
    """A tutorial LangChain RetrievalQA: similarity_search top-4 on the same Chroma store, no routing."""
    store = assistant.index.store

    def run(q: Question) -> Result:
        start = time.perf_counter()
        docs = store.similarity_search(q.question, k=CITED)
        ms = (time.perf_counter() - start) * 1000
        cited = tuple(dict.fromkeys(Ref(str(d.metadata["doc_id"]), int(d.metadata["task_number"]))
                                    for d in docs if d.metadata.get("kind") == "task"))
        return Result(q.id, q.question, "\n\n".join(d.page_content for d in docs), cited, cited, False, "baseline", ms)

    return run


def each_result(system: System, questions: Sequence[Question], errors: list[str]) -> Iterator[Result]:
    """Every question through one system, one result at a time (the web tab shows progress between them); a
    question that raises is recorded in `errors` and the rest still run."""
    for q in questions:
        try:
            yield system(q)
        except Exception as exc:  # noqa: BLE001 - one broken question must not stop the evaluation
            errors.append(f"line {q.line}: question {q.id!r} raised {type(exc).__name__}: {exc}")
            yield Result(q.id, q.question, "", (), (), False, "error", 0.0)


def run_system(system: System, questions: Sequence[Question], errors: list[str]) -> list[Result]:
    """Every question through one system (see `each_result`)."""
    return list(each_result(system, questions, errors))


