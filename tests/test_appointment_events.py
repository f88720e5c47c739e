"""Appointments say what happened: planning, moving, cancelling, a one-tap answer and a batch of
due reminders each record their domain event and queue nothing themselves; dispatched, the
event queues the messages the service used to queue, rendered for each reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.notifications import bus
from bot.notifications.appointments import (
    answer_buttons,
    answer_notice,
    cancelled_notice,
    co_mentor_notice,
    mentee_card,
)
from bot.notifications.appointments.callbacks import Move
from bot.services import appointments, events, people
from bot.services.appointments import AppointmentView, reminders
from domain import Answer
from domain.events import (
    AppointmentAnswered,
    AppointmentCancelled,
    AppointmentMoved,
    AppointmentPlanned,
    RemindersDue,
)
from storage.db import Database
from storage.models import Organisation, OutboxMessage, Person, Reminder, Role
from tests.conftest import dispatching
from tests.factories import building

TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)


async def _world(db: Database, clock: ManualClock) -> dict[str, int]:
    """Ana (English) and Ben (Spanish) mentor the Haddad family: Amira (Arabic) uses the bot,
    Omar does not."""
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=5101, locale="en")
        ben = await b.person(org, Role.MENTOR, "Ben", telegram_id=5102, locale="es")
        family = await b.family(org, "Haddad")
        amira = await b.person(
            org, Role.MENTEE, "Amira", telegram_id=5103, locale="ar", family=family
        )
        await b.person(org, Role.MENTEE, "Omar", family=family)
        match = await b.match(family, [ana, ben], worker)
    return {"org": org.id, "ana": ana.id, "ben": ben.id, "amira": amira.id, "match": match.id}


async def _queued(s: AsyncSession) -> list[OutboxMessage]:
    return list((await s.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def _reader(s: AsyncSession, ids: dict[str, int], who: str) -> people.Reader:
    person, org = await s.get(Person, ids[who]), await s.get(Organisation, ids["org"])
    assert person is not None and org is not None
    return people.Reader(person, org)


def _buttons(rows: Any) -> Any:
    return [[list(b) for b in row] for row in rows] if rows else None


async def _plan(db: Database, clock: ManualClock, ids: dict[str, int]) -> AppointmentView:
    async with dispatching(db) as s:
        ana = await s.get(Person, ids["ana"])
        assert ana is not None
        return await appointments.create(
            s, ana, ids["match"], TUESDAY_1730, "Café Central", "Bring the forms", clock.now()
        )


async def test_planning_records_who_is_told_and_the_event_queues_their_messages(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock)
    now = clock.now()
    async with db.transaction() as s:
        ana = await s.get(Person, ids["ana"])
        assert ana is not None
        view = await appointments.create(
            s, ana, ids["match"], TUESDAY_1730, "Café Central", "Bring the forms", now
        )
        assert events.recorded(s) == [
            AppointmentPlanned(view.id, ids["ana"], (ids["amira"],), (ids["ben"],), False)
        ]
        assert await _queued(s) == []  # the service queues nothing itself
        await bus.dispatch(s)
        card, ics, notice = await _queued(s)
        amira, ben = await _reader(s, ids, "amira"), await _reader(s, ids, "ben")
        assert (card.person_id, card.kind, card.not_before) == (
            ids["amira"], "appointment_planned", now,
        )  # fmt: skip
        assert card.text == mentee_card(amira.tr, amira.tz, view, "planned", None)
        assert card.buttons == _buttons(answer_buttons(amira.tr, view, None, "planned"))
        assert card.dedupe_key == f"appointment:{view.id}:0:{ids['amira']}"
        assert (ics.person_id, ics.kind, ics.dedupe_key) == (
            ids["amira"], "appointment_ics", f"ics:{card.dedupe_key}",
        )  # fmt: skip
        assert ics.text == amira.tr.gettext("Add it to your phone's calendar: open this file.")
        assert ics.document_name and ics.document and b"Bring the forms" in ics.document
        assert (notice.person_id, notice.kind) == (ids["ben"], "appointment_planned")
        assert notice.text == co_mentor_notice(ben.tr, ben.tz, view, "Ana", "planned")


async def test_moving_and_cancelling_record_their_events(db: Database, clock: ManualClock) -> None:
    ids = await _world(db, clock)
    view = await _plan(db, clock, ids)
    now = clock.now()
    async with db.transaction() as s:
        ben = await s.get(Person, ids["ben"])
        assert ben is not None
        moved = await appointments.move(s, ben, view.id, TUESDAY_1730 + timedelta(days=1), now)
        assert events.recorded(s) == [
            AppointmentMoved(view.id, ids["ben"], (ids["amira"],), (ids["ana"],))
        ]
        before = len(await _queued(s))
        await bus.dispatch(s)
        card, _ics, notice = (await _queued(s))[before:]
        amira, ana = await _reader(s, ids, "amira"), await _reader(s, ids, "ana")
        assert card.kind == "appointment_moved"
        assert card.text == mentee_card(amira.tr, amira.tz, moved, "moved", None)
        assert card.dedupe_key == f"appointment:{view.id}:1:{ids['amira']}"
        assert notice.text == co_mentor_notice(ana.tr, ana.tz, moved, "Ben", "moved")
    async with db.transaction() as s:
        ana_row = await s.get(Person, ids["ana"])
        assert ana_row is not None
        cancelled = await appointments.cancel(s, ana_row, view.id, now)
        assert events.recorded(s) == [
            AppointmentCancelled(view.id, ids["ana"], (ids["amira"],), (ids["ben"],))
        ]
        before = len(await _queued(s))
        await bus.dispatch(s)
        notice, ics, co = (await _queued(s))[before:]
        amira, ben_reader = await _reader(s, ids, "amira"), await _reader(s, ids, "ben")
        assert (notice.kind, notice.buttons) == ("appointment_cancelled", None)
        assert notice.text == cancelled_notice(amira.tr, amira.tz, cancelled)
        assert ics.kind == "appointment_ics"
        assert co.text == co_mentor_notice(
            ben_reader.tr, ben_reader.tz, cancelled, "Ana", "cancelled"
        )


async def test_an_answer_records_the_mentors_told_and_each_reads_it(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock)
    view = await _plan(db, clock, ids)
    now = clock.now()
    async with db.transaction() as s:
        amira = await s.get(Person, ids["amira"])
        assert amira is not None
        done = await appointments.answer(s, amira, view.id, Answer.CANNOT, now)
        assert done.changed
        assert events.recorded(s) == [
            AppointmentAnswered(view.id, ids["amira"], "cannot", (ids["ana"], ids["ben"]))
        ]
        before = len(await _queued(s))
        await bus.dispatch(s)
        to_ana, to_ben = (await _queued(s))[before:]
        for row, who in ((to_ana, "ana"), (to_ben, "ben")):
            reader = await _reader(s, ids, who)
            assert (row.person_id, row.kind, row.not_before) == (
                ids[who], "appointment_answer", now,
            )  # fmt: skip
            assert row.text == answer_notice(
                reader.tr, reader.tz, done.view, "Amira", Answer.CANNOT
            )
            move = reader.tr.pgettext("appointment button", "Move")
            assert row.buttons == [[[move, Move(view.id).pack()]]]
    async with db.transaction() as s:  # the same answer again: nothing happened
        amira = await s.get(Person, ids["amira"])
        assert amira is not None
        again = await appointments.answer(s, amira, view.id, Answer.CANNOT, now)
        assert not again.changed and events.recorded(s) == []


async def test_a_batch_of_due_reminders_records_one_event_and_it_queues_each_card(
    db: Database, clock: ManualClock
) -> None:
    ids = await _world(db, clock)
    view = await _plan(db, clock, ids)
    async with db.transaction() as s:
        pending = list(
            (await s.execute(select(Reminder).order_by(Reminder.due_at, Reminder.id))).scalars()
        )
    first = pending[0]
    clock.set(first.due_at)
    async with db.transaction() as s:
        before = len(await _queued(s))
        assert await reminders.send_batch(s, clock.now(), 100) == (1, False)
        assert events.recorded(s) == [RemindersDue((first.id,))]
        assert len(await _queued(s)) == before  # queued when the batch is dispatched
        await bus.dispatch(s)
        [card] = (await _queued(s))[before:]
        amira = await _reader(s, ids, "amira")
        current = await appointments.get_for_manager(s, await _row(s, ids["ana"]), view.id)
        assert (card.person_id, card.kind, card.dedupe_key) == (
            ids["amira"], "reminder", f"reminder:{first.id}",
        )  # fmt: skip
        assert card.text == mentee_card(amira.tr, amira.tz, current, "reminder", None)
        assert card.buttons == _buttons(answer_buttons(amira.tr, current, None))


async def _row(s: AsyncSession, person_id: int) -> Person:
    person = await s.get(Person, person_id)
    assert person is not None
    return person
