"""Shared SQL conditions about a match's activity, for counts that must stay cheap at
thousands of matches (the digest, the mentor support signal)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, or_
from sqlalchemy.sql import ColumnElement

from storage.models import Match, Meeting


def quiet_since(cutoff: date) -> ColumnElement[bool]:
    """A match quiet at `cutoff`, as the quiet filter of /matches counts it
    (bot/services/caseload.py): its last logged meeting, or its start when it has none, on or
    before `cutoff`. Written as two index probes per match (`ix_meeting_match_day`) rather
    than the latest meeting of every match aggregated first."""
    later = exists().where(Meeting.match_id == Match.id, Meeting.occurred_on > cutoff)
    earlier = exists().where(Meeting.match_id == Match.id)
    return and_(~later, or_(Match.started_on <= cutoff, earlier))
