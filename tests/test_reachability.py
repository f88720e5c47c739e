"""Blocking the bot marks a person unreachable at once and tells their worker; writing to it
again (or unblocking it) makes them reachable again."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from storage.db import Database
from storage.models import AuditEvent, Person, Role
from tests.conftest import deliver, eventually
from tests.factories import building
from tests.harness import Telegram


async def _person(db: Database, person_id: int) -> Person:
    async with db.transaction() as session:
        person = await session.get(Person, person_id)
        assert person is not None
        return person


async def _unreachable(db: Database, person_id: int) -> bool:
    return not (await _person(db, person_id)).reachable


async def _reachable(db: Database, person_id: int) -> bool:
    return (await _person(db, person_id)).reachable


async def test_block_then_unblock(tg: Telegram, app: App, db: Database, clock: ManualClock) -> None:
    wendy, amal = tg.user("Wendy", language_code="en"), tg.user("Amal", language_code="ar")
    async with building(db, clock.now()) as b:
        org = await b.org()
        worker = await b.person(org, Role.WORKER, "Wendy", telegram_id=wendy.id)
        family = await b.family(org, "Haddad")
        mentee = await b.person(
            org, Role.MENTEE, "Amal", telegram_id=amal.id, family=family, phone="+34612345678"
        )
        mentor = await b.person(org, Role.MENTOR, "Tom")
        await b.match(family, [mentor], worker)
    await wendy.send("/help")
    await wendy.next_message()
    await amal.send("/help")
    await amal.next_message()

    amal.block()
    await eventually(lambda: _unreachable(db, mentee.id))
    assert (await _person(db, mentee.id)).unreachable_reason == "blocked"
    await deliver(app)
    notice = await wendy.next_message()
    assert "Amal" in notice.text and "+34 612 34 56 78" in notice.text

    amal.unblock()
    await eventually(lambda: _reachable(db, mentee.id))
    async with db.transaction() as session:
        actions = list(
            await session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.target_id == mentee.id)
                .order_by(AuditEvent.id)
            )
        )
    assert actions == ["person.unreachable", "person.reachable"]


async def test_writing_again_makes_a_person_reachable(
    tg: Telegram, app: App, db: Database, clock: ManualClock
) -> None:
    tom = tg.user("Tom", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        mentor = await b.person(
            org,
            Role.MENTOR,
            "Tom",
            telegram_id=tom.id,
            reachable=False,
            unreachable_reason="blocked",
        )
    await tom.send("/help")
    await tom.next_message()
    person = await _person(db, mentor.id)
    assert person.reachable and person.unreachable_reason is None
