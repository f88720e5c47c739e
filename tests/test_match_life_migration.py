"""Migration 0009_match_life gives the matches made before it (in the CLI) the states they
need: an active one is started (its first meeting counted as agreed on its start day), a
closed one keeps its free-text reason under the code `legacy`; and they keep working."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from storage.db import Database
from storage.match_life import ClosureReason, FirstMeetingOutcome, MatchStage
from storage.migrate import upgrade
from storage.models import Match, MatchStatus
from tests.test_migrations import pg_empty, sqlite_empty  # noqa: F401 (fixtures)

BEFORE = "0008_relay"


async def _legacy_matches(db: Database) -> None:
    await upgrade(db, BEFORE)
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO organisation (id, name, timezone, locale, emergency_phone, "
                "reminder_offsets_minutes, confirm_by_minutes, report_cadence_days, "
                "help_target_hours, ack_deadlines_minutes, retention, created_at) VALUES (1, 'Casal', "
                "'Europe/Madrid', 'ca', '112', '[1440, 120]', 120, 30, 48, '{}', '{}', "
                "'2026-01-01 00:00:00+00:00')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO family (id, organisation_id, name, created_at) VALUES "
                "(1, 1, 'Haddad', '2026-01-01 00:00:00+00:00'), "
                "(2, 1, 'Kim', '2026-01-01 00:00:00+00:00')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO person (id, organisation_id, role, name, share_phone, share_email, "
                "consent, reachable, quiet_start, quiet_end, active, created_at) VALUES "
                "(1, 1, 'worker', 'Wendy', false, false, 'pending', true, '21:00', '08:00', "
                "true, '2026-01-01 00:00:00+00:00')"
            )
        )
        await conn.execute(
            text(
                "INSERT INTO match (id, organisation_id, family_id, worker_id, status, "
                "started_on, closed_at, closure_reason, created_at) VALUES "
                "(1, 1, 1, 1, 'active', '2026-01-15', NULL, NULL, '2026-01-15 00:00:00+00:00'), "
                "(2, 1, 2, 1, 'closed', '2025-06-01', '2025-12-01 00:00:00+00:00', "
                "'moved to Valencia', '2025-06-01 00:00:00+00:00')"
            )
        )
    await upgrade(db)


async def _check(db: Database) -> None:
    async with db.transaction() as s:
        active = await s.get(Match, 1)
        closed = await s.get(Match, 2)
        assert active is not None and closed is not None
        assert (active.status, active.stage) == (MatchStatus.ACTIVE, MatchStage.ACTIVE)
        assert active.initiated_on == date(2026, 1, 15)
        assert active.first_meeting_outcome == FirstMeetingOutcome.AGREED
        assert (closed.stage, closed.closure_code) == (MatchStage.CLOSED, ClosureReason.LEGACY)
        assert closed.closure_reason == "moved to Valencia"
        org_limit = await s.scalar(text("SELECT request_age_limit_days FROM organisation"))
        assert org_limit == 45


async def test_legacy_matches_on_sqlite(sqlite_empty: Database) -> None:  # noqa: F811
    await _legacy_matches(sqlite_empty)
    await _check(sqlite_empty)


async def test_legacy_matches_on_postgresql(pg_empty: Database) -> None:  # noqa: F811
    await _legacy_matches(pg_empty)
    await _check(pg_empty)
