"""A coordinator erases a person through the bot, confirmed twice; the person is told, in
their language, that older messages stay on their device; a forged press is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from bot.erasing import notice
from bot.i18n import translator
from emulator import MessageView
from storage.db import Database
from storage.models import AuditEvent, Person
from tests.conftest import eventually
from tests.harness import Telegram
from tests.planting import decrypted_scan, plant

pytestmark = pytest.mark.asyncio


async def test_a_coordinator_erases_after_two_confirmations(
    app: App, tg: Telegram, db: Database, clock: ManualClock, settings: Settings
) -> None:
    planted = await plant(db, clock.now())
    sara_row, coord_row = planted.people["sara"], planted.people["coord"]
    async with db.transaction() as session:
        person = await session.get(Person, sara_row.id)
        assert person is not None
        person.locale = "fr"
    sara = tg.user("Sara", user_id=sara_row.telegram_id, language_code="fr")
    coord = tg.user("Carles", user_id=coord_row.telegram_id)
    worker = tg.user("Núria", user_id=planted.people["worker"].telegram_id)
    await sara.send("/help")  # she has started the bot
    await sara.next_message()

    await coord.send("/erase")
    assert "/erase 12" in (await coord.next_message()).text
    await coord.send(f"/erase {sara_row.id}")
    card = await coord.next_message()
    assert sara_row.name in card.text and "for good" in card.text
    await coord.press("Cancel")
    assert (await coord.next_message()).text == "Nothing was erased."
    await coord.send(f"/erase {sara_row.id}")
    await coord.next_message()
    await coord.press("Erase")
    sure = await coord.next_message()
    assert sure.text.startswith("Are you sure?")
    assert await decrypted_scan(db, planted.of("sara"))  # nothing erased yet

    # A worker forging the last press is refused.
    await worker.send("/pending")
    await worker.next_message()
    await worker.press_forged(f"er:2:{sara_row.id}")
    assert "not available" in (await worker.next_message()).text
    assert await decrypted_scan(db, planted.of("sara"))

    await coord.press("Yes, erase for good")
    done = await coord.next_message()
    assert done.text.startswith(f"#{sara_row.id} is erased") and "older ones stay" in done.text
    told = await sara.next_message()
    assert told.text == notice("fr") != notice("en")
    assert await decrypted_scan(db, planted.of("sara")) == {}
    assert translator("fr").gettext("Erase") != "Erase"

    async def audited() -> bool:
        async with db.transaction() as session:
            actions = (
                await session.execute(
                    select(AuditEvent.action, AuditEvent.actor_id).where(
                        AuditEvent.action.in_(["person.erased", "access.refused"])
                    )
                )
            ).all()
        return ("person.erased", coord_row.id) in actions

    await eventually(audited)
    # Logged by id, for a restore (not in the working directory).
    log_file = settings.erasure_log

    async def logged() -> bool:
        return log_file.exists() and f'"person": {sara_row.id}' in log_file.read_text()

    await eventually(logged)
    # Erasing again says so.
    await coord.send(f"/erase {sara_row.id}")
    assert (await coord.next_message()).text == "This person is already erased."


async def test_a_coordinator_of_another_organisation_cannot_erase(
    app: App, tg: Telegram, db: Database, clock: ManualClock
) -> None:
    here = await plant(db, clock.now())
    there = await plant(db, clock.now())
    coord = tg.user("Carles", user_id=there.people["coord"].telegram_id)

    def answer(m: MessageView) -> bool:  # not a planted message's delivery failure
        return "could not be delivered" not in m.text

    await coord.send(f"/erase {here.people['sara'].id}")
    assert "not available" in (await coord.next_message(where=answer)).text
    await coord.press_forged(f"er:2:{here.people['sara'].id}")  # and a forged press, audited
    assert "not available" in (await coord.next_message(where=answer)).text

    async def refused() -> bool:
        async with db.transaction() as session:
            found = (
                (
                    await session.execute(
                        select(AuditEvent.detail).where(
                            AuditEvent.action == "access.refused",
                            AuditEvent.actor_id == there.people["coord"].id,
                        )
                    )
                )
                .scalars()
                .all()
            )
        return any(d.get("callback", "").startswith("er:2:") for d in found)

    await eventually(refused)
    mentor = tg.user("Jordi", user_id=here.people["mentor"].telegram_id)
    await mentor.send(f"/erase {here.people['sara'].id}")
    # The planted programme's outbox may tell him first that a message of his could not be
    # delivered (the planted people have no chats): the answer to /erase is the one to read.
    reply = await mentor.next_message(where=answer)
    assert "not available to you" in reply.text
    assert await decrypted_scan(db, here.of("sara"))
