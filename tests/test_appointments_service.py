"""Appointment use cases on the database: planning writes reminders and tells the family,
moving and cancelling withdraw pending reminders, answers reach the mentors, and only the
right people may do each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.clock import ManualClock
from bot.notifications.appointments import AppointmentView
from bot.services import appointments
from bot.services.appointments import reminders
from bot.services.errors import Invalid, NotFound
from storage.db import Database
from storage.models import (
    Answer,
    AppointmentAnswer,
    AppointmentStatus,
    JobStatus,
    Match,
    MatchStatus,
    OutboxMessage,
    Person,
    Reminder,
    ReminderKind,
    Role,
)
from tests.conftest import dispatching
from tests.factories import building

# Tuesday 3 March 2026, 17:30 in Madrid (UTC+1).
TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)


@dataclass
class World:
    ana: Person  # mentor, English
    ben: Person  # co-mentor, Spanish
    carla: Person  # another family's mentor
    amira: Person  # mentee, Arabic
    omar: Person  # mentee of the same family, Spanish, in the Canaries
    nadia: Person  # same family, not on Telegram
    zed: Person  # a mentee of another family
    worker: Person
    match: Match
    other: Match


@pytest.fixture
async def world(db: Database, clock: ManualClock) -> World:
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=2000)
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=2001)
        ben = await b.person(org, Role.MENTOR, "Ben", telegram_id=2002, locale="es")
        carla = await b.person(org, Role.MENTOR, "Carla", telegram_id=2003)
        haddad = await b.family(org, "Haddad")
        amira = await b.person(
            org, Role.MENTEE, "Amira", telegram_id=2004, locale="ar", family=haddad
        )
        omar = await b.person(
            org,
            Role.MENTEE,
            "Omar",
            telegram_id=2005,
            locale="es",
            family=haddad,
            timezone="Atlantic/Canary",
        )
        nadia = await b.person(org, Role.MENTEE, "Nadia", family=haddad)
        osei = await b.family(org, "Osei")
        zed = await b.person(org, Role.MENTEE, "Zed", telegram_id=2006, family=osei)
        match = await b.match(haddad, [ana, ben], worker)
        other = await b.match(osei, [carla], worker)
    return World(ana, ben, carla, amira, omar, nadia, zed, worker, match, other)


async def plan(
    db: Database,
    w: World,
    now: datetime,
    starts_at: datetime = TUESDAY_1730,
    place: str = "Café Central",
    note: str | None = "Bring the school form",
) -> AppointmentView:
    async with dispatching(db) as s:
        return await appointments.create(s, w.ana, w.match.id, starts_at, place, note, now)


async def reminder_rows(db: Database, appointment_id: int) -> list[Reminder]:
    async with db.transaction() as s:
        result = await s.execute(
            select(Reminder).where(Reminder.appointment_id == appointment_id).order_by(Reminder.id)
        )
        return list(result.scalars())


async def outbox_rows(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as s:
        return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def test_planning_writes_reminders_for_every_family_member_on_telegram(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    rows = await reminder_rows(db, view.id)
    mentee_rows = [r for r in rows if r.kind == ReminderKind.REMINDER]
    assert {(r.person_id, r.offset_minutes) for r in mentee_rows} == {
        (world.amira.id, 1440),
        (world.amira.id, 240),
        (world.omar.id, 1440),
        (world.omar.id, 240),
    }
    assert all(r.status == JobStatus.PENDING for r in rows)
    due = {(r.person_id, r.offset_minutes): r.due_at for r in mentee_rows}
    assert due[(world.amira.id, 1440)] == TUESDAY_1730 - timedelta(days=1)
    assert due[(world.amira.id, 240)] == TUESDAY_1730 - timedelta(hours=4)
    [alert] = [r for r in rows if r.kind == ReminderKind.NO_ANSWER]
    assert alert.due_at == TUESDAY_1730 - timedelta(hours=2)
    assert alert.person_id == world.ana.id
    # Nadia is not on Telegram: nothing for her.
    assert world.nadia.id not in {r.person_id for r in rows}


async def test_planning_tells_the_family_with_a_calendar_file_and_the_co_mentor(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    sent = await outbox_rows(db)
    by = {(m.person_id, m.kind): m for m in sent}
    card = by[(world.amira.id, "appointment_planned")]
    assert "Café Central" in card.text and "Ana" in card.text and "Ben" in card.text
    assert "الثلاثاء" in card.text  # Tuesday, in Arabic
    assert card.buttons is not None
    assert [row[0][1] for row in card.buttons] == [
        f"ans:{view.id}:c:p:0",
        f"ans:{view.id}:n:p:0",
        f"ans:{view.id}:r:p:0",
    ]
    ics = by[(world.amira.id, "appointment_ics")]
    assert ics.document is not None and ics.document_mime == "text/calendar"
    event = Calendar.from_ical(ics.document).walk("VEVENT")[0]
    assert str(event["uid"]) == f"appointment-{view.id}@mentorbot"
    assert int(str(event["sequence"])) == 0
    assert event.decoded("dtstart") == TUESDAY_1730
    assert str(event["location"]) == "Café Central"
    # Omar in the Canaries reads his own clock: 16:30.
    assert "16:30" in by[(world.omar.id, "appointment_planned")].text
    # Ben, the co-mentor, is told; Ana, who planned it, is not.
    assert (world.ben.id, "appointment_planned") in by
    assert world.ana.id not in {m.person_id for m in sent}
    assert world.zed.id not in {m.person_id for m in sent}


async def test_quiet_hours_apply_in_each_members_timezone(
    db: Database, clock: ManualClock, world: World
) -> None:
    # Wednesday 21:30 in Madrid = 20:30 UTC = 20:30 in the Canaries. The day-before reminder
    # falls at 21:30 Madrid (quiet for Amira) and 20:30 Canary time (not quiet for Omar).
    starts = datetime(2026, 3, 4, 20, 30, tzinfo=UTC)
    view = await plan(db, world, clock.now(), starts)
    rows = {(r.person_id, r.offset_minutes): r for r in await reminder_rows(db, view.id)}
    assert rows[(world.amira.id, 1440)].due_at == datetime(2026, 3, 4, 7, 0, tzinfo=UTC)  # 08:00
    assert rows[(world.omar.id, 1440)].due_at == starts - timedelta(days=1)
    # Four hours before (17:30 Madrid) is outside quiet hours for both.
    assert rows[(world.amira.id, 240)].due_at == starts - timedelta(hours=4)


async def test_reminders_already_past_are_not_written(
    db: Database, clock: ManualClock, world: World
) -> None:
    starts = clock.now() + timedelta(hours=5)
    view = await plan(db, world, clock.now(), starts)
    rows = await reminder_rows(db, view.id)
    assert {r.offset_minutes for r in rows if r.kind == ReminderKind.REMINDER} == {240}


async def test_moving_withdraws_pending_reminders_and_writes_new_ones(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    async with dispatching(db) as s:
        await appointments.answer(s, world.amira, view.id, Answer.COMING, clock.now())
    new_time = TUESDAY_1730 + timedelta(days=2)
    async with dispatching(db) as s:
        moved = await appointments.move(s, world.ben, view.id, new_time, clock.now())
    assert moved.starts_at == new_time and moved.sequence == 1
    rows = await reminder_rows(db, view.id)
    old = [r for r in rows if r.status == JobStatus.CANCELLED]
    new = [r for r in rows if r.status == JobStatus.PENDING]
    assert len(old) == 5 and all(r.reason == reminders.MOVED for r in old)
    assert len(new) == 5
    assert {r.due_at for r in new if r.offset_minutes == 240} == {new_time - timedelta(hours=4)}
    # The answer was for the old time.
    assert all(a.answer is None for a in moved.attendees)
    sent = await outbox_rows(db)
    moved_cards = [m for m in sent if m.kind == "appointment_moved"]
    assert {m.person_id for m in moved_cards} == {world.amira.id, world.omar.id, world.ana.id}
    ics = [m for m in sent if m.kind == "appointment_ics" and m.person_id == world.omar.id]
    assert len(ics) == 2
    assert int(str(Calendar.from_ical(ics[-1].document or b"").walk("VEVENT")[0]["sequence"])) == 1


async def test_cancelling_withdraws_reminders_and_tells_the_family(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    async with dispatching(db) as s:
        await appointments.cancel(s, world.ana, view.id, clock.now())
    rows = await reminder_rows(db, view.id)
    assert rows and all(
        r.status == JobStatus.CANCELLED and r.reason == reminders.CANCELLED for r in rows
    )
    sent = await outbox_rows(db)
    notice = [m for m in sent if m.kind == "appointment_cancelled"]
    assert {m.person_id for m in notice} == {world.amira.id, world.omar.id, world.ben.id}
    ics = [m for m in sent if m.kind == "appointment_ics" and m.person_id == world.amira.id][-1]
    cal = Calendar.from_ical(ics.document or b"")
    assert str(cal["method"]) == "CANCEL"
    assert str(cal.walk("VEVENT")[0]["status"]) == "CANCELLED"
    assert int(str(cal.walk("VEVENT")[0]["sequence"])) == 1
    # Nothing is sent later.
    clock.advance(timedelta(days=2))
    async with dispatching(db) as s:
        assert await reminders.send_due(s, clock.now()) == 0
    with pytest.raises(Invalid):
        async with dispatching(db) as s:
            await appointments.cancel(s, world.ana, view.id, clock.now())


async def test_planning_in_the_past_is_refused(
    db: Database, clock: ManualClock, world: World
) -> None:
    with pytest.raises(Invalid) as err:
        await plan(db, world, clock.now(), clock.now() - timedelta(minutes=1))
    assert err.value.code == "time_past"
    with pytest.raises(Invalid) as err:
        await plan(db, world, clock.now(), place="   ")
    assert err.value.code == "place_empty"


async def test_only_the_matchs_people_may_plan_move_or_cancel(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    for outsider in (world.carla, world.amira, world.zed):
        with pytest.raises(NotFound):
            async with dispatching(db) as s:
                await appointments.create(
                    s, outsider, world.match.id, TUESDAY_1730, "x", None, clock.now()
                )
        with pytest.raises(NotFound):
            async with dispatching(db) as s:
                await appointments.move(s, outsider, view.id, TUESDAY_1730, clock.now())
        with pytest.raises(NotFound):
            async with dispatching(db) as s:
                await appointments.cancel(s, outsider, view.id, clock.now())
    # The match's referring worker may.
    async with dispatching(db) as s:
        await appointments.move(
            s, world.worker, view.id, TUESDAY_1730 + timedelta(hours=1), clock.now()
        )


async def test_only_the_family_may_answer(db: Database, clock: ManualClock, world: World) -> None:
    view = await plan(db, world, clock.now())
    for outsider in (world.zed, world.ana, world.carla, world.worker):
        with pytest.raises(NotFound):
            async with dispatching(db) as s:
                await appointments.answer(s, outsider, view.id, Answer.COMING, clock.now())
    async with db.transaction() as s:
        answers = (await s.execute(select(AppointmentAnswer))).scalars().all()
        assert answers == []


async def test_an_answer_tells_each_mentor_in_their_language(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    before = len(await outbox_rows(db))
    async with dispatching(db) as s:
        done = await appointments.answer(s, world.amira, view.id, Answer.COMING, clock.now())
    assert done.changed and done.view.answer_of(world.amira.id) == Answer.COMING
    notices = (await outbox_rows(db))[before:]
    by = {m.person_id: m for m in notices}
    assert set(by) == {world.ana.id, world.ben.id}
    # Ana reads English as it is written in Spain, where the programme is: day before month,
    # a 24-hour clock, whichever Babel is installed.
    assert "Amira" in by[world.ana.id].text and "Tuesday 3 March, 17:30" in by[world.ana.id].text
    assert "martes, 3 de marzo, 17:30" in by[world.ben.id].text  # Ben reads Spanish dates
    # The same answer again tells nobody; a different one does, with a button to move it.
    async with dispatching(db) as s:
        again = await appointments.answer(s, world.amira, view.id, Answer.COMING, clock.now())
    assert not again.changed
    assert len(await outbox_rows(db)) == before + 2
    async with dispatching(db) as s:
        await appointments.answer(s, world.amira, view.id, Answer.RESCHEDULE, clock.now())
    latest = (await outbox_rows(db))[before + 2 :]
    assert len(latest) == 2
    assert all(
        m.buttons == [[["Move", f"ap:m:{view.id}"]]] for m in latest if m.person_id == world.ana.id
    )


async def test_answers_to_a_cancelled_or_past_appointment_are_refused(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    clock.set(TUESDAY_1730 + timedelta(minutes=1))
    with pytest.raises(Invalid) as err:
        async with dispatching(db) as s:
            await appointments.answer(s, world.amira, view.id, Answer.COMING, clock.now())
    assert err.value.code == "appointment_passed"


async def test_upcoming_lists(db: Database, clock: ManualClock, world: World) -> None:
    first = await plan(db, world, clock.now())
    second = await plan(db, world, clock.now(), TUESDAY_1730 + timedelta(days=7))
    async with dispatching(db) as s:
        await appointments.cancel(s, world.ana, second.id, clock.now())
        mine = await appointments.upcoming_for_manager(s, world.ben, clock.now())
        theirs = await appointments.upcoming_for_mentee(s, world.omar, clock.now())
        carla = await appointments.upcoming_for_manager(s, world.carla, clock.now())
        zed = await appointments.upcoming_for_mentee(s, world.zed, clock.now())
    assert [v.id for v in mine] == [first.id] == [v.id for v in theirs]
    assert carla == [] and zed == []
    assert mine[0].status == AppointmentStatus.PLANNED
    assert [a.name for a in mine[0].attendees] == ["Amira", "Omar"]


async def test_a_past_meeting_cannot_be_cancelled_nor_a_closed_matchs_moved(
    db: Database, clock: ManualClock, world: World
) -> None:
    view = await plan(db, world, clock.now())
    async with db.transaction() as s:
        match = await s.get(Match, world.match.id)
        assert match is not None
        match.status = MatchStatus.CLOSED
    with pytest.raises(Invalid) as err:
        async with dispatching(db) as s:
            await appointments.move(s, world.ana, view.id, TUESDAY_1730 + timedelta(days=1),
                                    clock.now())  # fmt: skip
    assert err.value.code == "match_not_active"
    clock.set(TUESDAY_1730 + timedelta(hours=1))
    with pytest.raises(Invalid) as err:
        async with dispatching(db) as s:
            await appointments.cancel(s, world.ana, view.id, clock.now())
    assert err.value.code == "appointment_passed"
