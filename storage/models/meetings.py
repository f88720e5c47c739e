"""Meetings a mentor logged, appointments and their reminders and answers, and progress
reports and the requests for them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import Answer, AppointmentStatus, JobStatus, ReminderKind
from storage.models.base import Base, db_enum
from storage.types import EncryptedJSON, EncryptedText


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
        db_enum(AppointmentStatus), default=AppointmentStatus.PLANNED
    )
    sequence: Mapped[int] = mapped_column(default=0)  # bumped on every change (iCalendar)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AppointmentAnswer(Base):
    """A mentee's answer to an appointment's reminder: coming, cannot, another time."""

    __tablename__ = "appointment_answer"

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    answer: Mapped[Answer] = mapped_column(db_enum(Answer))
    answered_at: Mapped[datetime]


class Reminder(Base):
    """A message due at a time: a reminder to a mentee, or the no-answer alert to mentors."""

    __tablename__ = "reminder"
    __table_args__ = (Index("ix_reminder_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[ReminderKind] = mapped_column(db_enum(ReminderKind))
    offset_minutes: Mapped[int] = mapped_column(Integer)  # before the appointment
    due_at: Mapped[datetime]  # after moving out of quiet hours
    status: Mapped[JobStatus] = mapped_column(db_enum(JobStatus), default=JobStatus.PENDING)
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
    status: Mapped[JobStatus] = mapped_column(db_enum(JobStatus), default=JobStatus.PENDING)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_report.id"))
