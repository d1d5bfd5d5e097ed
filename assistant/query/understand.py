"""Understanding a question: tag its slots from the loaded documents, classify the operation on the templated
question, apply the few unambiguous rules (and / or / but-not, role, superlatives, ordinals), and resolve what it
leans on in the conversation (the plans and the references the user saw)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources

import jieba

from ..ingest.knowledge import Knowledge
from ..ingest.normalize import normalize_question
from ..ingest.units import UnitDirectory, level_prefix
from ..ingest.words import Slot, layout_words
from ..records import Notice, Ref, Role, RoleFilter, role_label
from .classify import OpClassifier, load_bank
from .conversation import (
    DEICTIC,
    FOLLOWUP,
    OTHER,
    PLURAL,
    UNIT_DEICTIC,
    WITHIN,
    answered,
    asking,
    focus_of,
    last,
    last_list,
    pointed,
    shown_docs,
)
from .plan import Combine, Op, Order, Plan, Rank, Turn
from .retrieval import STOPWORDS
from .tagger import Span, Tagger, chinese_number, template
from .times import LIST_ASK, WHEN_ASK, due_asked, due_months


def _role_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The lead and assist words of a question: the notices' own short role words (ingest's layout words) and the
    words people ask with (data/role_words.json)."""
    data = json.loads(resources.files("assistant.query").joinpath("data/role_words.json").read_text("utf-8"))
    words = layout_words()
    patterns = []
    for slot in (Slot.LEAD, Slot.ASSIST):
        own = {w for w, s in (*words.labels, *words.suffixes) if s is slot and len(w) == 2}
        found = sorted((own | set(data[slot.value])) - set(data["not_a_role"]), key=lambda w: (-len(w), w))
        patterns.append(re.compile("|".join(map(re.escape, found))))
    return patterns[0], patterns[1]


_LEAD, _ASSIST = _role_patterns()


def _field_patterns() -> tuple[re.Pattern[str], dict[str, re.Pattern[str]]]:
    """(every label word of a task's fields, which name no content; the words asking for the deadline or the
    leader), from the notices' labels (ingest's layout words) and the words people ask with (data/role_words.json)."""
    data = json.loads(resources.files("assistant.query").joinpath("data/role_words.json").read_text("utf-8"))
    words = layout_words()
    labels = sorted({w for w, _ in words.labels} | {w for ws in data["fields"].values() for w in ws}, key=lambda w: -len(w))
    asks = {}
    for slot in (Slot.DEADLINE, Slot.LEADER):
        found = {w for w, s in words.labels if s is slot} | set(data["fields"][slot.value])
        asks[slot.value] = re.compile("|".join(map(re.escape, sorted(found, key=lambda w: -len(w)))))
    return re.compile("|".join(map(re.escape, labels))), asks


_FIELD_LABELS, _FIELD_ASKS = _field_patterns()


def field_asked(q: str) -> str:
    """The task field a question asks for: "deadline" (完成时限) or "leader" (责任领导), else ""."""
    return next((field for field, pattern in _FIELD_ASKS.items() if pattern.search(q)), "")
# (「…的任务都有哪些」 is a list's 都, not a joint one)
_AND = re.compile(rf"共同|一起|都(?:要|需要|得)?(有(?!哪|什么|啥|些)|在|参与|负责|{_LEAD.pattern}|{_ASSIST.pattern})|联合|同时|都有份|合作|均")
_OR = re.compile(r"或者|或是|或")
# what a part of the plan is called after 这/那 (「这部分」「那一大部分」「那个板块」「这一大块」)
_PART_NOUN = r"(?:大?部分|大?板块|大块|大项)"
# 「X那一块」: a part or group of the plan when X names its heading, else a topic (「养老这一块」)
_BLOCK = re.compile(r"([\u4e00-\u9fff]{2,})的?(?:那|这)一块")
_NOT = re.compile(r"不|没|未|除了|除去|排除|以外|之外")
_SUPERLATIVE = re.compile(r"最多|最少|最广|第[一二三四五六七八九十\d]+多|最忙|排名|排序|排个序|更多|谁.{0,6}多(?!少)|"
                          r"哪个.{0,8}更?多(?!少)|比(?!例|重|率).{0,12}多(?!少)")
_NTH = re.compile(r"第([一二三四五六七八九十\d]+)(多|名)")
_EXACTLY = re.compile(r"只(?:牵头|主办|负责|协办|承担|参与)?了?([一二两三四五\d])项")
_LEAST = re.compile(r"最少|最低")
# a topic marked in the question: 关于X的 / 跟X有关 / X方面 (within one clause)
_TOPIC_MARK = re.compile(r"(?:关于|围绕)(?P<a>[^,,。??!!;;]{1,12}?)(?:的|方面|这块|工作|[,,。??!!]|$)|"
                         r"(?:跟|同)(?P<b>[^,,。??!!;;]{1,12}?)(?:有关|相关)|"
                         r"(?P<c>[^,,。??!!;;在]{1,24}?)(?:方面|这块|这一块)")
# aggregates over the plan's units and tasks
_UNITS_COUNTED = re.compile(r"(?:多少|(?<!哪)几)个(?:单位|部门)|(?:单位|部门)(?:一共|总共|共)有?(?:多少|几)|"
                            r"(?:哪些|所有)(?:单位|部门)(?:参与|涉及|有份|有任务)")
_BOTH_ROLES = re.compile(r"既.{0,4}(?:牵头|主办).{0,4}又.{0,4}(?:协办|配合)|既.{0,4}(?:协办|配合).{0,4}又.{0,4}(?:牵头|主办)|"
                         r"(?:牵头|主办)(?:又|也)(?:协办|配合)|(?:主办|牵头)和(?:协办|配合)都(?:有|做|参与)")
_LEADS_COUNTED = re.compile(r"(?:只有|仅有|就|只)(?P<one>一|1)个(?:主办|牵头)(?:单位|部门)|"
                            r"(?P<n>\d|[一二两三四五六七八九十]){1,2}个(?P<more>以上|及以上|或以上|或更多|多)?(?:单位|部门)"
                            r"(?:一起|共同|联合)?(?:主办|牵头)|多个(?:单位|部门)(?:一起|共同|联合)?(?:主办|牵头)")
# a unit leading on its own: 「一家单独主办」「没有其他主办单位」
_ALONE = re.compile(r"单独|独自|独立(?:主办|牵头|负责)|一家(?:主办|牵头|负责|单独)|没有其他(?:主办|牵头)|唯一(?:的)?(?:主办|牵头)")
# a unit named by its function: 「发改部门」「教育口」
_FUNCTION_UNIT = re.compile(r"部门|系统|条线")
_CLAUSES = re.compile(r"[,,。??!!;;]")
_WHO_ASK = re.compile(r"谁|单位|部门")
_LISTLIKE = (Op.LIST, Op.SECTION, Op.TOPIC, Op.COUNT)
# a question put to every loaded notice at once
_EACH_DOC = re.compile(r"各地|各区县?|各[个份]?(地方|通知|方案|文件)|这几份|几份(通知|方案|文件)|每[份个](通知|方案|地方|区|县|市)|"
                       r"哪些地方|哪几个(地方|区|县|市)|所有(通知|方案|文件)|几个(地方|方案|文件|通知)|各家(?=.{0,6}分别)|"
                       r"[各每]个?(区|县|市|城市)(?=.{0,6}分别)")
_CONTAINER = re.compile(r"(这几份|这份|各地的?|几份|所有|每份|各份?)(通知|方案|文件|分解表)(里面|里|中|当中)[,,]?")
_RELATION = re.compile(r"有关|相关|涉及|关于|方面|里哪些|中哪些|里面哪些|里有哪些|中有哪些|跟.{1,12}有关")
_EACH = re.compile(r"^(.{2,30}?)分别(.*)$")
# 「跟我们局有关的」「和Ｕ相关的」: related to the unit asked about itself, which is no topic
_SELF_RELATION = re.compile(r"(?:跟|和|与|同)(?:我们|咱们|我|本|这个|该|他们|它)?(?:Ｕ|单位|局|部门|委|办)(?:有关|相关)")
_RELATION_WORDS = re.compile(r"有关|相关|涉及|关于|方面|哪些事|什么事|哪些|有什么|都算|也算")
_ASKS = re.compile(r"谁|哪个|哪些|哪家|多少|几|什么|是否|有没有|吗|部分")
_MAX_RUN = 30  # the longest run of tasks read from 「任务N到任务M」
_SPLIT = re.compile(r"(?<=[??;;。])")
# what a ranking ranks: the noun asked with 哪 / 谁 (「哪个部门」「哪一部分」)
_ASKS_UNIT = re.compile(r"哪(?:个|一个|家|些)?(?:部门|单位|局|委|办|街道|管委会)|谁")
_ASKS_PART = re.compile(r"哪(?:个|一个|一)?(?:部分|板块|块)")
_ASKED_KIND = re.compile(r"(?:哪(?:个|一个|些)?|几个|所有|这些)(?P<kind>街道|管委会)|(?P<within>街道|管委会)(?:里|中|当中|之中)")
# a part's name is asked, not its tasks: 「第一部分的标题是什么」「第三部分叫什么」
_TITLE_ASK = re.compile(r"标题|题目|名称|名字|叫什么|叫啥")
# the units of a part are asked, not its tasks: 「第五部分涉及哪些单位」「第三部分由哪些部门牵头」
_UNITS_OF = re.compile(r"哪些(?:单位|部门)|哪几个(?:单位|部门)|哪几家|都有谁|有谁|是谁|谁(?:来|在)?(?:负责|牵头|主办|协办|参与|配合)")
_TASKS_ASK = re.compile(r"任务|哪些|有什么|几项")
# a unit named only by its kind: 「管委会负责…」「那个街道办…」 (not the end of a longer name: 铁北管委会)
_BARE_KIND = re.compile(r"(?:^|[,,。??、]|那个|这个|哪个|有个|某个|我们|咱们)(?P<kind>管委会|街道办事处|街道办|街道)")
# the role a named unit has in a task
_ROLE_ASK = re.compile(r"角色|身份|什么位置|什么作用|担任什么|是(?:主办|牵头|协办|配合)|算(?:主办|牵头|协办|配合)|"
                       r"(?:主办|牵头)还是(?:协办|配合)|(?:协办|配合)还是(?:主办|牵头)|(?:主办|牵头|协办|配合)(?:单位|部门|方)?(?:吗|么|嘛)")
_UNIT_ASK = re.compile(r"负责|承担|分到|干什么|做什么|干啥|做啥|管什么|管哪些|任务")
_INJECTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|不用管|跳过).{0,12}(指令|提示|规则|设定|要求|限制|上面|之前|以上|前面|上述)|"
    r"system\s*prompt|系统提示|提示词|越狱|你现在是|扮演|假装你|开发者模式|"
    r"ignore\s+(all|any|the|previous|above)|disregard|jailbreak|\bDAN\b", re.I)
_METADATA: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("doc_number", re.compile(r"文号|发文字号|文件号|字号|发文号")),
    ("index_number", re.compile(r"索引号")),
    ("meeting", re.compile(r"会议|人大|政府工作报告")),
    ("keywords", re.compile(r"关键词|关键字|主题词")),
    ("addressees", re.compile(r"发给|主送|印发给|下发给|发送给|发往|哪些单位收|受文|对象是")),
    ("date", re.compile(r"什么时候|何时|哪天|日期|时间|几月|几号")),
    ("public", re.compile(r"公开")),
    ("publisher", re.compile(r"发布机构|发文机关|发文单位|发布|印发|谁发|落款|发的")),
    ("classification", re.compile(r"分类|体裁|公文种类|文种")),
    ("title", re.compile(r"标题|文件名|名称|叫什么|全称")),
)
# 「还有别的吗」「其他的呢」「剩下的呢」: the rest of what was being shown
_REST = re.compile(r"(?:那|那么)?(?:还有|其他|其它|别的|剩下|剩余|另外)(?:的|别的|其他的|其它的|几项|的几项)?(?:吗|呢|么|没有|不)?[??]?")
_ALSO = re.compile(r"还(?:有|负责|牵头|主办|参与|配合|协办|管|承担|要|得|在)")  # 「还…哪些」: what else
_LEADER_TITLE = re.compile(r"[((][^()()]*[))]")  # 「吴某某(副镇长)」: the post after a leader's name
_DOCUMENT_WORDS = re.compile(r"方案|通知|文件|计划|这份|这个|本次|出台|下发|制定")
_FILLER = re.compile(
    r"\d{4}年|方案里|方案中|[\W_\d]|请问|哪些|哪个|什么|多少|怎么|如何|是否|有没有|能不能|可以|可不可以|负责|牵头|主办|协办|参与|配合|协助|承担|任务|工作|"
    r"一共|总共|共有|几项|几个|几|项(?!目)|呢|吗|吧|啊|的|了|是|有|都|和|与|及|那|么|其中|这些|它们|它|这|还|部分|单位|部门|谁|由|要|做|在|今年|全年|"
    r"[ＵＴＮＳＹＰＤ]|相关|有关|涉及|关于|方面|里面|当中|之中|里|中|跟|同|一起|共同|但|不|没|或者|或|以外|除了|自己|具体|分别|啥|哪几[个项条件]?|帮我|看看|查|我们|我是|局|"
    r"全部|所有|列出来|列出|列一下|列举|罗列|不管|不论|无论|还是|别的|其他|其它|另外|作为|身份|"
    r"加起来|合计|总计|同时|项目"
)
# 「牵头加配合一共几项」: the 加 between two roles says which roles, not what about
_ROLES_JOINED = re.compile(r"(?<=主办|牵头|协办|配合)加上?(?=主办|牵头|协办|配合)")
# a unit called by a pronoun for people, before what it does: 「他们还牵头了哪些」「那我们牵头的呢」
# (「它」 only right before what a unit does: 「还有哪些是它参与的」; 「它什么时候完成」 is about a task)
_PEOPLE_UNIT = re.compile(r"(?:他们|她们|人家|我们|咱们)(?:局|单位|部门)?(?=还|又|也|都|一共|总共|牵头|主办|协办|配合|负责|参与|承担)"
                          r"|(?<![不别]用列)(?<![不别]要列)(?<![不别]列)它(?=还?(?:牵头|主办|协办|配合|负责|参与|承担))")


# 「不是牵头的」「除了自己牵头的,还…」: the role said is the one left out
_NOT_LEAD = re.compile(rf"(不是|并非|非|不|没有?|除了|除去|除)(由其|自己|本身)?({_LEAD.pattern})")
_NOT_ASSIST = re.compile(rf"(不是|并非|非|不|没有?|除了|除去|除)(由其|自己|本身)?({_ASSIST.pattern})")
# what a question about the tasks without assisting units says (没有协办, 无配合, 只有主办, 不需要配合, 仅由…)
# whether a task names its units at all (a 工作要点 names them for a few items only)
_UNITS_STATED = re.compile(r"(?:(?P<no>没有?|未|不)(?:写明?|列明?|明确|标明|注明|写出|规定)?|(?:写了|写明了?|列了|明确了|标明了|注明了|有))"
                           r"(?:责任单位|牵头单位|主办单位|责任部门|牵头部门|负责单位|负责部门|单位)")
_WHICH_TASKS = re.compile(r"哪些|哪几|多少|几[项条个件]")  # asked of the tasks, not of one (「这项有牵头单位吗」)
_LISTING_ASK = re.compile(r"哪些|哪几|有什么|有啥|怎么(部署|安排)|方面|这块|都有")
_ONLY_LEADS = re.compile(r"没|无|不|只|单独|仅")
_FIELD_NAMED = re.compile(r"完成时限|完成时间|时限")
# 「哪些没写完成时限」: the tasks whose 完成时限 field the notice leaves empty
_NO_DEADLINE = re.compile(r"(没|未|不)(写|列|标|注|给|定|明确)?(明|出)?的?(完成)?(时限|期限|完成时间)|(时限|期限)(为空|空着|没写|没有)")
# the units of the last list, referred to by their number (「两家」「这两个科室」「双方」「他俩」)
_BOTH_OF = re.compile(r"[两俩二][家个者](?:单位|部门|科室|局)?|双方|他俩|它俩|这两(?:个|家)?(?:单位|部门|科室)?")
_NEAR_TIE = 0.06  # the classifier's top two scores this close are a tie
# 「我们配合的这些里」: a set named by its own description (a role, then 这些), not the last list shown
_NAMED_SET = re.compile(r"(牵头|主办|配合|协办|参与|负责)的?(这些|这几项|那些)(里|中|当中|里面|之中)?")
_NEGATED = re.compile(r"(?<!有)没有|不是|只有|只列|单独|无")  # 「没有协办单位的任务」 asks about the notice, not the last answer


_COUNT_ASK = re.compile(r"几|多少")


def asks_count(q: str) -> bool:
    """Whether a question asks how many (「一共几项」「多少条」)."""
    return bool(_COUNT_ASK.search(q))


def role_of(q: str) -> RoleFilter:
    """The role a question asks for: 主办 / 协办, with 「参与但不是牵头」 read as assisting."""
    if _NOT_LEAD.search(q) and not _NOT_ASSIST.search(q):
        return Role.ASSIST
    if _NOT_ASSIST.search(q) and not _NOT_LEAD.search(q):
        return Role.LEAD
    lead, assist = bool(_LEAD.search(q)), bool(_ASSIST.search(q))
    if lead and not assist:
        return Role.LEAD
    if assist and not lead:
        return Role.ASSIST
    return None


def content(q: str) -> str:
    """What is left of a question once question words, slots, unit verbs and the labels of a task's fields
    (完成时限, 责任领导) are taken out."""
    return _FILLER.sub("", _FIELD_LABELS.sub("", _ROLES_JOINED.sub("", q)))


class Planner:
    """Question (+ the conversation's earlier turns) -> Plan; pure text logic over the loaded records."""

    def __init__(self, notices: Sequence[Notice], units: UnitDirectory, knowledge: Knowledge | None,
                 max_chars: int, classifier: OpClassifier | None = None) -> None:
        if max_chars <= 0:
            raise ValueError(f"max_chars must be greater than 0, got {max_chars}")
        self._notices = tuple(notices)
        self._by_id = {n.doc_id: n for n in self._notices}
        self._units = units
        self._max_chars = max_chars
        self.tagger = Tagger(self._notices, units, knowledge)
        self.classifier = classifier or OpClassifier(load_bank())
        self._titles = tuple({t for n in self._notices for t in (n.plan_title, n.meta.title, n.identity.short_title) if t})
        self._years: dict[str, tuple[str, ...]] = {}
        for n in self._notices:
            if n.year:
                self._years[n.year] = (*self._years.get(n.year, ()), n.doc_id)
        self._has_leaders = any(t.leader for n in self._notices for t in n.tasks)
        # the people a notice names as its tasks' leaders (「吴某某(副镇长)」 -> 吴某某), longest first
        people = {_LEADER_TITLE.sub("", p).strip() for n in self._notices for t in n.tasks
                  for p in re.split(r"[、,,;;/\s]+", t.leader)}
        self._leaders = sorted((p for p in people if 2 <= len(p) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", p)),
                               key=len, reverse=True)
        # the 完成时限 values that are no date (全年, 长期坚持): asked for as themselves
        self._deadline_words = sorted({t.deadline for n in self._notices for t in n.tasks
                                       if t.deadline and not due_months("", t.deadline)}, key=len, reverse=True)
        self._has_deadlines = any(t.deadline for n in self._notices for t in n.tasks)

    # -- entry ----------------------------------------------------------------------------------------------
    def plan(self, question: str, turns: Sequence[Turn] = ()) -> Plan:
        if len(question) > 4 * self._max_chars:
            # refuse before normalising: a 10 MB paste must not cost a 10 MB conversion
            return Plan(Op.INVALID, question[:40], reason="too_long")
        q = normalize_question(question)
        if not q or not re.search(r"[\w\u4e00-\u9fff]", q):
            return Plan(Op.INVALID, q, reason="empty")
        if len(q) > self._max_chars:
            return Plan(Op.INVALID, q, reason="too_long")
        if re.search(r"[A-Za-z]{3,}", q) and not re.search(r"[\u4e00-\u9fff]", q):
            if re.fullmatch(r"(hi|hello|hey|help)[\s!.?,]*", q, re.I):
                return Plan(Op.HELP, q, label="help")
            return Plan(Op.REFUSE, q, reason="language")
        if m := _INJECTION.search(q):
            return Plan(Op.REFUSE, q, reason="injection", subject=m.group(0))
        if turns and turns[-1].plan.op is Op.CLARIFY and (asked := answered(turns[-1].plan, q)):
            # 「高新区的」 after 「管委会负责哪些任务?」 was asked back: the first question with the reading chosen
            return self.plan(asked, turns[:-1])
        clauses: list[str] = []
        told = ""  # statements before the first question: the story it is asked in
        for clause in (c for c in _SPLIT.split(q) if c.strip()):
            if not asking(clause):
                # 「家里俩娃都在上学。…」「…有哪些?想了解下政校合作」: a statement is context, not a question
                if clauses:
                    clauses[-1] += clause
                else:
                    told += clause
            elif clauses and len(content(clause)) < 2:
                # 「…最多?有几项?」: a clause with no words of its own belongs to the one before
                clauses[-1] += clause
            else:
                clauses.append(told + clause)
                told = ""
        if told and not clauses:
            clauses.append(told)
        if len(clauses) > 1:
            parts: list[Plan] = []
            context = list(turns)
            for clause in clauses:
                part = self._plan_clause(clause, context, joined=bool(parts))
                parts.append(part)
                context.append(Turn(part, part.tasks))
            return Plan(Op.MULTI, q, parts=tuple(parts), label="multi")
        return _besides(self._plan_clause(q, turns), turns)

    # -- one clause -----------------------------------------------------------------------------------------
    def _plan_clause(self, q: str, turns: Sequence[Turn], joined: bool = False) -> Plan:
        """One clause; `joined` when it follows another clause of the same question (which names its notice)."""
        if _NO_DEADLINE.search(q) and self._has_deadlines and LIST_ASK.search(q):
            # a list of the tasks with no 完成时限, in a notice that gives one for others
            inner = self._plan_clause_read(_NO_DEADLINE.sub("", q) or q, turns, joined)
            among = inner.tasks if inner.op is Op.TOPIC and not inner.topic else ()
            if inner.op is Op.LIST:
                return replace(inner, question=q, field="no_deadline")
            return Plan(Op.LIST, q, tasks=among, field="no_deadline", docs=inner.docs, label=inner.label,
                        count=asks_count(q))
        month, said, rest = due_asked(q)
        if month and rest:
            # 「我们配合的这些里,哪些有6月底前的时间节点」: the list the rest asks for, narrowed to what is due by then
            return self._due(self._plan_clause_read(rest, turns, joined), q, month, said, turns,
                             worded=bool(content(template(rest, self.tagger.tag(rest)))))
        return self._plan_clause_read(q, turns, joined)

    def _label(self, templated: str) -> str:
        """The classifier's operation; a near tie between a fact (or who) and a topic list goes to the list when the
        question marks a topic of its own (「有没有关于老年人的政策」「老小区这一块——旧改、装电梯…对应哪几条」)."""
        (first, p1), (second, p2) = self.classifier.scores(templated)[:2]
        if first in ("fact", "who") and second == "topic" and p1 - p2 < _NEAR_TIE and _marked_topic(templated):
            return "topic"
        return first

    def _due(self, plan: Plan, q: str, month: int, said: str, turns: Sequence[Turn], worded: bool) -> Plan:
        """A plan narrowed to the tasks due by `month`: a unit's list, a part, a topic (when the rest has words of
        its own), the last list shown (「其中」「这些里」), or else every task."""
        due = {"due": month, "due_said": said, "question": q, "count": plan.count or asks_count(q),
               # 「完成时限在上半年的」 asks the 完成时限 field itself, not a time the text gives
               "due_field": bool(_FIELD_NAMED.search(q))}
        if plan.op is Op.LIST or (plan.op is Op.TOPIC and (plan.topic or (worded and not plan.tasks))):
            return replace(plan, **due)  # type: ignore[arg-type]
        if plan.op is Op.SECTION and plan.field != "title":
            return replace(plan, op=Op.LIST, units=(), role=None, field="", **due)  # type: ignore[arg-type]
        among = plan.tasks if plan.op in (Op.TOPIC, Op.COUNT) else ()
        if not among and turns and WITHIN.search(q) and (t := last(turns, _LISTLIKE)) is not None:
            among = t.refs
        return replace(plan, op=Op.LIST, units=(), role=None, sections=(), tasks=among, topic="", field="",
                       reason="", subject="", **due)  # type: ignore[arg-type]

    def _plan_clause_read(self, q: str, turns: Sequence[Turn], joined: bool = False) -> Plan:
        if (rest := self._rest_of_part(q, turns)) is not None:
            return rest
        spans = self.tagger.tag(q)
        family: tuple[str, ...] = ()
        if not any(s.kind in ("unit", "unknown_unit") for s in spans) and (found := self._function_unit(q)):
            # 「各地的发改部门」: every loaded unit of that function (区发改委, 县发改局, 市发改委…)
            span, family = found
            spans = sorted([*spans, span], key=lambda s: s.start)
        if (turns and not any(s.kind == "unit" for s in spans) and (m := UNIT_DEICTIC.search(q) or _PEOPLE_UNIT.search(q))
                and len(named := self._unit_referred(turns, first_person=m.group(0).startswith(("我", "咱")))) == 1):
            # 「这个单位还负责哪些任务?」 after 「主办单位?」: the unit the last answer named, as if named here
            spans = sorted([*spans, Span(m.start(), m.end(), "unit", named[0], m.group(0))], key=lambda s: s.start)
        templated = template(q, spans)
        # 「这几份通知里…」 says where to look, it does not ask about the notice itself
        label = self._label(_CONTAINER.sub("", templated) or templated)
        # places, years and titles choose the documents; they are not words to find in a task
        own = _without(q, [s for s in spans if s.kind in ("place", "year", "title")])
        base = Plan(Op.FACT, q, query=own, focus=own, label=label)
        docs, refusal = self._docs(spans, base)
        if refusal is not None:
            return refusal
        where = [s for s in spans if s.kind in ("place", "title", "year")]
        if docs and turns and where and len(where) == len(spans) and not content(templated) and len(q) <= 20:
            # 「那青禾区的呢?」 after 「梅岭区方案第2项是什么?」: the last question, asked of the notice now named
            return self._plan_clause(self._asked_of(turns[-1].plan.question, where), turns[:-1], joined)
        if docs and any(s.kind == "section" and s.doc and s.doc not in docs for s in spans):
            # the title words of another notice's part (「扩大有效」) are no part of the notice the question names
            spans = [s for s in spans if not (s.kind == "section" and s.doc and s.doc not in docs)]
            templated = template(q, spans)
            label = self._label(_CONTAINER.sub("", templated) or templated)
            base = replace(base, label=label)
        if not docs and turns and (joined or FOLLOWUP.search(q) or WITHIN.search(q) or len(content(templated)) <= 2):
            docs = shown_docs(turns[-1])  # a follow-up is about the notices the conversation is on
        relative = [s.text for s in spans if s.kind == "relative_year"]
        if relative and not re.search(r"今年|本年|当年|全年", q) and not docs:
            # 「去年完成了多少?」: the year asked about is not a loaded notice's
            return replace(base, op=Op.REFUSE, reason="year", subject=relative[0],
                           query=_without(base.query, [s for s in spans if s.kind == "relative_year"]))
        base = replace(base, docs=docs or self._docs_of_sections(spans) or self._docs_of_level(spans),
                       caveat=self._caveat(spans),
                       # 「各地的…」, or several notices named (「青禾、云岭、鼓楼三地的方案分别由谁负责」)
                       each_doc=len(docs) > 1 or (not docs and bool(_EACH_DOC.search(q))),
                       reading=self._place_reading(spans))
        units = family or tuple(dict.fromkeys(s.value for s in spans if s.kind == "unit"))
        if (not units and turns and _BOTH_OF.search(q) and (shown := last(turns, (Op.LIST,))) is not None
                and len(shown.plan.units) >= 2):
            # 「其中两家都牵头的是哪个」: the units of the last list, as if named again
            return self._units_plan(base, spans, shown.plan.units, turns, count=asks_count(q))
        if not units and not _SUPERLATIVE.search(q) and (valued := self._valued(base, spans)) is not None:
            return valued
        groups = [u for u in units if self._units.units[u].kind == "group"]
        if _SUPERLATIVE.search(q) and (len(units) != 1 or groups):
            return self._rank(base, spans, units, label)
        if (clarify := self._clarify(base, spans, units, turns)) is not None:
            return clarify
        if not any(s.kind in ("unit", "task", "ordinal", "last", "section") for s in spans) \
                and (aggregate := _aggregate(base, templated)) is not None:
            return aggregate
        previous = turns[-1].plan if turns else None
        if len(units) == 1 and _ROLE_ASK.search(q) and (
                any(s.kind in ("task", "ordinal", "last") for s in spans) or (turns and turns[-1].refs and DEICTIC.search(q))):
            # 「区房产局在这项里是什么角色?」「…在任务55里是主办还是协办?」: the unit's role in that task
            return replace(self._task_plan(base, spans, turns, "task_unit_role"), units=units)
        if (previous is not None and previous.op is Op.LIST and not units and not content(q)
                and (label != "plan_lead_only" or not _ONLY_LEADS.search(q))
                and not any(s.kind in ("task", "ordinal", "last") for s in spans)
                # 「它们的协办单位呢」「另外那项是谁协办的?」 ask who, of those tasks
                and not ((PLURAL.search(q) or OTHER.search(q)) and _WHO_ASK.search(q))
                and (role_of(q) is not None or asks_count(q))):
            # 「它协办了什么?」「其中牵头的有几项?」 after a unit's list: the same units, the role now asked
            return self._units_plan(base, spans, units, turns, count=asks_count(q))
        if (previous is not None and previous.op in (Op.TASK, Op.FACT, Op.WHO) and turns[-1].refs and not units
                and not content(q) and role_of(q) is not None and not _NEGATED.search(q)
                and not any(s.kind in ("task", "ordinal", "last", "section") for s in spans)):
            # 「协办单位有哪些?」 after 「江豚公园谁负责?」: the units of what the last answer showed, whatever the
            # classifier makes of so short a question
            return self._retrieval_plan(replace(base, label="who"), spans, turns)
        if len(units) == 1 and (nth := self._nth_of_unit(base, spans, units[0])) is not None:
            return nth
        if (stated := _UNITS_STATED.search(q)) and not units and not _ASSIST.search(q) and "只" not in q \
                and _WHICH_TASKS.search(q):
            # 「第一部分里哪些条目没有写明责任单位」「其中哪些写了牵头单位」: whether a task names its units at all
            among = t.refs if WITHIN.search(q) and (t := last(turns, _LISTLIKE)) is not None else ()
            return replace(base, op=Op.COUNT, field="no_units" if stated.group("no") else "has_units", count=True,
                           tasks=among, sections=self._sections(spans))
        if label in ("units_list", "units_count"):
            return self._units_plan(base, spans, units, turns, count=label == "units_count")
        if label.startswith("rank") and (_SUPERLATIVE.search(q) or _EXACTLY.search(q) or _NTH.search(q)):
            return self._rank(base, spans, units, label)
        if label.startswith("rank"):
            # ranking is a comparison; without a word that compares, 「…的任务是哪个部门牵头的?」 asks who
            label = "who" if role_of(q) is not None or re.search(r"谁|哪个(部门|单位)", q) else "fact"
            base = replace(base, label=label)
        if (asked := field_asked(q)) and not label.startswith(("units", "rank", "section", "plan")):
            # 「…那项任务的完成时限」「责任领导是谁?」: a field of a task, never the notice's own date or a person
            if any(s.kind in ("task", "ordinal", "last") for s in spans) or (turns and turns[-1].refs and not content(q)):
                return self._task_plan(base, spans, turns, f"task_{asked}")
            return self._retrieval_plan(replace(base, label="who"), spans, turns, field=asked)
        if any(s.kind in ("task", "last") for s in spans) and not label.startswith(("task", "units")):
            # a task named by number is a question about that task, whatever else the words suggest
            label = {"who": "task_who", "topic_section": "task_section"}.get(label, "task_content")
        if self._sections(spans) and not units and any(s.kind == "ordinal" for s in spans) \
                and not label.startswith("task"):
            # 「“重点工作任务”部分的第2项是啥?」: the n-th task of that part
            label = {"who": "task_who", "topic_section": "task_section"}.get(label, "task_content")
            if role_of(q) is not None or re.search(r"谁|哪个单位|哪些单位", q):
                label = "task_who"
        if label.startswith("task"):
            return self._task_plan(base, spans, turns, label)
        if (previous is not None and previous.sections and not self._sections(spans) and not units
                and re.search(rf"(这|该|此|上述)(个|一)?{_PART_NOUN}", q)):
            label = "section_count" if asks_count(q) else "section_list"  # 「这部分有几项?」
        if label == "topic" and not units and (re.search(rf"(那|这|哪)(个|一)?{_PART_NOUN}", q) or (
                (block := _BLOCK.search(q)) and self.tagger.names_a_heading(block.group(1)))):
            # 「民生那一大部分」; 「乡村振兴那一块」 only when the words name a heading (「养老这一块」 is a topic)
            label = "section_count" if asks_count(q) else "section_list"
        if units and not self._sections(spans) and (label.startswith("section")
                                                    or (label == "topic" and not _RELATION.search(q))):
            label = "units_list"  # 「水物局有什么任务」: a part or a topic question needs a part or a topic
        if label.startswith("section"):
            sections = self._sections(spans)
            if not sections and previous is not None and re.search(r"这|该|此|上述", q):
                sections = previous.sections  # 「这部分有几项任务?」
            group = ""
            if in_part := self.tagger.group_named(q, sections):
                sections, group = (in_part[0],), in_part[1]  # 「第四部分的(二)那一组」「耕地保护那一组」
            elif not sections:
                sections, group = self.tagger.section_by_title(q)  # 「讲科技创新的那个部分」「乡村振兴那一块」
            if sections:
                if units:
                    return self._units_plan(base, spans, units, turns, count=label == "section_count")
                # (「标题是什么,下面有哪些任务」 asks for the tasks as well)
                title = (not units and label != "section_count" and bool(_TITLE_ASK.search(q))
                         and not _TASKS_ASK.search(q))
                field = "title" if title else "units" if _UNITS_OF.search(q) else ""
                return replace(base, op=Op.SECTION, sections=sections, count=label == "section_count", field=field,
                               role=role_of(q) if field == "units" else None, group=group)
            return self._retrieval_plan(replace(base, label="topic"), spans, turns)
        if label == "plan_count" and (units or self._sections(spans)):
            return (self._units_plan(base, spans, units, turns, count=True) if units
                    else replace(base, op=Op.SECTION, sections=self._sections(spans), count=True))
        if label == "plan_count":
            field = "parts" if re.search(r"部分|块", q) else "tasks"
            return replace(base, op=Op.COUNT, field=field, count=True)
        if label == "plan_lead_only":
            within: tuple[Ref, ...] = ()
            if WITHIN.search(q) and turns and (t := last(turns, _LISTLIKE)) is not None:
                within = t.refs  # 「其中哪项没有协办单位?」: among the tasks the last list showed
            return replace(base, op=Op.COUNT, field="lead_only", count=True, tasks=within)
        if label == "metadata" and not self._about_a_task(templated):
            return self._metadata(base)
        if label == "metadata":
            # 「中考改革什么时候出方案?」: the 方案 of a task, asked by that task's own words
            return self._retrieval_plan(replace(base, label="fact"), spans, turns)
        if label in ("help", "advice") and self._speaks_of_the_tasks(templated):
            # 「对帮助脱贫群众就业、务工这方面是怎么部署的?」 is no question about the assistant: the tasks' own words
            return self._retrieval_plan(replace(base, label="topic" if _LISTING_ASK.search(q) else "fact"), spans, turns)
        if label == "help":
            return replace(base, op=Op.HELP)
        if label == "creative":
            return replace(base, op=Op.REFUSE, reason="creative")
        if label == "advice":
            return replace(base, op=Op.REFUSE, reason="advice")
        if label == "person" and self._has_leaders and not units:
            # 「这项工作分管领导是谁?」: the notice names responsible leaders, so retrieval finds the task
            return self._retrieval_plan(replace(base, label="who"), spans, turns)
        if label in ("person", "contact"):
            # the notices name units and, at most, the leaders responsible: never addresses, telephones or hours
            return replace(base, op=Op.REFUSE, reason="person")
        if (m := _EACH.search(q)) and not units and base.label in ("fact", "who") and len(base.docs) < 2:
            # 「GDP和社零分别要增长多少」: one question per thing named before 分别
            # the things are the coordinated words of the last phrase before 分别; what comes before them is shared
            # (「低保标准提高到多少了 城里和农村分别多少」: 城里 and 农村, each with 低保标准)
            last_phrase = re.split(r"[\s,,;;:]+", m.group(1))[-1]
            shared = m.group(1)[:len(m.group(1)) - len(last_phrase)]
            things = [t for t in re.split(r"[和与及、]", last_phrase) if t.strip()]
            if len(things) >= 2:
                parts = tuple(self._retrieval_plan(replace(base, query=shared + t + m.group(2),
                                                           focus=shared + t + m.group(2)), (), ())
                              for t in things)
                return Plan(Op.MULTI, q, parts=parts, label="multi")
        return self._retrieval_plan(base, spans, turns)

    def _docs(self, spans: Sequence[Span], base: Plan) -> tuple[tuple[str, ...], Plan | None]:
        """The documents the question names by title or place, narrowed by the year it names (「鼓楼区2024年」 is the
        one notice of that place and year, not every notice of 2024); a place or year not loaded is refused, and so
        is a loaded place with a year none of its notices is for."""
        named: list[str] = []
        of_year: list[str] = []
        for s in spans:
            if s.kind == "title" or (s.kind == "place" and s.value):
                named.append(s.value)
            elif s.kind == "place":
                return (), replace(base, op=Op.REFUSE, reason="place", subject=s.text)
            elif s.kind == "year":
                if s.value not in self._years:
                    return (), replace(base, op=Op.REFUSE, reason="year", subject=f"{s.value}年")
                of_year.extend(self._years[s.value])
        if named and of_year:
            both = [d for d in named if d in of_year]
            if not both:
                asked = "".join(s.text for s in spans if s.kind in ("place", "title", "year"))
                return (), replace(base, op=Op.REFUSE, reason="place_year", subject=asked)
            named = both
        return tuple(dict.fromkeys(named or of_year)), None

    def _function_unit(self, q: str) -> tuple[Span, tuple[str, ...]] | None:
        """A unit named by its function (「发改部门」「教育系统」): the words before 部门 that loaded units' names hold."""
        for m in _FUNCTION_UNIT.finditer(q):
            for n in (4, 3, 2):
                core = q[max(m.start() - n, 0):m.start()]
                if len(core) == n and re.fullmatch(r"[\u4e00-\u9fff]+", core) and (family := self._units_of_function(core)):
                    return Span(m.start() - n, m.end(), "unit", family[0], core + m.group(0)), family
        return None

    def _units_of_function(self, core: str) -> tuple[str, ...]:
        """The named units whose name or alias holds a function word (发改 -> 区发改委, 县发改局…), when two or more
        notices have one (a single notice's unit is named by its own name)."""
        found = [u for u in self._units.departments if any(core in a for a in (u.name, *u.aliases))]
        docs = {r.doc_id for u in found for refs in self._units.tasks(u.name) for r in refs}
        return tuple(u.name for u in found) if len(docs) >= 2 else ()

    def _asked_of(self, question: str, named: Sequence[Span]) -> str:
        """A question with the notice it names (by place, title or year) changed to the one named now."""
        said = "".join(s.text for s in named)
        old = [s for s in self.tagger.tag(question) if s.kind in ("place", "title", "year")]
        if not old:
            return said + question
        return question[:old[0].start] + said + question[old[-1].end:]

    def _place_reading(self, spans: Sequence[Span]) -> str:
        """How a slip in a place's name was read (「“青和区”按“青禾区”理解」)."""
        said = [(s.text, self._by_id[s.value].identity) for s in spans if s.kind == "place" and s.corrected]
        readings = [f"“{typed}”按“{place.place or place.place_short}”理解" for typed, place in said
                    if place.place or place.place_short]
        # 「云溪区…」 of a street's notice: what is answered is the street's plan, not the whole district's
        named = {s.text for s in spans if s.kind == "place" and s.value}
        readings += [f"已载入的是{n.identity.parent}{n.identity.place}的方案,按该方案回答" for n in self._notices
                     if n.identity.parent in named and n.identity.place not in named]
        return "、".join(readings)

    def _docs_of_sections(self, spans: Sequence[Span]) -> tuple[str, ...]:
        """A part named by its title words (「科技创新那部分」) means the notices whose titles hold those words; a
        part named by number (第二部分) means every notice's."""
        named = [s for s in spans if s.kind == "section"]
        if not named or len(self._notices) < 2 or any(not s.doc for s in named):
            return ()
        return tuple(dict.fromkeys(s.doc for s in named))

    def _docs_of_level(self, spans: Sequence[Span]) -> tuple[str, ...]:
        """「县发改局」「市财政局」: a unit named with its level word means the notices of that level, when notices of
        several levels are loaded and some are of that one."""
        levels = {prefix[0] for s in spans if s.kind == "unit" and (prefix := level_prefix(s.text))}
        by_level = {n.identity.level.value for n in self._notices}
        if len(levels) != 1 or len(by_level) < 2:
            return ()
        level = levels.pop()
        return tuple(n.doc_id for n in self._notices if n.identity.level.value == level)

    def _caveat(self, spans: Sequence[Span]) -> str:
        relative = [s.text for s in spans if s.kind == "relative_year"]
        if not relative:
            return ""
        years = "、".join(sorted({f"{n.year}年" for n in self._notices if n.year})) or "本年度"
        return f"通知只涉及{years}的目标任务,没有{'、'.join(dict.fromkeys(relative))}的内容;其中相关的是:"

    def _sections(self, spans: Sequence[Span]) -> tuple[int, ...]:
        return tuple(dict.fromkeys(int(s.value) for s in spans if s.kind == "section"))

    # -- operations -----------------------------------------------------------------------------------------
    def _units_plan(self, base: Plan, spans: Sequence[Span], units: tuple[str, ...], turns: Sequence[Turn],
                    count: bool) -> Plan:
        q = base.question
        if not units:
            unknown = [s.text for s in spans if s.kind == "unknown_unit"]
            if unknown:
                return replace(base, op=Op.REFUSE, reason="unknown_unit", subject=unknown[0])
            if "街道" in q:
                streets = tuple(u.name for u in self._units.units.values() if u.kind == "group" and "街道" in u.name)
                return replace(base, op=Op.LIST, units=streets, role=role_of(q), count=count,
                               reading="按“各街道(统称)”理解")
            previous = last(turns, (Op.LIST,))
            if previous is not None and not content(template(q, spans)):
                role = role_of(q)
                both = bool(_LEAD.search(q) and _ASSIST.search(q))  # 「牵头加配合一共几项」: every role, said
                return replace(previous.plan, question=q, role=role if role is not None or both else previous.plan.role,
                               count=count or asks_count(q), label=base.label)
            if turns and (t := last(turns, _LISTLIKE)) is not None:
                return self._within(base, t)
            return self._retrieval_plan(replace(base, label="topic"), spans, turns)
        corrected = [s for s in spans if s.kind == "unit" and s.corrected]
        include, exclude = self._split_not(q, spans, units)
        combine = Combine.EACH
        if len(include) >= 2:
            combine = Combine.AND if _AND.search(q) else Combine.OR if _OR.search(q) else Combine.EACH
        first_out = min((s.start for s in spans if s.kind == "unit" and s.value in exclude), default=len(q))
        role = role_of(q[:first_out])
        topic = ""
        templated_q = _SELF_RELATION.sub("", template(q, spans))
        if _RELATION.search(templated_q):
            words = _RELATION_WORDS.sub(" ", templated_q)
            rest = content(words)
            topic = rest if _has_content(words) and not self._names_a_notice(rest) else ""
        reading = base.reading
        if corrected:
            reading = "、".join([*filter(None, [reading]), *(f"“{s.text}”按“{s.value}”理解" for s in corrected)])
        within: tuple[Ref, ...] = ()
        if (WITHIN.search(q) and not _NAMED_SET.search(q) and turns and (t := last(turns, _LISTLIKE)) is not None
                and t.refs):
            within = t.refs  # 「其中哪几项是区政府各部门协办的?」: among the tasks the last list showed
        alone = len(include) == 1 and bool(_ALONE.search(q))
        if alone:
            role = Role.LEAD  # 「区司法局一家单独主办的任务」: those it leads with no other lead unit
        if any(s.kind == "unit" and _FUNCTION_UNIT.search(s.text) and self._units.units[s.value].kind != "group"
               for s in spans):
            combine = Combine.EACH  # 「各地的教育部门都负责哪些」: each notice's unit of that function, not the tasks they share
        unit_roles = _own_roles(q, spans, include) if len(include) >= 2 and not exclude else ()
        if unit_roles:
            combine, role = Combine.AND, None  # 「A主办、B协办的任务」: the tasks where each has its own role
        return replace(base, op=Op.LIST, units=include, exclude=exclude, combine=combine, role=role,
                       unit_roles=unit_roles, sections=self._sections(spans), topic=topic, count=count,
                       reading=reading, tasks=within, field="alone" if alone else "")

    def _unit_referred(self, turns: Sequence[Turn], *, first_person: bool) -> tuple[str, ...]:
        """The unit a pronoun means: 「我们」 the unit whose list the user last asked for (「我是县卫健局的,我们局配合
        哪些」), 「他们」「这个单位」 the unit the last answer named; a refusal in between is passed over."""
        for turn in reversed(turns):
            if turn.plan.op is Op.REFUSE:
                continue
            if first_person and not (turn.plan.op is Op.LIST and turn.plan.units):
                continue
            return self._units_shown(turn)
        return ()

    def _units_shown(self, turn: Turn) -> tuple[str, ...]:
        """The units the last answer was about: a list's units, or the named units of the task it answered, in the
        role it asked for (主办 unless 协办)."""
        if turn.plan.op is Op.LIST and turn.plan.units:
            return turn.plan.units
        focus = [self._by_id[r.doc_id].task(r.number) for r in focus_of(turn) if r.doc_id in self._by_id]
        if len(focus) != 1:
            return ()
        names = focus[0].assists if turn.plan.role is Role.ASSIST else focus[0].leads
        return tuple(u for u in dict.fromkeys(names) if u in self._units.units and self._units.units[u].kind != "group")

    def _names_a_notice(self, words: str) -> bool:
        """「在2024年区政府目标任务分解方案里都涉及哪些事」: words mostly from a notice's title name the notice, not a
        topic within it."""
        pairs = [words[i : i + 2] for i in range(len(words) - 1)]
        titled = sum(any(p in title for title in self._titles) for p in pairs)
        return bool(pairs) and titled >= 0.6 * len(pairs)

    @staticmethod
    def _split_not(q: str, spans: Sequence[Span], units: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """「X主办但Y不参与」「除了Y」: the units a negation governs are taken out."""
        unit_spans = [s for s in spans if s.kind == "unit"]
        if len(units) < 2 or not _NOT.search(q):
            return units, ()
        exclude: list[str] = []
        for i, s in enumerate(unit_spans):
            before = q[unit_spans[i - 1].end if i else 0:s.start]
            after = q[s.end:unit_spans[i + 1].start if i + 1 < len(unit_spans) else len(q)]
            if re.search(r"除了|除去|排除|但|而", before) or re.search(r"^.{0,3}(不|没|未)|^.{0,2}(以外|之外)", after):
                exclude.append(s.value)
        include = tuple(u for u in units if u not in exclude)
        return (include, tuple(exclude)) if include else (units, ())

    def _rank(self, base: Plan, spans: Sequence[Span], units: tuple[str, ...], label: str) -> Plan:
        q = base.question
        parts = bool(self._sections(spans)) or bool(re.search(r"部分|板块|哪一块|几块", q))
        over = "sections" if label == "rank_sections" or (parts and not units) else "units"
        if _ASKS_UNIT.search(q):
            over = "units"  # 「第一部分里哪个部门牵头最多」: the part is where to count, the units are ranked
        elif _ASKS_PART.search(q):
            over = "sections"
        nth = 1
        if m := _NTH.search(q):
            nth = chinese_number(m.group(1))
        equals = chinese_number(m.group(1)) if (m := _EXACTLY.search(q)) else 0
        # the kind of unit ranked is the one asked about (「哪个街道」「几个管委会里」), not one named in passing
        kind = next((m.group("kind") or m.group("within") for m in _ASKED_KIND.finditer(q)), "")
        units = tuple(u for u in units if self._units.units[u].kind != "group")
        include, exclude = self._split_not(q, spans, units) if units else ((), ())
        if exclude and not include:
            include = ()
        if re.search(r"除了|除去|以外|之外", q) and units:
            include, exclude = (), units
        rank = Rank(over=over, order=Order.LEAST if _LEAST.search(q) else Order.MOST, nth=nth, equals=equals,
                    kind=kind)
        return replace(base, op=Op.RANK, units=include, exclude=exclude, role=role_of(q), rank=rank,
                       sections=self._sections(spans), label="rank_" + over)

    def _task_plan(self, base: Plan, spans: Sequence[Span], turns: Sequence[Turn], label: str) -> Plan:
        field = label.removeprefix("task_")
        refs: Sequence[Ref] | None = self._task_refs(spans, turns, base.docs)
        if refs is None:
            previous = turns[-1] if turns else None
            if previous is not None and previous.refs and (DEICTIC.search(base.question) or not content(base.question)):
                refs = pointed(turns, base.question)
            elif field in ("who", *_FIELD_ASKS):
                return self._retrieval_plan(replace(base, label="who"), spans, turns,
                                            field="" if field == "who" else field)
            elif field == "section":
                return self._retrieval_plan(replace(base, label="topic_section"), spans, turns)
            else:
                return self._retrieval_plan(replace(base, label="fact"), spans, turns)
        if refs is not None and WITHIN.search(base.question) and (shown := last_list(turns)) and any(
                s.kind == "ordinal" and int(s.value) > len(shown) for s in spans):
            # 「其中第四项」 after a list of three: not the plan's task 4
            return replace(base, op=Op.REFUSE, reason="not_shown", subject=str(len(shown)))
        if not refs:
            return replace(base, op=Op.REFUSE, reason="no_task", subject=_task_words(spans))
        # the part an item was counted in (「第五部分第一项」) stays with the conversation: 「那第二项呢」 is its second
        counted_in = self._sections(spans) or self._part_in_talk(spans, turns)
        return replace(base, op=Op.TASK, tasks=tuple(refs), field=field, role=role_of(base.question),
                       sections=counted_in if any(s.kind in ("ordinal", "last") for s in spans) else ())

    def _part_in_talk(self, spans: Sequence[Span], turns: Sequence[Turn]) -> tuple[int, ...]:
        """The part the last item was counted in (「第五部分第一项是什么」), when the question counts an item with no
        part and no list of its own to count in (「那第二项呢」)."""
        if not turns or last_list(turns) or not any(s.kind in ("ordinal", "last") for s in spans):
            return ()
        for turn in reversed(turns):  # back over the questions about that item (「啥时候完成」)
            if turn.plan.op is not Op.TASK:
                break
            if turn.plan.sections:
                return turn.plan.sections
        return ()

    def _task_refs(self, spans: Sequence[Span], turns: Sequence[Turn], docs: Sequence[str]) -> list[Ref] | None:
        """Task references: 任务38 / 38号 by number; 第二项 / 最后一项 into the last list the user saw (or the plan's
        own numbering when there is none); None when the question names no task."""
        wanted = [s for s in spans if s.kind in ("task", "ordinal", "last")]
        if not wanted:
            return None
        shown = last_list(turns)
        sections = self._sections(spans) or self._part_in_talk(spans, turns)
        notices = [n for n in self._notices if not docs or n.doc_id in docs]
        refs: list[Ref] = []
        for s in wanted:
            number, last = _run(s.value)
            if s.kind == "last" and sections:
                # 「第二部分的最后一项」「倒数第二项」: counted from the end of that part
                refs += [Ref(n.doc_id, n.section_of(k).task_numbers[number]) for n in notices for k in sections
                         if k <= len(n.sections) and -number <= len(n.section_of(k).task_numbers)]
            elif s.kind == "last":
                refs += ([shown[number]] if -number <= len(shown) else []) if shown else \
                    [n.tasks[number].ref for n in notices if -number <= len(n.tasks)]
            elif s.kind == "ordinal" and sections:
                # 「第二部分的第3项」「医疗健康类前三项」: counted within that part
                refs += [Ref(n.doc_id, k_number) for n in notices for k in sections if k <= len(n.sections)
                         and 1 <= number <= len(n.section_of(k).task_numbers)
                         for k_number in n.section_of(k).task_numbers[number - 1:last]]
            elif s.kind == "ordinal" and shown and 1 <= number <= len(shown):
                refs += shown[number - 1:last]
            else:
                refs += [t.ref for n in notices for t in n.tasks if number <= t.number <= last]
        return list(dict.fromkeys(refs))

    def _speaks_of_the_tasks(self, q: str) -> bool:
        """Whether a question says two or more words of the loaded tasks (a request for help or advice says none or
        one: 「推荐一家好吃的餐馆」)."""
        words = {w for w in jieba.lcut(content(q)) if len(w) >= 2 and self.tagger.uses(w)}
        return len(words) >= 2

    def _rest_of_part(self, q: str, turns: Sequence[Turn]) -> Plan | None:
        """「还有别的吗?」 after some of a part's tasks were shown (「医疗健康类前三项是什么?」): the part's other tasks."""
        previous = last(turns, (Op.TASK,))
        if previous is None or not previous.refs or not previous.plan.sections or not _REST.fullmatch(q.strip()):
            return None
        shown = set(previous.refs)
        docs = {r.doc_id for r in shown}
        rest = tuple(Ref(n.doc_id, k) for n in self._notices if n.doc_id in docs for part in previous.plan.sections
                     if part <= len(n.sections) for k in n.section_of(part).task_numbers if Ref(n.doc_id, k) not in shown)
        if not rest:
            return None
        titles = "、".join(dict.fromkeys(n.section_of(p).title for n in self._notices if n.doc_id in docs
                                         for p in previous.plan.sections if p <= len(n.sections)))
        return Plan(Op.TASK, q, tasks=rest, field="content", query=q, focus=q, docs=tuple(sorted(docs)),
                    reading=f"按“{titles}中已列出之外的任务”理解", label="task_content")

    def _nth_of_unit(self, base: Plan, spans: Sequence[Span], unit: str) -> Plan | None:
        """「区商务局牵头的第三项任务是什么?」: the n-th task of the unit's own list (as its list is shown: 主办 first,
        then 协办), and what is asked of it; None when no 第N项 follows the unit's name."""
        q = base.question
        named = next(s for s in spans if s.kind == "unit")
        nth = next((s for s in spans if s.kind in ("ordinal", "task") and s.text.startswith("第") and s.start > named.end
                    and "-" not in s.value and "的" in q[named.end:s.start]), None)
        if nth is None:
            return None
        role = role_of(q[:nth.start])
        lead, assist = self._units.tasks(unit, role)
        listed = [r for r in lead + assist if not base.docs or r.doc_id in base.docs]
        number = int(nth.value)
        if not 1 <= number <= len(listed):
            return replace(base, op=Op.REFUSE, reason="no_task", subject=nth.text)
        rest = q[nth.end:]
        field = ("section" if re.search(r"哪个?部分|哪一部分|第几部分", rest)
                 else "who" if re.search(r"谁|哪些单位|哪个单位|哪几个单位|哪些部门", rest) or role_of(rest) else "content")
        return replace(base, op=Op.TASK, tasks=(listed[number - 1],), field=field,
                       role=role_of(rest) if field == "who" else None, units=(unit,),
                       reading=f"按“{unit}{role_label(role)}的第 {number} 项任务”理解")

    def _clarify(self, base: Plan, spans: Sequence[Span], units: tuple[str, ...], turns: Sequence[Turn]) -> Plan | None:
        """A question to ask back: 「这个谁负责?」 with nothing said before it to point at, or a unit named only by
        its kind (「管委会负责哪些任务?」) when several loaded units are of that kind."""
        q = base.question
        slots = [s for s in spans if s.kind in ("task", "ordinal", "last", "section", "unit", "unknown_unit")]
        if not turns and not slots and (m := DEICTIC.search(q)) and not content(DEICTIC.sub("", q)):
            return replace(base, op=Op.CLARIFY, reason="referent", subject=m.group(0))
        if units or slots or not (role_of(q) is not None or _UNIT_ASK.search(q)):
            return None
        for m in _BARE_KIND.finditer(q):
            kind = m.group("kind")
            named = [u.name for u in self._units.departments if u.name.endswith(kind)
                     and (not base.docs or {r.doc_id for refs in self._units.tasks(u.name) for r in refs} & set(base.docs))]
            if len(named) >= 2:
                return replace(base, op=Op.CLARIFY, reason="kind", subject=kind, units=tuple(named))
        return None

    def _valued(self, base: Plan, spans: Sequence[Span]) -> Plan | None:
        """「吴某某分管的工作有哪些」「完成时限是全年的有几项」: the tasks whose leader, or whose 完成时限 (a value that is
        no date, as 全年 or 长期坚持, with the field named), is what the question says; None when it says none."""
        q = base.question
        if any(s.kind in ("task", "ordinal", "last", "section") for s in spans):
            return None
        person = next((p for p in self._leaders if p in q), "")
        deadline = next((v for v in self._deadline_words if v in q), "") if field_asked(q) == "deadline" else ""
        value = person or deadline
        if not value:
            return None
        return replace(base, op=Op.LIST, field="leader" if person else "deadline", value=value, count=asks_count(q),
                       label="field_value")

    def _about_a_task(self, templated: str) -> bool:
        """Whether a question read as about the notice itself names a task's subject: two or more words of it, beyond
        the words for a document and its fields, are in the tasks' text."""
        rest = _DOCUMENT_WORDS.sub(" ", templated)
        for _, pattern in _METADATA:
            rest = pattern.sub(" ", rest)
        words = [w for w in jieba.lcut(rest) if len(w) >= 2 and w not in STOPWORDS and not _FILLER.fullmatch(w)]
        return sum(self.tagger.uses(w) for w in words) >= 2

    def _metadata(self, base: Plan) -> Plan:
        q = base.question
        overview = re.search(r"讲|说了|主要内容|概括|总结|简介|介绍|关于什么", q)
        field = next((f for f, pattern in _METADATA if pattern.search(q)), "overview")
        return replace(base, op=Op.METADATA, field="overview" if overview and field == "title" else field)

    def _within(self, base: Plan, turn: Turn) -> Plan:
        """「其中哪些和X有关」 after a list: the tasks of that list about the new words; 「一共几项」 with no words of
        its own: how many that list showed."""
        words = content(_RELATION_WORDS.sub(" ", base.question))
        if not words and asks_count(base.question):
            return replace(base, op=Op.COUNT, field="shown", tasks=turn.refs, count=True)
        return replace(base, op=Op.TOPIC, tasks=turn.refs, topic=words, query=base.question)

    def _retrieval_plan(self, base: Plan, spans: Sequence[Span], turns: Sequence[Turn], field: str = "") -> Plan:
        """Who / fact / topic / which part: retrieval over the tasks, leaning on the conversation when the
        question is elliptical (「那共享泊位呢?」「谁牵头?」). `field` is a task field asked for (deadline, leader)."""
        q = base.question
        op = {"who": Op.WHO, "topic": Op.TOPIC, "topic_section": Op.FACT}.get(base.label, Op.FACT)
        field = "which_section" if base.label == "topic_section" else field
        plan = replace(base, op=op, field=field, role=role_of(q) if op is Op.WHO else None)
        if op is Op.TOPIC and not plan.topic and len([c for c in _CLAUSES.split(q) if c.strip()]) > 1 \
                and (marked := _marked_topic(template(q, spans))):
            # 「我家孩子明年上小学了,想问问教育方面都有哪些安排?」: the words the topic is marked by, not the story
            plan = replace(plan, topic=marked)
        own = content(template(q, spans))
        if turns and (FOLLOWUP.search(q) or len(own) <= 2 or DEICTIC.search(q)):
            previous = turns[-1]
            if previous.refs and (not own or DEICTIC.search(q)) and op in (Op.WHO, Op.FACT):
                # 「谁牵头?」「这个归哪个部门管?」: about what the last answer showed
                fld = field if field in _FIELD_ASKS else "who" if op is Op.WHO else ("section" if field else "content")
                return replace(plan, op=Op.TASK, tasks=pointed(turns, q), field=fld)
            if own and WITHIN.search(q) and previous.plan.op in _LISTLIKE and len(previous.refs) >= 2:
                # 「其中跨境电商交易规模目标是多少」: a fact (or who, or topic) among the tasks the last list showed
                return replace(plan, tasks=previous.refs, docs=plan.docs or shown_docs(previous))
            if previous.plan.op in (Op.FACT, Op.WHO, Op.TOPIC) or previous.plan.reason == "year":
                asks_own = _ASKS.search(q) and base.label in ("who", "topic_section")
                if not asks_own and previous.plan.op is not Op.REFUSE:
                    op = previous.plan.op  # 「那养老床位呢?」 asks what the last question asked
                return replace(plan, op=op, query=f"{previous.plan.query} {q}", focus=q if len(own) > 2 else f"{previous.plan.focus} {q}",
                               docs=plan.docs or previous.plan.docs)
        if turns and turns[-1].refs and op in (Op.WHO, Op.FACT) and not any(
                s.kind in ("unit", "task", "ordinal", "last", "section", "place", "title") for s in spans):
            leaned = self._about_the_last_answer(plan, turns)
            if leaned is not None:
                return leaned
        return plan

    def _about_the_last_answer(self, plan: Plan, turns: Sequence[Turn]) -> Plan | None:
        """A question with no subject of its own, right after an answer, is about what that answer showed:
        「一部补助多少钱」 after the lift task (every word of it the notices use is that task's), 「啥时候要装完」 after
        the gas-alarm task (no word of it is in the notices at all, and it asks when). None: it has a subject."""
        shown = turns[-1].refs
        if len(shown) > 3:
            return None
        text = "".join(self._by_id[r.doc_id].task(r.number).text for r in shown if r.doc_id in self._by_id)
        used = [w for w in _own_words(plan.question) if self.tagger.uses(w)]
        if used and all(w in text for w in used):
            return replace(plan, tasks=shown, docs=plan.docs or shown_docs(turns[-1]))
        if not used and WHEN_ASK.search(plan.question):
            # the time of the task, read with the question before it (「…装燃气报警器…」 picks that sentence)
            return replace(plan, op=Op.TASK, tasks=pointed(turns, plan.question), field="deadline",
                           query=f"{turns[-1].plan.question} {plan.question}")
        return None


def _own_roles(q: str, spans: Sequence[Span], units: Sequence[str]) -> tuple[RoleFilter, ...]:
    """Each unit's own role, when every unit is followed by a role word of its own and they are not all the same
    (「区民政局主办、区房产局协办」); else ()."""
    unit_spans = [s for s in spans if s.kind == "unit" and s.value in units]
    roles: dict[str, RoleFilter] = {}
    for i, s in enumerate(unit_spans):
        after = q[s.end:unit_spans[i + 1].start if i + 1 < len(unit_spans) else len(q)][:4]
        lead, assist = _LEAD.match(after.lstrip("是作为担任")), _ASSIST.match(after.lstrip("是作为担任"))
        if bool(lead) == bool(assist):
            return ()
        roles.setdefault(s.value, Role.LEAD if lead else Role.ASSIST)
    found = tuple(roles.get(u) for u in units)
    return found if None not in found and len(set(found)) > 1 else ()


def _aggregate(base: Plan, templated: str) -> Plan | None:
    """Counts over the records that no single task says: the units the plan names (「一共涉及多少个单位」), those
    that both lead and assist (「哪些部门既牵头又协办」), the tasks by how many units lead them (「只有一个主办单位的
    任务」「三个以上单位一起牵头的」); None for any other question, or one about a piece of work (「河道清淤那条是
    哪几个单位主办的」)."""
    q = base.question
    if _has_content(_LEADS_COUNTED.sub(" ", _BOTH_ROLES.sub(" ", _UNITS_COUNTED.sub(" ", templated)))):
        return None
    if m := _LEADS_COUNTED.search(q):
        n = chinese_number(m.group("n")) if m.group("n") else (1 if m.group("one") else 2)
        at_least = bool(m.group("more")) or not (m.group("n") or m.group("one"))
        rank = Rank(over="leads", nth=n) if at_least else Rank(over="leads", equals=n)
        return replace(base, op=Op.COUNT, field="lead_count", rank=rank, count=True)
    if _BOTH_ROLES.search(q):
        return replace(base, op=Op.COUNT, field="units_both", count=True)
    if _UNITS_COUNTED.search(q):
        return replace(base, op=Op.COUNT, field="units", role=role_of(q), count=True)
    return None


def _besides(plan: Plan, turns: Sequence[Turn]) -> Plan:
    """「他们还牵头了哪些」「还有哪些是体卫艺处牵头的」 after answers that showed one task or a few: a unit's list without
    the tasks those answers showed (a long list shown before is not left out: 「还」 then adds nothing)."""
    if plan.op is not Op.LIST or not plan.units or not turns or not _ALSO.search(plan.question):
        return plan
    shown = tuple(dict.fromkeys(r for t in turns[-3:] if 0 < len(t.refs) <= 3 for r in t.refs))
    return replace(plan, besides=shown) if shown else plan


def _marked_topic(q: str) -> str:
    """The words a topic list marks as its topic (「在教育方面」「关于老年人的」「跟停车有关的」), without the story told
    around them; "" when none is marked or the marked words say nothing (「这方面」)."""
    for m in _TOPIC_MARK.finditer(q):
        words = m.group("a") or m.group("b") or m.group("c") or ""
        if _has_content(words):
            # the themes it lists stay apart (「安全生产、燃气、消防这些方面」), each scored as its own theme
            return "、".join(filter(None, (content(w) for w in words.split("、"))))
    return ""


def _run(value: str) -> tuple[int, int]:
    """A task slot's numbers: "38" -> (38, 38); a run "10-15" -> (10, 15), at most _MAX_RUN tasks long; a count
    from the end "-2" -> (-2, -2)."""
    first, dash, last = value.rpartition("-") if value[1:].find("-") >= 0 else (value, "", value)
    if not dash:
        return int(value), int(value)
    return int(first), min(int(last), int(first) + _MAX_RUN - 1)


def _has_content(text: str) -> bool:
    """Whether a question holds a word about something, besides its slots, question words and requests (「全部列一下」
    「主办加协办」 say how to answer, not what about): its own words, not what is left once those are cut out."""
    return bool(_own_words(text))


def _own_words(text: str) -> list[str]:
    """The words of a question about something: not its slots, question words or requests."""
    return [w for w in jieba.lcut(text) if len(content(w)) >= 2 and w not in STOPWORDS]




def _without(q: str, spans: Sequence[Span]) -> str:
    for s in sorted(spans, key=lambda s: -s.start):
        q = q[:s.start] + " " + q[s.end:]
    return q.strip() or q


def _task_words(spans: Sequence[Span]) -> str:
    return "、".join(s.text for s in spans if s.kind in ("task", "ordinal", "last"))
