"""The callback data of the buttons of a match's life after the team is formed, in one place:
planning the first and the evaluation meeting and the first meeting's outcome (`fm`), closing
a match (`cl`), answering exit and evaluation questions (`fb`). The strings never change, so
that buttons already in people's chats keep working:

- `fm:p:<match>` plan the first meeting, `fm:e:<match>` plan the evaluation meeting,
  `fm:o:<match>:<outcome>` the first meeting's outcome;
- `cl:r:<match>:<reason>` a closure reason chosen, `cl:ok:<match>:<reason>` confirmed;
- `fb:<feedback>:<question>:<value>` an answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from storage.match_life import ClosureReason, FirstMeetingOutcome

FIRST_PREFIX = "fm"
CLOSE_PREFIX = "cl"
FEEDBACK_PREFIX = "fb"


@dataclass(frozen=True)
class PlanFirst(presses.Press):
    PREFIX = FIRST_PREFIX
    ACTION = "p"
    match_id: int


@dataclass(frozen=True)
class PlanEvaluation(presses.Press):
    PREFIX = FIRST_PREFIX
    ACTION = "e"
    match_id: int


@dataclass(frozen=True)
class FirstOutcome(presses.Press):
    PREFIX = FIRST_PREFIX
    ACTION = "o"
    match_id: int
    outcome: FirstMeetingOutcome


@dataclass(frozen=True)
class CloseChoose(presses.Press):
    PREFIX = CLOSE_PREFIX
    ACTION = "r"
    match_id: int
    reason: ClosureReason


@dataclass(frozen=True)
class CloseConfirm(presses.Press):
    PREFIX = CLOSE_PREFIX
    ACTION = "ok"
    match_id: int
    reason: ClosureReason


@dataclass(frozen=True)
class FeedbackAnswer(presses.Press):
    PREFIX = FEEDBACK_PREFIX
    feedback_id: int
    question: int
    value: int


FIRST_PRESSES: tuple[type[presses.Press], ...] = (PlanFirst, PlanEvaluation, FirstOutcome)
CLOSE_PRESSES: tuple[type[presses.Press], ...] = (CloseChoose, CloseConfirm)


def parse_first(args: Sequence[str]) -> presses.Press:
    """A `fm` press from the parts after the prefix (`["p", "12"]` for `"fm:p:12"`)."""
    return presses.parse(FIRST_PRESSES, args)


def parse_close(args: Sequence[str]) -> presses.Press:
    return presses.parse(CLOSE_PRESSES, args)


def parse_feedback(args: Sequence[str]) -> FeedbackAnswer:
    return FeedbackAnswer.unpack(args)


def plan_first(match_id: int) -> str:
    return PlanFirst(match_id).pack()


def plan_evaluation(match_id: int) -> str:
    return PlanEvaluation(match_id).pack()


def first_outcome(match_id: int, outcome: FirstMeetingOutcome) -> str:
    return FirstOutcome(match_id, outcome).pack()


def close_choose(match_id: int, reason: ClosureReason) -> str:
    return CloseChoose(match_id, reason).pack()


def close_confirm(match_id: int, reason: ClosureReason) -> str:
    return CloseConfirm(match_id, reason).pack()


def feedback_answer(feedback_id: int, question: int, value: int) -> str:
    return FeedbackAnswer(feedback_id, question, value).pack()
