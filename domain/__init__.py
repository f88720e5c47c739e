"""Domain values: enums and small value types shared by storage, services and handlers.

The bottom layer: imports nothing from `storage`, `bot`, `handlers`, SQLAlchemy or Telegram
(checked by the import contracts in pyproject.toml).
"""

from domain.enums import (
    Answer,
    AppointmentStatus,
    ConcernCategory,
    ConcernStatus,
    Consent,
    HelpKind,
    InboxStatus,
    JobStatus,
    MatchStatus,
    OutboxStatus,
    ReminderKind,
    Role,
    Severity,
    ThreadStatus,
)
from domain.values import Buttons

__all__ = [
    "Answer",
    "AppointmentStatus",
    "Buttons",
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
