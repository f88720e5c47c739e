"""The inbox dispatcher handles different people at once and one person's updates in order:
each chat has its own queue in front of the concurrency limit, and a chat takes a slot for one
update at a time, so a slow or busy person holds at most one slot while the others go on."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, MessageHandler, TypeHandler, filters

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.intake import intake_of, start_bot, stop_bot
from bot.services import inbox
from emulator import Emulator
from storage.db import Database
from tests.conftest import eventually
from tests.harness import Telegram


async def test_a_slow_update_holds_back_its_own_chat_only(
    emulator: Emulator, db: Database, app: App
) -> None:
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        started.set()
        await release.wait()  # a handler stuck on something slow (no sleeping: an event)
        raise ApplicationHandlerStop

    app.add_handler(MessageHandler(filters.Regex("^slow$"), slow), group=-2)
    tg = Telegram(emulator)
    ana, bo, cy = tg.user("Ana"), tg.user("Bo"), tg.user("Cy")
    await ana.send("slow")
    await asyncio.wait_for(started.wait(), 5)
    await ana.send("hello")  # behind her slow update
    for person in (bo, cy):
        await person.send("hello")
    for person in (bo, cy):
        assert "invitation" in (await person.next_message()).text  # answered meanwhile
    await ana.expect_no_message()  # her second update waits for her first
    release.set()
    assert "invitation" in (await ana.next_message()).text
    await eventually(intake_of(app).dispatcher.idle)


async def test_a_busy_chat_takes_turns_with_the_others_for_the_slots(
    emulator: Emulator, settings: Settings, db: Database, clock: ManualClock
) -> None:
    """One slot (concurrency 1): Ana's three stored updates do not all go before Bo's one; they
    take turns, and each chat's own order is kept."""
    tg = Telegram(emulator)
    ana, bo = tg.user("Ana"), tg.user("Bo")
    for text in ("a1", "a2", "a3"):
        await ana.send(text)
    await bo.send("b1")
    fetched: list[dict[str, Any]] = await emulator.api("getUpdates")
    async with db.transaction() as session:
        assert await inbox.store(session, clock.now(), fetched) == 4
    await emulator.api("getUpdates", offset=fetched[-1]["update_id"] + 1, timeout=0)

    handled: list[str] = []

    async def seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text:
            handled.append(update.message.text)

    application = build_application(settings, db, clock, tick=False, set_menus=False)
    application.add_handler(TypeHandler(Update, seen), group=-3000)
    await start_bot(application, db, clock, poll_timeout=1, concurrency=1)
    try:
        await eventually(intake_of(application).dispatcher.idle)
        await ana.next_messages(3)
        await bo.next_message()
    finally:
        await stop_bot(application)
    assert handled == ["a1", "b1", "a2", "a3"]
