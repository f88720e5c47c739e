"""The relay's rules and values: the callback data of its buttons, what can be passed on, the
statuses of an offer, how many ready-made phrases there are, and what each step returns. What
people read (the header lines in front of a copy, the phrases) is `bot.notifications.relay`'s."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

REF = "relay"
PREFIX = "rl"
# The buttons of the feature (typed presses in `bot.services.relay.presses`, drawn and routed
# through the same classes): rl:<action>:<relay id>
SEND_MENTORS, SEND_OFFICE, DONT_SEND, ANSWER = "m", "o", "x", "a"
# A mentor's message to the family: rl:f:<match id> (the family chosen), rl:p:<phrase number>
# (a ready-made phrase), rl:w:<match id> (write freely)
TO_FAMILY, PHRASE, FREE = "f", "p", "w"
ACTIONS = frozenset({SEND_MENTORS, SEND_OFFICE, DONT_SEND, ANSWER, TO_FAMILY, PHRASE, FREE})

# What can be passed on (a Telegram message with one of these); other kinds are refused
# with a word on what can be sent.
KINDS = ("text", "voice", "photo", "document", "location", "video", "audio", "video_note")

OFFERED, SENT, DECLINED = "offered", "sent", "declined"
MENTORS, OFFICE, SENDER = "mentors", "office", "sender"


@dataclass(frozen=True)
class Offer:
    relay_id: int
    mentors: list[str]  # names of the mentors it would reach
    office: str | None  # the referring worker's name, when there is one


@dataclass(frozen=True)
class Delivery:
    """What became of a relayed message: who will get it and who could not be reached."""

    reached: list[str]
    unreached: list[tuple[str, str | None]] = field(default_factory=list)  # (name, phone)
    already: str | None = None  # the offer had been decided before: its status
    later: list[tuple[str, datetime]] = field(default_factory=list)  # held by quiet hours


@dataclass(frozen=True)
class Answering:
    relay_id: int
    name: str  # whom the answer goes to


@dataclass(frozen=True)
class Answered:
    name: str
    reached: bool
    phone: str | None  # the mentee's number, to phone when the bot could not reach them
    later: datetime | None = None  # when it reaches them, if their quiet hours hold it


# --- a mentor writes to the family ---------------------------------------------------------

FAMILY = "family"  # audience of a mentor's message to the family

# Ready-made phrases a mentor may send to the family, by number (rl:p:<number>); each member
# reads it in their own language (the texts: `bot.notifications.relay.PHRASES`).
PHRASE_COUNT = 7


@dataclass(frozen=True)
class FamilyChoice:
    match_id: int
    family_name: str


@dataclass(frozen=True)
class FamilyDelivery:
    family_name: str
    reached: list[str]
    unreached: list[tuple[str, str | None]] = field(default_factory=list)  # (name, phone)
    later: list[tuple[str, datetime]] = field(default_factory=list)  # held by quiet hours
