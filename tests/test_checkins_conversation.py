"""/checkin through the emulator: a worker records a contact (a wrong date asked again, a
forged press for a match outside her caseload refused, cancel), a match card and a resolved
concern offer it in one tap, and an overdue check-in shows in /matches, /pending and the
weekly digest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from bot.notifications import digest
from storage.db import Database
from storage.models import CheckIn, CheckInHow, CheckInParty, Person, Role
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

REFUSED = "Sorry, that is not available to you."


@dataclass
class World:
    wendy: TgPerson
    wendy_id: int
    mine: int  # started 100 days ago, nobody contacted: overdue
    fresh: int  # started 5 days ago: nothing due yet
    theirs: int  # Walt's
    omar_id: int


async def make_world(db: Database, clock: ManualClock, tg: Telegram) -> World:
    w = tg.user("Wendy")
    now = clock.now()
    today = now.date()
    async with building(db, now) as b:
        org = await b.org(locale="en")
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id)
        walt = await b.person(org, Role.WORKER, "Walt")
        ana = await b.person(org, Role.MENTOR, "Ana")
        lopez = await b.family(org, "Lopez")
        omar = await b.person(org, Role.MENTEE, "Omar", family=lopez)
        mine = await b.match(lopez, [ana], wendy, started_on=today - timedelta(days=100))
        fresh = await b.match(
            await b.family(org, "Fresh"), [ana], wendy, started_on=today - timedelta(days=5)
        )
        theirs = await b.match(await b.family(org, "Other"), [ana], walt)
    await w.send("/start")
    await w.next_message()
    return World(w, wendy.id, mine.id, fresh.id, theirs.id, omar.id)


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


async def test_a_worker_records_a_check_in(db: Database, clock: ManualClock, tg: Telegram) -> None:
    world = await make_world(db, clock, tg)
    wendy = world.wendy
    await wendy.send("/checkin")
    first = await wendy.next_message()
    assert "Which match is the check-in about?" in first.text
    assert "Lopez" in first.text or any("Lopez" in str(row) for row in first.keyboard)
    assert not any("Other" in str(row) for row in first.keyboard)  # Walt's match

    # A forged press for a match outside her caseload is refused, nothing is asked.
    await wendy.press_forged(f"ck:s:{world.theirs}", first)
    assert REFUSED in (await wendy.next_message()).text

    await wendy.press(f"No. {world.mine} · Lopez", first)
    party = await wendy.next_message()
    assert "Whom did you contact about the" in party.text
    await wendy.press("mentee: Omar", party)
    how = await wendy.next_message()
    await wendy.press("Visit", how)
    when = await wendy.next_message()
    assert "When was it?" in when.text

    await wendy.send("banana")  # not a day: asked again
    again = await wendy.next_message()
    assert "I could not read that date" in again.text and "When was it?" in again.text
    future = (clock.now() + timedelta(days=3)).strftime("%d/%m/%Y")
    await wendy.send(future)
    assert "in the future" in (await wendy.next_message()).text
    await wendy.send("yesterday")
    note = await wendy.next_message()
    assert "Add a short note" in note.text
    await wendy.send("  Spoke with Omar about school.  ")
    summary = await wendy.next_message()
    assert "Whom: mentee: Omar" in _plain(summary.text) and "How: Visit" in summary.text
    await wendy.press("Save", summary)
    assert "Saved: your check-in for match no." in (await wendy.next_message()).text

    async with db.transaction() as session:
        saved = (await session.scalars(select(CheckIn))).all()
    assert len(saved) == 1
    c = saved[0]
    assert (c.match_id, c.party, c.person_id, c.how) == (
        world.mine,
        CheckInParty.MENTEE,
        world.omar_id,
        CheckInHow.VISIT,
    )
    assert c.occurred_on == (clock.now() - timedelta(days=1)).date()
    assert c.note == "Spoke with Omar about school."

    # From a match card, in one tap; and Cancel saves nothing.
    await wendy.send(f"/match {world.mine}")
    card = await wendy.next_message()
    await wendy.press("Record a check-in", card)
    asked = await wendy.next_message()
    assert "Whom did you contact" in asked.text
    await wendy.press("Cancel", asked)
    assert "No check-in was saved" in (await wendy.next_message()).text
    async with db.transaction() as session:
        assert len((await session.scalars(select(CheckIn))).all()) == 1


async def test_an_overdue_check_in_shows_in_matches_pending_and_the_digest(
    db: Database, clock: ManualClock, tg: Telegram
) -> None:
    world = await make_world(db, clock, tg)
    wendy = world.wendy
    await wendy.send("/matches")
    listing = await wendy.next_message()
    assert "check-in overdue: mentor, mentee and the family" in listing.text
    await wendy.press("Check-in overdue", listing)
    filtered = await wendy.next_message()
    assert "Lopez" in filtered.text and "Fresh" not in filtered.text

    await wendy.send("/pending")
    pending = await wendy.next_message()
    assert "Check-ins overdue" in pending.text
    assert f"No. {world.mine} · Lopez: check-in overdue" in _plain(pending.text)
    assert "Fresh" not in pending.text

    async with db.transaction() as session:
        staff = await session.get(Person, world.wendy_id)
        assert staff is not None
        composed = await digest.compose(session, staff, clock.now())
    assert composed.figures["checkins_overdue"] == 1
    assert "1 match with a staff check-in overdue" in composed.text
