"""The route an answer took (Answer.route): what the apps, the eval and the reports show."""

from __future__ import annotations

from enum import StrEnum


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
    TASK = "task"  # tasks by number
    RANK = "rank"  # units or parts ranked by their number of tasks, from the records
    TOPIC = "topic"  # every task about a topic
    MULTI = "multi"  # several questions in one
    CLARIFY = "clarify"  # a question back to the user: which unit, which task
    # set by the apps, never by the router
    ERROR = "error"
    RATE_LIMITED = "rate_limited"
