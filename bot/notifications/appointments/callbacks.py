"""The callback data of every appointment button, in one place: a frozen dataclass per press,
`pack()` to draw the button and `parse()` to route the press. The strings never change, so that
buttons already in people's chats keep working:

- a mentee's answer on a card: `"ans:<appointment>:<answer>:<card>:<sequence>"` (the card's
  kind, so that it can be shown again with the answer; the appointment's sequence, so that a
  press on a card of an earlier time is not taken for the new one);
- a mentor's Move and Cancel: `"ap:<action>:<appointment>"`;
- the steps of `/plan` and of moving one: `"pl:<action>:<arg>"`.

Callback data is untrusted: a malformed one raises `NotFound`, refused like a record this person
may not see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import ClassVar, Self

from bot.notifications.callbacks import callback_id, join
from bot.services.errors import NotFound
from domain import Answer

ANSWER_PREFIX = "ans"
MANAGE_PREFIX = "ap"
PLAN_PREFIX = "pl"

CARD_CODES = {"planned": "p", "moved": "m", "reminder": "r", "next": "x"}
CARD_BY_CODE = {code: kind for kind, code in CARD_CODES.items()}
ANSWER_CODES: dict[Answer, str] = {
    Answer.COMING: "c",
    Answer.CANNOT: "n",
    Answer.RESCHEDULE: "r",
}
ANSWER_BY_CODE = {code: answer for answer, code in ANSWER_CODES.items()}


# --- a mentee's answer -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerPress:
    """ "I'll be there", "I can't come" or "I'd like another time" on a card of `card` kind."""

    appointment_id: int
    answer: Answer
    card: str = "reminder"
    sequence: int | None = None

    def pack(self) -> str:
        return join(
            ANSWER_PREFIX,
            self.appointment_id,
            ANSWER_CODES[self.answer],
            CARD_CODES[self.card],
            self.sequence,
        )

    @classmethod
    def parse(cls, args: Sequence[str]) -> Self:
        """From the parts after the prefix. The card's kind and the sequence may be missing
        (read as a reminder's card, and any sequence)."""
        appointment, code, card, sequence = ([*args, "", "", "", ""])[:4]
        given = ANSWER_BY_CODE.get(code)
        if given is None or not appointment.isdigit():
            raise NotFound("malformed answer")
        seen = int(sequence) if sequence.isdigit() else None
        return cls(int(appointment), given, CARD_BY_CODE.get(card, "reminder"), seen)


# --- the mentors' Move and Cancel --------------------------------------------------------------


@dataclass(frozen=True)
class Manage:
    """A button on an appointment a mentor manages; subclasses name their `ACTION`."""

    ACTION: ClassVar[str]
    appointment_id: int

    def pack(self) -> str:
        return join(MANAGE_PREFIX, self.ACTION, self.appointment_id)


@dataclass(frozen=True)
class Move(Manage):
    ACTION = "m"


@dataclass(frozen=True)
class Cancel(Manage):
    """Cancel: asks first."""

    ACTION = "c"


@dataclass(frozen=True)
class CancelConfirmed(Manage):
    ACTION = "y"


@dataclass(frozen=True)
class Keep:
    """No, keep it (the answer to Cancel)."""

    ACTION: ClassVar[str] = "k"

    def pack(self) -> str:
        return join(MANAGE_PREFIX, self.ACTION)


MANAGE: dict[str, type[Manage]] = {cls.ACTION: cls for cls in (Move, Cancel, CancelConfirmed)}


def parse_manage(args: Sequence[str]) -> Manage | Keep:
    """A press from the parts after `ap` (`["c", "12"]` for `"ap:c:12"`)."""
    action, arg = ([*args, "", ""])[:2]
    if action == Keep.ACTION:
        return Keep()
    if action not in MANAGE:
        raise NotFound("no such action")
    return MANAGE[action](callback_id(arg))


# --- /plan and moving ------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A button of the planning conversation; subclasses name their `ACTION`, and those with
    an argument say how it is written (`arg`) and read (`unpack`)."""

    ACTION: ClassVar[str]

    def arg(self) -> str | None:
        return None

    def pack(self) -> str:
        arg = self.arg()
        return (
            join(PLAN_PREFIX, self.ACTION) if arg is None else join(PLAN_PREFIX, self.ACTION, arg)
        )

    @classmethod
    def unpack(cls, arg: str) -> Self:
        return cls()


@dataclass(frozen=True)
class Resume(Plan):
    """Continue the planning in progress."""

    ACTION = "go"


@dataclass(frozen=True)
class StartOver(Plan):
    ACTION = "new"


@dataclass(frozen=True)
class MatchPick(Plan):
    ACTION = "m"
    match_id: int

    def arg(self) -> str:
        return str(self.match_id)

    @classmethod
    def unpack(cls, arg: str) -> Self:
        return cls(callback_id(arg))


@dataclass(frozen=True)
class DayPick(Plan):
    ACTION = "d"
    day: date

    def arg(self) -> str:
        return f"{self.day:%Y%m%d}"

    @classmethod
    def unpack(cls, arg: str) -> Self:
        try:
            return cls(datetime.strptime(arg, "%Y%m%d").date())
        except ValueError:
            raise NotFound("malformed day") from None


@dataclass(frozen=True)
class AnotherDay(Plan):
    ACTION = "b"


@dataclass(frozen=True)
class TimePick(Plan):
    """A time of day, as the planner's clock reads it."""

    ACTION = "t"
    moment: time

    def arg(self) -> str:
        return f"{self.moment:%H%M}"

    @classmethod
    def unpack(cls, arg: str) -> Self:
        try:
            return cls(datetime.strptime(arg, "%H%M").time())
        except ValueError:
            raise NotFound("malformed time") from None


@dataclass(frozen=True)
class LastPlace(Plan):
    """The place of the match's last appointment, again."""

    ACTION = "p"


@dataclass(frozen=True)
class SkipNote(Plan):
    ACTION = "n"


@dataclass(frozen=True)
class Confirm(Plan):
    ACTION = "ok"


@dataclass(frozen=True)
class Discard(Plan):
    ACTION = "no"


PLAN: dict[str, type[Plan]] = {
    cls.ACTION: cls
    for cls in (
        Resume, StartOver, MatchPick, DayPick, AnotherDay, TimePick, LastPlace, SkipNote,
        Confirm, Discard,
    )
}  # fmt: skip


def parse_plan(args: Sequence[str]) -> Plan | None:
    """A press from the parts after `pl` (`["d", "20260310"]` for `"pl:d:20260310"`); None
    for an action no button carries."""
    action, arg = ([*args, "", ""])[:2]
    cls = PLAN.get(action)
    return None if cls is None else cls.unpack(arg)


__all__ = [
    "ANSWER_BY_CODE",
    "ANSWER_CODES",
    "ANSWER_PREFIX",
    "CARD_BY_CODE",
    "CARD_CODES",
    "MANAGE_PREFIX",
    "PLAN_PREFIX",
    "AnotherDay",
    "AnswerPress",
    "Cancel",
    "CancelConfirmed",
    "Confirm",
    "DayPick",
    "Discard",
    "Keep",
    "LastPlace",
    "Manage",
    "MatchPick",
    "Move",
    "Plan",
    "Resume",
    "SkipNote",
    "StartOver",
    "TimePick",
    "parse_manage",
    "parse_plan",
]
