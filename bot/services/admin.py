"""Setting up a programme: organisations, people, families and matches.

These are the operator's use cases (the admin CLI and the CSV import). Every function validates
all of its input before it writes anything, raises `Invalid` / `NotFound` with a one-line reason
for the operator, and audits what it created or changed (ids and codes only).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from babel.core import get_global
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import is_valid_timezone, normalise_locale
from bot.services import audit, texts
from bot.services import help_lines as help_line_rules
from bot.services import reminders as reminder_rules
from bot.services import retention as retention_policy
from bot.services.errors import Invalid, NotFound
from storage.match_life import ClosureReason, FirstMeetingOutcome, MatchStage
from storage.models import (
    Consent,
    Family,
    Match,
    MatchMentor,
    MatchStatus,
    Organisation,
    Person,
    Role,
    Severity,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OPEN_STATUSES = (MatchStatus.PROPOSED, MatchStatus.ACTIVE)
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

# An organisation's policy: the limits its settings must keep to.
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 14 * 24 * 60
MAX_ACK_MINUTES = 30 * 24 * 60
CADENCE_DAYS = (7, 180)
HELP_TARGET_HOURS = (1, 336)
SEVERITY_ORDER = (Severity.EMERGENCY, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
TEXT_LIMIT = 300  # office hours, address


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


# validation -------------------------------------------------------------------------------
def region_of(timezone: str) -> str | None:
    """The country (ISO 3166 alpha-2) of a timezone, for reading national phone numbers."""
    territories = get_global("zone_territories")
    canonical = get_global("zone_aliases").get(timezone, timezone)
    found = territories.get(canonical)
    return found if found in phonenumbers.SUPPORTED_REGIONS else None


def check_region(country: str | None) -> str | None:
    if country is None or not country.strip():
        return None
    code = country.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise Invalid("country", f"unknown country code {country!r} (use ISO codes like ES, UA)")
    return code


def check_name(value: str | None, what: str = "name") -> str:
    name = " ".join(texts.clean(value or "").split())
    if not name:
        raise Invalid("name", f"the {what} is empty")
    if len(name) > 200:
        raise Invalid("name", f"the {what} is longer than 200 characters")
    return name


def check_locale(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    found = normalise_locale(value.strip())
    if found is None:
        raise Invalid("locale", f"unsupported locale {value!r}")
    return found


def check_timezone(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    name = value.strip()
    if not is_valid_timezone(name):
        raise Invalid("timezone", f"unknown timezone {name!r} (use names like Europe/Madrid)")
    return name


def check_phone(value: str | None, region: str | None) -> str | None:
    """A phone number in E.164, read in `region` unless it starts with +."""
    if value is None or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException:
        if region is None and not value.strip().startswith("+"):
            raise Invalid(
                "phone", f"malformed phone number {value!r}: give it with its country code (+..)"
            ) from None
        raise Invalid("phone", f"malformed phone number {value!r}") from None
    if not phonenumbers.is_valid_number(number):
        where = f" in {region}" if region else ""
        raise Invalid("phone", f"malformed phone number {value!r}{where}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


SHORT_MAX_DIGITS = 6


def check_help_line(value: str | None, region: str | None) -> str | None:
    """A help line's number: a short national number valid in the organisation's country
    (Spain's 016, 024, 091, 061 or 112: `phonenumbers`' short-number data), kept as dialled,
    or a full phone number in E.164."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    compact = "".join(text.replace("-", " ").split())
    if compact.isdigit() and len(compact) <= SHORT_MAX_DIGITS:
        if region is None:
            if 2 <= len(compact) <= 4:
                return compact
            raise Invalid("phone", f"{value!r}: a short number needs the organisation's country")
        try:
            number = phonenumbers.parse(compact, region)
        except phonenumbers.NumberParseException:
            raise Invalid("phone", f"malformed phone number {value!r}") from None
        if phonenumbers.is_valid_short_number_for_region(number, region):
            return compact
        if len(compact) <= 4:
            raise Invalid("phone", f"{value!r} is not a short number of {region}")
    return check_phone(text, region)


def check_emergency_phone(value: str | None, region: str | None) -> str:
    """The organisation's emergency number: a short number of its country (112, 016) or a
    full phone number."""
    return check_help_line(value, region) or "112"


def check_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    email = value.strip()
    if len(email) > 254 or not EMAIL.match(email):
        raise Invalid("email", f"malformed email address {email!r}")
    return email


def check_role(value: str | Role) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise Invalid("role", f"unknown role {value!r} (one of {names})") from None


def check_yes_no(value: str | bool | None, what: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = value.strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise Invalid("yes_no", f"{what} must be yes or no, not {value!r}")


def check_quiet_hours(value: str | None) -> tuple[str, str] | None:
    """Quiet hours as two local times, "21:00-08:00" (crossing midnight is fine; the same
    time twice means none)."""
    if value is None:
        return None
    parts = value.replace(" ", "").split("-")
    found = [HHMM.match(p) for p in parts] if len(parts) == 2 else []
    if len(found) != 2 or not all(found):
        raise Invalid("quiet_hours", f"malformed quiet hours {value!r} (use HH:MM-HH:MM)")
    start, end = (f"{int(m.group(1)):02d}:{m.group(2)}" for m in found if m)
    return start, end


def _whole(value: int | str, what: str, low: int, high: int, unit: str) -> int:
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise Invalid("number", f"{what} must be a whole number of {unit}, not {value!r}")
    number = int(text)
    if not low <= number <= high:
        raise Invalid("range", f"{what} must be between {low} and {high} {unit}, not {number}")
    return number


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def check_quiet_days(value: str | Sequence[int]) -> list[int]:
    """The quiet-match thresholds ("14,28,45"): days without a logged meeting before the
    mentors, the referring worker and the coordinators hear of it; increasing, 1 to 365."""
    items = value.split(",") if isinstance(value, str) else list(value)
    days = [_whole(i, "a quiet-match threshold", 1, 365, "days") for i in items]
    if len(days) != 3 or not days[0] < days[1] < days[2]:
        raise Invalid("quiet_days", "give three increasing numbers of days, e.g. 14,28,45")
    return days


def check_checkin_cadence(value: str | Sequence[int]) -> dict[str, int]:
    """The staff check-in cadence ("2,1"): contacts with each party of a match in its first
    month, then in each calendar month (bot.services.checkins); 1 to 10 each."""
    items = value.split(",") if isinstance(value, str) else list(value)
    if len(items) != 2:
        raise Invalid("checkin_cadence", "give two numbers of contacts, e.g. 2,1")
    first, monthly = (_whole(i, "a check-in cadence", 1, 10, "contacts") for i in items)
    return {"first_month": first, "monthly": monthly}


def check_weekday(value: int | str) -> int:
    """A weekday as mon…sun (or 0-6, 0 Monday)."""
    text = str(value).strip().lower()[:3]
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    return _whole(text, "the digest day", 0, 6, "(0 Monday)")


def check_reminders(value: str | Sequence[int]) -> list[int]:
    """Reminder offsets, minutes before an appointment ("1440,240"): 1 to 5 distinct positive
    numbers of at most 14 days; stored largest first."""
    items = value.split(",") if isinstance(value, str) else list(value)
    if not [i for i in items if str(i).strip()]:
        raise Invalid("reminders", "give at least one reminder offset in minutes, e.g. 1440,240")
    offsets = [_whole(i, "a reminder offset", 1, MAX_REMINDER_MINUTES, "minutes") for i in items]
    if len(offsets) > MAX_REMINDERS:
        raise Invalid("reminders", f"at most {MAX_REMINDERS} reminders, not {len(offsets)}")
    if len(set(offsets)) != len(offsets):
        raise Invalid("reminders", "the reminder offsets must be different from each other")
    return sorted(offsets, reverse=True)


def check_ack_deadlines(value: str | Mapping[str, Any]) -> dict[str, int]:
    """Minutes each level has to acknowledge a concern, for every severity
    ("emergency=15,high=240,medium=1440,low=4320"), never longer for a graver one."""
    pairs: dict[str, Any] = {}
    if isinstance(value, str):
        for item in value.split(","):
            name, sep, minutes = item.partition("=")
            key = name.strip().lower()
            if not sep or not key:
                raise Invalid(
                    "ack_deadlines",
                    f"malformed deadlines {value!r} (use emergency=15,high=240,medium=1440,low=4320)",
                )
            if key in pairs:
                raise Invalid("ack_deadlines", f"the severity {key!r} is given twice")
            pairs[key] = minutes
    else:
        pairs = {str(k).strip().lower(): v for k, v in value.items()}
    names = [s.value for s in SEVERITY_ORDER]
    unknown = sorted(set(pairs) - set(names))
    if unknown:
        raise Invalid(
            "ack_deadlines", f"unknown severity {unknown[0]!r} (one of {', '.join(names)})"
        )
    missing = [n for n in names if n not in pairs]
    if missing:
        raise Invalid("ack_deadlines", f"no deadline for {', '.join(missing)}: give all four")
    deadlines = {
        n: _whole(pairs[n], f"the {n} deadline", 1, MAX_ACK_MINUTES, "minutes") for n in names
    }
    for graver, lighter in pairwise(names):
        if deadlines[graver] > deadlines[lighter]:
            raise Invalid(
                "ack_deadlines",
                f"the {graver} deadline ({deadlines[graver]}) is longer than the {lighter} "
                f"one ({deadlines[lighter]})",
            )
    return deadlines


def check_text(value: str | None, what: str) -> str | None:
    """A short free text (office hours, address); empty clears it."""
    if value is None:
        return None
    text = " ".join(texts.clean(value).split())
    if len(text) > TEXT_LIMIT:
        raise Invalid("too_long", f"the {what} is longer than {TEXT_LIMIT} characters")
    return text


def _policy(
    org: Organisation | None,
    region: str | None,
    *,
    emergency_phone: str | None,
    office_phone: str | None,
    office_hours: str | None,
    address: str | None,
    reminders: str | Sequence[int] | None,
    confirm_by_minutes: int | str | None,
    report_cadence_days: int | str | None,
    help_target_hours: int | str | None,
    ack_deadlines: str | Mapping[str, Any] | None,
    quiet_days: str | Sequence[int] | None = None,
    checkin_cadence: str | Sequence[int] | None = None,
    digest_day: int | str | None = None,
    digest_hour: int | str | None = None,
    retention_periods: str | Mapping[str, Any] | None = None,
    help_lines: str | Mapping[str, str | None] | None = None,
    support_thresholds: str | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The organisation's columns to write, validated; a setting not given (None) is left
    as it is (or, for a new organisation, at its default). An empty text clears an office
    phone, office hours or an address."""
    values: dict[str, Any] = {}
    if emergency_phone is not None:
        values["emergency_phone"] = check_emergency_phone(emergency_phone, region)
    if office_phone is not None:
        values["office_phone"] = check_help_line(office_phone, region)
    if help_lines is not None:
        lines = {**(org.help_lines or {} if org else {})}
        for purpose, number in help_line_rules.check_help_lines(help_lines, region).items():
            if purpose == help_line_rules.HelpPurpose.EMERGENCY.value:
                values["emergency_phone"] = number or "112"
            elif number:
                lines[purpose] = number
            else:
                lines.pop(purpose, None)
        values["help_lines"] = lines
    for key, text, what in (
        ("office_hours", office_hours, "office hours"),
        ("address", address, "address"),
    ):
        if text is not None:
            values[key] = check_text(text, what) or None
    if reminders is not None:
        values["reminder_offsets_minutes"] = check_reminders(reminders)
    if confirm_by_minutes is not None:
        values["confirm_by_minutes"] = _whole(
            confirm_by_minutes, "confirm-by", 0, MAX_REMINDER_MINUTES, "minutes"
        )
    if report_cadence_days is not None:
        values["report_cadence_days"] = _whole(
            report_cadence_days, "the report cadence", *CADENCE_DAYS, "days"
        )
    if help_target_hours is not None:
        values["help_target_hours"] = _whole(
            help_target_hours, "the help target", *HELP_TARGET_HOURS, "hours"
        )
    if ack_deadlines is not None:
        values["ack_deadlines_minutes"] = check_ack_deadlines(ack_deadlines)
    if quiet_days is not None:
        values["quiet_days"] = check_quiet_days(quiet_days)
    if checkin_cadence is not None:
        values["checkin_cadence"] = check_checkin_cadence(checkin_cadence)
    if digest_day is not None:
        values["digest_weekday"] = check_weekday(digest_day)
    if digest_hour is not None:
        values["digest_hour"] = _whole(digest_hour, "the digest hour", 0, 23, "o'clock")
    if retention_periods is not None:
        stored = dict(org.retention or {}) if org else {}
        values["retention"] = {**stored, **retention_policy.check_retention(retention_periods)}
    if support_thresholds is not None:
        from bot.services import support

        stored = dict(org.support_thresholds or {}) if org else {}
        values["support_thresholds"] = {**stored, **support.check_thresholds(support_thresholds)}
    offsets = values.get("reminder_offsets_minutes")
    if offsets is None:
        offsets = (
            list(org.reminder_offsets_minutes or [])
            if org
            else list(reminder_rules.DEFAULT_OFFSETS)
        )
    confirm_by = values.get("confirm_by_minutes")
    if confirm_by is None:
        confirm_by = org.confirm_by_minutes if org else reminder_rules.DEFAULT_CONFIRM_BY
    check_alert_timing([int(m) for m in offsets], int(confirm_by))
    return values


def check_alert_timing(offsets: Sequence[int], confirm_by: int) -> None:
    """The no-answer alert comes after the family had time to answer the last reminder: at
    least `ANSWER_TIME` (2 hours) after it. Settings where it never could are refused with the
    reason (confirm-by 0: no alert)."""
    if confirm_by == 0 or not offsets:
        return
    last = min(offsets)
    gap = int(reminder_rules.ANSWER_TIME.total_seconds() // 60)
    if confirm_by > last - gap:
        best = last - gap
        fix = (
            f"set --confirm-by-minutes to at most {best}"
            if best >= 1
            else "set --confirm-by-minutes 0 (no alert)"
        )
        raise Invalid(
            "confirm_by",
            f"the no-answer alert ({confirm_by} minutes before) must come at least "
            f"{gap} minutes after the last reminder ({last} minutes before), so that the "
            f"family has time to answer it: {fix}, or make the last reminder at least "
            f"{confirm_by + gap} minutes before",
        )


# look-ups ---------------------------------------------------------------------------------
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


async def find_person(session: AsyncSession, ref: str | int, what: str = "person") -> Person:
    """A person by id."""
    text = str(ref).strip().lstrip("#")
    person = await session.get(Person, int(text)) if text.isdigit() else None
    if person is None:
        raise NotFound(f"unknown {what} {str(ref)!r}")
    return person


async def find_family(session: AsyncSession, org: Organisation, ref: str | int) -> Family | None:
    """A family of the organisation by id or exact name, or None."""
    text = str(ref).strip()
    if text.isdigit():
        family = await session.get(Family, int(text))
        if family is not None and family.organisation_id == org.id:
            return family
    result = await session.execute(
        select(Family).where(Family.organisation_id == org.id, Family.name == text)
    )
    return result.scalar_one_or_none()


# organisations ----------------------------------------------------------------------------
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


# families ---------------------------------------------------------------------------------
async def _new_family(session: AsyncSession, now: datetime, org: Organisation, name: str) -> Family:
    family = Family(organisation_id=org.id, name=name, created_at=now)
    session.add(family)
    await session.flush()
    audit.record(
        session,
        now,
        "family.created",
        actor_id=None,
        organisation_id=org.id,
        target=("family", family.id),
    )
    return family


async def add_family(
    session: AsyncSession, now: datetime, *, org: str | int, name: str
) -> FamilyInfo:
    organisation = await find_org(session, org)
    clean = check_name(name, "family name")
    if clean.isdigit():
        raise Invalid("name", "a family name cannot be only digits")
    if await find_family(session, organisation, clean) is not None:
        raise Invalid("family_exists", f"a family named {clean!r} already exists")
    family = await _new_family(session, now, organisation, clean)
    return FamilyInfo(family.id, family.organisation_id, family.name, [])


async def list_families(session: AsyncSession, org: str | int | None = None) -> list[FamilyInfo]:
    query = select(Family).order_by(Family.id)
    if org is not None:
        query = query.where(Family.organisation_id == (await find_org(session, org)).id)
    families = list((await session.execute(query)).scalars())
    members: dict[int, list[int]] = {f.id: [] for f in families}
    if families:
        rows = await session.execute(
            select(Person.family_id, Person.id)
            .where(Person.family_id.in_(list(members)))
            .order_by(Person.id)
        )
        for family_id, person_id in rows.all():
            if family_id is not None:
                members[family_id].append(person_id)
    return [FamilyInfo(f.id, f.organisation_id, f.name, members[f.id]) for f in families]


# people -----------------------------------------------------------------------------------
async def add_person(
    session: AsyncSession,
    now: datetime,
    *,
    org: str | int,
    role: str | Role,
    name: str,
    locale: str | None = None,
    timezone: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    family: str | int | None = None,
    country: str | None = None,
) -> PersonInfo:
    """A person of an organisation. A mentee always belongs to a family: the one named by
    `family` (made when it does not exist yet), else a new family of one."""
    organisation = await find_org(session, org)
    person_role = check_role(role)
    clean_name = check_name(name)
    loc = check_locale(locale)
    tz = check_timezone(timezone)
    region = check_region(country) or region_of(tz or organisation.timezone)
    e164 = check_phone(phone, region)
    mail = check_email(email)
    family_ref = str(family).strip() if family is not None else ""
    if family_ref and person_role != Role.MENTEE:
        raise Invalid("family_role", "only mentees belong to a family")
    existing: Family | None = None
    if family_ref:
        existing = await find_family(session, organisation, family_ref)
        if existing is None and family_ref.isdigit():
            raise NotFound(f"unknown family {family_ref!r}")

    person = Person(
        organisation_id=organisation.id,
        role=person_role,
        name=clean_name,
        locale=loc,
        timezone=tz,
        phone=e164,
        email=mail,
        created_at=now,
    )
    session.add(person)
    await session.flush()
    if person_role == Role.MENTEE:
        if existing is None:
            family_name = family_ref or clean_name
            if await find_family(session, organisation, family_name) is not None:
                family_name = f"{family_name} ({person.id})"
            existing = await _new_family(session, now, organisation, family_name)
        person.family_id = existing.id
        await session.flush()
    audit.record(
        session,
        now,
        "person.created",
        actor_id=None,
        organisation_id=organisation.id,
        target=("person", person.id),
        role=person_role.value,
    )
    return _person_info(person)


async def set_person(
    session: AsyncSession,
    now: datetime,
    person: str | int,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    share_phone: str | bool | None = None,
    share_email: str | bool | None = None,
    quiet_hours: str | None = None,
    active: str | bool | None = None,
    country: str | None = None,
    unlink: bool = False,
) -> PersonInfo:
    """Change a person's details with the rules of `add_person`; settings not given (None)
    stay as they are, and an empty text clears a locale, timezone, phone or email. A phone
    or email can be shared only while the person has one. `unlink` disconnects their
    Telegram account (a lost phone): a new invitation connects the new one, asking for their
    agreement again."""
    found = await find_person(session, person)
    organisation = await session.get(Organisation, found.organisation_id)
    assert organisation is not None
    values: dict[str, Any] = {}
    if locale is not None:
        values["locale"] = check_locale(locale)
    if timezone is not None:
        values["timezone"] = check_timezone(timezone)
    if phone is not None:
        tz = values.get("timezone", found.timezone) or organisation.timezone
        values["phone"] = check_phone(phone, check_region(country) or region_of(tz))
    elif country is not None:
        check_region(country)
    if email is not None:
        values["email"] = check_email(email)
    for key, given, what in (
        ("share_phone", share_phone, "--share-phone"),
        ("share_email", share_email, "--share-email"),
        ("active", active, "--active"),
    ):
        flag = check_yes_no(given, what)
        if flag is not None:
            values[key] = flag
    quiet = check_quiet_hours(quiet_hours)
    if quiet is not None:
        values["quiet_start"], values["quiet_end"] = quiet
    if unlink:
        if found.telegram_id is None:
            raise Invalid("not_linked", f"person {found.id} has no Telegram account to unlink")
        values.update(
            telegram_id=None,
            consent=Consent.PENDING,
            consent_at=None,
            reachable=True,
            unreachable_reason=None,
        )
    if not values:
        raise Invalid("nothing", "nothing to change: give at least one setting")
    for key, what in (("phone", "phone number"), ("email", "email address")):
        shared = values.get(f"share_{key}", getattr(found, f"share_{key}"))
        if shared and values.get(key, getattr(found, key)) is None:
            raise Invalid(
                f"share_{key}",
                f"person {found.id} has no {what} to share: give --{key}, or --share-{key} no",
            )
    await _update(session, now, found, values, "person.updated", found.organisation_id)
    return _person_info(found)


async def list_people(
    session: AsyncSession, org: str | int | None = None, role: str | Role | None = None
) -> list[PersonInfo]:
    query = select(Person).order_by(Person.id)
    if org is not None:
        query = query.where(Person.organisation_id == (await find_org(session, org)).id)
    if role is not None:
        query = query.where(Person.role == check_role(role))
    return [_person_info(p) for p in (await session.execute(query)).scalars()]


# matches ----------------------------------------------------------------------------------
def _need_role(person: Person, role: Role, what: str) -> None:
    if person.role != role:
        raise Invalid("wrong_role", f"person {person.id} is a {person.role.value}, not a {what}")
    if not person.active:
        raise Invalid("inactive", f"person {person.id} is no longer active")


async def add_match(
    session: AsyncSession,
    now: datetime,
    *,
    mentors: Sequence[str | int],
    worker: str | int,
    mentee: str | int | None = None,
    family: str | int | None = None,
    started_on: date | None = None,
    org: str | int | None = None,
) -> MatchInfo:
    """A family (given directly or through one of its mentees) with its mentors and its
    referring worker, all of one organisation. A family has at most one open match."""
    if (mentee is None) == (family is None):
        raise Invalid("match_family", "give either a mentee or a family")
    if not mentors:
        raise Invalid("match_mentors", "a match needs at least one mentor")

    the_family: Family | None
    if mentee is not None:
        person = await find_person(session, mentee, "mentee")
        _need_role(person, Role.MENTEE, "mentee")
        if person.family_id is None:
            raise Invalid("no_family", f"mentee {person.id} belongs to no family")
        the_family = await session.get(Family, person.family_id)
    else:
        the_family = None
        if org is not None:
            the_family = await find_family(session, await find_org(session, org), str(family))
        elif str(family).strip().isdigit():
            the_family = await session.get(Family, int(str(family).strip()))
        if the_family is None:
            raise NotFound(f"unknown family {str(family)!r}")
    assert the_family is not None
    org_id = the_family.organisation_id

    the_worker = await find_person(session, worker, "worker")
    _need_role(the_worker, Role.WORKER, "worker")
    if the_worker.organisation_id != org_id:
        raise Invalid("other_org", f"worker {the_worker.id} belongs to another organisation")

    the_mentors: list[Person] = []
    for ref in mentors:
        mentor = await find_person(session, ref, "mentor")
        _need_role(mentor, Role.MENTOR, "mentor")
        if mentor.organisation_id != org_id:
            raise Invalid("other_org", f"mentor {mentor.id} belongs to another organisation")
        if any(m.id == mentor.id for m in the_mentors):
            raise Invalid("duplicate_mentor", f"mentor {mentor.id} is given twice")
        the_mentors.append(mentor)

    open_match = await session.execute(
        select(Match.id).where(Match.family_id == the_family.id, Match.status.in_(OPEN_STATUSES))
    )
    found = open_match.scalar_one_or_none()
    if found is not None:
        raise Invalid(
            "already_matched",
            f"family {the_family.id} already has an active match ({found}): close it first",
        )

    organisation = await session.get(Organisation, org_id)
    assert organisation is not None
    match = Match(
        organisation_id=org_id,
        family_id=the_family.id,
        worker_id=the_worker.id,
        status=MatchStatus.ACTIVE,
        stage=MatchStage.ACTIVE,
        started_on=started_on or now.astimezone(ZoneInfo(organisation.timezone)).date(),
        first_meeting_outcome=FirstMeetingOutcome.AGREED,
        created_at=now,
    )
    match.initiated_on = match.started_on
    session.add(match)
    await session.flush()
    for mentor in the_mentors:
        session.add(MatchMentor(match_id=match.id, mentor_id=mentor.id))
    await session.flush()
    audit.record(
        session,
        now,
        "match.created",
        actor_id=None,
        organisation_id=org_id,
        target=("match", match.id),
        family_id=the_family.id,
        mentor_ids=[m.id for m in the_mentors],
        worker_id=the_worker.id,
    )
    return MatchInfo(
        match.id,
        org_id,
        the_family.id,
        the_family.name,
        [m.id for m in the_mentors],
        the_worker.id,
        match.status.value,
        match.started_on,
        None,
        None,
    )


async def close_match(
    session: AsyncSession, now: datetime, match_id: str | int, reason: str, note: str | None = None
) -> MatchInfo:
    """Close a match with one of the fixed reasons (`storage.match_life.ClosureReason`),
    carrying out every closure step (`bot.services.match_cycle.close_match`)."""
    from bot.services import match_cycle

    text = str(match_id).strip().lstrip("#")
    match = await session.get(Match, int(text)) if text.isdigit() and int(text) < 2**31 else None
    if match is None:
        raise NotFound(f"unknown match {str(match_id)!r}")
    code = (reason or "").strip().lower().replace("-", "_")
    choices = [r.value for r in match_cycle.CHOOSABLE]
    if code not in choices:
        raise Invalid("reason", f"unknown closure reason {reason!r} (one of {', '.join(choices)})")
    await match_cycle.close_match(session, now, None, match.id, ClosureReason(code), note)
    return (await _match_infos(session, [match]))[0]


async def _match_infos(session: AsyncSession, matches: list[Match]) -> list[MatchInfo]:
    if not matches:
        return []
    ids = [m.id for m in matches]
    mentors: dict[int, list[int]] = {i: [] for i in ids}
    rows = await session.execute(
        select(MatchMentor.match_id, MatchMentor.mentor_id)
        .where(MatchMentor.match_id.in_(ids))
        .order_by(MatchMentor.mentor_id)
    )
    for match_id, mentor_id in rows.all():
        mentors[match_id].append(mentor_id)
    family_rows = await session.execute(
        select(Family.id, Family.name).where(Family.id.in_({m.family_id for m in matches}))
    )
    names = {family_id: name for family_id, name in family_rows.all()}
    return [
        MatchInfo(
            m.id,
            m.organisation_id,
            m.family_id,
            names.get(m.family_id, ""),
            mentors[m.id],
            m.worker_id,
            m.status.value,
            m.started_on,
            m.closed_at,
            m.closure_reason,
            m.stage.value,
            m.closure_code.value if m.closure_code else None,
        )
        for m in matches
    ]


async def list_matches(
    session: AsyncSession, org: str | int | None = None, status: str | None = None
) -> list[MatchInfo]:
    query = select(Match).order_by(Match.id)
    if org is not None:
        query = query.where(Match.organisation_id == (await find_org(session, org)).id)
    if status is not None:
        try:
            query = query.where(Match.status == MatchStatus(status))
        except ValueError:
            raise Invalid("status", f"unknown match status {status!r}") from None
    return await _match_infos(session, list((await session.execute(query)).scalars()))
