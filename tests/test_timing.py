"""Timing that makes sense, with a settable clock and the default quiet hours (21:00-08:00):
a meeting planned in the evening for the same evening, and for early next morning, with what
each person receives and when; the no-answer alert only after the family had two waking hours
to answer the last reminder. The mentee reads Arabic (or English), the mentors English and
Catalan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.services import appointments, reminders
from emulator import MessageView
from storage.db import Database
from storage.models import JobStatus, Person, Reminder, ReminderKind
from tests.conftest import deliver, tick
from tests.harness import Person as TgPerson
from tests.harness import Telegram
from tests.test_relay import Cast, _cast

MONDAY_2248 = datetime(2026, 3, 2, 21, 48, tzinfo=UTC)  # 22:48 in Madrid
NOBODY = "has confirmed the meeting"


def no_answer(message: MessageView) -> bool:
    return NOBODY in message.text or "ha confirmat" in message.text


async def _plan(db: Database, cast: Cast, now: datetime, starts_at: datetime) -> int:
    async with db.transaction() as s:
        tom = (
            await s.execute(select(Person).where(Person.telegram_id == cast.tom.id))
        ).scalar_one()
        view = await appointments.create(s, tom, 1, starts_at, "Biblioteca", None, now)
    return view.id


async def _rows(db: Database) -> list[Reminder]:
    async with db.transaction() as s:
        return list((await s.execute(select(Reminder).order_by(Reminder.id))).scalars())


async def _seen(person: TgPerson, after: int) -> list[MessageView]:
    return [m for m in person.user.messages if m.message_id > after and not m.deleted]


def _last_id(person: TgPerson) -> int:
    return max((m.message_id for m in person.user.messages), default=0)


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_planned_in_the_evening_for_the_same_evening(
    tg: Telegram, db: Database, clock: ManualClock, app: App, locale: str
) -> None:
    cast = await _cast(tg, db, clock, locale)
    clock.set(MONDAY_2248)
    mark_amal, mark_tom, mark_marta = _last_id(cast.amal), _last_id(cast.tom), _last_id(cast.marta)
    await _plan(db, cast, clock.now(), MONDAY_2248 + timedelta(minutes=4))  # 22:52
    await deliver(app)
    # The family's card arrives at once: at short notice it is the reminder.
    card = await cast.amal.next_message()
    assert "22:52" in card.text or "10:52" in card.text
    # No reminder and no alert are written: both would come at once, or in the night.
    assert [r for r in await _rows(db) if r.status == JobStatus.PENDING] == []
    for minute in (1, 2, 3, 5):
        clock.set(MONDAY_2248 + timedelta(minutes=minute))
        await tick(app)
    assert not any(no_answer(m) for m in await _seen(cast.tom, mark_tom))
    assert not any(no_answer(m) for m in await _seen(cast.marta, mark_marta))
    # Amal got the card and its calendar file, nothing more.
    assert len(await _seen(cast.amal, mark_amal)) == 2


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_planned_in_the_evening_for_early_next_morning(
    tg: Telegram, db: Database, clock: ManualClock, app: App, locale: str
) -> None:
    cast = await _cast(tg, db, clock, locale)
    clock.set(MONDAY_2248)
    starts = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # Tuesday 08:30 in Madrid
    mark_amal, mark_tom = _last_id(cast.amal), _last_id(cast.tom)
    await _plan(db, cast, clock.now(), starts)
    await deliver(app)
    await cast.amal.next_message()  # the card, at once
    rows = await _rows(db)
    [reminder] = [r for r in rows if r.kind == ReminderKind.REMINDER]
    # Four hours before is 04:30, in the night: moved to the end of the window, 08:00.
    assert reminder.due_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    assert reminder.status == JobStatus.PENDING
    # The alert would come with that reminder: the family could not answer, so it is dropped.
    [alert] = [r for r in rows if r.kind == ReminderKind.NO_ANSWER]
    assert alert.status == JobStatus.SKIPPED and alert.reason == reminders.NO_TIME
    # Through the night nothing reaches anybody.
    after_card = _last_id(cast.amal)
    for moment in (
        datetime(2026, 3, 2, 22, 30, tzinfo=UTC),  # 23:30
        datetime(2026, 3, 3, 3, 30, tzinfo=UTC),  # 04:30
        datetime(2026, 3, 3, 6, 59, tzinfo=UTC),  # 07:59
    ):
        clock.set(moment)
        await tick(app)
    assert len(await _seen(cast.amal, mark_amal)) == 2  # card and calendar file
    assert _last_id(cast.amal) == after_card
    # At 08:00 the reminder, with the answer buttons.
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    await tick(app)
    morning = await cast.amal.next_message(where=lambda m: bool(m.keyboard))
    assert morning.buttons and morning.message_id > after_card
    clock.set(datetime(2026, 3, 3, 7, 25, tzinfo=UTC))
    await tick(app)
    assert not any(no_answer(m) for m in await _seen(cast.tom, mark_tom))


async def test_the_no_answer_alert_comes_two_waking_hours_after_the_last_reminder(
    tg: Telegram, db: Database, clock: ManualClock, app: App
) -> None:
    cast = await _cast(tg, db, clock, "ar")
    starts = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # Tuesday 17:30 in Madrid
    await _plan(db, cast, clock.now(), starts)
    await deliver(app)
    rows = await _rows(db)
    last = max(r.due_at for r in rows if r.kind == ReminderKind.REMINDER)
    [alert] = [r for r in rows if r.kind == ReminderKind.NO_ANSWER]
    assert last == starts - timedelta(hours=4) and alert.due_at == starts - timedelta(hours=2)
    assert alert.due_at - last >= reminders.ANSWER_TIME and alert.status == JobStatus.PENDING
    mark = _last_id(cast.tom)
    clock.set(last)
    await tick(app)
    assert not any(no_answer(m) for m in await _seen(cast.tom, mark))
    clock.set(alert.due_at)
    await tick(app)
    told = await cast.tom.next_message(where=no_answer)
    assert "Haddad" in told.text
