"""The values and small rules of a match's life after the team is formed: the limits, the
values the service returns, the kind of a feedback round, months since the start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from storage.match_life import EXIT_ROUND, ClosureReason, ClosureStep
from storage.models import Organisation

MAX_ID = 2**31 - 1
REMIND_BEFORE = timedelta(days=1)


@dataclass(frozen=True)
class FeedbackStep:
    done: bool
    text: str
    buttons: list[list[tuple[str, str]]]


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
