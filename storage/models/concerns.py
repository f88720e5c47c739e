"""Requests for help and their messages, and concerns with their escalation events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import ConcernCategory, ConcernStatus, HelpKind, Severity, ThreadStatus
from storage.models.base import Base, db_enum
from storage.types import EncryptedJSON, EncryptedText


class HelpRequest(Base):
    __tablename__ = "help_request"
    __table_args__ = (Index("ix_help_request_open", "status", "answer_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[HelpKind] = mapped_column(db_enum(HelpKind))
    status: Mapped[ThreadStatus] = mapped_column(db_enum(ThreadStatus), default=ThreadStatus.OPEN)
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
    category: Mapped[ConcernCategory] = mapped_column(db_enum(ConcernCategory))
    severity: Mapped[Severity] = mapped_column(db_enum(Severity))
    description: Mapped[str] = mapped_column(EncryptedText("concern.description"))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[ConcernStatus] = mapped_column(
        db_enum(ConcernStatus), default=ConcernStatus.OPEN
    )
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
