"""The questions the benchmarks ask: every eval question on the notice, a fixed mix at every corpus size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .measure import ROOT

QUESTIONS = ROOT / "eval" / "questions.jsonl"
# The fixed question mix asked at every corpus size: (eval type, how many).
SIZE_MIX = (("department", 16), ("target", 12), ("public", 6), ("lead", 6), ("refusal", 10))


@dataclass(frozen=True)
class BenchQuestion:
    id: str
    question: str
    history: tuple[str, ...]
    type: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "history": list(self.history), "type": self.type}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BenchQuestion:
        return cls(data["id"], data["question"], tuple(data["history"]), data["type"])


def eval_questions(path: Path = QUESTIONS) -> list[BenchQuestion]:
    from assistant.eval.questions import load_questions

    questions, _ = load_questions(path)
    return [BenchQuestion(q.id, q.question, tuple(q.history), q.type) for q in questions]


def size_questions(questions: Sequence[BenchQuestion], mix: Sequence[tuple[str, int]] = SIZE_MIX) -> list[BenchQuestion]:
    """The fixed mix asked at every corpus size: unit, target, public, who-leads and refusal questions (no history)."""
    out: list[BenchQuestion] = []
    for kind, count in mix:
        pool = [q for q in questions if q.type == kind and not q.history]
        step = max(1, len(pool) // count)
        out += pool[::step][:count]
    return out


def quick_questions(questions: Sequence[BenchQuestion], per_type: int = 2) -> list[BenchQuestion]:
    """The first `per_type` questions of each type (the smoke run)."""
    seen: dict[str, int] = {}
    out = []
    for q in questions:
        if seen.get(q.type, 0) < per_type:
            seen[q.type] = seen.get(q.type, 0) + 1
            out.append(q)
    return out
