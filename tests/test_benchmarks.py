"""The benchmark suite: synthetic notices (fast) and a quick end-to-end `assistant bench --quick` run (slow).

Speed targets are printed by the benchmark, never asserted here: only that it runs and reports sane numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.ingest.corpus import load_corpus
from assistant.ingest.parse import parse_notice
from benchmarks import BenchQuestion, prepare_vectors, ratio, size_questions, stats
from benchmarks.changes import BEFORE, pairs, section, snapshot, stale
from benchmarks.report import render_doc
from benchmarks.synthetic import MAX_TASKS, SYNTHETIC_UNITS, corpus_files, make_corpus, make_notice

ROOT = Path(__file__).resolve().parent.parent


def test_make_notice_parses_to_exactly_n_tasks_with_units() -> None:
    text = make_notice(300, seed=7)
    notice = parse_notice(text, doc_id="syn")
    assert len(notice.tasks) == 300
    assert [t.number for t in notice.tasks] == list(range(1, 301))
    assert all(t.leads for t in notice.tasks), "every task names at least one lead unit"
    assert all(t.body and t.sentences for t in notice.tasks)
    assert len(notice.sections) == 6 and sum(len(s.task_numbers) for s in notice.sections) == 300
    assert notice.meta.doc_number and notice.covering.date and notice.year == "2024"


def test_make_notice_is_deterministic_and_varies_with_the_seed() -> None:
    assert make_notice(300, seed=7) == make_notice(300, seed=7)
    assert make_notice(300, seed=7) != make_notice(300, seed=8)


def test_make_notice_recombines_real_tasks() -> None:
    real = load_corpus(ROOT / "corpus")[0]
    real_texts = {t.text for t in real.tasks}
    notice = parse_notice(make_notice(300, seed=1), doc_id="syn")
    assert sum(t.text in real_texts for t in notice.tasks) < 30, "tasks are new combinations, not copies"
    units = {u for t in notice.tasks for u in (*t.leads, *t.assists)}
    real_units = {u for t in real.tasks for u in (*t.leads, *t.assists)}
    assert units - real_units <= set(SYNTHETIC_UNITS)
    assert len(units & real_units) > 20


@pytest.mark.parametrize("n", [1, 5, 78, MAX_TASKS])
def test_make_notice_sizes(n: int) -> None:
    assert len(parse_notice(make_notice(n, seed=n), doc_id="syn").tasks) == n


def test_make_notice_rejects_sizes_the_parser_cannot_number() -> None:
    with pytest.raises(ValueError):
        make_notice(MAX_TASKS + 1)
    with pytest.raises(ValueError):
        make_notice(0)


def test_make_corpus_splits_into_notices_and_keeps_prefixes(tmp_path: Path) -> None:
    small = make_corpus(1200, seed=3, folder=tmp_path / "a")
    big = make_corpus(2000, seed=3, folder=tmp_path / "b")
    assert [p.name for p in small] == ["syn_0000.txt", "syn_0001.txt", "syn_0002.txt"]
    assert sum(len(n.tasks) for n in load_corpus(tmp_path / "a")) == 1200
    # notice k depends only on (seed, k, size): the first notices of a bigger corpus are the smaller one's
    assert small[0].read_text(encoding="utf-8") == big[0].read_text(encoding="utf-8")
    assert small[1].read_text(encoding="utf-8") == big[1].read_text(encoding="utf-8")
    assert corpus_files(1200) == [("syn_0000", 500), ("syn_0001", 500), ("syn_0002", 200)]


def test_make_corpus_never_writes_to_the_corpus_folder() -> None:
    with pytest.raises(ValueError):
        make_corpus(10, seed=0, folder=ROOT / "corpus")


def test_prepare_vectors_reuses_real_vectors_and_perturbs_the_rest(tmp_path: Path) -> None:
    np = pytest.importorskip("numpy")
    base = np.eye(4, dtype=np.float32)
    np.savez(tmp_path / "v.npz", texts=np.array(["a", "b", "c", "d"]), vectors=base)
    vectors, info = prepare_vectors(["a", "x", "y", "a"], tmp_path / "v.npz")
    assert info == {"exact": 1, "reused_perturbed": 2, "cache_vectors": 4}
    assert np.allclose(vectors["a"], base[0])
    assert abs(float(np.linalg.norm(vectors["x"])) - 1.0) < 1e-5
    again, _ = prepare_vectors(["x"], tmp_path / "v.npz")
    assert np.allclose(again["x"], vectors["x"]), "deterministic"


def test_helpers() -> None:
    s = stats([1.0, 2.0, 3.0, 4.0])
    assert s["n"] == 4 and s["p50"] == 2.5 and s["max"] == 4.0
    assert ratio(1.0, 300.0) == 0.00333 and ratio(None, 1.0) is None and ratio(1.0, 0.0) is None
    qs = [BenchQuestion(f"q{i}", f"问题{i}", (), t) for i, t in enumerate(["department"] * 30 + ["refusal"] * 5)]
    picked = size_questions(qs, (("department", 4), ("refusal", 2)))
    assert [q.type for q in picked] == ["department"] * 4 + ["refusal"] * 2


def _results(p95: float, insert_s: float) -> dict:
    """The few fields of results.json the before/after comparison reads."""
    return {"index": {"100000": {"chroma_insert_s": insert_s, "chunks": 101400, "insert_batch": 1024, "embed_batch": 32,
                                 "load": {"sampled_1min": [0.5, 0.6, 0.7]}}},
            "query": {"100000": {"overall": {"assistant": {"p50": p95 / 2, "p95": p95}},
                                 "stages": {"BM25 search": {"p50": p95 / 4}}, "answers": {"q1": "a", "q2": "b"}}}}


def test_snapshot_is_a_frozen_copy_and_the_report_compares_it_with_the_results_now() -> None:
    results = _results(421.4, 203.5)
    results["history"] = {BEFORE: snapshot(results, "library as of abc1234")}
    assert results["history"][BEFORE]["note"] == "library as of abc1234" and "history" not in results["history"][BEFORE]
    assert stale(results, "query", "100000") and stale(results, "index", "100000")
    got = pairs(results)
    assert got["big_p95"].after is None and "not re-measured" in got["big_p95"].text()

    after = _results(150.0, 74.0)
    after["query"]["100000"]["answers"]["q2"] = "changed"
    results.update(after)  # a later run replaces the parts, never the history
    assert not stale(results, "query", "100000")
    assert results["history"][BEFORE]["query"]["100000"]["overall"]["assistant"]["p95"] == 421.4
    got = pairs(results)
    assert (got["big_p95"].before, got["big_p95"].after) == (421.4, 150.0)
    assert got["big_insert"].text() == "204 → 74.0 s"
    text = section(results)
    assert "## Changes made and what they bought" in text and "| 100,000 tasks: all questions p95 | 421 ms | 150 ms |" in text
    assert "p95 < 300 ms is met" in text and "1 of the 2 answers at this size are the same as before" in text
    assert "3,169 calls before, 100 after" in text


def test_report_marks_figures_not_measured_since_the_snapshot(tmp_path: Path) -> None:
    results = _results(421.4, 203.5)
    results["query"]["100000"].update(tasks=100000, chunks=101400, open_s=41.0, questions=50, rounds=3, routes={},
                                      overall={"assistant": {"p50": 150.0, "p95": 421.4},
                                               "baseline": {"p50": 20.0, "p95": 24.0}})
    del results["index"]  # its table needs a whole build record
    results["history"] = {BEFORE: snapshot(results, "before")}
    doc = render_doc(results, tmp_path / "c.png", tmp_path / "d.md")
    assert "| synthetic 100,000 † | 100,000 |" in doc and "† measured before the library changes" in doc
    assert "## Changes made and what they bought" in doc and "not re-measured" in doc


@pytest.mark.slow
def test_bench_quick_end_to_end(tmp_path: Path) -> None:
    """`assistant bench --quick`: tiny synthetic corpus, a few questions, two concurrency levels, into a temp dir."""
    out = tmp_path / "bench"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(results) >= {"machine", "runs", "index", "query", "http", "targets"}
    assert results["machine"]["cores"] >= 1

    for key in ("notice", "200"):
        build = results["index"][key]
        assert build["build_s"] > 0 and build["peak_rss_mb"] > 0 and build["chunks"] > 0
        assert build["embed_chunks_per_s"] > 0
    assert results["index"]["200"]["tasks"] == 200

    for key in ("notice", "200"):
        q = results["query"][key]
        assert q["overall"]["assistant"]["p50"] > 0 and q["overall"]["baseline"]["p95"] > 0
        assert q["routes"] and all(r["assistant"]["n"] > 0 for r in q["routes"].values())
        assert q["stages"]["BM25 search"]["p50"] > 0
        assert q["load"]["before"] and len(q["load"]["before"]) == 3
    assert "unit" in results["query"]["notice"]["routes"] and "fact" in results["query"]["notice"]["routes"]
    assert results["query"]["notice"]["profile"]["own"]
    assert len(results["query"]["notice"]["answers"]) == results["query"]["notice"]["questions"]

    http = results["http"]
    assert http["sequential"]["errors"] == 0 and http["sequential"]["overall"]["p50"] > 0
    levels = http["concurrency"]
    assert set(levels) == {"1", "2"}
    for level in levels.values():
        assert level["errors"] == 0 and level["ok"] > 0 and level["throughput_rps"] > 0
        assert level["latency"]["p95"] > 0

    assert {t["key"] for t in results["targets"]} == {"notice_p50", "notice_p95", "http_p95_20", "index_notice",
                                                      "p95_100k"}
    doc = (out / "benchmarks.md").read_text(encoding="utf-8")
    assert "## Index build" in doc and "## Web server under load" in doc and "load" in doc
    assert (out / "benchmarks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the quick run writes only where it was told to
    assert "MET" in proc.stdout
