"""The eval question sets cannot drift from the notice: every gold answer derivable from the records is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.eval.metrics import Question
from assistant.eval.questions import parse_questions, resolve_gold
from assistant.ingest.corpus import Corpus
from assistant.ingest.units import UnitDirectory
from assistant.records import Notice, Role

from ..conftest import CORPUS, ROOT

EVAL = ROOT / "eval"
# every question set about the real notice; the sealed one too (its gold is checked, its answers are not looked at)
SETS = ("questions.jsonl", "questions_holdout.jsonl", "subset_generation.jsonl", "questions_paraphrase.jsonl",
        "questions_paraphrase_sealed.jsonl")
ROLES = {"all": None, "lead": Role.LEAD, "assist": Role.ASSIST, None: None}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return Corpus.load(CORPUS)


@pytest.fixture(scope="module")
def units(corpus: Corpus) -> UnitDirectory:
    return UnitDirectory(corpus.notices, corpus.knowledge)


def _lines(name: str) -> list[str]:
    return (EVAL / name).read_text(encoding="utf-8").splitlines()


def _questions(name: str, corpus: Corpus) -> list[Question]:
    questions, errors = resolve_gold(parse_questions(_lines(name))[0], corpus.notices)
    assert errors == []
    return questions


@pytest.mark.parametrize("name", SETS)
def test_every_line_is_a_valid_question_of_the_notice(name: str, corpus: Corpus) -> None:
    """Each line parses with the harness's own validation, and its gold names tasks the notice has."""
    lines = _lines(name)
    questions, errors = parse_questions(lines)
    assert errors == []
    assert len(questions) == len([line for line in lines if line.strip()])
    assert len(_questions(name, corpus)) == len(questions)


@pytest.mark.parametrize("names", [(name,) for name in SETS] + [
    ("questions.jsonl", "questions_holdout.jsonl", "questions_paraphrase.jsonl", "questions_paraphrase_sealed.jsonl")])
def test_ids_are_unique(names: tuple[str, ...]) -> None:
    # within each set, and across the sets that are not subsets of one another (subset_generation is one)
    ids = [json.loads(line)["id"] for name in names for line in _lines(name) if line.strip()]
    assert len(ids) == len(set(ids))


def test_sets_are_big_enough(corpus: Corpus) -> None:
    main = _questions("questions.jsonl", corpus)
    assert len(main) >= 200 and sum(q.expect_refusal for q in main) >= 25
    paraphrase = _questions("questions_paraphrase.jsonl", corpus) + _questions("questions_paraphrase_sealed.jsonl",
                                                                               corpus)
    assert len(paraphrase) >= 300


@pytest.mark.parametrize("name", SETS)
def test_refusals_have_no_gold(name: str, corpus: Corpus) -> None:
    assert [q.id for q in _questions(name, corpus) if q.expect_refusal and q.gold] == []


@pytest.mark.parametrize("name", SETS)
def test_unit_gold_matches_the_directory(name: str, corpus: Corpus, units: UnitDirectory) -> None:
    """The gold of a unit question is exactly the tasks the parsed notice gives that unit in that role."""
    wrong = []
    for q in _questions(name, corpus):
        if q.unit is None:
            continue
        assert q.unit in units.units, f"{q.id}: unknown unit {q.unit!r}"
        lead, assist = units.tasks(q.unit, ROLES[q.role])
        expected = sorted(set(lead + assist))
        if sorted(q.gold) != expected:
            wrong.append(f"{q.id}: gold {list(q.gold_tasks)} != {[r.number for r in expected]} ({q.unit}, {q.role})")
    assert wrong == []


@pytest.mark.parametrize("name", SETS)
def test_section_gold_matches_the_notice(name: str, corpus: Corpus, notice: Notice) -> None:
    wrong = [
        f"{q.id}: gold {list(q.gold_tasks)} != section {q.section}"
        for q in _questions(name, corpus)
        if q.section is not None and q.gold_tasks != notice.section_of(q.section).task_numbers
    ]
    assert wrong == []


def test_every_named_unit_has_a_question(corpus: Corpus, units: UnitDirectory) -> None:
    asked = {q.unit for q in _questions("questions.jsonl", corpus)}
    assert sorted(u.name for u in units.departments if u.name not in asked) == []


def test_the_notice_has_78_tasks(notice: Notice) -> None:
    assert {t.number for t in notice.tasks} == set(range(1, 79))


def test_question_files_are_utf8_json_lines() -> None:
    for path in sorted(Path(EVAL).glob("*.jsonl")):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                assert isinstance(json.loads(line), dict), f"{path.name}:{i}"


# the blind sets written with a notice of their own: (question set folder, the folder of its corpus)
_BLIND = [("fresh8", "fresh8"), ("fresh9", "fresh9"), ("fresh10", "fresh9"), ("fresh11", "fresh11"),
          ("fresh12", "fresh11"), ("fresh13", "fresh13"), ("fresh14", "fresh14")]


@pytest.mark.parametrize(("name", "notice"), _BLIND)
def test_blind_sets_are_valid_questions_of_their_notice(name: str, notice: str) -> None:
    """Each part parses with the harness's validation and its gold names tasks the parsed notice has (a notice
    that parses into fewer tasks would make gold unreachable)."""
    corpus = Corpus.load(EVAL / notice / "corpus")
    parts = sorted((EVAL / name).glob(f"questions_{name}_*.jsonl"))
    assert {p.stem.rsplit("_", 1)[1] for p in parts} >= {"open", "sealed"}
    for path in parts:
        questions, errors = parse_questions(path.read_text(encoding="utf-8").splitlines())
        assert errors == [] and questions, path.name
        assert resolve_gold(questions, corpus.notices)[1] == [], path.name
