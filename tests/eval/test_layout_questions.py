"""eval/questions_layouts.jsonl cannot drift from the layout fixtures: (document, task) gold of every unit question is
the unit's tasks in that role, and a question that names no place has no such tasks in another fixture."""

from __future__ import annotations

import json

import pytest

from assistant.eval.questions import load_question_set
from assistant.ingest.corpus import Corpus
from assistant.ingest.units import UnitDirectory
from assistant.records import Ref, Role

from ..conftest import ROOT

LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
QUESTIONS = ROOT / "eval" / "questions_layouts.jsonl"
ROLES = {"all": None, "lead": Role.LEAD, "assist": Role.ASSIST}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load(LAYOUTS)


def test_every_question_is_valid_and_every_fixture_is_asked(corpus: Corpus) -> None:
    questions, errors = load_question_set(QUESTIONS, corpus.notices)
    assert errors == []
    assert {q.doc for q in questions} == {n.doc_id for n in corpus.notices}
    assert all(r.doc_id == q.doc for q in questions for r in q.gold)


def test_unit_gold_is_the_units_tasks(corpus: Corpus) -> None:
    directory = UnitDirectory(corpus.notices, corpus.knowledge)
    places = [n.identity.place for n in corpus.notices]
    for line in QUESTIONS.read_text("utf-8").splitlines():
        q = json.loads(line)
        if not q.get("unit"):
            continue
        lead, assist = directory.tasks(q["unit"], ROLES[q["role"]])
        refs = set(lead) | set(assist)
        gold = {Ref(d, n) for d, n in q["gold"]}
        assert gold == {r for r in refs if r.doc_id == q["doc"]}, q["id"]
        if not any(place in q["question"] for place in places):
            assert gold == refs, f"{q['id']}: the unit has tasks in other fixtures too; name the place"


def test_answer_strings_are_in_the_gold_tasks(corpus: Corpus) -> None:
    by_doc = {n.doc_id: n for n in corpus.notices}
    for line in QUESTIONS.read_text("utf-8").splitlines():
        q = json.loads(line)
        texts = "".join(by_doc[d].task(n).text for d, n in q["gold"])
        for wanted in q["answer_contains"]:
            assert any(alt in texts for alt in wanted.split("|")), q["id"]
