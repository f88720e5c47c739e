"""The figures of a report, as counted (`counts.figures`), and the months and ages they are
grouped by."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.services.exports import Period
from bot.services.programme_report.scope import Scope

# Ages of matches, in days: under 3 months, 3-6, 6-12, a year or more.
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_3_months", 0, 91),
    ("3_to_6_months", 91, 183),
    ("6_to_12_months", 183, 365),
    ("12_months_or_more", 365, None),
)


@dataclass
class Month:
    meetings: int = 0
    minutes: int = 0
    mood_sum: int = 0
    mood_n: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def mood(self) -> float | None:
        return round(self.mood_sum / self.mood_n, 2) if self.mood_n else None


@dataclass
class Figures:
    scope: Scope
    period: Period
    now: datetime
    # people and families
    families: int = 0  # accompanied: a match open at some time in the period
    families_new: int = 0  # whose match started in the period
    families_active_end: int = 0  # with a match still open at the end of the period
    families_closed: int = 0  # whose match closed in the period
    mentees: int = 0  # the mentees of the families accompanied
    mentors: int = 0  # the mentors of those matches
    # matches
    by_status: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)
    # meetings
    months: dict[str, Month] = field(default_factory=dict)  # "2026-03"
    activities: dict[str, int] = field(default_factory=dict)
    # progress: domain -> (mean rating, reports)
    progress: dict[str, tuple[float, int]] = field(default_factory=dict)
    progress_reports: int = 0
    needs_support: int = 0
    # concerns
    concerns: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, severity)
    sla_met: int = 0
    sla_due: int = 0
    ack_median_minutes: float | None = None
    # help
    help_by_kind: dict[str, int] = field(default_factory=dict)
    help_answered: int = 0
    help_in_time: int = 0
    help_due: int = 0
    help_median_hours: float | None = None
    # reminder answers
    answers: dict[str, int] = field(default_factory=dict)
    # closures in the period: per reason; per kind (planned, unplanned); with every step
    closures_by_reason: dict[str, int] = field(default_factory=dict)
    closures_by_kind: dict[str, int] = field(default_factory=dict)
    closures_complete: int = 0
    # staff check-ins against the organisation's cadence (bot.services.checkins)
    checkin_matches: int = 0  # matches with a check-in window within the period
    checkin_matches_met: int = 0  # of those, the ones whose every window was met
    checkin_windows: int = 0  # windows (per party) within the period
    checkin_windows_met: int = 0
    checkins: int = 0  # check-ins made in the period

    @property
    def closures(self) -> int:
        return sum(self.closures_by_reason.values())

    @property
    def closures_complete_share(self) -> float | None:
        """Per cent of the period's closures that recorded every closure step."""
        return round(100 * self.closures_complete / self.closures, 1) if self.closures else None

    @property
    def checkin_share(self) -> float | None:
        """Per cent of the matches that met every check-in window of the period."""
        if not self.checkin_matches:
            return None
        return round(100 * self.checkin_matches_met / self.checkin_matches, 1)

    @property
    def meetings(self) -> int:
        return sum(m.meetings for m in self.months.values())

    @property
    def hours(self) -> float:
        return round(sum(m.minutes for m in self.months.values()) / 60, 1)


def months_of(period: Period) -> list[str]:
    """Every month the period touches, "YYYY-MM", in order."""
    out: list[str] = []
    day = period.first.replace(day=1)
    while day <= period.last:
        out.append(f"{day:%Y-%m}")
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def age_bucket(days: int) -> str:
    for name, low, high in AGE_BUCKETS:
        if days >= low and (high is None or days < high):
            return name
    return AGE_BUCKETS[0][0]
