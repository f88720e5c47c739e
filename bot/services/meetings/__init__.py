"""Meetings: what mentors log after seeing their family, and what co-mentors see of it.

Pure rules (durations typed by people, dates against today and the match's start, the window in
which a mentor may still correct a log) are plain functions; the use cases below them re-check
on every call that the acting mentor belongs to the match and that the match is active.

The package, from the bottom up: `rules` (limits, parsing, checks, the values returned),
`queries` (reads and authorisation) and `actions` (logging and correcting), beside `labels`
(the activity and mood labels, translated when rendered). Callers use the names below.
"""

from __future__ import annotations

from bot.services.meetings.actions import log_meeting, update_meeting
from bot.services.meetings.labels import ACTIVITIES, MOOD_LABELS
from bot.services.meetings.queries import (
    active_matches,
    check_corrected_day,
    check_new_day,
    choice,
    duplicate_of,
    family_name,
    mentor_match,
    overview,
    own_meeting,
    recent_own,
)
from bot.services.meetings.rules import (
    COMMON_DURATIONS,
    EDIT_WINDOW_DAYS,
    MAX_MINUTES,
    MOODS,
    NOTES_MAX,
    UNWELL_MOOD,
    Entry,
    MatchChoice,
    MatchOverview,
    MeetingView,
    Seen,
    check_activities,
    check_day,
    check_duration,
    check_mood,
    check_notes,
    in_edit_window,
    local_today,
    parse_day,
    parse_duration,
    parse_small_number,
    validate,
)

__all__ = [
    "ACTIVITIES",
    "COMMON_DURATIONS",
    "EDIT_WINDOW_DAYS",
    "MAX_MINUTES",
    "MOODS",
    "MOOD_LABELS",
    "NOTES_MAX",
    "UNWELL_MOOD",
    "Entry",
    "MatchChoice",
    "MatchOverview",
    "MeetingView",
    "Seen",
    "active_matches",
    "check_activities",
    "check_corrected_day",
    "check_day",
    "check_duration",
    "check_mood",
    "check_new_day",
    "check_notes",
    "choice",
    "duplicate_of",
    "family_name",
    "in_edit_window",
    "local_today",
    "log_meeting",
    "mentor_match",
    "overview",
    "own_meeting",
    "parse_day",
    "parse_duration",
    "parse_small_number",
    "recent_own",
    "update_meeting",
    "validate",
]
