"""The bot built by the project's wiring, in webhook mode: the emulator delivers updates with
the secret-token header, and a request without it is refused."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from emulator import Emulator
from storage.db import Database
from storage.models import Role
from tests.factories import building
from tests.harness import Telegram

SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def webhook_app(
    settings: Settings, db: Database, clock: ManualClock
) -> AsyncIterator[tuple[App, str]]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    application = build_application(settings, db, clock, tick=False, set_menus=False)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    assert application.updater is not None
    await application.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="telegram",
        webhook_url=url,
        secret_token=SECRET,
    )
    yield application, url
    await application.updater.stop()
    await application.stop()
    assert application.post_stop is not None
    await application.post_stop(application)
    await application.shutdown()


async def test_updates_arrive_by_webhook_with_the_secret(
    webhook_app: tuple[App, str], emulator: Emulator, db: Database, clock: ManualClock
) -> None:
    _, url = webhook_app
    tg = Telegram(emulator)
    alice = tg.user("Alice", language_code="en")
    async with building(db, clock.now()) as b:
        org = await b.org()
        await b.person(org, Role.MENTOR, "Alice", telegram_id=alice.id)
    info = await emulator.api("getWebhookInfo")
    assert info["url"] == url
    await alice.send("/help")
    answer = await alice.next_message()
    assert "/log" in answer.text
    assert not emulator.calls_to("getUpdates")  # nothing was polled

    async with httpx.AsyncClient() as client:  # someone who does not know the secret
        forged = await client.post(url, json={"update_id": 1})
        wrong = await client.post(
            url, json={"update_id": 2}, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
    assert forged.status_code == 403 and wrong.status_code == 403
