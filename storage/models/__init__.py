"""The domain's tables. Times are UTC; a person's locale and timezone apply only when rendering.

One module per area: `people` (organisations, people, families, invitations), `matches` (matches,
profiles, requests, offers, feedback), `oversight` (quiet alerts, check-ins, digests), `meetings`
(meetings, appointments, reminders, progress reports), `concerns` (help requests and concerns),
`messages` (outbox, relays, inbox, drafts) and `audit`; `base` holds the declarative base. Import
the tables from here: importing this package registers every table on `Base.metadata`.

The enums live in `domain` (free of SQLAlchemy) and `storage.match_life`, and are re-exported
from here for the code that imports them with the tables.
"""

from domain.enums import (
    Answer,
    AppointmentStatus,
    CheckInHow,
    CheckInParty,
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
from storage.match_life import (
    DEFAULT_REQUEST_AGE_LIMIT_DAYS,
    ClosureKind,
    ClosureReason,
    DeclineReason,
    FirstMeetingOutcome,
    Gender,
    MatchStage,
    OfferStatus,
    Party,
    RequestStatus,
    Urgency,
)
from storage.models.audit import AuditEvent
from storage.models.base import NAMING, Base
from storage.models.concerns import Concern, ConcernEvent, HelpMessage, HelpRequest
from storage.models.matches import (
    FamilyProfile,
    Match,
    MatchFeedback,
    MatchMentor,
    MatchOffer,
    MatchRequest,
    MentorProfile,
)
from storage.models.meetings import (
    Appointment,
    AppointmentAnswer,
    Meeting,
    ProgressReport,
    Reminder,
    ReportRequest,
)
from storage.models.messages import Draft, InboxUpdate, OutboxMessage, Relay
from storage.models.oversight import CheckIn, DigestRun, QuietAlert
from storage.models.people import ExportKey, Family, Invite, Organisation, Person

__all__ = [
    "DEFAULT_REQUEST_AGE_LIMIT_DAYS",
    "NAMING",
    "Answer",
    "Appointment",
    "AppointmentAnswer",
    "AppointmentStatus",
    "AuditEvent",
    "Base",
    "CheckIn",
    "CheckInHow",
    "CheckInParty",
    "ClosureKind",
    "ClosureReason",
    "Concern",
    "ConcernCategory",
    "ConcernEvent",
    "ConcernStatus",
    "Consent",
    "DeclineReason",
    "DigestRun",
    "Draft",
    "ExportKey",
    "Family",
    "FamilyProfile",
    "FirstMeetingOutcome",
    "Gender",
    "HelpKind",
    "HelpMessage",
    "HelpRequest",
    "InboxStatus",
    "InboxUpdate",
    "Invite",
    "JobStatus",
    "Match",
    "MatchFeedback",
    "MatchMentor",
    "MatchOffer",
    "MatchRequest",
    "MatchStage",
    "MatchStatus",
    "Meeting",
    "MentorProfile",
    "OfferStatus",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "Party",
    "Person",
    "ProgressReport",
    "QuietAlert",
    "Relay",
    "Reminder",
    "ReminderKind",
    "ReportRequest",
    "RequestStatus",
    "Role",
    "Severity",
    "ThreadStatus",
    "Urgency",
]
