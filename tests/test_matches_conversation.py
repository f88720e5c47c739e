"""The match card through the emulator: the worker opens it from a progress report's button
or with /match N, in her language and timezone; others' matches and unknown ones are refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import progress
from bot.services.progress import DOMAINS, ReportEntry
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import AuditEvent, Match, Meeting, Person, Role
from tests.conftest import deliver, dispatching
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

ES = translator("es")
REFUSED = ES.gettext("Sorry, that is not available to you.")


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    haddad: Match
    kim: Match  # another organisation's
    ana_id: int
    ana: TgPerson  # mentor
    wendy: TgPerson  # the referring worker, Spanish-speaking, in Bogotá
    xavi: TgPerson  # the other organisation's worker, in English


async def make_world(db: Database, clock: ManualClock, tg: Telegram) -> World:
    a, w, x = tg.user("Ana"), tg.user("Wendy", language_code="es"), tg.user("Xavi")
    now = clock.now()
    async with building(db, now) as b:
        org, elsewhere = await b.org(), await b.org()
        worker = await b.person(
            org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es", timezone="America/Bogota"
        )
        ana = await b.person(org, Role.MENTOR, "Ana <b>", telegram_id=a.id)
        family = await b.family(org, "Haddad")
        await b.person(org, Role.MENTEE, "Mona", family=family)
        haddad = await b.match(family, [ana], worker, started_on=date(2026, 1, 15))
        b.session.add(
            Meeting(match_id=haddad.id, mentor_id=ana.id, occurred_on=date(2026, 2, 26),
                    duration_minutes=90, created_at=now, updated_at=now)
        )  # fmt: skip
        xavi = await b.person(elsewhere, Role.WORKER, "Xavi", telegram_id=x.id)
        kim = await b.match(await b.family(elsewhere, "Kim"), [], xavi)
    for person in (a, w, x):
        await person.send("/start")
        await person.next_message()
    return World(haddad, kim, ana.id, a, w, x)


async def test_the_worker_opens_the_match_from_the_report(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg)
    # 03:00 UTC on 2 March is still 1 March in Bogotá.
    clock.set(datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    async with dispatching(db) as s:
        ana = await s.get(Person, world.ana_id)
        assert ana is not None
        entry = ReportEntry(
            world.haddad.id, dict.fromkeys(DOMAINS, 3), relationship=2, needs_support=True
        )
        await progress.submit(s, clock.now(), ana, entry)
    await deliver(app)
    report = await world.wendy.next_message()
    assert "Haddad" in report.text  # the report itself is unchanged
    assert report.buttons == [[(ES.gettext("Open the match"), f"mt:{world.haddad.id}")]]

    await world.wendy.press_data(f"mt:{world.haddad.id}", report)
    card = await world.wendy.next_message()
    text = card.text
    assert "Haddad" in text and "Mona" in text and "Wendy" in text
    assert "Ana <b>" in text  # a name is shown as written, never as markup
    assert ES.day(date(2026, 1, 15)) in text  # started
    assert ES.day(date(2026, 2, 26)) in text and ES.duration(90) in text  # the meeting
    assert ES.day(date(2026, 3, 1)) in text  # the report, on Bogotá's calendar
    assert ES.day(date(2026, 3, 2)) not in text
    assert "2/4" in text
    assert ES.gettext("⚠️ The mentor asks for support from staff.") in text
    assert (ES.gettext("Open concerns: %(n)s") % {"n": "0"}) in text
    assert report.text == world.wendy.messages[-2].text  # the report stays as it was

    await world.wendy.send(f"/match {world.haddad.id}")
    again = await world.wendy.next_message()
    assert again.text == text
    async with db.transaction() as s:
        viewed = (
            await s.execute(select(AuditEvent).where(AuditEvent.action == "match.viewed"))
        ).scalars()
        assert len(list(viewed)) == 2


async def test_unknown_foreign_and_malformed_matches_are_refused(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg)
    wendy = world.wendy
    await wendy.send("/match 999999")
    assert REFUSED in (await wendy.next_message()).text
    await wendy.send("/match")
    assert "/match" in (await wendy.next_message()).text  # how to use it
    await wendy.press_forged(f"mt:{world.kim.id}")
    msg = await wendy.next_message()
    assert REFUSED in msg.text and "Kim" not in msg.text
    await wendy.press_forged("mt:x")
    assert REFUSED in (await wendy.next_message()).text
    # A mentor may not open even her own match's card.
    await world.ana.send(f"/match {world.haddad.id}")
    msg = await world.ana.next_message()
    assert "not available" in msg.text and "Haddad" not in msg.text
    await world.ana.press_forged(f"mt:{world.haddad.id}")
    msg = await world.ana.next_message()
    assert "not available" in msg.text and "Haddad" not in msg.text
    async with db.transaction() as s:
        refusals = (
            await s.execute(select(AuditEvent).where(AuditEvent.action == "access.refused"))
        ).scalars()
        assert len(list(refusals)) >= 4


async def test_an_empty_match_in_english(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg)
    await world.xavi.send(f"/match {world.kim.id}")
    text = (await world.xavi.next_message()).text
    lines = text.replace("\u2068", "").replace("\u2069", "").splitlines()  # bidi isolates
    assert lines[:6] == [
        f"Match no. {world.kim.id}: the Kim family",
        "The match is active.",
        "Started on 1 Jan 2026",
        "No family member is registered.",
        "The match has no mentor.",
        "Referring worker: Xavi",
    ]
    assert "No meeting logged yet." in lines and "No progress report yet." in lines
    assert lines[-2:] == ["Open concerns: 0", "Open help requests: 0"]
    # Wendy's match is not Xavi's to see.
    await world.xavi.send(f"/match {world.haddad.id}")
    msg = await world.xavi.next_message()
    assert msg.text == "Sorry, that is not available to you."
