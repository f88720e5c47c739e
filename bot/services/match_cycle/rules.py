"""The values and small rules of a match's life after the team is formed: the limits, the
closure reasons staff may choose (and their labels, which the programme report reads too),
the answer scales of each feedback round, the values the service returns, the kind of a
feedback round, months since the start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import N_
from storage.match_life import EXIT_ROUND, ClosureReason, ClosureStep, Party
from storage.models import Organisation

MAX_ID = 2**31 - 1
REMIND_BEFORE = timedelta(days=1)

CLOSURE_REASONS: dict[ClosureReason, str] = {
    ClosureReason.GOALS_REACHED: N_("Planned: the goals were reached"),
    ClosureReason.PERIOD_ENDED: N_("Planned: the agreed period ended"),
    ClosureReason.FAMILY_MOVED: N_("The family moved"),
    ClosureReason.MENTOR_UNAVAILABLE: N_("The mentor is no longer available"),
    ClosureReason.CONFLICT: N_("Conflict"),
    ClosureReason.UNREACHABLE: N_("The family cannot be reached"),
    ClosureReason.NOT_STARTED: N_("The first meeting did not lead to a start"),
    ClosureReason.LEGACY: N_("Closed before reasons were recorded"),
}
CHOOSABLE = [r for r in ClosureReason if r not in (ClosureReason.NOT_STARTED, ClosureReason.LEGACY)]

# Answers: the mentee's and the mentors' first question on a 5-face scale, the second on a
# thumbs scale; the worker's exit question on the thumbs scale. The questions' texts are in
# `bot.notifications.match_cycle` (QUESTIONS), one per scale here.
FACES = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}
THUMBS = {3: "👍", 2: "🤷", 1: "👎"}
SCALES: dict[tuple[str, Party], tuple[dict[int, str], ...]] = {
    ("exit", Party.MENTEE): (FACES, THUMBS),
    ("exit", Party.MENTOR): (FACES, THUMBS),
    ("exit", Party.WORKER): (THUMBS,),
    ("eval", Party.MENTEE): (FACES, THUMBS),
    ("eval", Party.MENTOR): (FACES, THUMBS),
}


@dataclass(frozen=True)
class FeedbackQuestion:
    """A question of a feedback round to show its reader: the row it belongs to, which
    question (`index`) and the family's name."""

    feedback_id: int
    round: str
    party: Party
    index: int
    family: str


@dataclass(frozen=True)
class FeedbackStep:
    """After an answer: the next question, or done (`question` None)."""

    done: bool
    question: FeedbackQuestion | None = None


@dataclass(frozen=True)
class Closed:
    match_id: int
    reason: ClosureReason
    steps: dict[str, Any]
    rematch_request_id: int | None


def kind(round_: str) -> str:
    """The questions a round asks: "exit" at closure, "eval" at an evaluation point."""
    return "exit" if round_ == EXIT_ROUND else "eval"


def today(org: Organisation, now: datetime) -> date:
    return now.astimezone(ZoneInfo(org.timezone)).date()


def months_between(start: date, today: date) -> int:
    months = (today.year - start.year) * 12 + today.month - start.month
    return months - (1 if today.day < start.day else 0)


def step(steps: dict[str, Any], name: ClosureStep, now: datetime, **detail: Any) -> None:
    """Record a closure step with its time (in `Match.closure_steps`)."""
    steps[name.value] = {"at": now.astimezone(UTC).isoformat(), **detail}
