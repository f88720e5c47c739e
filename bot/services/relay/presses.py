"""The relay's buttons as typed presses, drawn (`bot.notifications.relay`, `handlers.relay`)
and routed (`handlers.relay.passing`) through the same classes. The strings never change, so
that buttons already in people's chats keep working:

- under a mentee's message: `rl:m:<relay>` send it to the mentors, `rl:o:<relay>` to the
  office, `rl:x:<relay>` do not send it;
- under a copy: `rl:a:<relay>` answer it;
- a mentor writing to the family: `rl:f:<match>` the family chosen, `rl:p:<phrase number>` a
  ready-made phrase, `rl:w:<match>` write freely.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import presses
from bot.services.relay.rules import (
    ANSWER,
    DONT_SEND,
    FREE,
    PHRASE,
    PREFIX,
    SEND_MENTORS,
    SEND_OFFICE,
    TO_FAMILY,
)


@dataclass(frozen=True)
class SendToMentors(presses.Press):
    PREFIX = PREFIX
    ACTION = SEND_MENTORS
    relay_id: int


@dataclass(frozen=True)
class SendToOffice(presses.Press):
    PREFIX = PREFIX
    ACTION = SEND_OFFICE
    relay_id: int


@dataclass(frozen=True)
class DontSend(presses.Press):
    PREFIX = PREFIX
    ACTION = DONT_SEND
    relay_id: int


@dataclass(frozen=True)
class Answer(presses.Press):
    PREFIX = PREFIX
    ACTION = ANSWER
    relay_id: int


@dataclass(frozen=True)
class ToFamily(presses.Press):
    PREFIX = PREFIX
    ACTION = TO_FAMILY
    match_id: int


@dataclass(frozen=True)
class Phrase(presses.Press):
    PREFIX = PREFIX
    ACTION = PHRASE
    number: int


@dataclass(frozen=True)
class Free(presses.Press):
    PREFIX = PREFIX
    ACTION = FREE
    match_id: int


RelayPress = SendToMentors | SendToOffice | DontSend | Answer | ToFamily | Phrase | Free
PRESSES: tuple[type[RelayPress], ...] = (
    SendToMentors,
    SendToOffice,
    DontSend,
    Answer,
    ToFamily,
    Phrase,
    Free,
)
BY_ACTION = {cls.ACTION: cls for cls in PRESSES}
WRITING = (ToFamily, Phrase, Free)  # a mentor writing to the family


def parse(args: Sequence[str]) -> RelayPress:
    """A `rl` press from the parts after the prefix (`["a", "12"]` for `"rl:a:12"`);
    `NotFound` when they do not fit."""
    press = presses.parse(PRESSES, args)
    assert isinstance(press, PRESSES)
    return press


def data(action: str, number: int) -> str:
    """The callback data of the relay button `action` carrying `number` (a relay's, a match's
    or a phrase's): the press class's `pack()`, by action."""
    return BY_ACTION[action](number).pack()
