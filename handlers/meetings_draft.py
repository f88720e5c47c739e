"""The /log conversation's draft, typed: the answers so far, as kept in the mentor's `draft`
row (flow "log") between the steps.

Stored under the keys the row has always had ("m" the match, "d" the day, "min" the minutes,
"acts" the activities, "mood", "notes", "mid" the meeting being corrected, "back" to go back to
the summary after the next answer, "dup" to add another meeting on a day already logged), so
that a log begun before an upgrade goes on. Data that cannot be read (a match id that is not a
number, a day that is not a date) is None: the log is dropped and the mentor starts again."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Self

from bot.services.meetings import Entry
from handlers.draft_data import compact, opt_day, opt_int, opt_str

# The steps that must be answered before the summary, in order, each with what answers it.
REQUIRED = ("match", "day", "minutes", "acts", "mood")


@dataclass(frozen=True)
class LogDraft:
    """States: "match", "day", "minutes", "acts", "mood", "notes", "summary", "edit", "dup"."""

    FLOW: ClassVar[str] = "log"
    match_id: int | None = None
    day: date | None = None
    minutes: int | None = None
    activities: tuple[str, ...] | None = None  # None: not asked yet; () while ticking
    mood: int | None = None
    notes: str | None = None
    meeting_id: int | None = None  # the meeting being corrected (None: a new log)
    back_to_summary: bool = False  # the next answer goes back to the summary
    allow_duplicate: bool = False  # the mentor said it was another meeting that day

    @property
    def correcting(self) -> bool:
        return self.meeting_id is not None

    def missing(self) -> str | None:
        """The first step still unanswered before the summary, or None."""
        answers = (self.match_id, self.day, self.minutes, self.activities, self.mood)
        return next((step for step, a in zip(REQUIRED, answers, strict=True) if a is None), None)

    def entry(self) -> Entry:
        """The meeting to store (every step answered: see `missing`)."""
        if self.missing() is not None:
            raise ValueError("the meeting log is not complete")
        assert self.match_id is not None and self.day is not None and self.minutes is not None
        assert self.activities is not None and self.mood is not None
        return Entry(
            match_id=self.match_id,
            occurred_on=self.day,
            duration_minutes=self.minutes,
            activities=self.activities,
            mood=self.mood,
            notes=self.notes,
        )

    def with_(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    def to_data(self) -> dict[str, Any]:
        return compact(
            m=self.match_id,
            d=self.day,
            min=self.minutes,
            acts=self.activities,
            mood=self.mood,
            notes=self.notes,
            mid=self.meeting_id,
            back=self.back_to_summary or None,
            dup=self.allow_duplicate or None,
        )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self | None:
        """The draft stored on the row; None when it cannot be read (then drop it)."""
        try:
            return cls(
                match_id=opt_int(data.get("m")),
                day=opt_day(data.get("d")),
                minutes=opt_int(data.get("min")),
                activities=_codes(data.get("acts")),
                mood=opt_int(data.get("mood")),
                notes=opt_str(data.get("notes")),
                meeting_id=opt_int(data.get("mid")),
                back_to_summary=bool(data.get("back")),
                allow_duplicate=bool(data.get("dup")),
            )
        except ValueError:
            return None


def _codes(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of codes")
    return tuple(value)
