"""The eval harness: metrics on hand-made cases with exact numbers, the command end to end, and the floors in CI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.apps.cli import main as cli_main
from assistant.eval.cli import evaluate
from assistant.eval.metrics import (
    Question,
    Result,
    check_floors,
    citation_scores,
    contains_all,
    exact,
    percentile,
    problems,
    ranked_list,
    recall_at,
    reciprocal_rank,
    summarize,
    summarize_by_type,
    wilson_lower,
)
from assistant.eval.questions import load_floors, load_question_set, load_questions, parse_questions, resolve_gold
from assistant.records import Ref

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "eval" / "questions.jsonl"
FLOORS = ROOT / "eval" / "floors.json"


def refs(numbers: tuple[int, ...], doc: str = "d") -> tuple[Ref, ...]:
    return tuple(Ref(doc, n) for n in numbers)


def q(id: str, gold: tuple[int, ...] = (), refuse: bool = False, type: str = "a",
      contains: tuple[tuple[str, ...], ...] = ()) -> Question:
    return Question(id=id, question=f"问题{id}", gold=refs(gold), expect_refusal=refuse, type=type,
                    answer_contains=contains)


def r(id: str, cited: tuple[int, ...] = (), retrieved: tuple[int, ...] = (), refused: bool = False,
      answer: str = "", ms: float = 0.0, other: tuple[int, ...] = ()) -> Result:
    """A result citing tasks of document "d" (and, in `other`, tasks of another document "e")."""
    return Result(id=id, question=f"问题{id}", answer=answer, refs=refs(cited) + refs(other, "e"),
                  retrieved=refs(retrieved), refused=refused, route="test", latency_ms=ms)


# -- metrics ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "cited", "expected"),
    [
        ((1, 2, 3), (2, 3, 4), (2 / 3, 2 / 3, 2 / 3)),
        ((1, 2), (1,), (1.0, 0.5, 2 / 3)),
        ((), (), (1.0, 1.0, 1.0)),  # nothing to cite, nothing cited
        ((), (5,), (0.0, 1.0, 0.0)),  # gold empty but something cited
        ((1,), (), (0.0, 0.0, 0.0)),  # gold non-empty, nothing cited
        ((1, 2), (2, 1, 2), (1.0, 1.0, 1.0)),  # repeats and order do not matter
    ],
)
def test_citation_scores(gold: tuple[int, ...], cited: tuple[int, ...], expected: tuple[float, float, float]) -> None:
    assert citation_scores(refs(gold), refs(cited)) == pytest.approx(expected)


def test_a_citation_of_another_notices_task_lowers_precision() -> None:
    # task 1 of document "e" is not task 1 of document "d": precision 1/2, and the answer is not exact
    assert citation_scores(refs((1,)), refs((1,)) + refs((1,), "e")) == pytest.approx((0.5, 1.0, 2 / 3))
    result = r("x", cited=(1,), other=(1,))
    assert not exact(q("x", gold=(1,)), result)
    assert problems(q("x", gold=(1,)), result) == ["extra [e:1]"]
    assert summarize([(q("x", gold=(1,)), result)]).citation_precision == pytest.approx(0.5)


def test_exact_set_and_its_wilson_lower_bound() -> None:
    assert exact(q("x", gold=(1, 2)), r("x", cited=(2, 1)))
    assert not exact(q("x", gold=(1, 2)), r("x", cited=(1,)))
    assert not exact(q("x", gold=(1, 2)), r("x", cited=(1, 2, 3)))
    assert not exact(q("x", gold=(1, 2)), r("x", cited=(1, 2), refused=True))
    assert exact(q("x", refuse=True), r("x", refused=True))
    assert not exact(q("x", refuse=True), r("x", refused=True, cited=(3,)))
    assert exact(q("x"), r("x"))  # nothing to cite, nothing cited
    # Wilson 95%: 10/10 gives 0.7225, 95/100 gives 0.8882 (textbook values)
    assert wilson_lower(10, 10) == pytest.approx(0.7225, abs=1e-4)
    assert wilson_lower(95, 100) == pytest.approx(0.8882, abs=1e-4)
    assert wilson_lower(0, 5) == 0.0 and wilson_lower(0, 0) is None
    m = summarize(PAIRS)
    assert m.exact_set == pytest.approx(2 / 4)  # q1 and q4
    assert m.exact_set_low == pytest.approx(wilson_lower(2, 4))


def test_recall_at_and_reciprocal_rank() -> None:
    assert recall_at(refs((3, 7)), refs((5, 3, 9, 7)), 1) == 0.0
    assert recall_at(refs((3, 7)), refs((5, 3, 9, 7)), 2) == 0.5
    assert recall_at(refs((3, 7)), refs((5, 3, 9, 7)), 4) == 1.0
    assert reciprocal_rank(refs((3, 7)), refs((5, 3, 9, 7))) == 0.5
    assert reciprocal_rank(refs((8,)), refs((5, 3))) == 0.0


def test_ranked_list_falls_back_to_citations() -> None:
    assert ranked_list(r("x", cited=(4, 5), retrieved=(9, 4))) == refs((9, 4))
    assert ranked_list(r("x", cited=(4, 5))) == refs((4, 5))


def test_contains_all_with_alternatives() -> None:
    assert contains_all("增长5%左右", [("5%", "百分之五")])
    assert contains_all("增长百分之五", [("5%", "百分之五"), ("增长",)])
    assert not contains_all("增长百分之五", [("5%", "百分之五"), ("下降",)])
    assert contains_all("anything", [])


def test_percentile_interpolates() -> None:
    assert percentile([40, 10, 30, 20], 50) == 25
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


PAIRS = [
    (q("q1", gold=(1, 2)), r("q1", cited=(1, 2), retrieved=(2, 1, 3), ms=10)),
    (q("q2", gold=(3, 4), contains=(("甲",), ("乙", "丙"))), r("q2", cited=(3,), answer="甲和丙", ms=20)),
    (q("q3", type="b", contains=(("78",),)), r("q3", refused=True, answer="无法回答", ms=30)),
    (q("q4", refuse=True, type="refusal"), r("q4", refused=True, ms=40)),
]


def test_summarize_exact_numbers() -> None:
    m = summarize(PAIRS)
    assert (m.questions, m.answerable, m.with_gold, m.with_contains, m.expect_refusal) == (4, 3, 2, 2, 1)
    assert m.citation_recall == pytest.approx((1 + 0.5 + 1) / 3)
    assert m.citation_precision == pytest.approx(1.0)
    assert m.citation_f1 == pytest.approx((1 + 2 / 3 + 1) / 3)  # macro: per-question F1, averaged
    assert m.completeness == pytest.approx(2 / 3)
    # q1 ranks retrieved (2, 1, 3); q2 retrieved nothing, so its citations (3,) are the ranking
    assert (m.recall_at_1, m.recall_at_4, m.recall_at_10) == pytest.approx((0.5, 0.75, 0.75))
    assert m.mrr == pytest.approx(1.0)
    assert m.answer_contains == pytest.approx(0.5)
    assert m.refusal_accuracy == 1.0
    assert m.false_refusal_rate == pytest.approx(1 / 3)
    assert (m.latency_p50_ms, m.latency_p95_ms) == pytest.approx((25.0, 38.5))


def test_summarize_by_type_and_not_applicable() -> None:
    by_type = summarize_by_type(PAIRS)
    assert list(by_type) == ["a", "b", "refusal"]
    assert by_type["a"].completeness == 0.5
    refusal = by_type["refusal"]
    assert refusal.citation_recall is None and refusal.mrr is None and refusal.false_refusal_rate is None
    assert refusal.refusal_accuracy == 1.0
    assert by_type["b"].refusal_accuracy is None
    assert summarize([]).latency_p50_ms is None


def test_problems_name_what_is_wrong() -> None:
    assert problems(*PAIRS[0]) == []
    assert problems(*PAIRS[1]) == ["missing [4]"]
    assert problems(*PAIRS[2]) == ["refused"]
    assert problems(*PAIRS[3]) == []
    assert problems(q("x", refuse=True), r("x")) == ["not refused"]
    # a refusal that cites a task is not exact, so it is a problem too: `wrong` lists every non-exact answer
    cited_refusal = r("x", cited=(56,), refused=True)
    assert not exact(q("x", refuse=True), cited_refusal)
    assert problems(q("x", refuse=True), cited_refusal) == ["refused but cited [56]"]
    # a detail the notice does not state: the refusal should point to the related task, and only to it
    related = q("x", gold=(56,), refuse=True)
    assert exact(related, cited_refusal) and problems(related, cited_refusal) == []
    assert not exact(related, r("x", refused=True)) and problems(related, r("x", refused=True)) == [
        "missing [56]", "nothing cited"]
    assert problems(related, r("x", cited=(56, 7), refused=True)) == ["extra [7]"]
    assert problems(related, r("x", cited=(56,))) == ["not refused"]
    assert problems(q("x", gold=(1,)), r("x", cited=(1, 2))) == ["extra [2]"]
    assert problems(q("x", gold=(1,)), r("x")) == ["missing [1]", "nothing cited"]


def test_check_floors() -> None:
    overall, by_type = summarize(PAIRS), summarize_by_type(PAIRS)
    floors = {
        "overall": {"citation_precision": 1.0, "completeness": 0.7, "false_refusal_rate": 0.2, "bogus": 1},
        "by_type": {"a": {"completeness": 0.5}, "refusal": {"citation_recall": 0.1}, "zzz": {"mrr": 0.1}},
    }
    assert check_floors(overall, by_type, floors) == [
        "overall: completeness 0.6667 below its floor 0.7000",
        "overall: false_refusal_rate 0.3333 above its ceiling 0.2000",
        "overall: unknown metric 'bogus' in floors",
        "type refusal: citation_recall not measured (no questions it applies to)",
        "type zzz: no questions of this type, mrr not measured",
    ]
    assert check_floors(overall, by_type, {"overall": {"completeness": 0.66}}) == []


# -- input ------------------------------------------------------------------------------------------------------


def test_parse_questions_reports_each_bad_line() -> None:
    lines = [
        '{"id": "a", "question": "区商务局负责哪些任务?", "gold_tasks": [1, 2], "answer_contains": ["5%|百分之五"]}',
        "",
        "{not json",
        "[1]",
        '{"question": "q"}',
        '{"id": "b"}',
        '{"id": "c", "question": "q", "gold_tasks": ["1"]}',
        '{"id": "d", "question": "q", "expect_refusal": "yes"}',
        '{"id": "e", "question": "q", "history": "earlier"}',
        '{"id": "f", "question": "q", "role": "boss"}',
        '{"id": "a", "question": "again"}',
        '{"id": "g", "question": "q", "history": ["h1"], "expect_refusal": true, "type": "refusal"}',
    ]
    questions, errors = parse_questions(lines)
    assert [x.id for x in questions] == ["a", "g"]
    assert questions[0].answer_contains == (("5%", "百分之五"),)
    assert questions[0].gold_tasks == (1, 2) and questions[0].type == "other" and questions[0].line == 1
    assert questions[1].history == ("h1",) and questions[1].expect_refusal and questions[1].line == 12
    assert [e.split(":")[0] for e in errors] == [f"line {n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11)]
    assert questions[0].gold == (Ref("", 1), Ref("", 2))  # plain numbers: the document is resolved at run time
    assert errors[0].startswith("line 3: invalid JSON")
    assert errors[1:5] == ["line 4: not a JSON object", "line 5: missing 'id'", "line 6: missing 'question'",
                           "line 7: 'gold_tasks' must be a list of integers"]
    assert errors[-1] == "line 11: duplicate id 'a' (first on line 1)"


def test_gold_as_pairs_or_numbers_of_a_document(notice) -> None:  # type: ignore[no-untyped-def]
    lines = [
        '{"id": "a", "question": "q", "gold_tasks": [1, 2]}',
        json.dumps({"id": "b", "question": "q", "gold": [[notice.doc_id, 3], [notice.doc_id, 4]]}),
        json.dumps({"id": "c", "question": "q", "gold_tasks": [5], "doc": notice.doc_id}),
        '{"id": "d", "question": "q", "gold": [["nope", 1]]}',
        '{"id": "e", "question": "q", "gold_tasks": [999]}',
        '{"id": "f", "question": "q", "gold": [[1, 2]]}',
        '{"id": "g", "question": "q", "class": "set_op", "note": "kept"}',
    ]
    questions, errors = parse_questions(lines)
    assert errors == ["line 6: 'gold' must be a list of [document id, task number] pairs"]
    assert questions[-1].extra == (("class", "set_op"), ("note", "kept"))
    resolved, problems_ = resolve_gold(questions, [notice])
    assert [x.id for x in resolved] == ["a", "b", "c", "g"]
    assert resolved[0].gold == refs((1, 2), notice.doc_id) and resolved[1].gold == refs((3, 4), notice.doc_id)
    assert resolved[2].gold == refs((5,), notice.doc_id)
    assert problems_ == ["line 4: question 'd': gold names the document 'nope', which is not loaded",
                         f"line 5: question 'e': gold names task 999 of {notice.doc_id!r}, which has no such task"]
    # with several notices loaded, plain numbers without a document are ambiguous: an error, not a guess
    _, several = resolve_gold(questions[:1], [notice, notice])
    assert "2 notices are loaded" in several[0]


def test_load_questions_missing_file(tmp_path: Path) -> None:
    from assistant.eval.questions import InputError

    with pytest.raises(InputError, match="not found"):
        load_questions(tmp_path / "nope.jsonl")
    (tmp_path / "latin1.jsonl").write_bytes('{"id": "a", "question": "\xe9"}'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_questions(tmp_path / "latin1.jsonl")


# -- the command ------------------------------------------------------------------------------------------------


def _run(args: list[str], settings: Settings | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    if settings is not None:
        env |= {"ASSISTANT_INDEX_DIR": str(settings.index_dir), "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir)}
    return subprocess.run([sys.executable, "-m", "assistant.eval", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_missing_or_empty_input_exits_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    done = _run([str(tmp_path / "nope.jsonl")], None, tmp_path)
    assert done.returncode == 2
    assert "questions file not found" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    done = _run([str(tmp_path / "bad.jsonl")], None, tmp_path)
    assert done.returncode == 2 and "line 1: invalid JSON" in done.stderr and "no valid questions" in done.stderr
    assert cli_main(["eval", str(tmp_path / "nope.jsonl")]) == 2  # `assistant eval …` forwards to the same main
    assert "questions file not found" in capsys.readouterr().err


def test_harness_end_to_end(assistant: Assistant, settings: Settings, tmp_path: Path) -> None:
    """`python -m assistant.eval` on a small file with bad lines: the rest run, every output is written."""
    rows = [
        {"id": "d1", "question": "区卫健委负责哪些任务?", "gold_tasks": [53, 54], "type": "department"},
        {"id": "f1", "question": "那区统计局呢?", "history": ["区司法局负责哪些任务?"], "gold_tasks": [75, 78],
         "type": "followup"},
        "{not json",
        {"id": "x", "gold_tasks": [1]},
        {"id": "r1", "question": "明天天气怎么样?", "expect_refusal": True, "type": "refusal"},
        {"id": "m1", "question": "这份通知的文号是什么?", "answer_contains": ["鼓政〔2024〕2号"], "type": "metadata"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in rows) + "\n",
                    encoding="utf-8")
    out, reports = tmp_path / "out" / "report.json", tmp_path / "reports"
    done = _run([str(path), "--output", str(out), "--report-dir", str(reports), "--compare"], settings, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "line 3: invalid JSON" in done.stderr and "line 4: missing 'question'" in done.stderr
    assert "overall" in done.stdout and "Comparison" in done.stdout

    report = json.loads(out.read_text(encoding="utf-8"))
    assert [e.split(":")[0] for e in report["errors"]] == ["line 3", "line 4"]
    assert [x["id"] for x in report["results"]] == ["d1", "f1", "r1", "m1"]
    keys = {"id", "question", "answer", "citations", "refs", "retrieved", "refused", "route", "latency_ms", "type",
            "gold", "exact"}
    assert all(set(x) == keys for x in report["results"])
    assert report["summary"]["overall"]["questions"] == 4
    assert set(report["summary"]["by_type"]) == {"department", "followup", "refusal", "metadata"}
    assert set(report["comparison"]["systems"]) == {"bm25", "dense", "hybrid", "baseline", "assistant"}
    baseline = report["comparison"]["systems"]["baseline"]
    assert baseline["overall"]["refusal_accuracy"] == 0.0 and "department" in baseline
    for name in ("report.md", "scores_by_type.png", "comparison.md", "comparison.json"):
        assert (reports / name).stat().st_size > 0, name
    assert "## Metric definitions" in (reports / "report.md").read_text(encoding="utf-8")

    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"overall": {"citation_recall": 1.01}, "by_type": {}}), encoding="utf-8")
    done = _run([str(path), "--report-dir", str(reports), "--check-floors", str(floors)], settings, tmp_path)
    assert done.returncode == 1
    assert "overall: citation_recall" in done.stdout and "below its floor 1.0100" in done.stdout
    assert "input error: line 3" in done.stdout  # a set with bad lines cannot pass the floors


@pytest.mark.slow
def test_full_set_meets_the_floors(assistant: Assistant) -> None:
    """CI: the full question set in the default mode, every floor in eval/floors.json held."""
    questions, errors = load_question_set(QUESTIONS, assistant.notices)
    assert errors == []
    evaluation = evaluate(assistant, questions, ("assistant",), errors)["assistant"]
    failures = check_floors(evaluation.overall, evaluation.by_type, load_floors(FLOORS))
    wrong = [f"{w['id']}: {'; '.join(w['problems'])}" for w in evaluation.wrong()]
    assert failures == [], "\n".join(failures + ["wrong answers:", *wrong])
