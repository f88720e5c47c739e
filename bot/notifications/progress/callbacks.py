"""The callback data of every /report button, typed: one frozen class per press, drawn by the
questions (`handlers.progress_views`) and the programme's requests, read by `handlers.progress`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.notifications.callbacks import join
from bot.services.errors import Invalid

# --- callback data ---------------------------------------------------------------------------
# Every /report button: `"rp:<action>:<arg>"`, built and read here, never changed (buttons
# already in people's chats keep working). A malformed number is bad input (Invalid), as the
# conversation's other answers are; an action no button carries parses as None.

PREFIX = "rp"


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid("bad_data") from None


@dataclass(frozen=True)
class Press:
    """One /report button; subclasses name their `ACTION` and the step it answers (`STATE`,
    empty for those that work at any step)."""

    ACTION: ClassVar[str]
    STATE: ClassVar[str] = ""

    def args(self) -> tuple[object, ...]:
        return ()

    def pack(self) -> str:
        return join(PREFIX, self.ACTION, *self.args())


@dataclass(frozen=True)
class MatchPick(Press):
    """A family chosen, or "Report now" on the programme's request."""

    ACTION = "m"
    match_id: int

    def args(self) -> tuple[object, ...]:
        return (self.match_id,)


@dataclass(frozen=True)
class Continue(Press):
    """Continue the report in progress."""

    ACTION = "go"

    def args(self) -> tuple[object, ...]:
        return ("c",)


@dataclass(frozen=True)
class StartOver(Press):
    """Start a new report, on this match if one is given."""

    ACTION = "go"
    match_id: int | None = None

    def args(self) -> tuple[object, ...]:
        return ("n",) if self.match_id is None else ("n", self.match_id)


@dataclass(frozen=True)
class Rate(Press):
    ACTION, STATE = "r", "rate"
    rating: int

    def args(self) -> tuple[object, ...]:
        return (self.rating,)


@dataclass(frozen=True)
class SkipComment(Press):
    ACTION, STATE = "c", "comment"

    def args(self) -> tuple[object, ...]:
        return ("skip",)


@dataclass(frozen=True)
class Relationship(Press):
    ACTION, STATE = "rel", "rel"
    rating: int

    def args(self) -> tuple[object, ...]:
        return (self.rating,)


@dataclass(frozen=True)
class Support(Press):
    ACTION, STATE = "sup", "sup"
    needed: bool

    def args(self) -> tuple[object, ...]:
        return ("1" if self.needed else "0",)


@dataclass(frozen=True)
class Confirm(Press):
    ACTION, STATE = "ok", "summary"


@dataclass(frozen=True)
class Discard(Press):
    ACTION, STATE = "x", "summary"


def parse(args: Sequence[str]) -> Press | None:
    """A press from the parts after the prefix (`["r", "3"]` for `"rp:r:3"`)."""
    action, arg, extra = [*args, "", "", ""][:3]
    if action == "m":
        return MatchPick(_number(arg))
    if action == "go":
        if arg == "c":
            return Continue()
        return StartOver(_number(extra) if extra else None)
    if action == "r":
        return Rate(_number(arg))
    if action == "rel":
        return Relationship(_number(arg))
    if action == "sup":
        return Support(arg == "1")
    simple: dict[str, type[Press]] = {"c": SkipComment, "ok": Confirm, "x": Discard}
    return simple[action]() if action in simple else None
