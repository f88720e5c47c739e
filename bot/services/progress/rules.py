"""The rules of progress reports, pure functions: the domains a report rates and its scale
(with the labels people read them by, `N_`); a report is whole and its marks on the scale; a
new one is due once a period has passed; a request waits for the mentor's quiet hours to end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import NP_
from bot.services import texts
from bot.services.errors import Invalid

DOMAINS: dict[str, str] = {
    # Translators: an area a progress report rates: learning the country's language (not the app's language setting).
    "language": NP_("progress domain", "Language"),
    # Translators: an area a progress report rates: the people the mentee knows and can turn to, not social media.
    "social": NP_("progress domain", "Social network"),
    # Translators: an area a progress report rates.
    "autonomy": NP_("progress domain", "Autonomy with paperwork and services"),
    # Translators: an area a progress report rates.
    "work": NP_("progress domain", "Work or training"),
    # Translators: an area a progress report rates: having a stable home.
    "housing": NP_("progress domain", "Housing"),
    # Translators: an area a progress report rates: how the mentee feels, health of mind and body.
    "wellbeing": NP_("progress domain", "Wellbeing"),
}
RATINGS = (1, 2, 3, 4)
RATING_LABELS: dict[int, str] = {
    # Translators: a mark from 1 to 4 on a button; 1, the lowest.
    1: NP_("progress rating", "Needs a lot of support"),
    # Translators: a mark from 1 to 4 on a button; 2.
    2: NP_("progress rating", "Some progress"),
    # Translators: a mark from 1 to 4 on a button; 3.
    3: NP_("progress rating", "Good progress"),
    # Translators: a mark from 1 to 4 on a button; 4, the highest.
    4: NP_("progress rating", "Doing well"),
}
RELATIONSHIP_LABELS: dict[int, str] = {
    # Translators: how the mentor-mentee relationship is going, 1 of 4.
    1: NP_("relationship rating", "Difficult"),
    # Translators: how the mentor-mentee relationship is going, 2 of 4.
    2: NP_("relationship rating", "Could be better"),
    # Translators: how the mentor-mentee relationship is going, 3 of 4 (an adjective about the relationship).
    3: NP_("relationship rating", "Good"),
    # Translators: how the mentor-mentee relationship is going, 4 of 4.
    4: NP_("relationship rating", "Very good"),
}

REMIND_AFTER = timedelta(days=7)
COMMENT_MAX = 1000  # UTF-16 units, as Telegram counts them


# --- pure rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportEntry:
    match_id: int
    ratings: Mapping[str, int]
    comments: Mapping[str, str | None] = field(default_factory=dict)
    relationship: int = 0
    needs_support: bool = False


def validate(entry: ReportEntry) -> dict[str, dict[str, object]]:
    """The `domains` column of a valid report; Invalid(code) otherwise."""
    if set(entry.ratings) != set(DOMAINS) or not set(entry.comments) <= set(DOMAINS):
        raise Invalid("domains")
    domains: dict[str, dict[str, object]] = {}
    for code in DOMAINS:
        rating = entry.ratings[code]
        if rating not in RATINGS:
            raise Invalid("rating")
        comment = (entry.comments.get(code) or "").strip() or None
        if comment is not None:
            texts.check(comment, COMMENT_MAX, "comment_too_long")
        domains[code] = {"rating": rating, "comment": comment}
    if entry.relationship not in RATINGS:
        raise Invalid("relationship")
    return domains


def period_due(anchor: datetime, now: datetime, cadence_days: int) -> bool:
    """A new report is due once a whole period has passed since the anchor (the match's
    start, the last report, or the last request, whichever is latest)."""
    return now - anchor >= timedelta(days=max(cadence_days, 1))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def outside_quiet_hours(moment: datetime, tz: str, quiet_start: str, quiet_end: str) -> datetime:
    """`moment`, or the end of the person's quiet hours if it falls inside them (local
    "HH:MM" bounds, possibly spanning midnight)."""
    local = moment.astimezone(ZoneInfo(tz))
    start, end, now_m = _minutes(quiet_start), _minutes(quiet_end), local.hour * 60 + local.minute
    if start == end:
        return moment
    inside = (start <= now_m or now_m < end) if start > end else (start <= now_m < end)
    if not inside:
        return moment
    day = local.date() if now_m < end else local.date() + timedelta(days=1)
    wake = datetime.combine(day, time(end // 60, end % 60), tzinfo=ZoneInfo(tz))
    return wake.astimezone(moment.tzinfo)


@dataclass(frozen=True)
class DoneByTeammate:
    mentor: str
    family: str
    at: datetime
