"""Setting up a programme: organisations, people, families and matches.

These are the operator's use cases (the admin CLI and the CSV import). Every function validates
all of its input before it writes anything, raises `Invalid` / `NotFound` with a one-line reason
for the operator, and audits what it created or changed (ids and codes only).

The package, by subject: `checks` (one field each, and the limits), `policy` (an
organisation's settings together), `organisations`, `people` (and families), `matches`;
`values` holds what they return. Everything public is re-exported here.
"""

from bot.services.admin.checks import (
    CADENCE_DAYS,
    EMAIL,
    HELP_TARGET_HOURS,
    HHMM,
    MAX_ACK_MINUTES,
    MAX_REMINDER_MINUTES,
    MAX_REMINDERS,
    OPEN_STATUSES,
    SEVERITY_ORDER,
    SHORT_MAX_DIGITS,
    TEXT_LIMIT,
    WEEKDAYS,
    check_ack_deadlines,
    check_checkin_cadence,
    check_email,
    check_emergency_phone,
    check_help_line,
    check_locale,
    check_name,
    check_phone,
    check_quiet_days,
    check_quiet_hours,
    check_region,
    check_reminders,
    check_role,
    check_text,
    check_timezone,
    check_weekday,
    check_yes_no,
    region_of,
)
from bot.services.admin.matches import add_match, close_match, list_matches
from bot.services.admin.organisations import add_org, find_org, list_orgs, set_org
from bot.services.admin.people import (
    add_family,
    add_person,
    find_family,
    find_person,
    list_families,
    list_people,
    set_person,
)
from bot.services.admin.policy import check_alert_timing
from bot.services.admin.values import FamilyInfo, MatchInfo, OrgInfo, PersonInfo

__all__ = [
    "CADENCE_DAYS",
    "EMAIL",
    "HELP_TARGET_HOURS",
    "HHMM",
    "MAX_ACK_MINUTES",
    "MAX_REMINDERS",
    "MAX_REMINDER_MINUTES",
    "OPEN_STATUSES",
    "SEVERITY_ORDER",
    "SHORT_MAX_DIGITS",
    "TEXT_LIMIT",
    "WEEKDAYS",
    "FamilyInfo",
    "MatchInfo",
    "OrgInfo",
    "PersonInfo",
    "add_family",
    "add_match",
    "add_org",
    "add_person",
    "check_ack_deadlines",
    "check_alert_timing",
    "check_checkin_cadence",
    "check_email",
    "check_emergency_phone",
    "check_help_line",
    "check_locale",
    "check_name",
    "check_phone",
    "check_quiet_days",
    "check_quiet_hours",
    "check_region",
    "check_reminders",
    "check_role",
    "check_text",
    "check_timezone",
    "check_weekday",
    "check_yes_no",
    "close_match",
    "find_family",
    "find_org",
    "find_person",
    "list_families",
    "list_matches",
    "list_orgs",
    "list_people",
    "region_of",
    "set_org",
    "set_person",
]
