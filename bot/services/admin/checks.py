"""The checks of one field each: a clean value, or `Invalid` with a one-line reason for the
operator; and the limits an organisation's settings keep to."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import phonenumbers
from babel.core import get_global

from bot.i18n import is_valid_timezone, normalise_locale
from bot.services import texts
from bot.services.errors import Invalid
from storage.models import (
    MatchStatus,
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
