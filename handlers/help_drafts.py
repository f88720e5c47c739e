"""The help conversations' drafts, typed: what a person has chosen so far, as it is kept in
their `draft` row (flow, state, data) so that it survives a restart.

The data keeps the keys drafts were always written with ("kind", "match_id", "family",
"request_id"), so a conversation begun before this module still goes on; a row that cannot be
read (an unknown kind, an id that is not a number) is read as None and the conversation is
dropped and begun again, never half-understood."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from bot.notifications.help_callbacks import KIND_CODES
from domain import HelpKind


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("not an id")
    return int(value)


@dataclass(frozen=True)
class AskDraft:
    """A question to the staff being written (`/help_staff`, `/needhelp`).

    States: "kind" (a mentor picks the kind; nothing chosen yet), "match" (a mentor with
    several matches picks the family), "text" (the message is typed)."""

    FLOW: ClassVar[str] = "help_ask"
    kind: HelpKind | None = None
    match_id: int | None = None  # the mentor's match; a mentee's goes to their family's
    family: str | None = None  # the family's name, for the prompt

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.kind is not None:
            data["kind"] = self.kind.value
        if self.match_id is not None:
            data["match_id"] = self.match_id
        if self.family is not None:
            data["family"] = self.family
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> AskDraft | None:
        try:
            kind = data.get("kind")
            match_id = data.get("match_id")
            family = data.get("family")
            return cls(
                kind=HelpKind(kind) if kind is not None else None,
                match_id=_int(match_id) if match_id is not None else None,
                family=str(family) if family is not None else None,
            )
        except ValueError:
            return None

    @property
    def mentor_kind(self) -> HelpKind | None:
        """The kind, when it is one a mentor asks (not a mentee's)."""
        return self.kind if self.kind in KIND_CODES.values() else None


@dataclass(frozen=True)
class ReplyDraft:
    """An answer being written in a thread (the Reply button)."""

    FLOW: ClassVar[str] = "help_reply"
    request_id: int

    def to_data(self) -> dict[str, Any]:
        return {"request_id": self.request_id}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ReplyDraft | None:
        try:
            return cls(_int(data.get("request_id")))
        except ValueError:
            return None
