"""The match cycle: first meeting, feedback, closure."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class FirstMeetingPlanned(Event):
    """The three-party first meeting was planned: `party` (the mentors, then the worker) get
    its time, place and calendar file and a reminder the day before; `worker_id` is asked
    for its outcome once it is over."""

    match_id: int
    appointment_id: int
    party: tuple[int, ...]
    worker_id: int | None


@dataclass(frozen=True)
class MatchStarted(Event):
    """Everyone agreed at the first meeting: the match is active; `mentors` and `mentees`
    are told."""

    match_id: int
    mentors: tuple[int, ...]
    mentees: tuple[int, ...]


@dataclass(frozen=True)
class FeedbackAsked(Event):
    """A feedback round (`round`: the exit round or an evaluation point) began; the parties
    of the rows `feedback_ids` get its first question."""

    match_id: int
    round: str
    feedback_ids: tuple[int, ...]


@dataclass(frozen=True)
class EvaluationAnswered(Event):
    """Every party asked in an evaluation round answered: the referring worker gets the
    summary card."""

    match_id: int
    round: str
    worker_id: int


@dataclass(frozen=True)
class MatchEnded(Event):
    """A match was closed: `mentees` and `mentors` get a goodbye stating the organisation's
    post-closure contact policy."""

    match_id: int
    mentees: tuple[int, ...]
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class FamilyRequeued(Event):
    """A match ended early: its family is back in the queue (`request_id`) and
    `coordinators` are told."""

    request_id: int
    match_id: int
    coordinators: tuple[int, ...]


__all__ = [
    "EvaluationAnswered",
    "FamilyRequeued",
    "FeedbackAsked",
    "FirstMeetingPlanned",
    "MatchEnded",
    "MatchStarted",
]
