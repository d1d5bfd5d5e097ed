"""Compose grounded answers from the records and retrieved text; one `answer()` for the CLI, web app and eval."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .departments import UnitDirectory
from .embeddings import make_embeddings
from .index import VectorIndex, chunks_of
from .parsing import load_corpus
from .records import Answer, Chunk, Notice, Task
from .retrieval import BM25Retriever, HybridRetriever, content_tokens, expand, rrf
from .routing import Intent, Router
from .settings import Settings

log = logging.getLogger(__name__)

REFUSALS = {
    "injection": "这个请求与通知内容无关。我只根据《{title}》回答问题,不会改变这一规则。",
    "creative": "抱歉,我只回答与《{title}》有关的问题,不写诗文、不讲笑话、不做翻译。",
    "weather": "抱歉,通知中没有天气或时间方面的信息。我只能回答与《{title}》有关的问题。",
    "person": "通知中没有出现任何人员的姓名、职务人选或联系方式,无法回答。可以问某个单位负责哪些任务。",
    "advice": "抱歉,这个问题不在通知的范围内。我只能回答与《{title}》有关的问题。",
    "year": "通知只涉及2024年的目标任务,没有{subject}的内容,无法回答。",
    "scope": "这份通知只涉及本区2024年的工作任务,没有其他地区或全国、全省、全市层面的数据,无法回答。",
    "unknown_unit": "通知中没有出现“{subject}”这个单位,它在方案里没有分到任务。可以问通知中列出的单位,例如区商务局、区教育局。",
    "language": "请用中文提问。This assistant answers questions in Chinese about the notice 《{title}》.",
    "no_section": "方案只有 {subject} 个部分,没有这一部分。可以问「第一部分讲什么?」或「方案分为几个部分?」。",
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
_NUMBER_ASK = re.compile(r"多少|几[个家项部张名件所条栋次]|百分之|比例|增长|规模|面积|金额")
# Questions that ask for every task on a topic, not one fact.
_LISTING = re.compile(r"哪些(任务|工作|安排|措施|举措|事)|有什么(安排|任务|措施|举措|工作|规划)|方面|相关的任务|有关的任务|都有什么")
# Lexical evidence below this share of the question's weight, with dense similarity below _MIN_DENSE, is no evidence.
_MIN_COVERAGE = 0.34
_MIN_DENSE = 0.86
# Below this share the question's words are simply not in the notice, however close the vectors are.
_NO_COVERAGE = 0.2
# Cosine similarities of multilingual-e5 sit in a narrow band; "as close as the best" means within this much.
_DENSE_BAND = 0.015


@dataclass(frozen=True)
class Scored:
    """A retrieved task with its rank and how much of the question's wording it holds."""

    task: Task
    rank: int
    coverage: float
    strength: float


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
        label = "(统称)" if unit.kind == "group" else ""
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
        if unit.kind == "street":
            shared = {n for g in self.units.units.values() if g.kind == "group" and "街道" in g.name
                      for _, n in self.units.tasks(g.name)[0] + self.units.tasks(g.name)[1]}
            lines.append(f"\n(只列出点名{name}的任务;另有 {len(shared)} 项任务交给“各街道”“相关街道”等统称单位,"
                         "可以问「街道要协办哪些任务?」。)")
        elif unit.kind != "group":
            lines.append("\n(只列出点名该单位的任务;由“区相关部门”“各街道板块”等统称单位承担的任务未计入。)")
        return "\n".join(lines)

    def _task_lines(self, refs: Sequence[tuple[str, int]]) -> list[str]:
        return [f"{i}. {self._tasks[ref].gist}【任务{ref[1]}】" for i, ref in enumerate(refs, start=1)]

    def _answer_count(self, intent: Intent) -> Answer:
        n = self.notice
        if intent.field == "lead_only":
            solo = [t for t in n.tasks if not t.assists]
            lines = [f"共有 {len(solo)} 项任务只列了主办单位、没有协办单位:"]
            lines += [f"{i}. {t.gist}【任务{t.number}】(主办:{'、'.join(t.leads)})" for i, t in enumerate(solo, 1)]
            return self._finish("\n".join(lines), route="count")
        parts = [self._section_summary(s.number) for s in n.sections]
        text = f"《{n.plan_title}》共 {len(n.tasks)} 项任务,分为 {len(n.sections)} 个部分:\n" + "\n".join(parts)
        sizes = sorted(n.sections, key=lambda s: len(s.task_numbers))
        text += (f"\n其中第{sizes[-1].numeral}部分任务最多({len(sizes[-1].task_numbers)} 项),"
                 f"第{sizes[0].numeral}部分最少({len(sizes[0].task_numbers)} 项)。")
        return Answer(text=text, route="count")

    def _section_summary(self, number: int) -> str:
        s = self.notice.section_of(number)
        return f"{s.numeral}、{s.title}(任务{s.task_numbers[0]}–{s.task_numbers[-1]},共 {len(s.task_numbers)} 项)"

    def _answer_section(self, intent: Intent) -> Answer:
        if len(intent.sections) > 1:
            # several parts at once: their sizes and the total, without listing every task
            total = sum(len(self.notice.section_of(k).task_numbers) for k in intent.sections)
            lines = [self._section_summary(k) for k in intent.sections]
            lines.append(f"以上 {len(intent.sections)} 个部分合计 {total} 项任务。")
            return Answer(text="\n".join(lines), route="section")
        s = self.notice.section_of(intent.sections[0])
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
        lines = self._section_lines(intent, picked)
        for s in picked[:3]:
            t = s.task
            who = f"由{'、'.join(t.leads)}主办" + (f",{'、'.join(t.assists)}协办" if t.assists else "")
            lines.append(f"{who}【任务{t.number}】。原文:“{self._best_sentence(t, intent.focus)}”")
        return self._finish("\n".join(lines), route="lead", retrieved=hits)

    def _answer_fact(self, intent: Intent) -> Answer:
        hits, picked = self._evidence(intent)
        if not picked:
            return self._answer_refuse(Intent("refuse", reason="no_evidence"), hits)
        lines = self._section_lines(intent, picked) or (["根据通知:"] if len(picked) > 1 else [])
        for s in picked:
            t = s.task
            lines.append(f"“{self._best_sentence(t, intent.focus)}”【任务{t.number}】(主办:{'、'.join(t.leads)})")
        return self._finish("\n".join(lines), route="fact", retrieved=hits)

    def _section_lines(self, intent: Intent, picked: Sequence[Scored]) -> list[str]:
        """For 「属于哪个部分?」: the part of the plan each task is in."""
        if intent.field != "which_section":
            return []
        lines = []
        for s in picked[:3]:
            sec = self.notice.section_of(s.task.section)
            lines.append(f"【任务{s.task.number}】属于第{sec.numeral}部分“{sec.title}”。")
        return lines

    # -- evidence -----------------------------------------------------------------------------------------
    def _evidence(self, intent: Intent) -> tuple[list[int], list[Scored]]:
        """Rank tasks for the question and keep those the question's own words support."""
        query = expand(intent.query)
        n = self.settings.candidates
        dense_hits = self.retriever.dense.search(query, n)  # embedded once, used for fusion and for confidence
        fused = rrf([self.retriever.bm25.search(query, n), dense_hits], n, self.settings.rrf_k)
        hits = [h for h in fused if h.chunk.kind == "task"]
        ranked = [self._tasks[(h.chunk.doc_id, h.chunk.task_number)] for h in hits]
        retrieved = [t.number for t in ranked]
        if not ranked:
            return retrieved, []
        weights = self._weights(expand(intent.focus or intent.query))
        total = sum(weights.values())
        scored = [Scored(t, i, *self._coverage(t, weights, total)) for i, t in enumerate(ranked[:10])]
        best = max(scored, key=lambda s: (s.strength - 0.03 * s.rank, -s.rank))
        dense = {h.chunk.task_number: h.score for h in dense_hits if h.chunk.kind == "task"}
        top_dense = max(dense.values(), default=0.0)
        if best.coverage < _NO_COVERAGE or (best.coverage < _MIN_COVERAGE and top_dense < _MIN_DENSE):
            log.info("no evidence: coverage %.2f dense %.3f for %r", best.coverage, top_dense, intent.question)
            return retrieved, []
        if _LISTING.search(intent.question):
            # every task on the topic: clear lexical support, or some support and a vector as close as the best
            keep = [best] + [
                s for s in scored
                if s is not best and (
                    (s.coverage >= max(0.34, 0.5 * best.coverage) and s.strength >= 0.35 * best.strength)
                    or (s.coverage >= 0.15 and dense.get(s.task.number, 0.0) >= top_dense - _DENSE_BAND)
                )
            ]
        else:
            keep = [best] + [
                s for s in scored
                if s is not best and s.rank < 5
                and s.coverage >= max(0.85 * best.coverage, _MIN_COVERAGE) and s.strength >= 0.6 * best.strength
            ]
        if _NUMBER_ASK.search(intent.question):
            # a question asking for a figure cites the tasks whose best-matching clause has one (if any has)
            keep = [s for s in keep if _NUMBER.search(self._best_clause(s.task, intent.focus))] or keep
        keep.sort(key=lambda s: s.rank)
        return retrieved, keep[:8]

    def _weights(self, text: str) -> dict[str, float]:
        n = len(self.notice.tasks)
        grams = {g for tok in content_tokens(text, self.tokenizer) for g in _bigrams(tok)}
        return {g: math.log((n + 1) / (self._bigram_df.get(g, 0) + 0.5)) for g in grams}

    @staticmethod
    def _coverage(task: Task, weights: dict[str, float], total: float) -> tuple[float, float]:
        """(share of the question's weight found in the task, that weight scaled by how often it occurs)."""
        if total <= 0:
            return 0.0, 0.0
        found = {g: task.text.count(g) for g in weights}
        coverage = sum(w for g, w in weights.items() if found[g]) / total
        strength = sum(w * (1 + math.log(found[g])) for g, w in weights.items() if found[g]) / total
        return coverage, strength

    def _best_clause(self, task: Task, focus: str) -> str:
        """The comma-separated clause of the task that holds most of the question's wording."""
        weights = self._weights(focus)
        clauses = [c for c in re.split(r"[,,;;。]", task.body) if c]
        return max(clauses, key=lambda c: sum(w for g, w in weights.items() if g in c), default=task.body)

    def _best_sentence(self, task: Task, focus: str) -> str:
        weights = self._weights(focus)
        wants_number = bool(_NUMBER_ASK.search(focus))

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
