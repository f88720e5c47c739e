"""The /log conversation's typed draft: it round-trips through the row's data under the keys the
row has always had, a log begun before (as the earlier code wrote it) goes on, one that cannot
be read is dropped cleanly; and a meeting logged or corrected tells nobody but the mentor."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.services import drafts, events, meetings
from bot.services.meetings import Entry
from domain import Role
from handlers.meetings_draft import LogDraft
from storage.db import Database
from storage.models import Meeting, OutboxMessage, Person
from tests.factories import building
from tests.harness import Telegram

TZ = "Europe/Madrid"
FULL = LogDraft(
    match_id=3,
    day=date(2026, 3, 1),
    minutes=45,
    activities=("walk", "meal"),
    mood=2,
    notes="Talked about school.",
)


@pytest.mark.parametrize(
    "draft",
    [
        LogDraft(),
        LogDraft(match_id=3),
        LogDraft(match_id=3, activities=()),  # every activity unticked, still at that step
        FULL,
        FULL.with_(meeting_id=12, back_to_summary=True),
        FULL.with_(allow_duplicate=True, notes=None),
    ],
)
def test_a_log_draft_round_trips_through_the_row_data(draft: LogDraft) -> None:
    assert LogDraft.from_data(draft.to_data()) == draft


def test_a_log_draft_is_stored_under_the_keys_the_row_has_always_had() -> None:
    assert LogDraft(match_id=3).to_data() == {"m": 3}
    assert FULL.with_(meeting_id=12, back_to_summary=True, allow_duplicate=True).to_data() == {
        "m": 3, "d": "2026-03-01", "min": 45, "acts": ["walk", "meal"], "mood": 2,
        "notes": "Talked about school.", "mid": 12, "back": True, "dup": True,
    }  # fmt: skip


def test_a_log_draft_written_by_the_earlier_code_is_read() -> None:
    # Skipping the notes wrote "notes": None; the day and the minutes as a string and a number.
    old = {
        "m": 3, "d": "2026-03-01", "min": 45, "acts": ["walk", "meal"], "mood": 2,
        "notes": None, "back": True, "dup": True,
    }  # fmt: skip
    assert LogDraft.from_data(old) == FULL.with_(
        notes=None, back_to_summary=True, allow_duplicate=True
    )
    assert LogDraft.from_data({"m": "3"}) == LogDraft(match_id=3)
    assert LogDraft.from_data({"m": 3, "mid": 12, "acts": []}) == LogDraft(
        match_id=3, meeting_id=12, activities=()
    )


@pytest.mark.parametrize(
    "data",
    [{"m": "Haddad"}, {"d": "yesterday"}, {"min": [45]}, {"acts": "walk"}, {"mood": "well"}],
)
def test_a_log_draft_that_cannot_be_read_is_none(data: dict[str, Any]) -> None:
    assert LogDraft.from_data(data) is None


def test_missing_names_the_first_step_to_answer() -> None:
    assert LogDraft().missing() == "match"
    assert FULL.with_(minutes=None, mood=None).missing() == "minutes"
    assert FULL.with_(activities=None).missing() == "acts"
    assert FULL.missing() is None
    assert FULL.entry() == Entry(
        3, date(2026, 3, 1), 45, ("walk", "meal"), 2, "Talked about school."
    )
    with pytest.raises(ValueError):
        LogDraft(match_id=3).entry()


# --- in a conversation ----------------------------------------------------------------------


async def _world(db: Database, clock: ManualClock, tid: int) -> tuple[Person, int]:
    async with building(db, clock.now()) as b:
        org = await b.org(locale="en")
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=tid)
        haddad = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amal Haddad", telegram_id=tid + 1, family=haddad)
        match = await b.match(haddad, [ana], worker, started_on=date(2026, 2, 1))
    return ana, match.id


async def _plant(db: Database, clock: ManualClock, tid: int, state: str, data: Any) -> None:
    async with db.transaction() as s:
        await drafts.save(s, tid, "log", state, data, clock.now())


async def _count(db: Database, table: Any) -> int:
    async with db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_log_begun_by_the_earlier_code_goes_on_and_is_saved(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    ana = tg.user("Ana", language_code="en")
    mentor, match_id = await _world(db, clock, ana.id)
    old = {"m": match_id, "d": "2026-03-01", "min": 45, "acts": ["walk", "meal"], "mood": 2}
    await _plant(db, clock, ana.id, "notes", old)
    await ana.send("Talked about school.")
    summary = await ana.next_message()
    assert "Please check your meeting" in summary.text and "Talked about school." in summary.text
    await ana.press("Confirm", summary)
    saved = await ana.next_message()
    assert "Saved: your meeting with the" in saved.text
    assert "did not seem well" in saved.text  # the mood was low: a concern is offered
    async with db.transaction() as s:
        [meeting] = (await s.scalars(select(Meeting))).all()
        assert await drafts.get(s, ana.id) is None
    assert (meeting.match_id, meeting.mentor_id, meeting.occurred_on) == (
        match_id,
        mentor.id,
        date(2026, 3, 1),
    )
    assert (meeting.duration_minutes, meeting.activities, meeting.mood, meeting.notes) == (
        45,
        ["walk", "meal"],
        2,
        "Talked about school.",
    )
    # Nobody but the mentor is told: no message is queued for the family or the staff.
    assert await _count(db, OutboxMessage) == 0


async def test_a_log_draft_that_cannot_be_read_is_dropped(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    ana = tg.user("Ana", language_code="en")
    _, match_id = await _world(db, clock, ana.id)
    await _plant(db, clock, ana.id, "minutes", {"m": match_id, "d": "yesterday"})
    await ana.send("45")
    assert "Send /log to start again" in (await ana.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, ana.id) is None

    # A press on its buttons too; then /log begins again.
    await ana.send("/log")
    day = await ana.next_message()
    assert "When did you meet" in day.text
    await _plant(db, clock, ana.id, "day", {"m": "Haddad"})
    await ana.press("Today", day)
    kept = await ana.next_message()
    assert kept.message_id == day.message_id and not kept.keyboard  # its buttons are gone
    assert "Send /log to start again" in (await ana.next_message()).text
    async with db.transaction() as s:
        assert await drafts.get(s, ana.id) is None
    assert await _count(db, Meeting) == 0


async def test_logging_and_correcting_a_meeting_record_no_event(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    """What a meeting log says is the mentor's own reply: there is nothing to dispatch."""
    mentor, match_id = await _world(db, clock, 7001)
    entry = Entry(match_id, date(2026, 3, 1), 60, ("walk",), 1)  # a low mood
    async with db.transaction() as s:
        logged = await meetings.log_meeting(s, clock.now(), TZ, mentor, entry)
        assert events.recorded(s) == []
    async with db.transaction() as s:
        corrected = replace(entry, duration_minutes=90, notes="Longer than I said.")
        await meetings.update_meeting(s, clock.now(), TZ, mentor, logged.id, corrected)
        assert events.recorded(s) == []
    assert await _count(db, OutboxMessage) == 0
