"""Help requests: asked, answered, followed up, closed and overdue."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class HelpAsked(Event):
    """A help request with its first message; `staff` get its card."""

    request_id: int
    message_id: int
    staff: tuple[int, ...]
    preset: str | None = None


@dataclass(frozen=True)
class HelpAnswered(Event):
    """The staff wrote in a thread: the requester (`requester_told`) and the other `staff`
    read it."""

    request_id: int
    message_id: int
    author_id: int
    requester_told: bool
    staff: tuple[int, ...]


@dataclass(frozen=True)
class HelpFollowedUp(Event):
    """The requester wrote again in their thread; `staff` read it."""

    request_id: int
    message_id: int
    author_id: int
    staff: tuple[int, ...]


@dataclass(frozen=True)
class HelpClosed(Event):
    request_id: int
    closer_id: int
    told: tuple[int, ...]


@dataclass(frozen=True)
class HelpOverdue(Event):
    """Nobody on the staff answered in time; `coordinators` are told, once."""

    request_id: int
    message_id: int  # the request's first message
    coordinators: tuple[int, ...]


__all__ = ["HelpAnswered", "HelpAsked", "HelpClosed", "HelpFollowedUp", "HelpOverdue"]
