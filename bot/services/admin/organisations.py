"""Organisations: find, add, change, list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from bot.services.admin.checks import (
    check_emergency_phone,
    check_locale,
    check_name,
    check_region,
    check_timezone,
    region_of,
)
from bot.services.admin.policy import _policy
from bot.services.admin.values import OrgInfo, _org_info
from bot.services.errors import Invalid, NotFound
from storage.models import (
    Organisation,
    Person,
)


async def find_org(session: AsyncSession, ref: str | int) -> Organisation:
    """An organisation by id or exact name."""
    text = str(ref).strip()
    org: Organisation | None = None
    if text.isdigit():
        org = await session.get(Organisation, int(text))
    if org is None and text:
        result = await session.execute(select(Organisation).where(Organisation.name == text))
        org = result.scalar_one_or_none()
    if org is None:
        raise NotFound(f"unknown organisation {text!r}")
    return org


async def add_org(
    session: AsyncSession,
    now: datetime,
    *,
    name: str,
    timezone: str,
    locale: str,
    emergency_phone: str | None = None,
    country: str | None = None,
    office_phone: str | None = None,
    office_hours: str | None = None,
    address: str | None = None,
    reminders: str | Sequence[int] | None = None,
    confirm_by_minutes: int | str | None = None,
    report_cadence_days: int | str | None = None,
    help_target_hours: int | str | None = None,
    ack_deadlines: str | Mapping[str, Any] | None = None,
    quiet_days: str | Sequence[int] | None = None,
    checkin_cadence: str | Sequence[int] | None = None,
    digest_day: int | str | None = None,
    digest_hour: int | str | None = None,
    retention: str | Mapping[str, Any] | None = None,
    help_lines: str | Mapping[str, str | None] | None = None,
    support_thresholds: str | Mapping[str, Any] | None = None,
) -> OrgInfo:
    clean_name = check_name(name, "organisation name")
    tz = check_timezone(timezone)
    if tz is None:
        raise Invalid("timezone", "the timezone is required")
    loc = check_locale(locale)
    if loc is None:
        raise Invalid("locale", "the locale is required")
    region = check_region(country) or region_of(tz)
    emergency = check_emergency_phone(emergency_phone, region)
    policy = _policy(
        None,
        region,
        emergency_phone=None,
        office_phone=office_phone,
        office_hours=office_hours,
        address=address,
        reminders=reminders,
        confirm_by_minutes=confirm_by_minutes,
        report_cadence_days=report_cadence_days,
        help_target_hours=help_target_hours,
        ack_deadlines=ack_deadlines,
        quiet_days=quiet_days,
        checkin_cadence=checkin_cadence,
        digest_day=digest_day,
        digest_hour=digest_hour,
        retention_periods=retention,
        help_lines=help_lines,
        support_thresholds=support_thresholds,
    )
    taken = await session.execute(select(Organisation.id).where(Organisation.name == clean_name))
    if taken.first() is not None:
        raise Invalid("org_exists", f"an organisation named {clean_name!r} already exists")
    org = Organisation(
        name=clean_name,
        timezone=tz,
        locale=loc,
        emergency_phone=policy.pop("emergency_phone", emergency),
        created_at=now,
        **policy,
    )
    session.add(org)
    await session.flush()
    audit.record(
        session,
        now,
        "org.created",
        actor_id=None,
        organisation_id=org.id,
        target=("organisation", org.id),
    )
    return _org_info(org)


async def set_org(
    session: AsyncSession,
    now: datetime,
    org: str | int,
    *,
    emergency_phone: str | None = None,
    office_phone: str | None = None,
    office_hours: str | None = None,
    address: str | None = None,
    reminders: str | Sequence[int] | None = None,
    confirm_by_minutes: int | str | None = None,
    report_cadence_days: int | str | None = None,
    help_target_hours: int | str | None = None,
    ack_deadlines: str | Mapping[str, Any] | None = None,
    quiet_days: str | Sequence[int] | None = None,
    checkin_cadence: str | Sequence[int] | None = None,
    digest_day: int | str | None = None,
    digest_hour: int | str | None = None,
    country: str | None = None,
    retention: str | Mapping[str, Any] | None = None,
    help_lines: str | Mapping[str, str | None] | None = None,
    support_thresholds: str | Mapping[str, Any] | None = None,
    name: str | None = None,
    timezone: str | None = None,
    locale: str | None = None,
) -> OrgInfo:
    """Change an organisation's name, timezone, language, contacts and policy; settings not
    given stay as they are."""
    organisation = await find_org(session, org)
    renamed: dict[str, Any] = {}
    if name is not None:
        clean_name = check_name(name, "organisation name")
        if clean_name != organisation.name:
            taken = await session.execute(
                select(Organisation.id).where(Organisation.name == clean_name)
            )
            if taken.first() is not None:
                raise Invalid("org_exists", f"an organisation named {clean_name!r} already exists")
            renamed["name"] = clean_name
    if timezone is not None:
        renamed["timezone"] = check_timezone(timezone) or organisation.timezone
    if locale is not None:
        renamed["locale"] = check_locale(locale) or organisation.locale
    region = check_region(country) or region_of(renamed.get("timezone", organisation.timezone))
    values = renamed | _policy(
        organisation,
        region,
        emergency_phone=emergency_phone,
        office_phone=office_phone,
        office_hours=office_hours,
        address=address,
        reminders=reminders,
        confirm_by_minutes=confirm_by_minutes,
        report_cadence_days=report_cadence_days,
        help_target_hours=help_target_hours,
        ack_deadlines=ack_deadlines,
        quiet_days=quiet_days,
        checkin_cadence=checkin_cadence,
        digest_day=digest_day,
        digest_hour=digest_hour,
        retention_periods=retention,
        help_lines=help_lines,
        support_thresholds=support_thresholds,
    )
    await _update(session, now, organisation, values, "org.updated", organisation.id)
    return _org_info(organisation)


async def _update(
    session: AsyncSession,
    now: datetime,
    record: Organisation | Person,
    values: dict[str, Any],
    action: str,
    organisation_id: int,
) -> None:
    """Write the changed settings of an organisation or a person, audited by field name."""
    if not values:
        raise Invalid("nothing", "nothing to change: give at least one setting")
    for key, value in values.items():
        setattr(record, key, value)
    await session.flush()
    target = ("organisation" if isinstance(record, Organisation) else "person", record.id)
    audit.record(
        session,
        now,
        action,
        actor_id=None,
        organisation_id=organisation_id,
        target=target,
        fields=sorted(values),
    )


async def list_orgs(session: AsyncSession) -> list[OrgInfo]:
    result = await session.execute(select(Organisation).order_by(Organisation.id))
    return [_org_info(org) for org in result.scalars()]
