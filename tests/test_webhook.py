"""The bot built by the project's wiring, in webhook mode: the emulator delivers updates with
the secret-token header, and a request without it is refused."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.app import App, build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.intake import start_bot, stop_bot
from bot.webhook import MAX_BODY_BYTES
from emulator import Emulator
from storage.db import Database
from storage.models import InboxUpdate, Role
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
    # The path of MENTORBOT_WEBHOOK_URL is the path the server listens on.
    url = f"http://127.0.0.1:{port}/telegram/hook"
    application = build_application(settings, db, clock, tick=False, set_menus=False)
    webhook = {"listen": "127.0.0.1", "port": port, "webhook_url": url, "secret_token": SECRET}
    await start_bot(application, db, clock, webhook=webhook)
    yield application, url
    await stop_bot(application)


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


async def test_the_webhook_refuses_other_paths_and_large_bodies(
    webhook_app: tuple[App, str],
) -> None:
    _, url = webhook_app
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient() as client:
        elsewhere = await client.post(url.rsplit("/", 1)[0], json={"update_id": 1}, headers=headers)
        large = await client.post(url, content=b"{" + b" " * MAX_BODY_BYTES + b"}", headers=headers)
        not_an_update = await client.post(url, content=b"[1, 2]", headers=headers)
    assert elsewhere.status_code == 404
    assert large.status_code == 413
    assert not_an_update.status_code == 400


async def test_the_webhook_answers_503_while_the_database_is_down(
    webhook_app: tuple[App, str], db: Database
) -> None:
    _, url = webhook_app
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    update = {
        "update_id": 991,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}},
    }
    real = db.transaction

    def down() -> Any:
        raise ConnectionRefusedError("database down")

    db.transaction = down  # type: ignore[method-assign]
    try:
        async with httpx.AsyncClient() as client:
            refused = await client.post(url, json=update, headers=headers)
    finally:
        db.transaction = real  # type: ignore[method-assign]
    assert refused.status_code == 503
    async with db.transaction() as session:
        assert await session.get(InboxUpdate, 991) is None
    async with httpx.AsyncClient() as client:
        accepted = await client.post(url, json=update, headers=headers)
    assert accepted.status_code == 200
    async with db.transaction() as session:
        assert await session.get(InboxUpdate, 991) is not None
