"""What a question asks, as data: the route that answers it and the arguments that route needs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..records import RoleFilter


class Route(StrEnum):
    """How a question is answered; the pipeline maps each route to its handler."""

    UNIT = "unit"  # every task of one or more units, from the records
    COUNT = "count"  # how many tasks or parts, from the records
    SECTION = "section"  # a part of the plan and its tasks
    METADATA = "metadata"  # the header and the covering notice
    LEAD = "lead"  # who leads a piece of work found by retrieval
    FACT = "fact"  # a fact or target found by retrieval
    REFUSE = "refuse"  # the notices do not answer it
    INVALID = "invalid"  # not a question the assistant can take (empty, too long)
    HELP = "help"  # a greeting or a request for help
    # set by the apps, never by the router
    ERROR = "error"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Intent:
    """What the question asks, in a form the answering stage can act on."""

    route: Route
    question: str = ""  # the normalised question
    units: tuple[str, ...] = ()
    role: RoleFilter = None
    sections: tuple[int, ...] = ()
    field: str = ""
    query: str = ""  # text for retrieval (the question, with the conversation it leans on)
    focus: str = ""  # the current question's own words, for picking sentences
    count: bool = False
    reason: str = ""
    subject: str = ""  # e.g. an unknown unit's name, for the refusal message
    docs: tuple[str, ...] = ()  # the documents the question names (by year or title); empty = all loaded
