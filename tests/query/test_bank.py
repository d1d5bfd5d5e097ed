"""The classifier's example bank: well formed, every label used by the planner, and kept apart from the eval
question sets (a bank example that is an eval question, once templated, would let the eval measure the bank)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.ingest.corpus import Corpus
from assistant.ingest.normalize import normalize_question
from assistant.ingest.units import UnitDirectory
from assistant.query.classify import OpClassifier, load_bank
from assistant.query.tagger import Tagger, template
from assistant.settings import Settings

_END = r"[??。!]+$"
EVAL = Path(__file__).resolve().parents[2] / "eval"


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def test_every_label_has_examples_and_the_classifier_fits_them() -> None:
    bank = load_bank()
    labels = {e.label for e in bank}
    assert {"units_list", "task_who", "rank_units", "topic", "fact", "who", "section_list", "metadata"} <= labels
    classifier = OpClassifier(bank)
    right = sum(classifier.classify(e.question) == e.label for e in bank)
    assert right / len(bank) >= 0.95


SETS = ["questions.jsonl", "questions_holdout.jsonl", "questions_paraphrase.jsonl",
        "questions_paraphrase_sealed.jsonl", "sealed_notice/questions.jsonl"]


@pytest.mark.parametrize("name", SETS)
def test_no_bank_example_is_a_near_duplicate_of_an_eval_question(name: str) -> None:
    corpus = Corpus.load(Settings.from_env().corpus_dir)
    tagger = Tagger(corpus.notices, UnitDirectory(corpus.notices, corpus.knowledge), corpus.knowledge)
    bank = [(e.question, _grams(e.question)) for e in load_bank()]
    close = []
    for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        for question in (item["question"], *item.get("history", ())):
            q = re.sub(_END, "", normalize_question(question))
            templated = template(q, tagger.tag(q))
            grams = _grams(templated)
            for example, example_grams in bank:
                union = grams | example_grams
                if len(re.sub(_END, "", example)) > 4 and len(grams & example_grams) / len(union) >= 0.9:
                    close.append(example)
    # only the bank's side is shown: the sealed sets' questions stay unread
    assert not close, close[:10]
