"""Compose grounded answers from the records and retrieved text; one `answer()` for the CLI, web app and eval."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

from .departments import UnitDirectory
from .embeddings import make_embeddings
from .index import VectorIndex, chunks_of
from .parsing import load_corpus
from .records import Answer, Chunk, Notice, Task
from .retrieval import BM25Retriever, HybridRetriever, content_tokens
from .routing import Intent, Router
from .settings import Settings

log = logging.getLogger(__name__)

REFUSALS = {
    "injection": "这个请求与通知内容无关。我只根据《{title}》回答问题,不会改变这一规则。",
    "creative": "抱歉,我只回答与《{title}》有关的问题,不写诗文、不讲笑话、不做翻译。",
    "weather": "抱歉,通知中没有天气或时间方面的信息。我只能回答与《{title}》有关的问题。",
    "person": "通知中没有出现任何人员的姓名、职务人选或联系方式,无法回答。可以问某个单位负责哪些任务。",
    "advice": "抱歉,这个问题不在通知的范围内。我只能回答与《{title}》有关的问题。",
    "year": "通知只涉及2024年的目标任务,没有{subject}年的内容,无法回答。",
    "unknown_unit": "通知中没有出现“{subject}”这个单位,它在方案里没有分到任务。可以问通知中列出的单位,例如区商务局、区教育局。",
    "no_evidence": "通知中没有找到与这个问题直接相关的内容,无法据此回答。",
}
INVALID = {
    "empty": "请输入一个问题,例如「区商务局负责哪些任务?」。",
    "too_long": "问题太长了(超过 {limit} 个字),请精简后再问。",
}
HELP = (
    "您好!我根据《{title}》回答问题,每条回答都标注出处任务编号。可以这样问:\n"
    "- 区商务局负责哪些任务?\n- 今年新增多少公共停车泊位?\n- 江豚公园谁负责?\n- 第四部分讲什么?\n- 这份通知的文号是什么?"
)
_NUMBER = re.compile(r"\d")
# Lexical evidence below this share of the question's weight, with dense similarity below _MIN_DENSE, is no evidence.
_MIN_COVERAGE = 0.34
_MIN_DENSE = 0.86


@dataclass(frozen=True)
class Scored:
    task: Task
    rank: int
    coverage: float


class Assistant:
    """Everything one question needs, loaded once: records, unit directory, router, index and retrievers."""

    def __init__(self, settings: Settings, progress: Callable[[int, int], None] | None = None) -> None:
        self.settings = settings
        self.notices: tuple[Notice, ...] = load_corpus(settings.corpus_dir)
        self.notice = self.notices[0]
        self.units = UnitDirectory(self.notices)
        self.tokenizer = self.units.tokenizer()
        self.router = Router(self.units, self.notice.sections, settings.max_question_chars, settings.history_turns)
        self.chunks: list[Chunk] = [c for n in self.notices for c in chunks_of(n)]
        self.index = VectorIndex(settings, make_embeddings(settings))
        self.rebuilt = self.index.ensure(self.chunks, progress=progress)
        self.retriever = HybridRetriever(
            BM25Retriever(self.chunks, self.tokenizer), self.index, settings.candidates, settings.rrf_k
        )
        self._tasks = {(t.doc_id, t.number): t for n in self.notices for t in n.tasks}
        self._bigram_df = Counter(g for t in self.notice.tasks for g in set(_bigrams(t.text)))

    # -- the one query path -------------------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question in the context of the earlier questions of its conversation."""
        intent = self.router.route(question if isinstance(question, str) else str(question), list(history))
        handler = getattr(self, f"_answer_{intent.route}")
        result: Answer = handler(intent)
        return result

    # -- routes -------------------------------------------------------------------------------------------
    def _answer_invalid(self, intent: Intent) -> Answer:
        text = INVALID[intent.reason].format(limit=self.settings.max_question_chars)
        return Answer(text=text, refused=True, route="invalid")

    def _answer_help(self, intent: Intent) -> Answer:
        return Answer(text=HELP.format(title=self._title), route="help")

    def _answer_refuse(self, intent: Intent, retrieved: Sequence[int] = ()) -> Answer:
        text = REFUSALS[intent.reason].format(title=self._title, subject=intent.subject)
        return Answer(text=text, refused=True, route="refuse", retrieved=tuple(retrieved))

    def _answer_unit(self, intent: Intent) -> Answer:
        blocks: list[str] = []
        for name in intent.units:
            blocks.append(self._unit_block(name, intent))
        return self._finish("\n\n".join(blocks), route="unit")

    def _unit_block(self, name: str, intent: Intent) -> str:
        unit = self.units.units[name]
        lead, assist = self.units.tasks(name, "all")
        lines: list[str] = []
        label = "（统称）" if unit.kind == "group" else ""
        if intent.role == "lead":
            lines.append(f"{name}{label}主办(牵头)的任务共 {len(lead)} 项。" if lead else f"{name}{label}没有主办(牵头)的任务。")
            lines += self._task_lines(lead)
            if not lead and assist:
                lines.append(f"它作为协办单位参与 {len(assist)} 项任务。")
        elif intent.role == "assist":
            lines.append(f"{name}{label}协办的任务共 {len(assist)} 项。" if assist else f"{name}{label}没有协办的任务。")
            lines += self._task_lines(assist)
            if not assist and lead:
                lines.append(f"它主办(牵头)的任务有 {len(lead)} 项,可以问「{name}主办哪些任务?」。")
        else:
            lines.append(f"{name}{label}在通知中共涉及 {len(lead) + len(assist)} 项任务:主办 {len(lead)} 项,协办 {len(assist)} 项。")
            if lead:
                lines.append(f"\n主办(牵头)任务({len(lead)} 项):")
                lines += self._task_lines(lead)
            if assist:
                lines.append(f"\n协办任务({len(assist)} 项):")
                lines += self._task_lines(assist)
        if unit.kind != "group":
            lines.append("\n(只列出点名该单位的任务;由“区相关部门”“各街道板块”等统称单位承担的任务未计入。)")
        return "\n".join(lines)

    def _task_lines(self, refs: Sequence[tuple[str, int]]) -> list[str]:
        return [f"{i}. {self._tasks[ref].gist}【任务{ref[1]}】" for i, ref in enumerate(refs, start=1)]

    def _answer_count(self, intent: Intent) -> Answer:
        n = self.notice
        parts = [f"{s.numeral}、{s.title}(任务{s.task_numbers[0]}–{s.task_numbers[-1]},共 {len(s.task_numbers)} 项)" for s in n.sections]
        text = f"《{n.plan_title}》共 {len(n.tasks)} 项任务,分为 {len(n.sections)} 个部分:\n" + "\n".join(parts)
        return Answer(text=text, route="count")

    def _answer_section(self, intent: Intent) -> Answer:
        s = self.notice.section_of(intent.section)
        head = f"第{s.numeral}部分“{s.title}”共 {len(s.task_numbers)} 项任务(任务{s.task_numbers[0]}–{s.task_numbers[-1]}):"
        lines = [head] + self._task_lines([(s.doc_id, k) for k in s.task_numbers])
        return self._finish("\n".join(lines), route="section")

    def _answer_metadata(self, intent: Intent) -> Answer:
        m, c = self.notice.meta, self.notice.covering
        body_first = c.body.split("。")[0]
        texts = {
            "doc_number": f"这份通知的文号是{m.doc_number}。",
            "index_number": f"这份通知的索引号是{m.index_number}。",
            "meeting": f"通知说明:{body_first}。",
            "keywords": f"这份通知的关键词是:{'、'.join(m.keywords)}。",
            "addressees": f"通知印发给:{'、'.join(c.addressees)}。",
            "date": f"通知的生成日期是{m.date},落款日期为{c.date}。",
            "publisher": f"通知信息中的发布机构为“{m.publisher}”,落款单位为“{c.issuer}”(按原文照录)。",
            "classification": "通知的分类信息:" + ";".join(f"{k}:{v}" for k, v in m.fields if "分类" in k and v) + "。",
            "public": f"通知注明{c.note or '(未注明是否公开)'}。",
            "title": f"通知的标题是《{m.title}》,所附方案为《{self.notice.plan_title}》。",
            "overview": (
                f"《{m.title}》({m.doc_number})印发给{'、'.join(c.addressees)}。{c.body}\n"
                f"所附方案共 {len(self.notice.tasks)} 项任务,分为 {len(self.notice.sections)} 个部分:"
                + ";".join(f"{s.numeral}、{s.title}" for s in self.notice.sections) + "。"
            ),
        }
        return Answer(text=texts[intent.field], route="metadata")

    def _answer_lead(self, intent: Intent) -> Answer:
        hits, picked = self._evidence(intent)
        if not picked:
            return self._answer_refuse(Intent("refuse", reason="no_evidence"), hits)
        lines = []
        for s in picked[:3]:
            t = s.task
            who = f"由{'、'.join(t.leads)}主办" + (f",{'、'.join(t.assists)}协办" if t.assists else "")
            lines.append(f"{who}【任务{t.number}】。原文:“{self._best_sentence(t, intent.focus)}”")
        return self._finish("\n".join(lines), route="lead", retrieved=hits)

    def _answer_fact(self, intent: Intent) -> Answer:
        hits, picked = self._evidence(intent)
        if not picked:
            return self._answer_refuse(Intent("refuse", reason="no_evidence"), hits)
        lines = ["根据通知:"] if len(picked) > 1 else []
        for s in picked:
            t = s.task
            lines.append(f"“{self._best_sentence(t, intent.focus)}”【任务{t.number}】(主办:{'、'.join(t.leads)})")
        return self._finish("\n".join(lines), route="fact", retrieved=hits)

    # -- evidence -----------------------------------------------------------------------------------------
    def _evidence(self, intent: Intent) -> tuple[list[int], list[Scored]]:
        """Rank tasks for the question and keep those the question's own words support."""
        hits = [h for h in self.retriever.search(intent.query, self.settings.candidates) if h.chunk.kind == "task"]
        ranked = [self._tasks[(h.chunk.doc_id, h.chunk.task_number)] for h in hits]
        retrieved = [t.number for t in ranked]
        if not ranked:
            return retrieved, []
        weights = self._weights(intent.focus or intent.query)
        total = sum(weights.values())
        scored = [Scored(t, i, self._coverage(t, weights, total)) for i, t in enumerate(ranked[:8])]
        best = max(scored, key=lambda s: (s.coverage - 0.04 * s.rank, -s.rank))
        dense = self.retriever.dense.search(intent.query, 1)
        top_dense = dense[0].score if dense else 0.0
        if best.coverage < _MIN_COVERAGE and top_dense < _MIN_DENSE:
            log.info("no evidence: coverage %.2f dense %.3f for %r", best.coverage, top_dense, intent.question)
            return retrieved, []
        keep = [best] + [
            s for s in scored
            if s is not best and s.coverage >= max(0.5, 0.85 * best.coverage) and s.rank < 5
        ]
        keep.sort(key=lambda s: s.rank)
        return retrieved, keep[:5]

    def _weights(self, text: str) -> dict[str, float]:
        n = len(self.notice.tasks)
        grams = {g for tok in content_tokens(text, self.tokenizer) for g in _bigrams(tok)}
        return {g: math.log((n + 1) / (self._bigram_df.get(g, 0) + 0.5)) for g in grams}

    @staticmethod
    def _coverage(task: Task, weights: dict[str, float], total: float) -> float:
        if total <= 0:
            return 0.0
        return sum(w for g, w in weights.items() if g in task.text) / total

    def _best_sentence(self, task: Task, focus: str) -> str:
        weights = self._weights(focus)
        wants_number = bool(re.search(r"多少|几|百分|比例|增长|规模|目标", focus))

        def score(sentence: str) -> float:
            s = sum(w for g, w in weights.items() if g in sentence)
            return s + (0.5 if wants_number and _NUMBER.search(sentence) else 0.0)

        return max(task.sentences, key=score) if task.sentences else task.body

    # -- helpers ------------------------------------------------------------------------------------------
    @property
    def _title(self) -> str:
        return self.notice.plan_title or self.notice.meta.title

    def _finish(self, text: str, route: str, retrieved: Sequence[int] = ()) -> Answer:
        cited = tuple(dict.fromkeys(int(n) for n in re.findall(r"【任务(\d+)】", text)))
        sources = tuple(self.notice.task(n) for n in cited)
        return Answer(text=text, citations=cited, retrieved=tuple(retrieved), route=route, sources=sources)


def _bigrams(token: str) -> list[str]:
    """Character bigrams of a token (the token itself when shorter): robust to 停车位 vs 停车泊位."""
    token = token.strip()
    if len(token) <= 2:
        return [token] if token else []
    return [token[i : i + 2] for i in range(len(token) - 1)]


_ASSISTANTS: dict[Settings, Assistant] = {}


def get_assistant(settings: Settings | None = None) -> Assistant:
    """The process-wide Assistant for these settings, built on first use (never at import time)."""
    settings = settings or Settings.from_env()
    if settings not in _ASSISTANTS:
        _ASSISTANTS[settings] = Assistant(settings)
    return _ASSISTANTS[settings]


def answer(question: str, history: Sequence[str] = (), settings: Settings | None = None) -> Answer:
    """The library's one query path: `answer("区商务局负责哪些任务?")`."""
    return get_assistant(settings).answer(question, history)
