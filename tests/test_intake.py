"""Durable intake: no update is confirmed to Telegram before its inbox row exists (proved with
the emulator's record of confirmations), stored updates are handled after a restart in order
per chat, and an update that keeps failing is set aside without blocking the person."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    ApplicationHandlerStop,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.intake import intake_of, start_bot, stop_bot
from bot.services import inbox
from emulator import Emulator
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate, Role
from tests.conftest import TOKEN, eventually
from tests.factories import building
from tests.harness import Person, Telegram

SECRET = "intake-secret"


class Spy:
    """Checks, at the moment Telegram is told an update arrived, that its row is stored."""

    def __init__(self, emulator: Emulator, db: Database) -> None:
        self.db = db
        self.checked: list[tuple[int, str]] = []
        self.unstored: list[tuple[int, str]] = []
        emulator.on_confirm = self.check

    async def check(self, update_ids: list[int], how: str) -> None:
        async with self.db.transaction() as session:
            for update_id in update_ids:
                self.checked.append((update_id, how))
                if await session.get(InboxUpdate, update_id) is None:
                    self.unstored.append((update_id, how))


async def burst(tg: Telegram, people: int, each: int) -> list[Person]:
    users = [tg.user(f"User{i}") for i in range(people)]
    for round_ in range(each):
        for user in users:
            await user.send(f"hello {round_}")
    for user in users:
        await user.next_messages(each)  # every message answered (not linked: a fixed text)
    return users


async def stored_ids(db: Database) -> list[int]:
    async with db.transaction() as session:
        return list((await session.execute(select(InboxUpdate.update_id))).scalars())


async def test_polling_confirms_no_update_before_its_inbox_row_exists(
    emulator: Emulator, db: Database, app: App
) -> None:
    spy = Spy(emulator, db)
    await burst(Telegram(emulator), people=5, each=4)
    ids = await stored_ids(db)
    assert len(ids) == 20

    async def all_confirmed() -> bool:
        return len(spy.checked) >= 20

    await eventually(all_confirmed)  # the poller's next getUpdates confirms the last batch
    assert spy.unstored == []
    assert sorted(i for i, _ in spy.checked) == sorted(ids)
    assert {how for _, how in spy.checked} == {"offset"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def webhook_app(settings: Settings, db: Database, clock: ManualClock) -> AsyncIterator[App]:
    port = free_port()
    application = build_application(settings, db, clock, tick=False, set_menus=False)
    webhook = {
        "listen": "127.0.0.1",
        "port": port,
        "webhook_url": f"http://127.0.0.1:{port}/tg",
        "secret_token": SECRET,
    }
    await start_bot(application, db, clock, webhook=webhook)
    yield application
    await stop_bot(application)


async def test_the_webhook_answers_200_only_after_the_inbox_row_exists(
    emulator: Emulator, db: Database, webhook_app: App
) -> None:
    spy = Spy(emulator, db)
    await burst(Telegram(emulator), people=4, each=3)
    assert len(spy.checked) == 12 and {how for _, how in spy.checked} == {"webhook"}
    assert spy.unstored == []


async def test_the_spy_catches_an_updater_that_confirms_before_storing(
    emulator: Emulator, db: Database
) -> None:
    """The same check fails for PTB's own Updater, which confirms as soon as it has queued an
    update in memory (this is why the project does not use it)."""
    spy = Spy(emulator, db)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("seen")

    plain = ApplicationBuilder().token(TOKEN).base_url(f"{emulator.base_url}/bot").build()
    plain.add_handler(MessageHandler(filters.TEXT, echo))
    await plain.initialize()
    await plain.start()
    assert plain.updater is not None
    await plain.updater.start_polling(poll_interval=0, timeout=1)
    try:
        await burst(Telegram(emulator), people=2, each=2)

        async def confirmed() -> bool:
            return len(spy.checked) >= 4

        await eventually(confirmed)
    finally:
        await plain.updater.stop()
        await plain.stop()
        await plain.shutdown()
    assert len({update_id for update_id, _ in spy.unstored}) == 4  # every one of them


async def test_updates_stored_before_a_crash_are_handled_first_in_order_per_chat(
    emulator: Emulator, settings: Settings, db: Database, clock: ManualClock
) -> None:
    tg = Telegram(emulator)
    ana, bo = tg.user("Ana"), tg.user("Bo")
    async with building(db, clock.now()) as b:
        org = await b.org()
        await b.person(org, Role.MENTOR, "Ana", telegram_id=ana.id)
        await b.person(org, Role.MENTOR, "Bo", telegram_id=bo.id)
    for person in (ana, bo):
        await person.send("/help")
        await person.send("/nonsense")
    # A process stored these updates and confirmed them, then died before handling them.
    fetched: list[dict[str, Any]] = await emulator.api("getUpdates")
    assert len(fetched) == 4
    async with db.transaction() as session:
        assert await inbox.store(session, clock.now(), fetched) == 4
        assert await inbox.store(session, clock.now(), fetched) == 0  # idempotent
    await emulator.api("getUpdates", offset=fetched[-1]["update_id"] + 1, timeout=0)

    application = build_application(settings, db, clock, tick=False, set_menus=False)
    await start_bot(application, db, clock, poll_timeout=1)
    try:
        for person in (ana, bo):
            first, second = await person.next_messages(2)
            assert "/log" in first.text  # /help, answered first
            assert "do not know that command" in second.text
        await eventually(intake_of(application).dispatcher.idle)  # each row closed
    finally:
        await stop_bot(application)
    async with db.transaction() as session:
        rows = list((await session.execute(select(InboxUpdate))).scalars())
    assert [r.status for r in rows] == [InboxStatus.DONE] * 4
    assert all(r.payload is None and r.replies is None for r in rows)  # nothing typed is kept


async def test_an_update_that_keeps_failing_is_set_aside_and_the_person_goes_on(
    emulator: Emulator, db: Database, app: App
) -> None:
    async def boom(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("a bug")

    async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise ApplicationHandlerStop

    app.add_handler(MessageHandler(filters.Regex("^boom$"), boom), group=-2)
    app.add_handler(MessageHandler(filters.Regex("^boom$"), stop), group=-1)
    dispatcher = intake_of(app).dispatcher
    dispatcher.retry_seconds = 0.01
    alice = Telegram(emulator).user("Alice")
    await alice.send("boom")
    await alice.send("hello")
    await alice.next_message()  # the later message is answered
    await eventually(dispatcher.idle)

    async with db.transaction() as session:
        rows = list(
            (await session.execute(select(InboxUpdate).order_by(InboxUpdate.update_id))).scalars()
        )
        backlog = await inbox.backlog(session)
    failed, done = rows
    assert (failed.status, failed.attempts, failed.error) == (InboxStatus.FAILED, 3, "RuntimeError")
    assert done.status == InboxStatus.DONE
    assert backlog.failed == 1 and backlog.pending == 0
    assert dispatcher.stats.set_aside == 1
