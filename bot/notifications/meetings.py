"""The callback data of every meeting-log button (`lg:`). The activity and mood labels a
meeting log is shown with are in `bot.services.meetings.labels`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from bot.notifications.callbacks import join
from bot.services.errors import Invalid

# --- callback data ---------------------------------------------------------------------------
# Every /log and /mylogs button: `"lg:<action>:<arg>"`, built and read here, never changed
# (buttons already in people's chats keep working). A malformed number is bad input (Invalid),
# as the conversation's other answers are; an action no button carries parses as None.

PREFIX = "lg"


def _number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid("bad_data") from None


@dataclass(frozen=True)
class Press:
    """One meeting-log button; subclasses name their `ACTION` and the step of the log it
    answers (`STATE`, empty for those that work at any step)."""

    ACTION: ClassVar[str]
    STATE: ClassVar[str] = ""

    def args(self) -> tuple[object, ...]:
        return ()

    def pack(self) -> str:
        return join(PREFIX, self.ACTION, *self.args())


@dataclass(frozen=True)
class EditMeeting(Press):
    """Correct a meeting listed by /mylogs; `start_over`: drop the log in progress."""

    ACTION = "me"
    meeting_id: int
    start_over: bool = False

    def args(self) -> tuple[object, ...]:
        return (self.meeting_id, "n") if self.start_over else (self.meeting_id,)


@dataclass(frozen=True)
class Continue(Press):
    ACTION = "go"

    def args(self) -> tuple[object, ...]:
        return ("c",)


@dataclass(frozen=True)
class StartOver(Press):
    ACTION = "go"

    def args(self) -> tuple[object, ...]:
        return ("n",)


@dataclass(frozen=True)
class MatchPick(Press):
    ACTION, STATE = "m", "match"
    match_id: int

    def args(self) -> tuple[object, ...]:
        return (self.match_id,)


@dataclass(frozen=True)
class DayPick(Press):
    """Today (0) or yesterday (1)."""

    ACTION, STATE = "d", "day"
    days_back: int

    def args(self) -> tuple[object, ...]:
        return (self.days_back,)


@dataclass(frozen=True)
class MinutesPick(Press):
    """A duration; None when the button's number cannot be read (asked again)."""

    ACTION, STATE = "t", "minutes"
    minutes: int | None

    def args(self) -> tuple[object, ...]:
        return (self.minutes,)


@dataclass(frozen=True)
class ActivityPick(Press):
    """Tick or untick an activity (`ACTIVITIES`)."""

    ACTION, STATE = "a", "acts"
    code: str

    def args(self) -> tuple[object, ...]:
        return (self.code,)


@dataclass(frozen=True)
class ActivitiesDone(Press):
    ACTION, STATE = "a", "acts"

    def args(self) -> tuple[object, ...]:
        return ("done",)


@dataclass(frozen=True)
class MoodPick(Press):
    ACTION, STATE = "md", "mood"
    mood: int

    def args(self) -> tuple[object, ...]:
        return (self.mood,)


@dataclass(frozen=True)
class SkipNotes(Press):
    ACTION, STATE = "n", "notes"

    def args(self) -> tuple[object, ...]:
        return ("skip",)


@dataclass(frozen=True)
class Confirm(Press):
    ACTION, STATE = "ok", "summary"


@dataclass(frozen=True)
class Edit(Press):
    ACTION, STATE = "ed", "summary"


@dataclass(frozen=True)
class Discard(Press):
    ACTION, STATE = "x", "summary"


@dataclass(frozen=True)
class EditField(Press):
    """A field to change from the edit menu, or "back" to the summary."""

    ACTION, STATE = "ef", "edit"
    field: str

    def args(self) -> tuple[object, ...]:
        return (self.field,)


@dataclass(frozen=True)
class Duplicate(Press):
    """The answer to "already logged that day": "add", "edit" or "day"."""

    ACTION, STATE = "dup", "dup"
    choice: str

    def args(self) -> tuple[object, ...]:
        return (self.choice,)


_PLAIN: dict[str, type[Press]] = {"n": SkipNotes, "ok": Confirm, "ed": Edit, "x": Discard}


def parse(args: Sequence[str]) -> Press | None:
    """A press from the parts after the prefix (`["md", "4"]` for `"lg:md:4"`)."""
    action, arg, extra = [*args, "", "", ""][:3]
    if action == "me":
        return EditMeeting(_number(arg), extra == "n")
    if action == "go":
        return Continue() if arg == "c" else StartOver()
    numbers: dict[str, Callable[[int], Press]] = {"m": MatchPick, "d": DayPick, "md": MoodPick}
    if action in numbers:
        return numbers[action](_number(arg))
    if action == "t":
        try:
            return MinutesPick(int(arg))
        except ValueError:
            return MinutesPick(None)
    if action == "a":
        return ActivitiesDone() if arg == "done" else ActivityPick(arg)
    if action == "ef":
        return EditField(arg)
    if action == "dup":
        return Duplicate(arg)
    return _PLAIN[action]() if action in _PLAIN else None
