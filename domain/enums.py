"""The domain's fixed lists: who a person is, where a match, a concern or a message stands.

Plain Python, free of SQLAlchemy and Telegram, so that pure rules and handlers can use them
without touching the ORM. `storage.models` re-exports every name for the code that already
imports them from there; new code imports from `domain`.
"""

from __future__ import annotations

import enum

__all__ = [
    "Answer",
    "AppointmentStatus",
    "CheckInHow",
    "CheckInParty",
    "ConcernCategory",
    "ConcernStatus",
    "Consent",
    "HelpKind",
    "InboxStatus",
    "JobStatus",
    "MatchStatus",
    "OutboxStatus",
    "ReminderKind",
    "Role",
    "Severity",
    "ThreadStatus",
]


class Role(enum.StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    WORKER = "worker"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self in (Role.WORKER, Role.COORDINATOR, Role.ADMIN)


class Consent(enum.StrEnum):
    PENDING = "pending"
    GIVEN = "given"
    DECLINED = "declined"


class MatchStatus(enum.StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    CLOSED = "closed"


class AppointmentStatus(enum.StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class Answer(enum.StrEnum):
    COMING = "coming"
    CANNOT = "cannot"
    RESCHEDULE = "reschedule"


class ReminderKind(enum.StrEnum):
    REMINDER = "reminder"
    NO_ANSWER = "no_answer"


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class HelpKind(enum.StrEnum):
    PRACTICAL = "practical"
    RELATIONSHIP = "relationship"
    SUPPORT = "support"
    MENTEE = "mentee"


class ThreadStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    EMERGENCY = "emergency"


class ConcernCategory(enum.StrEnum):
    WELLBEING = "wellbeing"
    SAFETY = "safety"
    HEALTH = "health"
    HOUSING = "housing"
    LEGAL = "legal"
    MONEY = "money"
    RELATIONSHIP = "relationship"
    OTHER = "other"


class ConcernStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    UNACKNOWLEDGED = "unacknowledged"  # every level was tried; shown to all staff


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class InboxStatus(enum.StrEnum):
    PENDING = "pending"  # stored, not handled yet
    REPLYING = "replying"  # handled and committed; its replies are owed
    DONE = "done"  # handled, replies delivered (or nothing to say)
    FAILED = "failed"  # set aside after failing repeatedly (error code kept)
    REPLY_FAILED = "reply_failed"  # handled, but a reply could not be delivered


class CheckInParty(enum.StrEnum):
    """Whom a member of staff contacted about a match."""

    MENTOR = "mentor"
    MENTEE = "mentee"
    FAMILY = "family"


class CheckInHow(enum.StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    MESSAGE = "message"
    GROUP = "group"  # a group session
