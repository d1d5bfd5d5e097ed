"""The one pipeline: understand the question, answer it from the records or by retrieval, let a generator write it.

    ingest (corpus)  ->  index (chunks, Chroma)  ->  query (route, retrieve)  ->  answer (evidence, compose, generate)

`Assistant` is built once from `Settings` and holds every stage. The CLI, the web chat, the `/ask` endpoint and
the eval harness call only `Assistant.answer()` / `Assistant.stream()` (or the module-level `answer()`).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator, Sequence

from langchain_core.embeddings import Embeddings

from .answer.backends import Generator, make_generator
from .answer.compose import Citer, Composed, Composer, join
from .answer.evidence import TIME_SAID, WHEN_ASK, EvidenceSelector
from .answer.generation import GenerationStats, GroundedGeneration
from .answer.messages import Examples, help_text, invalid_text, refusal_text
from .index.chunks import chunks_of
from .index.embeddings import make_embeddings
from .index.store import VectorIndex
from .ingest.corpus import Corpus
from .ingest.units import UnitDirectory
from .query.retrieval import BM25Retriever, HybridRetriever, Lexicon
from .query.router import Router
from .query.routes import Intent, Route
from .records import Answer, Chunk, Notice, Task
from .settings import Settings

__all__ = ["Assistant", "answer", "get_assistant"]

log = logging.getLogger(__name__)

Handler = Callable[[Intent], Answer]


class Assistant:
    """Everything one question needs, loaded once: records, unit directory, router, index, retrievers, composer
    and the generation stage. `embeddings` and `generator` may be injected (tests, benchmarks); by default they
    come from the settings."""

    def __init__(self, settings: Settings, progress: Callable[[int, int], None] | None = None, *,
                 embeddings: Embeddings | None = None, generator: Generator | None = None) -> None:
        self.settings = settings
        corpus = Corpus.load(settings.corpus_dir)
        self.notices: tuple[Notice, ...] = corpus.notices
        self.knowledge = corpus.knowledge
        self.notice = self.notices[0]
        self.units = UnitDirectory(self.notices, self.knowledge)
        self.lexicon = Lexicon.for_notices(self.units.tokenizer(), self.notices, self.knowledge.everyday)
        self.router = Router(self.units, self.notices, settings.max_question_chars, settings.history_turns,
                             self.knowledge)
        self.chunks: list[Chunk] = [c for n in self.notices for c in chunks_of(n)]
        self.index = VectorIndex(settings, embeddings or make_embeddings(settings))
        self.rebuilt = self.index.ensure(self.chunks, progress=progress)
        self.retriever = HybridRetriever(
            BM25Retriever(self.chunks, self.lexicon), self.index, settings.candidates, settings.rrf_k
        )
        self.evidence = EvidenceSelector(
            [t for n in self.notices for t in n.tasks], self.retriever, self.lexicon, settings.candidates,
            settings.rrf_k,
        )
        self.examples = Examples.of(self.notices, self.units, self.knowledge)
        self.citer = Citer(self.notices)
        self.compose = Composer(self.notices, self.units, self.citer, self.examples)
        self._by_id = {n.doc_id: n for n in self.notices}
        self.generation = self._generation(generator or make_generator(settings))
        self._handlers: dict[Route, Handler] = {
            Route.INVALID: self._invalid,
            Route.HELP: self._help,
            Route.REFUSE: self._refuse,
            Route.UNIT: self._unit,
            Route.COUNT: self._count,
            Route.SECTION: self._section,
            Route.METADATA: self._metadata,
            Route.LEAD: self._lead,
            Route.FACT: self._fact,
        }

    def _generation(self, generator: Generator) -> GroundedGeneration:
        return GroundedGeneration(
            generator, mark=self.citer.mark, notice_of=self.notice_of, base_answer=self.compose_answer,
            expand=self.lexicon.expand, history_turns=self.settings.history_turns,
            max_new_tokens=self.settings.max_new_tokens, rewrite_followups=self.settings.rewrite_followups,
        )

    def with_generator(self, generator: Generator) -> Assistant:
        """The same loaded pipeline with another generator writing the answers (nothing is loaded again)."""
        other = copy.copy(self)
        other.generation = self._generation(generator)
        return other

    def notice_by_id(self, doc_id: str) -> Notice:
        return self._by_id[doc_id]

    def notice_of(self, task: Task) -> Notice:
        return self._by_id[task.doc_id]

    # -- the one query path -------------------------------------------------------------------------------
    def answer(self, question: str, history: Sequence[str] = (), *, stats: GenerationStats | None = None) -> Answer:
        """Answer one question in the context of the earlier questions of its conversation (the final, checked
        Answer: the last item of `stream`)."""
        final: Answer | None = None
        for item in self.stream(question, history, stats=stats):
            if isinstance(item, Answer):
                final = item
        assert final is not None
        return final

    def stream(self, question: str, history: Sequence[str] = (), *, stats: GenerationStats | None = None
               ) -> Iterator[str | Answer]:
        """Text pieces as a generator writes them (none without a model), then the final Answer, always last."""
        history = list(history)
        base = self.compose_answer(question, history)
        yield from self.generation.stream(question, history, base, stats)

    def compose_answer(self, question: str, history: Sequence[str] = ()) -> Answer:
        """The answer composed from the records and retrieval alone, before any generator."""
        intent = self.router.route(question if isinstance(question, str) else str(question), list(history))
        return self._handlers[intent.route](intent)

    # -- routes -------------------------------------------------------------------------------------------
    def _invalid(self, intent: Intent) -> Answer:
        text = invalid_text(intent.reason, self.settings.max_question_chars, self.examples)
        return Answer(text=text, refused=True, route=Route.INVALID)

    def _help(self, intent: Intent) -> Answer:
        return Answer(text=help_text(self._title, self.examples), route=Route.HELP)

    def _refuse(self, intent: Intent, ranked: Sequence[Task] = ()) -> Answer:
        years = "、".join(sorted({f"{n.year}年" for n in self.notices if n.year})) or "本年度"
        text = refusal_text(intent.reason, title=self._title, subject=intent.subject, years=years,
                            examples=self.examples)
        return Answer(text=text, refused=True, route=Route.REFUSE, retrieved=tuple(t.ref for t in ranked))

    def _unit(self, intent: Intent) -> Answer:
        docs = self._scope(intent)
        composed = [self.compose.unit(name, intent.role, docs) for name in intent.units]
        return self._finish(_join(composed), Route.UNIT)

    def _count(self, intent: Intent) -> Answer:
        notices = [self._by_id[d] for d in self._scope(intent) if self._by_id[d].structured]
        if intent.field == "lead_only":
            return self._finish(_join([self.compose.lead_only(n) for n in notices]), Route.COUNT)
        # the whole plan's size: no single task says it, so nothing is cited
        return self._finish(_join([self.compose.count(n) for n in notices]), Route.COUNT)

    def _section(self, intent: Intent) -> Answer:
        notices = [self._by_id[d] for d in self._scope(intent)]
        notices = [n for n in notices if max(intent.sections) <= len(n.sections)]
        if not notices:
            most = max(len(n.sections) for n in self.notices)
            return self._refuse(Intent(Route.REFUSE, reason="no_section", subject=str(most)))
        return self._finish(_join([self.compose.sections(n, intent.sections) for n in notices]), Route.SECTION)

    def _metadata(self, intent: Intent) -> Answer:
        notices = [self._by_id[d] for d in self._scope(intent) if self._by_id[d].structured]
        return self._finish(_join([self.compose.metadata(n, intent.field) for n in notices], "\n"), Route.METADATA)

    def _lead(self, intent: Intent) -> Answer:
        ranked, picked = self.evidence.select(intent, self._scope(intent))
        if not picked:
            return self._refuse(Intent(Route.REFUSE, reason="no_evidence"), ranked)
        lines = [self.compose.which_section(s.task) for s in picked[:3]] if intent.field == "which_section" else []
        lines += [self.compose.lead_line(s.task, self.evidence.best_sentence(s.task, intent.focus)) for s in picked[:3]]
        return self._finish(_join(lines, "\n"), Route.LEAD, ranked=ranked)

    def _fact(self, intent: Intent) -> Answer:
        ranked, picked = self.evidence.select(intent, self._scope(intent))
        if not picked:
            return self._refuse(Intent(Route.REFUSE, reason="no_evidence"), ranked)
        lines: list[Composed | str]
        if intent.field == "which_section":
            lines = [self.compose.which_section(s.task) for s in picked[:3]]
        else:
            lines = ["根据通知:"] if len(picked) > 1 else []
        quoted = [(s.task, self.evidence.best_sentence(s.task, intent.focus)) for s in picked]
        if WHEN_ASK.search(intent.question) and not any(TIME_SAID.search(q) for _, q in quoted):
            # a "when" the notice does not answer: say so plainly, then what it does say
            lines = [self.compose.no_time(self._by_id[picked[0].task.doc_id])]
        lines += [self.compose.fact_line(task, sentence) for task, sentence in quoted]
        return self._finish(_join(lines, "\n"), Route.FACT, ranked=ranked)

    # -- helpers ------------------------------------------------------------------------------------------
    def _scope(self, intent: Intent) -> list[str]:
        """The documents the question is about: those it names (by year or title), else all of them."""
        return list(intent.docs) or [n.doc_id for n in self.notices]

    @property
    def _title(self) -> str:
        return "》《".join(n.plan_title or n.meta.title for n in self.notices)

    def _finish(self, composed: Composed, route: Route, ranked: Sequence[Task] = ()) -> Answer:
        refs = tuple(dict.fromkeys(composed.refs))
        return Answer(
            text=composed.text,
            refs=refs,
            retrieved=tuple(t.ref for t in ranked),
            route=route,
            sources=tuple(self._by_id[r.doc_id].task(r.number) for r in refs),
            part_titles=composed.part_titles,
        )


def _join(parts: Sequence[Composed | str], separator: str = "\n\n") -> Composed:
    return join(separator, parts)


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
