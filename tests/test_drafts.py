"""Starting another conversation sets the one in progress aside instead of losing it."""

from __future__ import annotations

from bot.clock import ManualClock
from bot.services import drafts
from storage.db import Database
from storage.models import Role
from tests.factories import building
from tests.harness import Telegram

TID = 4242


async def test_a_new_conversation_parks_the_one_in_progress(
    db: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with db.transaction() as s:
        await drafts.save(s, TID, "log", "duration", {"day": "2026-03-02"}, now)
        await drafts.save(s, TID, "report", "domain", {"match": 1}, now)
        await drafts.save(s, TID, "report", "comment", {"match": 1, "rating": 3}, now)
    async with db.transaction() as s:
        active = await drafts.get(s, TID)
        assert active is not None and (active.flow, active.state) == ("report", "comment")
        restored = await drafts.clear(s, TID, now)
        assert restored is not None
        assert (restored.flow, restored.state, restored.data) == (
            "log",
            "duration",
            {"day": "2026-03-02"},
        )
    async with db.transaction() as s:
        active = await drafts.get(s, TID)
        assert active is not None and active.flow == "log"
        assert await drafts.clear(s, TID, now) is None
        assert await drafts.get(s, TID) is None


async def test_cancel_clears_every_conversation(db: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with db.transaction() as s:
        await drafts.save(s, TID, "log", "duration", {}, now)
        await drafts.save(s, TID, "plan", "place", {}, now)
        assert await drafts.clear(s, TID, now, everything=True) is None
    async with db.transaction() as s:
        assert await drafts.get(s, TID) is None


async def test_a_mentor_finishing_a_concern_is_reminded_of_the_log(
    tg: Telegram, db: Database, clock: ManualClock
) -> None:
    alice = tg.user("Alice", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER)
        family = await b.family(org, "Haddad")
        mentor = await b.person(org, Role.MENTOR, telegram_id=alice.id)
        await b.match(family, [mentor], worker)
    await alice.send("/log")
    await alice.next_message()
    await alice.press("Today")
    await alice.next_message()
    await alice.send("/cancel")  # leaves everything
    assert "Stopped" in (await alice.next_message()).text
    await alice.send("/log")
    first = await alice.next_message()
    assert "Continue" not in [label for row in first.buttons for label, _ in row]

    await alice.press("Today")
    await alice.next_message()
    await alice.send("/help_staff")  # sets the log aside
    await alice.next_message()
    await alice.press("A practical question (a form, an appointment)")
    await alice.next_message()
    await alice.send("Where do I find the form for the school canteen grant?")
    _sent, hint = await alice.next_messages(2)
    assert "send /log to go on with it" in hint.text
    await alice.send("/log")
    offer = await alice.next_message()
    assert "Continue" in [label for row in offer.buttons for label, _ in row]
    await alice.press("Continue")
    resumed = await alice.next_message()
    assert "How long was the meeting?" in resumed.text

    await alice.send("/cancel")
    await alice.next_message()
    async with db.transaction() as s:
        assert await drafts.get(s, alice.id) is None
