"""The quiet-match chain with a settable clock: the mentors at 14 days, the referring worker at
28, the coordinators at 45, each once per quiet spell; a logged meeting starts a new spell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import ManualClock
from bot.i18n import translator
from bot.services import admin, meetings, quiet
from bot.services.errors import Invalid
from emulator import Emulator, FloodLimits
from storage.db import Database
from storage.models import AuditEvent, OutboxMessage, Person, QuietAlert, Role
from tests.conftest import dispatching, tick
from tests.factories import building
from tests.harness import Person as TgPerson
from tests.harness import Telegram

ES = translator("es")


@pytest.fixture(autouse=True)
def _no_flood_limits(emulator: Emulator) -> None:
    emulator.set_flood_limits(FloodLimits.off())


@dataclass
class World:
    ana: TgPerson
    wendy: TgPerson
    cora: TgPerson
    ana_id: int
    wendy_id: int
    cora_id: int
    match_id: int


async def make_world(db: Database, clock: ManualClock, tg: Telegram) -> World:
    a, w, c = tg.user("Ana"), tg.user("Wendy", language_code="es"), tg.user("Cora")
    async with building(db, clock.now()) as b:
        org = await b.org()
        wendy = await b.person(org, Role.WORKER, "Wendy", telegram_id=w.id, locale="es")
        cora = await b.person(org, Role.COORDINATOR, "Cora", telegram_id=c.id)
        ana = await b.person(org, Role.MENTOR, "Ana", telegram_id=a.id)
        match = await b.match(
            await b.family(org, "Haddad"), [ana], wendy, started_on=clock.now().date()
        )
    for person in (a, w, c):
        await person.send("/start")
        await person.next_message()
    return World(a, w, c, ana.id, wendy.id, cora.id, match.id)


async def _queued_for(db: Database, person_id: int) -> int:
    async with dispatching(db) as s:
        n = await s.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.person_id == person_id, OutboxMessage.kind == "quiet_match"
            )
        )
        return int(n or 0)


async def test_the_chain_at_14_28_and_45_days_once_per_spell(
    db: Database, clock: ManualClock, tg: Telegram, app: App
) -> None:
    world = await make_world(db, clock, tg)
    start = clock.now()

    clock.set(start + timedelta(days=13))
    await tick(app)
    assert await _queued_for(db, world.ana_id) == 0

    clock.set(start + timedelta(days=14))
    await tick(app)
    nudge = await world.ana.next_message(where=lambda m: "/log" in (m.text or ""))
    assert "14 days" in nudge.text and "Haddad" in nudge.text
    assert "/log" in nudge.text and "/plan" in nudge.text
    await tick(app)  # again the same day, and after a restart: nothing twice
    clock.set(start + timedelta(days=20))
    await tick(app)
    assert await _queued_for(db, world.ana_id) == 1
    assert await _queued_for(db, world.wendy_id) == 0

    clock.set(start + timedelta(days=28))
    await tick(app)
    alert = await world.wendy.next_message(where=lambda m: "🔕" in (m.text or ""))
    text = ES.ngettext(
        "🔕 Quiet match: no meeting with the %(family)s family (match no. %(match)s) "
        "has been logged for %(days)s day. Referring worker: %(worker)s.",
        "🔕 Quiet match: no meeting with the %(family)s family (match no. %(match)s) "
        "has been logged for %(days)s days. Referring worker: %(worker)s.",
        28,
    ) % {"family": "\u2068Haddad\u2069", "match": world.match_id, "days": "28",
         "worker": "\u2068Wendy\u2069"}  # fmt: skip
    assert alert.text == text
    assert alert.buttons == [[(ES.gettext("Open the match"), f"mt:{world.match_id}")]]
    assert await _queued_for(db, world.cora_id) == 0

    clock.set(start + timedelta(days=45))
    await tick(app)
    assert "45 days" in (await world.cora.next_message(where=lambda m: "🔕" in (m.text or ""))).text
    await tick(app)
    assert [await _queued_for(db, p) for p in (world.ana_id, world.wendy_id, world.cora_id)] == [
        1,
        1,
        1,
    ]

    # Ana logs a meeting on day 46: a new spell; nothing until 14 days after it.
    clock.set(start + timedelta(days=46))
    async with dispatching(db) as s:
        ana = await s.get(Person, world.ana_id)
        assert ana is not None
        entry = meetings.Entry(world.match_id, clock.now().date(), 60, ("walk",), 4, None)
        await meetings.log_meeting(s, clock.now(), "Europe/Madrid", ana, entry)
    clock.set(start + timedelta(days=46 + 13))
    await tick(app)
    assert await _queued_for(db, world.ana_id) == 1
    clock.set(start + timedelta(days=46 + 14))
    await tick(app)
    again = await world.ana.next_message(where=lambda m: "/log" in (m.text or ""))
    assert "14 days" in again.text
    assert await _queued_for(db, world.ana_id) == 2

    async with dispatching(db) as s:
        audited = await s.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "match.quiet")
        )
        alerts = await s.scalar(select(func.count(QuietAlert.id)))
    assert audited == alerts == 4


async def test_the_batch_is_restart_safe_and_follows_the_policy(
    db: Database, clock: ManualClock
) -> None:
    async with building(db, clock.now()) as b:
        org = await b.org(quiet_days=[7, 10, 20])
        worker = await b.person(org, Role.WORKER, telegram_id=91)
        mentor = await b.person(org, Role.MENTOR, telegram_id=92)
        await b.match(
            await b.family(org),
            [mentor],
            worker,
            started_on=clock.now().date() - timedelta(days=12),
        )
    async with dispatching(db) as s:
        done, last = await quiet.quiet_batch(s, clock.now(), 0, 100)
    assert (done, last) == (2, None)  # the mentor (7) and the worker (10), not yet coordinators
    async with dispatching(db) as s:
        assert await quiet.quiet_batch(s, clock.now(), 0, 100) == (0, None)
    for bad in ("14,14,45", "14,28", "0,28,45", "x,28,45"):
        with pytest.raises(Invalid):
            admin.check_quiet_days(bad)
    assert admin.check_quiet_days("14, 28, 45") == [14, 28, 45]
    assert admin.check_weekday("Friday") == 4 and admin.check_weekday("0") == 0
    with pytest.raises(Invalid):
        admin.check_weekday("someday")
