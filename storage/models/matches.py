"""Matches of mentors with a family, what matching knows of each side, the requests for
mentors, the offers made to mentors, and the feedback of each party (storage/match_life.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import MatchStatus
from storage.match_life import (
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
from storage.models.base import Base, db_enum
from storage.types import EncryptedText


class Match(Base):
    __tablename__ = "match"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[MatchStatus] = mapped_column(db_enum(MatchStatus), default=MatchStatus.ACTIVE)
    started_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None]
    closure_reason: Mapped[str | None] = mapped_column(EncryptedText("match.closure_reason"))
    anonymised_at: Mapped[datetime | None]  # its texts removed, after the retention period
    created_at: Mapped[datetime]
    # The life of a match (storage/match_life.py). Matches made in the CLI are ACTIVE.
    stage: Mapped[MatchStage] = mapped_column(db_enum(MatchStage), default=MatchStage.ACTIVE)
    initiated_on: Mapped[date | None] = mapped_column(Date)  # everyone agreed to start
    closure_code: Mapped[ClosureReason | None] = mapped_column(db_enum(ClosureReason))
    closure_kind: Mapped[ClosureKind | None] = mapped_column(db_enum(ClosureKind))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    first_meeting_outcome: Mapped[FirstMeetingOutcome | None] = mapped_column(
        db_enum(FirstMeetingOutcome)
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
    gender: Mapped[Gender | None] = mapped_column(db_enum(Gender))
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
    urgency: Mapped[Urgency] = mapped_column(db_enum(Urgency), default=Urgency.NORMAL)
    note: Mapped[str | None] = mapped_column(
        EncryptedText("match_request.note")
    )  # staff only, never shown to mentors
    status: Mapped[RequestStatus] = mapped_column(
        db_enum(RequestStatus), default=RequestStatus.WAITING
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
    status: Mapped[OfferStatus] = mapped_column(db_enum(OfferStatus), default=OfferStatus.ASKED)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(db_enum(DeclineReason))
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
    party: Mapped[Party] = mapped_column(db_enum(Party))
    round: Mapped[str] = mapped_column(String(24))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"q0": 4, ...}
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
