"""The benchmark suite: synthetic notices (fast) and a quick end-to-end `assistant bench --quick` run (slow).

Speed targets are printed by the benchmark, never asserted here: only that it runs and reports sane numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.bench import BenchQuestion, prepare_vectors, ratio, size_questions, stats
from assistant.parsing import load_corpus, parse_notice
from assistant.synthetic import MAX_TASKS, SYNTHETIC_UNITS, corpus_files, make_corpus, make_notice

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


@pytest.mark.slow
def test_bench_quick_end_to_end(tmp_path: Path) -> None:
    """`assistant bench --quick`: tiny synthetic corpus, a few questions, two concurrency levels, into a temp dir."""
    out = tmp_path / "bench"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "bench", "--quick", "--output", str(out)],
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
    experiments = results["query"]["200"]["experiments"]
    assert experiments and all(e["same_answers"] == e["questions"] for e in experiments.values())

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
