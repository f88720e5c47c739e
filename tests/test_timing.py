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
from bot.i18n import translator
from bot.notifications.appointments import AppointmentView, who_is_told
from bot.services import appointments
from bot.services.appointments import reminders
from domain import Answer
from emulator import MessageView
from storage.db import Database
from storage.models import JobStatus, Person, Reminder, ReminderKind
from tests.conftest import deliver, dispatching, tick
from tests.harness import Person as TgPerson
from tests.harness import Telegram
from tests.test_relay import Cast, _cast

MONDAY_2248 = datetime(2026, 3, 2, 21, 48, tzinfo=UTC)  # 22:48 in Madrid
NOBODY = "has confirmed the meeting"


def no_answer(message: MessageView) -> bool:
    return NOBODY in message.text or "ha confirmat" in message.text


async def _plan(db: Database, cast: Cast, now: datetime, starts_at: datetime) -> int:
    async with dispatching(db) as s:
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


async def _about_it(person: TgPerson, after: int) -> list[MessageView]:
    """What the person received about the meeting (its card, calendar file, a co-mentor's
    notice, a no-answer alert), leaving out the programme's other messages."""
    return [
        m
        for m in await _seen(person, after)
        if "Biblioteca" in m.text or no_answer(m) or m.document is not None
    ]


def _last_id(person: TgPerson) -> int:
    return max((m.message_id for m in person.user.messages), default=0)


async def _plan_view(
    db: Database, cast: Cast, now: datetime, starts_at: datetime
) -> AppointmentView:
    async with dispatching(db) as s:
        tom = (
            await s.execute(select(Person).where(Person.telegram_id == cast.tom.id))
        ).scalar_one()
        return await appointments.create(s, tom, 1, starts_at, "Biblioteca", None, now)


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_planned_in_the_evening_for_the_same_evening(
    tg: Telegram, db: Database, clock: ManualClock, app: App, locale: str
) -> None:
    cast = await _cast(tg, db, clock, locale)
    clock.set(MONDAY_2248)
    mark_amal, mark_tom, mark_marta = _last_id(cast.amal), _last_id(cast.tom), _last_id(cast.marta)
    view = await _plan_view(db, cast, clock.now(), MONDAY_2248 + timedelta(minutes=4))  # 22:52
    # Amal's quiet hours last until 08:00, after the meeting: the bot does not wake her, and
    # Tom is told to tell her himself.
    assert view.asleep == ["Amal Haddad"]
    told = who_is_told(translator("en"), view, done=True) or ""
    assert "will not hear of it through the bot before the meeting" in told
    assert "Amal Haddad" in told
    # No reminder and no alert are written: both would come in the night.
    assert [r for r in await _rows(db) if r.status == JobStatus.PENDING] == []
    for moment in (
        MONDAY_2248 + timedelta(minutes=5),  # just after the meeting
        datetime(2026, 3, 3, 7, 0, tzinfo=UTC),  # 08:00 the next morning
    ):
        clock.set(moment)
        await tick(app)
        await deliver(app)
    # Nobody received anything: not Amal (asleep), not Marta (the news would come after the
    # meeting), and no "nobody confirmed" to the mentors.
    assert await _about_it(cast.amal, mark_amal) == []
    assert await _about_it(cast.marta, mark_marta) == []
    assert await _about_it(cast.tom, mark_tom) == []


@pytest.mark.parametrize("locale", ["ar", "en"])
async def test_planned_in_the_evening_for_early_next_morning(
    tg: Telegram, db: Database, clock: ManualClock, app: App, locale: str
) -> None:
    cast = await _cast(tg, db, clock, locale)
    clock.set(MONDAY_2248)
    starts = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)  # Tuesday 08:30 in Madrid
    mark_amal, mark_tom, mark_marta = _last_id(cast.amal), _last_id(cast.tom), _last_id(cast.marta)
    view = await _plan_view(db, cast, clock.now(), starts)
    assert view.asleep == [] and who_is_told(translator("en"), view, done=True) is None
    rows = await _rows(db)
    # The card is held until 08:00, the end of Amal's quiet window; the reminder four hours
    # before (04:30, moved to 08:00) would come with it: the card is the reminder.
    assert [r for r in rows if r.kind == ReminderKind.REMINDER] == []
    # The alert would come before the family could answer: dropped.
    [alert] = [r for r in rows if r.kind == ReminderKind.NO_ANSWER]
    assert alert.status == JobStatus.SKIPPED and alert.reason == reminders.NO_TIME
    # Through the night nothing reaches anybody.
    for moment in (
        MONDAY_2248,
        datetime(2026, 3, 3, 3, 30, tzinfo=UTC),  # 04:30, the reminder's nominal time
        datetime(2026, 3, 3, 6, 59, tzinfo=UTC),  # 07:59
    ):
        clock.set(moment)
        await tick(app)
        await deliver(app)
    assert await _about_it(cast.amal, mark_amal) == []
    assert await _about_it(cast.marta, mark_marta) == []
    # At 08:00 Amal gets the card with the answer buttons and the calendar file, and Marta
    # hears that Tom planned it; nothing reaches Tom, who planned it himself.
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    await tick(app)
    await deliver(app)
    card = await cast.amal.next_message(where=lambda m: bool(m.keyboard))
    assert "08:30" in card.text or "8:30" in card.text
    assert len(await _about_it(cast.amal, mark_amal)) == 2  # the card and the calendar file
    [notice] = await _about_it(cast.marta, mark_marta)
    assert "Tom Walker" in notice.text
    clock.set(datetime(2026, 3, 3, 7, 25, tzinfo=UTC))
    await tick(app)
    assert await _about_it(cast.tom, mark_tom) == []


async def test_an_answer_given_at_night_reaches_the_mentors_in_the_morning(
    tg: Telegram, db: Database, clock: ManualClock, app: App
) -> None:
    cast = await _cast(tg, db, clock, "en")
    clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    view = await _plan_view(db, cast, clock.now(), datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    await deliver(app)
    mark_tom, mark_marta = _last_id(cast.tom), _last_id(cast.marta)
    clock.set(MONDAY_2248)  # Amal answers at 22:48; the mentors' quiet hours run to 08:00
    async with dispatching(db) as s:
        amal = (
            await s.execute(select(Person).where(Person.telegram_id == cast.amal.id))
        ).scalar_one()
        await appointments.answer(s, amal, view.id, Answer.CANNOT, clock.now())
    await deliver(app)

    async def about_amal(mentor: TgPerson, mark: int) -> list[MessageView]:
        return [m for m in await _seen(mentor, mark) if "Amal Haddad" in m.text]

    assert await about_amal(cast.tom, mark_tom) == []
    assert await about_amal(cast.marta, mark_marta) == []
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))  # 08:00 in Madrid
    await deliver(app)
    for mentor, mark in ((cast.tom, mark_tom), (cast.marta, mark_marta)):
        [notice] = await about_amal(mentor, mark)
        assert "Amal Haddad" in notice.text


async def test_a_message_relayed_at_night_arrives_at_the_end_of_the_quiet_window(
    tg: Telegram, db: Database, clock: ManualClock, app: App
) -> None:
    cast = await _cast(tg, db, clock, "ar")
    clock.set(MONDAY_2248)
    await cast.amal.send("شكراً، هل يمكنني إحضار ابني؟")
    offer = await cast.amal.next_message()
    await cast.amal.press(cast.tr.gettext("Yes, send it"), offer)
    done = await cast.amal.next_message()
    # Amal is told when it will reach them: at 08:00, the end of their quiet hours.
    tr = cast.tr
    for name in ("Tom Walker", "Marta Vidal"):
        assert (
            tr.gettext("%(name)s is in their quiet hours: it will reach them on %(when)s.")
            % {
                "name": f"\u2068{name}\u2069",
                "when": tr.when(datetime(2026, 3, 3, 7, 0, tzinfo=UTC), "Europe/Madrid"),
            }
            in done.text
        )
    mark_tom = _last_id(cast.tom)
    await deliver(app)
    clock.set(datetime(2026, 3, 3, 6, 59, tzinfo=UTC))  # 07:59
    await deliver(app)
    assert await _seen(cast.tom, mark_tom) == []
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))  # 08:00
    await deliver(app)
    header, copy = await cast.tom.next_messages(2)
    assert "Amal Haddad" in header.text and copy.text == "شكراً، هل يمكنني إحضار ابني؟"
    # Tom answers at 08:05: Amal is awake, it goes at once.
    await cast.tom.press("Reply to Amal Haddad", copy)
    await cast.tom.next_message()
    await cast.tom.send("Of course!")
    await cast.tom.next_message()
    await deliver(app)
    _answer_header, answer = await cast.amal.next_messages(2)
    assert answer.text == "Of course!"


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
