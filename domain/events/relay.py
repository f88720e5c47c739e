"""Messages relayed between a family and its mentors."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class RelaySent(Event):
    """A mentee's offered message (`relay_id`) was passed on to its audience, the mentors or
    the office (`Relay.audience`): `addressed` everyone it was sent to (a header names the
    others), `told` those of them the bot can reach, who get a header line and the copy with
    a Reply button, after their quiet hours."""

    relay_id: int
    addressed: tuple[int, ...]
    told: tuple[int, ...]


@dataclass(frozen=True)
class RelayAnswered(Event):
    """A mentor's (or the worker's) answer (`relay_id`, the answer's own relay row) to a
    relayed message: the mentee who wrote gets it (`mentee_told`), the `mentors` who also
    had the message hear that it was answered."""

    relay_id: int
    mentee_told: bool
    mentors: tuple[int, ...]


@dataclass(frozen=True)
class RelayedToFamily(Event):
    """A mentor wrote to the family of `match_id`: the ready-made phrase numbered `phrase`,
    or their own message (`relay_id`); `told`, the members the bot can reach, get it after
    their quiet hours."""

    match_id: int
    mentor_id: int
    told: tuple[int, ...]
    relay_id: int | None = None
    phrase: int | None = None


__all__ = ["RelayAnswered", "RelaySent", "RelayedToFamily"]
