"""Benchmarks: `python -m benchmarks [--index] [--query] [--http] [--sizes 1000,10000,100000] [--concurrency 1,5,20,50]`.

Sub-benchmarks (all of them when none is named):

- `--index`: index build wall time and peak memory, each build in a fresh subprocess, for the notice and for
  synthetic corpora (benchmarks/synthetic.py) of each size. Sizes above `--embed-limit` (10,000) are built with
  precomputed vectors (real vectors of the largest embedded corpus, reused and perturbed): everything but the
  embedding is measured for real, the embedding time is extrapolated from the measured throughput.
- `--query`: in-process latency per route (eval/questions.jsonl) on the notice, and on a fixed set of ~50
  questions at each corpus size; each stage (router, unit lookup, BM25, query embedding, HNSW search, evidence)
  timed apart; the plain LangChain baseline (`store.similarity_search(q, k=4)`) on the same questions in the same
  run; a cProfile of the slowest route.
- `--http`: the real web app (`app.py`) on a loopback port, `/ask` latency per route with one client, then a
  bounded load generator at each concurrency level: throughput, p50/p95, errors.

`--env KEY=VALUE` and `--stress N` measure variants (results under `variants/`); `--snapshot NAME` freezes the
current results under `history/NAME` before a library change, and the report compares them with the results now.

Results go to `results.json` (merged: a sub-benchmark re-run replaces only its part), `docs/benchmarks.md` and
`docs/benchmarks.png`. Targets are printed, never asserted. Every measurement records the load average.

Modules: runner (command line, the run), workers (measured work in fresh processes), http_load (app.py under
load), questions, vectors (precomputed vectors), measure (percentiles, memory, load), targets, report, changes
(before/after), findings, chart, fmt (Markdown formatting).
"""

from .measure import ratio, stats
from .questions import BenchQuestion, size_questions
from .runner import main
from .vectors import prepare_vectors

__all__ = ["BenchQuestion", "main", "prepare_vectors", "ratio", "size_questions", "stats"]
