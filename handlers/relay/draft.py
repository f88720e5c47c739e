"""The relay conversation's draft, typed (flow "relay"): the message a mentor answers (state
"answer"), or the match whose family a mentor writes to (states "phrase", "write"). Drafts
written before under their short keys ("relay", "m") are still read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from handlers.draft_data import compact, opt_int, pick

FLOW, ANSWERING = "relay", "answer"
PHRASE = "phrase"  # a mentor chooses a ready-made phrase for the family
WRITING = "write"  # a mentor's own message to the family


@dataclass(frozen=True)
class RelayDraft:
    FLOW: ClassVar[str] = FLOW
    relay_id: int | None = None  # the relayed message being answered
    match_id: int | None = None  # the match whose family is written to

    def to_data(self) -> dict[str, Any]:
        return compact(relay_id=self.relay_id, match_id=self.match_id)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> RelayDraft | None:
        try:
            return cls(
                relay_id=opt_int(pick(data, "relay_id", "relay")),
                match_id=opt_int(pick(data, "match_id", "m")),
            )
        except ValueError:
            return None
