"""The /invite conversation's draft, typed (flow "invite"): the name, role and language chosen
so far. Its keys are those drafts were always written with ("name", "role", "locale")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from domain import Role
from handlers.draft_data import compact, opt_enum, opt_str

FLOW = "invite"


@dataclass(frozen=True)
class InviteDraft:
    """States: "name", "role", "language", then "family" (a mentee) or "match" (a mentor);
    /newlink's "find" has no data."""

    FLOW: ClassVar[str] = FLOW
    name: str = ""
    role: Role | None = None
    locale: str | None = None

    def to_data(self) -> dict[str, Any]:
        return compact(name=self.name or None, role=self.role, locale=self.locale)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> InviteDraft | None:
        try:
            return cls(
                name=opt_str(data.get("name")) or "",
                role=opt_enum(Role, data.get("role")),
                locale=opt_str(data.get("locale")),
            )
        except ValueError:
            return None
