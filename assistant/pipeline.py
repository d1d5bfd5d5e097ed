"""The one pipeline: understand the question, answer it from the records or by retrieval, let a generator write it.

    ingest (corpus)  ->  index (chunks, Chroma)  ->  query (route, retrieve)  ->  answer (evidence, compose, generate)

`Assistant` is built once from `Settings` and holds every stage. The CLI, the web chat, the `/ask` endpoint and
the eval harness call only `Assistant.answer()` / `Assistant.stream()` (or the module-level `answer()`).
"""

from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from langchain_core.embeddings import Embeddings

from .answer.backends import Generator, make_generator
from .answer.compose import Citer, Composed, Composer, join
from .answer.evidence import UNSTATED, EvidenceSelector, Scored, Unstated
from .answer.generation import GenerationStats, GroundedGeneration
from .answer.messages import Examples, clarify_text, help_text, invalid_text, refusal_text
from .index.chunks import chunks_of
from .index.embeddings import make_embeddings
from .index.store import VectorIndex
from .ingest.corpus import Corpus
from .ingest.units import UnitDirectory
from .query.plan import Combine, Op, Order, Plan, Turn
from .query.retrieval import BM25Retriever, HybridRetriever, Lexicon
from .query.routes import Route
from .query.times import WHEN_ASK, due_months, time_stated
from .query.understand import Planner
from .records import Answer, Chunk, Notice, Ref, Role, RoleFilter, Task, role_label
from .settings import Settings

__all__ = ["Assistant", "answer", "get_assistant"]

log = logging.getLogger(__name__)

Handler = Callable[[Plan], Answer]
# a topic answer with at most this many tasks quotes what each says; a longer one lists them
_QUOTED_TOPIC = 3

# the route each operation's answer reports
ROUTE_OF = {
    Op.LIST: Route.UNIT, Op.COUNT: Route.COUNT, Op.RANK: Route.RANK, Op.TASK: Route.TASK, Op.SECTION: Route.SECTION,
    Op.METADATA: Route.METADATA, Op.WHO: Route.LEAD, Op.FACT: Route.FACT, Op.TOPIC: Route.TOPIC,
    Op.MULTI: Route.MULTI, Op.HELP: Route.HELP, Op.CLARIFY: Route.CLARIFY, Op.REFUSE: Route.REFUSE, Op.INVALID: Route.INVALID,
}


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
        self.planner = Planner(self.notices, self.units, self.knowledge, settings.max_question_chars)
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
        self._doc_order = {n.doc_id: i for i, n in enumerate(self.notices)}
        self.generation = self._generation(generator or make_generator(settings))
        self._executed = functools.lru_cache(maxsize=1024)(self._execute)
        self._handlers: dict[Op, Handler] = {
            Op.INVALID: self._invalid,
            Op.HELP: self._help,
            Op.CLARIFY: self._clarify,
            Op.REFUSE: self._refuse,
            Op.LIST: self._list,
            Op.COUNT: self._count,
            Op.RANK: self._rank,
            Op.TASK: self._task,
            Op.SECTION: self._section,
            Op.METADATA: self._metadata,
            Op.WHO: self._lead,
            Op.FACT: self._fact,
            Op.TOPIC: self._topic,
            Op.MULTI: self._multi,
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
        plan = self.understand(question, history)
        return self.execute(plan)

    def understand(self, question: str, history: Sequence[str] = ()) -> Plan:
        """The plan of a question in its conversation: earlier turns are replayed, so follow-ups resolve against
        the plans and the references each earlier answer showed."""
        turns: list[Turn] = []
        for earlier in list(history)[-self.settings.history_turns:]:
            plan = self.planner.plan(str(earlier), turns)
            turns.append(Turn(plan, self.execute(plan).refs))
        return self.planner.plan(question if isinstance(question, str) else str(question), turns)

    def execute(self, plan: Plan) -> Answer:
        """Run a plan exactly over the records (retrieval only for topics and facts). Answers are kept for the
        last plans run: replaying a conversation's earlier turns then costs nothing."""
        return self._executed(plan)

    def _execute(self, plan: Plan) -> Answer:
        answer = self._handlers[plan.op](plan)
        if plan.reading and not answer.refused and plan.op is not Op.MULTI:
            answer = replace(answer, text=f"({plan.reading})\n" + answer.text)
        return answer

    # -- operations ---------------------------------------------------------------------------------------
    def _invalid(self, plan: Plan) -> Answer:
        text = invalid_text(plan.reason, self.settings.max_question_chars, self.examples)
        return Answer(text=text, refused=True, route=Route.INVALID)

    def _help(self, plan: Plan) -> Answer:
        return Answer(text=help_text(self._title, self.examples), route=Route.HELP)

    def _clarify(self, plan: Plan) -> Answer:
        return Answer(text=clarify_text(plan.reason, plan.subject, plan.units, self.examples), route=Route.CLARIFY)

    def _refuse(self, plan: Plan, ranked: Sequence[Task] = ()) -> Answer:
        years = "、".join(sorted({f"{n.year}年" for n in self.notices if n.year})) or "本年度"
        text = refusal_text(plan.reason, title=self._title, subject=plan.subject, years=years,
                            examples=self.examples, places=self._places)
        return Answer(text=text, refused=True, route=Route.REFUSE, retrieved=tuple(t.ref for t in ranked))

    def _list(self, plan: Plan) -> Answer:
        docs = self._scope(plan)
        simple = not (plan.exclude or plan.sections or plan.topic or plan.tasks or plan.unit_roles or plan.field
                      or plan.due or plan.besides or plan.combine is not Combine.EACH)
        if simple:
            # each notice's own unit of that name, in the notices asked about (not a namesake elsewhere)
            names = dict.fromkeys(n for name in plan.units for n in self.units.namesakes(name)
                                  if n == name or any(r.doc_id in docs for refs in self.units.tasks(n) for r in refs))
            composed = [self.compose.unit(name, plan.role, docs) for name in names]
            if len(plan.units) >= 2 and set.intersection(*({r.doc_id for refs in self.units.tasks(u) for r in refs}
                                                          for u in plan.units)):
                # (units of one notice: the tasks they share first; not units of different notices, 「各地的发改部门」)
                shared = self._unit_refs(plan.units, plan.role, docs, Combine.AND)
                if shared:
                    head = f"{'与'.join(plan.units)}共同涉及的任务共 {len(shared)} 项:"
                    composed.insert(0, self.compose.task_list(head, [self._task_of(r) for r in shared]))
            return self._finish(_join(composed), Route.UNIT)
        if plan.units:
            refs = self._unit_refs(plan.units, plan.unit_roles or plan.role, docs, plan.combine)
        else:  # 「哪些任务6月底前要完成」「其中…」: every task in scope, or those the last answer listed
            refs = list(plan.tasks) or [t.ref for d in docs for t in self._by_id[d].tasks]
        if plan.exclude:
            out = set(self._unit_refs(plan.exclude, None, docs, Combine.OR))
            refs = [r for r in refs if r not in out]
        if plan.sections:
            refs = [r for r in refs if self._task_of(r).section in plan.sections]
        if plan.field == "alone":
            # led by the unit (in its notice's own name) and no other unit
            own = {n for u in plan.units for n in self.units.namesakes(u)}
            refs = [r for r in refs if set(self._task_of(r).leads) <= own]
        if plan.tasks:
            among = set(plan.tasks)  # 「其中…」: among the tasks the last answer listed
            refs = [r for r in refs if r in among]
        if plan.topic and refs:
            _, picked = self.evidence.select(replace(plan, query=plan.topic, focus=plan.topic), docs, listing=True,
                                             within=set(refs))
            keep = {s.task.ref for s in picked}
            refs = [r for r in refs if r in keep]
        if plan.field == "no_deadline":
            refs = [r for r in refs if not self._task_of(r).deadline]
        if plan.besides:
            shown = set(plan.besides)
            refs = [r for r in refs if r not in shown]
        if plan.value:  # 「吴某某分管的」「完成时限是全年的」
            refs = [r for r in refs if plan.value in getattr(self._task_of(r), plan.field)]
        said: dict[Ref, str] = {}
        if plan.due:
            said = {r: s for r in refs if (s := self._due_sentence(self._task_of(r), plan.due, plan.due_field))}
            refs = [r for r in refs if r in said]
        reading = self._reading(plan)
        if not refs:
            return self._finish(Composed(f"按“{reading}”理解:通知中没有这样的任务。"), Route.UNIT)
        head = f"按“{reading}”理解,共 {len(refs)} 项任务:"
        if plan.due:
            return self._finish(self._due_list(head, [(self._task_of(r), said[r]) for r in refs]), Route.UNIT)
        return self._finish(self.compose.task_list(head, [self._task_of(r) for r in refs]), Route.UNIT)

    def _due_list(self, head: str, due: Sequence[tuple[Task, str]]) -> Composed:
        """Tasks due by a month, each with the words that give its time (from `_due_sentence`)."""
        lines: list[Composed | str] = [head]
        lines += [f"{i}. " + self.compose.fact_line(t, said) for i, (t, said) in enumerate(due, 1)]
        return _join(lines, "\n")

    def _due_sentence(self, task: Task, month: int, field_only: bool = False) -> str:
        """The sentence of a task (or its 完成时限 field) that sets a time by the end of `month`, or ""; only the
        field when `field_only`."""
        year = self.notice_of(task).year
        for sentence in () if field_only else task.sentences:
            if any(m <= month for m in due_months(sentence, year=year)):
                return sentence
        if task.deadline and any(m <= month for m in due_months("", task.deadline, year)):
            return f"{task.gist}(完成时限:{task.deadline})"
        return ""

    def _unit_refs(self, names: Sequence[str], role: RoleFilter | tuple[RoleFilter, ...], docs: Sequence[str],
                   combine: Combine) -> list[Ref]:
        """The tasks of the units in the role asked (one role for all, or each unit's own), combined."""
        roles = list(role) if isinstance(role, tuple) else [role] * len(names)
        sets = []
        for name, own in zip(names, roles, strict=True):
            refs: list[Ref] = []
            for same in self.units.namesakes(name):  # each notice's own unit of that name
                lead, assist = self.units.tasks(same, own)
                refs += [r for r in lead + assist if r.doc_id in docs]
            sets.append(refs)
        if not sets:
            return []
        if combine is Combine.AND:
            common = set(sets[0]).intersection(*map(set, sets[1:]))
            return sorted(common, key=self._order)
        return sorted(set().union(*map(set, sets)), key=self._order)

    def _reading(self, plan: Plan) -> str:
        role = role_label(plan.role)
        joiner = {Combine.AND: "与", Combine.OR: "或"}.get(plan.combine, "、")
        parts = [f"{joiner.join(plan.units)}{'共同' if plan.combine is Combine.AND else ''}{role}"]
        if plan.unit_roles:
            parts = ["、".join(f"{u}{role_label(r)}" for u, r in zip(plan.units, plan.unit_roles, strict=True))]
        if not plan.units:
            parts = []
        if plan.tasks:
            parts.insert(0, f"在上一条回答列出的 {len(plan.tasks)} 项任务中")
        if plan.exclude:
            parts.append(f"{'、'.join(plan.exclude)}未参与")
        if plan.besides:
            parts.append("已列出的" + "、".join(f"任务{r.number}" for r in plan.besides) + "之外")
        if plan.field == "alone":
            parts.append("没有其他主办单位")
        if plan.field == "no_deadline":
            parts.append("没有列出完成时限")
        if plan.value:
            parts.append(f"{'责任领导为' if plan.field == 'leader' else '完成时限为'}{plan.value}")
        if plan.sections:
            parts.append("、".join(f"第{k}部分" for k in plan.sections) + "中")
        if plan.topic:
            parts.append(f"与“{plan.topic}”有关")
        if plan.due:
            parts.append(f"完成时限在{plan.due_said}" if plan.due_field else f"{plan.due_said}有时间要求")
        return ",".join(parts)

    def _count(self, plan: Plan) -> Answer:
        notices = [self._by_id[d] for d in self._scope(plan) if self._by_id[d].structured]
        among = set(plan.tasks)  # the tasks the last list showed, when asked among them (「其中…」)
        holding = [n for n in notices if not among or any(r.doc_id == n.doc_id for r in among)]
        if plan.field == "lead_only":
            return self._finish(_join([self.compose.lead_only(n, among) for n in holding]), Route.COUNT)
        if plan.field in ("no_units", "has_units"):
            return self._finish(_join([self.compose.units_stated(n, plan.field == "has_units", among, plan.sections)
                                       for n in holding]), Route.COUNT)
        if plan.field == "lead_count" and plan.rank is not None:
            # tasks by how many units lead them: each task counted is cited
            return self._finish(_join([self.compose.lead_count(n, plan.rank.equals, plan.rank.nth) for n in notices]),
                                Route.COUNT)
        if plan.field == "shown":
            # 「一共几项」 after a list: how many it showed, each cited
            return self._finish(self.compose.shown_count([self._task_of(r) for r in plan.tasks]), Route.COUNT)
        if plan.field in ("units", "units_both"):
            # the units the plan names, counted from the records (no single task says it: nothing is cited)
            return self._finish(_join([self.compose.units_named(n, plan.role, both=plan.field == "units_both")
                                       for n in notices]), Route.COUNT)
        # the whole plan's size: no single task says it, so nothing is cited
        return self._finish(_join([self.compose.count(n) for n in notices]), Route.COUNT)

    def _rank(self, plan: Plan) -> Answer:
        """Units or parts ranked by their number of tasks, counted from the records (nothing is cited)."""
        assert plan.rank is not None
        rank, docs = plan.rank, self._scope(plan)
        if rank.over == "sections":
            blocks = []
            for n in (self._by_id[d] for d in docs if self._by_id[d].structured):
                secs = [s for s in n.sections if not plan.sections or s.number in plan.sections]
                secs.sort(key=lambda s: len(s.task_numbers), reverse=rank.order is Order.MOST)
                blocks.append(self.compose.header(n) + "按任务数排列:" + ";".join(
                    f"第{s.numeral}部分“{s.title}”{len(s.task_numbers)} 项" for s in secs) + "。")
            return self._finish(_join(blocks), Route.RANK)
        what = {Role.LEAD: "lead", Role.ASSIST: "assist"}.get(plan.role, "all") if plan.role else "all"
        def counted(refs: Sequence[Ref]) -> int:
            # in the notices asked about and, when parts are named (「第一部分里…」), in those parts
            return sum(r.doc_id in docs and (not plan.sections or self._task_of(r).section in plan.sections)
                       for r in refs)

        rows = []
        for unit in self.units.units.values():
            if plan.units and unit.name not in plan.units:
                continue
            if unit.name in plan.exclude or (not plan.units and unit.kind == "group"):
                continue
            if rank.kind and not unit.name.endswith(rank.kind):
                continue
            lead, assist = self.units.tasks(unit.name)
            rows.append((unit.name, counted(lead), counted(assist)))
        if not rows:
            return self._refuse(replace(plan, reason="no_evidence"))

        def value(row: tuple[str, int, int]) -> int:
            return row[1] if what == "lead" else row[2] if what == "assist" else row[1] + row[2]

        order = sorted(range(len(rows)), key=lambda i: value(rows[i]), reverse=rank.order is Order.MOST)
        if rank.equals:
            picked = [i for i in order if value(rows[i]) == rank.equals]
            note = f"共有 {len(picked)} 个单位恰好{ {'lead': '主办', 'assist': '协办'}.get(what, '承担') } {rank.equals} 项任务:"
        elif plan.units:
            picked, note = order, "按任务数比较(只计点名该单位的任务):"
        else:
            target = value(rows[order[min(rank.nth, len(order)) - 1]])
            picked = [i for i in order if value(rows[i]) == target]
            word = "最多" if rank.order is Order.MOST else "最少"
            nth = f"第{rank.nth}多" if rank.nth > 1 else word
            numerals = [n.section_of(k).numeral for n in map(self.notice_by_id, docs) if n.structured
                        for k in plan.sections if k <= len(n.sections)]
            where = "、".join(f"第{k}部分" for k in dict.fromkeys(numerals)) + "中," if numerals else ""
            note = f"按任务数计(只计点名该单位的任务,不含统称单位),{where}{nth}的是:"
            runners = [i for i in order if i not in picked][:3]
            text = self.compose.ranking(rows, what, picked, note).text
            if runners:
                text += "\n其后依次为:" + ";".join(f"{rows[i][0]} {value(rows[i])} 项" for i in runners) + "。"
            return self._finish(Composed(text), Route.RANK)
        return self._finish(self.compose.ranking(rows, what, picked, note), Route.RANK)

    def _task(self, plan: Plan) -> Answer:
        lines = [self.compose.task(self._task_of(r), plan.field, plan.role, plan.units, plan.query or plan.question)
                 for r in plan.tasks]
        return self._finish(_join(lines, "\n"), Route.TASK)

    def _section(self, plan: Plan) -> Answer:
        notices = [self._by_id[d] for d in self._scope(plan)]
        notices = [n for n in notices if max(plan.sections) <= len(n.sections)]
        if not notices:
            most = max(len(n.sections) for n in self.notices)
            return self._refuse(replace(plan, reason="no_section", subject=str(most)))
        if plan.group:
            # 「乡村振兴那一块」: the tasks under that heading within the part, in each notice that has it
            held = [n for n in notices if n.group_tasks(plan.sections[0], plan.group)]
            return self._finish(_join([self.compose.group(n, plan.sections[0], plan.group) for n in held]),
                                Route.SECTION)
        if plan.field == "title":
            return self._finish(_join([self.compose.section_titles(n, plan.sections) for n in notices], "\n"),
                                Route.SECTION)
        if plan.field == "units":
            return self._finish(_join([self.compose.section_units(n, plan.sections, plan.role) for n in notices]),
                                Route.SECTION)
        return self._finish(_join([self.compose.sections(n, plan.sections) for n in notices]), Route.SECTION)

    def _metadata(self, plan: Plan) -> Answer:
        notices = [self._by_id[d] for d in self._scope(plan) if self._by_id[d].structured]
        return self._finish(_join([self.compose.metadata(n, plan.field) for n in notices], "\n"), Route.METADATA)

    def _evidence(self, plan: Plan) -> tuple[list[Task], list[Scored]]:
        """What retrieval finds for a fact or who question: each notice's own evidence when asked of every notice
        (「各地的…分别是多少」), else the best over the notices in scope (among the last list's tasks after 「其中」)."""
        if plan.each_doc and len(self._scope(plan)) > 1:
            return self.evidence.select_each(plan, self._scope(plan))
        return self.evidence.select(plan, self._scope(plan), within=set(plan.tasks))

    def _lead(self, plan: Plan) -> Answer:
        ranked, picked = self._evidence(plan)
        if not picked:
            return self._refuse(replace(plan, reason=self._why_not(plan)), ranked)
        lines: list[Composed | str] = [plan.caveat] if plan.caveat else []
        if plan.field in ("deadline", "leader"):
            # 「工业提质那项任务的完成时限」: the field of the tasks found, said even when the notice leaves it out
            lines += [self.compose.task(s.task, plan.field, None, question=plan.question) for s in picked[:3]]
            return self._finish(_join(lines, "\n"), Route.LEAD, ranked=ranked)
        if plan.field == "which_section":
            lines += [self.compose.which_section(s.task) for s in picked[:3]]
        quoted = [(s.task, self.evidence.best_sentence(s.task, plan.focus)) for s in picked[:3]]
        if detail := _unstated(plan, quoted):
            # 「去哪里办理?」 asks how to apply, not who leads the work: the notice does not say
            lines = [f"通知没有写明{detail.what}。相关内容:", *[self.compose.lead_line(t, q) for t, q in quoted]]
            return self._finish(_join(lines, "\n"), Route.LEAD, ranked=ranked, refused=True)
        lines += [self.compose.lead_line(t, q) for t, q in quoted]
        return self._finish(_join(lines, "\n"), Route.LEAD, ranked=ranked)

    def _fact(self, plan: Plan) -> Answer:
        ranked, picked = self._evidence(plan)
        if not picked:
            return self._refuse(replace(plan, reason=self._why_not(plan)), ranked)
        lines: list[Composed | str]
        if plan.field == "which_section":
            lines = [self.compose.which_section(s.task) for s in picked[:3]]
        else:
            lines = ["根据通知:"] if len(picked) > 1 else []
        quoted = [(s.task, self.evidence.best_sentence(s.task, plan.focus)) for s in picked]
        unstated = False
        if WHEN_ASK.search(plan.question) and not any(time_stated(plan.question, q) for _, q in quoted):
            # a "when" the notice does not answer: say so plainly, then what it does say
            lines = [self.compose.no_time(self._by_id[picked[0].task.doc_id])]
        elif detail := _unstated(plan, quoted):
            # a price, a subsidy, a procedure or a place the notice does not state is a question it does not
            # answer: said, and marked refused, with what it does say about the subject
            lines, unstated = [f"通知没有写明{detail.what}。相关内容:"], True
        if plan.caveat:
            lines = [plan.caveat, *[line for line in lines if line != "根据通知:"]]
        lines += [self.compose.fact_line(task, sentence) for task, sentence in quoted]
        return self._finish(_join(lines, "\n"), Route.FACT, ranked=ranked, refused=unstated)

    def _topic(self, plan: Plan) -> Answer:
        """Every task about a topic: each task in scope is scored, none is cut at top-k."""
        within = set(plan.tasks)
        query = plan.topic or plan.query
        ranked, picked = self.evidence.select(replace(plan, query=query, focus=query), self._scope(plan),
                                              listing=True, within=within)
        if not picked:
            return self._refuse(replace(plan, reason=self._why_not(plan)), ranked)
        tasks = sorted((s.task for s in picked), key=lambda t: self._order(t.ref))
        if plan.due:
            # 「养老方面哪些上半年要完成」: the topic's tasks due by then
            due = [(t, said) for t in tasks if (said := self._due_sentence(t, plan.due))]
            if not due:
                return self._finish(Composed(f"与这个问题有关的任务中,没有{plan.due_said}有时间要求的。"), Route.TOPIC,
                                    ranked=ranked)
            return self._finish(self._due_list(f"与这个问题有关、{plan.due_said}有时间要求的任务共 {len(due)} 项:", due),
                                Route.TOPIC, ranked=ranked)
        if len(tasks) <= _QUOTED_TOPIC:
            # a few tasks: what each says about the question (「找工作有什么帮助?」 wants the 就业服务站, not a title)
            lines: list[Composed | str] = [plan.caveat] if plan.caveat else []
            lines += [f"与这个问题有关的任务共 {len(tasks)} 项:"] if len(tasks) > 1 else []
            lines += [self.compose.fact_line(t, self.evidence.best_sentence(t, query)) for t in tasks]
            return self._finish(_join(lines, "\n"), Route.TOPIC, ranked=ranked)
        head = (plan.caveat + "\n" if plan.caveat else "") + f"与这个问题有关的任务共 {len(tasks)} 项:"
        return self._finish(self.compose.task_list(head, tasks), Route.TOPIC, ranked=ranked)

    def _multi(self, plan: Plan) -> Answer:
        answers = [self.execute(part) for part in plan.parts]
        if all(a.refused for a in answers):
            return replace(answers[0], route=Route.REFUSE)
        text = "\n\n".join(f"({i}){a.text}" for i, a in enumerate(answers, start=1))
        refs = tuple(dict.fromkeys(r for a in answers for r in a.refs))
        return Answer(text=text, refs=refs, retrieved=tuple(dict.fromkeys(r for a in answers for r in a.retrieved)),
                      route=Route.MULTI, sources=tuple(self._task_of(r) for r in refs),
                      part_titles=tuple(t for a in answers for t in a.part_titles))

    def _why_not(self, plan: Plan) -> str:
        return "year" if plan.caveat else "no_evidence"

    # -- helpers ------------------------------------------------------------------------------------------
    def _scope(self, plan: Plan) -> list[str]:
        """The documents the question is about: those it names (by year, place or title), else all of them."""
        return list(plan.docs) or [n.doc_id for n in self.notices]

    def _task_of(self, ref: Ref) -> Task:
        return self._by_id[ref.doc_id].task(ref.number)

    def _order(self, ref: Ref) -> tuple[int, int]:
        return self._doc_order[ref.doc_id], ref.number

    @property
    def _places(self) -> str:
        return "、".join(n.identity.short_title or n.plan_title for n in self.notices)

    @property
    def _title(self) -> str:
        return "》《".join(n.plan_title or n.meta.title for n in self.notices)

    def _finish(self, composed: Composed, route: Route, ranked: Sequence[Task] = (), *, refused: bool = False) -> Answer:
        """An answer from composed text; ``refused`` marks one that says the notices do not give what was asked,
        while still citing what they do say about it."""
        refs = tuple(dict.fromkeys(composed.refs))
        return Answer(
            text=composed.text,
            refused=refused,
            refs=refs,
            retrieved=tuple(t.ref for t in ranked),
            route=route,
            sources=tuple(self._by_id[r.doc_id].task(r.number) for r in refs),
            part_titles=composed.part_titles,
        )


def _unstated(plan: Plan, quoted: Sequence[tuple[Task, str]]) -> Unstated | None:
    """The kind of detail the question asks for that the quoted tasks do not state (an amount, a procedure, a
    place), or None."""
    return next((kind for kind in UNSTATED if kind.ask.search(plan.question)
                 and not any(kind.said.search(t.body if kind.whole_task else q) for t, q in quoted)), None)


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
