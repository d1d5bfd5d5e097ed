"""`python -m benchmarks`: the command line, and the run that calls the workers and merges their results into results.json."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import changes
from .chart import write_chart
from .http_load import App, http_load, http_sequential
from .measure import ROOT, Stress, loadavg, machine, proc_status_mb, say
from .questions import BenchQuestion, eval_questions, quick_questions, size_questions
from .report import render_doc
from .targets import targets
from .workers import run_worker, worker_main

WORK = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
CHART = ROOT / "docs" / "benchmarks.png"
SEED = 2024
SIZES = (1000, 10000, 100000)
CONCURRENCY = (1, 5, 20, 50)
EMBED_LIMIT = 10000


def _get(d: dict[str, Any], path: Sequence[str]) -> Any:
    for key in path:
        d = d[key]
    return d


def _set(d: dict[str, Any], path: Sequence[str], value: Any) -> None:
    for key in path[:-1]:
        d = d.setdefault(key, {})
    d[path[-1]] = value


class Bench:
    """One `python -m benchmarks` run: the parts asked for, each result saved into results.json as soon as it is known."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work_dir
        self.work.mkdir(parents=True, exist_ok=True)
        out: Path | None = args.output
        self.results_path = out / "results.json" if out else self.work / "results.json"
        self.doc = out / "benchmarks.md" if out else (self.work / "benchmarks.md" if args.quick else DOC)
        self.chart = out / "benchmarks.png" if out else (self.work / "benchmarks.png" if args.quick else CHART)
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
            [*(f"{k}={v}" for k, v in self.env.items()), *([f"stress={args.stress}"] if args.stress else [])])) or None
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
        say(f"synthetic corpus {size}: {time.perf_counter() - start:.1f} s")
        return folder

    def index_dir(self, size: int | str) -> Path:
        return self.work / "index" / str(size)

    def vectors(self, size: int | str) -> Path:
        return self.work / f"vectors-{size}.npz"

    # -- results -------------------------------------------------------------------------------------------------
    def put(self, part: str, key: str | None, value: Any) -> None:
        """Record one result (e.g. index/10000, or variants/NAME/index/10000 for an environment variant) and save;
        the other results in the file are kept."""
        path = (part,) if key is None else (part, key)
        if self.variant and part not in ("targets", "history"):
            path = ("variants", self.variant, *path)
            self.results.setdefault("variants", {}).setdefault(self.variant, {}).update(self.variant_meta())
        _set(self.results, path, value)
        self.produced.append(path)
        self.save()

    def variant_meta(self) -> dict[str, Any]:
        return {"env": self.env, "stress": self.args.stress}

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

    def snapshot(self, name: str, note: str) -> None:
        """Freeze the current results under history/NAME (once: an existing snapshot is never replaced)."""
        if name in self.results.get("history", {}):
            raise SystemExit(f"results.json already has a snapshot {name!r}; it is never replaced")
        self.put("history", name, changes.snapshot(self.results, note))
        say(f"snapshot {name}: {', '.join(p for p in changes.SNAPSHOT_PARTS if p in self.results)}")

    # -- index -------------------------------------------------------------------------------------------------
    def build(self, size: int | str) -> dict[str, Any]:
        corpus = self.corpus(size)
        spec: dict[str, Any] = {"corpus_dir": str(corpus), "index_dir": str(self.index_dir(size))}
        if size != "notice" and int(size) > self.args.embed_limit:
            spec["vectors_in"] = str(self.vector_source())
        elif size != "notice":
            spec["vectors_out"] = str(self.vectors(size))
        say(f"index build {size}: {spec.get('vectors_in') and 'precomputed vectors' or 'embedding for real'}")
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
        say(f"index build {size}: {result['build_s']} s, peak RSS {result['peak_rss_mb']} MB")
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
    def query(self, size: int | str, questions: Sequence[BenchQuestion], rounds: int, profile: bool) -> dict[str, Any]:
        self.ensure_built(size)
        spec = {"corpus_dir": str(self.corpus(size)), "index_dir": str(self.index_dir(size)),
                "questions": [q.to_json() for q in questions], "rounds": rounds, "stages": True,
                "subset": [q.id for q in self.mix],
                "profile": {"repeat": 2 if self.args.quick else 3, "top": 25} if profile else None}
        say(f"query latency {size}: {len(questions)} questions x {rounds} rounds")
        result = run_worker("query", spec, self.env)
        result["size"] = size
        if result.get("rebuilt"):
            say(f"warning: the {size} index was rebuilt by the query worker")
        return result

    # -- http --------------------------------------------------------------------------------------------------
    def http(self) -> None:
        a = self.args
        self.ensure_built("notice")
        say("starting app.py")
        app = App(self.work / "http", self.index_dir("notice"), self.env)
        try:
            out: dict[str, Any] = {"server_start_s": app.start_s, "web_concurrency": 16, "url": app.url,
                                   "server_settings": app.settings_note}
            seq = self.notice_questions
            out["sequential"] = http_sequential(app, seq, 1)
            say(f"/ask sequential: p50 {out['sequential']['overall']['p50']} ms")
            # what a README user sees: the same questions through gradio_client (heavier on the client side)
            out["sequential_gradio_client"] = http_sequential(app, seq[:: 1 if a.quick else 3], 1, "gradio_client")
            say(f"/ask sequential (gradio_client): p50 {out['sequential_gradio_client']['overall']['p50']} ms")
            levels = {}
            mix = [q for q in self.mix if not q.history]
            for clients in a.concurrency:
                res = http_load(app, clients, mix, a.requests, a.time_cap)
                levels[str(clients)] = res
                say(f"/ask {clients} clients: {res['throughput_rps']} req/s, p50 {res['latency']['p50']} ms, "
                    f"p95 {res['latency']['p95']} ms, errors {res['errors']}")
            out["concurrency"] = levels
            out["server_rss_mb"] = proc_status_mb("VmHWM", app.process.pid)
        finally:
            app.stop()
        self.put("http", None, out)

    # -- run -------------------------------------------------------------------------------------------------
    def run(self) -> None:
        if self.args.report_only:
            self.write()
            print(f"report: {self.doc}; chart: {self.chart}")
            return
        if self.args.snapshot:
            self.snapshot(self.args.snapshot, self.args.note or "")
            self.finish()
            return
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
            self.put("query", "notice", self.query("notice", self.notice_questions, rounds, profile=True))
            for size in a.sizes:
                self.put("query", str(size), self.query(size, self.mix, rounds, profile=size == max(a.sizes)))
        if a.http or everything:
            self.http()
        self.run_info["seconds"] = round(time.perf_counter() - start, 1)
        self.finish()

    def finish(self) -> None:
        """Save, recompute the targets, write the report and the chart, print the targets."""
        self.save()
        self.put("targets", None, targets(self.results))
        self.write()
        for t in self.results["targets"]:
            print(f"{'MET    ' if t['met'] else ('NOT MET' if t['met'] is False else 'n/a    ')} {t['target']}: {t['measured']}")
        print(f"results: {self.results_path}; report: {self.doc}; chart: {self.chart}")


    def write(self) -> None:
        """The report and the chart, from the results as they are."""
        self.doc.parent.mkdir(parents=True, exist_ok=True)
        try:
            write_chart(self.results, self.chart)
        except ImportError as exc:
            say(f"no chart: {exc}")
        self.doc.write_text(render_doc(self.results, self.chart, self.doc), encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description="Benchmarks: index build, query latency, HTTP.")
    p.add_argument("--index", action="store_true", help="index build time and peak memory")
    p.add_argument("--query", action="store_true", help="in-process latency per route, per size, profile")
    p.add_argument("--http", action="store_true", help="the web app's /ask: latency per route and under load")
    p.add_argument("--sizes", type=_ints, default=None,
                   help="synthetic corpus sizes in tasks (default 1000,10000,100000; 'none': the notice only)")
    p.add_argument("--concurrency", type=_ints, default=None, help="concurrent clients (default 1,5,20,50)")
    p.add_argument("--quick", action="store_true", help="tiny sizes and few questions (smoke test)")
    p.add_argument("--embed-limit", type=int, default=EMBED_LIMIT,
                   help="largest corpus embedded for real; larger ones use precomputed vectors (default 10000)")
    p.add_argument("--rounds", type=int, default=3, help="timed rounds over the questions (default 3)")
    p.add_argument("--requests", type=int, default=200, help="requests per concurrency level (default 200)")
    p.add_argument("--time-cap", type=float, default=120.0, help="seconds per concurrency level at most (default 120)")
    p.add_argument("--env", type=_env, action="append", default=None, metavar="KEY=VALUE",
                   help="an environment variant: set this in every worker and in app.py (repeatable); results go "
                        "under variants/ in results.json, next to the defaults (e.g. OMP_WAIT_POLICY=ACTIVE)")
    p.add_argument("--stress", type=int, default=0, metavar="N",
                   help="run N busy-looping processes during the run (a controlled busy machine; a variant, like --env)")
    p.add_argument("--variant", default=None, help="name of the environment variant (default: its KEY=VALUE list)")
    p.add_argument("--snapshot", default=None, metavar="NAME",
                   help="measure nothing: freeze the current results under history/NAME in results.json (before a "
                        f"library change; the report compares history/{changes.BEFORE} with the results now)")
    p.add_argument("--report-only", action="store_true",
                   help="measure nothing: write the report and the chart again from results.json")
    p.add_argument("--note", default=None, help="with --snapshot: what the frozen results measured (library version)")
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
