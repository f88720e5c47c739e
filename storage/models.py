"""The domain's tables. Times are UTC; a person's locale and timezone apply only when rendering."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The enums live in `domain` (free of SQLAlchemy) and are re-exported from here for the code
# that imports them with the tables (mypy: implicit_reexport for this module).
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
from storage.types import EncryptedBytes, EncryptedJSON, EncryptedText, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        name=cls.__name__.lower(),
    )


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    emergency_phone: Mapped[str] = mapped_column(String(32), default="112")
    office_phone: Mapped[str | None] = mapped_column(String(32))
    office_hours: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(300))
    # Help lines by purpose ("gender_violence": "016"; bot.services.help_lines); the
    # emergency number is `emergency_phone`.
    help_lines: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Policy, per organisation, with the defaults of DESIGN.md.
    reminder_offsets_minutes: Mapped[list[Any]] = mapped_column(default=lambda: [1440, 240])
    confirm_by_minutes: Mapped[int] = mapped_column(default=120)
    report_cadence_days: Mapped[int] = mapped_column(default=30)
    help_target_hours: Mapped[int] = mapped_column(default=48)
    ack_deadlines_minutes: Mapped[dict[str, Any]] = mapped_column(
        default=lambda: {"emergency": 15, "high": 240, "medium": 1440, "low": 4320}
    )
    # The life of a match (storage/match_life.py).
    request_age_limit_days: Mapped[int] = mapped_column(default=DEFAULT_REQUEST_AGE_LIMIT_DAYS)
    evaluation_months: Mapped[list[Any]] = mapped_column(default=lambda: [3, 6])
    evaluation_every_months: Mapped[int] = mapped_column(default=6)  # after the last point
    rematch_policy: Mapped[str | None] = mapped_column(Text)
    contact_policy: Mapped[str | None] = mapped_column(Text)  # after a match closes
    # Days without a logged meeting before the mentors, the referring worker and the
    # coordinators hear that a match is quiet (bot.services.quiet).
    quiet_days: Mapped[list[Any]] = mapped_column(default=lambda: [14, 28, 45])
    # How often staff check in with each party of a match (bot.services.checkins): contacts in
    # the first month from the day the match became active, then per calendar month.
    checkin_cadence: Mapped[dict[str, Any]] = mapped_column(
        default=lambda: {"first_month": 2, "monthly": 1}
    )
    # The staff's weekly digest: weekday (0 Monday) and hour, in each reader's own timezone.
    digest_weekday: Mapped[int] = mapped_column(default=0)
    digest_hour: Mapped[int] = mapped_column(default=8)
    # When a mentor is flagged to the coordinators as maybe needing support: the keys set
    # here override bot.services.support.DEFAULTS.
    support_thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # How long each kind of record is kept (bot/services/retention.py has the defaults).
    retention: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class ExportKey(Base):
    """An organisation's secret for pseudonyms in exports (keyed HMAC): made on the first
    pseudonymised export, kept here, never exported, so the same person gets the same
    pseudonym in every export and nobody without it can recompute one from a phone number."""

    __tablename__ = "export_key"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Family(Base):
    __tablename__ = "family"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]

    members: Mapped[list[Person]] = relationship(back_populates="family", lazy="raise")


class Person(Base):
    __tablename__ = "person"
    # People are found by name within their organisation (imports, duplicate checks).
    __table_args__ = (Index("ix_person_name_org", "name", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(16))  # chosen by the person
    # How the person asked to be addressed where a language marks gender: "feminine",
    # "masculine", or None (neutral forms, the default; also for anyone who did not answer).
    address: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))  # None: the organisation's
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    share_phone: Mapped[bool] = mapped_column(default=False)
    share_email: Mapped[bool] = mapped_column(default=False)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"), index=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_language: Mapped[str | None] = mapped_column(String(16))  # client language
    consent: Mapped[Consent] = mapped_column(_enum(Consent), default=Consent.PENDING)
    consent_at: Mapped[datetime | None]
    reachable: Mapped[bool] = mapped_column(default=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")  # local HH:MM
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    # The labels of the reply keyboard last sent to this mentee (JSON text, {action: label}):
    # a tap on one still works after the catalogs or their language changed, and the
    # keyboard is sent again with the new labels. Text, not JSON: people are selected with
    # DISTINCT, which PostgreSQL's json type does not allow.
    keyboard_labels: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    erased_at: Mapped[datetime | None]  # erased: the row keeps only ids, role and dates
    created_at: Mapped[datetime]

    family: Mapped[Family | None] = relationship(back_populates="members", lazy="raise")


class Invite(Base):
    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Match(Base):
    __tablename__ = "match"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[MatchStatus] = mapped_column(_enum(MatchStatus), default=MatchStatus.ACTIVE)
    started_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None]
    closure_reason: Mapped[str | None] = mapped_column(EncryptedText("match.closure_reason"))
    anonymised_at: Mapped[datetime | None]  # its texts removed, after the retention period
    created_at: Mapped[datetime]
    # The life of a match (storage/match_life.py). Matches made in the CLI are ACTIVE.
    stage: Mapped[MatchStage] = mapped_column(_enum(MatchStage), default=MatchStage.ACTIVE)
    initiated_on: Mapped[date | None] = mapped_column(Date)  # everyone agreed to start
    closure_code: Mapped[ClosureReason | None] = mapped_column(_enum(ClosureReason))
    closure_kind: Mapped[ClosureKind | None] = mapped_column(_enum(ClosureKind))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    first_meeting_outcome: Mapped[FirstMeetingOutcome | None] = mapped_column(
        _enum(FirstMeetingOutcome)
    )
    # Each closure step and when it was done: {"appointments_cancelled": {"at": …, "n": 2}, …}
    closure_steps: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MatchMentor(Base):
    __tablename__ = "match_mentor"

    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)


class MentorProfile(Base):
    """What matching knows of a mentor. Filled by staff (CLI, CSV) or the mentor (`/profile`)."""

    __tablename__ = "mentor_profile"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    languages: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"ar": 3}: LanguageLevel
    area: Mapped[str | None] = mapped_column(String(100))
    availability: Mapped[list[Any]] = mapped_column(default=list)  # ["tue:eve", ...]
    skills: Mapped[list[Any]] = mapped_column(default=list)  # Topic values
    capacity: Mapped[int] = mapped_column(default=1)  # families at once
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender))
    updated_at: Mapped[datetime]


class FamilyProfile(Base):
    """What matching knows of a family. Filled by staff (CLI, CSV, `/request`)."""

    __tablename__ = "family_profile"

    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), primary_key=True)
    languages: Mapped[dict[str, Any]] = mapped_column(default=dict)
    area: Mapped[str | None] = mapped_column(String(100))
    needs: Mapped[list[Any]] = mapped_column(default=list)  # Topic values
    availability: Mapped[list[Any]] = mapped_column(default=list)
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"mentor_gender": ...}
    updated_at: Mapped[datetime]


class MatchRequest(Base):
    """A referring worker asking for mentors for a family; waits in the coordinators' queue."""

    __tablename__ = "match_request"
    __table_args__ = (Index("ix_match_request_queue", "organisation_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    needs: Mapped[list[Any]] = mapped_column(default=list)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.NORMAL)
    note: Mapped[str | None] = mapped_column(
        EncryptedText("match_request.note")
    )  # staff only, never shown to mentors
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.WAITING
    )
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"), index=True)  # formed
    previous_match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))  # a rematch
    created_at: Mapped[datetime]
    overdue_flagged_at: Mapped[datetime | None]  # coordinators told it waits too long
    closed_at: Mapped[datetime | None]


class MatchOffer(Base):
    """A mentor asked to join a family's team, with the score and summary they were shown."""

    __tablename__ = "match_offer"
    __table_args__ = (UniqueConstraint("match_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # [[code, {args}], ...]
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the mentor sees
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus), default=OfferStatus.ASKED)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(_enum(DeclineReason))
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class MatchFeedback(Base):
    """One party's answers to a round of questions about a match: the exit questions at
    closure (round "exit") or a joint evaluation ("eval:3" at three months)."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("match_id", "round", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    party: Mapped[Party] = mapped_column(_enum(Party))
    round: Mapped[str] = mapped_column(String(24))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"q0": 4, ...}
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class QuietAlert(Base):
    """One alert of the quiet-match chain: sent once per level and quiet spell (a spell starts
    on the day of the last logged meeting, or the day the match started)."""

    __tablename__ = "quiet_alert"
    __table_args__ = (UniqueConstraint("match_id", "level", "spell_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"))
    level: Mapped[int] = mapped_column(Integer)  # 0 mentors, 1 referring worker, 2 coordinators
    spell_from: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)  # the threshold reached
    sent_at: Mapped[datetime]


class CheckIn(Base):
    """A contact a worker or coordinator had with a party of a match (bot.services.checkins)."""

    __tablename__ = "check_in"
    __table_args__ = (Index("ix_check_in_match_day", "match_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    party: Mapped[CheckInParty] = mapped_column(_enum(CheckInParty))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # None: the family
    how: Mapped[CheckInHow] = mapped_column(_enum(CheckInHow))
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedText("check_in.note"))
    created_at: Mapped[datetime]


class DigestRun(Base):
    """A weekly digest composed for a member of staff on one local day: sent, or found to have
    nothing to say. One a day at most, whatever the restarts."""

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("person_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    day: Mapped[date] = mapped_column(Date)  # the reader's local day
    sent: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_match_day", "match_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    activities: Mapped[list[Any]] = mapped_column(default=list)
    mood: Mapped[int | None] = mapped_column(Integer)  # 1..5, how the mentee seemed
    notes: Mapped[str | None] = mapped_column(EncryptedText("meeting.notes"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Appointment(Base):
    __tablename__ = "appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    place: Mapped[str] = mapped_column(EncryptedText("appointment.place"))
    note: Mapped[str | None] = mapped_column(EncryptedText("appointment.note"))
    status: Mapped[AppointmentStatus] = mapped_column(
        _enum(AppointmentStatus), default=AppointmentStatus.PLANNED
    )
    sequence: Mapped[int] = mapped_column(default=0)  # bumped on every change (iCalendar)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AppointmentAnswer(Base):
    """A mentee's answer to an appointment's reminder: coming, cannot, another time."""

    __tablename__ = "appointment_answer"

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    answer: Mapped[Answer] = mapped_column(_enum(Answer))
    answered_at: Mapped[datetime]


class Reminder(Base):
    """A message due at a time: a reminder to a mentee, or the no-answer alert to mentors."""

    __tablename__ = "reminder"
    __table_args__ = (Index("ix_reminder_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[ReminderKind] = mapped_column(_enum(ReminderKind))
    offset_minutes: Mapped[int] = mapped_column(Integer)  # before the appointment
    due_at: Mapped[datetime]  # after moving out of quiet hours
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(String(200))  # why skipped or cancelled
    done_at: Mapped[datetime | None]


class ProgressReport(Base):
    __tablename__ = "progress_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # {"language": {"rating": 1..4, "comment": "..."}, ...}
    domains: Mapped[dict[str, Any]] = mapped_column(
        EncryptedJSON("progress_report.domains"), default=dict
    )
    relationship: Mapped[int] = mapped_column(Integer)  # 1..4
    needs_support: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(EncryptedText("progress_report.comment"))
    created_at: Mapped[datetime]


class ReportRequest(Base):
    """The programme asking a mentor for a progress report, on the organisation's cadence."""

    __tablename__ = "report_request"
    __table_args__ = (Index("ix_report_request_due", "status", "remind_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    requested_at: Mapped[datetime]
    remind_at: Mapped[datetime | None]
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.PENDING)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_report.id"))


class HelpRequest(Base):
    __tablename__ = "help_request"
    __table_args__ = (Index("ix_help_request_open", "status", "answer_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[HelpKind] = mapped_column(_enum(HelpKind))
    status: Mapped[ThreadStatus] = mapped_column(_enum(ThreadStatus), default=ThreadStatus.OPEN)
    created_at: Mapped[datetime]
    answer_due_at: Mapped[datetime | None]  # cleared once staff answer
    overdue_notified_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class HelpMessage(Base):
    __tablename__ = "help_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    help_request_id: Mapped[int] = mapped_column(ForeignKey("help_request.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(EncryptedText("help_message.text"))
    language: Mapped[str | None] = mapped_column(String(16))  # the author's language
    created_at: Mapped[datetime]


class Concern(Base):
    __tablename__ = "concern"
    __table_args__ = (Index("ix_concern_deadline", "status", "ack_deadline_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id"), index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    category: Mapped[ConcernCategory] = mapped_column(_enum(ConcernCategory))
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    description: Mapped[str] = mapped_column(EncryptedText("concern.description"))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[ConcernStatus] = mapped_column(_enum(ConcernStatus), default=ConcernStatus.OPEN)
    assigned_worker_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    level: Mapped[int] = mapped_column(default=0)  # 0 worker, 1 coordinators, 2 admins
    raised_at: Mapped[datetime]
    ack_deadline_at: Mapped[datetime | None]  # the current level's deadline
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    resolution_note: Mapped[str | None] = mapped_column(EncryptedText("concern.resolution_note"))


class ConcernEvent(Base):
    __tablename__ = "concern_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # raised, delivered, acknowledged, ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    level: Mapped[int | None]
    # Codes, and the text of a reply or a note ("text").
    detail: Mapped[dict[str, Any]] = mapped_column(
        EncryptedJSON("concern_event.detail"), default=dict
    )
    created_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message the bot owes someone who did not just write to it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Already rendered for the recipient (HTML).
    text: Mapped[str] = mapped_column(EncryptedText("outbox_message.text"))
    buttons: Mapped[list[Any] | None] = mapped_column(
        EncryptedJSON("outbox_message.buttons")
    )  # [[[label, data], ...], ...]
    document_name: Mapped[str | None] = mapped_column(String(200))
    document_mime: Mapped[str | None] = mapped_column(String(100))
    document: Mapped[bytes | None] = mapped_column(EncryptedBytes("outbox_message.document"))
    edit_of_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
    ref_type: Mapped[str | None] = mapped_column(String(32))
    ref_id: Mapped[int | None]
    # Whose message this passes on (a concern's reporter, a help message's author): told if
    # it finally cannot be delivered.
    origin_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    telegram_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A relayed message: copied (copyMessage) from this chat and message, so that nothing of
    # its content is stored here and nothing of its sender's account is shown.
    copy_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    copy_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    purged_at: Mapped[datetime | None]  # its text removed, after the retention period


class Relay(Base):
    """A message a mentee sent to the bot outside any conversation (offered to them to pass
    on to their mentors or the office), or a mentor's answer to one. Only ids are kept: the
    content stays in the sender's chat and is copied from there."""

    __tablename__ = "relay"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # text | voice | photo | document | location …
    locale: Mapped[str] = mapped_column(String(16))  # the sender's language when they sent it
    answer_to_id: Mapped[int | None] = mapped_column(ForeignKey("relay.id"))
    status: Mapped[str] = mapped_column(String(16))  # offered | sent | declined
    audience: Mapped[str | None] = mapped_column(String(16))  # mentors | office | sender
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what to which record, and when. Holds ids and codes, never free text."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(48), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Draft(Base):
    """A conversation in progress, one per Telegram account: survives restarts, stores nothing
    real until its last step."""

    __tablename__ = "draft"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    flow: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON("draft.data"), default=dict)
    updated_at: Mapped[datetime]


class InboxUpdate(Base):
    """An update from Telegram, stored before Telegram is told it arrived, and handled from
    here. The payload (what the person typed) is cleared once the update is handled; errors
    are kept as codes only."""

    __tablename__ = "inbox_update"
    __table_args__ = (Index("ix_inbox_open", "status", "chat_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # per-chat order (0: no chat)
    payload: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON("inbox_update.payload"))
    status: Mapped[InboxStatus] = mapped_column(_enum(InboxStatus), default=InboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    # Owed replies (see bot/intake.py).
    replies: Mapped[list[Any] | None] = mapped_column(EncryptedJSON("inbox_update.replies"))
    replies_sent: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(64))  # an error code, never personal data
    received_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
