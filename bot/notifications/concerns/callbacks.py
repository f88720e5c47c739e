"""The callback data of every concern button, in one place: a frozen dataclass per action,
`pack()` to draw the button and `parse()` to route the press. The strings are
`"cn:<action>:<arg>:…"` (at most Telegram's 64 bytes) and never change, so that buttons already
in people's chats keep working.

Callback data is untrusted: a malformed one (an unknown action, a missing or non-numeric id, an
extra part) raises `NotFound`, refused like a record this person may not see."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.notifications.callbacks import MAX_BYTES, WHOLE_PREFIX, callback_id, join
from bot.services.errors import NotFound

PREFIX = "cn"
WHOLE_KIND = PREFIX  # "whole:cn:<id>", the "Show the whole text" button of a cut card


@dataclass(frozen=True)
class Press:
    """One concern button. Subclasses name their `ACTION` and carry their arguments as
    fields, `int` (an id) or `str` (a choice's value), in the order they are written; a field
    with a default of None may be left out at the end."""

    ACTION: ClassVar[str]

    def pack(self) -> str:
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]
        while values and values[-1] is None:
            values.pop()
        return join(PREFIX, self.ACTION, *values)

    @classmethod
    def unpack(cls, args: Sequence[str]) -> Self:
        """From the parts after the action; `NotFound` when they do not fit."""
        fields = dataclasses.fields(cls)
        required = [f for f in fields if f.default is not None]
        if not len(required) <= len(args) <= len(fields):
            raise NotFound(f"malformed concern button {cls.ACTION!r}")
        values: list[int | str] = []
        for field, arg in zip(fields, args, strict=False):
            if field.type in ("int", "int | None"):
                values.append(callback_id(arg))
            else:
                values.append(arg)
        return cls(*values)


# --- a mentor's /concern ---------------------------------------------------------------------


@dataclass(frozen=True)
class New(Press):
    """Raise a concern on this match (offered at the end of a meeting log)."""

    ACTION = "new"
    match_id: int


@dataclass(frozen=True)
class Category(Press):
    ACTION = "c"
    category: str


@dataclass(frozen=True)
class SeverityPick(Press):
    ACTION = "s"
    severity: str


@dataclass(frozen=True)
class MatchPick(Press):
    ACTION = "m"
    match_id: int


@dataclass(frozen=True)
class Confirm(Press):
    ACTION = "ok"


@dataclass(frozen=True)
class Cancel(Press):
    ACTION = "x"


@dataclass(frozen=True)
class Continue(Press):
    ACTION = "go"


@dataclass(frozen=True)
class Restart(Press):
    """Start over, on this match if one is given."""

    ACTION = "rs"
    match_id: int | None = None


# --- a mentee's /problem ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem(Press):
    ACTION = "p"
    category: str


# --- the staff's card and /pending -----------------------------------------------------------


@dataclass(frozen=True)
class Open(Press):
    ACTION = "open"
    concern_id: int


@dataclass(frozen=True)
class Acknowledge(Press):
    ACTION = "ack"
    concern_id: int


@dataclass(frozen=True)
class Resolve(Press):
    ACTION = "res"
    concern_id: int


@dataclass(frozen=True)
class Reply(Press):
    ACTION = "rep"
    concern_id: int


@dataclass(frozen=True)
class Reassign(Press):
    ACTION = "ra"
    concern_id: int


@dataclass(frozen=True)
class ReassignTo(Press):
    ACTION = "to"
    concern_id: int
    worker_id: int


PRESSES: dict[str, type[Press]] = {
    cls.ACTION: cls
    for cls in (
        New, Category, SeverityPick, MatchPick, Confirm, Cancel, Continue, Restart, Problem,
        Open, Acknowledge, Resolve, Reply, Reassign, ReassignTo,
    )
}  # fmt: skip


def parse(args: Sequence[str]) -> Press:
    """A press from the parts after the prefix (`["ack", "12"]` for `"cn:ack:12"`)."""
    if not args or args[0] not in PRESSES:
        raise NotFound("unknown concern button")
    return PRESSES[args[0]].unpack(args[1:])


def whole_text(concern_id: int) -> str:
    """The "Show the whole text" button of a card cut to Telegram's length."""
    return join(WHOLE_PREFIX, WHOLE_KIND, concern_id)


__all__ = [
    "MAX_BYTES",
    "PREFIX",
    "PRESSES",
    "Acknowledge",
    "Cancel",
    "Category",
    "Confirm",
    "Continue",
    "MatchPick",
    "New",
    "Open",
    "Press",
    "Problem",
    "Reassign",
    "ReassignTo",
    "Reply",
    "Resolve",
    "Restart",
    "SeverityPick",
    "parse",
    "whole_text",
]
