"""The operation a question asks for, read from the question with its slots replaced by placeholders: character
n-gram TF-IDF and logistic regression, trained at start-up on a bank of example questions (data, well under a
millisecond a question)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline

from .tagger import PLACEHOLDER

_MARKS = {"<U>": PLACEHOLDER["unit"], "<T>": PLACEHOLDER["task"], "<N>": PLACEHOLDER["ordinal"],
          "<S>": PLACEHOLDER["section"], "<Y>": PLACEHOLDER["year"], "<P>": PLACEHOLDER["place"],
          "<D>": PLACEHOLDER["title"]}


_PLACEHOLDERS = frozenset(PLACEHOLDER.values())
# places, years and titles say which notice, not what is asked of it: the classifier does not see them
_DOC_SLOTS = re.compile("[" + "".join(PLACEHOLDER[k] for k in ("place", "year", "title")) + "]")


def operation_text(templated: str) -> str:
    """What the classifier reads of a templated question: without the slots that only choose the notice."""
    return _DOC_SLOTS.sub("", templated).strip("的 ") or templated


def _slot_kinds(templated: str) -> list[str]:
    return sorted({ch for ch in templated if ch in _PLACEHOLDERS}) or ["none"]


@dataclass(frozen=True)
class Example:
    label: str
    question: str  # templated: placeholders in place of slots


def load_bank(name: str = "data/plan_bank.tsv") -> list[Example]:
    """The example bank shipped with the package: `label<TAB>question` lines, `#` comments."""
    text = resources.files("assistant.query").joinpath(name).read_text(encoding="utf-8")
    examples = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, question = line.partition("\t")
        if not sep or not question.strip():
            raise ValueError(f"{name} line {number}: expected 'label<TAB>question', got {line!r}")
        for mark, placeholder in _MARKS.items():
            question = question.replace(mark, placeholder)
        examples.append(Example(label.strip(), question.strip()))
    return examples


class OpClassifier:
    """label = classify(templated question); `scores` gives the probabilities, best first."""

    def __init__(self, examples: list[Example]) -> None:
        if len({e.label for e in examples}) < 2:
            raise ValueError("the example bank needs at least two labels")
        self._model: Pipeline = make_pipeline(
            FeatureUnion([
                ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
                # which kinds of slot the question has, as features of their own: a unit slot says much more
                # about the operation than any one character n-gram
                ("slots", CountVectorizer(analyzer=_slot_kinds, binary=True)),
            ]),
            LogisticRegression(C=20.0, max_iter=2000, class_weight="balanced"),
        )
        self._model.fit([operation_text(e.question) for e in examples], [e.label for e in examples])
        self.labels: tuple[str, ...] = tuple(str(c) for c in self._model.classes_)

    def scores(self, templated: str) -> list[tuple[str, float]]:
        probabilities = self._model.predict_proba([operation_text(templated)])[0]
        return sorted(zip(self.labels, map(float, probabilities), strict=True), key=lambda p: -p[1])

    def classify(self, templated: str) -> str:
        return str(self.scores(templated)[0][0])
