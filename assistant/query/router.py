"""Decide what a question asks (a unit's tasks, a count, a section, metadata, who leads, a fact) or refuse it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..ingest.knowledge import Knowledge
from ..ingest.normalize import normalize_question
from ..ingest.units import UnitDirectory
from ..records import Notice, Role, RoleFilter
from .routes import Intent, Route

# Asking what a unit does.
_UNIT_VERBS = re.compile(
    r"负责|承担|牵头|主办|协办|参与|配合|协助|职责|职能|分工|主抓|任务|工作|干什么|做什么|干啥|做啥|管什么|管哪些|"
    r"做哪些|干哪些|哪些事|什么事|要做|干些|有哪些"
)
_LEAD_ONLY = re.compile(r"牵头|主办|主责|主抓|带头")
_ASSIST_ONLY = re.compile(r"协办|配合|协助|辅助|协同")
_COUNT = re.compile(
    r"几项|多少项|几个任务|多少个任务|多少条|几条|多少件|几件|数量|一共|总共|共有|共计|几个部分|几部分|多少部分|分为几|分成几|"
    r"几大块|几块|几大部分|最多|最少|加起来"
)
# Words about the document itself, which leave a count question a count question.
_DOC_WORDS = re.compile(r"最多|最少|加起来|合计|这个|这份|这|该|本|整个|方案|通知|文件|目标任务|分解|落实|大块|块|内容|部分|任务|条|项|件|分为|分成|成了|哪个")
_LEAD_ONLY_TASKS = re.compile(r"只有主办|没有协办|无协办|不需要协办|没有配合")
_NUMBER_ASK = re.compile(r"多少|几|百分之|比例|增长|目标是|金额|规模|面积")
# Asking who does a piece of work.
_WHO = re.compile(r"谁|哪个部门|哪些部门|哪个单位|哪些单位|什么部门|什么单位|哪家|由哪|牵头单位|主办单位|协办单位|责任单位|责任部门|负责单位|负责部门|找哪|归谁|谁管|哪个局")
_FOLLOWUP = re.compile(r"^(那|那么|还有|另外|其中|这些|它们|它|他们|这个|这项|其)|呢[??]?$|其中|这些|上述|以上")
_SECTION_NO = re.compile(r"第\s*([一二三四五六七八九十1-9])\s*(部分|板块|章|节|大项|方面)?")
_METADATA: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("doc_number", re.compile(r"文号|发文字号|文件号|字号|发文号")),
    ("index_number", re.compile(r"索引号")),
    ("meeting", re.compile(r"会议|人大|政府工作报告")),
    ("keywords", re.compile(r"关键词|关键字|主题词")),
    ("addressees", re.compile(r"发给|主送|印发给|下发给|发送给|发往|哪些单位收|受文|对象是")),
    ("date", re.compile(r"(什么时候|何时|哪天|哪一天|日期|时间|几月|哪年哪月).*(印发|发布|生成|下发|出台|发文|成文|签发)|(印发|发布|生成|下发|出台|发文|成文|签发).*(什么时候|何时|哪天|日期|时间|几号|几月)")),
    ("publisher", re.compile(r"发布机构|发文机关|发文单位|哪个单位发布|谁发布|谁印发|谁发的|哪个单位印发|发布单位|落款")),
    ("classification", re.compile(r"主题分类|体裁|组配分类|公文种类|文种")),
    ("public", re.compile(r"公开发布|是否公开|能公开")),
    ("title", re.compile(r"标题|文件名|名称是|叫什么名|文件名称|全称")),
    ("overview", re.compile(r"(这份|这个|本|该)?(通知|文件|方案).*(讲|说|是关于|主要内容|讲了什么|说了什么|要求)|主要内容|概括|总结一下|简介|介绍一下")),
)
# Routes a follow-up may turn into another question's route, and routes that can be followed up.
_MAY_FOLLOW = (Route.FACT, Route.LEAD, Route.COUNT, Route.HELP)
_ANSWERABLE = (Route.UNIT, Route.SECTION, Route.LEAD, Route.FACT)
_WHICH_SECTION = re.compile(r"属于哪|哪个部分|哪一部分|第几部分|哪个板块|哪一块")
_YEAR = re.compile(r"(19\d\d|20\d\d)\s*年?")
_OUT_OF_SCOPE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("injection", re.compile(
        r"(忽略|无视|忘记|忘掉|不要理会|不用管|跳过).{0,12}(指令|提示|规则|设定|要求|限制|上面|之前|以上|前面|上述)|"
        r"system\s*prompt|系统提示|提示词|越狱|你现在是|扮演|假装你|开发者模式|"
        r"ignore\s+(all|any|the|previous|above)|disregard|jailbreak|\bDAN\b", re.I)),
    ("creative", re.compile(r"写(一)?(首|篇|段|个)?.{0,6}(诗|词|歌|小说|故事|文章|作文|对联|笑话)|作诗|赋诗|讲(个|一个)?笑话|编(个|一个)?故事|翻译|write\s+(a\s+)?(poem|story|song)", re.I)),
    ("weather", re.compile(
        r"天气|气温|(下雨|下雪|刮风|温度|降温|升温).{0,6}(吗|怎么样|如何|多少|几度)|几点了|星期几|weather", re.I)),
    ("person", re.compile(r"(区长|书记|局长|主任|市长|省长|主席|部长|队长|主任委员|负责人|领导)(是谁|叫什么|是哪位|姓什么|电话|手机)|谁是.{0,6}(区长|书记|局长|主任|市长|负责人|领导)|电话|手机号|联系方式|邮箱|地址在哪")),
    ("advice", re.compile(r"餐馆|美食|旅游攻略|股票|彩票|房价|护照|签证|个人所得税|个税|医保报销|怎么挂号|推荐一|买什么|门票|票价")),
    ("year", re.compile(r"去年|前年|明年|后年|上一年|下一年|十五五")),
)


class Router:
    """Turns a question and the earlier questions of its conversation into an Intent; pure text logic."""

    def __init__(self, units: UnitDirectory, notices: Sequence[Notice], max_chars: int, history_turns: int,
                 knowledge: Knowledge | None = None) -> None:
        if max_chars <= 0:
            raise ValueError(f"max_chars must be greater than 0, got {max_chars}")
        self._units = units
        self._notices = tuple(notices)
        self._max_chars = max_chars
        self._history_turns = history_turns
        knowledge = knowledge or Knowledge()
        self._section_words = knowledge.section_words
        self._out_of_scope = list(_OUT_OF_SCOPE)
        if knowledge.other_places and knowledge.place_subjects:
            # a place that is not the notice's, asked about for what the notices give for their own
            places = "|".join(map(re.escape, knowledge.other_places))
            subjects = "|".join(map(re.escape, knowledge.place_subjects))
            self._out_of_scope.insert(5, ("scope", re.compile(f"({places}).{{0,8}}({subjects})", re.I)))
        prefixes = "|".join(map(re.escape, ("区", "市", "省", *knowledge.place_prefixes)))
        years = "".join(f"|{re.escape(n.year)}年" for n in self._notices if n.year)
        # 「区体育局负责哪些任务?」 names a unit the notices do not have
        self._unknown_unit = re.compile(
            rf"^(?:请问|那|那么|你好)?[,,]?((?:{prefixes})?[\u4e00-\u9fff]{{1,10}}?"
            r"(?:局|委员会|委|办公室|办|大队|分局|管委会|街道|部|馆|院|所|队|站|中心|公司))"
            rf"(?:都|主要|具体|今年{years})?(?:负责|承担|主办|协办|牵头|参与|配合|有哪些|有什么|要做|做|干|的任务|的工作)"
        )

    def route(self, question: str, history: Sequence[str] = ()) -> Intent:
        if len(question) > 4 * self._max_chars:
            # refuse before normalising: a 10 MB paste must not cost a 10 MB conversion
            return Intent(Route.INVALID, question[:40], reason="too_long")
        q = normalize_question(question)
        if not q or not re.search(r"[\w\u4e00-\u9fff]", q):
            return Intent(Route.INVALID, q, reason="empty")
        if len(q) > self._max_chars:
            return Intent(Route.INVALID, q, reason="too_long")
        intent = self._route_alone(q)
        if history and intent.route in _MAY_FOLLOW and self._leans_on_history(q):
            previous = self._previous(history)
            if previous is not None:
                intent = self._follow_up(q, intent, previous)
        if intent.route not in (Route.REFUSE, Route.INVALID) and not intent.docs:
            intent = replace(intent, docs=self._docs_named(q))
        return intent

    def _docs_named(self, q: str) -> tuple[str, ...]:
        """Documents a question names: 「2025年方案里…」 by year, 《…》 by title."""
        named = [n.doc_id for n in self._notices if n.year and f"{n.year}年" in q]
        for title in re.findall(r"《([^》]+)》", q):
            named += [n.doc_id for n in self._notices if title in n.plan_title or title in n.meta.title]
        return tuple(dict.fromkeys(named))

    def _previous(self, history: Sequence[str]) -> Intent | None:
        """The last answerable intent in the conversation (each earlier turn resolved against its own past)."""
        turns = list(history)[-self._history_turns :]
        for i in range(len(turns) - 1, -1, -1):
            intent = self.route(turns[i], turns[:i])
            if intent.route in _ANSWERABLE:
                return intent
        return None

    @staticmethod
    def _leans_on_history(q: str) -> bool:
        """「那共享泊位呢?」「其中哪些是协办的?」 lean on the conversation; 「江豚公园谁负责?」 stands alone."""
        return bool(_FOLLOWUP.search(q)) or not _content(q)

    def _follow_up(self, q: str, intent: Intent, previous: Intent) -> Intent:
        role = _role(q)
        own = _content(q)
        if previous.route is Route.UNIT and not own:
            # 「其中哪些是协办的?」「一共几项?」 keep the unit, take the role the follow-up asks for
            return replace(
                previous, question=q, role=role if role is not None else previous.role, count=bool(_COUNT.search(q))
            )
        if previous.route is Route.SECTION and not own:
            return replace(previous, question=q, count=bool(_COUNT.search(q)))
        docs = previous.docs
        if intent.field == "which_section" and len(own) <= 4:
            return replace(previous, route=Route.FACT, question=q, field="which_section")
        if (_WHO.search(q) or role is not None) and len(own) <= 2:
            # 「协办单位有哪些?」「那协办呢?」 after a topic question: who does that work
            return Intent(Route.LEAD, q, query=previous.query, focus=previous.focus, role=role, docs=docs)
        # 「那共享泊位呢?」 retrieve with the earlier topic, quote by the new words (if it has any)
        focus = q if own else previous.focus
        return Intent(intent.route, q, query=f"{previous.query} {q}", focus=focus, role=intent.role, docs=docs)

    def _route_alone(self, q: str) -> Intent:
        if re.search(r"[A-Za-z]{3,}", q) and not re.search(r"[\u4e00-\u9fff]", q):
            return Intent(Route.REFUSE, q, reason="language")
        for reason, pattern in self._out_of_scope:
            if m := pattern.search(q):
                return Intent(Route.REFUSE, q, reason=reason, subject=m.group(0))
        years = {m.group(1) for m in _YEAR.finditer(q)} - {n.year for n in self._notices}
        if years:
            return Intent(Route.REFUSE, q, reason="year", subject="、".join(f"{y}年" for y in sorted(years)))
        units = [u for u in self._units.find(q)]
        sections = self._sections_named(q)
        if units and self._asks_units(q, [a for u in units for a in u.aliases]):
            return Intent(Route.UNIT, q, units=tuple(u.name for u in units), role=_role(q), count=bool(_COUNT.search(q)))
        if not units and "街道" in q and _UNIT_VERBS.search(q) and not _content(q.replace("街道", "")):
            # 「街道要协办哪些任务?」: every street-wide group the notice assigns tasks to
            streets = tuple(u.name for u in self._units.units.values() if u.kind == "group" and "街道" in u.name)
            return Intent(Route.UNIT, q, units=streets, role=_role(q), count=bool(_COUNT.search(q)))
        if not units and (m := self._unknown_unit.search(q)):
            return Intent(Route.REFUSE, q, reason="unknown_unit", subject=m.group(1))
        most = max(len(n.sections) for n in self._notices)
        if sections and max(sections) > most:
            return Intent(Route.REFUSE, q, reason="no_section", subject=str(most))
        if sections:
            return Intent(Route.SECTION, q, sections=sections, count=bool(_COUNT.search(q)))
        for field, pattern in _METADATA:
            if pattern.search(q):
                return Intent(Route.METADATA, q, field=field)
        if _LEAD_ONLY_TASKS.search(q):
            return Intent(Route.COUNT, q, field="lead_only", count=True)
        if _COUNT.search(q) and not _content(_DOC_WORDS.sub("", q)):
            return Intent(Route.COUNT, q, field="parts" if re.search(r"部分|块", q) else "tasks", count=True)
        if re.fullmatch(r"(你好|您好|hi|hello|在吗|你是谁|你能做什么|帮助|help)[!!。.??]*", q, re.I):
            return Intent(Route.HELP, q)
        if _WHICH_SECTION.search(q):
            topic = _WHICH_SECTION.sub("", q)
            return Intent(Route.FACT, q, query=topic, focus=topic, field="which_section")
        if _WHO.search(q):
            return Intent(Route.LEAD, q, query=q, focus=q, role=_role(q))
        return Intent(Route.FACT, q, query=q, focus=q)

    def _asks_units(self, q: str, aliases: list[str]) -> bool:
        """A unit question names a unit and asks what it does (or names nothing else: 「那区财政局呢?」)."""
        rest = q
        for alias in sorted(aliases, key=len, reverse=True):
            rest = rest.replace(alias, " ")
        if _NUMBER_ASK.search(rest) and not _COUNT.search(rest) and _content(rest):
            return False  # 「区商务局的跨境电商交易规模目标是多少?」 is a fact question
        return bool(_UNIT_VERBS.search(rest)) or not _content(rest)

    def _sections_named(self, q: str) -> tuple[int, ...]:
        """Sections the question names: 第三部分, 第一部分和第二部分, 民生保障部分."""
        numbers: list[int] = []
        if _SECTION_NO.search(q) and re.search(r"部分|板块|章|节|大项|方面", q):
            for m in _SECTION_NO.finditer(q):
                value = m.group(1)
                numbers.append(int(value) if value.isdigit() else "一二三四五六七八九十".index(value) + 1)
        for number, words in self._section_words.items():
            if any(w in q for w in words):
                numbers.append(number)
        return tuple(dict.fromkeys(numbers))


def _role(q: str) -> RoleFilter:
    lead, assist = bool(_LEAD_ONLY.search(q)), bool(_ASSIST_ONLY.search(q))
    if lead and not assist:
        return Role.LEAD
    if assist and not lead:
        return Role.ASSIST
    return None


_FILLER = re.compile(
    r"\d{4}年|方案里|方案中|[\W_\d]|请问|哪些|哪个|什么|多少|怎么|如何|是否|有没有|能不能|可以|可不可以|负责|牵头|主办|协办|参与|配合|协助|承担|任务|工作|"
    r"一共|总共|共有|几项|几个|几|项|呢|吗|吧|啊|的|了|是|有|都|和|与|及|那|么|其中|这些|它们|它|这|还|部分|单位|部门|谁|由|要|做|在|今年|全年"
)


def _content(q: str) -> str:
    """What is left of a question once question words and unit verbs are taken out."""
    return _FILLER.sub("", q)
