"""The callback data of /invite's and /newlink's buttons, defined once: drawn by the steps and
routed by `handlers.invite.on_press`. The strings never change, so that buttons already in
people's chats keep working:

- `iv:r:<role>` the role, `iv:l:<locale>` the language, `iv:s` no match (/invite);
- `iv:p:<person>` choose, `iv:y:<person>` confirm a new link (/newlink);
- `iv:x` cancel.

A malformed press raises `NotFound`; the services decide who may be invited or relinked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.notifications import presses
from bot.notifications.callbacks import join
from domain import Role

PREFIX = "iv"


@dataclass(frozen=True)
class ChooseRole(presses.Press):
    PREFIX = PREFIX
    ACTION = "r"
    role: Role


@dataclass(frozen=True)
class ChooseLanguage(presses.Press):
    """The handler checks the locale."""

    PREFIX = PREFIX
    ACTION = "l"
    locale: str


@dataclass(frozen=True)
class NoMatch(presses.Press):
    PREFIX = PREFIX
    ACTION = "s"


@dataclass(frozen=True)
class Pick(presses.Press):
    """A person found by /newlink."""

    PREFIX = PREFIX
    ACTION = "p"
    person_id: int


@dataclass(frozen=True)
class Relink(presses.Press):
    """ "Yes, make a new link"."""

    PREFIX = PREFIX
    ACTION = "y"
    person_id: int


@dataclass(frozen=True)
class Cancel(presses.Press):
    PREFIX = PREFIX
    ACTION = "x"


PRESSES: tuple[type[presses.Press], ...] = (
    ChooseRole,
    ChooseLanguage,
    NoMatch,
    Pick,
    Relink,
    Cancel,
)

# What the language buttons carry before the locale (`language_buttons` adds ":<locale>").
LANGUAGE_PREFIX = join(PREFIX, ChooseLanguage.ACTION)


def parse(args: Sequence[str]) -> presses.Press:
    """An `iv` press from the parts after the prefix (`["p", "12"]` for `"iv:p:12"`)."""
    return presses.parse(PRESSES, args)
