"""What the admin use cases return: plain values, no ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.services import retention as retention_policy
from bot.services.admin.checks import region_of
from storage.models import (
    Organisation,
    Person,
)


# results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class OrgInfo:
    id: int
    name: str
    timezone: str
    locale: str
    emergency_phone: str
    region: str | None
    office_phone: str | None = None
    office_hours: str | None = None
    address: str | None = None
    reminder_offsets_minutes: list[int] = field(default_factory=list)
    confirm_by_minutes: int | None = None
    report_cadence_days: int | None = None
    help_target_hours: int | None = None
    ack_deadlines_minutes: dict[str, int] = field(default_factory=dict)
    quiet_days: list[int] = field(default_factory=list)
    checkin_cadence: dict[str, int] = field(default_factory=dict)
    digest_weekday: int | None = None
    digest_hour: int | None = None
    retention: dict[str, int] = field(default_factory=dict)
    help_lines: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonInfo:
    id: int
    organisation_id: int
    role: str
    name: str
    locale: str | None
    timezone: str | None
    phone: str | None
    email: str | None
    family_id: int | None
    linked: bool
    consent: str
    active: bool
    share_phone: bool = False
    share_email: bool = False
    quiet_hours: str | None = None


@dataclass(frozen=True)
class FamilyInfo:
    id: int
    organisation_id: int
    name: str
    member_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class MatchInfo:
    id: int
    organisation_id: int
    family_id: int
    family_name: str
    mentor_ids: list[int]
    worker_id: int
    status: str
    started_on: date
    closed_at: datetime | None
    closure_reason: str | None
    stage: str | None = None
    closure_code: str | None = None


def _org_info(org: Organisation) -> OrgInfo:
    return OrgInfo(
        org.id,
        org.name,
        org.timezone,
        org.locale,
        org.emergency_phone,
        region_of(org.timezone),
        office_phone=org.office_phone,
        office_hours=org.office_hours,
        address=org.address,
        reminder_offsets_minutes=[int(m) for m in org.reminder_offsets_minutes or []],
        confirm_by_minutes=org.confirm_by_minutes,
        report_cadence_days=org.report_cadence_days,
        help_target_hours=org.help_target_hours,
        ack_deadlines_minutes={
            str(k): int(v) for k, v in (org.ack_deadlines_minutes or {}).items()
        },
        quiet_days=[int(d) for d in org.quiet_days or []],
        checkin_cadence={str(k): int(v) for k, v in (org.checkin_cadence or {}).items()},
        digest_weekday=org.digest_weekday,
        digest_hour=org.digest_hour,
        retention=retention_policy.effective(org.retention),
        help_lines={str(k): str(v) for k, v in (org.help_lines or {}).items()},
    )


def _person_info(p: Person) -> PersonInfo:
    return PersonInfo(
        id=p.id,
        organisation_id=p.organisation_id,
        role=p.role.value,
        name=p.name,
        locale=p.locale,
        timezone=p.timezone,
        phone=p.phone,
        email=p.email,
        family_id=p.family_id,
        linked=p.telegram_id is not None,
        consent=p.consent.value,
        active=p.active,
        share_phone=p.share_phone,
        share_email=p.share_email,
        quiet_hours=f"{p.quiet_start}-{p.quiet_end}" if p.quiet_start and p.quiet_end else None,
    )
