"""Evidence for fact and who-leads questions: rank tasks, keep those the question's own words support, pick the
sentence to quote. This is where "the notice does not say" is decided for questions that reach retrieval."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import NamedTuple

from ..query.plan import Plan
from ..query.retrieval import HybridRetriever, Lexicon, rrf
from ..query.tagger import sound
from ..records import Ref, Task

log = logging.getLogger(__name__)

# Lexical evidence below this share of the question's weight, with dense similarity below _MIN_DENSE, is no evidence.
_MIN_COVERAGE = 0.34
_MIN_DENSE = 0.86
# Below this share the question's words are simply not in the notice, however close the vectors are.
_NO_COVERAGE = 0.2
_OTHER_NOTICE = 0.75  # another notice's best task, against the best task's coverage
# Cosine similarities of multilingual-e5 sit in a narrow band; "as close as the best" means within this much.
_DENSE_BAND = 0.015
_NUMBER = re.compile(r"\d")
# a task on a broad field the question names is listed when its vector is this close to the closest task
DOMAIN_BAND = 0.02
# a dictionary frequency above which a word is common (jieba's dictionary: 电梯 524, 泊位 1232)
_COMMON_WORD = 100
NUMBER_ASK = re.compile(r"多少|几[个家项部张名件所条栋次]|百分之|比例|增长|规模|面积|金额")
# A question longer than this is judged by its best-covered clause.
_LONG = 30
# Questions that ask for an amount of money, and the words that would answer them.
MONEY_ASK = re.compile(r"多少钱|几块钱|多少(?:奖励|补贴|补助|奖补|扶持)?(?:资金|经费|奖金)|(?:要不要|用不用|需要|得)(?:交|付|花|掏)钱|补贴多少|补助多少|价格|票价|门票|收费|收多少|费用|花多少|项目预算|预算(?:是|为|有)?多少|"
                       r"多少预算|经费多少|资金多少|投入多少|"
                       r"(?:工资|薪资|薪酬|补偿|赔偿)(?:是|有|能有|大概)?多少|多少(?:工资|补偿|赔偿)|能拿(?:到)?多少|(?:补偿|补助|补贴)标准")
# (a sum of money: 「15万元」「3元」, not an area or a count 「3.5万亩」「2万人」)
MONEY_SAID = re.compile(r"\d\s*[万亿千百]?元|资金|补贴\d|补助\d")
# Questions that ask how to apply or what to bring (a work plan states targets, not procedures), and the words that
# would answer them.
PROCEDURE_ASK = re.compile(r"(怎么|如何|怎样|去哪儿?|在哪儿?|哪里|哪儿)(申请|办理|办证|报名|预约)|(去哪儿?|在哪儿?|哪里|哪儿)办(?!法)|申请(条件|流程|材料)|办理(流程|手续)|"
                           r"(什么|哪些)(材料|手续|证件)|要带什么")
PROCEDURE_SAID = re.compile(r"申请|办理|材料|流程|手续|报名|预约|窗口|热线")
# Questions that ask where something is or will be built, and the words that would answer them: a named road,
# street, town, village, community or site (not the generic 城镇 / 乡镇 / 农村 / 乡村 / 道路).
PLACE_ASK = re.compile(r"(?:建在|设在|放在|落在|选址在?|位于|开在)(?:哪|什么地方|什么位置)|在哪(?:个|几个|些)?(?:乡镇|镇|街道|社区|村|位置|地方|片区|小区)|"
                       r"(?:具体|什么|哪个)位置|在哪里建|具体在哪")
# (a 街道 / 社区 / 小区 / 村 is a place named only after a name: 「柳塘社区」「城河村」; after a verb, a count or a modifier it is a
# kind of place: 「新建社区长者食堂」「8个街道便民服务中心」「每家社区卫生服务中心」「老旧小区」)
_NAMED = r"(?<=[\u4e00-\u9fff])(?<![建成个家各全的在等每新旧批级类型该本范点])"
PLACE_SAID = re.compile(rf"(?<![城乡])镇|(?<![城下])乡(?![村镇])|{_NAMED}街道|{_NAMED}(?<![农乡])村(?!民)|{_NAMED}社区|"
                        rf"(?<![道思线])路(?!径|线)|大道|片区|地块|{_NAMED}小区|园区|位于|选址|[东南西北]侧|沿线|周边")

# Questions that ask for a street address or a door (finer than the community or road a plan names), and for whom to
# call (a plan names units, never telephones or contact people), and the words that would answer them.
ADDRESS_ASK = re.compile(r"(?:具体|详细)?地址|门牌|几号楼|哪栋楼")
ADDRESS_SAID = re.compile(r"\d+号|号楼|门牌|地址")
CONTACT_ASK = re.compile(r"电话|手机号?|联系方式|联系人|找谁(?:报名|联系|咨询|办)|打给谁|热线号码")
CONTACT_SAID = re.compile(r"\d{5,}|电话|联系人")


class Unstated(NamedTuple):
    """A kind of detail a plan's text rarely gives."""

    ask: re.Pattern[str]  # a question asking for it
    said: re.Pattern[str]  # words that would state it
    what: str  # how the answer names it
    whole_task: bool  # stated anywhere in the task (a place often sits in another sentence than the one quoted)


# A question asking for one is one the notice does not answer: said, with what the task does say (a time the plan
# does not give is a caveat instead: Composer.no_time).
UNSTATED = (Unstated(MONEY_ASK, MONEY_SAID, "具体金额或收费标准", whole_task=False),
            Unstated(PROCEDURE_ASK, PROCEDURE_SAID, "办理流程、申请条件或所需材料", whole_task=False),
            Unstated(ADDRESS_ASK, ADDRESS_SAID, "具体地址", whole_task=True),
            Unstated(CONTACT_ASK, CONTACT_SAID, "联系电话或联系人", whole_task=True),
            Unstated(PLACE_ASK, PLACE_SAID, "具体地点", whole_task=True))
# Questions that ask for every task on a topic, not one fact.
_LISTING = re.compile(r"哪些(任务|工作|安排|措施|举措|事|内容|项目)|有(什么|啥)(安排|任务|措施|举措|工作|规划|动作|新动作)|方面|"
                      r"相关的任务|有关的任务|都有(什么|啥)|(搞|做|干)(些|点)(啥|什么)")


# phrases of three or more characters listed with 、 before a word that ends a list (「给企业减负、整治乱收费这类」;
# two-character names, 「南大、南邮这些」, are names, not themes)
_LIST_NOUN = re.compile(r"(?:的)?(?:项目|事项|措施|举措|安排)(?=都?(?:有|是)(?:哪些|哪几|什么|啥))|(?<=哪些)(?:项目|事项|措施|举措|安排)")
_PHRASE_LIST = re.compile(r"[\u4e00-\u9fff]{2,8}(?:、[\u4e00-\u9fff]{2,8}?)+(?=这类|之类|这些|等|有关|相关|方面|这块)")
_PHRASE_LEAD = re.compile(r"^(?:跟|和|与|同|关于|涉及|对于|对)")  # 「跟体质、视力有关」: the relation, not a theme
# examples a question gives of what it means (「比如修路、过江通道啥的」「包括大数据、信息化这些」)
# (a dash after a theme spells it out too: 「老小区这一块——旧改、装电梯、物业管理」)
_EXAMPLES = re.compile(r"(?:比如|例如|譬如|诸如|包括|——|—)(?:说|像)?(?P<items>[^,,。??!!;;—]+)")
_EXAMPLE_SPLIT = re.compile(r"[、/]|和|及|与|或|啊|呀|还有")
_ASKING_WORD = re.compile(r"哪|什么|啥|几|多少|怎么")
_ASKS = re.compile(r"[吗呢么][??]?$|哪|什么|啥|几|多少|怎么|是否|有没有|能不能|可不可以|[??]$")
_EXAMPLE_TAIL = re.compile(r"(?:啥的|什么的|之类的?|这些|这类|等等?|的)+$")


def examples(text: str) -> list[str]:
    """The examples a question gives after 比如 / 例如 / 包括 or a dash, each of two characters or more."""
    found = []
    for m in _EXAMPLES.finditer(text):
        items = _EXAMPLE_SPLIT.split(_EXAMPLE_TAIL.sub("", m.group("items").strip()))
        found += [_EXAMPLE_TAIL.sub("", i).strip() for i in items]
    # 「包括哪些小区」 asks what is included: a question word opens no example
    return [i for i in found if len(i) >= 2 and not _ASKING_WORD.match(i)]


@dataclass
class ListingRule:
    """When a task belongs to a topic list: clear lexical support (coverage at least `coverage` and `share` of the
    best's, strength `strength` of the best's), or some support and a vector within `band` of the closest."""

    coverage: float = 0.34
    share: float = 0.7
    strength: float = 0.35
    dense_coverage: float = 0.15
    band: float = _DENSE_BAND


LISTING = ListingRule()


@dataclass(frozen=True)
class Scored:
    """A retrieved task with its rank and how much of the question's wording it holds."""

    task: Task
    rank: int
    coverage: float
    strength: float


def bigrams(token: str) -> list[str]:
    """Character bigrams of a token (the token itself when shorter): robust to 停车位 vs 停车泊位."""
    token = token.strip()
    if len(token) <= 2:
        return [token] if token else []
    return [token[i : i + 2] for i in range(len(token) - 1)]


class EvidenceSelector:
    """Hybrid retrieval, then lexical support per task, then the tasks worth citing."""

    def __init__(
        self, tasks: Sequence[Task], retriever: HybridRetriever, lexicon: Lexicon, candidates: int, rrf_k: int
    ) -> None:
        if not tasks:
            raise ValueError("EvidenceSelector needs at least one task")
        self._tasks = {t.ref: t for t in tasks}
        self._retriever = retriever
        self._lexicon = lexicon
        self._candidates = candidates
        self._rrf_k = rrf_k
        self._df = Counter(g for t in tasks for g in set(bigrams(t.text)))
        self._n = len(tasks)
        # the tasks holding a term of a theme, and whether a word is said in any task: fixed for the loaded tasks,
        # found once per theme or word (both are bounded by the thesaurus and the questions' words)
        self._holding: dict[frozenset[str], frozenset[Ref]] = {}
        self._said: dict[str, bool] = {}
        self._doc_count = len({t.doc_id for t in tasks})
        # the notices' character pairs by the one character that could be a slip: (kept char, its place) -> pairs
        self._text = "\n".join(t.text for t in tasks)
        self._pairs_by_kept: dict[tuple[str, int], list[str]] = {}
        for g, _ in self._df.most_common():
            if len(g) == 2 and all("\u4e00" <= c <= "\u9fff" for c in g):
                for keep in (0, 1):
                    self._pairs_by_kept.setdefault((g[keep], keep), []).append(g)

    def respell(self, text: str) -> str:
        """The text with input-method slips in its words put right against the notices' own wording: a character
        pair no task holds, one character of which sounds like a task's pair that shares the other (拉圾 -> 垃圾,
        停车泊为 -> 停车泊位). Pairs the notices hold are never changed."""
        out = list(text)
        # pairs inside one content word only (「有什么」 is 有 + 什么, not a slip of a pair)
        inside = [i for word, start, end in self._lexicon.tokenizer.tokenize(text)
                  if end - start >= 2 and not self._lexicon.is_frame(word) for i in range(start, end - 1)]
        for i in inside:
            pair = "".join(out[i:i + 2])
            if pair in self._df or not all("\u4e00" <= c <= "\u9fff" for c in pair):
                continue
            for keep in (0, 1):
                slip = pair[1 - keep]
                fix = next((g for g in self._pairs_by_kept.get((pair[keep], keep), ())
                            if g[1 - keep] != slip and sound(g[1 - keep]) == sound(slip)
                            and (self._runs_on(out, i, g) or self._commoner(g, pair))),
                           None)
                if fix:
                    out[i:i + 2] = list(fix)
                    break
        return "".join(out)

    def _commoner(self, fix: str, slip: str) -> bool:
        """Whether the fix is a common word and the slip is not (电悌 -> 电梯): a word the dictionary holds far more
        often than the pair typed, so the pair is a slip of it rather than a word of its own (房子, 分内)."""
        freq = self._lexicon.tokenizer.FREQ
        return freq.get(fix, 0) >= _COMMON_WORD and not freq.get(slip, 0)

    def _runs_on(self, chars: list[str], i: int, pair: str) -> bool:
        """Whether the pair put in at i makes, with the character before or after it, three characters a task
        says (垃圾 + 分 = 「垃圾分」): a common word the notices lack (房子, 液化) is not made into another."""
        before = "".join(chars[max(i - 1, 0):i])
        after = "".join(chars[i + 2:i + 3])
        return any(len(w) == 3 and w in self._text for w in (before + pair, pair + after))

    def select(self, plan: Plan, docs: Collection[str], *, listing: bool | None = None,
               within: Collection[Ref] = ()) -> tuple[list[Task], list[Scored]]:
        """(tasks in retrieval order, the supported ones to cite); nothing to cite means the notice does not say.
        A listing (every task on a topic) scores every task in scope and is never cut at top-k; `within` keeps
        only those tasks (「其中哪些和X有关」)."""
        listing = bool(_LISTING.search(plan.question)) if listing is None else listing
        plan = replace(plan, query=self.respell(plan.query), focus=self.respell(plan.focus))
        query = self._lexicon.expand(plan.query)
        n = self._candidates * (2 if len(docs) < self._doc_count else 1)
        if listing:
            n = max(n, len(self._tasks) + self._doc_count * 8)
        dense_hits = self._retriever.dense.search(query, n)  # embedded once, used for fusion and for confidence
        fused = rrf([self._retriever.bm25.search(query, n), dense_hits], n, self._rrf_k)
        ranked = [
            self._tasks[h.chunk.ref] for h in fused
            if h.chunk.kind == "task" and h.chunk.doc_id in docs and (not within or h.chunk.ref in within)
        ]
        if listing or within:
            # every task of a listing, or of the ones the question is asked among, is scored (not only the top n)
            seen = {t.ref for t in ranked}
            ranked += [t for ref, t in self._tasks.items()
                       if ref.doc_id in docs and ref not in seen and (not within or ref in within)]
        if not ranked:
            return ranked, []
        pool = ranked if listing else ranked[:10]
        if listing:
            # 「新建学校的项目有哪些」: the noun a list is asked by (项目, 措施) names the tasks themselves, no word to find
            plan = replace(plan, focus=_LIST_NOUN.sub("", plan.focus) or plan.focus)
        # a listing takes every task on the theme of its words (「治水」: 排水, 河湖…); a fact is found by its words
        scored, best = self._score(pool, self._asking_clause(plan.focus or plan.query, pool), themes=listing)
        dense = {h.chunk.ref: h.score for h in dense_hits if h.chunk.kind == "task"}
        top_dense = max((v for ref, v in dense.items() if ref.doc_id in docs), default=0.0)
        focus = plan.focus or plan.query
        items = self._item_lists(pool, dense, focus, plan.question) if listing else []
        if listing:
            items += self._domain_lists(scored, dense, focus)
        evidence = not (best.coverage < _NO_COVERAGE or (best.coverage < _MIN_COVERAGE and top_dense < _MIN_DENSE))
        if within and len(within) <= 3 and not listing:
            # asked of the one to three tasks just shown (「一部补助多少钱」): a word of the question in one is enough
            evidence = best.coverage > 0
        if not evidence and not items:
            log.info("no evidence: coverage %.2f dense %.3f for %r", best.coverage, top_dense, plan.question)
            return ranked, []
        if listing:
            keep = self._listing(scored, best, dense, focus) if evidence else []
            for listed in items:
                keep += [s for s in listed if s.task.ref not in {k.task.ref for k in keep}]
        else:
            keep = [best] + [
                s for s in scored
                if s is not best and s.rank < 5
                and s.coverage >= max(0.85 * best.coverage, _MIN_COVERAGE) and s.strength >= 0.6 * best.strength
            ]
            if not plan.docs and len(docs) > 1:
                keep += self._other_notices(scored, best, keep)
        if NUMBER_ASK.search(plan.question) and not listing:
            # a question asking for a figure cites the tasks whose best-matching clause has one (if any has)
            keep = [s for s in keep if _NUMBER.search(self.best_clause(s.task, plan.focus))] or keep
        keep.sort(key=lambda s: s.rank)
        return ranked, keep if listing else keep[:8]

    def select_each(self, plan: Plan, docs: Sequence[str]) -> tuple[list[Task], list[Scored]]:
        """A question asked of every notice (「各地的…分别定的多少」): each notice's own best tasks. Of notices the
        question does not name, only those that speak of it: one covering the question nearly as well as the best
        notice's best does; a notice whose closest task only shares a word (「新增」 of 新增企业 for 新增就业) is
        left out. A notice the question names is answered from whatever evidence it has."""
        per_doc = [self.select(plan, [doc]) for doc in docs]
        covered = [max((s.coverage for s in p), default=0.0) for _, p in per_doc]
        ranked = [t for r, _ in per_doc for t in r]
        return ranked, [s for (_, p), c in zip(per_doc, covered, strict=True)
                        if plan.docs or c >= _OTHER_NOTICE * max(covered) for s in p[:2]]

    def _item_lists(self, pool: Sequence[Task], dense: dict[Ref, float], focus: str,
                    question: str) -> list[list[Scored]]:
        """The listing of each theme the topic lists one after another (「环保、生态环境有关的」) or the question
        gives as an example (「出行交通这块,比如修路、过江通道」): a task on any one of them is on the list."""
        lists = []
        given = [e for e in examples(question) if self._lexicon.tokens(e)]
        for item in [*(self._lexicon.enumerated(focus) or self._phrases(focus)), *given]:
            theirs, top = self._score(pool, item)
            if top.coverage >= _MIN_COVERAGE:
                lists.append(self._listing(theirs, top, dense, item))
        return lists

    def _phrases(self, text: str) -> list[str]:
        """Short phrases no theme holds, listed with 、 before a word that ends a list (「给企业减负、整治乱收费这类」),
        those of them with a word the loaded tasks use, when two or more have (names they do not use, 「南大、南邮这些」,
        are no themes)."""
        m = _PHRASE_LIST.search(text)
        pieces = [_PHRASE_LEAD.sub("", p) for p in m.group(0).split("、")] if m else []
        # a two-character piece is a theme only as a word of the tasks (体质, 视力), not inside a name (南大年轻力商圈)
        used = [p for p in pieces if (p in self._words if len(p) == 2
                                      else any(self._used(t) for t in self._lexicon.tokens(p)))]
        return used if len(used) >= 2 else []

    def _domain_lists(self, scored: Sequence[Scored], dense: dict[Ref, float], focus: str) -> list[list[Scored]]:
        """A broad field the topic names (「环保」「法治」「安全生产」): the tasks holding a term of a theme it spans
        (大气, 水环境, 固废…) whose vector is near the closest task's, notice by notice."""
        lists = []
        narrower = [a.said for a in self._lexicon.alternatives(focus)]
        for field in self._lexicon.domains(focus):
            # 「新建学校」 in a plan all about schools names a theme within the field, and that theme is what is asked
            within = any(field.said in said and said != field.said for said in narrower)
            holders = self._holders(field.terms)
            for doc in dict.fromkeys(s.task.doc_id for s in scored):
                mine = [s for s in scored if s.task.doc_id == doc]
                top = max(dense.get(s.task.ref, 0.0) for s in mine)
                field_list = [s for s in mine if s.task.ref in holders
                              and dense.get(s.task.ref, 0.0) >= top - DOMAIN_BAND]
                if not (within and 3 * len(field_list) > len(mine)):
                    lists.append(field_list)
        return [x for x in lists if x]

    def _listing(self, scored: Sequence[Scored], best: Scored, dense: dict[Ref, float], focus: str) -> list[Scored]:
        """Every task on the topic, notice by notice: a close match in one notice does not crowd out another
        notice's tasks; when the question names a theme, a close vector alone does not bring in a task off it."""
        on_theme = self._on_theme(focus)
        keep: list[Scored] = []
        for doc in dict.fromkeys(s.task.doc_id for s in scored):
            mine = [s for s in scored if s.task.doc_id == doc]
            if doc == best.task.doc_id or max(s.coverage for s in mine) >= _MIN_COVERAGE:
                keep += self._listed(mine, dense, on_theme)
        return keep

    @staticmethod
    def _listed(scored: Sequence[Scored], dense: dict[Ref, float], on_theme: set[Ref] | None) -> list[Scored]:
        """Every task of one notice on the topic: clear lexical support, or some support and a vector as close as
        the closest; measured against the task that covers the topic most (not the one that repeats a word most)."""
        best = max(scored, key=lambda s: (s.coverage, s.strength, -s.rank))
        top_dense = max(dense.get(s.task.ref, 0.0) for s in scored)
        return [best] + [
            s for s in scored
            if s is not best and (
                (s.coverage >= max(LISTING.coverage, LISTING.share * best.coverage)
                 and s.strength >= LISTING.strength * best.strength)
                or (s.coverage >= LISTING.dense_coverage and dense.get(s.task.ref, 0.0) >= top_dense - LISTING.band
                    and (on_theme is None or s.task.ref in on_theme))
            )
        ]

    @cached_property
    def _words(self) -> frozenset[str]:
        """The words of the loaded tasks, as the tokenizer cuts them."""
        return frozenset(w for t in self._tasks.values() for w in self._lexicon.tokenizer.lcut(t.body))

    def _used(self, word: str) -> bool:
        """Whether any loaded task says the word."""
        if word not in self._said:
            self._said[word] = any(word in t.body for t in self._tasks.values())
        return self._said[word]

    def _holders(self, terms: frozenset[str]) -> frozenset[Ref]:
        """The loaded tasks whose text (without the units) holds any of the terms."""
        if terms not in self._holding:
            pattern = re.compile("|".join(map(re.escape, terms)))
            self._holding[terms] = frozenset(t.ref for t in self._tasks.values() if pattern.search(t.body))
        return self._holding[terms]

    def _on_theme(self, text: str) -> set[Ref] | None:
        """The tasks holding a term of a theme the text names (None: it names none)."""
        themes = self._lexicon.alternatives(text)
        if not themes:
            return None
        return set().union(*(self._holders(a.terms) for a in themes))

    @staticmethod
    def _other_notices(scored: Sequence[Scored], best: Scored, keep: Sequence[Scored]) -> list[Scored]:
        """A question that names no notice, with several loaded, may be about any of them: each other notice's
        own best task is kept when it covers the question nearly as well as the best one does."""
        shown = {s.task.doc_id for s in keep}
        extra: dict[str, Scored] = {}
        for s in scored:
            if s.task.doc_id not in shown and s.task.doc_id not in extra and s.rank < 5 \
                    and s.coverage >= max(_OTHER_NOTICE * best.coverage, _MIN_COVERAGE) \
                    and s.strength >= 0.6 * best.strength:
                extra[s.task.doc_id] = s
        return list(extra.values())

    def _score(self, pool: Sequence[Task], focus: str, *, themes: bool = False) -> tuple[list[Scored], Scored]:
        """Each task's coverage of the question. The everyday words added for a word are alternatives to it, not
        more words to find: a task is scored on the question as asked and as expanded, whichever it covers more.
        With `themes`, a word of a theme the notices never use is also found in a task holding another term of that
        theme (「治水」 in a task on 河湖)."""
        weighted = [(w, sum(w.values())) for w in map(self.weights, dict.fromkeys([focus, self._lexicon.expand(focus)]))]
        # (only for words the notices never use: where they do use the word, it is the word they mean)
        alternatives = [(bigrams(a.said), self._holders(a.terms)) for a in self._lexicon.alternatives(focus)
                        if not self._used(a.said)] if themes else []
        scored = [
            Scored(t, i, *max((self._coverage(t, w, total, alternatives, heading=themes) for w, total in weighted),
                              default=(0.0, 0.0)))
            for i, t in enumerate(pool)
        ]
        return scored, max(scored, key=lambda s: (s.strength - 0.03 * min(s.rank, 10), -s.rank))

    def _asking_clause(self, focus: str, pool: Sequence[Task]) -> str:
        """A long, rambling question is judged by its clause the notice covers best (the story around it would
        dilute any coverage share); a short one as a whole."""
        clauses = [c for c in re.split(r"[,,。!!??;;]", focus) if len(c) >= 4]
        sentences = re.search(r"[。!!??;;].", focus.strip())  # a question told with a statement beside it
        if len(clauses) < 2:
            return focus
        if len(focus) <= _LONG and not sentences:
            # a short one as a whole, unless the whole finds next to nothing and a clause holds all it matched,
            # diluted less by the rest (「家里娃还不到三岁,今年有托育的地方吗」); not a clause that matches a common
            # word alone (「今年能解决吗」)
            whole = self._score(pool, focus)[1]
            if whole.coverage >= _NO_COVERAGE:
                return focus
            # the clause must be the one that asks, told after statements that do not, and be covered for real
            asking = [c for c in clauses if _ASKS.search(c)]
            better = [(b, c) for c in asking[-1:] if len(asking) == 1
                      and (b := self._score(pool, c)[1]).coverage >= max(_MIN_COVERAGE, whole.coverage)
                      and b.strength >= whole.strength and b.task.ref == whole.task.ref]
            return max(better, key=lambda p: p[0].coverage)[1] if better else focus
        return max(clauses, key=lambda c: self._score(pool, c)[1].coverage)

    def weights(self, text: str) -> dict[str, float]:
        """IDF weight of each character bigram of the text's content words (rare in the notice = telling)."""
        grams: set[str] = set()
        for tok in self._lexicon.tokens(text) or self._lexicon.nouns(text):
            # 闹矛盾 -> 矛盾: a word that shares a pair with the notices is about that pair, not the rest
            pairs = bigrams(tok)
            present = [g for g in pairs if g in self._df]
            grams.update(present if present and len(pairs) > 1 else pairs)
        return {g: math.log((self._n + 1) / (self._df.get(g, 0) + 0.5)) for g in grams}

    @staticmethod
    def _coverage(task: Task, weights: dict[str, float], total: float,
                  themes: Sequence[tuple[list[str], frozenset[Ref]]] = (), heading: bool = False) -> tuple[float, float]:
        """(share of the question's weight found in the task, that weight scaled by how often it occurs). The pairs
        of a theme word (`themes`: its bigrams, the tasks holding a term of its theme) are found in those tasks. With
        `heading`, the heading of the task's group counts as its words too (「落实耕地地力保护补贴…」 under
        「(一)稳定粮食生产」 is on 稳定粮油生产)."""
        if total <= 0:
            return 0.0, 0.0
        text = f"{task.group}\n{task.text}" if heading and task.group else task.text
        found = {g: text.count(g) for g in weights}
        for pairs, holders in themes:
            said = [g for g in pairs if g in found and not found[g]]
            if said and task.ref in holders:
                found.update(dict.fromkeys(said, 1))
        coverage = sum(w for g, w in weights.items() if found[g]) / total
        strength = sum(w * (1 + math.log(found[g])) for g, w in weights.items() if found[g]) / total
        return coverage, strength

    def best_clause(self, task: Task, focus: str) -> str:
        """The comma-separated clause of the task that holds most of the question's wording."""
        weights = self.weights(focus)
        clauses = [c for c in re.split(r"[,,;;。]", task.body) if c]
        return max(clauses, key=lambda c: sum(w for g, w in weights.items() if g in c), default=task.body)

    def best_sentence(self, task: Task, focus: str) -> str:
        """The sentence of the task to quote: most of the question's wording, a figure if one is asked for."""
        weights = self.weights(focus)
        wants_number = bool(NUMBER_ASK.search(focus))

        def score(sentence: str) -> float:
            s = sum(w for g, w in weights.items() if g in sentence)
            return s + (0.5 if wants_number and _NUMBER.search(sentence) else 0.0)

        return max(task.sentences, key=score) if task.sentences else task.body
