"""The callback data of /erase's buttons, defined once: `"er:1:<person>"` the first
confirmation, `"er:2:<person>"` erase, `"er:x"` cancel; drawn and routed by handlers/erase.py.
The strings never change, so that buttons already in people's chats keep working; a malformed
press raises `NotFound`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses

PREFIX = "er"


@dataclass(frozen=True)
class Confirm(presses.Press):
    """ "Erase" on the card: ask once more."""

    PREFIX = PREFIX
    ACTION = "1"
    person_id: int


@dataclass(frozen=True)
class Erase(presses.Press):
    """ "Yes, erase for good"."""

    PREFIX = PREFIX
    ACTION = "2"
    person_id: int


@dataclass(frozen=True)
class Cancel(presses.Press):
    PREFIX = PREFIX
    ACTION = "x"


PRESSES: tuple[type[presses.Press], ...] = (Confirm, Erase, Cancel)


def parse(args: Sequence[str]) -> presses.Press:
    """An `er` press from the parts after the prefix (`["1", "12"]` for `"er:1:12"`)."""
    return presses.parse(PRESSES, args)
