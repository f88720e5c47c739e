"""The help buttons' callback data, defined once: drawn by the cards and the handlers' replies,
parsed when a press is routed. `"hp:<action>[:<arg>]"`, at most 64 bytes; the strings are the
ones buttons already sent carry, so an old button still works.

The "whole text" button of a cut card belongs to the shared `whole` prefix (`WholeText`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.notifications.callbacks import MAX_BYTES as MAX_BYTES  # re-exported: the limit
from bot.notifications.callbacks import WHOLE_PREFIX, callback_id, checked
from bot.services.errors import NotFound
from domain import HelpKind

PREFIX = "hp"

# The one-letter codes of a mentor's kinds ("hp:k:p").
KIND_CODES: dict[str, HelpKind] = {
    "p": HelpKind.PRACTICAL,
    "r": HelpKind.RELATIONSHIP,
    "s": HelpKind.SUPPORT,
}
CODE_OF = {kind: code for code, kind in KIND_CODES.items()}


def _pack(action: str, arg: str | None = None) -> str:
    return checked(f"{PREFIX}:{action}" if arg is None else f"{PREFIX}:{action}:{arg}")


@dataclass(frozen=True)
class Reply:
    """Answer in a thread (cards and relayed answers)."""

    ACTION: ClassVar[str] = "r"
    request_id: int

    def pack(self) -> str:
        return _pack(self.ACTION, str(self.request_id))

    @classmethod
    def from_arg(cls, arg: str) -> Reply:
        return cls(callback_id(arg))


@dataclass(frozen=True)
class Close:
    """Close a thread."""

    ACTION: ClassVar[str] = "c"
    request_id: int

    def pack(self) -> str:
        return _pack(self.ACTION, str(self.request_id))

    @classmethod
    def from_arg(cls, arg: str) -> Close:
        return cls(callback_id(arg))


@dataclass(frozen=True)
class NeedHelp:
    """A mentee's "I need help"."""

    ACTION: ClassVar[str] = "n"

    def pack(self) -> str:
        return _pack(self.ACTION)

    @classmethod
    def from_arg(cls, arg: str) -> NeedHelp:
        return cls()


@dataclass(frozen=True)
class ChooseKind:
    """A mentor picks what the question is about."""

    ACTION: ClassVar[str] = "k"
    kind: HelpKind

    def pack(self) -> str:
        return _pack(self.ACTION, CODE_OF[self.kind])

    @classmethod
    def from_arg(cls, arg: str) -> ChooseKind:
        kind = KIND_CODES.get(arg)
        if kind is None:
            raise NotFound("no such kind")
        return cls(kind)


@dataclass(frozen=True)
class ChooseMatch:
    """A mentor with several matches picks the family."""

    ACTION: ClassVar[str] = "m"
    match_id: int

    def pack(self) -> str:
        return _pack(self.ACTION, str(self.match_id))

    @classmethod
    def from_arg(cls, arg: str) -> ChooseMatch:
        return cls(callback_id(arg))


@dataclass(frozen=True)
class Preset:
    """A mentee sends a ready-made message with one tap."""

    ACTION: ClassVar[str] = "q"
    code: str

    def pack(self) -> str:
        return _pack(self.ACTION, self.code)

    @classmethod
    def from_arg(cls, arg: str) -> Preset:
        return cls(arg)  # the service checks the code (a stale one is refused there)


@dataclass(frozen=True)
class Resume:
    """Go on with a question begun earlier."""

    ACTION: ClassVar[str] = "go"

    def pack(self) -> str:
        return _pack(self.ACTION)

    @classmethod
    def from_arg(cls, arg: str) -> Resume:
        return cls()


@dataclass(frozen=True)
class StartOver:
    """Drop a question begun earlier and ask again."""

    ACTION: ClassVar[str] = "new"

    def pack(self) -> str:
        return _pack(self.ACTION)

    @classmethod
    def from_arg(cls, arg: str) -> StartOver:
        return cls()


Press = Reply | Close | NeedHelp | ChooseKind | ChooseMatch | Preset | Resume | StartOver
PRESSES: tuple[type[Press], ...] = (
    Reply,
    Close,
    NeedHelp,
    ChooseKind,
    ChooseMatch,
    Preset,
    Resume,
    StartOver,
)
_BY_ACTION: dict[str, type[Press]] = {cls.ACTION: cls for cls in PRESSES}


def parse(args: list[str]) -> Press:
    """A press from the parts after the prefix (as the router hands them over); NotFound for
    an unknown or malformed one. Parts after the argument are ignored, as they always were."""
    action, arg = [*args, "", ""][:2]
    cls = _BY_ACTION.get(action)
    if cls is None:
        raise NotFound("unknown help button")
    return cls.from_arg(arg)


def unpack(data: str) -> Press:
    """A press from its whole callback data ("hp:r:12")."""
    prefix, *args = checked(data).split(":")
    if prefix != PREFIX:
        raise NotFound("not a help button")
    return parse(args)


@dataclass(frozen=True)
class WholeText:
    """Show the whole of a help message whose card was cut ("whole:hm:<message id>")."""

    PREFIX: ClassVar[str] = WHOLE_PREFIX
    KIND: ClassVar[str] = "hm"
    message_id: int

    def pack(self) -> str:
        return checked(f"{self.PREFIX}:{self.KIND}:{self.message_id}")


# The data the services and older callers spell by name.
def reply_data(request_id: int) -> str:
    return Reply(request_id).pack()


def close_data(request_id: int) -> str:
    return Close(request_id).pack()


def whole_data(message_id: int) -> str:
    return WholeText(message_id).pack()


NEED_HELP_DATA = NeedHelp().pack()  # starts a mentee's "I need help"
