"""Organisations and the people in them: staff, mentors, mentees and their families, and
the invitations that link a person to their Telegram account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.enums import Consent, Role
from storage.match_life import DEFAULT_REQUEST_AGE_LIMIT_DAYS
from storage.models.base import Base, db_enum


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
    role: Mapped[Role] = mapped_column(db_enum(Role))
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
    consent: Mapped[Consent] = mapped_column(db_enum(Consent), default=Consent.PENDING)
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
