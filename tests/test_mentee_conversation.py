"""The mentee's side through the Bot API emulator: reminders in their language and clock, the
one-tap answers and what the mentors see, no-answer alerts, quiet hours, a mentee in another
timezone, a cancelled meeting, a blocked bot, /next and /contacts. Time moves by the clock,
never by sleeping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import FSI, PDI, translator
from bot.services import appointments
from bot.services.appointments import reminders
from emulator import Emulator, FloodLimits, MessageView
from storage.db import Database
from storage.models import (
    AppointmentAnswer,
    JobStatus,
    OutboxMessage,
    Person,
    Reminder,
    ReminderKind,
    Role,
)
from tests.conftest import deliver, dispatching, tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram
from tests.test_appointments_conversation import _forge

EN, ES, AR = translator("en", "ES"), translator("es"), translator("ar")
MADRID, CANARY = "Europe/Madrid", "Atlantic/Canary"
TUESDAY_1730 = datetime(2026, 3, 3, 16, 30, tzinfo=UTC)  # 17:30 Madrid, 16:30 Canary


def plain(text: str) -> str:
    return text.replace(FSI, "").replace(PDI, "")


def about_meetings(message: MessageView) -> bool:
    """Leave out what other features send mentors on a tick (progress report requests)."""
    return not any(str(data).startswith("rp:") for row in message.buttons for _, data in row)


async def _outbox_kinds(db: Database, person: TgPerson) -> list[str]:
    async with db.transaction() as s:
        result = await s.execute(
            select(OutboxMessage.kind)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(Person.telegram_id == person.id)
            .order_by(OutboxMessage.id)
        )
        return list(result.scalars())


@dataclass
class Cast:
    ana: TgPerson  # mentor, English
    ben: TgPerson  # mentor, Spanish
    amira: TgPerson  # mentee, Arabic, Madrid
    omar: TgPerson  # mentee, Spanish, in the Canaries (one hour behind the organisation)
    zed: TgPerson  # a mentee of another family
    mentor: Person
    match_id: int


@pytest.fixture
async def cast(tg: Telegram, emulator: Emulator, db: Database, clock: ManualClock) -> Cast:
    emulator.set_flood_limits(FloodLimits.off())  # pacing is the sender's (test_delivery)
    ana = tg.user("Ana", language_code="en")
    ben = tg.user("Ben", language_code="es")
    amira = tg.user("Amira", language_code="ar")
    omar = tg.user("Omar", language_code="es")
    zed = tg.user("Zed", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org(
            quiet_days=[300, 330, 365],  # not about quiet matches
            office_phone="+34911234567",
            office_hours="Mon-Fri 9:00-14:00",
            address="Calle Mayor 1, Madrid",
        )
        worker = await b.person(
            org,
            Role.WORKER,
            "Wendy",
            email="wendy@ngo.example",
            share_email=True,
            phone="+34600111222",
        )
        mentor = await b.person(
            org, Role.MENTOR, "Ana", telegram_id=ana.id, phone="+34612345678", share_phone=True
        )
        co = await b.person(
            org,
            Role.MENTOR,
            "Ben",
            telegram_id=ben.id,
            locale="es",
            phone="+447700900123",
            share_phone=True,
            email="ben@example.org",
        )
        haddad = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Amira", telegram_id=amira.id, locale="ar", family=haddad)
        await b.person(
            org,
            Role.MENTEE,
            "Omar",
            telegram_id=omar.id,
            locale="es",
            family=haddad,
            timezone=CANARY,
        )
        match = await b.match(haddad, [mentor, co], worker)
        osei = await b.family(org, "Osei")
        await b.person(org, Role.MENTEE, "Zed", telegram_id=zed.id, family=osei)
    for person in (ana, ben, amira, omar, zed):
        await person.send("/start")
        await person.next_message()
    return Cast(ana, ben, amira, omar, zed, mentor, match.id)


async def _plan(
    app: App, db: Database, clock: ManualClock, cast: Cast, starts_at: datetime = TUESDAY_1730
) -> int:
    async with dispatching(db) as s:
        view = await appointments.create(
            s, cast.mentor, cast.match_id, starts_at, "Café Central", None, clock.now()
        )
    await deliver(app)
    await cast.amira.next_messages(2)  # the card and the calendar file
    await cast.omar.next_messages(2)
    await cast.ben.next_message()
    return view.id


async def _reminders(db: Database) -> list[Reminder]:
    async with db.transaction() as s:
        return list((await s.execute(select(Reminder).order_by(Reminder.id))).scalars())


async def test_reminders_arrive_in_each_mentees_language_and_clock(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    await _plan(app, db, clock, cast)
    clock.set(TUESDAY_1730 - timedelta(days=1) - timedelta(minutes=1))
    await tick(app)
    await cast.amira.expect_no_message(within=0.1)
    clock.advance(timedelta(minutes=1))
    await tick(app)
    arabic = await cast.amira.next_message()
    assert AR.when(TUESDAY_1730, MADRID) in arabic.text  # "الثلاثاء، 3 مارس، 5:30 م"
    assert "Café Central" in arabic.text and "Ana" in arabic.text and "Ben" in arabic.text
    assert len(arabic.buttons) == 3
    spanish = await cast.omar.next_message()
    assert ES.when(TUESDAY_1730, CANARY) in spanish.text and "16:30" in spanish.text
    # Nothing more on the next tick.
    await tick(app)
    await cast.amira.expect_no_message(within=0.1)


async def test_each_answer_button_and_what_the_mentors_see(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    appointment_id = await _plan(app, db, clock, cast)
    clock.set(TUESDAY_1730 - timedelta(days=1))
    await tick(app)
    reminder = await cast.amira.next_message()
    await cast.omar.next_message()

    await cast.amira.press_data(f"ans:{appointment_id}:c:r:0", reminder)
    edited = await cast.amira.next_message()
    assert edited.message_id == reminder.message_id and edited.edited
    assert edited.button_labels[0].startswith("✓")
    assert await cast.amira.answer()  # a short thank-you
    await deliver(app)
    told = await cast.ana.next_message(where=about_meetings)
    assert plain(told.text) == f"Amira will be there on {EN.when(TUESDAY_1730, MADRID)}."
    assert not told.buttons
    assert ES.when(TUESDAY_1730, MADRID) in (await cast.ben.next_message(where=about_meetings)).text

    await cast.amira.press_data(f"ans:{appointment_id}:n:r:0", reminder)
    edited = await cast.amira.next_message()
    assert edited.button_labels[1].startswith("✓")
    await deliver(app)
    told = await cast.ana.next_message(where=about_meetings)
    assert plain(told.text) == f"Amira cannot come on {EN.when(TUESDAY_1730, MADRID)}."
    assert told.button_labels == ["Move"]
    await cast.ben.next_message(where=about_meetings)

    await cast.omar.press_data(f"ans:{appointment_id}:r:r:0")
    await cast.omar.next_message()
    await deliver(app)
    told = await cast.ana.next_message(where=about_meetings)
    assert "Omar would like another time" in plain(told.text)
    assert "propose another time" in told.text
    # Ana taps Move on the notice and is taken to the day question.
    await cast.ana.press("Move", told)
    assert "Which day?" in (await cast.ana.next_message()).text


async def test_no_answer_alert_reaches_every_mentor(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    await _plan(app, db, clock, cast)
    clock.set(TUESDAY_1730 - timedelta(hours=2))
    await tick(app)
    for mentor, tr in ((cast.ana, EN), (cast.ben, ES)):
        alert = await mentor.next_message(where=about_meetings)
        assert "Haddad" in alert.text and tr.when(TUESDAY_1730, MADRID) in alert.text
        if tr is EN:
            assert "phone them" in alert.text
    # The mentees get a single reminder (the day-before one was superseded after downtime).
    await cast.amira.next_message()
    await cast.amira.expect_no_message(within=0.1)


async def test_no_alert_when_someone_answered(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    appointment_id = await _plan(app, db, clock, cast)
    await cast.omar.send("/next")
    card = await cast.omar.next_message()
    await cast.omar.press_data(f"ans:{appointment_id}:c:x:0", card)
    await cast.omar.next_message()
    await deliver(app)
    await cast.ana.next_message(where=about_meetings)  # "Omar will be there"
    clock.set(TUESDAY_1730 - timedelta(hours=2))
    await tick(app)
    assert "no_answer" not in await _outbox_kinds(db, cast.ana)
    [alert] = [r for r in await _reminders(db) if r.kind == ReminderKind.NO_ANSWER]
    assert alert.status == JobStatus.SKIPPED


async def test_quiet_hours_and_a_mentee_in_another_timezone(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    # Wednesday 21:30 in Madrid (20:30 in the Canaries). The day-before reminder falls on
    # Tuesday at 21:30 in Madrid: quiet hours for Amira, moved to Wednesday 08:00 her time;
    # for Omar it is 20:30, outside his quiet hours.
    wednesday = datetime(2026, 3, 4, 20, 30, tzinfo=UTC)
    await _plan(app, db, clock, cast, wednesday)
    clock.set(wednesday - timedelta(days=1))
    await tick(app)
    omar = await cast.omar.next_message()
    assert ES.when(wednesday, CANARY) in omar.text and "20:30" in omar.text
    await cast.amira.expect_no_message(within=0.1)
    clock.set(datetime(2026, 3, 4, 6, 59, tzinfo=UTC))  # 07:59 in Madrid
    await tick(app)
    await cast.amira.expect_no_message(within=0.1)
    clock.set(datetime(2026, 3, 4, 7, 0, tzinfo=UTC))  # 08:00 in Madrid
    await tick(app)
    amira = await cast.amira.next_message()
    assert AR.when(wednesday, MADRID) in amira.text


async def test_a_reminder_at_23_local_arrives_at_08(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    # A meeting on Wednesday at 23:00 Madrid time: its day-before reminder would be Tuesday at
    # 23:00; Amira gets it at 08:00 on Wednesday.
    late = datetime(2026, 3, 4, 22, 0, tzinfo=UTC)
    await _plan(app, db, clock, cast, late)
    clock.set(datetime(2026, 3, 3, 22, 0, tzinfo=UTC))  # Tuesday 23:00 Madrid
    await tick(app)
    await cast.amira.expect_no_message(within=0.1)
    clock.set(datetime(2026, 3, 4, 7, 0, tzinfo=UTC))  # Wednesday 08:00 Madrid
    await tick(app)
    assert AR.when(late, MADRID) in (await cast.amira.next_message()).text


async def test_a_cancelled_meeting_is_told_and_never_reminded(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    appointment_id = await _plan(app, db, clock, cast)
    async with dispatching(db) as s:
        await appointments.cancel(s, cast.mentor, appointment_id, clock.now())
    await deliver(app)
    told = await cast.amira.next_message()
    assert AR.when(TUESDAY_1730, MADRID) in told.text and not told.buttons
    assert (await cast.amira.next_message()).document is not None  # the cancelling .ics
    for moment in (TUESDAY_1730 - timedelta(days=1), TUESDAY_1730 - timedelta(hours=2)):
        clock.set(moment)
        await tick(app)
    await cast.amira.expect_no_message(within=0.1)
    assert "no_answer" not in await _outbox_kinds(db, cast.ana)
    assert "reminder" not in await _outbox_kinds(db, cast.amira)
    # A press on the old card is answered, not recorded.
    await cast.amira.press_data(f"ans:{appointment_id}:c:p:0")
    assert await cast.amira.answer() is not None
    async with db.transaction() as s:
        assert (await s.execute(select(AppointmentAnswer))).scalars().all() == []


async def test_a_mentee_who_blocked_the_bot(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    await _plan(app, db, clock, cast)
    cast.amira.block()
    clock.set(TUESDAY_1730 - timedelta(days=1))
    done = await tick(app)
    assert done["reminders"] == 2  # no crash
    await cast.omar.next_message()  # the rest of the family still gets theirs
    async with db.transaction() as s:
        amira = (
            await s.execute(select(Person).where(Person.telegram_id == cast.amira.id))
        ).scalar_one()
    rows = {r.person_id: r for r in await _reminders(db) if r.offset_minutes == 1440}
    assert len(rows) == 2
    recorded = rows.pop(amira.id)
    # Recorded either way: queued and then refused by Telegram, or skipped because the bot
    # already knew she blocked it.
    assert (recorded.status, recorded.reason) in (
        (JobStatus.DONE, None),
        (JobStatus.SKIPPED, reminders.UNREACHABLE),
    )
    assert [r.status for r in rows.values()] == [JobStatus.DONE]
    assert len([m for m in cast.amira.messages if m.buttons]) == 1  # only the planned card


async def test_next_lists_coming_meetings_in_the_mentees_words(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    await cast.amira.send("/next")
    assert (await cast.amira.next_message()).text == AR.gettext(
        "No meetings are planned yet. Your mentors will tell you here."
    )
    appointment_id = await _plan(app, db, clock, cast)
    await cast.amira.send("/next")
    card = await cast.amira.next_message()
    assert AR.when(TUESDAY_1730, MADRID) in card.text
    assert "Café Central" in card.text and "Ana" in card.text and "Ben" in card.text
    await cast.amira.press_data(f"ans:{appointment_id}:c:x:0", card)
    await cast.amira.next_message()
    await cast.amira.send("/next")
    again = await cast.amira.next_message()
    assert again.button_labels[0].startswith("✓")
    await cast.omar.send("/next")
    assert ES.when(TUESDAY_1730, CANARY) in (await cast.omar.next_message()).text
    await cast.zed.send("/next")
    assert "No meetings" in (await cast.zed.next_message()).text


async def test_contacts_show_only_what_each_agreed_to_share(app: App, cast: Cast) -> None:
    await cast.omar.send("/contacts")
    text = plain((await cast.omar.next_message()).text)
    line = ES.gettext("%(name)s: %(details)s")
    assert line % {"name": "Ana", "details": "612 34 56 78"} in text  # dialled from Spain
    assert line % {"name": "Ben", "details": "+44 7700 900123"} in text  # a British number
    assert "ben@example.org" not in text  # Ben did not agree to share his email
    assert line % {"name": "Wendy", "details": "wendy@ngo.example"} in text
    assert "600 11 12 22" not in text
    assert "Calle Mayor 1, Madrid" in text and "Mon-Fri 9:00-14:00" in text
    assert "911 23 45 67" in text
    assert "112" in text
    await cast.zed.send("/contacts")
    zed = plain((await cast.zed.next_message()).text)
    assert "Ana" not in zed and "112" in zed


async def test_a_forged_answer_from_another_family_is_refused(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    appointment_id = await _plan(app, db, clock, cast)
    await _forge(cast.zed, f"ans:{appointment_id}:c:r:0")
    assert "not available" in (await cast.zed.next_message()).text
    await _forge(cast.ana, f"ans:{appointment_id}:c:r:0")  # a mentor is not the family
    assert "not available" in (await cast.ana.next_message()).text
    async with db.transaction() as s:
        assert (await s.execute(select(AppointmentAnswer))).scalars().all() == []
    await deliver(app)
    await cast.ben.expect_no_message(within=0.1)


async def test_a_press_on_the_card_of_an_earlier_time_shows_the_new_time(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    appointment_id = await _plan(app, db, clock, cast)
    old_card = next(m for m in cast.amira.messages if m.buttons)
    thursday = TUESDAY_1730 + timedelta(days=2)
    async with dispatching(db) as s:
        await appointments.move(s, cast.mentor, appointment_id, thursday, clock.now())
    await deliver(app)
    await cast.amira.next_messages(2)  # the new card and its calendar file
    await cast.amira.press_data(f"ans:{appointment_id}:c:p:0", old_card)
    refreshed = await cast.amira.next_message()
    assert refreshed.message_id == old_card.message_id
    assert AR.when(thursday, MADRID) in refreshed.text
    assert all(str(data).endswith(":1") for row in refreshed.buttons for _, data in row)
    assert await cast.amira.answer()
    async with db.transaction() as s:
        assert (await s.execute(select(AppointmentAnswer))).scalars().all() == []
    # Answering on the refreshed card counts.
    await cast.amira.press_data(f"ans:{appointment_id}:c:m:1", refreshed)
    await cast.amira.next_message()
    async with db.transaction() as s:
        assert len((await s.execute(select(AppointmentAnswer))).scalars().all()) == 1


async def test_next_says_when_more_meetings_are_planned(
    app: App, db: Database, clock: ManualClock, cast: Cast
) -> None:
    for week in range(4):
        await _plan(app, db, clock, cast, TUESDAY_1730 + timedelta(days=7 * week))
    await cast.amira.send("/next")
    head, *cards = await cast.amira.next_messages(4)
    assert head.text == AR.gettext(
        "Your next three meetings are below. More are planned after them."
    )
    assert [
        AR.when(TUESDAY_1730 + timedelta(days=7 * w), MADRID) in c.text for w, c in enumerate(cards)
    ] == [True, True, True]
