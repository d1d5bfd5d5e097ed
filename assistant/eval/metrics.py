"""Evaluation records and metrics as pure functions, so every number in an eval report can be unit-tested.

Definitions (also written into every Markdown report):

- Answerable questions are those with ``expect_refusal`` false.
- Gold and citations are (document, task) references: a citation of another notice's task is not gold, so it
  lowers precision like any other wrong citation.
- Citation recall = |gold ∩ cited| / |gold|, 1.0 when gold is empty.
- Citation precision = |gold ∩ cited| / |cited|; when nothing is cited it is 1.0 if gold is empty, else 0.0;
  when gold is empty but something is cited it is 0.0.
- Citation F1 = the per-question F1 of that question's precision and recall, averaged over questions (macro).
  Recall, precision and F1 are averaged over answerable questions.
- Completeness = share of answerable questions whose gold tasks are all cited (gold ⊆ cited).
- Exact-set accuracy = share of questions answered exactly: an answerable question is exact when it is not refused
  and its cited set equals its gold set; a question that should be refused is exact when it is refused and cites
  its gold set: nothing, or, for a detail the notice does not state about a task it has (an address, a fee), the
  related tasks the refusal should point to. Reported with the lower end of its 95% Wilson score interval
  (``exact_set_low``): with n questions of a type, the accuracy one can claim with 95% confidence.
- Retrieval recall@k = |gold ∩ ranked[:k]| / |gold| and MRR = 1 / rank of the first gold task in the ranked
  list (0 when none), averaged over questions with non-empty gold. The ranked list is ``Answer.retrieved``; for
  routes that do not retrieve (unit lists, sections: ``retrieved`` is empty) the citations, in order, stand in.
- answer_contains coverage = share of questions with a non-empty ``answer_contains`` whose every element has at
  least one of its ``|``-separated alternatives in the answer text (plain substring match).
- Refusal accuracy = share of ``expect_refusal`` questions answered with ``refused`` true.
- False-refusal rate = share of answerable questions answered with ``refused`` true (lower is better).
- Latency p50/p95 = percentiles (linear interpolation) of the final question's wall time, in milliseconds.

A metric whose set of questions is empty is ``None`` ("n/a"), never a made-up 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..records import Ref

# Metrics where a lower value is better: a "floor" for them is a ceiling.
LOWER_IS_BETTER = frozenset({"false_refusal_rate", "latency_p50_ms", "latency_p95_ms"})
RECALL_DEPTHS = (1, 4, 10)
# z for a two-sided 95% interval
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Question:
    """One evaluation question as read from a JSON Lines file (line number kept for messages)."""

    id: str
    question: str
    history: tuple[str, ...] = ()
    gold: tuple[Ref, ...] = ()
    # each element is a tuple of accepted alternatives ("5%|百分之五" -> ("5%", "百分之五"))
    answer_contains: tuple[tuple[str, ...], ...] = ()
    expect_refusal: bool = False
    type: str = "other"
    unit: str | None = None
    role: str | None = None
    section: int | None = None
    # the document the question is about (its file name without suffix), when it names one
    doc: str | None = None
    line: int = 0
    # anything else the question file says about the question (class, note, conversation…), kept for reports
    extra: tuple[tuple[str, Any], ...] = ()

    @property
    def gold_tasks(self) -> tuple[int, ...]:
        """The gold task numbers (unambiguous only with one notice loaded: see `gold`)."""
        return tuple(dict.fromkeys(r.number for r in self.gold))


@dataclass(frozen=True)
class Result:
    """What one system answered to one question, in the shape of a report's `results` entry."""

    id: str
    question: str
    answer: str
    refs: tuple[Ref, ...]
    retrieved: tuple[Ref, ...]
    refused: bool
    route: str
    latency_ms: float

    @property
    def citations(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(r.number for r in self.refs))

    def to_json(self) -> dict[str, Any]:
        """The JSON object of the report: citations as task numbers and as [document, task] pairs."""
        return {
            "id": self.id, "question": self.question, "answer": self.answer,
            "citations": list(self.citations),
            "refs": [[r.doc_id, r.number] for r in self.refs],
            "retrieved": [[r.doc_id, r.number] for r in self.retrieved],
            "refused": self.refused, "route": self.route, "latency_ms": self.latency_ms,
        }


@dataclass(frozen=True)
class Metrics:
    """Aggregate scores over a set of questions; None where the metric's question set is empty."""

    questions: int
    answerable: int
    with_gold: int
    with_contains: int
    expect_refusal: int
    citation_recall: float | None
    citation_precision: float | None
    citation_f1: float | None
    completeness: float | None
    exact_set: float | None
    exact_set_low: float | None
    recall_at_1: float | None
    recall_at_4: float | None
    recall_at_10: float | None
    mrr: float | None
    answer_contains: float | None
    refusal_accuracy: float | None
    false_refusal_rate: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None

    def to_json(self) -> dict[str, Any]:
        """The metrics as a JSON object, scores rounded to 4 places."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(self).items()}


METRIC_NAMES = tuple(f.name for f in fields(Metrics) if f.type != "int")


def citation_scores(gold: Sequence[Ref], cited: Sequence[Ref]) -> tuple[float, float, float]:
    """(precision, recall, F1) of one answer's citations against the gold references."""
    g, c = set(gold), set(cited)
    hit = len(g & c)
    recall = hit / len(g) if g else 1.0
    if c:
        precision = hit / len(c) if g else 0.0
    else:
        precision = 1.0 if not g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def ranked_list(result: Result) -> tuple[Ref, ...]:
    """The ranking retrieval metrics use: what was retrieved, or the citations when the route retrieves nothing."""
    return result.retrieved or result.refs


def exact(question: Question, result: Result) -> bool:
    """Answered exactly: the cited set is the gold set, and refused exactly when it should be (a refusal's gold is
    empty, or the related tasks it should point to)."""
    if question.expect_refusal:
        return result.refused and set(result.refs) == set(question.gold)
    return not result.refused and set(result.refs) == set(question.gold)


def wilson_lower(successes: int, n: int, z: float = Z95) -> float | None:
    """The lower end of the Wilson score interval for a proportion (None for n = 0)."""
    if n <= 0:
        return None
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / (1 + z * z / n))


def recall_at(gold: Sequence[Ref], ranked: Sequence[Ref], k: int) -> float:
    """Share of the gold tasks among the first k ranked tasks."""
    g = set(gold)
    return len(g & set(ranked[:k])) / len(g) if g else 1.0


def reciprocal_rank(gold: Sequence[Ref], ranked: Sequence[Ref]) -> float:
    """1 / (1-based) rank of the first gold task in the ranking, 0 when none is there."""
    g = set(gold)
    for rank, task in enumerate(ranked, start=1):
        if task in g:
            return 1.0 / rank
    return 0.0


def contains_all(text: str, groups: Sequence[Sequence[str]]) -> bool:
    """True when every group has at least one alternative that occurs in the text."""
    return all(any(alt in text for alt in group) for group in groups)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize(pairs: Sequence[tuple[Question, Result]]) -> Metrics:
    """Every metric over these (question, result) pairs, as defined in the module docstring."""
    answerable = [(q, r) for q, r in pairs if not q.expect_refusal]
    scores = [citation_scores(q.gold, r.refs) for q, r in answerable]
    gold = [(q, ranked_list(r)) for q, r in pairs if q.gold]
    exacts = [exact(q, r) for q, r in pairs]
    contains = [contains_all(r.answer, q.answer_contains) for q, r in pairs if q.answer_contains]
    refusals = [r.refused for q, r in pairs if q.expect_refusal]
    at = {k: _mean([recall_at(q.gold, ranked, k) for q, ranked in gold]) for k in RECALL_DEPTHS}
    latencies = [r.latency_ms for _, r in pairs]
    return Metrics(
        questions=len(pairs),
        answerable=len(answerable),
        with_gold=len(gold),
        with_contains=len(contains),
        expect_refusal=len(refusals),
        citation_recall=_mean([s[1] for s in scores]),
        citation_precision=_mean([s[0] for s in scores]),
        citation_f1=_mean([s[2] for s in scores]),
        completeness=_mean([float(set(q.gold) <= set(r.refs)) for q, r in answerable]),
        exact_set=_mean([float(e) for e in exacts]),
        exact_set_low=wilson_lower(sum(exacts), len(exacts)),
        recall_at_1=at[1],
        recall_at_4=at[4],
        recall_at_10=at[10],
        mrr=_mean([reciprocal_rank(q.gold, ranked) for q, ranked in gold]),
        answer_contains=_mean([float(ok) for ok in contains]),
        refusal_accuracy=_mean([float(r) for r in refusals]),
        false_refusal_rate=_mean([float(r.refused) for _, r in answerable]),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
    )


def summarize_by_type(pairs: Sequence[tuple[Question, Result]]) -> dict[str, Metrics]:
    """The metrics per question `type`, types in order of first appearance."""
    groups: dict[str, list[tuple[Question, Result]]] = {}
    for q, r in pairs:
        groups.setdefault(q.type, []).append((q, r))
    return {t: summarize(g) for t, g in groups.items()}


def problems(question: Question, result: Result) -> list[str]:
    """Why an answer is not `exact`: citation recall or precision below 1, or the wrong refusal decision, or a
    refusal that still cites tasks (empty exactly when the answer is exact)."""
    if question.expect_refusal and not result.refused:
        return ["not refused"]
    if question.expect_refusal and not question.gold:
        cited = set(result.refs)
        return [f"refused but cited {_refs_text(cited, cited)}"] if cited else []
    if result.refused and not question.expect_refusal:
        return ["refused"]
    out = []
    precision, recall, _ = citation_scores(question.gold, result.refs)
    gold, cited = set(question.gold), set(result.refs)
    if recall < 1:
        out.append(f"missing {_refs_text(gold - cited, gold | cited)}")
    if precision < 1:
        out.append(f"extra {_refs_text(cited - gold, gold | cited)}" if cited - gold else "nothing cited")
    return out


def _refs_text(refs: set[Ref], context: set[Ref]) -> str:
    """[3, 5] while one document is involved, else [doc:3, other:5]."""
    if len({r.doc_id for r in context}) <= 1:
        return str(sorted(r.number for r in refs))
    return "[" + ", ".join(str(r) for r in sorted(refs)) + "]"


def check_floors(
    overall: Metrics, by_type: Mapping[str, Metrics], floors: Mapping[str, Any]
) -> list[str]:
    """Every metric on the wrong side of its floor (a ceiling for lower-is-better metrics), as readable lines."""
    failures: list[str] = []
    scopes: list[tuple[str, Metrics | None, Mapping[str, Any]]] = [("overall", overall, floors.get("overall", {}))]
    for type_, type_floors in dict(floors.get("by_type", {})).items():
        scopes.append((f"type {type_}", by_type.get(type_), type_floors))
    for scope, metrics, wanted in scopes:
        for name, bound in dict(wanted).items():
            if name not in METRIC_NAMES:
                failures.append(f"{scope}: unknown metric {name!r} in floors")
                continue
            if metrics is None:
                failures.append(f"{scope}: no questions of this type, {name} not measured")
                continue
            value = getattr(metrics, name)
            if value is None:
                failures.append(f"{scope}: {name} not measured (no questions it applies to)")
            elif name in LOWER_IS_BETTER and value > float(bound) + 1e-9:
                failures.append(f"{scope}: {name} {value:.4f} above its ceiling {float(bound):.4f}")
            elif name not in LOWER_IS_BETTER and value < float(bound) - 1e-9:
                failures.append(f"{scope}: {name} {value:.4f} below its floor {float(bound):.4f}")
    return failures
