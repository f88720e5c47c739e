"""The checks of an organisation's policy (reminders, acknowledgement deadlines, alerts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.services import help_lines as help_line_rules
from bot.services import reminders as reminder_rules
from bot.services import retention as retention_policy
from bot.services.admin.checks import (
    CADENCE_DAYS,
    HELP_TARGET_HOURS,
    MAX_REMINDER_MINUTES,
    _whole,
    check_ack_deadlines,
    check_checkin_cadence,
    check_emergency_phone,
    check_help_line,
    check_quiet_days,
    check_reminders,
    check_text,
    check_weekday,
)
from bot.services.errors import Invalid
from storage.models import (
    Organisation,
)

# A rule per setting: the columns it writes, from the value given (never None), the
# organisation (None while it is being added) and its country.
Rule = Callable[[Any, Organisation | None, str | None], dict[str, Any]]


def _column(column: str, check: Callable[[Any], Any]) -> Rule:
    def rule(value: Any, org: Organisation | None, region: str | None) -> dict[str, Any]:
        return {column: check(value)}

    return rule


def _whole_number(column: str, what: str, low: int, high: int, unit: str) -> Rule:
    return _column(column, lambda value: _whole(value, what, low, high, unit))


def _text(column: str, what: str) -> Rule:
    return _column(column, lambda value: check_text(value, what) or None)


def _phone(column: str, check: Callable[[str, str | None], str | None]) -> Rule:
    def rule(value: Any, org: Organisation | None, region: str | None) -> dict[str, Any]:
        return {column: check(value, region)}

    return rule


def _help_lines(value: Any, org: Organisation | None, region: str | None) -> dict[str, Any]:
    """The help lines merged into the stored ones (an empty number removes one); the line for
    emergencies is the emergency phone."""
    out: dict[str, Any] = {}
    lines = {**(org.help_lines or {} if org else {})}
    for purpose, number in help_line_rules.check_help_lines(value, region).items():
        if purpose == help_line_rules.HelpPurpose.EMERGENCY.value:
            out["emergency_phone"] = number or "112"
        elif number:
            lines[purpose] = number
        else:
            lines.pop(purpose, None)
    out["help_lines"] = lines
    return out


def _retention(value: Any, org: Organisation | None, region: str | None) -> dict[str, Any]:
    stored = dict(org.retention or {}) if org else {}
    return {"retention": {**stored, **retention_policy.check_retention(value)}}


def _support_thresholds(value: Any, org: Organisation | None, region: str | None) -> dict[str, Any]:
    from bot.services import support

    stored = dict(org.support_thresholds or {}) if org else {}
    return {"support_thresholds": {**stored, **support.check_thresholds(value)}}


# In this order: the first invalid setting is the one refused, and a help line for
# emergencies overrides the emergency phone given with it.
RULES: tuple[tuple[str, Rule], ...] = (
    ("emergency_phone", _phone("emergency_phone", check_emergency_phone)),
    ("office_phone", _phone("office_phone", check_help_line)),
    ("help_lines", _help_lines),
    ("office_hours", _text("office_hours", "office hours")),
    ("address", _text("address", "address")),
    ("reminders", _column("reminder_offsets_minutes", check_reminders)),
    (
        "confirm_by_minutes",
        _whole_number("confirm_by_minutes", "confirm-by", 0, MAX_REMINDER_MINUTES, "minutes"),
    ),
    (
        "report_cadence_days",
        _whole_number("report_cadence_days", "the report cadence", *CADENCE_DAYS, "days"),
    ),
    (
        "help_target_hours",
        _whole_number("help_target_hours", "the help target", *HELP_TARGET_HOURS, "hours"),
    ),
    ("ack_deadlines", _column("ack_deadlines_minutes", check_ack_deadlines)),
    ("quiet_days", _column("quiet_days", check_quiet_days)),
    ("checkin_cadence", _column("checkin_cadence", check_checkin_cadence)),
    ("digest_day", _column("digest_weekday", check_weekday)),
    ("digest_hour", _whole_number("digest_hour", "the digest hour", 0, 23, "o'clock")),
    ("retention_periods", _retention),
    ("support_thresholds", _support_thresholds),
)


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
    given: dict[str, Any] = {
        "emergency_phone": emergency_phone,
        "office_phone": office_phone,
        "help_lines": help_lines,
        "office_hours": office_hours,
        "address": address,
        "reminders": reminders,
        "confirm_by_minutes": confirm_by_minutes,
        "report_cadence_days": report_cadence_days,
        "help_target_hours": help_target_hours,
        "ack_deadlines": ack_deadlines,
        "quiet_days": quiet_days,
        "checkin_cadence": checkin_cadence,
        "digest_day": digest_day,
        "digest_hour": digest_hour,
        "retention_periods": retention_periods,
        "support_thresholds": support_thresholds,
    }
    values: dict[str, Any] = {}
    for setting, rule in RULES:
        if given[setting] is not None:
            values.update(rule(given[setting], org, region))
    check_alert_timing(*_alert_settings(values, org))
    return values


def _alert_settings(values: Mapping[str, Any], org: Organisation | None) -> tuple[list[int], int]:
    """The reminder offsets and the confirm-by time the organisation will have: the ones
    being written, or else the stored ones (the defaults for a new organisation)."""
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
    return [int(m) for m in offsets], int(confirm_by)


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
