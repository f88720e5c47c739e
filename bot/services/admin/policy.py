"""The checks of an organisation's policy (reminders, acknowledgement deadlines, alerts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.services import help_lines as help_line_rules
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
from bot.services.appointments import reminders as reminder_rules
from bot.services.errors import Invalid
from storage.models import (
    Organisation,
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
