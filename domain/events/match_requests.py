"""Requests for mentors and offers to them."""

from __future__ import annotations

from dataclasses import dataclass

from domain.events.base import Event


@dataclass(frozen=True)
class MentorsRequested(Event):
    """A worker asked for mentors for a family; `coordinators` are told, with the request's
    button."""

    request_id: int
    coordinators: tuple[int, ...]


@dataclass(frozen=True)
class RequestOverdue(Event):
    """An open request waited longer than its organisation's limit; `coordinators` are told,
    once."""

    request_id: int
    coordinators: tuple[int, ...]


@dataclass(frozen=True)
class MentorAsked(Event):
    """A coordinator asked a mentor to join a family's team: the mentor gets the offer (the
    summary stored with it) and its buttons."""

    offer_id: int
    mentor_id: int


@dataclass(frozen=True)
class OfferAnswered(Event):
    """A mentor accepted or declined (the offer row holds which, and the reason); `staff`
    (the coordinators, then the referring worker) are told."""

    offer_id: int
    staff: tuple[int, ...]


__all__ = ["MentorAsked", "MentorsRequested", "OfferAnswered", "RequestOverdue"]
