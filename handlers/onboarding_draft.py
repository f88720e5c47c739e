"""Onboarding's draft, typed (flow "onboarding"): the invitation being opened, the language
chosen, whether the full privacy notice was read. Drafts written before under the key
"invite" are still read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from handlers.draft_data import compact, opt_int, opt_str, pick

FLOW = "onboarding"
LANGUAGE, CONSENTING = "language", "consent"


@dataclass(frozen=True)
class OnboardingDraft:
    FLOW: ClassVar[str] = FLOW
    invite_id: int = 0  # 0: none (refused as an unknown invitation)
    locale: str | None = None
    more: bool = False  # the full notice was shown

    def to_data(self) -> dict[str, Any]:
        return compact(invite_id=self.invite_id, locale=self.locale, more=self.more or None)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> OnboardingDraft | None:
        try:
            return cls(
                invite_id=opt_int(pick(data, "invite_id", "invite")) or 0,
                locale=opt_str(data.get("locale")) or None,
                more=bool(data.get("more")),
            )
        except ValueError:
            return None
