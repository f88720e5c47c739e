"""The /plan conversation's draft, typed: what the planner chose so far, as kept in their
`draft` row (flow "plan"), for a new meeting or for moving one. Drafts written before as a
plain dict ("mode" "new" or "move", "time" as "HH:MM") are still read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any, ClassVar

from handlers.draft_data import compact, opt_day, opt_int, opt_str, pick

FLOW = "plan"


@dataclass(frozen=True)
class PlanDraft:
    """States: "match" (nothing chosen), "day", "time", "place", "note", "confirm"."""

    FLOW: ClassVar[str] = FLOW
    match_id: int | None = None
    family: str = ""  # the family's name, for the summary
    moving: bool = False  # moving `appointment_id` rather than planning a new meeting
    appointment_id: int | None = None
    day: date | None = None
    start_time: time | None = None  # on `day`, in the planner's timezone
    place: str | None = None
    last_place: str | None = None  # the match's last place, offered as one tap
    note: str | None = None

    def to_data(self) -> dict[str, Any]:
        return compact(
            match_id=self.match_id,
            family=self.family or None,
            moving=self.moving or None,
            appointment_id=self.appointment_id,
            day=self.day,
            start_time=self.start_time.strftime("%H:%M") if self.start_time else None,
            place=self.place,
            last_place=self.last_place,
            note=self.note,
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PlanDraft | None:
        try:
            moving = data.get("moving")
            if moving is None:
                mode = opt_str(data.get("mode"))
                if mode not in (None, "new", "move"):
                    raise ValueError("not a planning mode")
                moving = mode == "move"
            if not isinstance(moving, bool):
                raise ValueError("not a yes or no")
            start = opt_str(pick(data, "start_time", "time"))
            return cls(
                match_id=opt_int(data.get("match_id")),
                family=opt_str(data.get("family")) or "",
                moving=moving,
                appointment_id=opt_int(data.get("appointment_id")),
                day=opt_day(data.get("day")),
                start_time=time.fromisoformat(start) if start is not None else None,
                place=opt_str(data.get("place")),
                last_place=opt_str(data.get("last_place")),
                note=opt_str(data.get("note")),
            )
        except ValueError:
            return None
