"""The `/request` conversation's draft, typed (flow "request"): the family, what they need,
how urgent, a note. Its keys are those drafts were always written with ("family", "needs",
"urgency", "note")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from handlers.draft_data import compact, opt_enum, opt_str
from storage.match_life import Urgency

REQUEST_FLOW = "request"


@dataclass(frozen=True)
class RequestDraft:
    """States: "family" (typed), "needs" (tapped), "urgency", "note" (typed or skipped)."""

    FLOW: ClassVar[str] = REQUEST_FLOW
    family: str | None = None
    needs: tuple[str, ...] = ()  # topic codes
    urgency: Urgency | None = None
    note: str | None = None

    def to_data(self) -> dict[str, Any]:
        return {"needs": list(self.needs)} | compact(
            family=self.family, urgency=self.urgency, note=self.note
        )

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RequestDraft | None:
        needs = data.get("needs", [])
        if not isinstance(needs, list) or not all(isinstance(n, str) for n in needs):
            return None
        try:
            return cls(
                family=opt_str(data.get("family")),
                needs=tuple(needs),
                urgency=opt_enum(Urgency, data.get("urgency")),
                note=opt_str(data.get("note")),
            )
        except ValueError:
            return None
