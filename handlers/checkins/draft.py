"""The /checkin conversation's draft, typed: what the member of staff chose so far, as kept in
their `draft` row (flow "checkin"). Drafts written before under short keys ("m" the match,
"f" the family, "pid" the person) are still read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from domain import CheckInHow, CheckInParty
from handlers.draft_data import compact, opt_day, opt_enum, opt_int, opt_str, pick


@dataclass(frozen=True)
class CheckInDraft:
    """States: "match" (nothing chosen), "party", "how", "day", "note", "confirm"."""

    FLOW: ClassVar[str] = "checkin"
    match_id: int | None = None
    family: str = ""  # the family's name, for the questions
    party: CheckInParty | None = None
    person_id: int | None = None  # the mentor or mentee contacted (None: the family)
    who: str | None = None  # their name, for the summary
    how: CheckInHow | None = None
    day: date | None = None
    note: str | None = None

    def to_data(self) -> dict[str, Any]:
        return compact(
            match_id=self.match_id,
            family=self.family,
            party=self.party,
            person_id=self.person_id,
            who=self.who,
            how=self.how,
            day=self.day,
            note=self.note,
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CheckInDraft | None:
        try:
            return cls(
                match_id=opt_int(pick(data, "match_id", "m")),
                family=opt_str(pick(data, "family", "f")) or "",
                party=opt_enum(CheckInParty, data.get("party")),
                person_id=opt_int(pick(data, "person_id", "pid")),
                who=opt_str(data.get("who")),
                how=opt_enum(CheckInHow, data.get("how")),
                day=opt_day(data.get("day")),
                note=opt_str(data.get("note")),
            )
        except ValueError:
            return None
