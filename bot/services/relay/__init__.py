"""A mentee's own words reach people: a text, voice note, photo, document or location a
mentee sends outside any conversation is offered to them to pass on ("Send this to Tom and
Marta?") to the mentors of their family's active match, or to its referring worker ("to the
office"); a mentor (or that worker) answers with the Reply button and the answer goes back
to the mentee. A mentor may also write to the whole family.

Relayed messages are copied (`copyMessage`, see bot/delivery), never forwarded: nobody
sees anybody's Telegram account or number, and the content is not stored here (a `Relay` row
keeps ids only). Each copy comes after a line, in the reader's language, saying who wrote and
in which language. The sender is told what became of their message: who has it, who could
not be reached (and how to reach them instead), or that it was not sent.

The service decides who gets what and when, and records it as a domain event (`RelaySent`,
`RelayAnswered`, `RelayedToFamily`); the header lines, the copies, the phrases and the Reply
button each reader gets are `bot.notifications.relay`'s.

| module | holds |
|---|---|
| `rules` | the buttons' actions, kinds, statuses, the values returned |
| `presses` | the buttons as typed presses (`data` packs one by action) |
| `queries` | who a message reaches and who may act on it |
| `copies` | when a message reaches one reader (quiet hours); the tally of who has it |
| `offers` | a mentee's message offered, sent on or declined |
| `answers` | an answer back to the mentee |
| `family` | a mentor's phrase or message to the family |
"""

from bot.services.relay.answers import answer, start_answer
from bot.services.relay.copies import quiet_end, reach
from bot.services.relay.family import to_family
from bot.services.relay.offers import decline, offer, send
from bot.services.relay.presses import data
from bot.services.relay.queries import family_choice, mentor_families
from bot.services.relay.rules import (
    ACTIONS,
    ANSWER,
    DECLINED,
    DONT_SEND,
    FAMILY,
    FREE,
    KINDS,
    MENTORS,
    OFFERED,
    OFFICE,
    PHRASE,
    PHRASE_COUNT,
    PREFIX,
    REF,
    SEND_MENTORS,
    SEND_OFFICE,
    SENDER,
    SENT,
    TO_FAMILY,
    Answered,
    Answering,
    Delivery,
    FamilyChoice,
    FamilyDelivery,
    Offer,
)

__all__ = [
    "ACTIONS",
    "ANSWER",
    "DECLINED",
    "DONT_SEND",
    "FAMILY",
    "FREE",
    "KINDS",
    "MENTORS",
    "OFFERED",
    "OFFICE",
    "PHRASE",
    "PHRASE_COUNT",
    "PREFIX",
    "REF",
    "SENDER",
    "SEND_MENTORS",
    "SEND_OFFICE",
    "SENT",
    "TO_FAMILY",
    "Answered",
    "Answering",
    "Delivery",
    "FamilyChoice",
    "FamilyDelivery",
    "Offer",
    "answer",
    "data",
    "decline",
    "family_choice",
    "mentor_families",
    "offer",
    "quiet_end",
    "reach",
    "send",
    "start_answer",
    "to_family",
]
