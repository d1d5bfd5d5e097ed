"""Conversation state: what a follow-up leans on. Earlier turns are kept as the plans and the references each
answer showed (`Turn`), and the words here say which of them a new question points at: 「其中」「这几项」「这个单位」
「另外那项」, or a short reply to a question asked back."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import Ref
from .plan import Op, Plan, Turn

FOLLOWUP = re.compile(r"^(那|那么|还有|另外|其中|这些|它们|它|他们|这个|这项|其)|呢[??]?$|其中|这些|上述|以上")
WITHIN = re.compile(r"其中|这些|上述|以上|里面|当中")
DEICTIC = re.compile(r"这项|这一项|这条|这一条|该项|此项|这个任务|这件事|这个事|这事|它|这个|这几[项条个件]|这些|上述|"
                      r"另外(?:那|一)?[项条个件]|另一[项条个件]|剩下的?(?:那|一)?[项条个件]")
PLURAL = re.compile(r"这几|那几|这些|那些|它们|上面的|上述|以上|这两|这三")
OTHER = re.compile(r"另外(?:那|一)?(?:项|条|个|件)|另一(?:项|条|个|件)|剩下的?(?:那|一)?(?:项|条|个|件)")
UNIT_DEICTIC = re.compile(r"(?:这个|这家|该|此|这|那个|那家)(?:单位|部门|局|委|办)|(?:他们|它)(?:单位|部门|局)")
# what makes a clause a question or a request (else it is a statement: context for the question beside it)
ASKING = re.compile(r"[??]|谁|哪|多少|几|什么|啥|是否|有没有|能不能|会不会|可不可以|能否|吗|呢|怎么|如何|咋|列|说说|讲讲|"
                     r"介绍|告诉|查|看看|给我|帮我|请")
REPLY_EDGES = re.compile(r"^(?:我说的是|我问的是|就是|是|要)|(?:的那个|那个|的|吧|呀|啊)$")


def asking(clause: str) -> bool:
    """A question or a request, not a statement (「家里俩娃都在上学。」 is the context of the question beside it)."""
    return bool(ASKING.search(clause))


def answered(asked_back: Plan, reply: str) -> str:
    """The question a short reply to a question back makes: the first question with the reply put in for what was
    unclear (the one reading that holds the reply, or the words that say what 这个 meant); "" if it is none."""
    said = REPLY_EDGES.sub("", re.sub(r"^[\s。??!!,,]+|[\s。??!!,,]+$", "", reply))
    if not said or len(said) > 12 or asking(said):
        return ""
    if asked_back.reason == "kind":
        chosen = [u for u in asked_back.units if said in u or u in said]
        return asked_back.question.replace(asked_back.subject, chosen[0], 1) if len(chosen) == 1 else ""
    return asked_back.question.replace(asked_back.subject, said, 1) if asked_back.reason == "referent" else ""


def shown_docs(turn: Turn) -> tuple[str, ...]:
    """The notices a turn was about: those its plan named, else those its answer cited."""
    return turn.plan.docs or tuple(dict.fromkeys(r.doc_id for r in turn.refs))


def pointed(turns: Sequence[Turn], q: str) -> tuple[Ref, ...]:
    """What a follow-up points at: 「这几项」「它们」 mean the whole last list shown (even with a single task's answer
    since), 「这项」「它」 the focus of the last answer."""
    if PLURAL.search(q) or OTHER.search(q):
        at = last_list_at(turns)
        if at is not None:
            listed = turns[at].refs
            if not OTHER.search(q):
                return listed
            # 「另外那项」: the one of the list not talked about before it
            seen = {r for t in turns[:at] for r in t.refs}
            rest = tuple(r for r in listed if r not in seen)
            if rest and len(rest) < len(listed):
                return rest
    return focus_of(turns[-1])


def last_list_at(turns: Sequence[Turn]) -> int | None:
    """Where the last list the user saw is: the latest turn whose answer showed two or more tasks."""
    return next((i for i in range(len(turns) - 1, -1, -1) if len(turns[i].refs) >= 2), None)


def last_list(turns: Sequence[Turn]) -> tuple[Ref, ...]:
    """The last list the user saw (「其中第二项」 and 「这几项」 count into it), or ()."""
    at = last_list_at(turns)
    return turns[at].refs if at is not None else ()


def focus_of(turn: Turn) -> tuple[Ref, ...]:
    """What 「这项」「它」 point at in the last answer: its first task (in each notice it cited) after a fact or
    who question, its first three after a list."""
    if turn.plan.op is Op.TASK:
        return turn.refs  # the tasks it named (「这几项都是谁牵头的?」 then 「有没有别的部门配合?」)
    if turn.plan.op in (Op.FACT, Op.WHO):
        first: dict[str, Ref] = {}
        for ref in turn.refs:
            first.setdefault(ref.doc_id, ref)
        return tuple(first.values())
    return turn.refs[:3]


def last(turns: Sequence[Turn], ops: Sequence[Op]) -> Turn | None:
    """The last turn, when it was one of these operations."""
    return turns[-1] if turns and turns[-1].plan.op in ops else None
