"""The reminders due job on the database: sent once, late only while the appointment is ahead,
no-answer alerts, and safe with two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from bot.clock import ManualClock
from bot.services import appointments
from bot.services.appointments import reminders
from storage.db import Database
from storage.models import (
    Answer,
    JobStatus,
    OutboxMessage,
    Person,
    Reminder,
    ReminderKind,
    Role,
)
from tests.conftest import dispatching
from tests.factories import building

TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # Madrid, UTC+1


async def setup(db: Database, clock: ManualClock) -> tuple[Person, Person, Person, int]:
    """Ana and Ben mentor the Haddad family; Amira (Arabic) is on Telegram; one appointment."""
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=3001)
        ben = await b.person(org, Role.MENTOR, "Ben", telegram_id=3002, locale="es")
        family = await b.family(org, "Haddad")
        amira = await b.person(
            org, Role.MENTEE, "Amira", telegram_id=3003, locale="ar", family=family
        )
        match = await b.match(family, [ana, ben], worker)
    async with dispatching(db) as s:
        view = await appointments.create(
            s, ana, match.id, TUESDAY_1730, "Café Central", None, clock.now()
        )
    return ana, ben, amira, view.id


async def run(db: Database, now: datetime) -> int:
    async with dispatching(db) as s:
        return await reminders.send_due(s, now)


async def rows(db: Database) -> list[Reminder]:
    async with db.transaction() as s:
        return list((await s.execute(select(Reminder).order_by(Reminder.id))).scalars())


async def queued(db: Database, kind: str) -> list[OutboxMessage]:
    async with db.transaction() as s:
        result = await s.execute(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return list(result.scalars())


async def test_a_due_reminder_is_queued_once_in_the_recipients_language(
    db: Database, clock: ManualClock
) -> None:
    _ana, _ben, amira, _appointment_id = await setup(db, clock)
    assert await run(db, clock.now()) == 0
    clock.set(TUESDAY_1730 - timedelta(days=1))
    assert await run(db, clock.now()) == 1
    [message] = await queued(db, "reminder")
    day_before = next(r for r in await rows(db) if r.offset_minutes == 1440)
    assert message.person_id == amira.id
    assert message.dedupe_key == f"reminder:{day_before.id}"
    assert "الثلاثاء" in message.text and "Café Central" in message.text
    assert "Ana" in message.text and "Ben" in message.text
    assert message.buttons is not None and len(message.buttons) == 3
    assert day_before.status == JobStatus.DONE and day_before.done_at == clock.now()
    # The job running again sends nothing twice.
    assert await run(db, clock.now()) == 0
    assert await run(db, clock.now() + timedelta(minutes=1)) == 0
    assert len(await queued(db, "reminder")) == 1


async def test_after_downtime_a_reminder_is_sent_late_while_the_appointment_is_ahead(
    db: Database, clock: ManualClock
) -> None:
    _, _, amira, _ = await setup(db, clock)
    # Down from Monday morning until 30 minutes before the meeting: both reminders are
    # overdue; only the latest goes out, the other is recorded as superseded.
    clock.set(TUESDAY_1730 - timedelta(minutes=30))
    await run(db, clock.now())
    sent = await queued(db, "reminder")
    assert [m.person_id for m in sent] == [amira.id]
    by_offset = {r.offset_minutes: r for r in await rows(db) if r.kind == ReminderKind.REMINDER}
    assert by_offset[240].status == JobStatus.DONE and by_offset[240].reason == "sent late"
    assert by_offset[1440].status == JobStatus.SKIPPED
    assert by_offset[1440].reason == reminders.SUPERSEDED


async def test_after_downtime_past_the_appointment_reminders_are_skipped_with_a_reason(
    db: Database, clock: ManualClock
) -> None:
    await setup(db, clock)
    clock.set(TUESDAY_1730 + timedelta(hours=1))
    assert await run(db, clock.now()) == 3
    assert await queued(db, "reminder") == [] and await queued(db, "no_answer") == []
    assert {(r.status, r.reason) for r in await rows(db)} == {(JobStatus.SKIPPED, reminders.PASSED)}


async def test_no_answer_alerts_every_mentor_unless_someone_answered(
    db: Database, clock: ManualClock
) -> None:
    ana, ben, _amira, _appointment_id = await setup(db, clock)
    clock.set(TUESDAY_1730 - timedelta(hours=2))
    await run(db, clock.now())
    alerts = await queued(db, "no_answer")
    assert {m.person_id for m in alerts} == {ana.id, ben.id}
    spanish = next(m for m in alerts if m.person_id == ben.id)
    assert "martes, 3 de marzo" in spanish.text and "Haddad" in spanish.text


async def test_no_alert_when_the_family_answered(db: Database, clock: ManualClock) -> None:
    _, _, amira, appointment_id = await setup(db, clock)
    async with dispatching(db) as s:
        await appointments.answer(s, amira, appointment_id, Answer.CANNOT, clock.now())
    clock.set(TUESDAY_1730 - timedelta(hours=2))
    await run(db, clock.now())
    assert await queued(db, "no_answer") == []
    [alert] = [r for r in await rows(db) if r.kind == ReminderKind.NO_ANSWER]
    assert alert.status == JobStatus.SKIPPED and alert.reason == reminders.ANSWERED


async def test_an_unreachable_mentee_is_recorded_not_crashed(
    db: Database, clock: ManualClock
) -> None:
    _, _, amira, _ = await setup(db, clock)
    async with db.transaction() as s:
        person = await s.get(Person, amira.id)
        assert person is not None
        person.reachable = False
    clock.set(TUESDAY_1730 - timedelta(days=1))
    assert await run(db, clock.now()) == 1
    [reminder] = [r for r in await rows(db) if r.offset_minutes == 1440]
    assert reminder.status == JobStatus.SKIPPED and reminder.reason == reminders.UNREACHABLE


async def test_two_jobs_at_once_never_send_a_reminder_twice(
    db: Database, clock: ManualClock
) -> None:
    """Two processes ticking at the same moment (on PostgreSQL, rows are claimed with
    FOR UPDATE SKIP LOCKED; on SQLite, writers queue)."""
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        mentor = await b.person(org, Role.MENTOR, "Ana", telegram_id=4000)
        matches = []
        for i in range(30):
            family = await b.family(org, f"Family {i}")
            await b.person(org, Role.MENTEE, f"Mentee {i}", telegram_id=4001 + i, family=family)
            matches.append(await b.match(family, [mentor], worker))
    async with dispatching(db) as s:
        for match in matches:
            await appointments.create(s, mentor, match.id, TUESDAY_1730, "Park", None, clock.now())
    now = TUESDAY_1730 - timedelta(days=1)
    handled = await asyncio.gather(*(run(db, now) for _ in range(4)))
    assert sum(handled) == 30
    sent = await queued(db, "reminder")
    assert len(sent) == 30
    assert len({m.dedupe_key for m in sent}) == 30


async def test_the_scan_uses_the_status_due_index(db: Database) -> None:
    """The due scan reads only due rows, by the (status, due_at) index, so its cost does not
    grow with the number of future appointments."""
    if not db.is_sqlite:
        pytest.skip("the query plan is checked on SQLite")
    async with db.transaction() as s:
        now = datetime(2026, 3, 2, tzinfo=UTC)
        query = (
            select(Reminder.id)
            .where(Reminder.status == JobStatus.PENDING, Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(200)
        )
        compiled = query.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
        plan = (await s.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_reminder_due" in details, details


async def test_a_late_reminder_waits_for_the_end_of_quiet_hours(
    db: Database, clock: ManualClock
) -> None:
    """Back from downtime at 03:00 Madrid time: the overdue reminder is not sent into the
    night but at 08:00, still before the 17:30 meeting."""
    _, _, amira, _ = await setup(db, clock)
    night = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 03:00 in Madrid
    await run(db, night)
    assert await queued(db, "reminder") == []
    [day_before] = [r for r in await rows(db) if r.offset_minutes == 1440]
    assert day_before.status == JobStatus.PENDING
    assert day_before.due_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 in Madrid
    await run(db, datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    [message] = await queued(db, "reminder")
    assert message.person_id == amira.id


async def test_a_late_reminder_for_an_early_meeting_is_dropped_not_sent_in_the_night(
    db: Database, clock: ManualClock
) -> None:
    """A 07:30 meeting: waiting for 08:00 would be too late, and nothing is sent inside the
    quiet hours: the overdue reminder is dropped with its reason (the family had the card and
    the day-before reminder was planned for 08:00 the day before)."""
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=5001)
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amira", telegram_id=5002, family=family)
        match = await b.match(family, [ana], worker)
    early = datetime(2026, 3, 4, 6, 30, tzinfo=UTC)  # Wednesday 07:30 in Madrid
    async with dispatching(db) as s:
        await appointments.create(s, ana, match.id, early, "Station", None, clock.now())
    await run(db, datetime(2026, 3, 4, 3, 0, tzinfo=UTC))  # 04:00 in Madrid, both overdue
    assert await queued(db, "reminder") == []
    reasons = {r.offset_minutes: r.reason for r in await rows(db)}
    assert reasons[240] == reminders.QUIET  # 03:30: inside the night, written as dropped
    assert reasons[1440] in (reminders.QUIET, reminders.SUPERSEDED)
