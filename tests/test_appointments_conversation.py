"""/plan and /upcoming through the Bot API emulator: a mentor plans a meeting (with bad dates
and times on the way), comes back to an interrupted plan, moves and cancels; the family hears
of each change in their own language, with a calendar file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import (
    Appointment,
    AppointmentStatus,
    JobStatus,
    Match,
    MatchStatus,
    Reminder,
    Role,
)
from tests.conftest import deliver, tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

EN, ES, AR = translator("en", "ES"), translator("es"), translator("ar")
MADRID = "Europe/Madrid"
TUESDAY = date(2026, 3, 3)
TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)


@dataclass
class Cast:
    ana: TgPerson  # mentor, English, one match (Haddad)
    ben: TgPerson  # co-mentor, Spanish, also mentors the Osei family
    amira: TgPerson  # mentee, Arabic


@pytest.fixture
async def cast(tg: Telegram, emulator: Emulator, db: Database, clock: ManualClock) -> Cast:
    # These tests type faster than anyone; pacing is the sender's, tested in test_delivery.
    emulator.set_flood_limits(FloodLimits.off())
    ana = tg.user("Ana", language_code="en")
    ben = tg.user("Ben", language_code="es")
    amira = tg.user("Amira", language_code="ar")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy")
        mentor = await b.person(org, Role.MENTOR, "Ana", telegram_id=ana.id)
        co = await b.person(org, Role.MENTOR, "Ben", telegram_id=ben.id, locale="es")
        haddad = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amira", telegram_id=amira.id, locale="ar", family=haddad)
        await b.match(haddad, [mentor, co], worker)
        await b.match(await b.family(org, "Osei"), [co], worker)
    for person in (ana, ben, amira):
        await person.send("/start")
        await person.next_message()
    return Cast(ana, ben, amira)


async def _appointments(db: Database) -> list[Appointment]:
    async with db.transaction() as s:
        return list((await s.execute(select(Appointment).order_by(Appointment.id))).scalars())


async def _plan_tuesday(ana: TgPerson) -> None:
    await ana.send("/plan")
    await ana.next_message()
    await ana.press_data(f"pl:d:{TUESDAY:%Y%m%d}")
    await ana.next_message()
    await ana.press_data("pl:t:1730")
    await ana.next_message()
    await ana.send("Café Central")
    await ana.next_message()
    await ana.press("Skip")
    await ana.next_message()
    await ana.press("Confirm")
    await ana.next_message()


async def test_plan_end_to_end_with_bad_inputs(
    app: App, cast: Cast, db: Database, clock: ManualClock
) -> None:
    ana, ben, amira = cast.ana, cast.ben, cast.amira
    await ana.send("/plan")
    days = await ana.next_message()  # one match: no question about which
    assert "Which day?" in days.text
    labels = days.button_labels
    assert len(labels) == 7
    assert labels[0] == "Mon, 2 Mar" and labels[1] == "Tue, 3 Mar"  # day before month, as in Spain

    await ana.send("yesterday")
    again = await ana.next_message()
    assert "already passed" in again.text and len(again.button_labels) == 7
    await ana.send("purple")
    again = await ana.next_message()
    assert "could not read that date" in again.text
    await ana.send("tomorrow")
    times = await ana.next_message()
    assert EN.day_long(TUESDAY) in times.text
    assert "17:30" in times.button_labels  # a 24-hour clock, as in Spain

    await ana.send("25:00")
    again = await ana.next_message()
    assert "could not read that time" in again.text
    await ana.send("5:30 pm")
    place = await ana.next_message()
    assert "Where will you meet?" in place.text
    await ana.send("x" * 301)
    again = await ana.next_message()
    assert "1 character too long" in again.text
    await ana.send("Café <Central>")
    note = await ana.next_message()
    assert note.button_labels == ["Skip"]
    await ana.send("Bring the school form")
    summary = await ana.next_message()
    assert "Café <Central>" in summary.text and "Bring the school form" in summary.text
    assert EN.when(TUESDAY_1730, MADRID) in summary.text
    assert await _appointments(db) == []  # nothing stored before confirming
    await ana.press("Confirm")
    done = await ana.next_message()
    assert done.edited and done.text.startswith("Planned.")
    assert "\u2068Amira\u2069: no answer yet" in done.text

    [stored] = await _appointments(db)
    assert stored.starts_at == TUESDAY_1730  # 17:30 in Madrid, stored in UTC
    assert stored.place == "Café <Central>" and stored.note == "Bring the school form"

    await deliver(app)
    card = await amira.next_message()
    assert AR.when(TUESDAY_1730, MADRID) in card.text and "Café <Central>" in card.text
    assert len(card.buttons) == 3
    calendar = await amira.next_message()
    assert calendar.document is not None and str(calendar.document.file_name).endswith(".ics")
    event = Calendar.from_ical(calendar.document.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == TUESDAY_1730
    notice = await ben.next_message()
    assert "Ana" in notice.text and ES.when(TUESDAY_1730, MADRID) in notice.text


async def test_a_time_already_past_today_is_refused(app: App, cast: Cast) -> None:
    ana = cast.ana  # it is Monday 10:00 in Madrid
    await ana.send("/plan")
    await ana.next_message()
    await ana.press_data("pl:d:20260302")
    times = await ana.next_message()
    assert "pl:t:0900" not in [b[1] for row in times.buttons for b in row]
    await ana.send("9:00")
    again = await ana.next_message()
    assert "That time has already passed" in again.text
    await ana.send("18:00")
    assert "Where will you meet?" in (await ana.next_message()).text


async def test_a_mentor_with_two_matches_chooses_and_can_resume(
    app: App, cast: Cast, db: Database
) -> None:
    ben = cast.ben
    await ben.send("/plan")
    which = await ben.next_message()
    assert which.button_labels == ["Haddad", "Osei"]
    await ben.press("Osei")
    await ben.next_message()
    await ben.press_data(f"pl:d:{TUESDAY:%Y%m%d}")
    await ben.next_message()
    # Interrupted: Ben comes back later.
    await ben.send("/plan")
    offer = await ben.next_message()
    assert len(offer.button_labels) == 2
    await ben.press_data("pl:go")
    resumed = await ben.next_message()
    assert ES.day_long(TUESDAY) in resumed.text  # back at the time question
    await ben.send("17h30")
    await ben.next_message()
    await ben.send("Parque del Oeste")
    await ben.next_message()
    await ben.press_data("pl:n")
    summary = await ben.next_message()
    assert "Osei" in summary.text
    await ben.press_data("pl:ok")
    await ben.next_message()
    [stored] = await _appointments(db)
    assert stored.starts_at == TUESDAY_1730


async def test_move_then_cancel_from_upcoming(
    app: App, cast: Cast, db: Database, clock: ManualClock
) -> None:
    ana, ben, amira = cast.ana, cast.ben, cast.amira
    await _plan_tuesday(ana)
    await deliver(app)
    await amira.next_messages(2)
    await ben.next_message()

    await ana.send("/upcoming")
    item = await ana.next_message()
    assert EN.when(TUESDAY_1730, MADRID) in item.text and "Café Central" in item.text
    assert item.button_labels == ["Move Tue, 3 Mar", "Cancel Tue, 3 Mar"]  # never "3/3/26"
    await ana.press("Move Tue, 3 Mar", item)
    await ana.next_message()
    await ana.press_data("pl:d:20260305")
    await ana.next_message()
    await ana.press_data("pl:t:1800")
    summary = await ana.next_message()
    thursday = datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
    assert EN.when(thursday, MADRID) in summary.text
    await ana.press("Confirm")
    assert (await ana.next_message()).text.startswith("Moved.")
    [stored] = await _appointments(db)
    assert stored.starts_at == thursday and stored.sequence == 1

    await deliver(app)
    moved = await amira.next_message()
    assert AR.when(thursday, MADRID) in moved.text
    ics = await amira.next_message()
    assert ics.document is not None
    assert int(str(Calendar.from_ical(ics.document.data).walk("VEVENT")[0]["sequence"])) == 1
    assert ES.when(thursday, MADRID) in (await ben.next_message()).text

    await ana.send("/upcoming")
    item = await ana.next_message()
    await ana.press("Cancel Thu, 5 Mar", item)
    ask = await ana.next_message()
    assert "The family will be told" in ask.text
    await ana.press("Yes, cancel it")
    assert (await ana.next_message()).text.startswith("Cancelled")
    [stored] = await _appointments(db)
    assert stored.status == AppointmentStatus.CANCELLED

    await deliver(app)
    told = await amira.next_message()
    assert AR.when(thursday, MADRID) in told.text and not told.buttons
    cancel_file = await amira.next_message()
    assert cancel_file.document is not None
    assert b"METHOD:CANCEL" in cancel_file.document.data
    # No reminder comes later.
    clock.set(thursday - timedelta(hours=2))
    await tick(app)
    await amira.expect_no_message()
    async with db.transaction() as s:
        statuses = {r.status for r in (await s.execute(select(Reminder))).scalars()}
    assert statuses == {JobStatus.CANCELLED}


async def test_another_mentor_cannot_move_or_cancel_with_a_forged_press(
    app: App, tg: Telegram, cast: Cast, db: Database, clock: ManualClock
) -> None:
    await _plan_tuesday(cast.ana)
    [stored] = await _appointments(db)
    carla = tg.user("Carla", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        await b.person(org, Role.MENTOR, "Carla", telegram_id=carla.id)
    await carla.send("/upcoming")
    assert "No meetings" in (await carla.next_message()).text
    for data in (f"ap:y:{stored.id}", f"ap:m:{stored.id}"):
        await _forge(carla, data)
        refused = await carla.next_message()
        assert "not available" in refused.text
    [after] = await _appointments(db)
    assert after.status == AppointmentStatus.PLANNED and after.sequence == 0


async def _forge(person: TgPerson, callback_data: str) -> None:
    """A modified client pressing a button that was never sent to it."""
    from emulator.state import CallbackQuery

    user = person.user
    chat = user._begin()
    msg = next(m for m in reversed(list(chat.messages.values())) if m.from_bot)
    qid = user.world.new_query_id(user.id)
    user.bot.callback_queries[qid] = CallbackQuery(qid, user.id, msg.message_id, callback_data)
    user.bot.enqueue(
        "callback_query",
        {
            "id": qid,
            "from": user.info.user_json(),
            "message": user.world.message_json(user.bot, chat, msg),
            "chat_instance": chat.chat_instance,
            "data": callback_data,
        },
    )
    person._cursor = user.mark


async def test_a_match_closed_while_planning_stores_nothing(
    app: App, cast: Cast, db: Database
) -> None:
    ana = cast.ana
    await ana.send("/plan")
    await ana.next_message()
    await ana.send("tomorrow")
    await ana.next_message()
    async with db.transaction() as s:
        match = (await s.execute(select(Match))).scalars().first()
        assert match is not None
        match.status = MatchStatus.CLOSED
    await ana.send("17:30")
    told = await ana.next_message()
    assert "no longer active" in told.text
    assert await _appointments(db) == []
    await ana.send("Café Central")  # the conversation is over: not taken as a place
    assert "no longer active" not in (await ana.next_message()).text
    assert await _appointments(db) == []


async def test_in_the_evening_the_time_buttons_offer_the_times_still_ahead(
    app: App, cast: Cast, clock: ManualClock
) -> None:
    ana = cast.ana
    clock.set(datetime(2026, 3, 2, 19, 40, tzinfo=UTC))  # Monday 20:40 in Madrid
    await ana.send("/plan")
    await ana.next_message()
    await ana.press_data("pl:d:20260302")
    times = await ana.next_message()
    assert [b[1] for row in times.buttons for b in row] == ["pl:t:2130", "pl:t:2200", "pl:t:2230"]
    await ana.press("21:30")
    assert "Where will you meet?" in (await ana.next_message()).text


async def test_when_no_time_is_left_today_another_day_is_offered(
    app: App, cast: Cast, clock: ManualClock
) -> None:
    ben = cast.ben  # Spanish
    clock.set(datetime(2026, 3, 2, 22, 45, tzinfo=UTC))  # Monday 23:45 in Madrid
    await ben.send("/plan")
    await ben.next_message()
    await ben.press_data("pl:m:1")
    await ben.next_message()
    await ben.press_data("pl:d:20260302")
    none_left = await ben.next_message()
    assert none_left.text.startswith(
        ES.gettext("No time is left on %(day)s. Choose another day, or write a later time.").split(
            "%"
        )[0]
    )
    await ben.press(ES.gettext("Another day"))
    again = await ben.next_message()
    assert again.text == ES.gettext("Which day? Tap one, or write a date.")
