"""What the help services return: plain values, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain import HelpKind, ThreadStatus


@dataclass(frozen=True)
class MatchChoice:
    id: int
    family_name: str
    worker_name: str


@dataclass(frozen=True)
class Sent:
    """A message stored in a thread and queued for the other side."""

    request_id: int
    message_id: int
    recipients: int  # how many people it was queued for
    worker_name: str


@dataclass(frozen=True)
class Thread:
    """A help request as one participant sees it."""

    id: int
    kind: HelpKind
    status: ThreadStatus
    requester_id: int
    requester_name: str
    as_staff: bool  # the viewer answers for the programme


@dataclass(frozen=True)
class Closed:
    request_id: int
    already: bool  # it was closed before this press; nothing changed
    told: int  # how many people were told


@dataclass(frozen=True)
class OpenHelp:
    """An open help request, for staff lists."""

    id: int
    kind: HelpKind
    requester_name: str
    created_at: datetime
    answer_due_at: datetime | None
    requester_id: int
    worker_id: int
    match_id: int | None
