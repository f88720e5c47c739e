"""What staff keep an eye on: the quiet-match alerts, their check-ins with the parties of
a match, and their weekly digests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import CheckInHow, CheckInParty
from storage.models.base import Base, db_enum
from storage.types import EncryptedText


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
    party: Mapped[CheckInParty] = mapped_column(db_enum(CheckInParty))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # None: the family
    how: Mapped[CheckInHow] = mapped_column(db_enum(CheckInHow))
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
