"""The one query path: route the question, compose or retrieve, and return a typed, cited `Answer`.

The CLI, the web app, the HTTP API and the eval harness all call `Assistant.answer()` (or `answer()`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from .compose import HELP, INVALID, REFUSALS, Citer, Composer
from .departments import UnitDirectory
from .embeddings import make_embeddings
from .evidence import TIME_SAID, WHEN_ASK, EvidenceSelector
from .index import VectorIndex, chunks_of
from .parsing import load_corpus
from .records import Answer, Chunk, Notice, Task
from .retrieval import BM25Retriever, HybridRetriever
from .routing import Intent, Router
from .settings import Settings

__all__ = ["INVALID", "Assistant", "answer", "get_assistant"]

log = logging.getLogger(__name__)


class Assistant:
    """Everything one question needs, loaded once: records, unit directory, router, index and retrievers."""

    def __init__(self, settings: Settings, progress: Callable[[int, int], None] | None = None) -> None:
        self.settings = settings
        self.notices: tuple[Notice, ...] = load_corpus(settings.corpus_dir)
        self.notice = self.notices[0]
        self.units = UnitDirectory(self.notices)
        self.tokenizer = self.units.tokenizer()
        self.router = Router(self.units, self.notices, settings.max_question_chars, settings.history_turns)
        self.chunks: list[Chunk] = [c for n in self.notices for c in chunks_of(n)]
        self.index = VectorIndex(settings, make_embeddings(settings))
        self.rebuilt = self.index.ensure(self.chunks, progress=progress)
        self.retriever = HybridRetriever(
            BM25Retriever(self.chunks, self.tokenizer), self.index, settings.candidates, settings.rrf_k
        )
        self.evidence = EvidenceSelector(
            [t for n in self.notices for t in n.tasks], self.retriever, self.tokenizer, settings.candidates,
            settings.rrf_k,
        )
        self.citer = Citer(self.notices)
        self.compose = Composer(self.notices, self.units, self.citer)
        self._by_id = {n.doc_id: n for n in self.notices}

    def notice_by_id(self, doc_id: str) -> Notice:
        return self._by_id[doc_id]

    # -- the one query path -------------------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        """Answer one question in the context of the earlier questions of its conversation."""
        intent = self.router.route(question if isinstance(question, str) else str(question), list(history))
        handler: Callable[[Intent], Answer] = getattr(self, f"_answer_{intent.route}")
        return handler(intent)

    # -- routes -------------------------------------------------------------------------------------------
    def _answer_invalid(self, intent: Intent) -> Answer:
        text = INVALID[intent.reason].format(limit=self.settings.max_question_chars)
        return Answer(text=text, refused=True, route="invalid")

    def _answer_help(self, intent: Intent) -> Answer:
        return Answer(text=HELP.format(title=self._title), route="help")

    def _answer_refuse(self, intent: Intent, ranked: Sequence[Task] = ()) -> Answer:
        years = "、".join(sorted({f"{n.year}年" for n in self.notices if n.year})) or "本年度"
        text = REFUSALS[intent.reason].format(title=self._title, subject=intent.subject, years=years)
        return Answer(text=text, refused=True, route="refuse", retrieved=tuple(t.number for t in ranked),
                      retrieved_refs=tuple((t.doc_id, t.number) for t in ranked))

    def _answer_unit(self, intent: Intent) -> Answer:
        docs = self._scope(intent)
        text = "\n\n".join(self.compose.unit(name, intent.role, docs) for name in intent.units)
        return self._finish(text, route="unit")

    def _answer_count(self, intent: Intent) -> Answer:
        notices = [self._by_id[d] for d in self._scope(intent) if self._by_id[d].structured]
        if intent.field == "lead_only":
            return self._finish("\n\n".join(self.compose.lead_only(n) for n in notices), route="count")
        # the whole plan's size: no single task says it, so nothing is cited
        return Answer(text="\n\n".join(self.compose.count(n) for n in notices), route="count")

    def _answer_section(self, intent: Intent) -> Answer:
        notices = [self._by_id[d] for d in self._scope(intent)]
        notices = [n for n in notices if max(intent.sections) <= len(n.sections)]
        if not notices:
            most = max(len(n.sections) for n in self.notices)
            return self._answer_refuse(Intent("refuse", reason="no_section", subject=str(most)))
        text = "\n\n".join(self.compose.sections(n, intent.sections) for n in notices)
        if len(intent.sections) > 1:
            return Answer(text=text, route="section")  # sizes and a total, no task listed
        return self._finish(text, route="section")

    def _answer_metadata(self, intent: Intent) -> Answer:
        notices = [self._by_id[d] for d in self._scope(intent) if self._by_id[d].structured]
        return Answer(text="\n".join(self.compose.metadata(n, intent.field) for n in notices), route="metadata")

    def _answer_lead(self, intent: Intent) -> Answer:
        ranked, picked = self.evidence.select(intent, self._scope(intent))
        if not picked:
            return self._answer_refuse(Intent("refuse", reason="no_evidence"), ranked)
        lines = [self.compose.which_section(s.task) for s in picked[:3]] if intent.field == "which_section" else []
        lines += [self.compose.lead_line(s.task, self.evidence.best_sentence(s.task, intent.focus)) for s in picked[:3]]
        return self._finish("\n".join(lines), route="lead", ranked=ranked)

    def _answer_fact(self, intent: Intent) -> Answer:
        ranked, picked = self.evidence.select(intent, self._scope(intent))
        if not picked:
            return self._answer_refuse(Intent("refuse", reason="no_evidence"), ranked)
        if intent.field == "which_section":
            lines = [self.compose.which_section(s.task) for s in picked[:3]]
        else:
            lines = ["根据通知:"] if len(picked) > 1 else []
        quoted = [(s.task, self.evidence.best_sentence(s.task, intent.focus)) for s in picked]
        if WHEN_ASK.search(intent.question) and not any(TIME_SAID.search(q) for _, q in quoted):
            # a "when" the notice does not answer: say so plainly, then what it does say
            lines = [self.compose.no_time(self._by_id[picked[0].task.doc_id])]
        lines += [self.compose.fact_line(task, sentence) for task, sentence in quoted]
        return self._finish("\n".join(lines), route="fact", ranked=ranked)

    # -- helpers ------------------------------------------------------------------------------------------
    def _scope(self, intent: Intent) -> list[str]:
        """The documents the question is about: those it names (by year or title), else all of them."""
        return list(intent.docs) or [n.doc_id for n in self.notices]

    @property
    def _title(self) -> str:
        return "》《".join(n.plan_title or n.meta.title for n in self.notices)

    def _finish(self, text: str, route: str, ranked: Sequence[Task] = ()) -> Answer:
        refs = self.citer.refs(text)
        sources = tuple(self._by_id[d].task(n) for d, n in refs)
        return Answer(
            text=text,
            citations=tuple(dict.fromkeys(n for _, n in refs)),
            retrieved=tuple(t.number for t in ranked),
            route=route,
            sources=sources,
            refs=tuple(refs),
            retrieved_refs=tuple((t.doc_id, t.number) for t in ranked),
        )


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
