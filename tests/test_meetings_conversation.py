"""/log, /mymatches and /mylogs through the emulator: what a mentor sends and presses, and
what the bot answers and stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.i18n import translator
from bot.intake import intake_of, start_bot, stop_bot
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import AuditEvent, Draft, Match, MatchStatus, Meeting, Person, Role
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    """A test types faster than a person: Telegram's one-message-a-second-per-chat limit is
    not what these tests are about."""
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    ana: Person
    ben: Person
    haddad: Match  # Ana and Ben
    osei: Match  # Ana only
    kim: Match  # another mentor's


async def make_world(
    db: Database, clock: ManualClock, tg: Telegram, *, two: bool
) -> tuple[World, TgPerson, TgPerson]:
    a, b = tg.user("Ana"), tg.user("Ben")
    async with building(db, clock.now()) as bd:
        org = await bd.org()
        worker = await bd.person(org, Role.WORKER, "Wendy")
        ana = await bd.person(org, Role.MENTOR, "Ana", telegram_id=a.id)
        ben = await bd.person(org, Role.MENTOR, "Ben", telegram_id=b.id)
        carla = await bd.person(org, Role.MENTOR, "Carla")
        haddad = await bd.match(
            await bd.family(org, "Haddad"), [ana, ben], worker, started_on=date(2026, 2, 1)
        )
        osei = await bd.match(await bd.family(org, "Osei"), [ana] if two else [carla], worker)
        kim = await bd.match(await bd.family(org, "Kim"), [carla], worker)
    return World(ana, ben, haddad, osei, kim), a, b


async def stored(db: Database) -> list[Meeting]:
    async with db.transaction() as s:
        return list((await s.execute(select(Meeting).order_by(Meeting.id))).scalars())


async def draft_of(db: Database, who: TgPerson) -> Draft | None:
    async with db.transaction() as s:
        return await s.get(Draft, who.id)


async def test_common_path_takes_seven_taps(db: Database, clock: ManualClock, tg: Telegram) -> None:
    """Counting rule: a tap is one button press, counted from the first button the mentor
    presses after sending /log (the typed command opens the conversation and is not a
    button) until the meeting is stored."""
    world, ana, _ = await make_world(db, clock, tg, two=False)
    await ana.send("/log")
    msg = await ana.next_message()
    assert "Haddad" in msg.text  # one match: the family question is skipped
    taps = 0
    for label in ("Today", "1 h", "Walk or outing", "Done", "🙂 Well", "Skip", "Confirm"):
        assert await stored(db) == []  # nothing is stored before Confirm
        await ana.press(label)
        taps += 1
        msg = await ana.next_message()
    assert taps <= 7
    [meeting] = await stored(db)
    assert (meeting.match_id, meeting.mentor_id) == (world.haddad.id, world.ana.id)
    assert meeting.occurred_on == date(2026, 3, 2)
    assert (meeting.duration_minutes, meeting.activities, meeting.mood, meeting.notes) == (
        60,
        ["walk"],
        4,
        None,
    )
    assert "Saved" in msg.text and "Haddad" in msg.text
    assert msg.buttons == []  # no concern offered for a family that seemed well
    assert await draft_of(db, ana) is None


async def test_a_full_log_with_typed_answers_and_two_matches(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world, ana, _ = await make_world(db, clock, tg, two=True)
    await ana.send("/log")
    msg = await ana.next_message()
    assert msg.button_labels == ["Haddad", "Osei"]
    await ana.press("Osei")
    msg = await ana.next_message()
    assert "Osei" in msg.text
    await ana.send("last friday")
    msg = await ana.next_message()
    assert "How long" in msg.text
    await ana.send("1h30")
    msg = await ana.next_message()
    await ana.press("Language practice")
    msg = await ana.next_message()
    assert "✓ Language practice" in msg.button_labels and msg.edited
    await ana.press("Shared meal")
    await ana.next_message()
    await ana.press("✓ Shared meal")  # toggled off again
    msg = await ana.next_message()
    assert "Shared meal" in msg.button_labels
    await ana.press("Paperwork or appointments")
    await ana.next_message()
    await ana.press("Done")
    await ana.next_message()
    await ana.press("🙁 Low")
    await ana.next_message()
    await ana.send("Worried about the <rent> & the landlord")
    msg = await ana.next_message()
    assert translator("en", "ES").day_long(date(2026, 2, 27)) in msg.text  # "Friday 27 February"
    assert "1 hour and 30 minutes" in msg.text
    assert "Language practice and Paperwork or appointments" in msg.text.replace(",", "")
    assert "<rent> & the landlord" in msg.text  # shown as typed (escaped in HTML)
    await ana.press("Confirm")
    msg = await ana.next_message()
    assert ("Raise a concern", f"cn:new:{world.osei.id}") in msg.buttons[0]
    [meeting] = await stored(db)
    assert meeting.match_id == world.osei.id and meeting.occurred_on == date(2026, 2, 27)
    assert (meeting.duration_minutes, meeting.activities, meeting.mood) == (
        90,
        ["language", "paperwork"],
        2,
    )


@pytest.mark.parametrize(
    ("state_labels", "typed", "reason"),
    [
        ((), "tomorrow", "in the future"),
        ((), "15/1/2026", "before the match started"),
        ((), "blah blah", "could not read that date"),
        (("Today",), "0", "more than zero"),
        (("Today",), "13 hours", "more than 12 hours"),
        (("Today",), "about an hour", "as a number"),
        (("Today", "1 h", "Sport", "Done"), "very good", "tap one of the buttons"),
    ],
)
async def test_bad_input_is_asked_again_with_a_reason(
    db: Database,
    clock: ManualClock,
    tg: Telegram,
    state_labels: tuple[str, ...],
    typed: str,
    reason: str,
) -> None:
    _, ana, _ = await make_world(db, clock, tg, two=False)
    await ana.send("/log")
    await ana.next_message()
    for label in state_labels:
        await ana.press(label)
        await ana.next_message()
    before = await draft_of(db, ana)
    assert before is not None
    await ana.send(typed)
    msg = await ana.next_message()
    assert reason in msg.text
    after = await draft_of(db, ana)
    assert after is not None and after.state == before.state  # the same question again
    assert msg.buttons  # with its buttons
    assert await stored(db) == []


async def test_interrupted_log_resumes_after_a_restart(
    db: Database, clock: ManualClock, tg: Telegram, app: App, settings: Settings
) -> None:
    world, ana, _ = await make_world(db, clock, tg, two=False)
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Yesterday")
    await ana.next_message()
    await ana.send("45")
    await ana.next_message()
    # The conversation so far is in the database, not in the process.
    draft = await draft_of(db, ana)
    assert draft is not None and (draft.flow, draft.state) == ("log", "acts")
    assert draft.data["min"] == 45 and draft.data["d"] == "2026-03-01"

    # The bot restarts: this process stops polling, a new Application on the same DB starts.
    await intake_of(app).stop()
    await app.stop()
    second = build_application(settings, db, clock, tick=False, set_menus=False)
    await start_bot(second, db, clock, poll_timeout=10)
    try:
        await ana.send("/log")
        msg = await ana.next_message()
        assert msg.button_labels == ["Continue", "Start over"]
        await ana.press("Continue")
        msg = await ana.next_message()
        assert "What did you do together" in msg.text
        for label in ("Sport", "Done", "😐 Okay", "Skip"):
            await ana.press(label)
            msg = await ana.next_message()
        assert "45 minutes" in msg.text
        await ana.press("Confirm")
        await ana.next_message()
    finally:
        await stop_bot(second)
        await app.start()
        await intake_of(app).start_polling(poll_timeout=10)
    [meeting] = await stored(db)
    assert (meeting.match_id, meeting.occurred_on, meeting.duration_minutes) == (
        world.haddad.id,
        date(2026, 3, 1),
        45,
    )


async def test_start_over_and_discard(db: Database, clock: ManualClock, tg: Telegram) -> None:
    _, ana, _ = await make_world(db, clock, tg, two=False)
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Today")
    await ana.next_message()
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Start over")
    msg = await ana.next_message()
    assert "When did you meet" in msg.text
    draft = await draft_of(db, ana)
    assert draft is not None and draft.state == "day" and "d" not in draft.data
    for label in ("Today", "2 h", "Housing", "Done", "😄 Very well", "Skip", "Discard"):
        await ana.press(label)
        msg = await ana.next_message()
    assert "Nothing was saved" in msg.text
    assert await stored(db) == [] and await draft_of(db, ana) is None
    await ana.send("/cancel")  # nothing in progress any more: /log starts afresh
    await ana.next_message()
    await ana.send("/log")
    msg = await ana.next_message()
    assert "When did you meet" in msg.text


async def log_quickly(who: TgPerson, day_label: str = "Today", notes: str | None = None) -> None:
    await who.send("/log")
    await who.next_message()
    for label in (day_label, "1 h", "Sport", "Done", "🙂 Well"):
        await who.press(label)
        await who.next_message()
    if notes is None:
        await who.press("Skip")
    else:
        await who.send(notes)
    await who.next_message()
    await who.press("Confirm")
    await who.next_message()


async def test_a_duplicate_day_asks_to_add_another_or_edit_the_first(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    _, ana, _ = await make_world(db, clock, tg, two=False)
    await log_quickly(ana)
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Today")
    msg = await ana.next_message()
    assert "already logged a meeting" in msg.text
    assert msg.button_labels == ["Add another", "Edit that one", "Another date"]
    await ana.press("Add another")
    for label in ("30 min", "Shared meal", "Done", "😐 Okay", "Skip", "Confirm"):
        await ana.next_message()
        await ana.press(label)
    await ana.next_message()
    assert [m.duration_minutes for m in await stored(db)] == [60, 30]

    # A third time: edit the first one instead.
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Today")
    await ana.next_message()
    await ana.press("Edit that one")
    msg = await ana.next_message()
    assert "What do you want to change" in msg.text
    await ana.press("Duration")
    await ana.next_message()
    await ana.send("2:15")
    msg = await ana.next_message()
    assert "Your corrected meeting" in msg.text and "2 hours and 15 minutes" in msg.text
    await ana.press("Save")
    msg = await ana.next_message()
    assert "corrected" in msg.text
    assert [m.duration_minutes for m in await stored(db)] == [135, 30]


async def test_edit_a_field_from_the_summary_then_back(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    _, ana, _ = await make_world(db, clock, tg, two=False)
    await ana.send("/log")
    await ana.next_message()
    for label in ("Today", "1 h", "Sport", "Done", "🙂 Well", "Skip", "Edit"):
        await ana.press(label)
        msg = await ana.next_message()
    await ana.press("Date")
    await ana.next_message()
    await ana.send("tomorrow")  # refused, asked again
    msg = await ana.next_message()
    assert "in the future" in msg.text
    await ana.send("2026-02-25")
    msg = await ana.next_message()  # straight back to the summary
    assert "Please check your meeting" in msg.text
    await ana.press("Edit")
    await ana.next_message()
    await ana.press("Notes")
    await ana.next_message()
    await ana.send("Played football")
    msg = await ana.next_message()
    assert "Played football" in msg.text
    await ana.press("Confirm")
    await ana.next_message()
    [meeting] = await stored(db)
    assert (meeting.occurred_on, meeting.notes) == (date(2026, 2, 25), "Played football")


async def test_forged_presses_are_refused_and_store_nothing(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world, ana, ben = await make_world(db, clock, tg, two=False)
    await log_quickly(ben)  # Ben's meeting in the shared match
    [bens] = await stored(db)
    await ana.send("/log")
    await ana.next_message()
    # A client sends a button Ana was never shown: another family's match.
    last = ana.last_message
    await ana.press_forged(f"lg:m:{world.kim.id}", last)
    msg = await ana.next_message()
    assert "not available to you" in msg.text
    # Or Ben's meeting (same match, but not hers to correct).
    await ana.press_forged(f"lg:me:{bens.id}", last)
    msg = await ana.next_message()
    assert "not available to you" in msg.text
    assert [m.id for m in await stored(db)] == [bens.id]
    draft = await draft_of(db, ana)
    assert draft is not None and draft.data == {"m": world.haddad.id}
    async with db.transaction() as s:
        refused = (
            (await s.execute(select(AuditEvent).where(AuditEvent.action == "access.refused")))
            .scalars()
            .all()
        )
    assert [e.detail["callback"] for e in refused] == [f"lg:m:{world.kim.id}", f"lg:me:{bens.id}"]


async def test_co_mentors_see_each_others_meetings(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    _, ana, ben = await make_world(db, clock, tg, two=True)
    await ben.send("/log")
    await ben.next_message()
    for label in ("Yesterday", "1 h", "Sport", "Done", "🙂 Well", "Skip", "Confirm"):
        await ben.press(label)
        await ben.next_message()
    await ana.send("/mymatches")
    msg = await ana.next_message()
    en = translator("en", "ES")
    text = msg.text.replace("\u2068", "").replace("\u2069", "")  # bidi isolates
    assert "The Haddad family" in text and "The Osei family" in text
    assert "Mentors with you: Ben" in text
    assert "Referring worker: Wendy" in text
    assert f"Ben met the family on {en.day_long(date(2026, 3, 1))}" in text
    osei = text.split("The Osei family")[1]
    assert "No meeting logged yet" in osei and "only mentor" in osei


async def test_mylogs_lists_own_recent_meetings_and_corrects_one(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    _, ana, ben = await make_world(db, clock, tg, two=False)
    await log_quickly(ana, "Yesterday", notes="First visit")
    await log_quickly(ben)
    clock.advance(timedelta(days=5))
    await log_quickly(ana)
    await ana.send("/mylogs")
    msg = await ana.next_message()
    assert len(msg.buttons) == 2  # her two meetings, not Ben's
    en = translator("en", "ES")
    newest, older = en.day(date(2026, 3, 7)), en.day(date(2026, 3, 1))
    assert msg.text.index(newest) < msg.text.index(older)  # newest first
    await ana.press(msg.button_labels[1])  # the older one
    msg = await ana.next_message()
    await ana.press("How the family seemed")
    await ana.next_message()
    await ana.send("2")
    msg = await ana.next_message()
    assert "🙁 Low" in msg.text and "First visit" in msg.text
    await ana.press("Save")
    msg = await ana.next_message()
    assert ("Raise a concern", "cn:new:1") in [b for row in msg.buttons for b in row]
    moods = sorted((m.mentor_id, m.occurred_on, m.mood) for m in await stored(db))
    assert (moods[0][1], moods[0][2]) == (date(2026, 3, 1), 2)

    # After 30 days the meeting of 1 March is out of the window: not listed, not editable.
    clock.advance(timedelta(days=26))
    await ana.send("/mylogs")
    msg = await ana.next_message()
    assert len(msg.buttons) == 1
    first = min(m.id for m in await stored(db))
    await ana.press_forged(f"lg:me:{first}", msg)
    msg = await ana.next_message()
    assert "not available to you" in msg.text


async def test_edit_from_mylogs_does_not_drop_a_log_in_progress(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    _, ana, _ = await make_world(db, clock, tg, two=False)
    await log_quickly(ana, "Yesterday")
    await ana.send("/mylogs")
    mylogs = await ana.next_message()
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Today")
    assert "How long was the meeting?" in (await ana.next_message()).text
    await ana.press("Edit 1", mylogs)
    assert "Continue it, or start over?" in (await ana.next_message()).text
    await ana.press("Continue")
    assert "How long was the meeting?" in (await ana.next_message()).text  # still today's log
    await ana.press("Edit 1", mylogs)
    await ana.next_message()
    await ana.press("Start over")
    assert "What do you want to change?" in (await ana.next_message()).text
    draft = await draft_of(db, ana)
    assert draft is not None and draft.data["mid"] == (await stored(db))[0].id


async def test_a_match_closed_mid_conversation_refuses_the_next_answer(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world, ana, _ = await make_world(db, clock, tg, two=False)
    await ana.send("/log")
    await ana.next_message()
    await ana.press("Today")
    await ana.next_message()
    async with db.transaction() as s:
        match = await s.get(Match, world.haddad.id)
        assert match is not None
        match.status = MatchStatus.CLOSED
    await ana.send("45")
    msg = await ana.next_message()
    assert "not available to you" in msg.text
    assert await stored(db) == []


async def test_a_correction_cannot_move_a_meeting_out_of_the_window(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    _, ana, _ = await make_world(db, clock, tg, two=False)
    clock.advance(timedelta(days=20))  # 22 March; the match started on 1 February
    await log_quickly(ana)
    await ana.send("/mylogs")
    await ana.next_message()
    await ana.press("Edit 1", ana.last_message)
    await ana.next_message()
    await ana.press("Date")
    await ana.next_message()
    await ana.send("2026-02-10")  # after the match started, but 40 days ago
    msg = await ana.next_message()
    assert "last 30 days" in msg.text
    await ana.send("2026-03-10")
    msg = await ana.next_message()
    assert "Your corrected meeting" in msg.text
    await ana.press("Save")
    await ana.next_message()
    [meeting] = await stored(db)
    assert meeting.occurred_on == date(2026, 3, 10)


async def test_a_spanish_mentor_types_the_date_her_way(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    sofia = tg.user("Sofía", language_code="es")
    async with building(db, clock.now()) as bd:
        org = await bd.org()
        worker = await bd.person(org, Role.WORKER, "Wendy")
        mentor = await bd.person(org, Role.MENTOR, "Sofía", telegram_id=sofia.id, locale="es")
        await bd.match(await bd.family(org, "Haddad"), [mentor], worker)
    await sofia.send("/log")
    await sofia.next_message()
    await sofia.send("3/2")  # day first: 3 February
    await sofia.next_message()
    draft = await draft_of(db, sofia)
    assert draft is not None and draft.data["d"] == "2026-02-03" and draft.state == "minutes"
    await sofia.press_data("lg:t:60")  # buttons are labelled in Spanish; press by data
    await sofia.next_message()
    await sofia.send("/log")
    await sofia.next_message()
    await sofia.press_data("lg:go:n")
    await sofia.next_message()
    await sofia.send("anteayer")  # the day before yesterday
    await sofia.next_message()
    draft = await draft_of(db, sofia)
    assert draft is not None and draft.data["d"] == "2026-02-28"


async def test_change_family_from_the_summary_and_old_buttons(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world, ana, _ = await make_world(db, clock, tg, two=True)
    await ana.send("/log")
    first = await ana.next_message()
    await ana.press("Haddad")
    await ana.next_message()
    for label in ("Today", "30 min", "Sport", "Done", "🙂 Well", "Skip", "Edit"):
        await ana.press(label)
        await ana.next_message()
    await ana.press("Family")
    msg = await ana.next_message()
    assert msg.button_labels == ["Haddad", "Osei"]
    await ana.press("Osei")
    msg = await ana.next_message()
    assert "Osei" in msg.text  # the date is asked again, for this match
    # A button of another step (an old message's) only shows the current step again.
    await ana.press_forged("lg:t:60", first)
    await ana.answer()  # the press is answered; the message already shows the date question
    draft = await draft_of(db, ana)
    assert draft is not None and draft.state == "day" and draft.data["min"] == 30
    await ana.press("Yesterday")
    msg = await ana.next_message()
    assert "Please check your meeting" in msg.text and "Osei" in msg.text
    await ana.press("Confirm")
    await ana.next_message()
    [meeting] = await stored(db)
    assert (meeting.match_id, meeting.occurred_on, meeting.duration_minutes) == (
        world.osei.id,
        date(2026, 3, 1),
        30,
    )


async def test_yesterday_before_the_match_started_is_refused(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    a = tg.user("Ana")
    async with building(db, clock.now()) as bd:
        org = await bd.org()
        worker = await bd.person(org, Role.WORKER, "Wendy")
        ana = await bd.person(org, Role.MENTOR, "Ana", telegram_id=a.id)
        await bd.match(await bd.family(org, "New"), [ana], worker, started_on=date(2026, 3, 2))
    await a.send("/log")
    await a.next_message()
    await a.press("Yesterday")
    msg = await a.next_message()
    assert "before the match started" in msg.text
    await a.press("Today")
    msg = await a.next_message()
    assert "How long" in msg.text


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_a_stale_button_keeps_the_question_and_says_what_to_do(
    db: Database, clock: ManualClock, tg: Telegram, locale: str
) -> None:
    from bot.i18n import translator
    from storage.models import Person as Row

    world, ana, _ = await make_world(db, clock, tg, two=False)
    async with db.transaction() as s:
        row = await s.get(Row, world.ana.id)
        assert row is not None
        row.locale = locale
    await ana.send("/log")
    question = await ana.next_message()
    await ana.send("/cancel")
    await ana.next_message()
    await ana.press(question.buttons[0][0][0], question)
    kept = await ana.next_message()
    assert kept.message_id == question.message_id and kept.text == question.text
    assert not kept.keyboard  # the ended conversation's buttons are gone
    told = await ana.next_message()
    assert told.message_id > question.message_id
    assert told.text == translator(locale).gettext(
        "This meeting log is no longer in progress. Send /log to start again."
    )
