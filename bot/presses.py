"""A typed button press for features whose callback data is `"<prefix>[:<action>]:<arg>…"`:
a frozen dataclass per press, `pack()` to draw the button and `unpack()` to read the parts the
router hands over. Fields are written in order: an `int` is an id (untrusted: a malformed one
is `NotFound`), an enum its value (an unknown one is `NotFound`).

What every feature's callback data shares lives here too: Telegram's 64-byte limit and ids
carried as untrusted text. The module depends on nothing but the services' errors, so the
services may define their presses with it (`bot.services.relay.presses`); the notifications
layer re-exports it (`bot.notifications.presses`, `bot.notifications.callbacks`)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self, get_type_hints

from bot.services.errors import NotFound

MAX_BYTES = 64  # Telegram's limit on callback data


def checked(data: str) -> str:
    """`data`, refused when it is over Telegram's limit."""
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes")
    return data


def join(*parts: object) -> str:
    """The parts joined with ":", checked against the limit."""
    return checked(":".join(str(p) for p in parts))


def callback_id(arg: str) -> int:
    """An id carried by a button: untrusted, so a malformed one is refused like a record the
    presser may not see."""
    try:
        return int(arg)
    except ValueError:
        raise NotFound("malformed id") from None


@dataclass(frozen=True)
class Press:
    """Subclasses name their `PREFIX` and their `ACTION` (None: the prefix alone)."""

    PREFIX: ClassVar[str]
    ACTION: ClassVar[str | None] = None

    def pack(self) -> str:
        values = [getattr(self, f.name) for f in dataclasses.fields(self)]
        parts = [v.value if isinstance(v, enum.Enum) else v for v in values]
        head = [self.PREFIX] if self.ACTION is None else [self.PREFIX, self.ACTION]
        return join(*head, *parts)

    @classmethod
    def unpack(cls, args: Sequence[str]) -> Self:
        """From the parts after the action; `NotFound` when they do not fit."""
        fields = dataclasses.fields(cls)
        if len(args) != len(fields):
            raise NotFound(f"malformed button {cls.PREFIX}:{cls.ACTION}")
        hints = get_type_hints(cls)
        return cls(*(_value(hints[f.name], arg) for f, arg in zip(fields, args, strict=True)))


def _value(kind: Any, arg: str) -> Any:
    if kind is int:
        return callback_id(arg)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(arg)
        except ValueError:
            raise NotFound("unknown value") from None
    return arg


def parse(presses: Sequence[type[Press]], args: Sequence[str]) -> Press:
    """The press among `presses` (one prefix) named by `args[0]`, from the rest of `args`."""
    by_action = {cls.ACTION: cls for cls in presses}
    if not args or args[0] not in by_action:
        raise NotFound("unknown button")
    return by_action[args[0]].unpack(args[1:])
